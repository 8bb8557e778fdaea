package ratelimit

import (
	"bytes"
	"context"
	"crypto/rand"
	"io"
	"log/slog"
	"net"
	"net/url"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/todoapi/todo/config"
	"github.com/todoapi/todo/internal/testkit"
)

// redisURL is the Redis the tests use: TEST_REDIS_URL, by default the one
// .ci/run starts.
func redisURL() string {
	if u := os.Getenv("TEST_REDIS_URL"); u != "" {
		return u
	}
	return "redis://127.0.0.1:6379/0"
}

// MustRedisStore returns a store on the test Redis under a prefix of its
// own. Without a Redis it skips, except under CI=true, where it fails
// (testkit.Missing).
func MustRedisStore(t *testing.T, url, prefix string) *RedisStore {
	t.Helper()
	s, err := NewRedisStore(url, prefix)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	if err := s.Ping(context.Background()); err != nil {
		testkit.Missing(t, "Redis", "no Redis at "+config.RedactURL(url)+" (set TEST_REDIS_URL, or run redis-server as .ci/run does): "+err.Error())
	}
	return s
}

func testPrefix() string { return "todo-test:" + rand.Text() + ":" }

func TestRedisStore(t *testing.T) {
	t.Parallel()
	testStore(t, func(t *testing.T) Store { return MustRedisStore(t, redisURL(), testPrefix()) })
}

// Two replicas on one Redis share one budget per user.
func TestRedisStore_SharedAcrossLimiters(t *testing.T) {
	t.Parallel()
	prefix := testPrefix()
	a := New(MustRedisStore(t, redisURL(), prefix), Config{PerUser: 4}, nil)
	b := New(MustRedisStore(t, redisURL(), prefix), Config{PerUser: 4}, nil)
	ctx := context.Background()
	for i, l := range []*Limiter{a, b, a, b} {
		if d := l.User(ctx, "alice"); !d.Allowed || d.Remaining != 3-i {
			t.Fatalf("request %d: %+v, want allowed with %d left", i+1, d, 3-i)
		}
	}
	for _, l := range []*Limiter{a, b} {
		if d := l.User(ctx, "alice"); d.Allowed {
			t.Fatalf("a fifth request within the minute was allowed: %+v", d)
		}
	}
	if d := b.User(ctx, "bob"); !d.Allowed {
		t.Fatalf("another user was limited: %+v", d)
	}
	// Another prefix is another deployment.
	c := New(MustRedisStore(t, redisURL(), testPrefix()), Config{PerUser: 4}, nil)
	if d := c.User(ctx, "alice"); !d.Allowed || d.Remaining != 3 {
		t.Fatalf("another prefix shares the budget: %+v", d)
	}
}

// Redis going away mid-run: requests pass, one warning says so, and the
// hook counts every request that passed uncounted.
func TestRedisStore_Outage(t *testing.T) {
	t.Parallel()
	MustRedisStore(t, redisURL(), testPrefix()) // skips or fails without a Redis
	u, err := url.Parse(redisURL())
	if err != nil {
		t.Fatal(err)
	}
	proxy := mustProxy(t, u.Host)
	u.Host = proxy.addr()
	var logs bytes.Buffer
	var mu sync.Mutex
	logger := slog.New(slog.NewTextHandler(&lockedWriter{w: &logs, mu: &mu}, nil))
	var failed atomic.Int64
	l := New(MustRedisStore(t, u.String(), testPrefix()), Config{PerUser: 2, OnStoreError: func(error) { failed.Add(1) }}, logger)
	ctx := context.Background()
	for want := 1; want >= 0; want-- {
		if d := l.User(ctx, "alice"); !d.Allowed || d.Remaining != want {
			t.Fatalf("through the proxy: %+v, want %d left", d, want)
		}
	}
	if d := l.User(ctx, "alice"); d.Allowed {
		t.Fatalf("over the limit through the proxy: %+v", d)
	}

	proxy.Close()
	for range 20 {
		if d := l.User(ctx, "alice"); !d.Allowed || d.Policy == nil || d.Remaining != 2 {
			t.Fatalf("with Redis gone: %+v, want allowed with the whole quota", d)
		}
	}
	if got := failed.Load(); got != 20 {
		t.Errorf("OnStoreError called %d times, want 20", got)
	}
	mu.Lock()
	out := logs.String()
	mu.Unlock()
	if n := strings.Count(out, "rate limit store failed"); n != 1 || !strings.Contains(out, "level=WARN") {
		t.Fatalf("want one warning, got %d:\n%s", n, out)
	}
}

type lockedWriter struct {
	w  io.Writer
	mu *sync.Mutex
}

func (w *lockedWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.w.Write(p)
}

// tcpProxy forwards a loopback port to target until Close, which also cuts
// the connections it carries.
type tcpProxy struct {
	ln     net.Listener
	mu     sync.Mutex
	closed bool
	conns  []net.Conn
}

func mustProxy(t *testing.T, target string) *tcpProxy {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &tcpProxy{ln: ln}
	t.Cleanup(p.Close)
	go func() {
		for {
			in, err := ln.Accept()
			if err != nil {
				return
			}
			out, err := net.Dial("tcp", target)
			if err != nil {
				in.Close()
				continue
			}
			if !p.track(in, out) {
				return
			}
			go pipe(in, out)
			go pipe(out, in)
		}
	}()
	return p
}

func (p *tcpProxy) addr() string { return p.ln.Addr().String() }

// track keeps conns for Close, or closes them if Close came first.
func (p *tcpProxy) track(conns ...net.Conn) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		for _, c := range conns {
			c.Close()
		}
		return false
	}
	p.conns = append(p.conns, conns...)
	return true
}

func (p *tcpProxy) Close() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.closed = true
	p.ln.Close()
	for _, c := range p.conns {
		c.Close()
	}
}

func pipe(dst, src net.Conn) {
	_, _ = io.Copy(dst, src)
	dst.Close()
	src.Close()
}
