package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect/sqlitedialect"
	"go.opentelemetry.io/otel/trace"
	"modernc.org/sqlite"

	"github.com/todoapi/todo/core/identity"
	"github.com/todoapi/todo/core/task"
)

// sqliteDefaults are the connection settings every SQLite connection gets
// unless the URL sets them: WAL so readers never block the writer, a busy
// timeout for the moments another process holds the lock, foreign keys on,
// synchronous=NORMAL (durable across crashes of the process; only a power
// loss can drop the last commits, and never corrupts the file) and
// BEGIN IMMEDIATE so a transaction that reads then writes takes the write
// lock up front instead of failing with SQLITE_BUSY at its first write.
var sqliteDefaults = url.Values{
	"_busy_timeout": {"5000"},
	"_journal_mode": {"WAL"},
	"_foreign_keys": {"1"},
	"_synchronous":  {"NORMAL"},
	"_txlock":       {"immediate"},
}

func openSQLite(dsn string, opts Options, opened *atomic.Int64) (*DB, error) {
	path, query, _ := strings.Cut(dsn, "?")
	if dir := filepath.Dir(path); dir != "." {
		if err := os.MkdirAll(dir, 0o750); err != nil {
			return nil, fmt.Errorf("sqlite: create directory for %s: %w", path, err)
		}
	}
	params, err := url.ParseQuery(query)
	if err != nil {
		return nil, fmt.Errorf("sqlite: %w", err)
	}
	for k, v := range sqliteDefaults {
		if !params.Has(k) {
			params[k] = v
		}
	}
	writer, err := openSQLitePool(path+"?"+params.Encode(), opened, opts.TracerProvider)
	if err != nil {
		return nil, err
	}
	writer.SetMaxOpenConns(1)
	writer.SetMaxIdleConns(1)
	writer.SetConnMaxLifetime(0) // nothing to gain from reopening a local file
	if !params.Has("_query_only") {
		params.Set("_query_only", "1") // a bug that writes through a reader fails loudly
	}
	reader, err := openSQLitePool(path+"?"+params.Encode(), opened, opts.TracerProvider)
	if err != nil {
		_ = writer.Close()
		return nil, err
	}
	setPool(reader, opts)
	return &DB{
		dialect: SQLite,
		path:    path,
		write:   bun.NewDB(writer, sqlitedialect.New()),
		read:    bun.NewDB(reader, sqlitedialect.New()),
		engine:  newSQLiteEngine(reader, writer),
	}, nil
}

func openSQLitePool(dsn string, opened *atomic.Int64, tp trace.TracerProvider) (*sql.DB, error) {
	c, err := sqlite.NewConnector(dsn)
	if err != nil {
		return nil, fmt.Errorf("sqlite: %w", err)
	}
	return openTraced(counting{c, opened}, tp), nil
}

// sqliteEngine runs statements on SQLite's pools: reads on the readers,
// transactions on the one writer connection, where BEGIN IMMEDIATE (the
// _txlock setting) takes the write lock up front. Its statements are
// prepared once per connection (see stmt): the constant ones, and each
// shape of a composed list, up to maxListShapes of them.
type sqliteEngine struct {
	reader, writer *sql.DB
	// Each constant statement, prepared on the pool that runs it.
	onReader, onWriter map[string]*stmt
	lists              sync.Map // a composed list's text: its *stmt on the readers
	listShapes         atomic.Int64
}

// maxListShapes bounds the composed lists held prepared: each filter and
// sort makes its own text, and a process should not keep every one that
// clients could combine. Past it, a list runs as text, parsed each time.
const maxListShapes = 256

func newSQLiteEngine(reader, writer *sql.DB) *sqliteEngine {
	e := &sqliteEngine{reader: reader, writer: writer, onReader: map[string]*stmt{}, onWriter: map[string]*stmt{}}
	s, f := sqliteSQL.statements(), sqliteSQL.feedStatements()
	for _, text := range []string{s.get, s.listAll, s.getKey, f.listTrash, f.listTrashAfter, f.changes} {
		e.onReader[text] = newStmt(reader, text, true)
	}
	for _, text := range []string{s.getForUpdate, s.insert, s.update, s.delete, s.countUp, s.countDown, s.saveKey,
		f.trashInsert, f.deleteRead, f.getTrashed, f.untrash, f.recordHead, f.recordChange} {
		e.onWriter[text] = newStmt(writer, text, true)
	}
	return e
}

// readStmt returns the reader statement of st.
func (e *sqliteEngine) readStmt(st string) *stmt {
	if s := e.onReader[st]; s != nil {
		return s
	}
	if s, ok := e.lists.Load(st); ok {
		return s.(*stmt)
	}
	if e.listShapes.Add(1) > maxListShapes {
		e.listShapes.Add(-1)
		return newStmt(e.reader, st, false)
	}
	s, loaded := e.lists.LoadOrStore(st, newStmt(e.reader, st, true))
	if loaded {
		e.listShapes.Add(-1)
	}
	return s.(*stmt)
}

// read runs one statement on a reader: one statement reads one snapshot.
// It runs to its end even when the caller leaves (see outlive): an
// interrupted statement can cost its connection. Readers are local, so
// waiting for one is short.
func (e *sqliteEngine) read(ctx context.Context, _ identity.UserID, st string, args []any, each func(row) error) error {
	ctx, stop := outlive(ctx)
	defer stop()
	rows, err := e.readStmt(st).query(ctx, args...)
	if err != nil {
		return err
	}
	return scanSQLiteRows(rows, each)
}

// timeArg: SQLite keeps times as fixed-width text (see timestampLayout).
func (*sqliteEngine) timeArg(t time.Time) any { return t.UTC().Format(timestampLayout) }

// atomic runs fn in a transaction on the writer. SQLite is local, so each
// write runs at once and its check fails the transaction before it ends.
// Waiting for the writer ends when the caller leaves; a transaction begun
// runs to its end (see outlive): a cancelled one would roll back and could
// cost the writer its connection.
func (e *sqliteEngine) atomic(ctx context.Context, _ identity.UserID, fn func(txEngine) error) error {
	// Prepare before BEGIN: preparing needs the one writer connection,
	// which the transaction then holds.
	for _, s := range e.onWriter {
		s.get(ctx)
	}
	conn, err := e.writer.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	if err := ctx.Err(); err != nil {
		return err // the caller left while it waited
	}
	ctx, stop := outlive(ctx)
	defer stop()
	sqlTx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	if err := fn(&sqliteTx{e: e, tx: sqlTx, ctx: ctx}); err != nil {
		_ = sqlTx.Rollback()
		return err
	}
	return sqlTx.Commit()
}

type sqliteTx struct {
	e   *sqliteEngine
	tx  *sql.Tx
	ctx context.Context // what its statements run on, whatever ctx a caller passes (see atomic)
}

// stmt returns the statement prepared on the writer for this transaction,
// or nil to run the text (one that could not be prepared yet: see stmt).
func (t *sqliteTx) stmt(ctx context.Context, st string) *sql.Stmt {
	if s := t.e.onWriter[st]; s != nil {
		if p := s.prepared.Load(); p != nil {
			return t.tx.StmtContext(ctx, p)
		}
	}
	return nil
}

func (t *sqliteTx) read(_ context.Context, st string, args []any, each func(row) error) error {
	ctx := t.ctx
	var rows *sql.Rows
	var err error
	if p := t.stmt(ctx, st); p != nil {
		rows, err = p.QueryContext(ctx, args...)
	} else {
		rows, err = t.tx.QueryContext(ctx, st, args...)
	}
	if err != nil {
		return err
	}
	return scanSQLiteRows(rows, each)
}

func (t *sqliteTx) exec(_ context.Context, st string, args []any, check func(int64) error) error {
	ctx := t.ctx
	var res sql.Result
	var err error
	if p := t.stmt(ctx, st); p != nil {
		res, err = p.ExecContext(ctx, args...)
	} else {
		res, err = t.tx.ExecContext(ctx, st, args...)
	}
	if err != nil {
		return dbError(err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return dbError(err)
	}
	if check != nil {
		return check(n)
	}
	return nil
}

func scanSQLiteRows(rows *sql.Rows, each func(row) error) error {
	defer rows.Close()
	r := newSQLiteRow(rows)
	for rows.Next() {
		if err := each(r); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return err
	}
	return rows.Close()
}

// sqliteRow is the current row of database/sql's rows, scanned straight
// into typed fields: mapping them through Bun's reflective scanner cost a
// third to a half of the server's CPU on a list.
type sqliteRow struct {
	rows *sql.Rows
	// Reused from row to row; task() copies what it keeps.
	id                         rowID
	owner, title               string
	description                sql.NullString
	completed                  bool
	createdAt, updatedAt       timestamp
	version, priority          int64
	tags, recurrence           string
	due, remindAt, completedAt nullTimestamp
	dueIsDate                  bool
	next                       nullRowID
	total                      int
	epoch, seq                 sql.NullInt64 // the owner's feed head (see withHead)
	dest, listDest             []any         // pointers to the fields above, in column order
}

func newSQLiteRow(rows *sql.Rows) *sqliteRow {
	r := &sqliteRow{rows: rows}
	r.dest = []any{&r.id, &r.owner, &r.title, &r.description, &r.completed, &r.createdAt, &r.updatedAt, &r.version,
		&r.priority, &r.tags, &r.due, &r.dueIsDate, &r.remindAt, &r.recurrence, &r.completedAt, &r.next}
	return r
}

func (r *sqliteRow) scan(dest ...any) error { return r.rows.Scan(dest...) }

func (r *sqliteRow) task() (*task.Task, error) {
	if err := r.rows.Scan(r.dest...); err != nil {
		return nil, err
	}
	return r.build()
}

func (r *sqliteRow) listed(counted bool) (task.FeedPosition, *task.Task, int, error) {
	if r.listDest == nil {
		r.listDest = []any{&r.epoch, &r.seq}
		if counted {
			r.listDest = append(r.listDest, &r.total)
		}
		r.listDest = append(r.listDest, r.dest...)
	}
	var t *task.Task
	err := r.rows.Scan(r.listDest...) // the head and count come first, so are scanned when the id is NULL
	head := task.FeedPosition{Epoch: r.epoch.Int64, Seq: r.seq.Int64}
	if errors.Is(err, errNoTask) { // the id is NULL: an empty page's head (and count)
		return head, nil, r.total, nil
	}
	if err == nil {
		t, err = r.build()
	}
	return head, t, r.total, err
}

// build makes the task of the fields just scanned.
func (r *sqliteRow) build() (*task.Task, error) {
	var desc *string
	if r.description.Valid {
		desc = &r.description.String // FromSnapshot copies it
	}
	tags, err := jsonStrings(r.tags)
	if err != nil {
		return nil, err
	}
	pl, err := storedPlan(int(r.priority), tags, r.due.ptr(), r.dueIsDate, r.remindAt.ptr(), r.recurrence)
	if err != nil {
		return nil, err
	}
	return task.FromSnapshot(task.Snapshot{
		ID: task.ID(r.id), Owner: identity.UserID(r.owner), Title: r.title, Description: desc,
		Completed: r.completed, CreatedAt: time.Time(r.createdAt), UpdatedAt: time.Time(r.updatedAt),
		Version: r.version, Plan: pl, CompletedAt: r.completedAt.ptr(), Next: r.next.ptr(),
	}), nil
}
