package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/todoapi/todo/adapters/sqlstore/sqlstoretest"
)

// Three replicas on one database, as behind a load balancer: the API side
// goes through PgBouncer in transaction mode, and each replica listens on a
// direct connection (DATABASE_LISTEN_URL). A change made through replica A
// reaches a stream opened on replica C; a reminder fires once, although
// all three look for it; C is killed, and the client, reconnecting to B
// with Last-Event-ID, misses nothing made meanwhile and sees nothing twice.
func TestLiveEventsAcrossReplicas(t *testing.T) {
	t.Parallel()
	direct := sqlstoretest.MustCreatePostgresDB(t)
	pooled := sqlstoretest.MustStartPgBouncer(t, direct)
	dir := t.TempDir()
	env := cleanEnv("DATABASE_URL="+withQuery(t, pooled, "pgbouncer", "true"), "DATABASE_LISTEN_URL="+direct)
	a := MustStart(t, dir, env)
	b, c := MustStart(t, dir, env), MustStart(t, dir, env)
	token := MustToken(t, dir, env, "alice")

	onC := mustOpenStream(t, c.URL+"/api/alice/events", token, "")
	first := wantTask(t, http.StatusCreated, "POST", a.URL+"/api/alice/tasks", token, `{"title":"made on A"}`)
	created := onC.mustNext(t, 10*time.Second)
	if created.Event != "task.created" || created.TaskID != first.ID {
		t.Fatalf("on C: got %s of %s, want task.created of %s", created.Event, created.TaskID, first.ID)
	}

	remindAt := time.Now().Add(2 * time.Second).UTC().Format(time.RFC3339Nano)
	reminded := wantTask(t, http.StatusCreated, "POST", b.URL+"/api/alice/tasks", token,
		fmt.Sprintf(`{"title":"call the bank","remind_at":%q}`, remindAt))
	if ev := onC.mustNext(t, 10*time.Second); ev.Event != "task.created" || ev.TaskID != reminded.ID {
		t.Fatalf("on C: got %s of %s, want task.created of %s", ev.Event, ev.TaskID, reminded.ID)
	}
	fired := onC.mustNext(t, 15*time.Second)
	if fired.Event != "task.reminder" || fired.TaskID != reminded.ID {
		t.Fatalf("on C: got %s of %s, want task.reminder of %s", fired.Event, fired.TaskID, reminded.ID)
	}
	if fired.At.Before(mustTime(t, remindAt)) {
		t.Errorf("the reminder fired at %s, before its time %s", fired.At, remindAt)
	}
	// Three replicas looked for it: a second firing would arrive within a
	// few of their rounds.
	if ev, ok := onC.next(6 * time.Second); ok {
		t.Fatalf("after the reminder, on C: %s of %s; want nothing (a reminder fires once)", ev.Event, ev.TaskID)
	}

	c.kill(t)
	onC.close()
	missed := wantTask(t, http.StatusCreated, "POST", a.URL+"/api/alice/tasks", token, `{"title":"made while C was down"}`)
	wantTask(t, http.StatusOK, "PATCH", a.URL+"/api/alice/tasks/"+first.ID, token, `{"completed":true}`)

	onB := mustOpenStream(t, b.URL+"/api/alice/events", token, fired.ID)
	want := []struct{ event, id string }{{"task.created", missed.ID}, {"task.updated", first.ID}}
	for _, w := range want {
		ev := onB.mustNext(t, 10*time.Second)
		if ev.Event != w.event || ev.TaskID != w.id {
			t.Fatalf("on B after Last-Event-ID: got %s of %s, want %s of %s", ev.Event, ev.TaskID, w.event, w.id)
		}
	}
	live := wantTask(t, http.StatusCreated, "POST", a.URL+"/api/alice/tasks", token, `{"title":"live again"}`)
	if ev := onB.mustNext(t, 10*time.Second); ev.Event != "task.created" || ev.TaskID != live.ID {
		t.Fatalf("on B: got %s of %s, want task.created of %s (and nothing twice)", ev.Event, ev.TaskID, live.ID)
	}
	if ev, ok := onB.next(2 * time.Second); ok {
		t.Errorf("on B: unexpected %s of %s", ev.Event, ev.TaskID)
	}
	onB.close()
	for _, p := range []*Process{a, b} {
		if code := p.Stop(t); code != 0 {
			t.Errorf("exit %d\n%s", code, p.logs)
		}
	}
}

// sseEvent is one event of a stream, with the fields of its change.
type sseEvent struct {
	ID     string    `json:"-"` // the id: line
	Event  string    `json:"-"`
	TaskID string    `json:"task_id"`
	At     time.Time `json:"at"`
}

// sseStream reads a stream's events in the background.
type sseStream struct {
	resp   *http.Response
	events chan sseEvent
	ids    map[string]bool
}

func mustOpenStream(t *testing.T, url, token, lastEventID string) *sseStream {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, url, nil)
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Accept", "text/event-stream")
	if lastEventID != "" {
		req.Header.Set("Last-Event-ID", lastEventID)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/event-stream") {
		resp.Body.Close()
		t.Fatalf("GET %s: %d %s", url, resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	s := &sseStream{resp: resp, events: make(chan sseEvent, 64), ids: map[string]bool{}}
	t.Cleanup(s.close)
	go s.read()
	return s
}

func (s *sseStream) read() {
	defer close(s.events)
	sc := bufio.NewScanner(s.resp.Body)
	var ev sseEvent
	for sc.Scan() {
		line := sc.Text()
		field, value, _ := strings.Cut(line, ":")
		value = strings.TrimPrefix(value, " ")
		switch field {
		case "id":
			ev.ID = value
		case "event":
			ev.Event = value
		case "data":
			if err := json.Unmarshal([]byte(value), &ev); err != nil {
				ev.Event = "unreadable data: " + value
			}
		case "":
			if line == "" && ev.ID != "" {
				s.events <- ev
				ev = sseEvent{}
			}
		}
	}
}

// next returns the next event, or false when none comes within wait.
func (s *sseStream) next(wait time.Duration) (sseEvent, bool) {
	select {
	case ev, ok := <-s.events:
		return ev, ok
	case <-time.After(wait):
		return sseEvent{}, false
	}
}

func (s *sseStream) mustNext(t *testing.T, wait time.Duration) sseEvent {
	t.Helper()
	ev, ok := s.next(wait)
	if !ok {
		t.Fatalf("no event within %s", wait)
	}
	if s.ids[ev.ID] {
		t.Fatalf("event %s (%s of %s) arrived twice", ev.ID, ev.Event, ev.TaskID)
	}
	s.ids[ev.ID] = true
	return ev
}

func (s *sseStream) close() { s.resp.Body.Close() }

func mustTime(t *testing.T, s string) time.Time {
	t.Helper()
	v, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		t.Fatal(err)
	}
	return v
}
