package httpapi_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/todoapi/todo/core/task"
)

// TestUnprocessable checks 422 for each rule, with errors naming each
// broken field in the core's words, and that the limits themselves are
// accepted.
func TestUnprocessable(t *testing.T) {
	t.Parallel()
	s, user := MustServer(t), NewUser()
	long := func(n int) string { return strings.Repeat("é", n) } // code points, not bytes
	for _, c := range []struct {
		body   string
		fields []string
	}{
		{`{"title":""}`, []string{"title"}},
		{`{"title":" \t\n "}`, []string{"title"}},
		{`{"title":"` + long(task.MaxTitleLength+1) + `"}`, []string{"title"}},
		{`{"title":"a","description":"` + long(task.MaxDescriptionLength+1) + `"}`, []string{"description"}},
		{`{}`, []string{"title"}},
		{`{"description":"d"}`, []string{"title"}},
		{`{"title":null}`, []string{"title"}},
		{`{"title":"","description":"` + long(task.MaxDescriptionLength+1) + `"}`, []string{"title", "description"}},
	} {
		for _, f := range families {
			r := s.MustDo(t, Req{Method: "POST", Path: f.Collection(user), Token: Token(user), Body: c.body})
			MustFields(t, r, c.fields...)
		}
	}
	// Missing is worded apart from empty.
	p := MustProblem(t, s.MustDo(t, Req{Method: "POST", Path: shortPaths.Collection(user), Token: Token(user), Body: `{}`}), http.StatusUnprocessableEntity)
	if p.Errors[0].Message != "is required" || !strings.Contains(p.Detail, "title") {
		t.Fatalf("missing title: %+v", p)
	}
	r := s.MustDo(t, Req{Method: "POST", Path: shortPaths.Collection(user), Token: Token(user), Body: `{"title":"` + long(task.MaxTitleLength+1) + `"}`})
	if p := MustProblem(t, r, http.StatusUnprocessableEntity); p.Errors[0].Message != task.MsgTitleTooLong {
		t.Fatalf("too long a title: %+v, want %q", p.Errors, task.MsgTitleTooLong)
	}
	// Several broken fields: the detail names each, not only errors.
	r = s.MustDo(t, Req{Method: "POST", Path: tasksPaths.Collection(user), Token: Token(user), Body: `{"title":"","description":"` + long(task.MaxDescriptionLength+1) + `"}`})
	if p, want := MustProblem(t, r, http.StatusUnprocessableEntity), "title: "+task.MsgEmpty+"; description: "+task.MsgDescriptionLen; p.Detail != want {
		t.Fatalf("detail %q, want %q", p.Detail, want)
	}
	if list := MustTasks(t, s.MustDo(t, Req{Method: "GET", Path: shortPaths.Collection(user), Token: Token(user)})); len(list) != 0 {
		t.Fatalf("%d tasks created by invalid bodies", len(list))
	}

	tk := MustCreate(t, s, shortPaths, user, `{"title":"`+long(task.MaxTitleLength)+`","description":"`+long(task.MaxDescriptionLength)+`"}`)
	for _, c := range []struct {
		body   string
		fields []string
	}{
		{`{"title":null}`, []string{"title"}},
		{`{"title":"  "}`, []string{"title"}},
		{`{"title":"` + long(task.MaxTitleLength+1) + `"}`, []string{"title"}},
		{`{"description":"` + long(task.MaxDescriptionLength+1) + `"}`, []string{"description"}},
		{`{"completed":null}`, []string{"completed"}},
		{`{"title":null,"description":"` + long(task.MaxDescriptionLength+1) + `","completed":null}`, []string{"title", "description", "completed"}},
	} {
		for _, f := range families {
			MustFields(t, s.MustDo(t, Req{Method: "PATCH", Path: f.Item(user, tk.ID), Token: Token(user), Body: c.body}), c.fields...)
		}
	}
}

// TestForbidden checks 403 for another user's path, before anything else
// about the request is considered.
func TestForbidden(t *testing.T) {
	t.Parallel()
	s, owner, other := MustServer(t), NewUser(), NewUser()
	tk := MustCreate(t, s, shortPaths, owner, `{"title":"a"}`)
	for _, r := range allRoutes(owner, tk.ID) {
		r.Token, r.Body = Token(other), `{"title":"b","completed":true}`
		MustProblem(t, s.MustDo(t, r), http.StatusForbidden)
	}
}

// TestStoreFailures checks the statuses of a failing store: 409, 503 with
// Retry-After and recovery, 500 without a word of the cause, which is logged.
func TestStoreFailures(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		fault  fault
		status int
	}{
		{conflicting, http.StatusConflict},
		{unavailable, http.StatusServiceUnavailable},
		{broken, http.StatusInternalServerError},
		{internal, http.StatusInternalServerError},
		{panicking, http.StatusInternalServerError},
	} {
		t.Run(fmt.Sprint(c.status, c.fault), func(t *testing.T) {
			t.Parallel()
			s, user := MustServer(t), NewUser()
			tk := MustCreate(t, s, shortPaths, user, `{"title":"a"}`)
			s.repo.Set(c.fault)
			syncRoutes := []Req{{Method: "GET", Path: trashPath(user)}, {Method: "GET", Path: changesPath(user)},
				{Method: "POST", Path: restorePath(user, tk.ID)}, {Method: "DELETE", Path: trashItem(user, tk.ID)}}
			for _, r := range append(allRoutes(user, tk.ID), syncRoutes...) {
				r.Token, r.Body = Token(user), `{"title":"b"}`
				resp := s.MustDo(t, r)
				p := MustProblem(t, resp, c.status)
				if strings.Contains(string(resp.Body), secret) {
					t.Fatalf("%s %s: the cause leaked: %s", r.Method, r.Path, resp.Body)
				}
				if c.status == http.StatusInternalServerError && p.Detail != "Internal error." {
					t.Fatalf("500 detail %q", p.Detail)
				}
				if got, want := resp.Header.Get("Retry-After"), map[bool]string{true: "5"}[c.status == 503]; got != want {
					t.Fatalf("Retry-After = %q, want %q", got, want)
				}
			}
			if c.status >= 500 {
				MustLogged(t, s, `"level":"ERROR"`, secret)
			}
			if c.fault == panicking {
				MustLogged(t, s, `"stack":"goroutine `, "repository exploded")
			}
			s.repo.Set(healthy)
			if got := MustGet(t, s, user, tk.ID); !strings.Contains(got, `"title":"a"`) {
				t.Fatalf("after recovery: %s", got)
			}
		})
	}
}

// TestVerifierUnavailable checks that a verifier that cannot work answers
// 503, not 401: the token may well be good.
func TestVerifierUnavailable(t *testing.T) {
	t.Parallel()
	s, user := MustServer(t), NewUser()
	resp := s.MustDo(t, Req{Method: "GET", Path: shortPaths.Collection(user), Token: "unavailable"})
	MustProblem(t, resp, http.StatusServiceUnavailable)
	if resp.Header.Get("Retry-After") != "5" || resp.Header.Get("WWW-Authenticate") != "" {
		t.Fatalf("headers %v", resp.Header)
	}
}

// MustLogged fails unless one log line contains every part.
func MustLogged(t *testing.T, s *Server, parts ...string) {
	t.Helper()
	for _, line := range strings.Split(s.logs.String(), "\n") {
		found := true
		for _, p := range parts {
			found = found && strings.Contains(line, p)
		}
		if found {
			return
		}
	}
	t.Fatalf("no log line contains %q; log:\n%s", parts, s.logs.String())
}
