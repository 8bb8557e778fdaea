package sqlstore

import (
	"context"
	"time"

	"github.com/uptrace/bun/migrate"

	"github.com/todoapi/todo/core/identity"
	"github.com/todoapi/todo/core/task"
	"github.com/todoapi/todo/migrations"
)

// HotStatements returns the SQL of Get (parameters: id, owner) and of the
// whole list (parameter: owner) as the repository sends it to the dialect,
// so tests can EXPLAIN exactly that.
func HotStatements(d Dialect) (get, list string) {
	s := postgresSQL.statements()
	if d == SQLite {
		s = sqliteSQL.statements()
	}
	return s.get, s.listAll
}

// ListStatement returns the SQL and parameters of a list page as the
// repository composes it, so tests can EXPLAIN exactly that.
func (db *DB) ListStatement(owner identity.UserID, q task.Query) (string, []any) {
	return NewTaskRepository(db).listStatement(owner, q)
}

// WholeListStatement returns the SQL of the whole list as the repository sends
// it, with the owner's feed head (parameters: owner, owner).
func (db *DB) WholeListStatement(owner identity.UserID) (string, []any) {
	return NewTaskRepository(db).listStatement(owner, task.Query{})
}

// TrashAndFeedStatements returns the SQL of a trash page from the start
// (parameters: owner, limit, offset) and after a position (owner,
// deleted_at, id, limit), and of a feed read (owner, after, limit).
func TrashAndFeedStatements(d Dialect) (trash, trashAfter, changes string) {
	f := postgresSQL.feedStatements()
	if d == SQLite {
		f = sqliteSQL.feedStatements()
	}
	return f.listTrash, f.listTrashAfter, f.changes
}

// Setting reads a server setting over the store's pool, so tests can see
// which URL parameters reached the server.
func (db *DB) Setting(ctx context.Context, name string) (string, error) {
	var v string
	err := db.read.DB.QueryRowContext(ctx, "SELECT current_setting($1)", name).Scan(&v)
	return v, err
}

// Exec runs a statement on the write pool, for tests that must reach past
// the repository (to see what the schema itself refuses).
func (db *DB) Exec(ctx context.Context, query string, args ...any) error {
	_, err := db.write.DB.ExecContext(ctx, query, args...)
	return err
}

// MigrateThrough applies the migrations up to and including the one named
// (e.g. 20261202000001_task_versions), as an older release did, so tests
// can write rows as it wrote them before migrating the rest.
func MigrateThrough(ctx context.Context, db *DB, name string) error {
	all, err := migrations.For(string(db.dialect))
	if err != nil {
		return err
	}
	ms := migrate.NewMigrations()
	for _, m := range all.Sorted() {
		if m.Name+"_"+m.Comment <= name {
			ms.Add(m)
		}
	}
	m := migrate.NewMigrator(db.write, ms, migrate.WithMarkAppliedOnSuccess(true))
	if err := m.Init(ctx); err != nil {
		return err
	}
	_, err = m.Migrate(ctx)
	return err
}

// PreparedListShapes reports how many composed lists SQLite holds
// prepared.
func (db *DB) PreparedListShapes() int64 {
	if e, ok := db.engine.(*sqliteEngine); ok {
		return e.listShapes.Load()
	}
	return 0
}

// MaxListShapes is maxListShapes.
const MaxListShapes = maxListShapes

// TaskColumns are the columns of a task's row as the engines scan it, for
// tests that write their own statements.
const TaskColumns = taskColumns

// Tx is one of the engine's transactions, for tests that send their own
// statements through it, exactly as the repository's run.
type Tx struct{ e txEngine }

// Query runs a read of TaskColumns in the transaction, after the writes
// queued before it, and returns its tasks.
func (t Tx) Query(ctx context.Context, st string, args ...any) ([]*task.Task, error) {
	var out []*task.Task
	err := t.e.read(ctx, st, args, func(rw row) error {
		tk, err := rw.task()
		out = append(out, tk)
		return err
	})
	return out, err
}

// Exec runs a write in the transaction, now or at the latest with the
// commit; affected then holds the rows it changed.
func (t Tx) Exec(ctx context.Context, affected *int64, st string, args ...any) error {
	return t.e.exec(ctx, st, args, func(n int64) error {
		*affected = n
		return nil
	})
}

// SetPing sets how long the listener's connection may stay quiet before
// it is pinged; call it before Start.
func (l *Listener) SetPing(d time.Duration) { l.ping = d }

// AfterCommit queues a statement to run just after the transaction's
// COMMIT, as the notification of its changes runs (PostgreSQL only).
func (t Tx) AfterCommit(st string, args ...any) { t.e.(*pgTx).afterCommit(st, args...) }

// ReadAs runs one read of TaskColumns as the repository's reads run,
// acting for owner, and returns its tasks.
func (db *DB) ReadAs(ctx context.Context, owner identity.UserID, st string, args ...any) ([]*task.Task, error) {
	var out []*task.Task
	err := db.engine.read(ctx, owner, st, args, func(rw row) error {
		tk, err := rw.task()
		out = append(out, tk)
		return err
	})
	return out, err
}

// AtomicAs runs fn in one of the engine's transactions acting for owner,
// as TaskRepository.Atomic runs its own.
func (db *DB) AtomicAs(ctx context.Context, owner identity.UserID, fn func(Tx) error) error {
	return db.engine.atomic(ctx, owner, func(e txEngine) error { return fn(Tx{e}) })
}

// Count runs a statement that returns one number on the read pool, as a
// plain query outside the repository: no acting user is set.
func (db *DB) Count(ctx context.Context, query string, args ...any) (int64, error) {
	var n int64
	err := db.read.DB.QueryRowContext(ctx, query, args...).Scan(&n)
	return n, err
}

// DueRemindersStatement returns the SQL of DueReminders (parameters: now,
// limit), so tests can EXPLAIN exactly that.
func DueRemindersStatement(d Dialect) string {
	if d == SQLite {
		return sqliteSQL.feedStatements().dueReminders
	}
	return postgresSQL.feedStatements().dueReminders
}

// PlanCounts returns how often PostgreSQL ran the prepared statement whose
// text is st with a generic and with a custom plan, on the pool's
// connection (open the DB with MaxOpenConns 1 so that there is one).
func (db *DB) PlanCounts(ctx context.Context, st string) (generic, custom int64, err error) {
	err = db.read.DB.QueryRowContext(ctx, `SELECT generic_plans, custom_plans FROM pg_prepared_statements
		WHERE statement = $1`, st).Scan(&generic, &custom)
	return generic, custom, err
}

// ParseNotification returns the origin and the owner of a notification's
// payload.
var ParseNotification = parseNotification
