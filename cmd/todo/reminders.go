package main

import (
	"context"
	"log/slog"
	"time"

	"go.uber.org/fx"

	"github.com/todoapi/todo/adapters/telemetry"
	"github.com/todoapi/todo/core/app"
	"github.com/todoapi/todo/ports"
)

// reminders fires the due reminders (app.TaskService.FireReminders) every
// app.ReminderInterval while the server runs. Every replica runs it, with
// no claimed rounds as the other housekeeping has: a reminder must fire
// within seconds, whichever replica is up, and the transaction that fires
// one reads it again under its lock, so replicas fire each once. A
// reminder is a change in the feed: the live streams send it. Each lag
// goes to todo_reminder_lag_seconds.
var reminders = fx.Invoke(func(lc fx.Lifecycle, svc *app.TaskService, store ports.Housekeeper, t *telemetry.Telemetry,
	logger *slog.Logger) {
	observe := func(time.Duration) {}
	if m := t.Metrics(); m != nil {
		observe = m.ReminderFired
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	lc.Append(fx.Hook{
		OnStart: func(context.Context) error {
			go func() {
				defer close(done)
				runReminders(ctx, svc, store, logger, observe)
			}()
			return nil
		},
		OnStop: func(stop context.Context) error {
			cancel()
			select {
			case <-done:
			case <-stop.Done():
			}
			return nil
		},
	})
})

// reminderRoundTimeout bounds one round, so a store that hangs delays the
// next round rather than stopping them.
const reminderRoundTimeout = 30 * time.Second

// runReminders runs a round every app.ReminderInterval until ctx is done.
// A failing store is logged once when it starts failing and once when it
// recovers, not every second.
func runReminders(ctx context.Context, svc *app.TaskService, store ports.Housekeeper, logger *slog.Logger,
	observe func(time.Duration)) {
	tick := time.NewTicker(app.ReminderInterval)
	defer tick.Stop()
	failing := false
	for {
		round, cancel := context.WithTimeout(ctx, reminderRoundTimeout)
		fired, err := svc.FireReminders(round, store)
		cancel()
		for _, f := range fired {
			observe(f.At.Sub(f.RemindAt))
		}
		if len(fired) > 0 {
			logger.Debug("reminders fired", "count", len(fired))
		}
		switch {
		case ctx.Err() != nil:
			return
		case err != nil && !failing:
			failing = true
			logger.Warn("firing reminders failed; retrying every second", "error", err)
		case err == nil && failing:
			failing = false
			logger.Info("firing reminders works again")
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}
