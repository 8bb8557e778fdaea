package httpapi

import (
	"log/slog"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/todoapi/todo/adapters/httpapi/apidocs"
	"github.com/todoapi/todo/config"

	"github.com/todoapi/todo/core/app"
	"github.com/todoapi/todo/ports"
)

// DefaultBodyLimit is the largest request body accepted when Config.BodyLimit
// is zero: HTTP_BODY_LIMIT's default, 64 KiB, far above the largest valid
// task.
const DefaultBodyLimit int64 = config.DefaultBodyLimit

// Config is what the HTTP adapter needs from the configuration.
type Config struct {
	// AllowedOrigins are the browser origins (scheme://host[:port]) allowed
	// to call the API (CORS_ALLOWED_ORIGINS). None means no CORS headers.
	AllowedOrigins []string
	// AllowLoopbackOrigins also allows every http(s) origin on localhost,
	// 127.0.0.1 or [::1], on any port: a dev server's page (development
	// only).
	AllowLoopbackOrigins bool
	// BodyLimit caps request bodies, in bytes; 0 means DefaultBodyLimit.
	BodyLimit int64
	// RateLimiter, when set, limits the task routes (see ratelimit.go).
	RateLimiter RateLimiter
	// Drain, when set, is the shutdown whose beginning makes /readyz
	// answer 503 and ends every event stream (see drain.go); its Wait
	// waits for the streams that left their requests behind. Unset, the
	// streams end only as their clients leave.
	Drain *Drain
	// Events serves the live event stream and its tickets; nil answers
	// them 503.
	Events *app.Events
	// KeepAlive is how often an idle event stream sends a comment line;
	// 0 means DefaultKeepAlive.
	KeepAlive time.Duration
	// OnStream, when set, is told of each event stream that opens (+1) and
	// ends (-1): the todo_event_streams gauge.
	OnStream func(delta int)
	// Middleware runs before every other handler, outermost first, for
	// every request (404s and 405s included): telemetry, whose request
	// context (a span) the access log and the handlers then see.
	Middleware []gin.HandlerFunc
}

// server holds what the handlers share.
type server struct {
	svc       *app.TaskService
	verifier  ports.TokenVerifier
	ready     ports.Pinger
	log       *slog.Logger
	bodyLimit int64
	origins   *originPolicy
	refusals  []refusal
	limiter   RateLimiter // nil: no limits
	drain     *Drain      // never nil; one never begun when Config.Drain is unset
	events    *app.Events // nil: no live events
	streams   *Streams
}

// New returns the router serving the contract's routes, /healthz, /readyz,
// the OpenAPI document and the docs page.
// It returns the *gin.Engine (an http.Handler) so that later routes (the API
// documents) can be added and all routes walked. ready may be nil when there
// is nothing to wait for; logger nil means slog.Default().
func New(cfg Config, svc *app.TaskService, verifier ports.TokenVerifier, ready ports.Pinger, logger *slog.Logger) *gin.Engine {
	// Release mode: no debug route dump on start, no per-request debug work.
	gin.SetMode(gin.ReleaseMode)
	if logger == nil {
		logger = slog.Default()
	}
	if cfg.BodyLimit <= 0 {
		cfg.BodyLimit = DefaultBodyLimit
	}
	if cfg.Drain == nil { // streams still wait on one, never begun
		cfg.Drain = new(Drain)
	}
	s := &server{
		svc: svc, verifier: verifier, ready: ready, log: logger,
		bodyLimit: cfg.BodyLimit, origins: newOriginPolicy(cfg.AllowedOrigins, cfg.AllowLoopbackOrigins),
		limiter: cfg.RateLimiter, drain: cfg.Drain,
		events: cfg.Events, streams: newStreams(cfg.KeepAlive, cfg.OnStream),
	}

	e := gin.New()
	// A redirect would break CORS preflights and drop POST bodies, so each
	// trailing-slash variant is a route of its own and anything else is 404.
	e.RedirectTrailingSlash = false
	e.RedirectFixedPath = false
	e.HandleMethodNotAllowed = true
	// We log RemoteAddr as is and never trust forwarding headers here; a
	// proxy in front adds its own log.
	e.ForwardedByClientIP = false
	_ = e.SetTrustedProxies(nil) // fails only on a malformed CIDR; nil has none

	// Global middleware also runs for the router's own 404 and 405, so those
	// get a request id, a log line, CORS headers and a problem body too.
	e.Use(cfg.Middleware...)
	e.Use(s.accessLog, s.recoverPanic, s.cors)
	e.NoRoute(s.noRoute)
	e.NoMethod(s.noMethod)

	// Whoever opens the server's address in a browser lands on the docs.
	e.GET("/", func(c *gin.Context) { c.Redirect(http.StatusFound, "/docs") })
	s.routes(e)
	return e
}

// routes registers the route table, the 405s that keep one path of it
// from answering for another, then the API documents, which describe that
// same table.
func (s *server) routes(e *gin.Engine) {
	table := s.routeTable()
	for _, r := range table {
		h := r.public
		switch {
		case r.authed != nil && r.doc.Ticket:
			h = s.streamAuthed(r.authed)
		case r.authed != nil:
			h = s.authed(r.authed)
		}
		e.Handle(r.doc.Method, r.doc.Path, h)
	}
	s.refusals = refusals(table)
	for _, r := range s.refusals {
		for _, m := range r.methods {
			e.Handle(m, r.path, s.refuseMethod(r.allow))
		}
	}
	docs := gin.WrapH(apidocs.New(api(table)).Handler())
	for _, p := range apidocs.Paths {
		e.GET(p, docs)
	}
}
