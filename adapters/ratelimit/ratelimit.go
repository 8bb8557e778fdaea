// Package ratelimit counts requests in token buckets that each hold a
// minute's worth: one per user, and one per client address for requests
// without a valid token. The buckets live in this process (MemoryStore) or
// in Redis (RedisStore), where every replica shares them.
package ratelimit

import (
	"context"
	"log/slog"
	"math"
	"net/http"
	"strconv"
	"sync/atomic"
	"time"
)

// Window is the period a policy's quota is for, and what a bucket holds.
const Window = time.Minute

// Defaults for the zero values of Config's durations.
const (
	// DefaultWarnInterval: a failing store is logged at most once per this.
	DefaultWarnInterval = time.Minute
	// DefaultRetryInterval: after a store failure, requests pass without
	// asking the store for this long, so an outage adds no latency.
	DefaultRetryInterval = time.Second
)

// Policy is one of the limits: Quota requests per Window.
type Policy struct {
	Name  string // "user" or "address"
	Quota int
	field []string
}

func newPolicy(name string, quota int) *Policy {
	if quota <= 0 {
		return nil
	}
	return &Policy{Name: name, Quota: quota,
		field: []string{`"` + name + `";q=` + strconv.Itoa(quota) + ";w=" + strconv.Itoa(int(Window/time.Second))}}
}

// Field is the value of the RateLimit-Policy header (IETF draft syntax), as
// a shared slice that must not be changed: "user";q=1200;w=60.
func (p *Policy) Field() []string { return p.field }

// Decision is the answer for one request. Policy is nil when the limit that
// was asked is off: the request passes and no header describes it.
type Decision struct {
	Policy    *Policy
	Allowed   bool
	Remaining int           // whole requests left in the bucket
	Reset     time.Duration // until the bucket is full again
	// RetryAfter is, when not Allowed, how long until one request would be.
	RetryAfter time.Duration
}

// Field is the value of the RateLimit header (IETF draft syntax):
// "user";r=412;t=23, t being the seconds until the bucket is full.
func (d Decision) Field() string {
	b := make([]byte, 0, 32)
	b = append(b, '"')
	b = append(b, d.Policy.Name...)
	b = append(b, `";r=`...)
	b = strconv.AppendInt(b, int64(d.Remaining), 10)
	b = append(b, ";t="...)
	b = strconv.AppendInt(b, int64(Seconds(d.Reset)), 10)
	return string(b)
}

// Seconds rounds d up to whole seconds, as Retry-After and t are given.
func Seconds(d time.Duration) int {
	return int(math.Ceil(max(d, 0).Seconds()))
}

// Store holds the buckets.
type Store interface {
	// Take removes n tokens (0: only look) from the bucket named key, which
	// holds at most perMinute tokens and gains perMinute a minute, if it
	// has them. A new bucket is full.
	Take(ctx context.Context, key string, perMinute, n int) (Result, error)
}

// Result is what a Store's Take found.
type Result struct {
	// Allowed: the n tokens were taken; for n = 0, one token is there.
	Allowed   bool
	Remaining int           // whole tokens left
	Reset     time.Duration // until the bucket is full again
	// RetryAfter is, when not Allowed, how long until it would be.
	RetryAfter time.Duration
}

// Config says what to limit.
type Config struct {
	// PerUser and PerAddress are requests per minute; 0 turns one off.
	PerUser, PerAddress int
	// TrustedProxies may tell the client's address in X-Forwarded-For or
	// Forwarded; see ClientAddr.
	TrustedProxies Proxies
	// WarnInterval and RetryInterval: zero means the defaults above.
	WarnInterval, RetryInterval time.Duration
	// OnLimited, when set, is called for every request refused, with the
	// policy's name (for a metric such as todo_rate_limited_total{scope}).
	OnLimited func(policy string)
	// OnStoreError, when set, is called for every request the store could
	// not count, which therefore passed.
	OnStoreError func(err error)
}

// Limiter applies the policies through a Store. When the store fails,
// requests pass: a warning says so, at most once per WarnInterval.
type Limiter struct {
	store      Store
	cfg        Config
	log        *slog.Logger
	user, addr *Policy
	now        func() time.Time

	downUntil atomic.Int64 // unix nanoseconds; the store is not asked before
	lastWarn  atomic.Int64 // unix nanoseconds of the last warning
	failures  atomic.Int64 // since the last warning
	failing   atomic.Bool
}

// New returns a limiter over store; logger nil means slog.Default().
func New(store Store, cfg Config, logger *slog.Logger) *Limiter {
	if logger == nil {
		logger = slog.Default()
	}
	if cfg.WarnInterval <= 0 {
		cfg.WarnInterval = DefaultWarnInterval
	}
	if cfg.RetryInterval <= 0 {
		cfg.RetryInterval = DefaultRetryInterval
	}
	return &Limiter{store: store, cfg: cfg, log: logger,
		user: newPolicy("user", cfg.PerUser), addr: newPolicy("address", cfg.PerAddress), now: time.Now}
}

// User takes one request from the user's bucket.
func (l *Limiter) User(ctx context.Context, user string) Decision {
	return l.decide(ctx, l.user, user, 1, true)
}

// Address looks at (take false) or takes one request from (take true) the
// bucket of a client address. The HTTP adapter looks before checking the
// token, and takes only for a request whose token was refused.
func (l *Limiter) Address(ctx context.Context, addr string, take bool) Decision {
	if take {
		return l.decide(ctx, l.addr, addr, 1, false)
	}
	return l.decide(ctx, l.addr, addr, 0, true)
}

func (l *Limiter) decide(ctx context.Context, p *Policy, key string, n int, refuses bool) Decision {
	if p == nil {
		return Decision{Allowed: true}
	}
	pass := Decision{Policy: p, Allowed: true, Remaining: p.Quota}
	now := l.now().UnixNano()
	if now < l.downUntil.Load() {
		l.storeFailed(ctx, now, nil)
		return pass
	}
	// Not the request's cancellation: a client hanging up must not pass
	// for a store failure and lift the limits for RetryInterval. The
	// store's own timeouts bound the call.
	r, err := l.store.Take(context.WithoutCancel(ctx), p.Name+":"+key, p.Quota, n)
	if err != nil {
		l.downUntil.Store(now + int64(l.cfg.RetryInterval))
		l.storeFailed(ctx, now, err)
		return pass
	}
	if l.failing.CompareAndSwap(true, false) {
		l.log.InfoContext(ctx, "rate limit store answers again; limits apply")
	}
	if !r.Allowed && refuses && l.cfg.OnLimited != nil {
		l.cfg.OnLimited(p.Name)
	}
	return Decision{Policy: p, Allowed: r.Allowed, Remaining: r.Remaining, Reset: r.Reset, RetryAfter: r.RetryAfter}
}

// storeFailed counts a request the store did not count; err is nil while
// the store is skipped after a failure.
func (l *Limiter) storeFailed(ctx context.Context, now int64, err error) {
	if l.cfg.OnStoreError != nil {
		l.cfg.OnStoreError(err)
	}
	l.failures.Add(1)
	l.failing.Store(true)
	last := l.lastWarn.Load()
	if last != 0 && now-last < int64(l.cfg.WarnInterval) || !l.lastWarn.CompareAndSwap(last, now) {
		return // warned lately, or another request is warning now
	}
	attrs := []any{"requests_passed", l.failures.Swap(0), "next_warning_in", l.cfg.WarnInterval.String()}
	if err != nil {
		attrs = append(attrs, "error", err.Error())
	}
	l.log.WarnContext(ctx, "rate limit store failed: requests pass without a limit until it answers", attrs...)
}

// ClientAddr is the address a request counts against; see Proxies.
func (l *Limiter) ClientAddr(r *http.Request) string { return l.cfg.TrustedProxies.ClientAddr(r) }

// Close releases the store if it holds resources (RedisStore).
func (l *Limiter) Close() error {
	if c, ok := l.store.(interface{ Close() error }); ok {
		return c.Close()
	}
	return nil
}
