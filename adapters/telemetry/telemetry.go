// Package telemetry is the service's metrics and traces: Prometheus metrics
// served on an admin listener of their own, with /debug/pprof/ (see Admin),
// and OpenTelemetry spans for HTTP requests (otelgin), database statements
// and JWKS fetches (otelhttp), exported over OTLP when the standard
// OTEL_EXPORTER_OTLP_ENDPOINT is set. Log lines written with a request's
// context carry its trace id (see TraceIDs), exporter or not.
//
// The adapters know nothing of it: each takes hooks (middleware, a
// RoundTripper, callbacks, a TracerProvider) that cmd/todo fills from here.
package telemetry

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/gin-gonic/gin"
	"go.opentelemetry.io/contrib/instrumentation/github.com/gin-gonic/gin/otelgin"
	"go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp"
	metricnoop "go.opentelemetry.io/otel/metric/noop"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	semconv "go.opentelemetry.io/otel/semconv/v1.43.0"
	"go.opentelemetry.io/otel/trace"
)

// ServiceName is the service.name of the spans unless OTEL_SERVICE_NAME
// (or service.name in OTEL_RESOURCE_ATTRIBUTES) says otherwise.
const ServiceName = "todo"

// Config says what to collect.
type Config struct {
	// Metrics turns the Prometheus metrics on (the admin listener is on).
	Metrics bool
	// Exporter receives the spans; nil means none are recorded (see New).
	Exporter sdktrace.SpanExporter
	// Version and Commit name the build: todo_build_info, service.version.
	Version, Commit string
}

// Telemetry holds the metrics and the tracer provider. Shutdown flushes the
// spans not yet exported.
type Telemetry struct {
	metrics    *Metrics // nil when off
	provider   *sdktrace.TracerProvider
	tracer     trace.Tracer // for spanContext
	recording  bool
	propagator propagation.TextMapPropagator
}

// New sets up the metrics and the tracer provider. With an exporter, spans
// are sampled as the SDK's OTEL_TRACES_SAMPLER says (by default: as the
// caller's traceparent says, and every request without one) and exported
// in batches (OTEL_BSP_*). Without one, nothing would ever read a span, so
// none is recorded; the SDK still gives every request a span context with
// a trace id (the caller's, from traceparent, or a new one), which the log
// lines carry, for a few allocations a request.
func New(ctx context.Context, cfg Config) (*Telemetry, error) {
	res, err := resource.New(ctx,
		resource.WithAttributes(semconv.ServiceName(ServiceName), semconv.ServiceVersion(cfg.Version)),
		resource.WithFromEnv(), // OTEL_SERVICE_NAME, OTEL_RESOURCE_ATTRIBUTES
		resource.WithTelemetrySDK(),
	)
	if err != nil && !errors.Is(err, resource.ErrPartialResource) { // partial: a malformed OTEL_RESOURCE_ATTRIBUTES pair is left out
		return nil, fmt.Errorf("telemetry: %w", err)
	}
	opts := []sdktrace.TracerProviderOption{sdktrace.WithResource(res)}
	if cfg.Exporter != nil {
		opts = append(opts, sdktrace.WithBatcher(cfg.Exporter))
	} else {
		opts = append(opts, sdktrace.WithSampler(sdktrace.NeverSample()))
	}
	t := &Telemetry{
		provider:   sdktrace.NewTracerProvider(opts...),
		recording:  cfg.Exporter != nil,
		propagator: propagation.TraceContext{},
	}
	t.tracer = t.provider.Tracer("github.com/todoapi/todo/adapters/telemetry")
	if cfg.Metrics {
		t.metrics = NewMetrics(cfg.Version, cfg.Commit)
	}
	return t, nil
}

// Metrics returns the metrics, or nil when they are off.
func (t *Telemetry) Metrics() *Metrics { return t.metrics }

// TracerProvider makes the spans.
func (t *Telemetry) TracerProvider() trace.TracerProvider { return t.provider }

// Recording reports whether spans are recorded and exported.
func (t *Telemetry) Recording() bool { return t.recording }

// Propagator reads and writes W3C trace context: traceparent and
// tracestate. (Baggage is not taken: nothing here reads it, and parsing
// it would cost every request.)
func (t *Telemetry) Propagator() propagation.TextMapPropagator { return t.propagator }

// HTTPMiddleware is what the router runs before anything else, outermost
// first: the request metrics (timing everything after them), then the
// span, which honours an incoming traceparent and puts itself in the
// request's context for the access log and the handlers.
//
// When spans are recorded, otelgin makes them, with the semantic
// conventions' attributes. When they are not, otelgin would still compute
// those attributes, and its metrics' attribute sets, for every request,
// only to drop them: there the span comes from spanContext instead, which
// does only what the trace id needs.
func (t *Telemetry) HTTPMiddleware() []gin.HandlerFunc {
	var mw []gin.HandlerFunc
	if t.metrics != nil {
		mw = append(mw, t.metrics.http.middleware)
	}
	if !t.recording {
		return append(mw, t.spanContext)
	}
	return append(mw, otelgin.Middleware("",
		otelgin.WithTracerProvider(t.provider),
		otelgin.WithPropagators(t.propagator),
		otelgin.WithMeterProvider(metricnoop.NewMeterProvider()), // metrics are Prometheus's
	))
}

// spanContext gives the request an unrecorded server span: the caller's
// trace id from traceparent, or a new one.
func (t *Telemetry) spanContext(c *gin.Context) {
	ctx := t.propagator.Extract(c.Request.Context(), propagation.HeaderCarrier(c.Request.Header))
	ctx, span := t.tracer.Start(ctx, "request", serverSpan...)
	c.Request = c.Request.WithContext(ctx)
	c.Next()
	span.End()
}

// serverSpan is a slice made once: a variadic argument built per call
// would be an allocation per request.
var serverSpan = []trace.SpanStartOption{trace.WithSpanKind(trace.SpanKindServer)}

// JWKSTransport is the RoundTripper for JWKS fetches: a client span each,
// with traceparent sent along, and todo_jwks_fetches_total when the
// metrics are on. next nil means http.DefaultTransport.
func (t *Telemetry) JWKSTransport(next http.RoundTripper) http.RoundTripper {
	if next == nil {
		next = http.DefaultTransport
	}
	if t.metrics != nil {
		next = t.metrics.JWKSTransport(next)
	}
	return otelhttp.NewTransport(next,
		otelhttp.WithTracerProvider(t.provider),
		otelhttp.WithPropagators(t.propagator),
		otelhttp.WithMeterProvider(metricnoop.NewMeterProvider()),
	)
}

// DatabaseTracerProvider is what the store traces its statements with, or
// nil when spans are not recorded: a database span would then be one
// nobody reads, so the store runs uninstrumented.
func (t *Telemetry) DatabaseTracerProvider() trace.TracerProvider {
	if !t.recording {
		return nil
	}
	return t.provider
}

// Flush exports the spans ended so far.
func (t *Telemetry) Flush(ctx context.Context) error { return t.provider.ForceFlush(ctx) }

// Shutdown exports the spans ended so far and stops the exporter.
func (t *Telemetry) Shutdown(ctx context.Context) error { return t.provider.Shutdown(ctx) }
