package main

import (
	"errors"
	"fmt"
	"log/slog"
	"syscall"

	"go.uber.org/fx"

	"github.com/todoapi/todo/adapters/httpapi"
	"github.com/todoapi/todo/adapters/jwtauth"
	"github.com/todoapi/todo/adapters/ratelimit"
	"github.com/todoapi/todo/adapters/sqlstore"
	"github.com/todoapi/todo/adapters/telemetry"
)

// telemetryOptions wires metrics and traces into the adapters, which know
// nothing of package telemetry: each takes its own Instrumentation, and
// without one runs as before. Every log line written with a request's
// context gets the request's trace id.
func telemetryOptions() fx.Option {
	version, commit := buildInfo()
	return fx.Options(
		fx.Supply(telemetry.Build{Version: version, Commit: commit}),
		telemetry.Module,
		fx.Decorate(func(l *slog.Logger) *slog.Logger { return slog.New(telemetry.TraceIDs(l.Handler())) }),
		fx.Provide(
			// The admin listener is made before the router, so that fx,
			// which stops in the reverse order of starting, stops it after
			// the API's server: metrics can be scraped while it drains.
			func(t *telemetry.Telemetry, _ *telemetry.Admin) httpapi.Instrumentation {
				inst := httpapi.Instrumentation{Middleware: t.HTTPMiddleware()}
				if m := t.Metrics(); m != nil {
					inst.OnStream = m.EventStreams
				}
				return inst
			},
			func(t *telemetry.Telemetry) jwtauth.Instrumentation {
				return jwtauth.Instrumentation{Transport: t.JWKSTransport(nil)}
			},
			func(t *telemetry.Telemetry) sqlstore.Instrumentation {
				return sqlstore.Instrumentation{TracerProvider: t.DatabaseTracerProvider()}
			},
			func(t *telemetry.Telemetry) ratelimit.Instrumentation {
				m := t.Metrics()
				if m == nil {
					return ratelimit.Instrumentation{}
				}
				return ratelimit.Instrumentation{OnLimited: m.RateLimited, OnStoreError: m.RateLimitStoreFailed}
			},
		),
		fx.Invoke(func(t *telemetry.Telemetry, db *sqlstore.DB) error {
			if t.Metrics() == nil {
				return nil
			}
			for name, pool := range db.Pools() {
				if err := t.Metrics().RegisterDBPool(name, pool); err != nil {
					return err
				}
			}
			return nil
		}),
	)
}

// adminHint says what to change when the admin listener cannot take its
// address: another one, or none.
func adminHint(err *telemetry.ListenError) error {
	const change = "choose another with --admin-addr (ADMIN_ADDR), or turn the admin listener off with ADMIN_ADDR= (empty)"
	switch {
	case errors.Is(err, syscall.EADDRINUSE):
		return fmt.Errorf("cannot listen on %s for the admin listener (metrics, profiles): the address is in use, "+
			"perhaps by another server; %s", err.Addr, change)
	case errors.Is(err, syscall.EACCES):
		return fmt.Errorf("cannot listen on %s for the admin listener (metrics, profiles): permission denied; %s", err.Addr, change)
	}
	return fmt.Errorf("%w; %s", err, change)
}
