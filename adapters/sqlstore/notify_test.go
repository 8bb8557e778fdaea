package sqlstore_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/todoapi/todo/adapters/sqlstore"
	"github.com/todoapi/todo/adapters/sqlstore/sqlstoretest"
	"github.com/todoapi/todo/core/identity"
	"github.com/todoapi/todo/core/task"
	"github.com/todoapi/todo/ports"
	"github.com/todoapi/todo/ports/porttest"
)

// signalWait bounds waiting for a signal that must come: it only keeps a
// broken test from hanging, it is never what a test asserts.
const signalWait = 20 * time.Second

func newTask(owner identity.UserID) *task.Task {
	tk, _ := task.New(porttest.RandomID(), owner, task.Draft{Title: "live"}, time.Now())
	return tk
}

func mustCreateRecorded(t *testing.T, repo ports.TaskRepository, owner identity.UserID) {
	t.Helper()
	tk := newTask(owner)
	if err := porttest.CreateRecorded(context.Background(), repo, tk); err != nil {
		t.Fatal(err)
	}
}

// mustRollBackRecorded records a change in a transaction that then fails.
func mustRollBackRecorded(t *testing.T, repo ports.TaskRepository, owner identity.UserID) {
	t.Helper()
	boom := errors.New("boom")
	ctx := context.Background()
	tk, _ := task.New(porttest.RandomID(), owner, task.Draft{Title: "rolled back"}, time.Now())
	err := repo.Atomic(ctx, owner, func(tx ports.TaskTx) error {
		if err := tx.Create(ctx, tk, 0); err != nil {
			return err
		}
		if err := tx.Record(ctx, task.Created(tk)); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("Atomic = %v, want boom", err)
	}
}

// Each transaction that commits a change notifies once, with the owner's
// id, after its commit; one that rolls back, or records nothing, does not.
// As the service's role, under row-level security.
func TestNotifyAtCommit(t *testing.T) {
	t.Parallel()
	roles := mustMigratedRoles(t)
	repo := sqlstore.NewTaskRepository(sqlstoretest.MustOpen(t, roles.AppURL, sqlstore.Options{}))
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, roles.AppURL)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, "LISTEN todo_changes"); err != nil {
		t.Fatal(err)
	}
	alice, bob := porttest.RandomOwner(), porttest.RandomOwner()

	two := []*task.Task{newTask(alice), newTask(alice)}
	if err := repo.Atomic(ctx, alice, func(tx ports.TaskTx) error { // two changes, one transaction
		for _, tk := range two {
			if err := tx.Create(ctx, tk, 0); err != nil {
				return err
			}
			if err := tx.Record(ctx, task.Created(tk)); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	mustRollBackRecorded(t, repo, alice)
	if err := porttest.Create(ctx, repo, newTask(alice)); err != nil { // no change recorded
		t.Fatal(err)
	}
	if _, err := porttest.UpdateRecorded(ctx, repo, alice, two[0].ID(), func(tk *task.Task) { tk.Toggle(time.Now()) }); err != nil {
		t.Fatal(err) // a transaction that reads first, then commits
	}
	mustCreateRecorded(t, repo, bob) // last: once it arrives, everything before it has

	var got []string
	wait, cancel := context.WithTimeout(ctx, signalWait)
	defer cancel()
	for len(got) == 0 || got[len(got)-1] != string(bob) {
		n, err := conn.WaitForNotification(wait)
		if err != nil {
			t.Fatalf("after %q: %v", got, err)
		}
		if n.Channel != "todo_changes" {
			t.Fatalf("notification on %q", n.Channel)
		}
		_, owner := sqlstore.ParseNotification(n.Payload)
		got = append(got, string(owner))
	}
	if want := []string{string(alice), string(alice), string(bob)}; strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("notifications %q, want %q: one per committed transaction that recorded a change", got, want)
	}
}

// What runs after the COMMIT, as the notification does, cannot fail the
// write: it has committed by then. What fails before the COMMIT skips it.
func TestAfterCommitFailsNothing(t *testing.T) {
	t.Parallel()
	db := sqlstoretest.MustOpenPostgres(t, sqlstore.Options{})
	ctx := context.Background()
	owner := porttest.RandomOwner()
	var n int64
	err := db.AtomicAs(ctx, owner, func(tx sqlstore.Tx) error {
		tx.AfterCommit("SELECT 1 / 0")
		return tx.Exec(ctx, &n, insertFor, porttest.RandomID().String(), string(owner))
	})
	if err != nil {
		t.Fatalf("a write followed by a failing statement after its COMMIT: %v, want it to succeed", err)
	}
	if got, err := db.Count(ctx, "SELECT count(*) FROM tasks WHERE user_id = $1", string(owner)); err != nil || got != 1 {
		t.Fatalf("%d tasks (%v), want the one committed", got, err)
	}

	err = db.AtomicAs(ctx, owner, func(tx sqlstore.Tx) error {
		tx.AfterCommit("INSERT INTO tasks (id, user_id, title, created_at, updated_at) VALUES ($1::uuid, $2::text, 'after', now(), now())",
			porttest.RandomID().String(), string(owner))
		return tx.Exec(ctx, &n, "SELECT 1 / 0")
	})
	if err == nil {
		t.Fatal("a failing write succeeded")
	}
	if got, err := db.Count(ctx, "SELECT count(*) FROM tasks WHERE user_id = $1", string(owner)); err != nil || got != 1 {
		t.Fatalf("%d tasks (%v): what follows the COMMIT of a failed write ran", got, err)
	}
}
