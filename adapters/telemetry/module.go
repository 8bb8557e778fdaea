package telemetry

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.uber.org/fx"

	"github.com/todoapi/todo/config"
)

// Build names the running build, for todo_build_info and service.version.
type Build struct{ Version, Commit string }

// Module provides the *Telemetry the Telemetry section asks for and the
// admin listener (*Admin, nil when ADMIN_ADDR is empty), which listens on
// start and stops with the server. On stop the spans not yet exported are
// flushed. The span exporter is a value of its own (nil without an OTLP
// endpoint), so a test can put an in-memory one in its place.
var Module = fx.Module("telemetry",
	fx.Provide(newExporter, newTelemetry, newAdmin),
	fx.Invoke(func(*Admin) {}),
)

// newExporter returns the OTLP HTTP/protobuf exporter when an endpoint is
// configured. It reads OTEL_EXPORTER_OTLP_* (endpoint, headers, timeout,
// compression, certificates) itself, and connects only when it first sends.
func newExporter(c config.Telemetry) (sdktrace.SpanExporter, error) {
	if c.TracesEndpoint == "" {
		return nil, nil
	}
	return otlptracehttp.New(context.Background())
}

func newTelemetry(lc fx.Lifecycle, c config.Telemetry, b Build, exp sdktrace.SpanExporter, logger *slog.Logger) (*Telemetry, error) {
	t, err := New(context.Background(), Config{Metrics: c.AdminAddr != "", Exporter: exp, Version: b.Version, Commit: b.Commit})
	if err != nil {
		return nil, err
	}
	// The SDK reports failed exports here; otherwise it would print them
	// through the standard log package, once per batch.
	otel.SetErrorHandler(throttled(logger, time.Minute))
	if c.TracesEndpoint != "" {
		logger.Info("traces exported over OTLP", "endpoint", c.TracesEndpoint)
	}
	lc.Append(fx.StopHook(t.Shutdown))
	return t, nil
}

func newAdmin(lc fx.Lifecycle, c config.Telemetry, t *Telemetry, logger *slog.Logger) *Admin {
	if c.AdminAddr == "" || t.Metrics() == nil {
		logger.Info("admin listener off: ADMIN_ADDR is empty, so no metrics are kept")
		return nil
	}
	a := NewAdmin(c.AdminAddr, t.Metrics(), logger)
	lc.Append(fx.Hook{OnStart: a.Start, OnStop: a.Stop})
	return a
}

// throttled logs the OpenTelemetry SDK's errors at WARN, at most once per
// interval, with the number of errors since the last line.
func throttled(logger *slog.Logger, interval time.Duration) otel.ErrorHandlerFunc {
	var mu sync.Mutex
	var last time.Time
	var count int
	return func(err error) {
		mu.Lock()
		defer mu.Unlock()
		count++
		if now := time.Now(); last.IsZero() || now.Sub(last) >= interval {
			logger.Warn("tracing: spans could not be exported", "errors", count, "next_warning_in", interval.String(), "error", err.Error())
			last, count = now, 0
		}
	}
}
