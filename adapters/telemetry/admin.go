package telemetry

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"time"

	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Admin is the admin listener: Prometheus /metrics and Go's /debug/pprof/
// on an address of their own (ADMIN_ADDR, loopback by default), so that
// neither is ever served on the API's public address.
type Admin struct {
	srv    *http.Server
	ln     net.Listener
	logger *slog.Logger
}

// ListenError is the admin listener's failure to take its address.
type ListenError struct {
	Addr string
	Err  error
}

func (e *ListenError) Error() string {
	return fmt.Sprintf("admin listener: cannot listen on %s: %v", e.Addr, e.Err)
}

func (e *ListenError) Unwrap() error { return e.Err }

// NewAdmin returns the admin listener for addr, serving m; Start listens.
func NewAdmin(addr string, m *Metrics, logger *slog.Logger) *Admin {
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", promhttp.HandlerFor(m.Registry(), promhttp.HandlerOpts{
		ErrorLog: slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
	}))
	mux.HandleFunc("/debug/pprof/", pprof.Index) // also serves the named profiles: heap, goroutine, ...
	mux.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		fmt.Fprintln(w, "todo admin listener: /metrics (Prometheus), /debug/pprof/ (Go profiles)")
	})
	return &Admin{
		srv: &http.Server{
			Addr:              addr,
			Handler:           mux,
			ReadHeaderTimeout: 5 * time.Second,
			// No WriteTimeout: a CPU profile or an execution trace takes
			// the seconds it is asked for (30 by default).
			IdleTimeout: 2 * time.Minute,
			ErrorLog:    slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
		},
		logger: logger,
	}
}

// Start takes the address before returning, so a taken port fails start-up
// (as a *ListenError), then serves in the background.
func (a *Admin) Start(ctx context.Context) error {
	var lc net.ListenConfig
	ln, err := lc.Listen(ctx, "tcp", a.srv.Addr)
	if err != nil {
		return &ListenError{Addr: a.srv.Addr, Err: err}
	}
	a.ln = ln
	a.logger.Info("admin listening", "addr", ln.Addr().String(), "metrics", "http://"+ln.Addr().String()+"/metrics")
	go func() {
		if err := a.srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
			a.logger.Error("admin listener stopped", "error", err)
		}
	}()
	return nil
}

// Addr is the address listened on, once started (a port of 0 chosen).
func (a *Admin) Addr() net.Addr {
	if a.ln == nil {
		return nil
	}
	return a.ln.Addr()
}

// Stop stops the listener; a profile still being taken when ctx ends is
// cut off.
func (a *Admin) Stop(ctx context.Context) error {
	if err := a.srv.Shutdown(ctx); err != nil {
		return a.srv.Close()
	}
	return nil
}
