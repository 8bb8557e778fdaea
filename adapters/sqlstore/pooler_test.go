package sqlstore_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/todoapi/todo/adapters/sqlstore"
	"github.com/todoapi/todo/adapters/sqlstore/sqlstoretest"
	"github.com/todoapi/todo/core/apperr"
	"github.com/todoapi/todo/ports"
	"github.com/todoapi/todo/ports/porttest"
)

// mustPooledDB creates a fresh database and starts PgBouncer in transaction
// mode in front of it; it returns the direct URL and the pooled one.
func mustPooledDB(t *testing.T, extra ...string) (direct, pooled string) {
	t.Helper()
	direct = sqlstoretest.MustCreatePostgresDB(t)
	return direct, sqlstoretest.MustStartPgBouncer(t, direct, extra...)
}

// TestTaskRepositoryThroughPgBouncer runs the contract suite through
// PgBouncer in transaction mode, migrating through it too: with
// pgbouncer=true, and in each pooler-safe mode named explicitly.
func TestTaskRepositoryThroughPgBouncer(t *testing.T) {
	t.Parallel()
	_, pooled := mustPooledDB(t)
	sqlstoretest.MustMigrate(t, sqlstoretest.MustOpen(t, withParam(t, pooled, "pgbouncer", "true"), sqlstore.Options{MaxOpenConns: 2}))
	urls := map[string]string{"pgbouncer=true": withParam(t, pooled, "pgbouncer", "true")}
	for _, mode := range []string{"exec", "cache_describe", "simple_protocol"} {
		urls[mode] = withParam(t, pooled, "default_query_exec_mode", mode)
	}
	for name, u := range urls {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			db := sqlstoretest.MustOpen(t, u, sqlstore.Options{MaxOpenConns: 6})
			if err := sqlstore.Connect(context.Background(), db, 0, false, nil); err != nil {
				t.Fatalf("Connect: %v", err)
			}
			repo := sqlstore.NewTaskRepository(db)
			porttest.TaskRepository(t, func(*testing.T) ports.TaskRepository { return repo })
		})
	}
}

// TestPoolerDetected: with nothing in the URL about a pooler, Connect tells
// a transaction pooler from a direct connection and refuses the first with
// a message saying what to add; the pooler hint makes it pass.
func TestPoolerDetected(t *testing.T) {
	t.Parallel()
	direct, pooled := mustPooledDB(t)
	ctx := context.Background()
	for _, u := range []string{direct, withParam(t, pooled, "pgbouncer", "true")} {
		db := sqlstoretest.MustOpen(t, u, sqlstore.Options{})
		if err := sqlstore.Connect(ctx, db, 0, true, nil); err != nil {
			t.Errorf("Connect to %s: %v", u, err)
		}
	}
	db := sqlstoretest.MustOpen(t, pooled, sqlstore.Options{})
	err := sqlstore.Connect(ctx, db, time.Minute, true, nil)
	if err == nil || !strings.Contains(err.Error(), "add pgbouncer=true to DATABASE_URL") {
		t.Fatalf("Connect through the pooler in pgx's default mode = %v; want the advice to add pgbouncer=true", err)
	}
}

// TestPoolerHintAtRunTime: when the start-up check is bypassed (the URL
// insists on cache_statement), the statements that fail say what to do.
func TestPoolerHintAtRunTime(t *testing.T) {
	t.Parallel()
	direct, pooled := mustPooledDB(t)
	sqlstoretest.MustMigrate(t, sqlstoretest.MustOpen(t, direct, sqlstore.Options{}))
	db := sqlstoretest.MustOpen(t, withParam(t, pooled, "default_query_exec_mode", "cache_statement"), sqlstore.Options{MaxOpenConns: 4})
	repo := sqlstore.NewTaskRepository(db)
	var (
		wg   sync.WaitGroup
		mu   sync.Mutex
		errs []error
	)
	for range 4 {
		wg.Go(func() {
			for range 5 {
				if _, err := porttest.ListAll(context.Background(), repo, porttest.RandomOwner()); err != nil {
					mu.Lock()
					errs = append(errs, err)
					mu.Unlock()
				}
			}
		})
	}
	wg.Wait()
	if len(errs) == 0 {
		t.Fatal("cached prepared statements never failed through the pooler; is it in transaction mode?")
	}
	for _, err := range errs {
		if apperr.CodeOf(err) != apperr.EINTERNAL || !strings.Contains(err.Error(), "add pgbouncer=true") {
			t.Errorf("List through the pooler: %v; want EINTERNAL with the pgbouncer=true advice", err)
		}
	}
}

// TestURLParameters: parameters reach the server as written, directly and
// through PgBouncer, and pgbouncer=true itself never does (PostgreSQL
// would refuse it as an unknown setting).
func TestURLParameters(t *testing.T) {
	t.Parallel()
	direct, pooled := mustPooledDB(t)
	for name, u := range map[string]string{"direct": direct, "pooled": pooled} {
		u = withParam(t, withParam(t, u, "application_name", "todo-"+name), "pgbouncer", "true")
		db := sqlstoretest.MustOpen(t, u, sqlstore.Options{})
		got, err := db.Setting(context.Background(), "application_name")
		if err != nil || got != "todo-"+name {
			t.Errorf("%s: application_name = %q, %v; want %q", name, got, err, "todo-"+name)
		}
	}
}

// TestMigrateNeedsTwoPoolerConnections documents a limit: the migration
// lock's transaction holds one server connection of PgBouncer's pool while
// the migrations run on another, so a pool_size of 1 cannot migrate. It
// fails (after query_wait_timeout) rather than hanging.
func TestMigrateNeedsTwoPoolerConnections(t *testing.T) {
	t.Parallel()
	_, pooled := mustPooledDB(t, "default_pool_size = 1", "query_wait_timeout = 1")
	db := sqlstoretest.MustOpen(t, withParam(t, pooled, "pgbouncer", "true"), sqlstore.Options{MaxOpenConns: 2})
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	_, err := sqlstore.Migrate(ctx, db, nil)
	if err == nil || !strings.Contains(err.Error(), "pool size must be at least 2") {
		t.Fatalf("Migrate through a pool of one server connection = %v; want an error naming the pool size", err)
	}
}
