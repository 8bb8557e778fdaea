package telemetry_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"

	"github.com/todoapi/todo/adapters/httpapi"
	"github.com/todoapi/todo/adapters/jwtauth"
	"github.com/todoapi/todo/adapters/memory"
	"github.com/todoapi/todo/adapters/system"
	"github.com/todoapi/todo/adapters/telemetry"
	"github.com/todoapi/todo/core/app"
)

// discardWriter keeps the status and nothing else.
type discardWriter struct {
	header http.Header
	status int
}

func (w *discardWriter) Header() http.Header         { return w.header }
func (w *discardWriter) Write(p []byte) (int, error) { return len(p), nil }
func (w *discardWriter) WriteHeader(status int)      { w.status = status }

// discardExporter takes spans and drops them: what recording costs, without
// a collector's network.
type discardExporter struct{}

func (discardExporter) ExportSpans(context.Context, []sdktrace.ReadOnlySpan) error { return nil }
func (discardExporter) Shutdown(context.Context) error                             { return nil }

// BenchmarkTelemetry measures what telemetry adds to a request through the
// real router, over the memory store, with an access log line (JSON, to
// io.Discard) per request, as httpapi's BenchmarkHandler does:
//
//	go test -run '^$' -bench Telemetry -benchmem ./adapters/telemetry/
//
// Off: no telemetry. TraceIDs: spans not recorded (no exporter, admin
// listener off). Default: the same with metrics, as the service runs
// without an OTLP endpoint. Recording: metrics, and every span recorded and
// handed to an exporter.
func BenchmarkTelemetry(b *testing.B) {
	const secret = "benchmark-secret-benchmark-secret-benchmark"
	token, err := jwt.NewWithClaims(jwt.SigningMethodHS256, jwt.MapClaims{
		"sub": "bench-user", "iat": time.Now().Unix(), "exp": time.Now().Add(time.Hour).Unix(),
	}).SignedString([]byte(secret))
	if err != nil {
		b.Fatal(err)
	}
	for _, variant := range []struct {
		name string
		cfg  *telemetry.Config
	}{
		{"Off", nil},
		{"TraceIDs", &telemetry.Config{}},
		{"Default", &telemetry.Config{Metrics: true}},
		{"Recording", &telemetry.Config{Metrics: true, Exporter: discardExporter{}}},
	} {
		b.Run(variant.name, func(b *testing.B) {
			verifier, err := jwtauth.New(b.Context(), jwtauth.Config{Secret: secret}, slog.New(slog.DiscardHandler))
			if err != nil {
				b.Fatal(err)
			}
			repo := memory.NewTaskRepository()
			svc := app.NewTaskService(repo, system.Clock{}, system.IDs{})
			var log slog.Handler = slog.NewJSONHandler(io.Discard, nil)
			var cfg httpapi.Config
			if variant.cfg != nil {
				tel, err := telemetry.New(b.Context(), *variant.cfg)
				if err != nil {
					b.Fatal(err)
				}
				defer tel.Shutdown(context.Background())
				cfg.Middleware = tel.HTTPMiddleware()
				log = telemetry.TraceIDs(log)
			}
			h := httpapi.New(cfg, svc, verifier, repo, slog.New(log))
			do := func(method, path, body string) (int, http.Header) {
				req, _ := http.NewRequest(method, path, strings.NewReader(body))
				req.Header.Set("Authorization", "Bearer "+token)
				w := &discardWriter{header: http.Header{}}
				h.ServeHTTP(w, req)
				return w.status, w.header
			}
			var id string
			for range 50 {
				_, header := do(http.MethodPost, "/api/bench-user/tasks", `{"title":"benchmark task"}`)
				id = strings.TrimPrefix(header.Get("Location"), "/api/bench-user/tasks/")
			}
			for _, bc := range []struct {
				name, method, path, body string
				want                     int
			}{
				{"Get", http.MethodGet, "/api/bench-user/tasks/" + id, "", http.StatusOK},
				{"List50", http.MethodGet, "/api/bench-user/tasks", "", http.StatusOK},
				{"Create", http.MethodPost, "/api/bench-user/tasks", `{"title":"benchmark task"}`, http.StatusCreated},
			} {
				b.Run(bc.name, func(b *testing.B) {
					b.ReportAllocs()
					for b.Loop() {
						if status, _ := do(bc.method, bc.path, bc.body); status != bc.want {
							b.Fatalf("status %d, want %d", status, bc.want)
						}
					}
				})
			}
		})
	}
}
