package sqlstore_test

import (
	"context"
	"testing"
	"time"

	"github.com/todoapi/todo/adapters/sqlstore"
	"github.com/todoapi/todo/adapters/sqlstore/sqlstoretest"
	"github.com/todoapi/todo/adapters/system"
	"github.com/todoapi/todo/core/app"
	"github.com/todoapi/todo/core/apperr"
	"github.com/todoapi/todo/core/idempotency"
	"github.com/todoapi/todo/core/identity"
	"github.com/todoapi/todo/core/task"
	"github.com/todoapi/todo/ports"
	"github.com/todoapi/todo/ports/porttest"
)

// While one transaction holds a key, another one that claims it fails at
// once with the in-flight conflict, without waiting for the first; once
// the first has committed its record, the key is taken.
func TestKeyInFlightPostgres(t *testing.T) {
	t.Parallel()
	db := sqlstoretest.MustOpenPostgres(t, sqlstore.Options{MaxOpenConns: 4})
	repo := sqlstore.NewTaskRepository(db)
	ctx := context.Background()
	owner, key := porttest.RandomOwner(), porttest.RandomKey()
	tk := porttest.MustCreate(t, repo, owner, "held", time.Now())

	var twin error
	err := repo.Atomic(ctx, owner, func(tx ports.TaskTx) error {
		if err := tx.ClaimKey(ctx, key); err != nil {
			return err
		}
		got, err := tx.Get(ctx, tk.ID()) // sends the claim with it
		if err != nil {
			return err
		}
		// The twin runs on another connection while this transaction
		// holds the key; it must not wait for it.
		_, twin = porttest.CreateOnce(ctx, repo, owner, key, "twin", time.Now())
		got.Toggle(time.Now())
		if err := tx.Save(ctx, got); err != nil {
			return err
		}
		return tx.SaveKey(ctx, idempotency.Record{Key: key, Fingerprint: "fp", Response: []byte("first"), CreatedAt: time.Now()})
	})
	if err != nil {
		t.Fatalf("the first transaction: %v", err)
	}
	if got, want := apperr.MessageOf(twin), apperr.MessageOf(idempotency.ErrInFlight()); apperr.CodeOf(twin) != apperr.ECONFLICT || got != want {
		t.Fatalf("the twin while the key was held: %v; want %q", twin, want)
	}
	_, err = porttest.CreateOnce(ctx, repo, owner, key, "late twin", time.Now())
	if got, want := apperr.MessageOf(err), apperr.MessageOf(idempotency.ErrTaken()); apperr.CodeOf(err) != apperr.ECONFLICT || got != want {
		t.Fatalf("the twin after the commit: %v; want %q", err, want)
	}
	if list, err := porttest.ListAll(ctx, repo, owner); err != nil || len(list) != 1 {
		t.Fatalf("List = %d tasks, %v; want only the first", len(list), err)
	}
}

// A keyed create whose answer was lost is replayed by a server started
// afresh on the same database, as by any other replica: the record is in
// the database, with the task.
func TestKeyReplayAfterRestart(t *testing.T) {
	t.Parallel()
	for _, store := range []struct {
		name string
		url  func(t *testing.T) string
	}{
		{"SQLite", func(t *testing.T) string { return sqlstoretest.SQLiteURL(t) }},
		{"Postgres", func(t *testing.T) string { return sqlstoretest.MustCreatePostgresDB(t) }},
	} {
		t.Run(store.name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			databaseURL := store.url(t)
			owner := identity.Principal{UserID: porttest.RandomOwner()}
			create := func(db *sqlstore.DB) (*task.Task, *app.Idempotency, error) {
				svc := app.NewTaskService(sqlstore.NewTaskRepository(db), system.Clock{}, system.IDs{})
				k := &app.Idempotency{Key: "retry-me", Fingerprint: "POST /api/x/tasks {}",
					Response: func(t *task.Task) []byte { return []byte(t.ID().String()) }}
				t, err := svc.Create(ctx, owner, owner.UserID, task.Draft{Title: "once"}.Patch(), app.Once(k))
				return t, k, err
			}

			first := sqlstoretest.MustOpen(t, databaseURL, sqlstore.Options{})
			sqlstoretest.MustMigrate(t, first)
			created, k, err := create(first)
			if err != nil || k.Replay != nil {
				t.Fatalf("first create: %v, replay %q", err, k.Replay)
			}
			if err := first.Close(); err != nil {
				t.Fatal(err)
			}

			second := sqlstoretest.MustOpen(t, databaseURL, sqlstore.Options{})
			again, k, err := create(second)
			if err != nil || again != nil || string(k.Replay) != created.ID().String() {
				t.Fatalf("retry after the restart: task %v, %v, replay %q; want the first response, %s", again, err, k.Replay, created.ID())
			}
			list, err := porttest.ListAll(ctx, sqlstore.NewTaskRepository(second), owner.UserID)
			if err != nil || len(list) != 1 {
				t.Fatalf("List = %d tasks, %v; want the one effect", len(list), err)
			}
		})
	}
}

// ExpireKeys counts what it removed, of every owner.
func TestExpireKeysCounts(t *testing.T) {
	t.Parallel()
	repo := sqlstore.NewTaskRepository(sqlstoretest.MustOpenSQLite(t, sqlstore.Options{}))
	old := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
	for range 3 {
		porttest.MustCreateOnce(t, repo, porttest.RandomOwner(), porttest.RandomKey(), "old", old)
	}
	porttest.MustCreateOnce(t, repo, porttest.RandomOwner(), porttest.RandomKey(), "new", old.Add(time.Hour))
	n, err := repo.ExpireKeys(context.Background(), old.Add(time.Minute))
	if err != nil || n != 3 {
		t.Fatalf("ExpireKeys = %d, %v; want 3", n, err)
	}
}
