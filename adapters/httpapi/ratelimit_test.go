package httpapi_test

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"go.uber.org/fx"

	"github.com/todoapi/todo/adapters/httpapi"
	"github.com/todoapi/todo/adapters/memory"
	"github.com/todoapi/todo/adapters/ratelimit"
	"github.com/todoapi/todo/adapters/system"
	"github.com/todoapi/todo/config"
	"github.com/todoapi/todo/core/app"
	"github.com/todoapi/todo/core/identity"
	"github.com/todoapi/todo/internal/testkit"
	"github.com/todoapi/todo/ports"
)

// countingTokens is the test verifier, counting the tokens it looks at.
type countingTokens struct {
	tokens
	n atomic.Int64
}

func (v *countingTokens) Verify(ctx context.Context, token string) (identity.Principal, error) {
	v.n.Add(1)
	return v.tokens.Verify(ctx, token)
}

// frozen is a clock that stands still, so buckets refill not at all during
// a test and their numbers are exact.
type frozen struct{}

func (frozen) Now() time.Time { return start }

// MustLimitedServer is MustServer with rate limits on an in-memory store.
func MustLimitedServer(t *testing.T, cfg ratelimit.Config) (*Server, *countingTokens) {
	t.Helper()
	repo := &faultyRepo{TaskRepository: memory.NewTaskRepository()}
	svc := app.NewTaskService(repo, &stepClock{next: start}, system.IDs{})
	v := &countingTokens{}
	limiter := ratelimit.New(ratelimit.NewMemoryStore(0, frozen{}), cfg, slog.New(slog.DiscardHandler))
	h := httpapi.New(httpapi.Config{AllowedOrigins: []string{allowedOrigin}, RateLimiter: limiter}, svc, v, repo, slog.New(slog.DiscardHandler))
	return &Server{h: h, repo: repo, logs: &testkit.Buffer{}}, v
}

// from sends a GET of path from the address remote, with token if any, and
// checks the answer against the OpenAPI document as MustDo does.
func from(t *testing.T, s *Server, remote, path, token string, header ...string) Resp {
	t.Helper()
	req := httptest.NewRequest("GET", path, nil)
	req.RemoteAddr = remote
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	headers := map[string]string{}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
		headers[header[i]] = header[i+1]
	}
	resp := serve(s, req)
	checkOpenAPI(t, Req{Method: "GET", Path: path, Token: token, Header: headers}, resp)
	return resp
}

// MustRateLimit checks the RateLimit-Policy and RateLimit headers.
func MustRateLimit(t *testing.T, r Resp, policy, limit string) {
	t.Helper()
	if got := r.Header.Values("RateLimit-Policy"); len(got) != 1 || got[0] != policy {
		t.Fatalf("RateLimit-Policy = %q, want %q", got, policy)
	}
	if got := r.Header.Values("RateLimit"); len(got) != 1 || got[0] != limit {
		t.Fatalf("RateLimit = %q, want %q", got, limit)
	}
}

// MustTooMany checks a 429: a problem like the others, Retry-After, and the
// headers of the policy that refused.
func MustTooMany(t *testing.T, r Resp, policy, limit, retryAfter string) {
	t.Helper()
	MustProblem(t, r, http.StatusTooManyRequests)
	if got := r.Header.Get("Retry-After"); got != retryAfter {
		t.Fatalf("Retry-After = %q, want %q", got, retryAfter)
	}
	MustRateLimit(t, r, policy, limit)
	if r.Header.Get("Cache-Control") != "no-store" || r.Header.Get("X-Content-Type-Options") != "nosniff" {
		t.Fatalf("429 without the API's headers: %v", r.Header)
	}
}

func TestRateLimitUser(t *testing.T) {
	t.Parallel()
	s, _ := MustLimitedServer(t, ratelimit.Config{PerUser: 3, PerAddress: 2})
	user := NewUser()
	const policy = `"user";q=3;w=60`
	for i := range 3 {
		r := from(t, s, "192.0.2.1:1000", shortPaths.Collection(user), Token(user))
		MustTasks(t, r)
		// The bucket gains one request every 20 s: full again 20 s per request taken.
		MustRateLimit(t, r, policy, `"user";r=`+strconv.Itoa(2-i)+";t="+strconv.Itoa(20*(i+1)))
	}
	r := from(t, s, "192.0.2.1:1000", shortPaths.Collection(user), Token(user))
	MustTooMany(t, r, policy, `"user";r=0;t=60`, "20")
	// From another address too: the limit is the user's.
	MustTooMany(t, from(t, s, "198.51.100.7:1000", shortPaths.Collection(user), Token(user)), policy, `"user";r=0;t=60`, "20")
	// Another user has a bucket of their own.
	other := NewUser()
	MustRateLimit(t, from(t, s, "192.0.2.1:1000", shortPaths.Collection(other), Token(other)), policy, `"user";r=2;t=20`)
	// A user's requests never cost their address anything.
	MustRateLimit(t, from(t, s, "192.0.2.1:1000", shortPaths.Collection(other), "nope"), `"address";q=2;w=60`, `"address";r=1;t=0`)
}

// A flood of bad tokens from one address is stopped before its tokens are
// looked at; good tokens from elsewhere are not.
func TestRateLimitAddress(t *testing.T) {
	t.Parallel()
	s, v := MustLimitedServer(t, ratelimit.Config{PerUser: 100, PerAddress: 2})
	user := NewUser()
	const policy = `"address";q=2;w=60`
	r := from(t, s, "192.0.2.1:1000", shortPaths.Collection(user), "")
	MustProblem(t, r, http.StatusUnauthorized)
	MustRateLimit(t, r, policy, `"address";r=1;t=0`)
	r = from(t, s, "192.0.2.1:1000", shortPaths.Collection(user), "nope")
	MustProblem(t, r, http.StatusUnauthorized)
	MustRateLimit(t, r, policy, `"address";r=0;t=30`)
	looked := v.n.Load()
	for range 5 {
		MustTooMany(t, from(t, s, "192.0.2.1:1000", shortPaths.Collection(user), "nope"), policy, `"address";r=0;t=60`, "30")
	}
	// The address is refused before its token is read, even a good one.
	MustTooMany(t, from(t, s, "192.0.2.1:1001", shortPaths.Collection(user), Token(user)), policy, `"address";r=0;t=60`, "30")
	if got := v.n.Load(); got != looked {
		t.Fatalf("%d tokens verified after the address was over its limit, want none", got-looked)
	}
	// Another address is not.
	r = from(t, s, "198.51.100.7:1000", shortPaths.Collection(user), Token(user))
	MustTasks(t, r)
	MustRateLimit(t, r, `"user";q=100;w=60`, `"user";r=99;t=1`)
}

// A verifier that is down (503) is not the client's fault: not charged.
func TestRateLimitAddressUnavailableVerifier(t *testing.T) {
	t.Parallel()
	s, _ := MustLimitedServer(t, ratelimit.Config{PerAddress: 1})
	for range 3 {
		r := from(t, s, "192.0.2.1:1000", shortPaths.Collection(NewUser()), "unavailable")
		MustProblem(t, r, http.StatusServiceUnavailable)
	}
	MustProblem(t, from(t, s, "192.0.2.1:1000", shortPaths.Collection(NewUser()), "nope"), http.StatusUnauthorized)
}

// Behind a trusted proxy each client has its own bucket; a client that is
// not a trusted proxy can't pick another address.
func TestRateLimitTrustedProxies(t *testing.T) {
	t.Parallel()
	s, _ := MustLimitedServer(t, ratelimit.Config{PerAddress: 1, TrustedProxies: ratelimit.Proxies{netip.MustParsePrefix("10.0.0.0/8")}})
	path := shortPaths.Collection(NewUser())
	MustProblem(t, from(t, s, "10.0.0.5:1000", path, "nope", "X-Forwarded-For", "203.0.113.1"), http.StatusUnauthorized)
	MustProblem(t, from(t, s, "10.0.0.5:1000", path, "nope", "X-Forwarded-For", "203.0.113.1"), http.StatusTooManyRequests)
	MustProblem(t, from(t, s, "10.0.0.6:1000", path, "nope", "X-Forwarded-For", "203.0.113.2"), http.StatusUnauthorized)
	MustProblem(t, from(t, s, "10.0.0.6:1000", path, "nope", "Forwarded", "for=203.0.113.3"), http.StatusUnauthorized)

	MustProblem(t, from(t, s, "192.0.2.9:1000", path, "nope", "X-Forwarded-For", "203.0.113.4"), http.StatusUnauthorized)
	MustProblem(t, from(t, s, "192.0.2.9:1000", path, "nope", "X-Forwarded-For", "203.0.113.5"), http.StatusTooManyRequests)
}

// With both limits off, nothing is counted or said.
func TestRateLimitOff(t *testing.T) {
	t.Parallel()
	s, _ := MustLimitedServer(t, ratelimit.Config{})
	user := NewUser()
	for range 5 {
		for _, token := range []string{Token(user), "nope"} {
			r := from(t, s, "192.0.2.1:1000", shortPaths.Collection(user), token)
			if r.Header.Get("RateLimit") != "" || r.Header.Get("RateLimit-Policy") != "" || r.Status == http.StatusTooManyRequests {
				t.Fatalf("limits off: %d, %v", r.Status, r.Header)
			}
		}
	}
}

// Only the address limit: a user's answer carries no headers of an
// address that was not charged.
func TestRateLimitAddressOnly(t *testing.T) {
	t.Parallel()
	s, _ := MustLimitedServer(t, ratelimit.Config{PerAddress: 5})
	user := NewUser()
	r := from(t, s, "192.0.2.1:1000", shortPaths.Collection(user), Token(user))
	MustTasks(t, r)
	if r.Header.Get("RateLimit") != "" || r.Header.Get("RateLimit-Policy") != "" {
		t.Fatalf("a user's answer describes the address limit: %v", r.Header)
	}
}

// Wired by fx, as the service runs: ratelimit.Module's limiter reaches the
// routes.
func TestRateLimitModule(t *testing.T) {
	t.Parallel()
	logs := &testkit.Buffer{}
	repo := &faultyRepo{TaskRepository: memory.NewTaskRepository()}
	fxApp := fx.New(fx.NopLogger,
		fx.Supply(config.HTTP{Addr: "127.0.0.1:0", ShutdownTimeout: time.Second},
			config.RateLimit{PerUser: 2, PerAddress: 7}, slog.New(slog.NewJSONHandler(logs, nil))),
		fx.Provide(
			func() *app.TaskService { return app.NewTaskService(repo, system.Clock{}, system.IDs{}) },
			func() ports.TokenVerifier { return tokens{} },
			func() ports.Pinger { return repo },
		),
		ratelimit.Module,
		httpapi.Module,
	)
	if err := fxApp.Start(t.Context()); err != nil {
		t.Fatal(err)
	}
	defer fxApp.Stop(context.Background())
	var line struct{ Addr string }
	for _, l := range strings.Split(logs.String(), "\n") {
		if strings.Contains(l, `"msg":"listening"`) {
			_ = json.Unmarshal([]byte(l), &line)
		}
	}
	s, user := &Server{url: "http://" + line.Addr, repo: repo, logs: logs}, NewUser()
	r := s.MustDo(t, Req{Method: "GET", Path: shortPaths.Collection(user), Token: Token(user)})
	MustRateLimit(t, r, `"user";q=2;w=60`, `"user";r=1;t=30`)
	r = s.MustDo(t, Req{Method: "GET", Path: shortPaths.Collection(user)})
	MustProblem(t, r, http.StatusUnauthorized)
	if got := r.Header.Get("RateLimit-Policy"); got != `"address";q=7;w=60` {
		t.Fatalf("RateLimit-Policy = %q", got)
	}
}
