package sqlstore

import (
	"context"
	"crypto/rand"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"sync/atomic"
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
func openPostgres(dsn string, opts Options, opened *atomic.Int64) (*sql.DB, StatementMode, error) {
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
	if opts.TracerProvider != nil {
		cfg.Tracer = pgTracer(opts.TracerProvider)
	}
	return sql.OpenDB(counting{stdlib.GetConnector(*cfg, stdlib.OptionShouldPing(pingIdle)), opened}), mode, nil
}

// pingIdle checks a connection that sat idle over a second before the pool
// lends it out, as pgx does by default, but on a context that the caller
// leaving does not cut short: pgx would close a connection whose ping was
// cancelled half-way, and the pool would then drop it. When the ping fails
// it answers true, so that pgx's own ping fails too and the pool drops the
// connection.
func pingIdle(ctx context.Context, p stdlib.ShouldPingParams) bool {
	if p.IdleDuration <= time.Second {
		return false
	}
	ctx, cancel := detach(ctx)
	defer cancel()
	return p.Conn.PgConn().Ping(ctx) != nil
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
	pool   *sql.DB
	origin string // names this pool in its notifications (see notifyChanges)
}

// withConn lends fn a pgx connection of the pool, and the context its
// statements run on: one that outlives ctx's cancellation (see outlive),
// so that a caller leaving mid-statement does not cost the connection.
// Waiting for the connection ends when the caller leaves.
func (e pgEngine) withConn(ctx context.Context, fn func(context.Context, *pgx.Conn) error) error {
	conn, err := e.pool.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	if err := ctx.Err(); err != nil {
		return err // the caller left while it waited: nothing begun, nothing to finish
	}
	ctx, stop := outlive(ctx)
	defer stop()
	return conn.Raw(func(dc any) error {
		c, ok := dc.(*stdlib.Conn)
		if !ok {
			return fmt.Errorf("sqlstore: %T is not a pgx connection", dc)
		}
		return fn(ctx, c.Conn())
	})
}

// read runs one statement on its own: a single statement reads one
// snapshot. It goes in one batch behind setUser, which names the acting
// user for the row-level security policies: a batch that pgx sends with one
// Sync is one implicit transaction, to whose end set_config(..., true)
// lasts, so the setting binds the statement and nothing after it, through
// a transaction pooler too.
func (e pgEngine) read(ctx context.Context, owner identity.UserID, st string, args []any, each func(row) error) error {
	return e.readPlanned(ctx, owner, st, args, false, each)
}

// readFiltered is read for a filtered list, planned for its own values
// every time (plan_cache_mode = force_custom_plan, set with the acting
// user). A prepared statement otherwise switches to a generic plan after
// five runs, one that does not look at the values and so judges every
// owner by the average one: an owner of 100 tasks, for whom a filter
// leaves a page's worth or less, so that reading all of them and sorting
// what matches costs the same as reading the sort's index in order. For
// an owner with 10,000 tasks the first reads all 10,000 to fill a page
// that the second fills after a few hundred (see docs/benchmarks.md).
// Planning a list costs a fraction of what such a read does.
func (e pgEngine) readFiltered(ctx context.Context, owner identity.UserID, st string, args []any, each func(row) error) error {
	return e.readPlanned(ctx, owner, st, args, true, each)
}

func (e pgEngine) readPlanned(ctx context.Context, owner identity.UserID, st string, args []any, custom bool, each func(row) error) error {
	return e.withConn(ctx, func(ctx context.Context, c *pgx.Conn) error {
		t := &pgTx{conn: c, ctx: ctx, owner: owner, customPlan: custom}
		if err := t.flush(ctx, &pgWrite{sql: st, args: args}, each); err != nil {
			t.rollback()
			return err
		}
		return nil
	})
}

// setUser names the user a transaction acts for, until it ends: the
// policies of migrations/postgres/20261206000001_row_level_security let it
// see and write only that user's rows. Every transaction sends it first.
const setUser = "SELECT set_config('app.user_id', $1::text, true)"

// setUserCustomPlan is setUser for a filtered list (see readFiltered): it
// also has the statement after it planned for its own values, for the
// rest of the transaction.
const setUserCustomPlan = "SELECT set_config('app.user_id', $1::text, true), set_config('plan_cache_mode', 'force_custom_plan', true)"

// setHousekeeping marks a transaction that acts for no user as the
// housekeeping's: the policies of 20261206000002_feed_row_level_security
// let it read, and only read, every user's trash and changes, to find what
// is due for removal (see housekeeping.go), and those of
// 20261208000001_reminders every user's armed reminders (reminders.go);
// the removal or the firing itself acts for each user.
const setHousekeeping = "SELECT set_config('app.housekeeping', 'on', true)"

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
// change: the checks of such writes cannot fail. The acting user (setUser)
// leads the first batch, whichever it is, just after its BEGIN if any.
func (e pgEngine) atomic(ctx context.Context, owner identity.UserID, fn func(txEngine) error) error {
	return e.withConn(ctx, func(ctx context.Context, c *pgx.Conn) error {
		t := &pgTx{conn: c, ctx: ctx, owner: owner, origin: e.origin}
		if err := fn(t); err != nil {
			t.rollback()
			return err
		}
		if len(t.after) > 0 {
			// The write commits on its own, and the notification after it
			// (see notifyChanges): the implicit transaction of a batch
			// lasts to its end, so the write needs BEGIN and COMMIT.
			t.begun = true
			t.queue("COMMIT", nil, nil)
			t.pending = append(t.pending, t.after...)
		} else if t.begun {
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
	ctx     context.Context // what its statements run on, whatever ctx a caller passes (see withConn)
	owner   identity.UserID // whom setUser names
	origin  string          // the pool's, for notifyChanges
	pending []pgWrite
	begun   bool      // BEGIN was sent: the transaction spans several batches
	sent    bool      // something reached the server: there may be a transaction to end
	after   []pgWrite // statements sent just after the COMMIT, in its batch (see notifyChanges)
	// customPlan: the first batch has its statements planned for their
	// values (setUserCustomPlan instead of setUser).
	customPlan bool
}

// notifyChanges tells the listeners of every replica (see Listener) that
// the owner's feed moved on. It goes in the batch of the commit, no round
// trip of its own, once per transaction however many changes it records,
// just after the COMMIT: the rest of a batch is skipped when a statement
// fails, so a transaction that rolls back notifies nobody, and listeners
// hear of a change only once it is visible. The payload is the owner's id
// alone (PostgreSQL takes up to 8000 bytes; a user id is at most 255).
// NOTIFY needs no privilege and no session state, so it works as the
// service's role and through a transaction pooler.
//
// Why not in the writing transaction itself, where PostgreSQL would
// deliver it at the same commit: a transaction that notifies holds a lock
// of the whole cluster from its commit's start to its end, its WAL flush
// included, so that notifications queue in commit order. Writes that
// notify then commit one at a time, each waiting for its own flush, where
// they would otherwise share flushes (group commit): BenchmarkPostgres's
// CreateRecorded fell to a fifth or a quarter (docs/benchmarks.md). On its own, after
// the write, the notification's transaction writes nothing that needs
// flushing, so it skips the wait (synchronous_commit off, for it alone)
// and holds that lock only for an instant. A crash may lose it, as it may
// lose any notification; a listener that loses its connection fills the
// gap from the feed (see Listener).
const notifyChanges = "SELECT set_config('synchronous_commit', 'off', true), pg_notify('" + changesChannel + "', $1::text)"

// notifyPayload is what notifyChanges sends: the pool it comes from, a
// unit separator (which no user id holds: control characters are refused
// in a token's sub) and the owner. The origin lets a listener skip its own
// process's commits, whose streams events.Repository woke at the commit
// already: without it each such commit woke them twice, and each woken
// stream read the feed once more to find nothing new.
func notifyPayload(origin string, owner identity.UserID) string {
	return origin + originSeparator + string(owner)
}

// originSeparator ends a notification's origin.
const originSeparator = "\x1f"

// parseNotification returns the origin and the owner a notification names.
// A payload without an origin (a server of an earlier version) is the
// owner alone.
func parseNotification(payload string) (origin string, owner identity.UserID) {
	if o, rest, ok := strings.Cut(payload, originSeparator); ok {
		return o, identity.UserID(rest)
	}
	return "", identity.UserID(payload)
}

// newOrigin returns a fresh name for a pool's notifications.
func newOrigin() string { return rand.Text()[:13] }

// changesChannel is the channel notifyChanges sends on and Listener
// listens to.
const changesChannel = "todo_changes"

// notifyOnCommit marks the transaction as one that recorded a change:
// notifyChanges follows its commit, once.
func (t *pgTx) notifyOnCommit() {
	if len(t.after) == 0 {
		t.afterCommit(notifyChanges, notifyPayload(t.origin, t.owner))
	}
}

// afterCommit queues a statement to run just after the transaction
// commits, in the same batch, in a transaction of its own; a failure of
// it fails nothing.
func (t *pgTx) afterCommit(st string, args ...any) {
	t.after = append(t.after, pgWrite{sql: st, args: args, afterCommit: true})
}

type pgWrite struct {
	sql   string
	args  []any
	check func(int64) error
	// afterCommit marks a statement sent after the COMMIT (notifyChanges):
	// when it fails, the write before it has committed all the same, and
	// must not be reported as failed.
	afterCommit bool
}

func (t *pgTx) queue(st string, args []any, check func(int64) error) {
	t.pending = append(t.pending, pgWrite{sql: st, args: args, check: check})
}

func (t *pgTx) exec(_ context.Context, st string, args []any, check func(int64) error) error {
	t.queue(st, args, check)
	return nil
}

func (t *pgTx) read(_ context.Context, st string, args []any, each func(row) error) error {
	// A read splits the transaction into several batches: make it an
	// explicit one, opened (in flush) before the writes queued so far.
	t.begun = true
	return t.flush(t.ctx, &pgWrite{sql: st, args: args, check: nil}, each)
}

// flush sends the queued writes, then the read if there is one, as one
// batch, and checks each result in order. The transaction's first batch
// starts with its BEGIN, if it has one, and setUser.
func (t *pgTx) flush(ctx context.Context, read *pgWrite, each ...func(row) error) error {
	pending := t.pending
	if !t.sent {
		pending = make([]pgWrite, 0, len(t.pending)+2)
		if t.begun {
			pending = append(pending, pgWrite{sql: "BEGIN"})
		}
		set := pgWrite{sql: setUser, args: []any{string(t.owner)}}
		if t.customPlan {
			set.sql = setUserCustomPlan
		}
		if t.owner == noOwner {
			set = pgWrite{sql: setHousekeeping}
		}
		pending = append(append(pending, set), t.pending...)
	}
	var b pgx.Batch
	for _, w := range pending {
		b.Queue(w.sql, w.args...)
	}
	if read != nil {
		b.Queue(read.sql, read.args...)
	}
	t.pending = t.pending[:0:0]
	t.sent = true
	br := t.conn.SendBatch(ctx, &b)
	var first, lost error
	for _, w := range pending {
		tag, err := br.Exec()
		if err == nil && w.check != nil {
			err = w.check(tag.RowsAffected())
		}
		if err != nil && first == nil && w.afterCommit {
			// Only the word of the change is lost (a full notification
			// queue, a connection dropped after the COMMIT): streams
			// elsewhere see it with the owner's next change, or when
			// their listener reconnects.
			lost = err
			continue
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
	if err := br.Close(); err != nil && first == nil && (lost == nil || !errors.Is(err, lost)) {
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
	id                          [16]byte
	owner, title, recurrence    string
	description                 pgtype.Text
	completed, dueIsDate, armed bool
	createdAt, updatedAt        time.Time
	version                     int64
	rank                        int16
	tags                        []string
	due, remindAt, completedAt  pgtype.Timestamptz
	next                        pgtype.UUID
	total                       int
	epoch, seq                  pgtype.Int8 // the owner's feed head (see withHead)
	dest, listDest              []any       // pointers to the fields above, in column order
}

func newPgRow(rows pgx.Rows) *pgRow {
	r := &pgRow{rows: rows}
	r.dest = []any{&r.id, &r.owner, &r.title, &r.description, &r.completed, &r.createdAt, &r.updatedAt, &r.version,
		&r.rank, &r.tags, &r.due, &r.dueIsDate, &r.remindAt, &r.recurrence, &r.completedAt, &r.next, &r.armed}
	return r
}

func (r *pgRow) scan(dest ...any) error { return r.rows.Scan(dest...) }

func (r *pgRow) task() (*task.Task, error) {
	if err := r.rows.Scan(r.dest...); err != nil {
		return nil, err
	}
	return r.build()
}

func (r *pgRow) listed(counted bool) (task.FeedPosition, *task.Task, int, error) {
	if r.listDest == nil {
		r.listDest = []any{&r.epoch, &r.seq}
		if counted {
			r.listDest = append(r.listDest, &r.total)
		}
		r.listDest = append(r.listDest, r.dest...)
	}
	prefix := len(r.listDest) - len(r.dest)
	var t *task.Task
	var err error
	if r.rows.RawValues()[prefix] == nil { // no id: an empty page's head (and count)
		dest := make([]any, len(r.listDest)) // nil skips a column
		copy(dest, r.listDest[:prefix])
		err = r.rows.Scan(dest...)
	} else if err = r.rows.Scan(r.listDest...); err == nil {
		t, err = r.build()
	}
	return task.FeedPosition{Epoch: r.epoch.Int64, Seq: r.seq.Int64}, t, r.total, err
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
		ReminderArmed: r.armed,
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
