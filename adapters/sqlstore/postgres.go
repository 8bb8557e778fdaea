package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"
	"github.com/jackc/pgx/v5/stdlib"

	"github.com/todoapi/todo/core/identity"
	"github.com/todoapi/todo/core/task"
)

// openPostgres opens a pool of pgx connections through database/sql.
//
// pgx won over Bun's pgdriver (BenchmarkDriver): pgdriver always writes the
// values into the SQL text and sends it with the simple protocol, so
// PostgreSQL parses and plans every call, while pgx prepares each of the
// repository's constant statements once per connection and then only binds
// parameters, nearly doubling throughput on a direct connection. pgx also
// bounds the whole connection setup by connect_timeout (pgdriver only the
// dial) and understands libpq parameters such as channel_binding, which
// pgdriver would forward to the server as unknown settings.
//
// pgx's default statement mode, cache_statement (named prepared
// statements), suits a direct connection. Through a transaction-mode pooler
// without prepared-statement support (PgBouncer before 1.21) it fails, so
// pgbouncer=true in the URL, or a Neon "-pooler" host, selects exec mode
// instead (see statementMode); default_query_exec_mode in the URL overrides
// both. Every statement here runs unchanged in each mode.
func openPostgres(dsn string, opts Options) (*sql.DB, StatementMode, error) {
	dsn, mode, err := statementMode(dsn)
	if err != nil {
		return nil, mode, err
	}
	cfg, err := pgx.ParseConfig(dsn)
	if err != nil {
		return nil, mode, fmt.Errorf("postgres: %w", redacted(err))
	}
	if m, ok := execModes[mode.Mode]; ok && !urlHas(dsn, execModeParam) {
		cfg.DefaultQueryExecMode = m
	}
	if !urlHas(dsn, "connect_timeout") {
		cfg.ConnectTimeout = opts.ConnectTimeout
	}
	return stdlib.OpenDB(*cfg), mode, nil
}

var execModes = map[string]pgx.QueryExecMode{
	"cache_statement": pgx.QueryExecModeCacheStatement,
	"exec":            pgx.QueryExecModeExec,
}

// pgEngine runs statements through pgx's own interface on a connection
// borrowed from the database/sql pool, instead of through database/sql's
// rows: those make pgx turn every value into a driver.Value first (a uuid
// into its text, which was then parsed back), the largest cost of a list
// after the network. pgx scans the binary values straight into typed
// fields. The statement mode, the pool, its limits and its health checks
// are the same: the connection comes from the pool through Conn, whose
// reset check drops a dead one as QueryContext does.
type pgEngine struct {
	pool *sql.DB
}

// withConn lends fn a pgx connection of the pool.
func (e pgEngine) withConn(ctx context.Context, fn func(*pgx.Conn) error) error {
	conn, err := e.pool.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	return conn.Raw(func(dc any) error {
		c, ok := dc.(*stdlib.Conn)
		if !ok {
			return fmt.Errorf("sqlstore: %T is not a pgx connection", dc)
		}
		return fn(c.Conn())
	})
}

// read runs one statement on its own: a single statement reads one
// snapshot. (Row-level security will send the acting user in the same
// round trip, as a batch.)
func (e pgEngine) read(ctx context.Context, _ identity.UserID, st string, args []any, each func(row) error) error {
	return e.withConn(ctx, func(c *pgx.Conn) error {
		rows, err := c.Query(ctx, st, args...)
		if err != nil {
			return err
		}
		return scanPgRows(rows, each)
	})
}

func (pgEngine) timeArg(t time.Time) any { return t.UTC() } // a binary timestamptz; PostgreSQL keeps microseconds

// atomic holds a transaction in which writes wait: its writes are queued
// and sent in one round trip with the next read, or at the end. A batch
// of statements that pgx sends with one Sync runs as one implicit
// transaction (PostgreSQL commits it at the Sync, or rolls all of it back
// when one statement fails; a multi-statement simple query does the
// same), so a transaction that only writes, such as a create, is one round
// trip of just its statements, as cheap as the single INSERT it was. One
// that reads first opens an explicit transaction with BEGIN, sent with its
// first read, and ends with COMMIT sent with its writes: an update is two
// round trips (the read that locks the row, then the write with COMMIT),
// as its compare-and-swap was. A write sent at the end cannot be checked
// before it commits, which is why TaskTx.Get locks what a transaction will
// change: the checks of such writes cannot fail. (Row-level security's
// set_config(..., true) joins the first batch, whichever it is.)
func (e pgEngine) atomic(ctx context.Context, _ identity.UserID, fn func(txEngine) error) error {
	return e.withConn(ctx, func(c *pgx.Conn) error {
		t := &pgTx{conn: c}
		if err := fn(t); err != nil {
			t.rollback()
			return err
		}
		if t.begun {
			t.queue("COMMIT", nil, nil)
		}
		if len(t.pending) == 0 {
			return nil
		}
		if err := t.flush(ctx, nil); err != nil {
			t.rollback()
			return err
		}
		return nil
	})
}

type pgTx struct {
	conn    *pgx.Conn
	pending []pgWrite
	begun   bool // BEGIN was sent: the transaction spans several batches
	sent    bool // something reached the server: there may be a transaction to end
}

type pgWrite struct {
	sql   string
	args  []any
	check func(int64) error
}

func (t *pgTx) queue(st string, args []any, check func(int64) error) {
	t.pending = append(t.pending, pgWrite{st, args, check})
}

func (t *pgTx) exec(_ context.Context, st string, args []any, check func(int64) error) error {
	t.queue(st, args, check)
	return nil
}

func (t *pgTx) read(ctx context.Context, st string, args []any, each func(row) error) error {
	if !t.begun {
		// A read splits the transaction into several batches: make it an
		// explicit one, opened before the writes queued so far.
		t.pending = append([]pgWrite{{sql: "BEGIN"}}, t.pending...)
		t.begun = true
	}
	return t.flush(ctx, &pgWrite{sql: st, args: args, check: nil}, each)
}

// flush sends the queued writes, then the read if there is one, as one
// batch, and checks each result in order.
func (t *pgTx) flush(ctx context.Context, read *pgWrite, each ...func(row) error) error {
	var b pgx.Batch
	for _, w := range t.pending {
		b.Queue(w.sql, w.args...)
	}
	if read != nil {
		b.Queue(read.sql, read.args...)
	}
	pending := t.pending
	t.pending = t.pending[:0:0]
	t.sent = true
	br := t.conn.SendBatch(ctx, &b)
	var first error
	for _, w := range pending {
		tag, err := br.Exec()
		if err == nil && w.check != nil {
			err = w.check(tag.RowsAffected())
		}
		if err != nil && first == nil {
			first = err
		}
	}
	if read != nil && first == nil {
		rows, err := br.Query()
		if err == nil {
			err = scanPgRows(rows, each[0])
		}
		first = err
	}
	if err := br.Close(); err != nil && first == nil {
		first = err
	}
	return first
}

// rollback ends a transaction that failed. A connection it cannot bring
// back to idle is closed, so the pool drops it instead of lending it out
// in the middle of a transaction.
func (t *pgTx) rollback() {
	if !t.sent || t.conn.IsClosed() {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), rollbackTimeout)
	defer cancel()
	if t.conn.PgConn().TxStatus() != 'I' {
		if _, err := t.conn.Exec(ctx, "ROLLBACK"); err != nil || t.conn.PgConn().TxStatus() != 'I' {
			_ = t.conn.Close(ctx)
		}
	}
}

// rollbackTimeout bounds ending a failed transaction, whose own context
// may be what ended it.
const rollbackTimeout = 5 * time.Second

func scanPgRows(rows pgx.Rows, each func(row) error) error {
	defer rows.Close()
	r := newPgRow(rows)
	for rows.Next() {
		if err := each(r); err != nil {
			return err
		}
	}
	return rows.Err()
}

// pgRow is the current row of pgx's rows, scanned into typed fields.
type pgRow struct {
	rows pgx.Rows
	// Reused from row to row, so a row allocates only what the task keeps;
	// task.FromSnapshot copies what it is given.
	id                         [16]byte
	owner, title, recurrence   string
	description                pgtype.Text
	completed, dueIsDate       bool
	createdAt, updatedAt       time.Time
	version                    int64
	rank                       int16
	tags                       []string
	due, remindAt, completedAt pgtype.Timestamptz
	next                       pgtype.UUID
	total                      int
	dest, counted              []any // pointers to the fields above, in column order
}

func newPgRow(rows pgx.Rows) *pgRow {
	r := &pgRow{rows: rows}
	r.dest = []any{&r.id, &r.owner, &r.title, &r.description, &r.completed, &r.createdAt, &r.updatedAt, &r.version,
		&r.rank, &r.tags, &r.due, &r.dueIsDate, &r.remindAt, &r.recurrence, &r.completedAt, &r.next}
	return r
}

func (r *pgRow) scan(dest ...any) error { return r.rows.Scan(dest...) }

func (r *pgRow) task() (*task.Task, error) {
	if err := r.rows.Scan(r.dest...); err != nil {
		return nil, err
	}
	return r.build()
}

func (r *pgRow) countedTask() (*task.Task, int, error) {
	if r.counted == nil {
		r.counted = append([]any{&r.total}, r.dest...)
	}
	if r.rows.RawValues()[1] == nil { // no id: an empty page's count
		dest := make([]any, len(r.counted)) // nil skips a column
		dest[0] = &r.total
		return nil, r.total, r.rows.Scan(dest...)
	}
	if err := r.rows.Scan(r.counted...); err != nil {
		return nil, 0, err
	}
	t, err := r.build()
	return t, r.total, err
}

// build makes the task of the fields just scanned.
func (r *pgRow) build() (*task.Task, error) {
	pl, err := storedPlan(int(r.rank), r.tags, timePtr(r.due), r.dueIsDate, timePtr(r.remindAt), r.recurrence)
	if err != nil {
		return nil, err
	}
	s := task.Snapshot{
		ID: r.id, Owner: identity.UserID(r.owner), Title: r.title, Completed: r.completed,
		CreatedAt: r.createdAt, UpdatedAt: r.updatedAt, Version: r.version, Plan: pl, CompletedAt: timePtr(r.completedAt),
	}
	if r.description.Valid {
		s.Description = &r.description.String
	}
	if r.next.Valid {
		s.Next = (*task.ID)(&r.next.Bytes)
	}
	return task.FromSnapshot(s), nil
}

func timePtr(t pgtype.Timestamptz) *time.Time {
	if !t.Valid {
		return nil
	}
	return &t.Time
}
