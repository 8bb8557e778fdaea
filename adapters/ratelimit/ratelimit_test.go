package ratelimit

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"strings"
	"testing"
	"time"
)

// flakyStore is a memory store that fails while down is set, counting calls.
type flakyStore struct {
	*MemoryStore
	down  bool
	calls int
}

func (s *flakyStore) Take(ctx context.Context, key string, perMinute, n int) (Result, error) {
	s.calls++
	if s.down {
		return Result{}, errors.New("dial tcp 127.0.0.1:6379: connect: connection refused")
	}
	return s.MemoryStore.Take(ctx, key, perMinute, n)
}

func TestPolicyFields(t *testing.T) {
	t.Parallel()
	l := New(NewMemoryStore(0, nil), Config{PerUser: 1200, PerAddress: 300}, nil)
	if got, want := strings.Join(l.user.Field(), ""), `"user";q=1200;w=60`; got != want {
		t.Errorf("user policy = %s, want %s", got, want)
	}
	if got, want := strings.Join(l.addr.Field(), ""), `"address";q=300;w=60`; got != want {
		t.Errorf("address policy = %s, want %s", got, want)
	}
	d := Decision{Policy: l.user, Remaining: 412, Reset: 22*time.Second + time.Millisecond}
	if got, want := d.Field(), `"user";r=412;t=23`; got != want {
		t.Errorf("RateLimit = %s, want %s", got, want)
	}
}

func TestLimiter_Off(t *testing.T) {
	t.Parallel()
	store := &flakyStore{MemoryStore: NewMemoryStore(0, nil)}
	l := New(store, Config{}, nil)
	for range 3 {
		if d := l.User(context.Background(), "u"); !d.Allowed || d.Policy != nil {
			t.Fatalf("user limit off: %+v", d)
		}
		if d := l.Address(context.Background(), "192.0.2.1", true); !d.Allowed || d.Policy != nil {
			t.Fatalf("address limit off: %+v", d)
		}
	}
	if store.calls != 0 {
		t.Errorf("the store was asked %d times with every limit off", store.calls)
	}
}

// Users and addresses have buckets apart, and only refusals that become
// 429s are reported to OnLimited.
func TestLimiter_Policies(t *testing.T) {
	t.Parallel()
	var limited []string
	l := New(NewMemoryStore(0, nil), Config{PerUser: 2, PerAddress: 1, OnLimited: func(p string) { limited = append(limited, p) }}, nil)
	ctx := context.Background()
	l.User(ctx, "alice")
	l.User(ctx, "alice")
	if d := l.User(ctx, "alice"); d.Allowed || d.Policy.Name != "user" {
		t.Fatalf("third request of two: %+v", d)
	}
	if d := l.Address(ctx, "alice", false); !d.Allowed || d.Remaining != 1 {
		t.Fatalf("an address named like a user shares its bucket: %+v", d)
	}
	l.Address(ctx, "192.0.2.1", true)
	if d := l.Address(ctx, "192.0.2.1", true); d.Allowed {
		t.Fatalf("second charge of one: %+v", d)
	}
	if d := l.Address(ctx, "192.0.2.1", false); d.Allowed || d.Policy.Name != "address" {
		t.Fatalf("look at an empty address bucket: %+v", d)
	}
	if got := strings.Join(limited, ","); got != "user,address" {
		t.Errorf("OnLimited got %q, want user,address (a charge after a 401 is no 429)", got)
	}
}

// A failing store lets requests pass, is skipped for RetryInterval, and is
// warned about once per WarnInterval; its return is logged too.
func TestLimiter_StoreFails(t *testing.T) {
	t.Parallel()
	clock := &fakeClock{now: time.Unix(1_800_000_000, 0)}
	store := &flakyStore{MemoryStore: NewMemoryStore(0, nil), down: true}
	var logs bytes.Buffer
	var hooked int
	l := New(store, Config{PerUser: 1, OnStoreError: func(error) { hooked++ }},
		slog.New(slog.NewTextHandler(&logs, nil)))
	l.now = clock.Now
	ctx := context.Background()
	pass := func(what string) {
		t.Helper()
		if d := l.User(ctx, "u"); !d.Allowed || d.Remaining != 1 || d.Policy == nil {
			t.Fatalf("%s: %+v, want passed with the whole quota", what, d)
		}
	}
	pass("first failure")
	pass("within the retry interval")
	if store.calls != 1 {
		t.Fatalf("store asked %d times within a second of failing, want 1", store.calls)
	}
	for range 30 {
		clock.Advance(time.Second)
		pass("still down")
	}
	if n := strings.Count(logs.String(), "rate limit store failed"); n != 1 {
		t.Fatalf("%d warnings in 30 s, want 1:\n%s", n, logs.String())
	}
	clock.Advance(30 * time.Second)
	pass("a minute on")
	if n := strings.Count(logs.String(), "rate limit store failed"); n != 2 || !strings.Contains(logs.String(), "requests_passed=32") {
		t.Fatalf("want a second warning counting the 32 requests since the first:\n%s", logs.String())
	}
	if hooked != 33 {
		t.Errorf("OnStoreError called %d times, want 33", hooked)
	}

	store.down = false
	clock.Advance(time.Second)
	if d := l.User(ctx, "u"); !d.Allowed || d.Remaining != 0 {
		t.Fatalf("back: %+v, want counted", d)
	}
	if d := l.User(ctx, "u"); d.Allowed {
		t.Fatalf("back: over the limit passed: %+v", d)
	}
	if n := strings.Count(logs.String(), "rate limit store answers again"); n != 1 {
		t.Fatalf("%d notes of the store's return, want 1:\n%s", n, logs.String())
	}
}

// A request whose client hung up reaches the store anyway, so it can't be
// taken for a store failure that lifts the limits.
func TestLimiter_CancelledRequest(t *testing.T) {
	t.Parallel()
	var failed int
	l := New(ctxStore{NewMemoryStore(0, nil)}, Config{PerUser: 1, OnStoreError: func(error) { failed++ }}, nil)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	l.User(ctx, "u")
	if d := l.User(ctx, "u"); d.Allowed || failed != 0 {
		t.Fatalf("with the request cancelled: %+v, %d store failures", d, failed)
	}
}

// ctxStore fails as a network store does when its context is done.
type ctxStore struct{ *MemoryStore }

func (s ctxStore) Take(ctx context.Context, key string, perMinute, n int) (Result, error) {
	if err := ctx.Err(); err != nil {
		return Result{}, err
	}
	return s.MemoryStore.Take(ctx, key, perMinute, n)
}
