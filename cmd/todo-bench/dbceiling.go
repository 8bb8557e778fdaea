package main

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/todoapi/todo/adapters/sqlstore"
	"github.com/todoapi/todo/adapters/system"
	"github.com/todoapi/todo/core/idempotency"
	"github.com/todoapi/todo/core/identity"
	"github.com/todoapi/todo/core/task"
	"github.com/todoapi/todo/ports"
)

// The DB ceiling is the store: the server's own repository
// (sqlstore.TaskRepository) over the same database, called from this
// process with no HTTP, no token check and no use case around it. So it is
// everything below HTTP: the database, the driver, and the repository's
// code (its SQL, its transactions, rows into tasks). Each operation makes
// the repository calls that the server's use case makes (core/app):
// LIST = List of the whole list; GET = Get; CREATE = Atomic{Create,
// Record} of a new task; UPDATE and TOGGLE = Atomic{Get, change, Save,
// Record}: the writes and the change feed's record, as the use cases do;
// the keyed ops add ClaimKey first and SaveKey last.

// dbCeiling drives the store's repository.
type dbCeiling struct {
	b     *bench
	db    *sqlstore.DB
	repo  *sqlstore.TaskRepository
	ids   system.IDs
	clock system.Clock
}

// openDBCeiling opens the server's database as the server does, with a
// pool of --db-conns connections.
func (b *bench) openDBCeiling() (*dbCeiling, error) {
	if b.store.dialect == "" {
		return nil, errNoDB
	}
	db, err := sqlstore.Open(b.store.databaseURL, sqlstore.Options{MaxOpenConns: b.o.dbConns})
	if err != nil {
		return nil, fmt.Errorf("DB ceiling: %w", err)
	}
	return &dbCeiling{b: b, db: db, repo: sqlstore.NewTaskRepository(db)}, nil
}

func (d *dbCeiling) close() { _ = d.db.Close() }

func (d *dbCeiling) op(name string) opFunc {
	switch name {
	case "list":
		return d.list
	case "get":
		return d.get
	case "create":
		return d.create
	case "create-key":
		return d.createKey
	case "update":
		return func(ctx context.Context, w *worker) (int, error) {
			p := task.Patch{Title: task.Set(title("Renamed", w))}
			return 0, d.change(ctx, w, "", func(t *task.Task, now time.Time) error { return t.Apply(p, now) })
		}
	case "update-key":
		return func(ctx context.Context, w *worker) (int, error) {
			p := task.Patch{Title: task.Set(title("Renamed", w))}
			return 0, d.change(ctx, w, newKey(w), func(t *task.Task, now time.Time) error { return t.Apply(p, now) })
		}
	case "toggle":
		return func(ctx context.Context, w *worker) (int, error) {
			return 0, d.change(ctx, w, "", func(t *task.Task, now time.Time) error { t.Toggle(now); return nil })
		}
	}
	panic("todo-bench: unknown operation " + name)
}

func (d *dbCeiling) list(ctx context.Context, w *worker) (int, error) {
	page, err := d.repo.List(ctx, identity.UserID(d.b.pickUser(w).id), task.Query{})
	if err == nil && len(page.Tasks) == 0 {
		err = errors.New("list: no tasks")
	}
	return 0, err
}

func (d *dbCeiling) get(ctx context.Context, w *worker) (int, error) {
	owner, id := d.pickTask(w)
	_, err := d.repo.Get(ctx, owner, id)
	return 0, err
}

func (d *dbCeiling) create(ctx context.Context, w *worker) (int, error) {
	owner := identity.UserID(d.b.pickUser(w).id)
	t, err := task.New(d.ids.NewID(), owner, task.Draft{Title: title("Created", w)}, d.clock.Now())
	if err != nil {
		return 0, err
	}
	return 0, d.repo.Atomic(ctx, owner, func(tx ports.TaskTx) error {
		if err := tx.Create(ctx, t, 0); err != nil {
			return err
		}
		return tx.Record(ctx, task.Created(t))
	})
}

// createKey is the use case's create with an idempotency key: the key
// claimed, the task created, and the response stored under the key.
func (d *dbCeiling) createKey(ctx context.Context, w *worker) (int, error) {
	owner := identity.UserID(d.b.pickUser(w).id)
	t, err := task.New(d.ids.NewID(), owner, task.Draft{Title: title("Created", w)}, d.clock.Now())
	if err != nil {
		return 0, err
	}
	key := newKey(w)
	return 0, d.repo.Atomic(ctx, owner, func(tx ports.TaskTx) error {
		if err := tx.ClaimKey(ctx, key); err != nil {
			return err
		}
		if err := tx.Create(ctx, t, 0); err != nil {
			return err
		}
		if err := tx.Record(ctx, task.Created(t)); err != nil {
			return err
		}
		return tx.SaveKey(ctx, d.record(key))
	})
}

// record is what the use case stores under a key: a response of the size
// of a task's.
func (d *dbCeiling) record(key string) idempotency.Record {
	return idempotency.Record{Key: key, Fingerprint: strings.Repeat("f", 64), Response: responseLike, CreatedAt: d.clock.Now()}
}

var responseLike = []byte(strings.Repeat("r", 400))

// change is the use case's change: read the task in a transaction, apply
// fn, and save it if fn changed it; with a key, claimed first and the
// response stored last.
func (d *dbCeiling) change(ctx context.Context, w *worker, key string, fn func(*task.Task, time.Time) error) error {
	owner, id := d.pickTask(w)
	return d.repo.Atomic(ctx, owner, func(tx ports.TaskTx) error {
		if key != "" {
			if err := tx.ClaimKey(ctx, key); err != nil {
				return err
			}
		}
		t, err := tx.Get(ctx, id)
		if err != nil {
			return err
		}
		read := t.Version()
		if err := fn(t, d.clock.Now()); err != nil {
			return err
		}
		if t.Version() != read {
			if err := tx.Save(ctx, t); err != nil {
				return err
			}
			if err := tx.Record(ctx, task.Updated(t)); err != nil {
				return err
			}
		}
		if key == "" {
			return nil
		}
		return tx.SaveKey(ctx, d.record(key))
	})
}

// pickTask is bench.pickTask with the task's id parsed.
func (d *dbCeiling) pickTask(w *worker) (identity.UserID, task.ID) {
	u := d.b.pickUser(w)
	return identity.UserID(u.id), u.ids[w.rng.IntN(len(u.ids))]
}
