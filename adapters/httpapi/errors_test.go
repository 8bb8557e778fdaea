package httpapi_test

import (
	"io"
	"net/http"
	"slices"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/todoapi/todo/adapters/httpapi"
)

// TestBadRequest checks 400 for bodies that are not one JSON object or have
// a member of the wrong type, and that none of them creates or changes a task.
func TestBadRequest(t *testing.T) {
	t.Parallel()
	s, user := MustServer(t), NewUser()
	tk := MustCreate(t, s, shortPaths, user, `{"title":"a"}`)
	before := MustGet(t, s, user, tk.ID)
	bodies := []string{
		"", "  \n", `{"title":`, `{"title":"a"} {}`, `{"title":"a",}`, "not json", `[]`, `"a"`, `null`, `42`,
		`{"title":5}`, `{"title":["a"]}`, `{"title":"a","description":5}`, `{"title":"a","description":{}}`,
		`{"title":"a","completed":"yes"}`, `{"title":"a","completed":0}`,
	}
	for _, f := range families {
		for _, body := range bodies {
			for _, r := range []Req{
				{Method: "POST", Path: f.Collection(user), Body: body},
				{Method: "PUT", Path: f.Item(user, tk.ID), Body: body},
				{Method: "PATCH", Path: f.Item(user, tk.ID), Body: body},
			} {
				r.Token = Token(user)
				if resp := s.MustDo(t, r); resp.Status != http.StatusBadRequest {
					t.Errorf("%s %s with %q: status %d, want 400", r.Method, r.Path, body, resp.Status)
				} else {
					MustProblem(t, resp, http.StatusBadRequest)
				}
			}
		}
	}
	if list := MustTasks(t, s.MustDo(t, Req{Method: "GET", Path: shortPaths.Collection(user), Token: Token(user)})); len(list) != 1 {
		t.Fatalf("%d tasks after bad requests, want 1", len(list))
	}
	if after := MustGet(t, s, user, tk.ID); after != before {
		t.Fatalf("bad requests changed the task:\n%s\n%s", before, after)
	}
}

// TestNotJSON checks that a body that is not JSON, a form above all, is
// told what to send, with the parser's reason.
func TestNotJSON(t *testing.T) {
	t.Parallel()
	s, user := MustServer(t), NewUser()
	tk := MustCreate(t, s, tasksPaths, user, `{"title":"a"}`)
	form := map[string]string{"Content-Type": "application/x-www-form-urlencoded"}
	for _, r := range []Req{
		{Method: "POST", Path: shortPaths.Collection(user), Body: "title=x", Header: form},
		{Method: "PUT", Path: tasksPaths.Item(user, tk.ID), Body: "title=x&completed=true", Header: form},
		{Method: "PATCH", Path: tasksPaths.Flip(user, tk.ID), Body: "completed=true", Header: form},
		{Method: "POST", Path: tasksPaths.Collection(user), Body: `{"title":"a",}`},
	} {
		r.Token = Token(user)
		p := MustProblem(t, s.MustDo(t, r), http.StatusBadRequest)
		if !strings.HasPrefix(p.Detail, "The request body must be JSON (Content-Type: application/json): invalid character") {
			t.Errorf("%s %s with %q: detail %q", r.Method, r.Path, r.Body, p.Detail)
		}
	}
	r := Req{Method: "POST", Path: shortPaths.Collection(user), Token: Token(user), Body: "title=x", Header: form}
	if p, want := MustProblem(t, s.MustDo(t, r), http.StatusBadRequest),
		"The request body must be JSON (Content-Type: application/json): invalid character 'i' in literal true (expecting 'r')."; p.Detail != want {
		t.Errorf("detail %q, want %q", p.Detail, want)
	}
}

// TestUnauthorized checks 401 and its challenge for every way a token can be
// missing or wrong, on every route.
func TestUnauthorized(t *testing.T) {
	t.Parallel()
	s, user := MustServer(t), NewUser()
	tk := MustCreate(t, s, shortPaths, user, `{"title":"a"}`)
	const missing = `Bearer realm="todo"`
	const invalid = `Bearer realm="todo", error="invalid_token", error_description=`
	cases := []struct{ auth, challenge string }{
		{"", missing},
		{"Basic dXNlcjpwYXNz", missing},
		{"Bearertoken", missing},
		{"Bearer", invalid + `"The bearer token is malformed."`},
		{"Bearer   ", invalid + `"The bearer token is malformed."`},
		{"Bearer a b", invalid + `"The bearer token is malformed."`},
		{"Bearer nope", invalid + `"The token is not valid."`},
		{"Bearer valid-", invalid + `"The token is not valid."`},
		{"Bearer weird", invalid + `"Key ?k1? unknown.?"`},
	}
	for _, route := range allRoutes(user, tk.ID) {
		for _, c := range cases {
			r := route
			r.Header = map[string]string{"Authorization": c.auth}
			resp := s.MustDo(t, r)
			MustProblem(t, resp, http.StatusUnauthorized)
			if got := resp.Header.Get("WWW-Authenticate"); got != c.challenge {
				t.Fatalf("%s %s with %q: WWW-Authenticate = %q, want %q", r.Method, r.Path, c.auth, got, c.challenge)
			}
		}
	}
	// The scheme is case-insensitive.
	r := Req{Method: "GET", Path: shortPaths.Item(user, tk.ID), Header: map[string]string{"Authorization": "bEARER " + Token(user)}}
	MustTask(t, s.MustDo(t, r), http.StatusOK)
}

// countingReader counts the bytes read from an endless body.
type countingReader struct{ n atomic.Int64 }

func (r *countingReader) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = ' '
	}
	r.n.Add(int64(len(p)))
	return len(p), nil
}

// TestUnauthenticatedBodyNotRead checks that authentication comes first: a
// huge body without a valid token is refused without reading a byte.
func TestUnauthenticatedBodyNotRead(t *testing.T) {
	t.Parallel()
	s, user := MustServer(t), NewUser()
	for _, route := range allRoutes(user, "01a2145b-4e72-7c0f-8345-41e37133067a") {
		for _, token := range []string{"", "bad"} {
			body := &countingReader{}
			route.Token, route.BodyReader = token, body
			MustProblem(t, s.MustDo(t, route), http.StatusUnauthorized)
			if n := body.n.Load(); n != 0 {
				t.Fatalf("%s %s: read %d bytes of an unauthenticated body", route.Method, route.Path, n)
			}
		}
	}
	// A declared length over the limit is refused unread.
	body := &countingReader{}
	r := Req{Method: "POST", Path: shortPaths.Collection(user), Token: Token(user), BodyReader: body, Length: httpapi.DefaultBodyLimit + 1}
	MustProblem(t, s.MustDo(t, r), http.StatusRequestEntityTooLarge)
	if n := body.n.Load(); n != 0 {
		t.Fatalf("read %d bytes of a body declared over the limit", n)
	}
	// An endless body of unknown length is cut off at the limit.
	body = &countingReader{}
	r = Req{Method: "POST", Path: shortPaths.Collection(user), Token: Token(user), BodyReader: body}
	MustProblem(t, s.MustDo(t, r), http.StatusRequestEntityTooLarge)
	if n := body.n.Load(); n > 2*httpapi.DefaultBodyLimit {
		t.Fatalf("read %d bytes of a body over the limit", n)
	}
}

// TestTooLarge checks the 64 KiB default limit at its edge, for declared and
// undeclared (chunked) lengths, and a configured limit.
func TestTooLarge(t *testing.T) {
	t.Parallel()
	s, user := MustServer(t), NewUser()
	tk := MustCreate(t, s, tasksPaths, user, `{"title":"a"}`)
	// A title of limit-12 runes makes a body of exactly the limit: read, then refused by the rules.
	body := func(size int64) string { return `{"title":"` + strings.Repeat("x", int(size)-12) + `"}` }
	exact, over := body(httpapi.DefaultBodyLimit), body(httpapi.DefaultBodyLimit+1)
	for _, r := range []Req{
		{Method: "POST", Path: tasksPaths.Collection(user)},
		{Method: "PUT", Path: tasksPaths.Item(user, tk.ID)},
		{Method: "PATCH", Path: shortPaths.Item(user, tk.ID)},
		{Method: "PATCH", Path: tasksPaths.Flip(user, tk.ID)},
	} {
		r.Token = Token(user)
		r.Body = exact
		if resp := s.MustDo(t, r); resp.Status == http.StatusRequestEntityTooLarge {
			t.Fatalf("%s %s: a body of exactly the limit was refused", r.Method, r.Path)
		}
		r.Body = over
		MustProblem(t, s.MustDo(t, r), http.StatusRequestEntityTooLarge)
		r.Body, r.BodyReader = "", struct{ io.Reader }{strings.NewReader(over)} // length unknown
		MustProblem(t, s.MustDo(t, r), http.StatusRequestEntityTooLarge)
	}

	small := MustServer(t, func(c *httpapi.Config) { c.BodyLimit = 32 })
	r := Req{Method: "POST", Path: shortPaths.Collection(user), Token: Token(user), Body: `{"title":"this body is 33 bytes"}`}
	MustProblem(t, small.MustDo(t, r), http.StatusRequestEntityTooLarge)
	r.Body = `{"title":"this body is 32 bytes"}`[1:]
	MustProblem(t, small.MustDo(t, r), http.StatusBadRequest) // read, then found not to be JSON
}

// TestNotFound checks 404 for unknown and malformed task ids on every item
// route, and the router's own 404 and 405 as problems with Allow.
func TestNotFound(t *testing.T) {
	t.Parallel()
	s, user := MustServer(t), NewUser()
	for _, id := range []string{"01a2145b-4e72-7c0f-8345-41e37133067a", "123", "not-a-uuid", "01A2145B-4E72-7C0F-8345-41E37133067Z"} {
		for _, r := range allRoutes(user, id)[4:] {
			r.Token, r.Body = Token(user), `{"title":"a"}`
			if p := MustProblem(t, s.MustDo(t, r), http.StatusNotFound); p.Detail != "Task not found." {
				t.Errorf("%s %s: detail %q", r.Method, r.Path, p.Detail)
			}
		}
	}
	for _, path := range []string{"/api", "/api/", "/nope", "/index.html", "/api/" + user + "/x/y/z", "/api/" + user + "/tasks/x/y", "/healthz/"} {
		MustProblem(t, s.MustDo(t, Req{Method: "GET", Path: path, Token: Token(user)}), http.StatusNotFound)
	}
	for _, c := range []struct {
		method, path string
		allow        []string
	}{
		{"DELETE", "/api/" + user + "/tasks/", []string{"GET", "POST"}},
		{"PUT", "/api/" + user + "/", []string{"GET", "POST"}},
		{"POST", "/api/" + user + "/x", []string{"DELETE", "GET", "PATCH", "PUT"}},
		{"GET", "/api/" + user + "/x/toggle", []string{"PATCH"}},
		{"POST", "/healthz", []string{"GET"}},
	} {
		resp := s.MustDo(t, Req{Method: c.method, Path: c.path, Token: Token(user)})
		MustProblem(t, resp, http.StatusMethodNotAllowed)
		if got := headerSet(resp.Header.Get("Allow")); !slices.Equal(got, c.allow) {
			t.Errorf("%s %s: Allow = %v, want %v", c.method, c.path, got, c.allow)
		}
	}
}

// allRoutes lists one request per route of both families, collections
// first (4 of them), on the user's path and the task id.
func allRoutes(user, id string) []Req {
	var rs []Req
	for _, f := range families {
		rs = append(rs, Req{Method: "POST", Path: f.Collection(user)}, Req{Method: "GET", Path: f.Collection(user)})
	}
	for _, f := range families {
		for _, m := range []string{"GET", "PUT", "PATCH", "DELETE"} {
			rs = append(rs, Req{Method: m, Path: f.Item(user, id)})
		}
		rs = append(rs, Req{Method: "PATCH", Path: f.Flip(user, id)})
	}
	return rs
}
