package ratelimit

import (
	"context"
	"log/slog"

	"go.uber.org/fx"

	"github.com/todoapi/todo/config"
)

// redisPrefix keeps our keys apart from other users of the same Redis.
const redisPrefix = "todo:ratelimit:"

// Module provides the *Limiter the RateLimit section asks for, and closes
// its Redis connections on shutdown.
var Module = fx.Module("ratelimit",
	fx.Provide(fx.Annotate(func(lc fx.Lifecycle, c config.RateLimit, logger *slog.Logger, inst Instrumentation) (*Limiter, error) {
		l, err := fromConfig(context.Background(), c, inst, logger)
		if err != nil {
			return nil, err
		}
		lc.Append(fx.StopHook(l.Close))
		return l, nil
	}, fx.ParamTags("", "", "", `optional:"true"`))),
)

// Instrumentation is what the service's telemetry gives the limiter, when
// it is wired: Config's OnLimited and OnStoreError.
type Instrumentation struct {
	OnLimited    func(policy string)
	OnStoreError func(err error)
}

// FromConfig builds the limiter for the service's rate limit settings:
// buckets in Redis when RATE_LIMIT_REDIS_URL is set, else in this process.
// A Redis that does not answer at start is logged, not fatal: requests pass
// until it does.
func FromConfig(ctx context.Context, r config.RateLimit, logger *slog.Logger) (*Limiter, error) {
	return fromConfig(ctx, r, Instrumentation{}, logger)
}

func fromConfig(ctx context.Context, r config.RateLimit, inst Instrumentation, logger *slog.Logger) (*Limiter, error) {
	cfg := Config{PerUser: r.PerUser, PerAddress: r.PerAddress, TrustedProxies: r.TrustedProxies,
		OnLimited: inst.OnLimited, OnStoreError: inst.OnStoreError}
	if r.RedisURL == "" || (r.PerUser == 0 && r.PerAddress == 0) {
		return New(NewMemoryStore(0, nil), cfg, logger), nil
	}
	store, err := NewRedisStore(r.RedisURL, redisPrefix)
	if err != nil {
		return nil, err
	}
	if err := store.Ping(ctx); err != nil {
		logger.WarnContext(ctx, "rate limit Redis does not answer: requests pass without a limit until it does",
			"url", config.RedactURL(r.RedisURL), "error", err.Error())
	}
	return New(store, cfg, logger), nil
}
