package telemetry

import (
	"database/sql"
	"fmt"
	"net/http"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
)

// durationBuckets are the request duration histogram's upper bounds, in
// seconds: from half a millisecond (a GET served from a warm pool) to the
// 30 s write timeout's neighbourhood.
var durationBuckets = []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10}

// The values of todo_jwks_fetches_total's result label.
const (
	jwksOK           = "ok"            // the issuer answered 200
	jwksHTTPError    = "http_error"    // it answered with another status
	jwksNetworkError = "network_error" // no answer: refused, timed out, TLS
)

// Metrics are the service's Prometheus metrics, in a registry of their own
// (never the global one, so tests and several servers in one process stay
// apart). Every method is safe for concurrent use.
type Metrics struct {
	reg  *prometheus.Registry
	http *httpMetrics

	limitedUser, limitedAddress prometheus.Counter
	limited                     *prometheus.CounterVec
	storeFailures               prometheus.Counter
	streams                     prometheus.Gauge
	jwks                        map[string]prometheus.Counter // by result, all created up front
}

// NewMetrics registers the service's metrics, the Go runtime's and the
// process's, and todo_build_info for version and commit.
func NewMetrics(version, commit string) *Metrics {
	reg := prometheus.NewRegistry()
	m := &Metrics{reg: reg, http: newHTTPMetrics(reg)}
	m.limited = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "todo_rate_limited_total",
		Help: "Requests refused with 429, by the limit that refused them (scope: user or address).",
	}, []string{"scope"})
	m.limitedUser, m.limitedAddress = m.limited.WithLabelValues("user"), m.limited.WithLabelValues("address")
	m.storeFailures = prometheus.NewCounter(prometheus.CounterOpts{
		Name: "todo_rate_limit_store_failures_total",
		Help: "Rate-limit checks the store (Redis) failed to make, each letting its request pass: an authenticated request makes two (address, then user).",
	})
	jwks := prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "todo_jwks_fetches_total",
		Help: "JWKS fetches from the token issuer, by result: ok (200), http_error (another status) or network_error (no answer).",
	}, []string{"result"})
	m.jwks = map[string]prometheus.Counter{}
	for _, r := range []string{jwksOK, jwksHTTPError, jwksNetworkError} {
		m.jwks[r] = jwks.WithLabelValues(r)
	}
	m.streams = prometheus.NewGauge(prometheus.GaugeOpts{
		Name: "todo_event_streams",
		Help: "Live event streams (GET /api/{user_id}/events) open now.",
	})
	build := prometheus.NewGauge(prometheus.GaugeOpts{
		Name:        "todo_build_info",
		Help:        "Always 1; its labels name the running build.",
		ConstLabels: prometheus.Labels{"version": version, "commit": commit},
	})
	build.Set(1)
	reg.MustRegister(m.limited, m.storeFailures, m.streams, jwks, build,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// Registry is where the metrics are gathered from, for /metrics.
func (m *Metrics) Registry() *prometheus.Registry { return m.reg }

// RateLimited counts a request refused by the named limit (the rate
// limiter's OnLimited).
func (m *Metrics) RateLimited(scope string) {
	switch scope {
	case "user":
		m.limitedUser.Inc()
	case "address":
		m.limitedAddress.Inc()
	default:
		m.limited.WithLabelValues(scope).Inc()
	}
}

// EventStreams moves the open event streams gauge by delta: +1 as a stream
// opens, -1 as it ends (the HTTP adapter's OnStream).
func (m *Metrics) EventStreams(delta int) { m.streams.Add(float64(delta)) }

// RateLimitStoreFailed counts a rate-limit check the store could not make,
// which let its request pass (the rate limiter's OnStoreError; the limiter
// logs the error).
func (m *Metrics) RateLimitStoreFailed(error) { m.storeFailures.Inc() }

// RegisterDBPool adds the gauges and counters of a database/sql pool
// (go_sql_*{db_name="name"}), read from its Stats at each scrape.
func (m *Metrics) RegisterDBPool(name string, db *sql.DB) error {
	if err := m.reg.Register(collectors.NewDBStatsCollector(db, name)); err != nil {
		return fmt.Errorf("telemetry: database pool %s: %w", name, err)
	}
	return nil
}

// JWKSTransport counts the JWKS fetches that go through next by result.
func (m *Metrics) JWKSTransport(next http.RoundTripper) http.RoundTripper {
	if next == nil {
		next = http.DefaultTransport
	}
	return &countingTransport{next: next, m: m}
}

type countingTransport struct {
	next http.RoundTripper
	m    *Metrics
}

func (t *countingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := t.next.RoundTrip(r)
	switch {
	case err != nil:
		t.m.jwks[jwksNetworkError].Inc()
	case resp.StatusCode != http.StatusOK:
		t.m.jwks[jwksHTTPError].Inc()
	default:
		t.m.jwks[jwksOK].Inc()
	}
	return resp, err
}
