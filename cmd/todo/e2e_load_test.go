package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"
)

// writeLoad is a write load on one user's tasks, through the API, that
// remembers every write the server acknowledged, so that a test can check
// after a crash or an outage that each is stored and in the change feed
// exactly once. Each worker runs chains: create a task, rename it twice,
// toggle it, delete it. A write that failed (no answer, 5xx) is not
// acknowledged: it may or may not be there, and the worker starts a new
// chain.
type writeLoad struct {
	base, token, user string
	client            *http.Client
	stop              context.CancelFunc
	wg                sync.WaitGroup

	mu       sync.Mutex
	acks     []ack
	failures map[int]int // status (0: no answer) → count
	statuses chan statusSeen
}

// ack is one acknowledged write: what the feed must hold once.
type ack struct {
	op      string // created, updated, deleted
	id      string
	version int64 // the version the answer carried; 0 for a delete
}

// statusSeen is one failed answer, with its Retry-After, for tests that
// check what clients see during an outage.
type statusSeen struct {
	status     int
	retryAfter string
}

func startWriteLoad(base, token, user string, workers int) *writeLoad {
	ctx, cancel := context.WithCancel(context.Background())
	l := &writeLoad{base: base, token: token, user: user, stop: cancel, failures: map[int]int{},
		client: &http.Client{Timeout: 10 * time.Second}, statuses: make(chan statusSeen, 1024)}
	for w := range workers {
		l.wg.Add(1)
		go func() {
			defer l.wg.Done()
			for n := 0; ctx.Err() == nil; n++ {
				if !l.chain(ctx, fmt.Sprintf("w%d c%d", w, n)) {
					time.Sleep(20 * time.Millisecond) // the server is down: do not spin
				}
			}
		}()
	}
	return l
}

// Stop ends the load and waits for the writes in flight.
func (l *writeLoad) Stop() {
	l.stop()
	l.wg.Wait()
}

// Acks returns the acknowledged writes.
func (l *writeLoad) Acks() []ack {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]ack(nil), l.acks...)
}

// chain runs one chain of writes; false when a write failed.
func (l *writeLoad) chain(ctx context.Context, name string) bool {
	tk, ok := l.write(ctx, "POST", "/tasks", `{"title":"`+name+`"}`, http.StatusCreated, "created")
	if !ok {
		return false
	}
	steps := []struct{ method, path, body string }{
		{"PATCH", "/tasks/" + tk.ID, `{"title":"` + name + ` renamed"}`},
		{"PUT", "/" + tk.ID, `{"description":"` + name + `"}`},
		{"PATCH", "/" + tk.ID + "/toggle", ""},
	}
	for _, s := range steps {
		if _, ok := l.write(ctx, s.method, s.path, s.body, http.StatusOK, "updated"); !ok {
			return false
		}
	}
	_, ok = l.write(ctx, "DELETE", "/tasks/"+tk.ID, "", http.StatusNoContent, "deleted")
	if ok {
		l.record(ack{op: "deleted", id: tk.ID})
	}
	return ok
}

type versioned struct {
	ID      string `json:"id"`
	Version int64  `json:"version"`
}

func (l *writeLoad) write(ctx context.Context, method, path, body string, want int, op string) (versioned, bool) {
	req, _ := http.NewRequestWithContext(ctx, method, l.base+"/api/"+l.user+path, strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+l.token)
	resp, err := l.client.Do(req)
	if err != nil {
		l.fail(statusSeen{})
		return versioned{}, false
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != want {
		l.fail(statusSeen{resp.StatusCode, resp.Header.Get("Retry-After")})
		return versioned{}, false
	}
	var v versioned
	if want != http.StatusNoContent {
		if err := json.Unmarshal(b, &v); err != nil || v.ID == "" {
			l.fail(statusSeen{status: -1})
			return v, false
		}
		l.record(ack{op: op, id: v.ID, version: v.Version})
	}
	return v, true
}

func (l *writeLoad) record(a ack) {
	l.mu.Lock()
	l.acks = append(l.acks, a)
	l.mu.Unlock()
}

func (l *writeLoad) fail(s statusSeen) {
	l.mu.Lock()
	l.failures[s.status]++
	l.mu.Unlock()
	select {
	case l.statuses <- s:
	default:
	}
}

// feedChange is a change as the feed answers it.
type feedChange struct {
	Op     string `json:"op"`
	TaskID string `json:"task_id"`
	Task   *struct {
		Version int64 `json:"version"`
	} `json:"task"`
}

// MustFeed reads the user's whole change feed.
func MustFeed(t *testing.T, base, token, user string) []feedChange {
	t.Helper()
	var out []feedChange
	since := ""
	for {
		status, _, body := Do(t, "GET", base+"/api/"+user+"/changes?limit=1000&since="+url.QueryEscape(since), token, "")
		var page struct {
			Changes []feedChange `json:"changes"`
			Next    string       `json:"next"`
			HasMore bool         `json:"has_more"`
		}
		if status != http.StatusOK || json.Unmarshal(body, &page) != nil {
			t.Fatalf("changes: %d %s", status, body)
		}
		out = append(out, page.Changes...)
		if !page.HasMore {
			return out
		}
		since = page.Next
	}
}

// MustAllAcknowledged checks, through a server on the same database, that
// every acknowledged write is stored and in the feed exactly once, and that
// every task's last change is its state now: a change never committed
// without its write, nor a write without its change.
func MustAllAcknowledged(t *testing.T, base, token, user string, acks []ack) {
	t.Helper()
	feed := MustFeed(t, base, token, user)
	count := map[ack]int{}
	last := map[string]feedChange{}
	for _, c := range feed {
		k := ack{op: c.Op, id: c.TaskID}
		if c.Task != nil {
			k.version = c.Task.Version
		}
		count[k]++
		last[c.TaskID] = c
	}
	final := map[string]ack{}
	for _, a := range acks {
		if n := count[a]; n != 1 {
			t.Fatalf("acknowledged %s of %s (version %d) is in the feed %d times, want once", a.op, a.id, a.version, n)
		}
		if a.op == "deleted" || a.version > final[a.id].version {
			final[a.id] = a
		}
	}
	for id, c := range last {
		status, _, body := Do(t, "GET", base+"/api/"+user+"/tasks/"+id, token, "")
		var now versioned
		_ = json.Unmarshal(body, &now)
		switch {
		case c.Op == "deleted" && status != http.StatusNotFound:
			t.Fatalf("task %s: deleted last in the feed, but GET answers %d", id, status)
		case c.Op != "deleted" && (status != http.StatusOK || now.Version != c.Task.Version):
			t.Fatalf("task %s: version %d last in the feed, but GET answers %d %s", id, c.Task.Version, status, body)
		}
	}
	for id, a := range final {
		if c, ok := last[id]; !ok || a.op == "deleted" && c.Op != "deleted" {
			t.Fatalf("task %s: acknowledged %s, but the feed ends with %+v", id, a.op, c)
		}
	}
}
