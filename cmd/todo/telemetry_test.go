package main

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/spf13/pflag"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"
	"go.uber.org/fx"

	"github.com/todoapi/todo/adapters/sqlstore/sqlstoretest"
	"github.com/todoapi/todo/adapters/telemetry"
	"github.com/todoapi/todo/config"
	"github.com/todoapi/todo/internal/testkit"
)

// telemetryApp is the service started in this process, wired as serve wires it,
// with its spans going to an in-memory exporter.
type telemetryApp struct {
	API, Admin string // URLs; Admin "" when the admin listener is off
	Spans      *tracetest.InMemoryExporter
	Telemetry  *telemetry.Telemetry
	AdminSrv   *telemetry.Admin
	Logs       *testkit.Buffer
}

// MustStartApp starts the service with the given flags (on free ports
// unless they say otherwise) and stops it when the test ends.
func MustStartApp(t *testing.T, flags ...string) *telemetryApp {
	t.Helper()
	a := &telemetryApp{Spans: tracetest.NewInMemoryExporter(), Logs: &testkit.Buffer{}}
	httpAddr := testkit.FreeAddr(t)
	// The development key, should the flags name no token source, stays
	// out of the source tree.
	args := append([]string{"--http-addr", httpAddr, "--auth-dev-key-file", t.TempDir() + "/dev-key.json"}, flags...)
	if !strings.Contains(strings.Join(flags, " "), "--admin-addr") {
		admin := testkit.FreeAddr(t)
		args = append(args, "--admin-addr", admin)
		a.Admin = "http://" + admin
	}
	fs := pflag.NewFlagSet("test", pflag.ContinueOnError)
	config.BindFlags(fs, config.Settings)
	if err := fs.Parse(args); err != nil {
		t.Fatal(err)
	}
	v, err := config.New(fs)
	if err != nil {
		t.Fatal(err)
	}
	c, err := config.Load(v)
	if err != nil {
		t.Fatal(err)
	}
	logger := slog.New(slog.NewJSONHandler(a.Logs, nil))
	fxApp := fx.New(append(options(c, logger),
		fx.Decorate(func(sdktrace.SpanExporter) sdktrace.SpanExporter { return a.Spans }),
		fx.Populate(&a.Telemetry, &a.AdminSrv),
	)...)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := fxApp.Start(ctx); err != nil {
		t.Fatalf("start: %v\n%s", err, a.Logs)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		_ = fxApp.Stop(ctx)
	})
	a.API = "http://" + httpAddr
	return a
}

// MustSpan waits for a span that matches, flushing the exporter meanwhile.
func (a *telemetryApp) MustSpan(t *testing.T, what string, match func(tracetest.SpanStub) bool) tracetest.SpanStub {
	t.Helper()
	var found tracetest.SpanStub
	testkit.Eventually(t, 10*time.Second, what, func() bool {
		_ = a.Telemetry.Flush(context.Background())
		for _, s := range a.Spans.GetSpans() {
			if match(s) {
				found = s
				return true
			}
		}
		return false
	})
	return found
}

// LogLine returns the first JSON log line that has every key and value of
// want.
func (a *telemetryApp) LogLine(t *testing.T, want map[string]any) map[string]any {
	t.Helper()
	sc := bufio.NewScanner(strings.NewReader(a.Logs.String()))
	for sc.Scan() {
		var line map[string]any
		if json.Unmarshal(sc.Bytes(), &line) != nil {
			continue
		}
		matches := true
		for k, v := range want {
			matches = matches && line[k] == v
		}
		if matches {
			return line
		}
	}
	t.Fatalf("no log line with %v in\n%s", want, a.Logs)
	return nil
}

// Scrape returns what the admin listener's /metrics shows.
func (a *telemetryApp) Scrape(t *testing.T) string {
	t.Helper()
	status, _, body := Do(t, "GET", a.Admin+"/metrics", "", "")
	if status != http.StatusOK {
		t.Fatalf("GET /metrics on the admin listener: %d", status)
	}
	return string(body)
}

// metricValue returns the value of the series named exactly in a scrape.
func metricValue(t *testing.T, scrape, series string) float64 {
	t.Helper()
	for _, line := range strings.Split(scrape, "\n") {
		if rest, ok := strings.CutPrefix(line, series+" "); ok {
			v, err := strconv.ParseFloat(rest, 64)
			if err != nil {
				t.Fatalf("%s: %v", line, err)
			}
			return v
		}
	}
	t.Errorf("no series %s in the scrape", series)
	return -1
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// One request, seen whole: its server span continues the caller's trace,
// the database statements are its children, the access log line carries
// its trace id, and /metrics counts it by route on the admin listener
// only. The JWKS fetch at start is a client span and a counted fetch.
func TestTelemetry(t *testing.T) {
	t.Parallel()
	for _, store := range []struct{ name, pool, dbSystem string }{
		{"SQLite", "sqlite_read", "sqlite"},
		{"PostgreSQL", "postgres", "postgresql"},
	} {
		t.Run(store.name, func(t *testing.T) {
			t.Parallel()
			dbURL := "sqlite:" + t.TempDir() + "/todo.db"
			if store.name == "PostgreSQL" {
				dbURL = sqlstoretest.MustCreatePostgresDB(t)
			}
			ba := newFakeBetterAuth(t)
			a := MustStartApp(t, "--database-url", dbURL, "--better-auth-url", ba.URL, "--rate-limit-per-user", "4")
			user := "u" + randomHex(8)
			token := ba.token(t, user, ba.URL)
			traceID, parentID := randomHex(16), randomHex(8)

			req, _ := http.NewRequest("POST", a.API+"/api/"+user+"/tasks", strings.NewReader(`{"title":"traced"}`))
			req.Header.Set("Authorization", "Bearer "+token)
			req.Header.Set("traceparent", "00-"+traceID+"-"+parentID+"-01")
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusCreated {
				t.Fatalf("create: %d", resp.StatusCode)
			}

			server := a.MustSpan(t, "the request's server span", func(s tracetest.SpanStub) bool {
				return s.SpanKind == trace.SpanKindServer && s.SpanContext.TraceID().String() == traceID
			})
			if server.Name != "POST /api/:user_id/tasks" || server.Parent.SpanID().String() != parentID || !server.Parent.IsRemote() {
				t.Errorf("server span %q under %s (remote %v); want POST /api/:user_id/tasks under the caller's %s",
					server.Name, server.Parent.SpanID(), server.Parent.IsRemote(), parentID)
			}
			db := a.MustSpan(t, "a database span under the server span", func(s tracetest.SpanStub) bool {
				return s.SpanKind == trace.SpanKindClient && s.Parent.SpanID() == server.SpanContext.SpanID() &&
					attr(s, "db.system.name") == store.dbSystem
			})
			if db.SpanContext.TraceID().String() != traceID {
				t.Errorf("database span %q in trace %s, want %s", db.Name, db.SpanContext.TraceID(), traceID)
			}
			a.MustSpan(t, "the JWKS fetch's client span", func(s tracetest.SpanStub) bool {
				return s.SpanKind == trace.SpanKindClient && attr(s, "url.full") == ba.URL+"/api/auth/jwks"
			})
			line := a.LogLine(t, map[string]any{"msg": "http request", "method": "POST", "route": "/api/:user_id/tasks"})
			if line["trace_id"] != traceID {
				t.Errorf("access log trace_id = %v, want the span's %s", line["trace_id"], traceID)
			}

			// Over the limit of 4 a minute: the fifth request is refused.
			for range 4 {
				Do(t, "GET", a.API+"/api/"+user+"/tasks", token, "")
			}
			s := a.Scrape(t)
			if got := metricValue(t, s, `todo_http_requests_total{method="POST",route="/api/:user_id/tasks",status="201"}`); got != 1 {
				t.Errorf("created requests counted: %v, want 1", got)
			}
			if got := metricValue(t, s, `todo_http_requests_total{method="GET",route="/api/:user_id/tasks",status="429"}`); got != 1 {
				t.Errorf("refused requests counted: %v, want 1", got)
			}
			if got := metricValue(t, s, `todo_http_request_duration_seconds_count{method="GET",route="/api/:user_id/tasks"}`); got != 4 {
				t.Errorf("timed lists: %v, want 4", got)
			}
			if got := metricValue(t, s, `todo_rate_limited_total{scope="user"}`); got != 1 {
				t.Errorf("todo_rate_limited_total{scope=user} = %v, want 1", got)
			}
			if got := metricValue(t, s, `todo_jwks_fetches_total{result="ok"}`); got < 1 {
				t.Errorf("todo_jwks_fetches_total{result=ok} = %v, want the fetch at start", got)
			}
			if got := metricValue(t, s, `go_sql_open_connections{db_name="`+store.pool+`"}`); got < 1 {
				t.Errorf("open connections of %s: %v, want at least 1", store.pool, got)
			}
			version, commit := buildInfo()
			metricValue(t, s, `todo_build_info{commit="`+commit+`",version="`+version+`"}`)
			if strings.Contains(s, user) {
				t.Error("the user's id is a label value")
			}
			for _, path := range []string{"/metrics", "/debug/pprof/"} {
				if status, _, _ := Do(t, "GET", a.API+path, "", ""); status != http.StatusNotFound {
					t.Errorf("the public listener answers GET %s with %d, want 404", path, status)
				}
			}
		})
	}
}

// attr returns the string value of a span's attribute, or "".
func attr(s tracetest.SpanStub, key string) string {
	for _, kv := range s.Attributes {
		if string(kv.Key) == key {
			return kv.Value.String()
		}
	}
	return ""
}

// ADMIN_ADDR empty: no admin listener, and no metrics kept.
func TestAdminListenerOff(t *testing.T) {
	t.Parallel()
	a := MustStartApp(t, "--database-url", "sqlite:"+t.TempDir()+"/todo.db", "--admin-addr=")
	if a.AdminSrv != nil || a.Telemetry.Metrics() != nil {
		t.Fatalf("admin listener %v, metrics %v; want neither", a.AdminSrv, a.Telemetry.Metrics())
	}
	a.LogLine(t, map[string]any{"msg": "admin listener off: ADMIN_ADDR is empty, so no metrics are kept"})
	if status, _, _ := Do(t, "GET", a.API+"/healthz", "", ""); status != http.StatusOK {
		t.Fatalf("healthz: %d", status)
	}
}

// Redis stopped mid-test: requests pass, a warning says so, and
// todo_rate_limit_store_failures_total counts them.
func TestRateLimitStoreFailureMetric(t *testing.T) {
	t.Parallel()
	redisURL := os.Getenv("TEST_REDIS_URL")
	if redisURL == "" {
		redisURL = "redis://127.0.0.1:6379/0"
	}
	u, err := url.Parse(redisURL)
	if err != nil {
		t.Fatal(err)
	}
	if c, err := net.DialTimeout("tcp", u.Host, time.Second); err != nil {
		testkit.Missing(t, "Redis", "no Redis at "+config.RedactURL(redisURL)+" (set TEST_REDIS_URL, or run redis-server as .ci/run does)")
	} else {
		c.Close()
	}
	proxy := newTCPProxy(t, u.Host)
	u.Host = proxy.ln.Addr().String()
	ba := newFakeBetterAuth(t)
	a := MustStartApp(t, "--database-url", "sqlite:"+t.TempDir()+"/todo.db", "--better-auth-url", ba.URL, "--rate-limit-redis-url", u.String())
	user := "u" + randomHex(8)
	tok := ba.token(t, user, ba.URL)
	list := func() (int, http.Header) {
		status, h, _ := Do(t, "GET", a.API+"/api/"+user+"/tasks", tok, "")
		return status, h
	}
	if status, h := list(); status != http.StatusOK || !strings.Contains(h.Get("RateLimit"), `"user";r=`) {
		t.Fatalf("through Redis: %d, RateLimit %q", status, h.Get("RateLimit"))
	}
	if got := metricValue(t, a.Scrape(t), "todo_rate_limit_store_failures_total"); got != 0 {
		t.Fatalf("store failures while Redis answers: %v", got)
	}

	proxy.SetUp(false)
	for range 3 {
		if status, _ := list(); status != http.StatusOK {
			t.Fatalf("with Redis down: %d, want the request to pass", status)
		}
	}
	if got := metricValue(t, a.Scrape(t), "todo_rate_limit_store_failures_total"); got != 6 {
		t.Errorf("todo_rate_limit_store_failures_total = %v, want 6 (the address's and the user's check of each request)", got)
	}
	a.LogLine(t, map[string]any{"level": "WARN", "msg": "rate limit store failed: requests pass without a limit until it answers"})
}
