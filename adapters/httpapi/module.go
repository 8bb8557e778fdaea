package httpapi

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"
	"go.uber.org/fx"

	"github.com/todoapi/todo/adapters/ratelimit"
	"github.com/todoapi/todo/config"
	"github.com/todoapi/todo/core/app"
	"github.com/todoapi/todo/ports"
)

// Module provides the router (*gin.Engine, so later modules can add routes
// such as the API documents) and owns the HTTP server: it listens on start,
// so a taken port fails start-up. On stop it drains for HTTP.ShutdownDrain
// (see Drain and shutdown), then stops accepting and lets in-flight
// requests finish within HTTP.ShutdownTimeout.
var Module = fx.Module("httpapi",
	fx.Provide(func() *Drain { return new(Drain) }, fx.Private),
	fx.Provide(fx.Annotate(func(c config.HTTP, svc *app.TaskService, v ports.TokenVerifier, ready ports.Pinger, logger *slog.Logger, rl *ratelimit.Limiter, d *Drain, inst Instrumentation, ev *app.Events) *gin.Engine {
		cfg := Config{AllowedOrigins: c.AllowedOrigins, AllowLoopbackOrigins: c.AllowLoopbackOrigins, BodyLimit: c.BodyLimit, Drain: d,
			Middleware: inst.Middleware, OnStream: inst.OnStream, Events: ev}
		if rl != nil { // without ratelimit.Module, no limits
			cfg.RateLimiter = rl
		}
		return New(cfg, svc, v, ready, logger)
	}, fx.ParamTags("", "", "", "", "", `optional:"true"`, "", `optional:"true"`, `optional:"true"`))),
	fx.Invoke(func(lc fx.Lifecycle, sd fx.Shutdowner, c config.HTTP, e *gin.Engine, logger *slog.Logger, d *Drain) {
		srv := newServer(c.Addr, d.Handler(e), logger)
		// Streams end when the drain begins; a Shutdown without one (none
		// here, but cheap to be sure of) must not wait for them either.
		srv.RegisterOnShutdown(d.Begin)
		lc.Append(fx.Hook{
			OnStart: func(ctx context.Context) error { return start(ctx, srv, sd, logger) },
			OnStop:  func(ctx context.Context) error { return shutdown(ctx, srv, d, c, logger) },
		})
	}),
)

// Instrumentation is what the service's telemetry adds to the router, when
// it is wired: see Config.Middleware.
type Instrumentation struct {
	Middleware []gin.HandlerFunc
	OnStream   func(delta int) // see Config.OnStream
}

// docsURL is where a browser on this machine finds the docs page of a
// server listening on addr.
func docsURL(addr net.Addr) string {
	host, port, err := net.SplitHostPort(addr.String())
	if err != nil {
		return "/docs"
	}
	if ip := net.ParseIP(host); ip == nil || ip.IsUnspecified() {
		host = "localhost"
	}
	return "http://" + net.JoinHostPort(host, port) + "/docs"
}

// newServer returns an http.Server with timeouts, so that slow, idle or
// stuck clients cannot hold connections (and memory) indefinitely.
func newServer(addr string, h http.Handler, logger *slog.Logger) *http.Server {
	return &http.Server{
		Addr:              addr,
		Handler:           h,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
	}
}

// start binds the address before returning, then serves in the background;
// a server that dies later shuts the whole application down.
func start(ctx context.Context, srv *http.Server, sd fx.Shutdowner, logger *slog.Logger) error {
	var lc net.ListenConfig
	ln, err := lc.Listen(ctx, "tcp", srv.Addr)
	if err != nil {
		return err
	}
	logger.Info("listening", "addr", ln.Addr().String(), "docs", docsURL(ln.Addr()))
	go func() {
		if err := srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
			logger.Error("http server stopped", "error", err)
			_ = sd.Shutdown(fx.ExitCode(1))
		}
	}()
	return nil
}
