package httpapi_test

import (
	"net/http"
	"testing"
)

// TestMerge checks that PUT and PATCH, in both families, change only the
// members present.
func TestMerge(t *testing.T) {
	t.Parallel()
	for _, f := range families {
		for _, method := range []string{"PUT", "PATCH"} {
			t.Run(f.name+" "+method, func(t *testing.T) {
				t.Parallel()
				s, user := MustServer(t), NewUser()
				orig := MustCreate(t, s, f, user, `{"title":"Buy milk","description":"2 l"}`)
				do := func(body string) Resp {
					return s.MustDo(t, Req{Method: method, Path: f.Item(user, orig.ID), Token: Token(user), Body: body})
				}

				got := MustTask(t, do(`{"completed":true}`), http.StatusOK)
				if !got.Completed || got.Title != orig.Title || *got.Description != "2 l" || got.CreatedAt != orig.CreatedAt {
					t.Fatalf("completed only: %+v", got)
				}
				if got.UpdatedAt <= orig.UpdatedAt {
					t.Fatalf("updated_at %s did not move past %s", got.UpdatedAt, orig.UpdatedAt)
				}
				got = MustTask(t, do(`{"title":"  Buy oat milk  "}`), http.StatusOK)
				if got.Title != "Buy oat milk" || *got.Description != "2 l" || !got.Completed {
					t.Fatalf("title only: %+v", got)
				}
				if got = MustTask(t, do(`{"description":null}`), http.StatusOK); got.Description != nil || got.Title != "Buy oat milk" {
					t.Fatalf("description null: %+v", got)
				}

				before := MustGet(t, s, user, orig.ID)
				MustFields(t, do(`{"title":null}`), "title")
				MustFields(t, do(`{"completed":null,"description":"kept?"}`), "completed")
				MustFields(t, do(`{"title":"","description":"kept?"}`), "title")
				// Read-only, unknown and wrongly cased members are ignored; {} changes nothing.
				MustTask(t, do(`{"id":"01a2145b-4e72-7c0f-8345-41e37133067a","user_id":"mallory",`+
					`"created_at":"2000-01-01T00:00:00Z","updated_at":"2000-01-01T00:00:00Z","owner":"x","Title":"SHOUT"}`), http.StatusOK)
				MustTask(t, do(`{}`), http.StatusOK)
				if after := MustGet(t, s, user, orig.ID); after != before {
					t.Fatalf("task changed by refused or empty writes:\n%s\n%s", before, after)
				}
			})
		}
	}
}

// TestCreateMembers checks the optional members of a create body.
func TestCreateMembers(t *testing.T) {
	t.Parallel()
	s, user := MustServer(t), NewUser()
	tk := MustCreate(t, s, shortPaths, user, `{"title":"a","description":"d","completed":true}`)
	if !tk.Completed || *tk.Description != "d" {
		t.Fatalf("all members: %+v", tk)
	}
	tk = MustCreate(t, s, tasksPaths, user, `{"title":"a","description":null,"completed":null,"id":"x","user_id":"mallory","created_at":"2000-01-01T00:00:00Z"}`)
	if tk.Completed || tk.Description != nil || tk.UserID != user || tk.CreatedAt == "2000-01-01T00:00:00Z" {
		t.Fatalf("nulls and read-only members: %+v", tk)
	}
}

// TestToggle checks the short paths' /toggle, which flips and ignores any body.
func TestToggle(t *testing.T) {
	t.Parallel()
	s, user := MustServer(t), NewUser()
	tk := MustCreate(t, s, shortPaths, user, `{"title":"a"}`)
	for i, body := range []string{"", `{"completed":false}`, "not json"} {
		r := s.MustDo(t, Req{Method: "PATCH", Path: shortPaths.Flip(user, tk.ID), Token: Token(user), Body: body})
		if got, want := MustTask(t, r, http.StatusOK).Completed, i%2 == 0; got != want {
			t.Fatalf("toggle %d with body %q: completed = %v, want %v", i, body, got, want)
		}
	}
}

// TestComplete checks the /tasks paths' /complete: a boolean sets, no
// "completed" toggles, anything else is refused and changes nothing.
func TestComplete(t *testing.T) {
	t.Parallel()
	s, user := MustServer(t), NewUser()
	tk := MustCreate(t, s, tasksPaths, user, `{"title":"a"}`)
	do := func(body string) Resp {
		return s.MustDo(t, Req{Method: "PATCH", Path: tasksPaths.Flip(user, tk.ID), Token: Token(user), Body: body})
	}
	for _, step := range []struct {
		body string
		want bool
	}{
		{`{"completed":true}`, true}, {`{"completed":true}`, true}, {`{"completed":false}`, false},
		{"", true}, {" \n\t", false}, {`{}`, true}, {`{"other":1}`, false}, {`{"completed": false }`, false},
	} {
		if got := MustTask(t, do(step.body), http.StatusOK).Completed; got != step.want {
			t.Fatalf("body %q: completed = %v, want %v", step.body, got, step.want)
		}
	}

	before := MustGet(t, s, user, tk.ID)
	MustFields(t, do(`{"completed":null}`), "completed")
	MustFields(t, do(`{"completed" : null }`), "completed")
	for _, body := range []string{`{"completed":"yes"}`, `{"completed":1}`, `{`, `[true]`, `true`, `null`} {
		MustProblem(t, do(body), http.StatusBadRequest)
	}
	if after := MustGet(t, s, user, tk.ID); after != before {
		t.Fatalf("refused requests changed the task:\n%s\n%s", before, after)
	}
}
