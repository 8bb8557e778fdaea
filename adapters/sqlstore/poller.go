package sqlstore

import (
	"context"
	"log/slog"
	"time"

	"github.com/todoapi/todo/config"
	"github.com/todoapi/todo/core/identity"
	"github.com/todoapi/todo/core/task"
	"github.com/todoapi/todo/ports"
)

// Subscriptions are a process's change signals that can also tell whose
// feeds its streams follow (events.Hub is one).
type Subscriptions interface {
	ports.ChangeSignals
	// Owners returns the owners with at least one open subscription.
	Owners() []identity.UserID
}

// Poller stands in for the Listener when no direct connection can be had:
// every interval it reads, in one statement, the feed heads of the owners
// this process's streams follow, and signals those whose head moved. A
// change made on another replica then reaches a stream up to one interval
// late, at the cost of one small read per interval for the whole process,
// whatever the number of streams. (This process's own commits signal at
// once: see events.Repository.)
//
// An owner seen for the first time is signalled too: its stream may have
// read its feed just before a change that the first read of the head
// already holds. A read that fails leaves the heads known as they were, so
// the next one that succeeds signals whatever moved in between.
type Poller struct {
	r        *TaskRepository
	signals  Subscriptions
	interval time.Duration
	logger   *slog.Logger
	known    map[identity.UserID]task.FeedPosition
	cancel   context.CancelFunc
	done     chan struct{}
}

// NewPoller returns a poller of db's feed heads, every interval.
func NewPoller(db *DB, signals Subscriptions, interval time.Duration, logger *slog.Logger) *Poller {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	if interval <= 0 {
		interval = config.DefaultEventsPoll
	}
	return &Poller{r: NewTaskRepository(db), signals: signals, interval: interval, logger: logger,
		known: make(map[identity.UserID]task.FeedPosition)}
}

// feedHeads reads the heads of the owners given as a text[]. It names no
// acting user: the housekeeping's read-only policy on feed_heads admits it
// (see setHousekeeping).
const feedHeads = "SELECT user_id, epoch, seq FROM feed_heads WHERE user_id = ANY($1::text[])"

// Start polls in the background until Stop.
func (p *Poller) Start(context.Context) error {
	ctx, cancel := context.WithCancel(context.Background())
	p.cancel, p.done = cancel, make(chan struct{})
	go p.run(ctx)
	return nil
}

// Stop ends the polling and waits for it, until ctx ends.
func (p *Poller) Stop(ctx context.Context) error {
	if p.cancel == nil {
		return nil
	}
	p.cancel()
	select {
	case <-p.done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (p *Poller) run(ctx context.Context) {
	defer close(p.done)
	tick := time.NewTicker(p.interval)
	defer tick.Stop()
	failing := false
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		err := p.poll(ctx)
		switch {
		case ctx.Err() != nil:
			return
		case err != nil && !failing:
			p.logger.Warn("cannot read the feed heads for live events; retrying every interval",
				"interval", p.interval.String(), "error", oneLine.Replace(err.Error()))
		case err == nil && failing:
			p.logger.Info("reading the feed heads for live events again")
		}
		failing = err != nil
	}
}

// poll reads the heads once and signals the owners whose head moved.
func (p *Poller) poll(ctx context.Context) error {
	owners := p.signals.Owners()
	if len(owners) == 0 {
		clear(p.known)
		return nil
	}
	ids := make([]string, len(owners))
	for i, o := range owners {
		ids[i] = string(o)
	}
	heads := make(map[identity.UserID]task.FeedPosition, len(owners))
	err := p.r.db.engine.read(ctx, noOwner, feedHeads, []any{ids}, func(rw row) error {
		var owner string
		var h task.FeedPosition
		err := rw.scan(&owner, &h.Epoch, &h.Seq)
		heads[identity.UserID(owner)] = h
		return err
	})
	if err != nil {
		return dbError(err)
	}
	known := make(map[identity.UserID]task.FeedPosition, len(owners))
	for _, owner := range owners {
		h := heads[owner] // zero: no change yet
		if was, ok := p.known[owner]; !ok || was != h {
			p.signals.Notify(owner)
		}
		known[owner] = h
	}
	p.known = known
	return nil
}
