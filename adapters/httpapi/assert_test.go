package httpapi_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// family is one of the contract's two route families.
type family struct {
	name        string
	collections []string // both spellings of the collection, as formats of the user id
	item        string   // format of user id, task id
	flip        string   // toggle (short paths) or complete (/tasks paths)
}

var (
	shortPaths = family{"short", []string{"/api/%s/", "/api/%s"}, "/api/%s/%s", "/api/%s/%s/toggle"}
	tasksPaths = family{"tasks", []string{"/api/%s/tasks", "/api/%s/tasks/"}, "/api/%s/tasks/%s", "/api/%s/tasks/%s/complete"}
	families   = []family{shortPaths, tasksPaths}
)

func (f family) Collection(user string) string { return fmt.Sprintf(f.collections[0], user) }
func (f family) Item(user, id string) string   { return fmt.Sprintf(f.item, user, id) }
func (f family) Flip(user, id string) string   { return fmt.Sprintf(f.flip, user, id) }

// taskJSON is the contract's task, as a client reads it.
type taskJSON struct {
	ID          string  `json:"id"`
	UserID      string  `json:"user_id"`
	Title       string  `json:"title"`
	Description *string `json:"description"`
	Completed   bool    `json:"completed"`
	CreatedAt   string  `json:"created_at"`
	UpdatedAt   string  `json:"updated_at"`

	Priority         string   `json:"priority"`
	Tags             []string `json:"tags"`
	DueDate          *string  `json:"due_date"`
	RemindAt         *string  `json:"remind_at"`
	Recurrence       string   `json:"recurrence"`
	CompletedAt      *string  `json:"completed_at"`
	NextOccurrenceID *string  `json:"next_occurrence_id"`
	Version          int64    `json:"version"`
}

var (
	taskKeys = []string{"completed", "completed_at", "created_at", "description", "due_date", "id", "next_occurrence_id",
		"priority", "recurrence", "remind_at", "tags", "title", "updated_at", "user_id", "version"}
	timeFormat = regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$`)
	uuidFormat = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)
)

// MustStatus fails unless the response has the status.
func MustStatus(t *testing.T, r Resp, want int) {
	t.Helper()
	if r.Status != want {
		t.Fatalf("status = %d, want %d; body: %s", r.Status, want, r.Body)
	}
}

// MustTask checks a 2xx task response's status, type and exact shape.
func MustTask(t *testing.T, r Resp, status int) taskJSON {
	t.Helper()
	MustStatus(t, r, status)
	MustContentType(t, r, "application/json")
	return mustTaskObject(t, r.Body)
}

// MustTasks checks a list response: 200, a JSON array of tasks.
func MustTasks(t *testing.T, r Resp) []taskJSON {
	t.Helper()
	MustStatus(t, r, http.StatusOK)
	MustContentType(t, r, "application/json")
	var raws []json.RawMessage
	if err := json.Unmarshal(r.Body, &raws); err != nil || raws == nil {
		t.Fatalf("list body %s is not a JSON array: %v", r.Body, err)
	}
	list := make([]taskJSON, 0, len(raws))
	for _, raw := range raws {
		list = append(list, mustTaskObject(t, raw))
	}
	return list
}

func mustTaskObject(t *testing.T, body []byte) taskJSON {
	t.Helper()
	var m map[string]json.RawMessage
	if err := json.Unmarshal(body, &m); err != nil {
		t.Fatalf("task %s: %v", body, err)
	}
	if keys := sortedKeys(m); !slices.Equal(keys, taskKeys) {
		t.Fatalf("task keys = %v, want %v", keys, taskKeys)
	}
	var tk taskJSON
	if err := json.Unmarshal(body, &tk); err != nil {
		t.Fatalf("task %s: %v", body, err)
	}
	if !uuidFormat.MatchString(tk.ID) || !timeFormat.MatchString(tk.CreatedAt) || !timeFormat.MatchString(tk.UpdatedAt) {
		t.Fatalf("task %s: id not a UUID v7 or times not RFC 3339 UTC with 6 digits", body)
	}
	for _, at := range []*string{tk.RemindAt, tk.CompletedAt} {
		if at != nil && !timeFormat.MatchString(*at) {
			t.Fatalf("task %s: a time not RFC 3339 UTC with 6 digits", body)
		}
	}
	if tk.Tags == nil || tk.Version < 1 || (tk.CompletedAt != nil) != tk.Completed ||
		tk.NextOccurrenceID != nil && !uuidFormat.MatchString(*tk.NextOccurrenceID) {
		t.Fatalf("task %s: tags null, version < 1, completed_at not set exactly when completed, or a malformed next_occurrence_id", body)
	}
	return tk
}

// problemJSON is an RFC 9457 problem.
type problemJSON struct {
	Type   string `json:"type"`
	Title  string `json:"title"`
	Status int    `json:"status"`
	Detail string `json:"detail"`
	Errors []struct {
		Field   string `json:"field"`
		Message string `json:"message"`
	} `json:"errors"`
}

// MustProblem checks an error response: the status, problem+json, and the
// members the contract promises, with "errors" on 422 only.
func MustProblem(t *testing.T, r Resp, status int) problemJSON {
	t.Helper()
	MustStatus(t, r, status)
	MustContentType(t, r, "application/problem+json")
	var m map[string]json.RawMessage
	if err := json.Unmarshal(r.Body, &m); err != nil {
		t.Fatalf("problem %s: %v", r.Body, err)
	}
	want := []string{"detail", "status", "title", "type"}
	if status == http.StatusUnprocessableEntity {
		want = []string{"detail", "errors", "status", "title", "type"}
	}
	if keys := sortedKeys(m); !slices.Equal(keys, want) {
		t.Fatalf("problem keys = %v, want %v; body %s", keys, want, r.Body)
	}
	var p problemJSON
	if err := json.Unmarshal(r.Body, &p); err != nil {
		t.Fatalf("problem %s: %v", r.Body, err)
	}
	if p.Type != "about:blank" || p.Title != http.StatusText(status) || p.Status != status || p.Detail == "" {
		t.Fatalf("problem %s: want about:blank, title %q, status %d and a detail", r.Body, http.StatusText(status), status)
	}
	return p
}

// MustFields checks that a 422 names exactly these fields, in errors and
// in the detail.
func MustFields(t *testing.T, r Resp, fields ...string) {
	t.Helper()
	p := MustProblem(t, r, http.StatusUnprocessableEntity)
	var got, named []string
	for _, e := range p.Errors {
		if e.Message == "" {
			t.Errorf("field %s has no message", e.Field)
		}
		got = append(got, e.Field)
		named = append(named, e.Field+": "+e.Message)
	}
	if !slices.Equal(got, fields) {
		t.Fatalf("errors name %v, want %v", got, fields)
	}
	if want := strings.Join(named, "; "); p.Detail != want {
		t.Fatalf("detail %q, want %q", p.Detail, want)
	}
}

func MustContentType(t *testing.T, r Resp, want string) {
	t.Helper()
	if got := r.Header.Get("Content-Type"); got != want {
		t.Fatalf("Content-Type = %q, want %q", got, want)
	}
}

// MustCreate creates a task from body for user through the family's
// collection and returns it.
func MustCreate(t *testing.T, s *Server, f family, user, body string) taskJSON {
	t.Helper()
	r := s.MustDo(t, Req{Method: "POST", Path: f.Collection(user), Token: Token(user), Body: body})
	tk := MustTask(t, r, http.StatusCreated)
	if got, want := r.Header.Get("Location"), f.Item(user, tk.ID); got != want {
		t.Fatalf("Location = %q, want %q", got, want)
	}
	return tk
}

// MustGet reads a task back, raw, for before-and-after comparisons.
func MustGet(t *testing.T, s *Server, user, id string) string {
	t.Helper()
	r := s.MustDo(t, Req{Method: "GET", Path: tasksPaths.Item(user, id), Token: Token(user)})
	MustTask(t, r, http.StatusOK)
	return string(r.Body)
}

func sortedKeys(m map[string]json.RawMessage) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// headerSet splits a comma-separated header into its sorted items.
func headerSet(v string) []string {
	var items []string
	for _, s := range strings.Split(v, ",") {
		if s = strings.TrimSpace(s); s != "" {
			items = append(items, s)
		}
	}
	slices.Sort(items)
	return items
}
