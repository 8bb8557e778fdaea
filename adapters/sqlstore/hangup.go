package sqlstore

import (
	"context"
	"database/sql/driver"
	"sync/atomic"
	"time"
)

// A caller that leaves (a client hanging up) must cost the database
// nothing more than the work already under way, and above all not a
// connection. pgx cannot stop a statement half-way through the protocol
// and keep the connection, so when a statement's context is cancelled
// while it runs, pgx closes the connection; the pool then opens a new
// one, which on Neon or behind a pooler means a new session, TLS and
// authentication each time, and any client could force that by sending
// requests and hanging up. A cancelled SQLite statement is interrupted,
// which can make database/sql discard the connection too.
//
// So a statement, once started, runs to its end on a context that keeps
// the caller's values and deadline but ignores its cancellation for
// abandonGrace (outlive): the repository's statements take milliseconds,
// and the connection goes back to the pool as if the caller had stayed.
// Waiting for a connection still ends the moment the caller leaves, which
// costs nothing. The alternative, pgx's CancelRequestContextWatcherHandler,
// keeps the connection too, but sends each cancellation over a new
// connection to the server (a backend process on PostgreSQL, a session
// through a pooler) and holds the connection 100 ms after it: a hang-up
// would still cost a connection, only a shorter-lived one.

// abandonGrace is how long a statement under way may go on once its
// caller has left. Past it the statement is cancelled after all, which
// costs its connection: only a statement stuck that long does.
const abandonGrace = 5 * time.Second

// outlive returns the context for the statements of one call made with
// ctx: ctx's values and deadline, and its cancellation only abandonGrace
// after it happens. Call stop once the statements are done.
func outlive(ctx context.Context) (_ context.Context, stop context.CancelFunc) {
	if ctx.Done() == nil {
		return ctx, func() {} // cannot be cancelled: nothing to outlive
	}
	detached, cancel := detach(ctx)
	var grace atomic.Pointer[time.Timer]
	unwatch := context.AfterFunc(ctx, func() { grace.Store(time.AfterFunc(abandonGrace, cancel)) })
	return detached, func() {
		unwatch()
		cancel()
		if t := grace.Load(); t != nil {
			t.Stop()
		}
	}
}

// detach returns a context with ctx's values and deadline that its
// cancellation does not reach.
func detach(ctx context.Context) (context.Context, context.CancelFunc) {
	if deadline, ok := ctx.Deadline(); ok { // the caller's own bound still binds
		return context.WithDeadline(context.WithoutCancel(ctx), deadline)
	}
	return context.WithCancel(context.WithoutCancel(ctx))
}

// counting opens a pool's connections and counts them. A connection being
// opened is opened to the end even when the caller that asked for it left
// meanwhile, since the pool keeps it for the next caller; the connect
// timeout, or the caller's deadline, still bounds it.
type counting struct {
	driver.Connector
	opened *atomic.Int64
}

func (c counting) Connect(ctx context.Context) (driver.Conn, error) {
	detached, cancel := detach(ctx)
	defer cancel()
	conn, err := c.Connector.Connect(detached)
	if err == nil {
		c.opened.Add(1)
	}
	return conn, err
}

// ConnectionsOpened is how many database connections the store has opened
// since Open, across its pools. A pool that had to replace connections
// shows here: it rises above the pool's size only when connections were
// closed and opened again.
func (db *DB) ConnectionsOpened() int64 { return db.opened.Load() }
