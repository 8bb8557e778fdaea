package jwtauth

import (
	"log/slog"
	"testing"
	"time"

	"github.com/todoapi/todo/internal/testkit"
)

func TestNew_Config(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		cfg  Config
	}{
		{"ErrNoSource", Config{Issuer: testIssuer}},
		{"ErrURLNotHTTP", Config{JWKSURL: "ftp://issuer.example/jwks"}},
		{"ErrURLRelative", Config{JWKSURL: "/api/auth/jwks"}},
		{"ErrURLUnparseable", Config{JWKSURL: "http://[::1"}},
		{"ErrNegativeInterval", Config{Secret: "s", RefreshInterval: -time.Second}},
		{"ErrNegativeWait", Config{Secret: "s", UnknownKIDWait: -time.Second}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if v, err := New(t.Context(), tc.cfg, slog.New(slog.DiscardHandler)); err == nil {
				_ = v.Close()
				t.Fatal("New accepted a bad config")
			}
		})
	}
}

func TestNew_Defaults(t *testing.T) {
	t.Parallel()
	v := MustVerifier(t, Config{Secret: "a-secret-of-at-least-thirty-two-bytes"})
	got := v.cfg
	for _, c := range []struct {
		name      string
		got, want time.Duration
	}{
		{"RefreshInterval", got.RefreshInterval, 15 * time.Minute},
		{"UnknownKIDInterval", got.UnknownKIDInterval, 2 * time.Second},
		{"UnknownKIDWait", got.UnknownKIDWait, 8 * time.Second},
		{"HTTPTimeout", got.HTTPTimeout, 5 * time.Second},
		{"Leeway", got.Leeway, 30 * time.Second},
	} {
		if c.got != c.want {
			t.Errorf("%s = %v, want %v", c.name, c.got, c.want)
		}
	}
	if got, want := got.CacheSize, 10_000; got != want {
		t.Errorf("CacheSize = %d, want %d", got, want)
	}
	// The promise: right after a bogus kid, a rotated key is fetched
	// within 10 s. The burst makes it immediate; even after the burst is
	// spent the wait is one interval, and nobody waits past UnknownKIDWait.
	if got.UnknownKIDInterval > 10*time.Second || got.UnknownKIDWait > 10*time.Second || unknownKIDBurst < 2 {
		t.Errorf("unknown-kid limiter too slow: interval %v, wait %v, burst %d", got.UnknownKIDInterval, got.UnknownKIDWait, unknownKIDBurst)
	}
}

func TestClose_StopsRefreshing(t *testing.T) {
	t.Parallel()
	srv := MustJWKSServer(t, newSigner(t, "EdDSA"))
	v := MustVerifier(t, Config{JWKSURL: srv.url(), RefreshInterval: 5 * time.Millisecond})
	testkit.Eventually(t, 10*time.Second, "the JWKS is refreshed", func() bool { return srv.fetches.Load() >= 3 })
	if err := v.Close(); err != nil {
		t.Fatal(err)
	}
	stopped := srv.fetches.Load()
	time.Sleep(100 * time.Millisecond) // 20 intervals
	// One fetch already under way at Close may still reach the server.
	if got := srv.fetches.Load() - stopped; got > 1 {
		t.Errorf("JWKS fetched %d times after Close", got)
	}
	_ = v.Close() // idempotent
}
