package main

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/google/uuid"

	"github.com/todoapi/todo/adapters/sqlstore"
)

// The DB ceiling issues the repository's own statements
// (sqlstore.StatementsFor): List = List; Get = Get; Create = Insert;
// Update (PATCH and toggle alike) = Get on the read pool, then Swap on the
// write pool, again if another write got in between.

// sqliteTime is how the SQLite store writes times.
const sqliteTime = "2006-01-02T15:04:05.000000Z"

// dbCeiling issues an operation's statements straight through the driver.
type dbCeiling struct {
	b                       *bench
	sqlite                  bool
	read, write             *sql.DB
	get, list, insert, swap statement
}

// statement is one of the repository's statements on the pool it uses
// there (reads on the read pool, writes on the write pool), prepared once
// unless --db-prepare=false. pgx prepares and caches every statement per
// connection by itself, as it does in the server; modernc.org/sqlite
// parses a statement again on every call that is not prepared, so for
// SQLite the prepared ceiling is what the store could reach by preparing.
type statement struct {
	db       *sql.DB
	text     string
	prepared *sql.Stmt
}

func (s statement) query(ctx context.Context, args ...any) (*sql.Rows, error) {
	if s.prepared != nil {
		return s.prepared.QueryContext(ctx, args...)
	}
	return s.db.QueryContext(ctx, s.text, args...)
}

func (s statement) queryRow(ctx context.Context, args ...any) *sql.Row {
	if s.prepared != nil {
		return s.prepared.QueryRowContext(ctx, args...)
	}
	return s.db.QueryRowContext(ctx, s.text, args...)
}

func (s statement) exec(ctx context.Context, args ...any) (sql.Result, error) {
	if s.prepared != nil {
		return s.prepared.ExecContext(ctx, args...)
	}
	return s.db.ExecContext(ctx, s.text, args...)
}

func (b *bench) openDBCeiling(ctx context.Context) (*dbCeiling, error) {
	if b.store.dialect == "" {
		return nil, errNoDB
	}
	read, write, err := b.store.openPools(b.o.dbConns)
	if err != nil {
		return nil, err
	}
	d := &dbCeiling{b: b, read: read, write: write, sqlite: b.store.dialect == "sqlite"}
	sqls := sqlstore.StatementsFor(sqlstore.Dialect(b.store.dialect))
	for _, s := range []struct {
		st   *statement
		db   *sql.DB
		text string
	}{{&d.get, read, sqls.Get}, {&d.list, read, sqls.List}, {&d.insert, write, sqls.Insert}, {&d.swap, write, sqls.Swap}} {
		*s.st = statement{db: s.db, text: s.text}
		if b.o.dbPrepare {
			if s.st.prepared, err = s.db.PrepareContext(ctx, s.st.text); err != nil {
				d.close()
				return nil, fmt.Errorf("DB ceiling: prepare: %w", err)
			}
		}
	}
	return d, nil
}

func (d *dbCeiling) close() {
	for _, s := range []statement{d.get, d.list, d.insert, d.swap} {
		if s.prepared != nil {
			_ = s.prepared.Close()
		}
	}
	closePools(d.read, d.write)
}

func (d *dbCeiling) op(name string) opFunc {
	switch name {
	case "list":
		return d.listOp
	case "get":
		return d.getOp
	case "create":
		return d.createOp
	case "update":
		return func(ctx context.Context, w *worker) (int, error) { return 0, d.change(ctx, w, false) }
	case "toggle":
		return func(ctx context.Context, w *worker) (int, error) { return 0, d.change(ctx, w, true) }
	}
	panic("todo-bench: unknown operation " + name)
}

// row takes a task row as the driver hands it over, without conversion.
type row struct{ id, user, title, desc, completed, created, updated any }

func (r *row) dest() []any {
	return []any{&r.id, &r.user, &r.title, &r.desc, &r.completed, &r.created, &r.updated}
}

func (d *dbCeiling) listOp(ctx context.Context, w *worker) (int, error) {
	rows, err := d.list.query(ctx, d.b.pickUser(w).id)
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		var r row
		if err := rows.Scan(r.dest()...); err != nil {
			return 0, err
		}
		n++
	}
	if n == 0 {
		return 0, fmt.Errorf("list: no rows")
	}
	return 0, rows.Err()
}

func (d *dbCeiling) getOp(ctx context.Context, w *worker) (int, error) {
	u, t := d.b.pickTask(w)
	var r row
	return 0, d.get.queryRow(ctx, t, u.id).Scan(r.dest()...)
}

func (d *dbCeiling) createOp(ctx context.Context, w *worker) (int, error) {
	now := d.now()
	id, err := uuid.NewV7()
	if err != nil {
		return 0, err
	}
	res, err := d.insert.exec(ctx, id.String(), d.b.pickUser(w).id,
		string(titleBody("Created", w)), nil, false, now, now)
	return 0, oneRow(res, err)
}

// change is Update's statements: read the row, then compare-and-swap it.
func (d *dbCeiling) change(ctx context.Context, w *worker, toggle bool) error {
	u, t := d.b.pickTask(w)
	for range 100 {
		var r row
		if err := d.get.queryRow(ctx, t, u.id).Scan(r.dest()...); err != nil {
			return err
		}
		title, completed := r.title, r.completed
		if toggle {
			completed = flip(completed)
		} else {
			title = string(titleBody("Renamed", w))
		}
		res, err := d.swap.exec(ctx, t, u.id, title, r.desc, completed, d.now(),
			r.title, r.desc, r.completed, r.updated)
		if err = oneRow(res, err); err == nil {
			return nil
		} else if err != errNoRow {
			return err
		}
	}
	return fmt.Errorf("update: lost the race 100 times")
}

func (d *dbCeiling) now() any {
	t := time.Now().UTC().Truncate(time.Microsecond)
	if d.sqlite {
		return t.Format(sqliteTime)
	}
	return t
}

// flip toggles completed as the driver handed it over: bool from pgx,
// int64 from SQLite.
func flip(v any) any {
	switch b := v.(type) {
	case bool:
		return !b
	case int64:
		return 1 - b
	}
	return v
}

var errNoRow = fmt.Errorf("no row changed")

func oneRow(res sql.Result, err error) error {
	if err != nil {
		return err
	}
	n, err := res.RowsAffected()
	if err != nil {
		return err
	}
	if n != 1 {
		return errNoRow
	}
	return nil
}
