package httpapi

import (
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"
)

// What a preflight from an allowed origin is told. Max-Age is Chromium's cap
// (2 h): origins change rarely, and each preflight costs the browser a round
// trip.
const (
	allowMethods  = "GET, POST, PUT, PATCH, DELETE, OPTIONS"
	allowHeaders  = "Authorization, Content-Type, X-Request-Id"
	exposeHeaders = "Location, X-Request-Id, Retry-After, WWW-Authenticate, RateLimit, RateLimit-Policy"
	maxAge        = "7200"
)

// originSet normalises the configured origins the way browsers serialise an
// Origin header: lower case, no trailing slash. "*" is dropped: the contract
// never answers with a wildcard, and credentials forbid one anyway.
func originSet(origins []string) map[string]bool {
	set := make(map[string]bool, len(origins))
	for _, o := range origins {
		o = strings.ToLower(strings.TrimRight(strings.TrimSpace(o), "/"))
		if o != "" && o != "*" {
			set[o] = true
		}
	}
	return set
}

// cors echoes an allowed origin (never "*", since credentials are allowed)
// and answers preflights before routing reaches authentication. Requests
// from other origins proceed without CORS headers: the browser keeps their
// answers from the page.
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
	allowed := s.origins[strings.ToLower(origin)]
	if c.Request.Method == http.MethodOptions && c.Request.Header.Get("Access-Control-Request-Method") != "" {
		s.preflight(c, h, origin, allowed)
		return
	}
	if allowed {
		allowOrigin(h, origin)
		h.Set("Access-Control-Expose-Headers", exposeHeaders)
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
