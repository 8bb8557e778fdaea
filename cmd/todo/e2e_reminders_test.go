package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/todoapi/todo/internal/testkit"
)

// The real binary fires a reminder set a moment ahead: the feed gets one
// reminder change carrying the task (its version unmoved), recorded at or
// after remind_at and within the contract's 5 seconds of it, while a
// reminder an hour ahead and one of a completed task stay silent; the lag
// is in todo_reminder_lag_seconds.
func TestReminderFiresOnce(t *testing.T) {
	t.Parallel()
	dir, env := t.TempDir(), cleanEnv()
	srv := MustStart(t, dir, env)
	token := MustToken(t, dir, env, "alice")
	remindAt := time.Now().UTC().Add(1500 * time.Millisecond).Truncate(time.Millisecond)
	create := func(body string) string {
		t.Helper()
		status, _, b := Do(t, "POST", srv.URL+"/api/alice/tasks", token, body)
		var tk taskJSON
		if status != http.StatusCreated || json.Unmarshal(b, &tk) != nil {
			t.Fatalf("create %s: %d %s", body, status, b)
		}
		return tk.ID
	}
	soon := create(fmt.Sprintf(`{"title":"call","remind_at":%q}`, remindAt.Format(time.RFC3339Nano)))
	later := create(fmt.Sprintf(`{"title":"later","reminder_at":%q}`, remindAt.Add(time.Hour).Format(time.RFC3339Nano)))
	done := create(fmt.Sprintf(`{"title":"done","completed":true,"remind_at":%q}`, remindAt.Format(time.RFC3339Nano)))

	type change struct {
		Op     string          `json:"op"`
		TaskID string          `json:"task_id"`
		Task   json.RawMessage `json:"task"`
		At     time.Time       `json:"at"`
	}
	read := func() []change {
		t.Helper()
		status, _, b := Do(t, "GET", srv.URL+"/api/alice/changes?limit=1000", token, "")
		var page struct{ Changes []change }
		if status != http.StatusOK || json.Unmarshal(b, &page) != nil {
			t.Fatalf("changes: %d %s", status, b)
		}
		var out []change
		for _, c := range page.Changes {
			if c.Op == "reminder" {
				out = append(out, c)
			}
		}
		return out
	}
	// Generous for a busy machine: the contract's 5 s is checked on the
	// time the server recorded, below.
	err := testkit.Poll(30*time.Second, func() error {
		if len(read()) == 0 {
			return fmt.Errorf("no reminder yet")
		}
		return nil
	})
	if err != nil {
		t.Fatalf("%v\n%s", err, srv.logs)
	}
	time.Sleep(2 * time.Second) // a second firing would come within a round or two
	reminders := read()
	if len(reminders) != 1 || reminders[0].TaskID != soon {
		t.Fatalf("reminders = %+v; want one, of %s (not %s, an hour ahead, nor %s, completed)", reminders, soon, later, done)
	}
	r := reminders[0]
	t.Logf("recorded %v after remind_at", r.At.Sub(remindAt))
	if lag := r.At.Sub(remindAt); lag < 0 || lag > 5*time.Second {
		t.Errorf("the reminder was recorded at %v, %v after its remind_at %v; want at or after it, within 5 s", r.At, lag, remindAt)
	}
	var tk struct {
		ID      string `json:"id"`
		Version int    `json:"version"`
	}
	if err := json.Unmarshal(r.Task, &tk); err != nil || tk.ID != soon || tk.Version != 1 {
		t.Errorf("the reminder's task = %s; want the task at version 1", r.Task)
	}

	status, _, metrics := Do(t, "GET", srv.Admin+"/metrics", "", "")
	if count := regexp.MustCompile(`(?m)^todo_reminder_lag_seconds_count (\d+)$`).FindSubmatch(metrics); status != http.StatusOK ||
		count == nil || string(count[1]) != "1" {
		t.Errorf("todo_reminder_lag_seconds_count: %d, %q; want 1 in\n%s", status, count, grep(string(metrics), "todo_reminder"))
	}
	srv.Stop(t)
}

// grep returns the lines of s that hold sub.
func grep(s, sub string) string {
	var out []string
	for _, line := range strings.Split(s, "\n") {
		if strings.Contains(line, sub) {
			out = append(out, line)
		}
	}
	return strings.Join(out, "\n")
}
