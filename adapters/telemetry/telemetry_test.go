package telemetry_test

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gin-gonic/gin"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"
	_ "modernc.org/sqlite" // a database/sql pool to read the stats of

	"github.com/todoapi/todo/adapters/telemetry"
)

// MustTelemetry returns telemetry with metrics on and, when exp is set,
// spans recorded into it; it is shut down when the test ends.
func MustTelemetry(t *testing.T, exp *tracetest.InMemoryExporter) *telemetry.Telemetry {
	t.Helper()
	cfg := telemetry.Config{Metrics: true, Version: "v1.2.3", Commit: "abc123"}
	if exp != nil {
		cfg.Exporter = exp
	}
	tel, err := telemetry.New(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = tel.Shutdown(context.Background()) })
	return tel
}

// Scrape returns what /metrics shows of m.
func Scrape(t *testing.T, m *telemetry.Metrics) string {
	t.Helper()
	return mustGet(t, MustStartAdmin(t, m)+"/metrics", http.StatusOK)
}

// MustStartAdmin starts an admin listener for m on a free port and returns
// its URL.
func MustStartAdmin(t *testing.T, m *telemetry.Metrics) string {
	t.Helper()
	a := telemetry.NewAdmin("127.0.0.1:0", m, slog.New(slog.DiscardHandler))
	if err := a.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = a.Stop(context.Background()) })
	return "http://" + a.Addr().String()
}

func mustGet(t *testing.T, url string, want int) string {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != want {
		t.Fatalf("GET %s: %d, want %d\n%s", url, resp.StatusCode, want, b)
	}
	return string(b)
}

// Value returns the value of the series named exactly (name{labels}) in a
// scrape, and whether it is there.
func Value(scrape, series string) (float64, bool) {
	for _, line := range strings.Split(scrape, "\n") {
		if rest, ok := strings.CutPrefix(line, series+" "); ok {
			v, err := strconv.ParseFloat(rest, 64)
			return v, err == nil
		}
	}
	return 0, false
}

func wantValue(t *testing.T, scrape, series string, want float64) {
	t.Helper()
	if got, ok := Value(scrape, series); !ok || got != want {
		t.Errorf("%s = %v (present %v), want %v", series, got, ok, want)
	}
}

// router is a gin engine with tel's middleware and a few routes.
func router(tel *telemetry.Telemetry) *gin.Engine {
	gin.SetMode(gin.ReleaseMode)
	e := gin.New()
	e.HandleMethodNotAllowed = true
	e.Use(tel.HTTPMiddleware()...)
	ok := func(c *gin.Context) { c.String(http.StatusOK, "ok") }
	e.GET("/api/:user_id/tasks/:task_id", ok)
	e.POST("/api/:user_id/tasks", func(c *gin.Context) { c.Status(http.StatusCreated) })
	e.GET("/span", func(c *gin.Context) {
		sc := trace.SpanContextFromContext(c.Request.Context())
		c.JSON(http.StatusOK, map[string]any{"trace_id": sc.TraceID().String(), "valid": sc.IsValid(),
			"sampled": sc.IsSampled(), "recording": trace.SpanFromContext(c.Request.Context()).IsRecording()})
	})
	return e
}

func serve(e http.Handler, method, target string, header ...string) *httptest.ResponseRecorder {
	r := httptest.NewRequest(method, target, nil)
	for i := 0; i+1 < len(header); i += 2 {
		r.Header.Set(header[i], header[i+1])
	}
	w := httptest.NewRecorder()
	e.ServeHTTP(w, r)
	return w
}

// Requests are counted by route pattern, never by path, so no user id or
// task id becomes a label; a path that matches no route, and a method no
// one knows, each fold into one value.
func TestHTTPMetrics(t *testing.T) {
	t.Parallel()
	tel := MustTelemetry(t, nil)
	e := router(tel)
	for _, user := range []string{"alice", "bob", "carol"} {
		serve(e, "GET", "/api/"+user+"/tasks/0193b5c2-6a4e-7c1e-9f7a-2b1f0c9d8e7a")
	}
	serve(e, "POST", "/api/alice/tasks")
	serve(e, "GET", "/no/such/path/alice")
	serve(e, "BREW", "/no/such/pot")
	serve(e, "DELETE", "/api/alice/tasks") // 405: the path exists for other methods

	s := Scrape(t, tel.Metrics())
	wantValue(t, s, `todo_http_requests_total{method="GET",route="/api/:user_id/tasks/:task_id",status="200"}`, 3)
	wantValue(t, s, `todo_http_requests_total{method="POST",route="/api/:user_id/tasks",status="201"}`, 1)
	wantValue(t, s, `todo_http_requests_total{method="GET",route="unmatched",status="404"}`, 1)
	wantValue(t, s, `todo_http_requests_total{method="OTHER",route="unmatched",status="404"}`, 1)
	wantValue(t, s, `todo_http_requests_total{method="DELETE",route="unmatched",status="405"}`, 1)
	wantValue(t, s, `todo_http_request_duration_seconds_count{method="GET",route="/api/:user_id/tasks/:task_id"}`, 3)
	wantValue(t, s, `todo_http_request_duration_seconds_bucket{method="GET",route="/api/:user_id/tasks/:task_id",le="+Inf"}`, 3)
	for _, leak := range []string{"alice", "bob", "0193b5c2", "BREW", "/no/such"} {
		if strings.Contains(s, leak) {
			t.Errorf("the metrics show %q: a label took a raw value\n%s", leak, s)
		}
	}
}

// A span for every request, recorded when there is an exporter: the
// caller's traceparent becomes its parent.
func TestHTTPSpans(t *testing.T) {
	t.Parallel()
	exp := tracetest.NewInMemoryExporter()
	tel := MustTelemetry(t, exp)
	const traceID, parentID = "4bf92f3577b34da6a3ce929d0e0e4736", "00f067aa0ba902b7"
	serve(router(tel), "GET", "/api/alice/tasks/x", "traceparent", "00-"+traceID+"-"+parentID+"-01")
	if err := tel.Flush(context.Background()); err != nil {
		t.Fatal(err)
	}
	spans := exp.GetSpans()
	if len(spans) != 1 {
		t.Fatalf("%d spans, want 1: %v", len(spans), spans)
	}
	s := spans[0]
	if s.Name != "GET /api/:user_id/tasks/:task_id" || s.SpanKind != trace.SpanKindServer {
		t.Errorf("span %q of kind %v, want the route's server span", s.Name, s.SpanKind)
	}
	if s.SpanContext.TraceID().String() != traceID || s.Parent.SpanID().String() != parentID || !s.Parent.IsRemote() {
		t.Errorf("span in trace %s under %s (remote %v), want trace %s under the caller's %s",
			s.SpanContext.TraceID(), s.Parent.SpanID(), s.Parent.IsRemote(), traceID, parentID)
	}
}

// Without an exporter nothing is recorded, yet every request has a trace
// id: the caller's, or a new one.
func TestTraceIDsWithoutExporter(t *testing.T) {
	t.Parallel()
	e := router(MustTelemetry(t, nil))
	type seen struct {
		TraceID                   string `json:"trace_id"`
		Valid, Sampled, Recording bool
	}
	read := func(w *httptest.ResponseRecorder) seen {
		var s seen
		if err := json.Unmarshal(w.Body.Bytes(), &s); err != nil {
			t.Fatal(err)
		}
		return s
	}
	a, b := read(serve(e, "GET", "/span")), read(serve(e, "GET", "/span"))
	if !a.Valid || !b.Valid || a.TraceID == b.TraceID || a.Recording || a.Sampled {
		t.Errorf("without traceparent: %+v and %+v; want two different valid trace ids, not recorded", a, b)
	}
	const traceID = "4bf92f3577b34da6a3ce929d0e0e4736"
	if c := read(serve(e, "GET", "/span", "traceparent", "00-"+traceID+"-00f067aa0ba902b7-01")); c.TraceID != traceID || c.Recording {
		t.Errorf("with traceparent: %+v; want the caller's trace id %s, not recorded", c, traceID)
	}
}

// A log line written with a span's context carries its trace id; one
// without carries none.
func TestTraceIDsInLogs(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	logger := slog.New(telemetry.TraceIDs(slog.NewJSONHandler(&buf, nil))).With("app", "todo").WithGroup("g")
	tid, _ := trace.TraceIDFromHex("4bf92f3577b34da6a3ce929d0e0e4736")
	sid, _ := trace.SpanIDFromHex("00f067aa0ba902b7")
	ctx := trace.ContextWithSpanContext(context.Background(), trace.NewSpanContext(trace.SpanContextConfig{TraceID: tid, SpanID: sid}))
	logger.InfoContext(ctx, "with")
	logger.InfoContext(context.Background(), "without")
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	if len(lines) != 2 || !strings.Contains(lines[0], `"trace_id":"`+tid.String()+`"`) || !strings.Contains(lines[0], `"app":"todo"`) {
		t.Errorf("line with a span: %s", lines[0])
	}
	if strings.Contains(lines[len(lines)-1], "trace_id") {
		t.Errorf("line without a span: %s", lines[len(lines)-1])
	}
}

// JWKS fetches are counted by result and traced as client spans.
func TestJWKSTransport(t *testing.T) {
	t.Parallel()
	exp := tracetest.NewInMemoryExporter()
	tel := MustTelemetry(t, exp)
	var status atomic.Int64
	status.Store(http.StatusOK)
	issuer := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(int(status.Load())) }))
	defer issuer.Close()
	client := &http.Client{Transport: tel.JWKSTransport(nil)}
	get := func(url string) {
		if resp, err := client.Get(url); err == nil {
			resp.Body.Close()
		}
	}
	get(issuer.URL + "/api/auth/jwks")
	get(issuer.URL + "/api/auth/jwks")
	status.Store(http.StatusInternalServerError)
	get(issuer.URL + "/api/auth/jwks")
	closed := httptest.NewServer(http.NotFoundHandler())
	closed.Close()
	get(closed.URL + "/api/auth/jwks")

	s := Scrape(t, tel.Metrics())
	wantValue(t, s, `todo_jwks_fetches_total{result="ok"}`, 2)
	wantValue(t, s, `todo_jwks_fetches_total{result="http_error"}`, 1)
	wantValue(t, s, `todo_jwks_fetches_total{result="network_error"}`, 1)
	if err := tel.Flush(context.Background()); err != nil {
		t.Fatal(err)
	}
	clients := 0
	for _, sp := range exp.GetSpans() {
		if sp.SpanKind == trace.SpanKindClient {
			clients++
		}
	}
	if clients != 4 {
		t.Errorf("%d client spans, want one per fetch (4)", clients)
	}
}

// The rate limiter's refusals and store failures, build info and database
// pools all show up, every series from the start.
func TestOtherMetrics(t *testing.T) {
	t.Parallel()
	m := MustTelemetry(t, nil).Metrics()
	s := Scrape(t, m)
	for _, series := range []string{`todo_rate_limited_total{scope="user"}`, `todo_rate_limited_total{scope="address"}`,
		`todo_rate_limit_store_failures_total`, `todo_jwks_fetches_total{result="ok"}`, `todo_reminder_lag_seconds_count`} {
		wantValue(t, s, series, 0)
	}
	wantValue(t, s, `todo_build_info{commit="abc123",version="v1.2.3"}`, 1)

	m.RateLimited("user")
	m.RateLimited("user")
	m.RateLimited("address")
	m.RateLimitStoreFailed(errors.New("redis: connection refused"))
	m.ReminderFired(300 * time.Millisecond)
	m.ReminderFired(2 * time.Second)
	db, err := sql.Open("sqlite", "file::memory:")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	db.SetMaxOpenConns(3)
	if err := m.RegisterDBPool("test", db); err != nil {
		t.Fatal(err)
	}
	if err := m.RegisterDBPool("test", db); err == nil {
		t.Error("a second pool of the same name was registered")
	}
	s = Scrape(t, m)
	wantValue(t, s, `todo_rate_limited_total{scope="user"}`, 2)
	wantValue(t, s, `todo_rate_limited_total{scope="address"}`, 1)
	wantValue(t, s, `todo_rate_limit_store_failures_total`, 1)
	wantValue(t, s, `todo_reminder_lag_seconds_count`, 2)
	wantValue(t, s, `todo_reminder_lag_seconds_bucket{le="0.5"}`, 1)
	wantValue(t, s, `todo_reminder_lag_seconds_bucket{le="5"}`, 2)
	wantValue(t, s, `go_sql_max_open_connections{db_name="test"}`, 3)
	if !regexp.MustCompile(`(?m)^go_goroutines \d+$`).MatchString(s) || !strings.Contains(s, "process_cpu_seconds_total") {
		t.Error("the Go runtime's and the process's metrics are missing")
	}
}

// The admin listener serves /metrics and the profiles, and nothing else; a
// taken address is a ListenError.
func TestAdmin(t *testing.T) {
	t.Parallel()
	a := telemetry.NewAdmin("127.0.0.1:0", MustTelemetry(t, nil).Metrics(), slog.New(slog.DiscardHandler))
	if err := a.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	defer a.Stop(context.Background())
	for path, want := range map[string]int{
		"/": http.StatusOK, "/metrics": http.StatusOK, "/debug/pprof/": http.StatusOK,
		"/debug/pprof/cmdline": http.StatusOK, "/debug/pprof/heap?debug=1": http.StatusOK, "/api/alice/tasks": http.StatusNotFound,
	} {
		mustGet(t, "http://"+a.Addr().String()+path, want)
	}

	taken := telemetry.NewAdmin(a.Addr().String(), MustTelemetry(t, nil).Metrics(), slog.New(slog.DiscardHandler))
	err := taken.Start(context.Background())
	var le *telemetry.ListenError
	var op *net.OpError
	if !errors.As(err, &le) || le.Addr != a.Addr().String() || !errors.As(err, &op) {
		t.Errorf("Start on a taken address: %v; want a ListenError naming it", err)
	}
}
