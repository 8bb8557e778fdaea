package httpapi_test

import (
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/todoapi/todo/adapters/httpapi"
	"github.com/todoapi/todo/adapters/jwtauth"
	"github.com/todoapi/todo/adapters/memory"
	"github.com/todoapi/todo/adapters/system"
	"github.com/todoapi/todo/core/app"
)

// discardWriter is the cheapest http.ResponseWriter: it keeps the status
// and nothing else.
type discardWriter struct {
	header http.Header
	status int
}

func (w *discardWriter) Header() http.Header         { return w.header }
func (w *discardWriter) Write(p []byte) (int, error) { return len(p), nil }
func (w *discardWriter) WriteHeader(status int)      { w.status = status }

// BenchmarkHandler measures the service's own work per request, without
// the network or a database: Gin, the middleware (request id, one JSON
// access-log line, to io.Discard), the token check (HS256 with its cache of
// verified tokens), the use case over the memory repository, and the JSON
// response. todo-bench measures the whole; this shows the part that is code
// of ours, in ns and allocations per request:
//
//	go test -run '^$' -bench Handler -benchmem ./adapters/httpapi/
func BenchmarkHandler(b *testing.B) {
	const secret = "benchmark-secret-benchmark-secret-benchmark"
	verifier, err := jwtauth.New(b.Context(), jwtauth.Config{Secret: secret}, slog.New(slog.DiscardHandler))
	if err != nil {
		b.Fatal(err)
	}
	repo := memory.NewTaskRepository()
	svc := app.NewTaskService(repo, system.Clock{}, system.IDs{})
	h := httpapi.New(httpapi.Config{}, svc, verifier, repo, slog.New(slog.NewJSONHandler(io.Discard, nil)))
	token, err := jwt.NewWithClaims(jwt.SigningMethodHS256, jwt.MapClaims{
		"sub": "bench-user", "iat": time.Now().Unix(), "exp": time.Now().Add(time.Hour).Unix(),
	}).SignedString([]byte(secret))
	if err != nil {
		b.Fatal(err)
	}
	do := func(method, path, body string, key ...string) (int, http.Header) {
		req, _ := http.NewRequest(method, path, strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+token)
		if len(key) > 0 {
			req.Header.Set("Idempotency-Key", key[0])
		}
		w := &discardWriter{header: http.Header{}}
		h.ServeHTTP(w, req)
		return w.status, w.header
	}
	var id string
	for i := range 50 {
		status, header := do(http.MethodPost, "/api/bench-user/tasks", `{"title":"benchmark task"}`)
		if status != http.StatusCreated {
			b.Fatalf("seeding task %d: status %d", i, status)
		}
		id = strings.TrimPrefix(header.Get("Location"), "/api/bench-user/tasks/")
	}
	// The -Key cases send a new Idempotency-Key with every request: what a
	// first attempt costs beyond the same write without one.
	for _, bc := range []struct {
		name, method, path, body string
		want                     int
		keyed                    bool
	}{
		{"Get", http.MethodGet, "/api/bench-user/tasks/" + id, "", http.StatusOK, false},
		{"List50", http.MethodGet, "/api/bench-user/tasks", "", http.StatusOK, false},
		{"Update", http.MethodPatch, "/api/bench-user/tasks/" + id, `{"title":"renamed"}`, http.StatusOK, false},
		{"UpdateKey", http.MethodPatch, "/api/bench-user/tasks/" + id, `{"title":"renamed"}`, http.StatusOK, true},
		{"Create", http.MethodPost, "/api/bench-user/tasks", `{"title":"benchmark task"}`, http.StatusCreated, false},
		{"CreateKey", http.MethodPost, "/api/bench-user/tasks", `{"title":"benchmark task"}`, http.StatusCreated, true},
	} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			n := 0
			for b.Loop() {
				var key []string
				if bc.keyed {
					n++
					key = []string{"bench-key-" + strconv.Itoa(n)}
				}
				if status, _ := do(bc.method, bc.path, bc.body, key...); status != bc.want {
					b.Fatalf("status %d, want %d", status, bc.want)
				}
			}
		})
	}
}
