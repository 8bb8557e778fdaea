package httpapi_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
)

// TestHealth checks that /healthz answers 200 whatever the store does, and
// /readyz follows the store down and back up; neither needs a token.
func TestHealth(t *testing.T) {
	t.Parallel()
	s := MustServer(t)
	mustOK := func(path string) {
		t.Helper()
		r := s.MustDo(t, Req{Method: "GET", Path: path})
		MustStatus(t, r, http.StatusOK)
		MustContentType(t, r, "application/json")
		if string(r.Body) != `{"status":"ok"}` {
			t.Fatalf("%s body %s", path, r.Body)
		}
	}
	mustOK("/healthz")
	mustOK("/readyz")

	s.repo.Set(unavailable)
	mustOK("/healthz")
	r := s.MustDo(t, Req{Method: "GET", Path: "/readyz"})
	MustProblem(t, r, http.StatusServiceUnavailable)
	if r.Header.Get("Retry-After") != "5" || strings.Contains(string(r.Body), secret) {
		t.Fatalf("readyz down: Retry-After %q, body %s", r.Header.Get("Retry-After"), r.Body)
	}
	MustLogged(t, s, `"route":"/readyz"`, `"status":503`, `"level":"ERROR"`, secret)

	s.repo.Set(healthy)
	mustOK("/readyz")
}

// TestRequestID checks that every response carries an id: the caller's when
// it is sane, a fresh one otherwise.
func TestRequestID(t *testing.T) {
	t.Parallel()
	s, user := MustServer(t), NewUser()
	reqs := []Req{
		{Method: "GET", Path: shortPaths.Collection(user), Token: Token(user)},
		{Method: "GET", Path: shortPaths.Collection(user)},
		{Method: "GET", Path: "/nope"},
		preflight("/healthz", allowedOrigin, "GET"),
	}
	for _, r := range reqs {
		for _, given := range []string{"abc-123", "req_" + strings.Repeat("x", 124)} {
			r.Header = merge(r.Header, "X-Request-Id", given)
			if got := s.MustDo(t, r).Header.Get("X-Request-Id"); got != given {
				t.Fatalf("%s %s: X-Request-Id %q, want the caller's %q", r.Method, r.Path, got, given)
			}
		}
		seen := map[string]bool{}
		for _, given := range []string{"", "has space", "bad\x01byte", "ünï", strings.Repeat("x", 129), "", ""} {
			r.Header = merge(r.Header, "X-Request-Id", given)
			got := s.MustDo(t, r).Header.Get("X-Request-Id")
			if got == "" || got == given || seen[got] || len(got) > 128 {
				t.Fatalf("%s %s given %q: X-Request-Id %q, want a fresh id", r.Method, r.Path, given, got)
			}
			seen[got] = true
		}
	}
}

func merge(h map[string]string, k, v string) map[string]string {
	out := map[string]string{k: v}
	for hk, hv := range h {
		if hk != k {
			out[hk] = hv
		}
	}
	return out
}

// TestAccessLog checks the one line per request: its fields, its levels,
// and that no token ever reaches it.
func TestAccessLog(t *testing.T) {
	t.Parallel()
	s, user := MustServer(t), NewUser()
	const badToken = "bad-token-that-must-not-be-logged"
	MustCreate(t, s, tasksPaths, user, `{"title":"a"}`)
	s.MustDo(t, Req{Method: "GET", Path: tasksPaths.Collection(user) + "?access_token=" + badToken, Token: Token(user),
		Header: map[string]string{"X-Request-Id": "trace-1"}})
	s.MustDo(t, Req{Method: "GET", Path: shortPaths.Collection(user), Token: badToken})
	s.repo.Set(broken)
	s.MustDo(t, Req{Method: "GET", Path: shortPaths.Collection(user), Token: Token(user)})

	logs := s.logs.String()
	for _, leak := range []string{Token(user), badToken, "Bearer", "Authorization"} {
		if strings.Contains(logs, leak) {
			t.Fatalf("log contains %q:\n%s", leak, logs)
		}
	}
	lines := strings.Split(strings.TrimSpace(logs), "\n")
	if len(lines) != 4 {
		t.Fatalf("%d log lines for 4 requests:\n%s", len(lines), logs)
	}
	var line map[string]any
	if err := json.Unmarshal([]byte(lines[1]), &line); err != nil {
		t.Fatal(err)
	}
	for k, want := range map[string]any{
		"level": "INFO", "method": "GET", "route": "/api/:user_id/tasks", "path": "/api/" + user + "/tasks",
		"status": 200.0, "request_id": "trace-1", "user_id": user, "remote_addr": "192.0.2.1:1234",
	} {
		if line[k] != want {
			t.Errorf("log %s = %v, want %v", k, line[k], want)
		}
	}
	if line["bytes"].(float64) < 100 || line["duration"] == nil {
		t.Errorf("log bytes %v, duration %v", line["bytes"], line["duration"])
	}
	MustLogged(t, s, `"level":"INFO"`, `"status":401`)
	MustLogged(t, s, `"level":"ERROR"`, `"status":500`, `"user_id":"`+user+`"`, secret)
}

// TestRootRedirectsToDocs: opening the server's address in a browser shows
// the docs page.
func TestRootRedirectsToDocs(t *testing.T) {
	t.Parallel()
	s := MustServer(t)
	r := s.MustDo(t, Req{Method: "GET", Path: "/"})
	MustStatus(t, r, http.StatusFound)
	if got := r.Header.Get("Location"); got != "/docs" {
		t.Fatalf("Location = %q, want /docs", got)
	}
}
