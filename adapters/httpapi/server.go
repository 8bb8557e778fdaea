package httpapi

import (
	"log/slog"

	"github.com/gin-gonic/gin"

	"github.com/todoapi/todo/adapters/httpapi/apidocs"

	"github.com/todoapi/todo/core/app"
	"github.com/todoapi/todo/ports"
)

// DefaultBodyLimit is the largest request body accepted when Config.BodyLimit
// is zero: 64 KiB, far above the largest valid task.
const DefaultBodyLimit int64 = 64 << 10

// Config is what the HTTP adapter needs from the configuration.
type Config struct {
	// AllowedOrigins are the browser origins (scheme://host[:port]) allowed
	// to call the API (CORS_ALLOWED_ORIGINS). None means no CORS headers.
	AllowedOrigins []string
	// BodyLimit caps request bodies, in bytes; 0 means DefaultBodyLimit.
	BodyLimit int64
	// RateLimiter, when set, limits the task routes (see ratelimit.go).
	RateLimiter RateLimiter
}

// server holds what the handlers share.
type server struct {
	svc       *app.TaskService
	verifier  ports.TokenVerifier
	ready     ports.Pinger
	log       *slog.Logger
	bodyLimit int64
	origins   map[string]bool
	limiter   RateLimiter // nil: no limits
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
	s := &server{
		svc: svc, verifier: verifier, ready: ready, log: logger,
		bodyLimit: cfg.BodyLimit, origins: originSet(cfg.AllowedOrigins), limiter: cfg.RateLimiter,
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
	e.Use(s.accessLog, s.recoverPanic, s.cors)
	e.NoRoute(s.noRoute)
	e.NoMethod(s.noMethod)

	e.GET("/healthz", s.healthz)
	e.GET("/readyz", s.readyz)
	s.routes(e)
	return e
}

// routes registers the task routes of both families from apidocs.Routes, the
// table the OpenAPI document is built from, so neither can drift from the
// other; then the document and the docs page.
func (s *server) routes(e *gin.Engine) {
	for _, r := range apidocs.Routes {
		e.Handle(r.Method, r.Path, s.authed(s.handler(r)))
	}
	docs := gin.WrapH(apidocs.Handler())
	for _, p := range apidocs.Paths {
		e.GET(p, docs)
	}
}

// handler returns the handler for a route's operation.
func (s *server) handler(r apidocs.Route) authedHandler {
	switch r.Op {
	case apidocs.OpList:
		return s.list
	case apidocs.OpCreate:
		// Location points into the family the client used.
		if r.Family == "hackathon" {
			return s.create("/tasks/")
		}
		return s.create("/")
	case apidocs.OpGet:
		return s.get
	case apidocs.OpUpdate:
		return s.update
	case apidocs.OpDelete:
		return s.delete
	case apidocs.OpToggle:
		return s.toggle
	case apidocs.OpComplete:
		return s.complete
	}
	panic("httpapi: no handler for operation " + r.Method + " " + r.Path)
}
