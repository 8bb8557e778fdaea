package sqlstore_test

import (
	"context"
	"net/url"
	"testing"
	"time"

	"github.com/todoapi/todo/adapters/sqlstore"
	"github.com/todoapi/todo/adapters/sqlstore/sqlstoretest"
	"github.com/todoapi/todo/core/task"
	"github.com/todoapi/todo/ports"
	"github.com/todoapi/todo/ports/porttest"
)

// execModes are the pgx statement modes the repository must work in:
// cache_statement (pgx's default, for direct connections) and the modes
// that work through a transaction-mode pooler such as PgBouncer.
var execModes = []string{"cache_statement", "cache_describe", "exec", "simple_protocol"}

// withParam returns databaseURL with the query parameter key set to value.
func withParam(t testing.TB, databaseURL, key, value string) string {
	t.Helper()
	u, err := url.Parse(databaseURL)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set(key, value)
	u.RawQuery = q.Encode()
	return u.String()
}

func TestTaskRepository(t *testing.T) {
	t.Parallel()
	eachStore(t, 6, func(t *testing.T, db *sqlstore.DB) {
		repo := sqlstore.NewTaskRepository(db)
		porttest.TaskRepository(t, func(*testing.T) ports.TaskRepository { return repo })
	})
}

// eachStore runs fn, in parallel subtests, on a migrated SQLite database
// and on one PostgreSQL database through each statement mode (execModes),
// with pools of conns.
func eachStore(t *testing.T, conns int, fn func(t *testing.T, db *sqlstore.DB)) {
	t.Helper()
	t.Run("SQLite", func(t *testing.T) {
		t.Parallel()
		fn(t, sqlstoretest.MustOpenSQLite(t, sqlstore.Options{}))
	})
	t.Run("Postgres", func(t *testing.T) {
		t.Parallel()
		databaseURL := sqlstoretest.MustCreatePostgresDB(t)
		sqlstoretest.MustMigrate(t, sqlstoretest.MustOpen(t, databaseURL, sqlstore.Options{MaxOpenConns: 2}))
		for _, mode := range execModes {
			t.Run(mode, func(t *testing.T) {
				t.Parallel()
				fn(t, sqlstoretest.MustOpen(t, withParam(t, databaseURL, "default_query_exec_mode", mode), sqlstore.Options{MaxOpenConns: conns}))
			})
		}
	})
}

// TestSQLiteRestart stops and starts the store: what was written through one
// DB is there, unchanged, through the next one on the same file.
func TestSQLiteRestart(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	databaseURL := sqlstoretest.SQLiteURL(t)
	owner := porttest.RandomOwner()

	first := sqlstoretest.MustOpen(t, databaseURL, sqlstore.Options{})
	sqlstoretest.MustMigrate(t, first)
	repo := sqlstore.NewTaskRepository(first)
	kept := porttest.MustCreate(t, repo, owner, "survives a restart", time.Now())
	changed, err := porttest.Update(ctx, repo, owner, kept.ID(), func(tk *task.Task) error {
		tk.Toggle(time.Now())
		return nil
	})
	if err != nil {
		t.Fatalf("Update: %v", err)
	}
	if err := first.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}

	second := sqlstoretest.MustOpen(t, databaseURL, sqlstore.Options{})
	if err := second.Ping(ctx); err != nil {
		t.Fatalf("Ping after restart: %v", err)
	}
	applied, err := sqlstore.Migrate(ctx, second, nil)
	if err != nil || len(applied) != 0 {
		t.Fatalf("Migrate after restart = %v, %v; want nothing to apply", applied, err)
	}
	list, err := porttest.ListAll(ctx, sqlstore.NewTaskRepository(second), owner)
	if err != nil {
		t.Fatalf("List after restart: %v", err)
	}
	if len(list) != 1 {
		t.Fatalf("List after restart returned %d tasks, want 1", len(list))
	}
	if got, want := list[0].Snapshot(), changed.Snapshot(); got.ID != want.ID || !got.Completed ||
		got.Title != want.Title || !got.UpdatedAt.Equal(want.UpdatedAt) || !got.CreatedAt.Equal(want.CreatedAt) {
		t.Fatalf("after restart: %+v, want %+v", got, want)
	}
}
