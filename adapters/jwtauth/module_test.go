package jwtauth_test

import (
	"context"
	"io"
	"log/slog"
	"path/filepath"
	"testing"
	"time"

	"github.com/todoapi/todo/adapters/devtoken"
	"github.com/todoapi/todo/adapters/jwtauth"
	"github.com/todoapi/todo/config"
	"github.com/todoapi/todo/core/apperr"
)

func devConfig(t *testing.T) config.Auth {
	t.Helper()
	return config.Auth{
		DevIssuer: true, DevKeyFile: filepath.Join(t.TempDir(), "data", "dev-signing-key.json"), RefreshInterval: time.Minute,
	}
}

// A token from the development issuer verifies through the ordinary path.
func TestFromConfigTrustsDevelopmentKey(t *testing.T) {
	t.Parallel()
	c := devConfig(t)
	v, err := jwtauth.FromConfig(context.Background(), c, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	defer v.Close()
	key, created, err := devtoken.LoadOrCreate(c.DevKeyFile)
	if err != nil || created {
		t.Fatalf("the verifier did not create the key: created=%v err=%v", created, err)
	}
	token, _ := key.Mint(devtoken.Claims{UserID: "alice", Email: "a@example.test", TTL: time.Minute}, time.Now())
	p, err := v.Verify(context.Background(), token)
	if err != nil || p.UserID != "alice" || p.Email != "a@example.test" {
		t.Fatalf("Verify = %+v, %v", p, err)
	}

	// Another key under the same file name is a different issuer.
	other, _, _ := devtoken.LoadOrCreate(filepath.Join(t.TempDir(), "other.json"))
	forged, _ := other.Mint(devtoken.Claims{UserID: "alice", TTL: time.Minute}, time.Now())
	if _, err := v.Verify(context.Background(), forged); apperr.CodeOf(err) != apperr.EUNAUTHORIZED {
		t.Fatalf("a token from another key: %v", err)
	}
}

// With a real token source configured, development tokens are refused.
func TestFromConfigWithSecretRefusesDevelopmentTokens(t *testing.T) {
	t.Parallel()
	c := devConfig(t)
	c.Secret, c.DevIssuer = "a-shared-secret-that-is-long-enough!!", false
	key, _, _ := devtoken.LoadOrCreate(c.DevKeyFile)
	v, err := jwtauth.FromConfig(context.Background(), c, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	defer v.Close()
	token, _ := key.Mint(devtoken.Claims{UserID: "alice", TTL: time.Minute}, time.Now())
	if _, err := v.Verify(context.Background(), token); apperr.CodeOf(err) != apperr.EUNAUTHORIZED {
		t.Fatalf("a development token was accepted with a secret configured: %v", err)
	}
}

// Without the development issuer (as in production) and with no token
// source, there is no verifier.
func TestFromConfigProductionNeedsSource(t *testing.T) {
	t.Parallel()
	c := devConfig(t)
	c.DevIssuer = false
	if _, err := jwtauth.FromConfig(context.Background(), c, slog.New(slog.NewTextHandler(io.Discard, nil))); err == nil {
		t.Fatal("production without a token source built a verifier")
	}
}

// AUTH_CLOCK_SKEW reaches the verifier, and 0 means none rather than the
// verifier's default.
func TestFromConfigClockSkew(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		skew   time.Duration
		accept bool
	}{{0, false}, {30 * time.Second, true}} {
		c := devConfig(t)
		c.ClockSkew = tc.skew
		v, err := jwtauth.FromConfig(context.Background(), c, slog.New(slog.NewTextHandler(io.Discard, nil)))
		if err != nil {
			t.Fatal(err)
		}
		defer v.Close()
		key, _, _ := devtoken.LoadOrCreate(c.DevKeyFile)
		// Expired five seconds ago.
		token, _ := key.Mint(devtoken.Claims{UserID: "alice", TTL: 55 * time.Second}, time.Now().Add(-time.Minute))
		if _, err := v.Verify(context.Background(), token); (err == nil) != tc.accept {
			t.Errorf("skew %v: Verify = %v, want accepted %v", tc.skew, err, tc.accept)
		}
	}
}
