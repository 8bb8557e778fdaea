package main

import (
	"context"
	"log/slog"
	"time"

	"go.uber.org/fx"

	"github.com/todoapi/todo/config"
	"github.com/todoapi/todo/core/app"
)

// expireKeys removes the idempotency keys older than IDEMPOTENCY_TTL
// (app.TaskService.ExpireKeys) once at start and then every
// keyExpiryInterval, until the service stops. Every replica runs it: the
// removal is one DELETE by age, which any of them may do, and two doing it
// at once remove each record once.
func expireKeys(lc fx.Lifecycle, svc *app.TaskService, c config.Database, logger *slog.Logger) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	every := keyExpiryInterval(c.IdempotencyTTL)
	lc.Append(fx.Hook{
		OnStart: func(context.Context) error {
			go func() {
				defer close(done)
				tick := time.NewTicker(every)
				defer tick.Stop()
				for {
					expireKeysOnce(ctx, svc, c.IdempotencyTTL, logger)
					select {
					case <-ctx.Done():
						return
					case <-tick.C:
					}
				}
			}()
			return nil
		},
		OnStop: func(context.Context) error {
			cancel()
			<-done
			return nil
		},
	})
}

// keyExpiryInterval is a minute, the contract's housekeeping cadence, or
// half the TTL when that is shorter, so that no key outlives its TTL by
// more than half of it.
func keyExpiryInterval(ttl time.Duration) time.Duration {
	return max(min(time.Minute, ttl/2), 100*time.Millisecond)
}

func expireKeysOnce(ctx context.Context, svc *app.TaskService, ttl time.Duration, logger *slog.Logger) {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	n, err := svc.ExpireKeys(ctx, ttl)
	switch {
	case err != nil && ctx.Err() == nil:
		logger.Warn("expiring idempotency keys failed; trying again later", "error", err)
	case n > 0:
		logger.Debug("idempotency keys expired", "count", n, "ttl", ttl.String())
	}
}
