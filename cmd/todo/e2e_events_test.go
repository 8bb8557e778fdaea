package main

import (
	"bufio"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/todoapi/todo/internal/testkit"
)

// The live stream through the real binary on SQLite: a ticket opens it, a
// create reaches it as an event, the gauge counts it, and SIGTERM ends it
// with a retry hint while the server still exits at once.
func TestLiveEventsEndToEnd(t *testing.T) {
	t.Parallel()
	dir, env := t.TempDir(), cleanEnv()
	srv := MustStart(t, dir, env)
	token := MustToken(t, dir, env, "alice")

	status, _, body := Do(t, "POST", srv.URL+"/api/alice/events/tickets", token, "")
	if status != http.StatusCreated {
		t.Fatalf("POST tickets: %d %s", status, body)
	}
	var ticket struct {
		Ticket    string `json:"ticket"`
		ExpiresIn int    `json:"expires_in"`
	}
	if err := json.Unmarshal(body, &ticket); err != nil || ticket.ExpiresIn != 30 {
		t.Fatalf("ticket %s: %v", body, err)
	}
	resp, err := http.Get(srv.URL + "/api/alice/events?ticket=" + ticket.Ticket)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "text/event-stream" {
		t.Fatalf("GET events: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	lines := make(chan string, 64)
	go func() {
		defer close(lines)
		sc := bufio.NewScanner(resp.Body)
		for sc.Scan() {
			lines <- sc.Text()
		}
	}()
	next := func() (string, bool) {
		select {
		case l, ok := <-lines:
			return l, ok
		case <-time.After(10 * time.Second):
			t.Fatalf("nothing on the stream for 10 s\n%s", srv.logs)
			return "", false
		}
	}
	if l, _ := next(); l != "retry: 3000" {
		t.Fatalf("first line %q, want retry: 3000", l)
	}

	testkit.Eventually(t, 5*time.Second, "todo_event_streams 1", func() bool {
		_, _, m := Do(t, "GET", srv.Admin+"/metrics", "", "")
		return strings.Contains(string(m), "\ntodo_event_streams 1\n")
	})
	if status, _, body := Do(t, "POST", srv.URL+"/api/alice/tasks", token, `{"title":"Seen live"}`); status != http.StatusCreated {
		t.Fatalf("create: %d %s", status, body)
	}
	var event []string
	for len(event) < 3 {
		l, ok := next()
		if !ok {
			t.Fatal("the stream ended before the event")
		}
		if l != "" && !strings.HasPrefix(l, ":") && !strings.HasPrefix(l, "retry:") {
			event = append(event, l)
		}
	}
	if !strings.HasPrefix(event[0], "id: ") || event[1] != "event: task.created" || !strings.Contains(event[2], `"title":"Seen live"`) {
		t.Errorf("event = %q", event)
	}
	if status, _, _ := Do(t, "GET", srv.URL+"/api/alice/events?ticket="+ticket.Ticket, "", ""); status != http.StatusUnauthorized {
		t.Errorf("the ticket a second time: %d, want 401", status)
	}

	start := time.Now()
	code := srv.Stop(t)
	if code != 0 {
		t.Errorf("exit code %d\n%s", code, srv.logs)
	}
	var rest []string
	for l := range lines {
		rest = append(rest, l)
	}
	if !strings.Contains(strings.Join(rest, "\n"), "retry: ") {
		t.Errorf("the stream ended without a retry hint: %q", rest)
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	t.Logf("stopped in %v with a stream open", time.Since(start).Round(time.Millisecond))
}
