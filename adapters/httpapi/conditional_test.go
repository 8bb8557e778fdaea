package httpapi_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
)

// etagOf is the strong entity tag of a task at version.
func etagOf(version int64) string { return fmt.Sprintf("%q", fmt.Sprint(version)) }

// MustETag fails unless the response carries the entity tag.
func MustETag(t *testing.T, r Resp, want string) {
	t.Helper()
	if got := r.Header.Get("ETag"); got != want {
		t.Fatalf("ETag = %q, want %q", got, want)
	}
}

// MustNotModified fails unless the response is a 304 without a body,
// carrying the entity tag.
func MustNotModified(t *testing.T, r Resp, etag string) {
	t.Helper()
	if r.Status != http.StatusNotModified || len(r.Body) != 0 {
		t.Fatalf("status %d with %d bytes, want 304 without a body: %s", r.Status, len(r.Body), r.Body)
	}
	MustETag(t, r, etag)
}

// Every answer with one task carries a strong ETag, its version, which
// moves exactly when the version does: not on a change that changes
// nothing.
func TestTaskETag(t *testing.T) {
	t.Parallel()
	for _, f := range families {
		t.Run(f.name, func(t *testing.T) {
			t.Parallel()
			s, user := MustServer(t), NewUser()
			created := s.MustDo(t, Req{Method: "POST", Path: f.Collection(user), Token: Token(user), Body: `{"title":"a"}`})
			tk := MustTask(t, created, http.StatusCreated)
			MustETag(t, created, etagOf(1))
			steps := []struct {
				req     Req
				version int64
			}{
				{Req{Method: "GET", Path: f.Item(user, tk.ID)}, 1},
				{Req{Method: "PATCH", Path: f.Item(user, tk.ID), Body: `{"title":"b"}`}, 2},
				{Req{Method: "PUT", Path: f.Item(user, tk.ID), Body: `{"title":"b"}`}, 2}, // no change, no new version
				{Req{Method: "PATCH", Path: f.Flip(user, tk.ID)}, 3},
				{Req{Method: "GET", Path: f.Item(user, tk.ID)}, 3},
			}
			for _, st := range steps {
				st.req.Token = Token(user)
				r := s.MustDo(t, st.req)
				got := MustTask(t, r, http.StatusOK)
				if got.Version != st.version {
					t.Fatalf("%s %s: version %d, want %d", st.req.Method, st.req.Path, got.Version, st.version)
				}
				MustETag(t, r, etagOf(st.version))
			}
		})
	}
}

// A read whose If-None-Match names the current ETag (compared weakly, in a
// list, or as "*") answers 304 without a body; one that names another
// answers the task.
func TestGetIfNoneMatch(t *testing.T) {
	t.Parallel()
	s, user := MustServer(t), NewUser()
	tk := MustCreate(t, s, tasksPaths, user, `{"title":"a"}`)
	get := func(f family, inm string) Resp {
		return s.MustDo(t, Req{Method: "GET", Path: f.Item(user, tk.ID), Token: Token(user), Header: map[string]string{"If-None-Match": inm}})
	}
	for _, f := range families {
		for _, inm := range []string{`"1"`, `W/"1"`, `"7", "1"`, `"7",W/"1"`, "*", ` "1" `} {
			MustNotModified(t, get(f, inm), etagOf(1))
		}
		for _, inm := range []string{`"2"`, `"01"`, `W/"2", "3"`, `"x"`} {
			MustETag(t, get(f, inm), etagOf(1))
			MustTask(t, get(f, inm), http.StatusOK)
		}
	}
	s.MustDo(t, Req{Method: "PATCH", Path: shortPaths.Flip(user, tk.ID), Token: Token(user)})
	r := get(tasksPaths, `"1"`)
	MustTask(t, r, http.StatusOK)
	MustETag(t, r, etagOf(2))
	// A task the caller may not see is what it would be without the header.
	MustProblem(t, s.MustDo(t, Req{Method: "GET", Path: tasksPaths.Item(user, tk.ID), Token: Token(NewUser()),
		Header: map[string]string{"If-None-Match": "*"}}), http.StatusForbidden)
	MustProblem(t, s.MustDo(t, Req{Method: "GET", Path: tasksPaths.Item(user, "0193b5c2-6a4e-7c1e-9f7a-2b1f0c9d8e7a"), Token: Token(user),
		Header: map[string]string{"If-None-Match": "*"}}), http.StatusNotFound)
}

// A list carries a weak ETag of what it answers: the same list answers 304
// to it, any change to a task on it, or to the page, gives another.
func TestListETag(t *testing.T) {
	t.Parallel()
	s, user := MustServer(t), NewUser()
	list := func(query, inm string) Resp {
		return s.MustDo(t, Req{Method: "GET", Path: shortPaths.Collection(user) + query, Token: Token(user),
			Header: map[string]string{"If-None-Match": inm}})
	}
	empty := list("", "")
	MustTasks(t, empty)
	first := empty.Header.Get("ETag")
	if !strings.HasPrefix(first, `W/"`) {
		t.Fatalf("a list's ETag = %q, want a weak one", first)
	}
	MustNotModified(t, list("", first), first)
	MustNotModified(t, list("", strings.TrimPrefix(first, "W/")), first) // weak comparison
	MustNotModified(t, list("", "*"), first)

	a := MustCreate(t, s, shortPaths, user, `{"title":"a"}`)
	seen := map[string]bool{first: true}
	next := func(what string) string {
		t.Helper()
		r := list("", first)
		MustTasks(t, r)
		tag := r.Header.Get("ETag")
		if seen[tag] {
			t.Fatalf("after %s the list's ETag %q is one it had before", what, tag)
		}
		seen[tag] = true
		return tag
	}
	next("a create")
	s.MustDo(t, Req{Method: "PATCH", Path: shortPaths.Flip(user, a.ID), Token: Token(user)})
	tag := next("a toggle")
	MustNotModified(t, list("", tag), tag)

	// A page and the same tasks with another page after it differ too.
	MustCreate(t, s, shortPaths, user, `{"title":"b"}`)
	page := list("?limit=1", "")
	MustCreate(t, s, shortPaths, user, `{"title":"c"}`)
	MustCreate(t, s, shortPaths, user, `{"title":"b"}`)
	if got := list("?limit=2", "").Header.Get("ETag"); got == page.Header.Get("ETag") {
		t.Fatal("two different pages share an ETag")
	}
	// The 304 of a page keeps its Link.
	two := list("?limit=2", "")
	again := list("?limit=2", two.Header.Get("ETag"))
	MustNotModified(t, again, two.Header.Get("ETag"))
	if again.Header.Get("Link") == "" || again.Header.Get("Link") != two.Header.Get("Link") {
		t.Fatalf("304's Link = %q, want the page's %q", again.Header.Get("Link"), two.Header.Get("Link"))
	}
}

// A read's If-Match is evaluated as well (RFC 9110 §13.2.2): 412 with the
// current ETag unless it names it strongly.
func TestGetIfMatch(t *testing.T) {
	t.Parallel()
	s, user := MustServer(t), NewUser()
	tk := MustCreate(t, s, shortPaths, user, `{"title":"a"}`)
	get := func(path, im string) Resp {
		return s.MustDo(t, Req{Method: "GET", Path: path, Token: Token(user), Header: map[string]string{"If-Match": im}})
	}
	MustTask(t, get(shortPaths.Item(user, tk.ID), `"1"`), http.StatusOK)
	MustTask(t, get(shortPaths.Item(user, tk.ID), "*"), http.StatusOK)
	for _, im := range []string{`"2"`, `W/"1"`} {
		r := get(shortPaths.Item(user, tk.ID), im)
		MustProblem(t, r, http.StatusPreconditionFailed)
		MustETag(t, r, etagOf(1))
	}
	MustTasks(t, get(shortPaths.Collection(user), "*"))
	lst := get(shortPaths.Collection(user), "")
	r := get(shortPaths.Collection(user), lst.Header.Get("ETag"))
	MustProblem(t, r, http.StatusPreconditionFailed) // a weak tag never matches strongly
	MustETag(t, r, lst.Header.Get("ETag"))
}

// writeRoutes are the writes on one task, of both families, as requests
// without token or preconditions.
func writeRoutes(user, id string) []Req {
	var rs []Req
	for _, f := range families {
		rs = append(rs,
			Req{Method: "PUT", Path: f.Item(user, id), Body: `{"title":"put"}`},
			Req{Method: "PATCH", Path: f.Item(user, id), Body: `{"description":"patched"}`},
			Req{Method: "PATCH", Path: f.Flip(user, id)},
		)
	}
	rs = append(rs, Req{Method: "PATCH", Path: tasksPaths.Flip(user, id), Body: `{"completed":true}`})
	return append(rs, Req{Method: "DELETE", Path: shortPaths.Item(user, id)}, Req{Method: "DELETE", Path: tasksPaths.Item(user, id)})
}

// Every write with an If-Match that names no current version answers 412
// with the current ETag and changes nothing; with the current one, or "*",
// it goes through. If-None-Match that names the current version, or "*",
// fails it the same way. A task the caller may not see, or a request
// without a valid token, answers as without the header.
func TestWriteIfMatch(t *testing.T) {
	t.Parallel()
	for i, route := range writeRoutes("u", "id") {
		t.Run(fmt.Sprint(i, route.Method, route.Path), func(t *testing.T) {
			t.Parallel()
			s, user := MustServer(t), NewUser()
			tk := MustCreate(t, s, shortPaths, user, `{"title":"a"}`)
			req := func(header, value string) Req {
				r := writeRoutes(user, tk.ID)[i]
				r.Token, r.Header = Token(user), map[string]string{header: value}
				return r
			}
			before := MustGet(t, s, user, tk.ID)
			for _, pre := range [][2]string{
				{"If-Match", `"2"`}, {"If-Match", `W/"1"`}, {"If-Match", `"0", "3"`},
				{"If-None-Match", `"1"`}, {"If-None-Match", `W/"1"`}, {"If-None-Match", "*"},
			} {
				r := s.MustDo(t, req(pre[0], pre[1]))
				MustProblem(t, r, http.StatusPreconditionFailed)
				MustETag(t, r, etagOf(1))
				if after := MustGet(t, s, user, tk.ID); after != before {
					t.Fatalf("%s: %s changed the task:\n%s\n%s", pre[0], pre[1], before, after)
				}
			}

			other := req("If-Match", `"2"`)
			other.Token = Token(NewUser())
			MustProblem(t, s.MustDo(t, other), http.StatusForbidden)
			other.Token = "bad"
			MustProblem(t, s.MustDo(t, other), http.StatusUnauthorized)
			missing := writeRoutes(user, "0193b5c2-6a4e-7c1e-9f7a-2b1f0c9d8e7a")[i]
			missing.Token, missing.Header = Token(user), map[string]string{"If-Match": "*"}
			MustProblem(t, s.MustDo(t, missing), http.StatusNotFound)

			for _, pre := range [][2]string{{"If-Match", `"7", "1"`}, {"If-Match", "*"}, {"If-None-Match", `"2"`}} {
				fresh := MustCreate(t, s, shortPaths, user, `{"title":"a"}`)
				r := writeRoutes(user, fresh.ID)[i]
				r.Token, r.Header = Token(user), map[string]string{pre[0]: pre[1]}
				if resp := s.MustDo(t, r); resp.Status >= 300 {
					t.Fatalf("%s: %s: %d %s", pre[0], pre[1], resp.Status, resp.Body)
				}
			}
		})
	}
}

// Malformed preconditions are a 400 on every route that reads them.
func TestMalformedPreconditions(t *testing.T) {
	t.Parallel()
	s, user := MustServer(t), NewUser()
	tk := MustCreate(t, s, shortPaths, user, `{"title":"a"}`)
	routes := append(writeRoutes(user, tk.ID), Req{Method: "GET", Path: shortPaths.Item(user, tk.ID)}, Req{Method: "GET", Path: shortPaths.Collection(user)})
	for _, r := range routes {
		for _, h := range []string{"If-Match", "If-None-Match"} {
			for _, v := range []string{"1", `"1`, `"1" "2"`, `W/1`, "\"a b\""} {
				r.Token, r.Header = Token(user), map[string]string{h: v}
				p := MustProblem(t, s.MustDo(t, r), http.StatusBadRequest)
				if !strings.Contains(p.Detail, h) {
					t.Fatalf("%s %s with %s: %s: detail %q does not name the header", r.Method, r.Path, h, v, p.Detail)
				}
			}
		}
	}
	if got := MustGet(t, s, user, tk.ID); !strings.Contains(got, `"version":1`) {
		t.Fatalf("a malformed precondition changed the task: %s", got)
	}
}
