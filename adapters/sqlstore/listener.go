package sqlstore

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/todoapi/todo/config"
	"github.com/todoapi/todo/ports"
)

// Listener carries word of changes committed by any replica to this
// process's streams: on one connection of its own, outside the pool, it
// listens to changesChannel (see notifyChanges) and calls signals.Notify
// for the owner each notification names.
//
// A notification sent while the connection is down is lost, so each time
// the listener is listening again it calls signals.NotifyAll: every stream
// reads its feed from where it was, which fills the gap. The first LISTEN
// does the same, harmlessly. A connection that stays quiet is pinged every
// listenPing, so one that died without a word (a silent network) is found
// and replaced within a minute rather than after TCP's keepalive gives up.
//
// LISTEN keeps state in a server session, which a transaction-mode pooler
// does not give a client, so the listener needs a direct connection (see
// ListenURL).
type Listener struct {
	cfg     *pgx.ConnConfig
	name    string // the URL with its password masked
	signals ports.ChangeSignals
	own     string // the origin of this process's pool, whose commits woke its streams already
	logger  *slog.Logger
	ping    time.Duration // listenPing, but in tests
	cancel  context.CancelFunc
	done    chan struct{}
}

// SkipOwnCommits makes the listener pass over the notifications of db's
// commits: in a server, events.Repository wakes the process's streams as
// each of its commits ends, so hearing of it again would only make every
// woken stream read its feed once more. Other pools' commits (other
// replicas, other processes) are signalled as before.
func (l *Listener) SkipOwnCommits(db *DB) { l.own = db.origin }

// listenerName is the listener connection's application_name, unless its
// URL sets one: it tells the connection apart in pg_stat_activity.
const listenerName = "todo-listener"

// How often a quiet listener connection is checked, and how long the
// check may take.
const (
	listenPing    = 30 * time.Second
	listenTimeout = 5 * time.Second
)

// NewListener returns a listener over the PostgreSQL URL listenURL that
// signals to signals. It does not connect: Start does.
func NewListener(listenURL string, signals ports.ChangeSignals, logger *slog.Logger) (*Listener, error) {
	dialect, dsn, err := config.ParseDatabaseURL(listenURL)
	if err == nil && dialect != config.DialectPostgres {
		err = errors.New("not a PostgreSQL URL")
	}
	if err != nil {
		return nil, fmt.Errorf("listen: %w", err)
	}
	dsn, mode, err := statementMode(dsn)
	if err != nil {
		return nil, err
	}
	if mode.Pooled {
		return nil, fmt.Errorf("listen: %s leads to a transaction-mode pooler (%s), which cannot carry LISTEN: "+
			"give a direct connection", config.RedactURL(listenURL), mode.Reason)
	}
	cfg, err := pgx.ParseConfig(dsn)
	if err != nil {
		return nil, fmt.Errorf("listen: %w", redacted(err))
	}
	if !urlHas(dsn, "connect_timeout") {
		cfg.ConnectTimeout = DefaultConnectTimeout
	}
	if !urlHas(dsn, "application_name") {
		cfg.RuntimeParams["application_name"] = listenerName
	}
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	return &Listener{cfg: cfg, name: config.RedactURL(listenURL), signals: signals, logger: logger, ping: listenPing}, nil
}

// String names the listener's database by its URL, password masked.
func (l *Listener) String() string { return l.name }

// Start connects and listens, then keeps listening in the background until
// Stop. A server that rejects the connection (credentials, database name)
// fails Start; one that cannot be reached yet is retried in the background
// with backoff, as a dropped connection is.
func (l *Listener) Start(ctx context.Context) error {
	conn, err := l.listen(ctx)
	if err != nil && !retryable(err) {
		return fmt.Errorf("listen: %s rejected the connection: %w", l.name, unavailableError{err})
	}
	if err != nil {
		l.logger.WarnContext(ctx, "cannot listen for changes yet, retrying in the background", "url", l.name, "error", oneLine.Replace(err.Error()))
	}
	runCtx, cancel := context.WithCancel(context.Background())
	l.cancel, l.done = cancel, make(chan struct{})
	go l.run(runCtx, conn)
	return nil
}

// Stop ends the listening and waits for it, until ctx ends.
func (l *Listener) Stop(ctx context.Context) error {
	if l.cancel == nil {
		return nil
	}
	l.cancel()
	select {
	case <-l.done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// listen opens the listener's connection and listens on it.
func (l *Listener) listen(ctx context.Context) (*pgx.Conn, error) {
	conn, err := pgx.ConnectConfig(ctx, l.cfg)
	if err != nil {
		return nil, err
	}
	if _, err := conn.Exec(ctx, "LISTEN "+changesChannel); err != nil {
		closeQuietly(conn)
		return nil, err
	}
	return conn, nil
}

// run receives on conn, or on a new connection whenever it has none,
// until ctx ends.
func (l *Listener) run(ctx context.Context, conn *pgx.Conn) {
	defer close(l.done)
	delay, lost := firstRetryDelay, conn == nil
	for {
		if conn == nil {
			var err error
			if conn, err = l.listen(ctx); err != nil {
				if ctx.Err() != nil {
					return
				}
				wait := delay/2 + rand.N(delay/2+1)
				l.logger.Warn("cannot listen for changes, retrying", "url", l.name,
					"retry_in", wait.Round(time.Millisecond).String(), "error", oneLine.Replace(err.Error()))
				select {
				case <-ctx.Done():
					return
				case <-time.After(wait):
				}
				delay = min(2*delay, maxRetryDelay)
				continue
			}
		}
		if lost {
			l.logger.Info("listening for changes again; every stream reads its feed for what it missed", "url", l.name)
		}
		delay = firstRetryDelay
		l.signals.NotifyAll() // whatever was sent while nobody listened
		err := l.receive(ctx, conn)
		closeQuietly(conn)
		conn, lost = nil, true
		if ctx.Err() != nil {
			return
		}
		l.logger.Warn("lost the connection listening for changes, reconnecting", "url", l.name, "error", oneLine.Replace(err.Error()))
	}
}

// receive signals each notification that arrives on conn until ctx ends
// or the connection fails.
func (l *Listener) receive(ctx context.Context, conn *pgx.Conn) error {
	for {
		wait, cancel := context.WithTimeout(ctx, l.ping)
		n, err := conn.WaitForNotification(wait)
		quiet := wait.Err() != nil
		cancel()
		switch {
		case err == nil:
			if origin, owner := parseNotification(n.Payload); owner != "" && (origin == "" || origin != l.own) {
				l.signals.Notify(owner)
			}
		case ctx.Err() != nil:
			return ctx.Err()
		case quiet && !conn.IsClosed():
			ping, cancel := context.WithTimeout(ctx, listenTimeout)
			err = conn.Ping(ping)
			cancel()
			if err != nil {
				return err
			}
		default:
			return err
		}
	}
}

func closeQuietly(conn *pgx.Conn) {
	ctx, cancel := context.WithTimeout(context.Background(), listenTimeout)
	defer cancel()
	_ = conn.Close(ctx)
}
