package ratelimit_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"log/slog"
	"os"
	"strings"
	"testing"

	"github.com/todoapi/todo/adapters/ratelimit"
	"github.com/todoapi/todo/config"
	"github.com/todoapi/todo/internal/testkit"
)

func TestFromConfig(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	t.Run("OKMemory", func(t *testing.T) {
		t.Parallel()
		l, err := ratelimit.FromConfig(ctx, config.RateLimit{PerUser: 1}, slog.New(slog.DiscardHandler))
		if err != nil {
			t.Fatal(err)
		}
		defer l.Close()
		if d := l.User(ctx, "u"); !d.Allowed || d.Policy == nil || d.Policy.Quota != 1 {
			t.Fatalf("first: %+v", d)
		}
		if d := l.User(ctx, "u"); d.Allowed {
			t.Fatalf("second of one: %+v", d)
		}
	})
	t.Run("OKRedisDown", func(t *testing.T) {
		t.Parallel()
		// Nothing listens on port 1: start-up goes on, with a warning, and
		// requests pass.
		var logs bytes.Buffer
		c := config.RateLimit{PerUser: 1, RedisURL: "redis://:hunter2@127.0.0.1:1/0"}
		l, err := ratelimit.FromConfig(ctx, c, slog.New(slog.NewTextHandler(&logs, nil)))
		if err != nil {
			t.Fatal(err)
		}
		defer l.Close()
		for range 3 {
			if d := l.User(ctx, "u"); !d.Allowed {
				t.Fatalf("with Redis down: %+v", d)
			}
		}
		if !strings.Contains(logs.String(), "rate limit Redis does not answer") || strings.Contains(logs.String(), "hunter2") {
			t.Fatalf("log: %s", logs.String())
		}
	})
	t.Run("OKRedis", func(t *testing.T) {
		t.Parallel()
		url := os.Getenv("TEST_REDIS_URL")
		if url == "" {
			url = "redis://127.0.0.1:6379/0"
		}
		var logs bytes.Buffer
		l, err := ratelimit.FromConfig(ctx, config.RateLimit{PerUser: 5, RedisURL: url}, slog.New(slog.NewTextHandler(&logs, nil)))
		if err != nil {
			t.Fatal(err)
		}
		defer l.Close()
		if strings.Contains(logs.String(), "does not answer") {
			testkit.Missing(t, "Redis", "no Redis at "+config.RedactURL(url)+" (set TEST_REDIS_URL, or run redis-server as .ci/run does)")
		}
		if d := l.User(ctx, "test-"+rand.Text()); !d.Allowed || d.Remaining > 4 {
			t.Fatalf("through Redis: %+v", d)
		}
	})
	t.Run("ErrRedisURL", func(t *testing.T) {
		t.Parallel()
		if _, err := ratelimit.FromConfig(ctx, config.RateLimit{PerUser: 1, RedisURL: "redis://[::1"}, slog.New(slog.DiscardHandler)); err == nil {
			t.Fatal("a malformed Redis URL was accepted")
		}
	})
}
