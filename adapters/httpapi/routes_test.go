package httpapi_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// TestTaskJSON checks the exact bytes of a created task: member order,
// null description, six-digit UTC times.
func TestTaskJSON(t *testing.T) {
	t.Parallel()
	s, user := MustServer(t), NewUser()
	r := s.MustDo(t, Req{Method: "POST", Path: tasksPaths.Collection(user), Token: Token(user), Body: `{"title":"Buy milk"}`})
	tk := MustTask(t, r, http.StatusCreated)
	want := fmt.Sprintf(`{"id":"%s","user_id":"%s","title":"Buy milk","description":null,"completed":false,`+
		`"priority":"medium","tags":[],"due_date":null,"remind_at":null,"recurrence":"none",`+
		`"completed_at":null,"next_occurrence_id":null,"version":1,`+
		`"created_at":"2026-11-25T19:40:00.123456Z","updated_at":"2026-11-25T19:40:00.123456Z"}`, tk.ID, user)
	if got := string(r.Body); got != want {
		t.Fatalf("body =\n%s\nwant\n%s", got, want)
	}
	// The clock's second reading has trailing zeros; they stay.
	r = s.MustDo(t, Req{Method: "POST", Path: shortPaths.Collection(user), Token: Token(user), Body: `{"title":"Buy milk"}`})
	if tk := MustTask(t, r, http.StatusCreated); tk.CreatedAt != "2026-11-25T19:40:00.124000Z" {
		t.Fatalf("created_at = %s, want 2026-11-25T19:40:00.124000Z", tk.CreatedAt)
	}
}

// TestRoutes walks every route of both families, with both spellings of the
// collection, through one task's life.
func TestRoutes(t *testing.T) {
	t.Parallel()
	for _, f := range families {
		for _, coll := range f.collections {
			t.Run(f.name+" "+coll, func(t *testing.T) {
				t.Parallel()
				s, user := MustServer(t), NewUser()
				tok, path := Token(user), fmt.Sprintf(coll, user)

				r := s.MustDo(t, Req{Method: "POST", Path: path, Token: tok, Body: `{"title":" Buy milk ","description":"2 l"}`})
				created := MustTask(t, r, http.StatusCreated)
				item := f.Item(user, created.ID)
				if got := r.Header.Get("Location"); got != item {
					t.Fatalf("Location = %q, want %q", got, item)
				}
				if created.Title != "Buy milk" || *created.Description != "2 l" || created.Completed || created.UserID != user {
					t.Fatalf("created %+v", created)
				}

				list := MustTasks(t, s.MustDo(t, Req{Method: "GET", Path: path, Token: tok}))
				if len(list) != 1 || !reflect.DeepEqual(list[0], created) {
					t.Fatalf("list = %+v, want [%+v]", list, created)
				}
				if got := MustTask(t, s.MustDo(t, Req{Method: "GET", Path: item, Token: tok}), http.StatusOK); !reflect.DeepEqual(got, created) {
					t.Fatalf("get = %+v, want %+v", got, created)
				}
				if got := MustTask(t, s.MustDo(t, Req{Method: "PUT", Path: item, Token: tok, Body: `{"title":"Buy bread"}`}), http.StatusOK); got.Title != "Buy bread" {
					t.Fatalf("after PUT title = %q", got.Title)
				}
				if got := MustTask(t, s.MustDo(t, Req{Method: "PATCH", Path: item, Token: tok, Body: `{"description":"wholemeal"}`}), http.StatusOK); *got.Description != "wholemeal" || got.Title != "Buy bread" {
					t.Fatalf("after PATCH %+v", got)
				}
				if got := MustTask(t, s.MustDo(t, Req{Method: "PATCH", Path: f.Flip(user, created.ID), Token: tok}), http.StatusOK); !got.Completed {
					t.Fatalf("after %s completed = false", f.flip)
				}

				r = s.MustDo(t, Req{Method: "DELETE", Path: item, Token: tok})
				MustStatus(t, r, http.StatusNoContent)
				if len(r.Body) != 0 || r.Header.Get("Content-Type") != "" {
					t.Fatalf("204 with body %q, Content-Type %q", r.Body, r.Header.Get("Content-Type"))
				}
				MustProblem(t, s.MustDo(t, Req{Method: "GET", Path: item, Token: tok}), http.StatusNotFound)
				MustProblem(t, s.MustDo(t, Req{Method: "DELETE", Path: item, Token: tok}), http.StatusNotFound)
			})
		}
	}
}

// TestList checks `[]` for no tasks and newest first across both families.
// A response declares its length, however long: a list larger than
// net/http's buffer is not sent chunked.
func TestListDeclaresItsLength(t *testing.T) {
	t.Parallel()
	s, user := MustServer(t), NewUser()
	for i := range 30 {
		MustCreate(t, s, families[0], user, fmt.Sprintf(`{"title":"task %d with a title long enough to fill the list"}`, i))
	}
	r := s.MustDo(t, Req{Method: "GET", Path: families[0].Collection(user), Token: Token(user)})
	if len(MustTasks(t, r)) != 30 || len(r.Body) <= 4096 {
		t.Fatalf("list of %d bytes; want 30 tasks in more than 4 KiB", len(r.Body))
	}
	if got := r.Header.Get("Content-Length"); got != strconv.Itoa(len(r.Body)) {
		t.Errorf("Content-Length = %q for a %d-byte body", got, len(r.Body))
	}
}

func TestList(t *testing.T) {
	t.Parallel()
	s, user := MustServer(t), NewUser()
	for _, f := range families {
		for _, coll := range f.collections {
			r := s.MustDo(t, Req{Method: "GET", Path: fmt.Sprintf(coll, user), Token: Token(user)})
			MustTasks(t, r)
			if string(r.Body) != "[]" {
				t.Fatalf("GET %s with no tasks = %s, want []", coll, r.Body)
			}
		}
	}
	var ids []string
	for i := range 4 {
		ids = append(ids, MustCreate(t, s, families[i%2], user, fmt.Sprintf(`{"title":"task %d"}`, i)).ID)
	}
	for _, f := range families {
		list := MustTasks(t, s.MustDo(t, Req{Method: "GET", Path: f.Collection(user), Token: Token(user)}))
		for i, tk := range list {
			if want := ids[len(ids)-1-i]; tk.ID != want {
				t.Fatalf("%s list[%d] = %s, want %s (newest first)", f.name, i, tk.ID, want)
			}
		}
	}
}

// TestTasksIsNotATaskID checks that the static "tasks" segment and the
// short paths' task id parameter don't swallow each other.
func TestTasksIsNotATaskID(t *testing.T) {
	t.Parallel()
	s, user := MustServer(t), NewUser()
	tok := Token(user)
	MustCreate(t, s, shortPaths, user, `{"title":"x"}`)

	// /api/{user}/tasks is the /tasks list, not a task called "tasks".
	if list := MustTasks(t, s.MustDo(t, Req{Method: "GET", Path: "/api/" + user + "/tasks", Token: tok})); len(list) != 1 {
		t.Fatalf("list has %d tasks, want 1", len(list))
	}
	// Below the collection, "tasks" and "toggle" are task ids like any other.
	for _, r := range []Req{
		{Method: "GET", Path: "/api/" + user + "/tasks/tasks"},
		{Method: "GET", Path: "/api/" + user + "/tasksx"},
		{Method: "DELETE", Path: "/api/" + user + "/tasks/tasks"},
		{Method: "PATCH", Path: "/api/" + user + "/tasks/toggle", Body: `{}`},
		{Method: "PATCH", Path: "/api/" + user + "/tasks/tasks/complete"},
	} {
		r.Token = tok
		if p := MustProblem(t, s.MustDo(t, r), http.StatusNotFound); p.Detail != "Task not found." {
			t.Errorf("%s %s: detail %q, want the core's not found", r.Method, r.Path, p.Detail)
		}
	}
}

// TestCollectionMethods checks that the collection /api/{user}/tasks
// answers only for itself: a method it lacks is a 405 listing the
// collection's own methods, not a request for a task with the id "tasks"
// (the id forgotten), and not the methods of the item routes.
func TestCollectionMethods(t *testing.T) {
	t.Parallel()
	s, user := MustServer(t), NewUser()
	tk := MustCreate(t, s, tasksPaths, user, `{"title":"x"}`)
	before := MustGet(t, s, user, tk.ID)
	for _, path := range []string{"/api/" + user + "/tasks", "/api/" + user + "/tasks/", "/api/" + user, "/api/" + user + "/"} {
		for _, method := range []string{"PUT", "PATCH", "DELETE", "OPTIONS", "HEAD", "PROPFIND"} {
			for _, token := range []string{Token(user), ""} {
				resp := s.MustDo(t, Req{Method: method, Path: path, Token: token, Body: `{"title":"y"}`})
				if method == "HEAD" {
					MustStatus(t, resp, http.StatusMethodNotAllowed) // a HEAD answer has no body
				} else if p := MustProblem(t, resp, http.StatusMethodNotAllowed); !strings.Contains(p.Detail, "allowed: GET, POST") {
					t.Errorf("%s %s: detail %q", method, path, p.Detail)
				}
				if got := headerSet(resp.Header.Get("Allow")); !slices.Equal(got, []string{"GET", "POST"}) {
					t.Errorf("%s %s: Allow = %v, want [GET POST]", method, path, got)
				}
			}
		}
	}
	if after := MustGet(t, s, user, tk.ID); after != before {
		t.Fatalf("refused requests changed the task:\n%s\n%s", before, after)
	}
	// A preflight is no request for the collection and still gets its grants.
	MustStatus(t, s.MustDo(t, preflight("/api/"+user+"/tasks", allowedOrigin, "PUT")), http.StatusNoContent)
}

// TestStrings checks that text survives the hand-written JSON encoder.
func TestStrings(t *testing.T) {
	t.Parallel()
	s, user := MustServer(t), NewUser()
	for _, title := range []string{
		`quote " backslash \ slash /`, "del\x7f and C1 \u0085",
		"<b>&amp;</b>", "emoji 😀 and ü", "line\u2028para\u2029end", "bad utf-8 \xff\xfe",
	} {
		in, _ := json.Marshal(map[string]string{"title": title, "description": title})
		r := s.MustDo(t, Req{Method: "POST", Path: shortPaths.Collection(user), Token: Token(user), Body: string(in)})
		tk := MustTask(t, r, http.StatusCreated)
		var sent map[string]string // as the server reads it: invalid UTF-8 already replaced
		_ = json.Unmarshal(in, &sent)
		if tk.Title != strings.TrimSpace(sent["title"]) || *tk.Description != sent["description"] {
			t.Errorf("title %q came back as %q", title, tk.Title)
		}
		if strings.ContainsAny(string(r.Body), "\u2028\u2029") {
			t.Errorf("U+2028/U+2029 not escaped in %s", r.Body)
		}
	}
	// A description keeps its tabs and line breaks, escaped on the way out.
	r := s.MustDo(t, Req{Method: "POST", Path: shortPaths.Collection(user), Token: Token(user),
		Body: `{"title":"multiline","description":"tab\tnewline\ncr\r"}`})
	if tk := MustTask(t, r, http.StatusCreated); *tk.Description != "tab\tnewline\ncr\r" {
		t.Errorf("description came back as %q", *tk.Description)
	}
}

// TestControlCharacters refuses NUL and the other C0 controls with a 422
// naming the field, wherever they stand (a NUL broke both stores once).
func TestControlCharacters(t *testing.T) {
	t.Parallel()
	s, user := MustServer(t), NewUser()
	for _, tc := range []struct{ body, field string }{
		{`{"title":"\u0000x"}`, "title"},
		{`{"title":"x\u0000y"}`, "title"},
		{`{"title":"bell\u0007"}`, "title"},
		{`{"title":"tab\tinside"}`, "title"},
		{`{"title":"ok","description":"\u0000"}`, "description"},
		{`{"title":"ok","description":"a\u0000b"}`, "description"},
		{`{"title":"ok","description":"escape\u001b[31m"}`, "description"},
	} {
		r := s.MustDo(t, Req{Method: "POST", Path: shortPaths.Collection(user), Token: Token(user), Body: tc.body})
		p := MustProblem(t, r, http.StatusUnprocessableEntity)
		if len(p.Errors) != 1 || p.Errors[0].Field != tc.field {
			t.Errorf("%s: errors %+v, want one naming %s", tc.body, p.Errors, tc.field)
		}
	}
}
