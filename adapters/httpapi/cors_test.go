package httpapi_test

import (
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/todoapi/todo/adapters/httpapi"
)

// The request headers a preflight allows and the response headers browser
// code may read, as the contract lists them.
var (
	corsRequestHeaders = []string{"Authorization", "Content-Type", "If-Match", "If-None-Match", "Idempotency-Key", "Prefer", "Last-Event-ID", "X-Request-Id", "traceparent", "tracestate"}
	corsExposed        = []string{"Link", "ETag", "Location", "X-Total-Count", "X-Change-Cursor", "X-Request-Id", "Retry-After",
		"RateLimit", "RateLimit-Policy", "Idempotent-Replayed", "WWW-Authenticate"}
)

// lowerSet is headerSet in lower case: header names are case-insensitive.
func lowerSet(v string) []string { return headerSet(strings.ToLower(v)) }

// mustInclude fails unless every name is in the header's list.
func mustInclude(t *testing.T, what, header string, names []string) {
	t.Helper()
	got := lowerSet(header)
	for _, n := range names {
		if !slices.Contains(got, strings.ToLower(n)) {
			t.Fatalf("%s %q lacks %s", what, header, n)
		}
	}
}

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
		mustInclude(t, "Access-Control-Allow-Headers", h.Get("Access-Control-Allow-Headers"), corsRequestHeaders)
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
		mustInclude(t, "Access-Control-Expose-Headers", h.Get("Access-Control-Expose-Headers"), corsExposed)
		if !slices.Contains(h.Values("Vary"), "Origin") {
			t.Fatalf("%s %s: vary %v", r.Method, r.Path, h.Values("Vary"))
		}
		r.Header = map[string]string{"Origin": "https://evil.example"}
		refused := s.MustDo(t, r)
		MustNoCORS(t, refused)
		if refused.Status != resp.Status && r.Method == "GET" {
			t.Fatalf("%s %s: status %d for another origin, %d for the allowed one", r.Method, r.Path, refused.Status, resp.Status)
		}
	}
}

// TestCORSPreflightHeaders: a preflight for a request that sends every
// header a frontend of this API may send is granted all of them, as a
// browser checks them (case-insensitively), and the list can be read
// from a page: Link and X-Total-Count are exposed.
func TestCORSPreflightHeaders(t *testing.T) {
	t.Parallel()
	s, user := MustServer(t), NewUser()
	r := preflight(tasksPaths.Collection(user)+"?status=open", allowedOrigin, "GET")
	r.Header["Access-Control-Request-Headers"] = strings.ToLower(strings.Join(corsRequestHeaders, ","))
	resp := s.MustDo(t, r)
	MustStatus(t, resp, http.StatusNoContent)
	mustInclude(t, "Access-Control-Allow-Headers", resp.Header.Get("Access-Control-Allow-Headers"), corsRequestHeaders)

	MustSeed(t, s, user, 3)
	list := s.MustDo(t, Req{Method: "GET", Path: tasksPaths.Collection(user) + "?limit=2", Token: Token(user),
		Header: map[string]string{"Origin": allowedOrigin, "Prefer": "count=exact"}})
	MustTasks(t, list)
	if list.Header.Get("Link") == "" || list.Header.Get("X-Total-Count") != "3" {
		t.Fatalf("Link %q, X-Total-Count %q", list.Header.Get("Link"), list.Header.Get("X-Total-Count"))
	}
	mustInclude(t, "Access-Control-Expose-Headers", list.Header.Get("Access-Control-Expose-Headers"), []string{"Link", "X-Total-Count", "Preference-Applied"})
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

// TestCORSLoopbackOrigins: in development a page served from any port of
// this machine may call the API (a Next.js or Vite dev server), and
// nothing that merely looks like one may; elsewhere only the list counts.
func TestCORSLoopbackOrigins(t *testing.T) {
	t.Parallel()
	dev := MustServer(t, func(c *httpapi.Config) { c.AllowLoopbackOrigins = true })
	prod := MustServer(t)
	user := NewUser()
	for _, origin := range []string{
		"http://127.0.0.1:3000", "http://localhost:5173", "https://localhost", "http://[::1]:8080",
		"http://LOCALHOST:4000", "https://127.0.0.1:443", allowedOrigin,
	} {
		resp := dev.MustDo(t, preflight(shortPaths.Collection(user), origin, "POST"))
		MustStatus(t, resp, http.StatusNoContent)
		if got := resp.Header.Get("Access-Control-Allow-Origin"); got != origin {
			t.Errorf("development, %s: Access-Control-Allow-Origin = %q", origin, got)
		}
		if origin != allowedOrigin {
			refused := prod.MustDo(t, preflight(shortPaths.Collection(user), origin, "POST"))
			MustProblem(t, refused, http.StatusForbidden)
			MustNoCORS(t, refused)
		}
	}
	for _, origin := range []string{
		"http://localhost.evil.example", "http://localhost:3000.evil.example", "http://127.0.0.2:3000",
		"http://evil.example/localhost", "ftp://localhost", "http://localhost:", "http://localhost:99999x",
		"http://[::1].evil.example", "null", "http://user@localhost:3000",
	} {
		resp := dev.MustDo(t, preflight(shortPaths.Collection(user), origin, "POST"))
		MustProblem(t, resp, http.StatusForbidden)
		MustNoCORS(t, resp)
	}
}

// TestCORSRefusalIsLogged: the browser hides why a cross-origin call
// failed, so the log names the refused origin and the setting to change,
// once per origin; a page of this server calling it is not a refusal.
func TestCORSRefusalIsLogged(t *testing.T) {
	t.Parallel()
	s, user := MustServer(t), NewUser()
	const origin = "http://localhost:5173"
	s.MustDo(t, preflight(shortPaths.Collection(user), origin, "POST"))
	MustLogged(t, s, `"level":"WARN"`, `"origin":"`+origin+`"`, "CORS_ALLOWED_ORIGINS", `"cors_allowed_origins":"`+allowedOrigin+`"`)
	s.MustDo(t, Req{Method: "GET", Path: shortPaths.Collection(user), Token: Token(user), Header: map[string]string{"Origin": origin}})
	if n := strings.Count(s.logs.String(), `"level":"WARN"`); n != 1 {
		t.Fatalf("%d warnings for one refused origin, want 1:\n%s", n, s.logs)
	}
	s.MustDo(t, Req{Method: "GET", Path: shortPaths.Collection(user), Token: Token(user), Header: map[string]string{"Origin": "https://evil.example"}})
	MustLogged(t, s, `"level":"WARN"`, `"origin":"https://evil.example"`)

	// httptest's requests are for Host example.com.
	s.MustDo(t, Req{Method: "POST", Path: shortPaths.Collection(user), Token: Token(user), Body: `{"title":"a"}`, Header: map[string]string{"Origin": "http://example.com"}})
	if strings.Contains(s.logs.String(), `"origin":"http://example.com"`) {
		t.Fatalf("a same-origin request was logged as refused:\n%s", s.logs)
	}
}
