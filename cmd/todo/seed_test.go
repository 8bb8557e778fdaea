package main

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
)

// TestSeed fills a list with `todo seed` and reads it through the API: the
// sample covers every priority, tags, both kinds of due date, reminders,
// recurrences and completed tasks.
func TestSeed(t *testing.T) {
	t.Parallel()
	dir, env := t.TempDir(), cleanEnv()
	out, errOut, code := Cmd(t, dir, env, "seed", "--user", "alice", "--tasks", "40")
	if code != 0 || !strings.Contains(out, "Added 40 sample tasks") {
		t.Fatalf("seed: exit %d\n%s%s", code, out, errOut)
	}
	srv := MustStart(t, dir, env)
	status, _, body := Do(t, "GET", srv.URL+"/api/alice/tasks", MustToken(t, dir, env, "alice"), "")
	if status != http.StatusOK {
		t.Fatalf("list: %d %s", status, body)
	}
	var list []struct {
		Priority   string   `json:"priority"`
		Tags       []string `json:"tags"`
		Due        *string  `json:"due_date"`
		RemindAt   *string  `json:"remind_at"`
		Recurrence string   `json:"recurrence"`
		Completed  bool     `json:"completed"`
	}
	if err := json.Unmarshal(body, &list); err != nil || len(list) != 40 {
		t.Fatalf("list: %d tasks, %v", len(list), err)
	}
	seen := map[string]bool{}
	for _, tk := range list {
		seen["priority "+tk.Priority] = true
		seen["recurrence "+tk.Recurrence] = true
		seen["tags"] = seen["tags"] || len(tk.Tags) > 0
		seen["completed"] = seen["completed"] || tk.Completed
		seen["reminder"] = seen["reminder"] || tk.RemindAt != nil
		if tk.Due != nil {
			seen[map[bool]string{true: "due date", false: "due date-time"}[len(*tk.Due) == len("2006-01-02")]] = true
		}
	}
	for _, want := range []string{"priority low", "priority medium", "priority high", "priority urgent", "tags",
		"completed", "reminder", "due date", "due date-time", "recurrence none", "recurrence weekly"} {
		if !seen[want] {
			t.Errorf("the sample has no task with %s", want)
		}
	}
}

// TestSeedRefuses keeps seed to development and to a named user.
func TestSeedRefuses(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	for _, tc := range []struct {
		env  []string
		args []string
		want string
	}{
		{cleanEnv("APP_ENV=production", "BETTER_AUTH_SECRET=a-shared-secret-of-enough-length-123"), []string{"seed", "--user", "alice"}, "development only"},
		{cleanEnv(), []string{"seed"}, "--user is required"},
		{cleanEnv(), []string{"seed", "--user", "alice", "--tasks", "0"}, "--tasks must be"},
	} {
		_, errOut, code := Cmd(t, dir, tc.env, tc.args...)
		if code != 2 || !strings.Contains(errOut, tc.want) {
			t.Errorf("todo %s: exit %d, %q; want 2 and %q", strings.Join(tc.args, " "), code, errOut, tc.want)
		}
	}
}
