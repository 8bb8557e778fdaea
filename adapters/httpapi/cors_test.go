package httpapi_test

import (
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/todoapi/todo/adapters/httpapi"
)

func preflight(path, origin, method string) Req {
	return Req{Method: "OPTIONS", Path: path, Header: map[string]string{
		"Origin": origin, "Access-Control-Request-Method": method,
		"Access-Control-Request-Headers": "authorization,content-type",
	}}
}

// TestPreflight checks that an allowed origin's preflight gets its grants on
// every route, without a token, and that another origin's gets none.
func TestPreflight(t *testing.T) {
	t.Parallel()
	s, user := MustServer(t), NewUser()
	for _, route := range allRoutes(user, "01a2145b-4e72-7c0f-8345-41e37133067a") {
		resp := s.MustDo(t, preflight(route.Path, allowedOrigin, route.Method))
		MustStatus(t, resp, http.StatusNoContent)
		h := resp.Header
		if h.Get("Access-Control-Allow-Origin") != allowedOrigin || h.Get("Access-Control-Allow-Credentials") != "true" {
			t.Fatalf("%s: allow origin %q, credentials %q", route.Path, h.Get("Access-Control-Allow-Origin"), h.Get("Access-Control-Allow-Credentials"))
		}
		if got := headerSet(h.Get("Access-Control-Allow-Methods")); !slices.Equal(got, []string{"DELETE", "GET", "OPTIONS", "PATCH", "POST", "PUT"}) {
			t.Fatalf("Allow-Methods = %v", got)
		}
		if got := strings.ToLower(h.Get("Access-Control-Allow-Headers")); !strings.Contains(got, "authorization") || !strings.Contains(got, "content-type") {
			t.Fatalf("Allow-Headers = %q", got)
		}
		if h.Get("Access-Control-Max-Age") == "" || !slices.Contains(h.Values("Vary"), "Origin") || h.Get("Allow") != "" || len(resp.Body) != 0 {
			t.Fatalf("preflight headers %v, body %q", h, resp.Body)
		}
	}
	for _, origin := range []string{"https://evil.example", "null", "http://localhost:3001", "http://localhost:3000.evil.example"} {
		resp := s.MustDo(t, preflight(shortPaths.Collection(user), origin, "POST"))
		MustProblem(t, resp, http.StatusForbidden)
		MustNoCORS(t, resp)
	}
}

// TestCORSResponses checks the headers on actual requests: an allowed
// origin is echoed on successes and errors alike, another gets none.
func TestCORSResponses(t *testing.T) {
	t.Parallel()
	s, user := MustServer(t), NewUser()
	origin := map[string]string{"Origin": allowedOrigin}
	for _, r := range []Req{
		{Method: "POST", Path: shortPaths.Collection(user), Token: Token(user), Body: `{"title":"a"}`, Header: origin},
		{Method: "GET", Path: shortPaths.Collection(user), Token: Token(user), Header: origin},
		{Method: "GET", Path: shortPaths.Collection(user), Header: origin},                          // 401
		{Method: "GET", Path: shortPaths.Collection(NewUser()), Token: Token(user), Header: origin}, // 403
		{Method: "GET", Path: "/nope", Header: origin},                                              // 404
		{Method: "DELETE", Path: "/healthz", Header: origin},                                        // 405
	} {
		resp := s.MustDo(t, r)
		h := resp.Header
		if h.Get("Access-Control-Allow-Origin") != allowedOrigin || h.Get("Access-Control-Allow-Credentials") != "true" {
			t.Fatalf("%s %s (%d): no CORS grant: %v", r.Method, r.Path, resp.Status, h)
		}
		expose := headerSet(h.Get("Access-Control-Expose-Headers"))
		if !slices.Contains(expose, "Location") || !slices.Contains(expose, "X-Request-Id") || !slices.Contains(h.Values("Vary"), "Origin") {
			t.Fatalf("%s %s: expose %v, vary %v", r.Method, r.Path, expose, h.Values("Vary"))
		}
		r.Header = map[string]string{"Origin": "https://evil.example"}
		refused := s.MustDo(t, r)
		MustNoCORS(t, refused)
		if refused.Status != resp.Status && r.Method == "GET" {
			t.Fatalf("%s %s: status %d for another origin, %d for the allowed one", r.Method, r.Path, refused.Status, resp.Status)
		}
	}
}

// TestCORSOrigins checks how configured origins are matched.
func TestCORSOrigins(t *testing.T) {
	t.Parallel()
	s := MustServer(t, func(c *httpapi.Config) {
		c.AllowedOrigins = []string{" HTTPS://App.Example.com/ ", "", "*", "http://127.0.0.1:5173"}
	})
	for origin, allowed := range map[string]bool{
		"https://app.example.com": true, "https://App.Example.com": true, "http://127.0.0.1:5173": true,
		"http://app.example.com": false, "https://evil.example": false, "*": false, // never a wildcard, never echoed
	} {
		resp := s.MustDo(t, Req{Method: "GET", Path: "/healthz", Header: map[string]string{"Origin": origin}})
		if got := resp.Header.Get("Access-Control-Allow-Origin"); (got == origin) != allowed || (got != "" && got != origin) {
			t.Errorf("origin %q: Access-Control-Allow-Origin = %q, allowed %v", origin, got, allowed)
		}
	}
	none := MustServer(t, func(c *httpapi.Config) { c.AllowedOrigins = nil })
	MustNoCORS(t, none.MustDo(t, Req{Method: "GET", Path: "/healthz", Header: map[string]string{"Origin": allowedOrigin}}))
}

// MustNoCORS fails if the response grants anything to the origin.
func MustNoCORS(t *testing.T, r Resp) {
	t.Helper()
	for k := range r.Header {
		if strings.HasPrefix(k, "Access-Control-") {
			t.Fatalf("CORS header %s: %q on a refused origin", k, r.Header.Get(k))
		}
	}
}
