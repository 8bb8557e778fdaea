package httpapi_test

import (
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
)

// serve sends req through the router as it is, for what Req can't express
// (a header sent twice).
func serve(s *Server, req *http.Request) Resp {
	rec := httptest.NewRecorder()
	s.h.ServeHTTP(rec, req)
	return Resp{Status: rec.Code, Header: rec.Result().Header, Body: rec.Body.Bytes()}
}

// TestTwoAuthorizationHeaders: a request with two Authorization headers is
// refused, even when both are good, on every route; one alone still works.
func TestTwoAuthorizationHeaders(t *testing.T) {
	t.Parallel()
	s, user := MustServer(t), NewUser()
	tk := MustCreate(t, s, shortPaths, user, `{"title":"a"}`)
	const challenge = `Bearer realm="todo", error="invalid_token", error_description="Send one Authorization header, not several."`
	for _, pair := range [][2]string{
		{"Bearer " + Token(user), "Bearer " + Token(user)},
		{"Bearer " + Token(user), "Bearer " + Token(NewUser())},
		{"Bearer nope", "Bearer " + Token(user)},
		{"Bearer " + Token(user), ""},
	} {
		for _, r := range allRoutes(user, tk.ID) {
			req := httptest.NewRequest(r.Method, r.Path, nil)
			req.Header.Add("Authorization", pair[0])
			req.Header.Add("Authorization", pair[1])
			resp := serve(s, req)
			MustProblem(t, resp, http.StatusUnauthorized)
			if got := resp.Header.Get("WWW-Authenticate"); got != challenge {
				t.Fatalf("%s %s with %q: WWW-Authenticate = %q, want %q", r.Method, r.Path, pair, got, challenge)
			}
		}
	}
	req := httptest.NewRequest("GET", shortPaths.Item(user, tk.ID), nil)
	req.Header.Add("Authorization", "Bearer "+Token(user))
	MustTask(t, serve(s, req), http.StatusOK)
}

// TestSecurityHeaders: every response says nosniff; every response under
// /api/, errors included, says no-store, since it is about a user's data.
func TestSecurityHeaders(t *testing.T) {
	t.Parallel()
	s, user := MustServer(t), NewUser()
	tk := MustCreate(t, s, shortPaths, user, `{"title":"a"}`)
	doomed := MustCreate(t, s, tasksPaths, user, `{"title":"b"}`)
	type call struct {
		method, path, token, body string
		status                    int
	}
	api := []call{
		{"GET", shortPaths.Collection(user), Token(user), "", 200},
		{"POST", tasksPaths.Collection(user), Token(user), `{"title":"c"}`, 201},
		{"GET", shortPaths.Item(user, tk.ID), Token(user), "", 200},
		{"PATCH", tasksPaths.Flip(user, tk.ID), Token(user), "", 200},
		{"DELETE", tasksPaths.Item(user, doomed.ID), Token(user), "", 204},
		{"GET", shortPaths.Item(user, tk.ID), "", "", 401},
		{"GET", shortPaths.Item(user, tk.ID), Token(NewUser()), "", 403},
		{"GET", shortPaths.Item(user, "01a2145b-4e72-7c0f-8345-41e37133067a"), Token(user), "", 404},
		{"POST", shortPaths.Collection(user), Token(user), `{"title":`, 400},
		{"POST", shortPaths.Collection(user), Token(user), `{"title":""}`, 422},
		{"GET", "/api/" + user + "/tasks/" + tk.ID + "/x/y", Token(user), "", 404},
		{"POST", shortPaths.Item(user, tk.ID), Token(user), "", 405},
	}
	other := []call{
		{"GET", "/healthz", "", "", 200},
		{"GET", "/readyz", "", "", 200},
		{"GET", "/openapi.json", "", "", 200},
		{"GET", "/docs", "", "", 200},
		{"GET", "/nope", "", "", 404},
	}
	for i, c := range append(api, other...) {
		req := httptest.NewRequest(c.method, c.path, strings.NewReader(c.body))
		if c.token != "" {
			req.Header.Set("Authorization", "Bearer "+c.token)
		}
		resp := serve(s, req)
		if resp.Status != c.status {
			t.Fatalf("%s %s: status %d, want %d; body %s", c.method, c.path, resp.Status, c.status, resp.Body)
		}
		if got := resp.Header.Values("X-Content-Type-Options"); len(got) != 1 || got[0] != "nosniff" {
			t.Errorf("%s %s: X-Content-Type-Options = %q, want nosniff", c.method, c.path, got)
		}
		want := []string{"no-store"}
		if i >= len(api) {
			want = nil // nothing of a user's: caches may keep the document
		}
		if got := resp.Header.Values("Cache-Control"); !slices.Equal(got, want) {
			t.Errorf("%s %s: Cache-Control = %q, want %q", c.method, c.path, got, want)
		}
	}
	// A preflight for an API route, too.
	req := httptest.NewRequest("OPTIONS", shortPaths.Collection(user), nil)
	req.Header.Set("Origin", allowedOrigin)
	req.Header.Set("Access-Control-Request-Method", "POST")
	resp := serve(s, req)
	if resp.Status != http.StatusNoContent || resp.Header.Get("X-Content-Type-Options") != "nosniff" || resp.Header.Get("Cache-Control") != "no-store" {
		t.Errorf("preflight: %d, headers %v", resp.Status, resp.Header)
	}
}
