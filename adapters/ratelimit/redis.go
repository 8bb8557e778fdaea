package ratelimit

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/go-redis/redis_rate/v10"
	"github.com/redis/go-redis/v9"
	"github.com/redis/go-redis/v9/maintnotifications"
)

// Timeouts for a Redis URL that sets none: a rate limit must not make a
// request wait for a slow Redis; past them the request passes.
const (
	redisDialTimeout = 250 * time.Millisecond
	redisIOTimeout   = 250 * time.Millisecond
)

// RedisStore keeps buckets in Redis, shared by every replica that uses the
// same Redis and prefix, with redis_rate's GCRA script (one round trip).
type RedisStore struct {
	client  *redis.Client
	limiter *redis_rate.Limiter
	prefix  string
}

var _ Store = (*RedisStore)(nil)

// NewRedisStore connects lazily to the Redis at url (redis://, rediss:// or
// unix://); keys start with prefix. It does not fail when Redis is down.
func NewRedisStore(url, prefix string) (*RedisStore, error) {
	opts, err := redis.ParseURL(url)
	if err != nil {
		return nil, fmt.Errorf("ratelimit: Redis URL: %w", err)
	}
	if opts.DialTimeout == 0 {
		opts.DialTimeout = redisDialTimeout
	}
	if opts.ReadTimeout == 0 {
		opts.ReadTimeout = redisIOTimeout
	}
	if opts.WriteTimeout == 0 {
		opts.WriteTimeout = redisIOTimeout
	}
	// One attempt each: a retry doubles the wait, and the next request
	// tries again anyway (the Limiter skips a failed store for a second).
	opts.MaxRetries = -1
	opts.DialerRetries, opts.DialerRetryTimeout = 1, 10*time.Millisecond
	// Plain GCRA scripts need none of a cluster's maintenance notices.
	opts.MaintNotificationsConfig = &maintnotifications.Config{Mode: maintnotifications.ModeDisabled}
	quietRedis.Do(func() { redis.SetLogger(discardLog{}) })
	client := redis.NewClient(opts)
	return &RedisStore{client: client, limiter: redis_rate.NewLimiter(client), prefix: prefix}, nil
}

// quietRedis silences go-redis's own log, process-wide: it writes a line to
// stderr for every failed dial, while the Limiter warns once per interval.
var quietRedis sync.Once

type discardLog struct{}

func (discardLog) Printf(context.Context, string, ...any) {}

// Take implements Store.
func (s *RedisStore) Take(ctx context.Context, key string, perMinute, n int) (Result, error) {
	limit := redis_rate.Limit{Rate: perMinute, Burst: perMinute, Period: Window}
	res, err := s.limiter.AllowN(ctx, s.prefix+key, limit, n)
	if err != nil {
		return Result{}, fmt.Errorf("ratelimit: redis: %w", err)
	}
	r := Result{Allowed: res.Allowed >= n && res.RetryAfter < 0, Remaining: res.Remaining, Reset: res.ResetAfter}
	if n == 0 {
		// The script allows any 0; one token is there when the bucket,
		// full at Reset, is fuller than one token's time from it.
		perToken := Window / time.Duration(perMinute)
		r.RetryAfter = res.ResetAfter - time.Duration(perMinute-1)*perToken
		r.Allowed = r.RetryAfter <= 0
	} else if !r.Allowed {
		r.RetryAfter = res.RetryAfter
	}
	if r.Allowed {
		r.RetryAfter = 0
	}
	return r, nil
}

// Ping reports whether Redis answers.
func (s *RedisStore) Ping(ctx context.Context) error { return s.client.Ping(ctx).Err() }

// Close closes the connections.
func (s *RedisStore) Close() error { return s.client.Close() }
