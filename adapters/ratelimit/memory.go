package ratelimit

import (
	"context"
	"math"
	"sync"
	"time"

	"golang.org/x/time/rate"

	"github.com/todoapi/todo/ports"
)

// DefaultMaxBuckets bounds a MemoryStore: about 100 bytes each.
const DefaultMaxBuckets = 100_000

// MemoryStore keeps buckets in this process, so each replica limits on its
// own. Memory stays bounded: a bucket idle for a Window is full again, the
// same as no bucket, and is dropped; past max buckets, arbitrary ones are.
type MemoryStore struct {
	mu        sync.Mutex
	buckets   map[string]*bucket
	max       int
	now       func() time.Time
	lastSweep time.Time
}

type bucket struct {
	lim       *rate.Limiter
	perMinute int
	seen      time.Time
}

var _ Store = (*MemoryStore)(nil)

// NewMemoryStore returns an empty store of at most max buckets; 0 means
// DefaultMaxBuckets. clock nil means the system clock.
func NewMemoryStore(max int, clock ports.Clock) *MemoryStore {
	if max <= 0 {
		max = DefaultMaxBuckets
	}
	now := time.Now
	if clock != nil {
		now = clock.Now
	}
	return &MemoryStore{buckets: make(map[string]*bucket), max: max, now: now}
}

// Take implements Store; it never fails.
func (m *MemoryStore) Take(_ context.Context, key string, perMinute, n int) (Result, error) {
	now := m.now()
	m.mu.Lock()
	defer m.mu.Unlock()
	b := m.buckets[key]
	if b == nil || b.perMinute != perMinute {
		if len(m.buckets) >= m.max || now.Sub(m.lastSweep) >= Window {
			m.sweep(now)
		}
		b = &bucket{lim: rate.NewLimiter(rate.Limit(float64(perMinute)/Window.Seconds()), perMinute), perMinute: perMinute}
		m.buckets[key] = b
	}
	b.seen = now
	allowed := b.lim.AllowN(now, n) // n = 0 takes nothing and is always allowed
	tokens := b.lim.TokensAt(now)
	if n == 0 {
		allowed = tokens >= 1
	}
	perToken := float64(Window) / float64(perMinute)
	r := Result{Allowed: allowed, Remaining: int(math.Floor(max(tokens, 0))), Reset: time.Duration((float64(perMinute) - tokens) * perToken)}
	if !allowed {
		r.RetryAfter = time.Duration((float64(max(n, 1)) - tokens) * perToken)
	}
	return r, nil
}

// sweep drops buckets idle for a Window, then, if the store is still full,
// an eighth of it (map order is random), so a full store costs one sweep
// per max/8 new buckets rather than one per bucket.
func (m *MemoryStore) sweep(now time.Time) {
	m.lastSweep = now
	for k, b := range m.buckets {
		if now.Sub(b.seen) >= Window {
			delete(m.buckets, k)
		}
	}
	for k := range m.buckets {
		if len(m.buckets) < m.max-m.max/8 {
			return
		}
		delete(m.buckets, k)
	}
}

// Len is the number of buckets held.
func (m *MemoryStore) Len() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.buckets)
}
