package events_test

import (
	"context"
	"errors"
	"testing"

	"github.com/todoapi/todo/adapters/events"
	"github.com/todoapi/todo/adapters/memory"
	"github.com/todoapi/todo/adapters/system"
	"github.com/todoapi/todo/core/app"
	"github.com/todoapi/todo/core/identity"
	"github.com/todoapi/todo/core/task"
	"github.com/todoapi/todo/ports"
	"github.com/todoapi/todo/ports/porttest"
)

func TestRepositoryKeepsTheContract(t *testing.T) {
	store := memory.NewTaskRepository()
	// The housekeeping part of the suite reaches the store's chores
	// directly, as the service does.
	repo := struct {
		*events.Repository
		ports.Housekeeper
	}{events.NewRepository(store, events.NewHub()), store}
	porttest.TaskRepository(t, func(*testing.T) ports.TaskRepository { return repo })
}

func TestRepositorySignalsAfterCommit(t *testing.T) {
	hub := events.NewHub()
	repo := events.NewRepository(memory.NewTaskRepository(), hub)
	svc := app.NewTaskService(repo, system.Clock{}, system.IDs{})
	alice := identity.Principal{UserID: "alice"}
	c, cancel := hub.Subscribe("alice")
	defer cancel()
	ctx := context.Background()

	created, err := svc.Create(ctx, alice, "alice", task.Patch{Title: task.Set("Buy milk")})
	if err != nil {
		t.Fatal(err)
	}
	if !signalled(c) {
		t.Fatal("a create did not signal the owner's subscription")
	}
	if _, err := svc.Toggle(ctx, alice, "alice", created.ID().String()); err != nil {
		t.Fatal(err)
	}
	if !signalled(c) {
		t.Error("a toggle did not signal")
	}

	t.Run("NotWhenNothingIsRecorded", func(t *testing.T) {
		if err := repo.Atomic(ctx, "alice", func(tx ports.TaskTx) error {
			_, err := tx.Get(ctx, created.ID())
			return err
		}); err != nil {
			t.Fatal(err)
		}
		if signalled(c) {
			t.Error("a transaction that recorded no change signalled")
		}
	})
	t.Run("NotWhenRolledBack", func(t *testing.T) {
		boom := errors.New("boom")
		err := repo.Atomic(ctx, "alice", func(tx ports.TaskTx) error {
			if err := tx.Record(ctx, task.Created(created)); err != nil {
				return err
			}
			return boom
		})
		if !errors.Is(err, boom) {
			t.Fatalf("Atomic = %v, want boom", err)
		}
		if signalled(c) {
			t.Error("a rolled-back transaction signalled")
		}
	})
}
