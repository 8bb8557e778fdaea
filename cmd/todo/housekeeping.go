package main

import (
	"context"
	"errors"
	"log/slog"

	"go.uber.org/fx"

	"github.com/todoapi/todo/config"
	"github.com/todoapi/todo/core/app"
	"github.com/todoapi/todo/ports"
)

// housekeeping runs the store's chores in the background while the server
// runs: the trash purge, the change retention and the expiry of event
// tickets, each acting in one
// replica per round (see app.Housekeeping). A job that fails is logged and
// tried again next round; it never stops the server.
var housekeeping = fx.Invoke(func(lc fx.Lifecycle, c config.Retention, svc *app.TaskService, store ports.Housekeeper,
	tickets ports.EventTickets, clock ports.Clock, logger *slog.Logger) {
	h := app.NewHousekeeping(store, clock,
		svc.PurgeTrashJob(store, c.Trash),
		app.PruneChangesJob(store, c.Changes),
		app.TicketsJob(tickets),
	)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	lc.Append(fx.Hook{
		OnStart: func(context.Context) error {
			go func() {
				defer close(done)
				h.Run(ctx, app.HousekeepingInterval, func(r app.Result) { logResult(logger, r) })
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

// logResult logs a round of a job: at INFO when it removed something, at
// WARN when it failed (but not when it was stopped by the shutdown).
func logResult(logger *slog.Logger, r app.Result) {
	switch {
	case r.Err != nil && !errors.Is(r.Err, context.Canceled):
		logger.Warn("housekeeping failed; retrying next round", "job", r.Job, "done", r.Done, "error", r.Err)
	case r.Done > 0:
		logger.Info("housekeeping", "job", r.Job, "removed", r.Done)
	}
}
