package telemetry

import (
	"maps"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/prometheus/client_golang/prometheus"
)

// unmatched is the route label of a request that matched no route (a 404
// or 405 of the router itself): its raw path would let any client make new
// series at will.
const unmatched = "unmatched"

// httpMetrics counts and times requests by method, route pattern and
// status. The series of each method and route, and of each status on it,
// are resolved once, on first use, and kept in copy-on-write maps, so a
// request costs two map reads and no allocation. The maps stay small:
// routes are the route table's patterns, methods a fixed set.
type httpMetrics struct {
	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec

	mu     sync.Mutex // serialises additions to routes
	routes atomic.Pointer[map[routeKey]*routeSeries]
}

type routeKey struct{ method, route string }

// routeSeries holds one method and route's series.
type routeSeries struct {
	key      routeKey
	duration prometheus.Observer
	requests *prometheus.CounterVec

	mu       sync.Mutex // serialises additions to statuses
	statuses atomic.Pointer[map[int]prometheus.Counter]
}

func newHTTPMetrics(reg prometheus.Registerer) *httpMetrics {
	m := &httpMetrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "todo_http_requests_total",
			Help: "HTTP requests answered, by method, route pattern (unmatched: no route) and status.",
		}, []string{"method", "route", "status"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "todo_http_request_duration_seconds",
			Help:    "Time from a request's arrival to its answer, by method and route pattern.",
			Buckets: durationBuckets,
		}, []string{"method", "route"}),
	}
	m.routes.Store(&map[routeKey]*routeSeries{})
	reg.MustRegister(m.requests, m.duration)
	return m
}

// middleware observes every request once the handlers behind it are done.
func (m *httpMetrics) middleware(c *gin.Context) {
	start := time.Now()
	c.Next()
	s := m.series(methodLabel(c.Request.Method), routeLabel(c.FullPath()))
	s.duration.Observe(time.Since(start).Seconds())
	s.status(c.Writer.Status()).Inc()
}

func (m *httpMetrics) series(method, route string) *routeSeries {
	k := routeKey{method, route}
	if s := (*m.routes.Load())[k]; s != nil {
		return s
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	current := *m.routes.Load()
	if s := current[k]; s != nil {
		return s
	}
	s := &routeSeries{key: k, duration: m.duration.WithLabelValues(method, route), requests: m.requests}
	s.statuses.Store(&map[int]prometheus.Counter{})
	next := maps.Clone(current)
	next[k] = s
	m.routes.Store(&next)
	return s
}

func (s *routeSeries) status(code int) prometheus.Counter {
	if c := (*s.statuses.Load())[code]; c != nil {
		return c
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	current := *s.statuses.Load()
	if c := current[code]; c != nil {
		return c
	}
	c := s.requests.WithLabelValues(s.key.method, s.key.route, strconv.Itoa(code))
	next := maps.Clone(current)
	next[code] = c
	s.statuses.Store(&next)
	return c
}

// methodLabel keeps the standard methods and folds any other into OTHER,
// so a client inventing methods cannot add series.
func methodLabel(m string) string {
	switch m {
	case http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch,
		http.MethodDelete, http.MethodOptions, http.MethodConnect, http.MethodTrace:
		return m
	}
	return "OTHER"
}

func routeLabel(pattern string) string {
	if pattern == "" {
		return unmatched
	}
	return pattern
}
