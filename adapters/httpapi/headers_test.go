package httpapi_test

import (
	"net/http"
	"net/http/httptest"
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
	tk := MustCreate(t, s, seed, user, `{"title":"a"}`)
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
	req := httptest.NewRequest("GET", seed.Item(user, tk.ID), nil)
	req.Header.Add("Authorization", "Bearer "+Token(user))
	MustTask(t, serve(s, req), http.StatusOK)
}
