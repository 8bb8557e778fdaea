package ratelimit

import (
	"context"
	"crypto/rand"
	"testing"
	"time"
)

// testStore runs the Store contract against a fresh store from newStore.
// Redis keeps its own time, so the checks bound durations rather than
// expect them exactly.
func testStore(t *testing.T, newStore func(t *testing.T) Store) {
	t.Run("OK", func(t *testing.T) {
		t.Parallel()
		s, key := newStore(t), "k"+rand.Text()
		for want := 2; want >= 0; want-- {
			r := mustTake(t, s, key, 3, 1)
			if !r.Allowed || r.Remaining != want || r.RetryAfter != 0 {
				t.Fatalf("take with %d left: %+v", want+1, r)
			}
			if r.Reset <= 0 || r.Reset > time.Minute {
				t.Fatalf("reset %v, want within a minute", r.Reset)
			}
		}
	})
	t.Run("ErrEmpty", func(t *testing.T) {
		t.Parallel()
		s, key := newStore(t), "k"+rand.Text()
		for range 3 {
			mustTake(t, s, key, 3, 1)
		}
		r := mustTake(t, s, key, 3, 1)
		// One request a 20 s: the next is at most 20 s away.
		if r.Allowed || r.Remaining != 0 || r.RetryAfter <= 0 || r.RetryAfter > 20*time.Second || r.Reset <= 40*time.Second {
			t.Fatalf("take from an empty bucket: %+v", r)
		}
		if peek := mustTake(t, s, key, 3, 0); peek.Allowed || peek.RetryAfter <= 0 || peek.RetryAfter > 20*time.Second {
			t.Fatalf("look at an empty bucket: %+v", peek)
		}
	})
	t.Run("LookTakesNothing", func(t *testing.T) {
		t.Parallel()
		s, key := newStore(t), "k"+rand.Text()
		for range 5 {
			if r := mustTake(t, s, key, 2, 0); !r.Allowed || r.Remaining != 2 || r.RetryAfter != 0 {
				t.Fatalf("look at a full bucket: %+v", r)
			}
		}
		mustTake(t, s, key, 2, 1)
		if r := mustTake(t, s, key, 2, 0); !r.Allowed || r.Remaining != 1 {
			t.Fatalf("look after one take: %+v", r)
		}
	})
	t.Run("KeysApart", func(t *testing.T) {
		t.Parallel()
		s, a, b := newStore(t), "a"+rand.Text(), "b"+rand.Text()
		mustTake(t, s, a, 1, 1)
		if r := mustTake(t, s, a, 1, 1); r.Allowed {
			t.Fatalf("second take from a bucket of one: %+v", r)
		}
		if r := mustTake(t, s, b, 1, 1); !r.Allowed {
			t.Fatalf("another key's bucket was emptied: %+v", r)
		}
	})
}

func mustTake(t *testing.T, s Store, key string, perMinute, n int) Result {
	t.Helper()
	r, err := s.Take(context.Background(), key, perMinute, n)
	if err != nil {
		t.Fatalf("Take(%q, %d, %d): %v", key, perMinute, n, err)
	}
	return r
}

func TestMemoryStore(t *testing.T) {
	t.Parallel()
	testStore(t, func(*testing.T) Store { return NewMemoryStore(0, nil) })
}

// fakeClock is a clock the test moves by hand.
type fakeClock struct{ now time.Time }

func (c *fakeClock) Now() time.Time          { return c.now }
func (c *fakeClock) Advance(d time.Duration) { c.now = c.now.Add(d) }

// On a clock of its own, the memory store's numbers are exact.
func TestMemoryStore_Refill(t *testing.T) {
	t.Parallel()
	clock := &fakeClock{now: time.Unix(1_800_000_000, 0)}
	s := NewMemoryStore(0, clock)
	for range 6 {
		mustTake(t, s, "k", 6, 1)
	}
	if r := mustTake(t, s, "k", 6, 1); r.Allowed || r.RetryAfter != 10*time.Second || r.Reset != time.Minute {
		t.Fatalf("empty: %+v, want retry in 10s, full in 1m", r)
	}
	clock.Advance(10 * time.Second)
	if r := mustTake(t, s, "k", 6, 1); !r.Allowed || r.Remaining != 0 || r.Reset != time.Minute {
		t.Fatalf("10 s later: %+v, want one allowed", r)
	}
	clock.Advance(35 * time.Second)
	if r := mustTake(t, s, "k", 6, 0); !r.Allowed || r.Remaining != 3 || r.Reset != 25*time.Second {
		t.Fatalf("35 s later: %+v, want 3 left, full in 25s", r)
	}
}

// Idle buckets are dropped, and the store never holds more than its max.
func TestMemoryStore_Bounded(t *testing.T) {
	t.Parallel()
	clock := &fakeClock{now: time.Unix(1_800_000_000, 0)}
	s := NewMemoryStore(64, clock)
	for i := range 1000 {
		mustTake(t, s, rand.Text(), 10, 1)
		if i%100 == 0 {
			clock.Advance(time.Second)
		}
	}
	if got := s.Len(); got > 64 {
		t.Fatalf("%d buckets, want at most 64", got)
	}
	clock.Advance(Window)
	mustTake(t, s, "fresh", 10, 1)
	if got := s.Len(); got != 1 {
		t.Fatalf("%d buckets after a minute idle, want only the fresh one", got)
	}
}
