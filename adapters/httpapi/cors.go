package httpapi

import (
	"net/http"
	"strings"
	"sync"

	"github.com/gin-gonic/gin"
)

// What a preflight from an allowed origin is told, and which response
// headers browser code may read. Max-Age is Chromium's cap (2 h): origins
// change rarely, and each preflight costs the browser a round trip. The
// request headers are those the API reads, or will (conditional requests,
// idempotency keys, Prefer, the event stream's Last-Event-ID), so a
// frontend does not fail its preflight the day it starts sending one; the
// exposed ones are those it answers with, or will.
const (
	allowMethods  = "GET, POST, PUT, PATCH, DELETE, OPTIONS"
	allowHeaders  = "Authorization, Content-Type, If-Match, If-None-Match, Idempotency-Key, Prefer, Last-Event-ID, X-Request-Id, traceparent, tracestate"
	exposeHeaders = "Link, ETag, Location, X-Total-Count, X-Change-Cursor, X-Request-Id, Retry-After, RateLimit, RateLimit-Policy, " +
		"Idempotent-Replayed, Preference-Applied, WWW-Authenticate"
	maxAge = "7200"
)

// originPolicy decides which browser origins may call the API.
type originPolicy struct {
	set      map[string]bool // the configured origins, normalised
	list     string          // the same, as configured, for the log
	loopback bool            // any localhost, 127.0.0.1 or [::1] origin too
	refused  refusedOrigins
}

// newOriginPolicy normalises the configured origins the way browsers
// serialise an Origin header: lower case, no trailing slash. "*" is dropped:
// the contract never answers with a wildcard, and credentials forbid one
// anyway.
func newOriginPolicy(origins []string, loopback bool) *originPolicy {
	set := make(map[string]bool, len(origins))
	for _, o := range origins {
		o = strings.ToLower(strings.TrimRight(strings.TrimSpace(o), "/"))
		if o != "" && o != "*" {
			set[o] = true
		}
	}
	return &originPolicy{set: set, list: strings.Join(origins, ","), loopback: loopback, refused: refusedOrigins{seen: map[string]bool{}}}
}

func (p *originPolicy) allows(origin string) bool {
	origin = strings.ToLower(origin)
	return p.set[origin] || p.loopback && isLoopbackOrigin(origin)
}

// isLoopbackOrigin reports whether a lower-cased origin is http or https on
// localhost, 127.0.0.1 or [::1], with or without a port.
func isLoopbackOrigin(origin string) bool {
	rest, ok := strings.CutPrefix(origin, "http://")
	if !ok {
		if rest, ok = strings.CutPrefix(origin, "https://"); !ok {
			return false
		}
	}
	host, port := rest, ""
	if i := strings.LastIndexByte(rest, ':'); i >= 0 && !strings.HasSuffix(rest, "]") {
		host, port = rest[:i], rest[i+1:]
		if port == "" || len(port) > 5 || strings.Trim(port, "0123456789") != "" {
			return false
		}
	}
	return host == "localhost" || host == "127.0.0.1" || host == "[::1]"
}

// refusedOrigins remembers which refused origins were logged, so that the
// log names each once rather than on every request; it forgets them all
// when it holds too many, so that it stays small whatever callers send.
type refusedOrigins struct {
	mu   sync.Mutex
	seen map[string]bool
}

const maxRefusedOrigins = 256

// first reports whether origin is refused for the first time.
func (r *refusedOrigins) first(origin string) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.seen[origin] {
		return false
	}
	if len(r.seen) >= maxRefusedOrigins {
		clear(r.seen)
	}
	r.seen[origin] = true
	return true
}

// cors echoes an allowed origin (never "*", since credentials are allowed)
// and answers preflights before routing reaches authentication. Requests
// from other origins proceed without CORS headers: the browser keeps their
// answers from the page, and the log says why (see refuseOrigin).
func (s *server) cors(c *gin.Context) {
	h := c.Writer.Header()
	// The answer depends on Origin even when there is none, for caches. The
	// shared slice saves an allocation per request; its length equals its
	// capacity, so a later Add copies it rather than writing into it.
	h["Vary"] = varyOrigin
	origin := c.Request.Header.Get("Origin")
	if origin == "" {
		return
	}
	allowed := s.origins.allows(origin)
	if !allowed {
		s.refuseOrigin(c, origin)
	}
	if c.Request.Method == http.MethodOptions && c.Request.Header.Get("Access-Control-Request-Method") != "" {
		s.preflight(c, h, origin, allowed)
		return
	}
	if allowed {
		allowOrigin(h, origin)
		h.Set("Access-Control-Expose-Headers", exposeHeaders)
	}
}

// refuseOrigin logs, once per origin, that a browser page on origin may not call
// the API: the browser shows its code only an opaque failure, so the log is
// where the reason can be read. A page of this server (the docs page) sends
// its own origin, which needs no CORS and is not logged.
func (s *server) refuseOrigin(c *gin.Context, origin string) {
	if _, host, _ := strings.Cut(origin, "://"); strings.EqualFold(host, c.Request.Host) {
		return
	}
	if s.origins.refused.first(origin) {
		s.log.WarnContext(c.Request.Context(), "CORS: refused a browser origin; add it to CORS_ALLOWED_ORIGINS to let its pages call the API",
			"origin", origin, "cors_allowed_origins", s.origins.list, "method", c.Request.Method, "path", c.Request.URL.Path)
	}
}

// preflight answers 204 with the CORS grants, or 403 for another origin.
// No route takes OPTIONS, so preflights arrive through the router's 405 path;
// the Allow header it set is not part of this answer.
func (s *server) preflight(c *gin.Context, h http.Header, origin string, allowed bool) {
	h.Del("Allow")
	h.Add("Vary", "Access-Control-Request-Method")
	h.Add("Vary", "Access-Control-Request-Headers")
	if !allowed {
		writeProblem(c, http.StatusForbidden, "This origin is not allowed to call the API.", nil)
		return
	}
	allowOrigin(h, origin)
	h.Set("Access-Control-Allow-Methods", allowMethods)
	h.Set("Access-Control-Allow-Headers", allowHeaders)
	h.Set("Access-Control-Max-Age", maxAge)
	c.AbortWithStatus(http.StatusNoContent)
}

var varyOrigin = []string{"Origin"}

func allowOrigin(h http.Header, origin string) {
	h.Set("Access-Control-Allow-Origin", origin)
	h.Set("Access-Control-Allow-Credentials", "true")
}
