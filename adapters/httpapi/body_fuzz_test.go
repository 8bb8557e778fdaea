package httpapi_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzDecodeBody sends arbitrary bodies to create and to update, through
// the real router: the answer is never a 5xx, always one the OpenAPI
// document describes (MustDo checks every exchange), and a task that is
// stored keeps the rules (a trimmed title of valid text without control
// characters).
func FuzzDecodeBody(f *testing.F) {
	for _, seed := range []string{
		`{"title":"Buy milk"}`, `{"title":"\u0000x"}`, `{"title":" ","description":null}`,
		`{"title":"t","priority":"critical","tags":["a","A"],"due_date":"2026-02-29","recurrence_rule":"FREQ=WEEKLY"}`,
		`{"title":"t","due_at":"2026-01-31T10:00:00+02:00","reminder_time":"2026-01-31T08:00:00Z"}`,
		`{"title":"t","tags":[null]}`, `{"completed":"yes"}`, `title=x`, `[]`, `null`, ``, `{"title":"a","title":"b"}`,
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, body string) {
		s, user := MustServer(t), NewUser()
		created := s.MustDo(t, Req{Method: "POST", Path: shortPaths.Collection(user), Token: Token(user), Body: body})
		checkFuzzed(t, "create", created, http.StatusCreated)
		existing := MustTask(t, s.MustDo(t, Req{Method: "POST", Path: shortPaths.Collection(user), Token: Token(user), Body: `{"title":"x"}`}), http.StatusCreated)
		updated := s.MustDo(t, Req{Method: "PATCH", Path: shortPaths.Item(user, existing.ID), Token: Token(user), Body: body})
		checkFuzzed(t, "update", updated, http.StatusOK)
	})
}

func checkFuzzed(t *testing.T, what string, r Resp, ok int) {
	t.Helper()
	switch r.Status {
	case ok:
		var tk struct {
			Title string `json:"title"`
		}
		if err := json.Unmarshal(r.Body, &tk); err != nil {
			t.Fatalf("%s: %d with a body that is not a task: %v", what, r.Status, err)
		}
		if tk.Title == "" || tk.Title != strings.TrimSpace(tk.Title) || !utf8.ValidString(tk.Title) ||
			strings.ContainsFunc(tk.Title, func(c rune) bool { return c < 0x20 }) {
			t.Fatalf("%s stored a title that breaks the rules: %q", what, tk.Title)
		}
	case http.StatusBadRequest, http.StatusUnprocessableEntity, http.StatusRequestEntityTooLarge:
	default:
		t.Fatalf("%s: status %d: %s", what, r.Status, r.Body)
	}
}
