package sqlstore

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"go.uber.org/fx"

	"github.com/todoapi/todo/config"
)

// LiveModule carries word of changes made by other replicas to this
// process's live streams (see Listener and Poller), on PostgreSQL. SQLite,
// one process on one file, needs nothing: the in-process hub hears every
// commit. It needs the store's *DB and the process's Subscriptions, and
// logs at start which way changes travel.
var LiveModule = fx.Module("sqlstore.live", fx.Invoke(startLive))

// Live is how changes made by other replicas reach this process's streams.
type Live struct {
	// ListenURL is the direct connection to LISTEN on; empty: poll.
	ListenURL string
	// Why says where ListenURL comes from, or why there is none.
	Why string
}

// LivePlan decides how changes made by other replicas reach this one:
// LISTEN on DATABASE_LISTEN_URL when set, else on DATABASE_URL unless it
// leads to a transaction pooler (which cannot carry LISTEN), else polling.
// A pooler is known by what the URL says (see StatementMode.Pooled) or,
// when the URL chose its statement mode itself, by asking (see
// sharesSessions). For SQLite it returns the zero Live.
func LivePlan(ctx context.Context, db *DB, c config.Database) (Live, error) {
	switch {
	case db.Dialect() != Postgres:
		return Live{}, nil
	case c.ListenURL != "":
		return Live{ListenURL: c.ListenURL, Why: "DATABASE_LISTEN_URL"}, nil
	case db.mode.Pooled:
		return Live{Why: "DATABASE_URL goes through a transaction pooler (" + db.mode.Reason + ")"}, nil
	case db.mode.explicit && db.write.Stats().MaxOpenConnections != 1:
		shared, err := sharesSessions(ctx, db.write.DB)
		if err != nil {
			return Live{}, dbError(err)
		}
		if shared {
			return Live{Why: "DATABASE_URL goes through a transaction pooler (two connections shared one server session)"}, nil
		}
	}
	return Live{ListenURL: c.URL, Why: "DATABASE_URL"}, nil
}

// safetyPoll is how often a listening server also reads the feed heads of
// its streams, as the Poller does. A notification can be lost where no
// reconnection tells of it: the writer's connection may drop between its
// COMMIT and the NOTIFY sent just after it (see notifyChanges), or its
// server may crash there. The poll bounds how late a stream on another
// replica then hears of that change, for one small read per interval.
const safetyPoll = 30 * time.Second

// startLive starts the listener or the poller that LivePlan picks, once
// the store has started; beside a listener, a poller every safetyPoll.
func startLive(lc fx.Lifecycle, c config.Database, db *DB, signals Subscriptions, logger *slog.Logger) {
	var stop func(context.Context) error
	lc.Append(fx.Hook{
		OnStart: func(ctx context.Context) error {
			if db.Dialect() != Postgres {
				logger.Info("live events travel within this process", "dialect", string(db.Dialect()))
				return nil
			}
			plan, err := LivePlan(ctx, db, c)
			if err != nil {
				return err
			}
			if plan.ListenURL == "" {
				p := NewPoller(db, signals, c.EventsPoll, logger)
				logger.Warn(fmt.Sprintf("live events: no connection can LISTEN, so this server polls the feeds of its streams every %s instead, "+
					"and changes made on other replicas reach them up to %s late; set DATABASE_LISTEN_URL to a direct connection to PostgreSQL",
					c.EventsPoll, c.EventsPoll), "reason", plan.Why, "events_poll_interval", c.EventsPoll.String())
				stop = p.Stop
				return p.Start(ctx)
			}
			l, err := NewListener(plan.ListenURL, signals, logger)
			if err != nil {
				return err
			}
			l.SkipOwnCommits(db) // events.Repository wakes this process's streams itself
			logger.Info("live events travel through PostgreSQL LISTEN/NOTIFY", "channel", changesChannel, "listen_url", l.String(),
				"from", plan.Why, "safety_poll", safetyPoll.String())
			if err := l.Start(ctx); err != nil {
				return err
			}
			p := NewPoller(db, signals, safetyPoll, logger)
			if err := p.Start(ctx); err != nil {
				return errors.Join(err, l.Stop(ctx))
			}
			stop = func(ctx context.Context) error { return errors.Join(p.Stop(ctx), l.Stop(ctx)) }
			return nil
		},
		OnStop: func(ctx context.Context) error {
			if stop == nil {
				return nil
			}
			return stop(ctx)
		},
	})
}
