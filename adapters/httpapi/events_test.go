package httpapi_test

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/todoapi/todo/adapters/httpapi"
	"github.com/todoapi/todo/adapters/ratelimit"
	"github.com/todoapi/todo/internal/testkit"
)

// sse is one block of a stream: an event, or a block of comments and
// settings.
type sse struct {
	ID, Event, Data string
	Retry           string
	Comments        []string
}

// Stream is an open event stream, read in the background block by block.
type Stream struct {
	Resp   *http.Response
	blocks chan sse
	done   chan struct{} // closed when the body ends
}

// MustOpenStream opens path on base with the headers given and fails the
// test unless it answers 200 with an event stream.
func MustOpenStream(t *testing.T, base, path string, header map[string]string) *Stream {
	t.Helper()
	resp := mustGetStream(t, base, path, header)
	if resp.StatusCode != http.StatusOK {
		resp.Body.Close()
		t.Fatalf("GET %s = %d, want 200", path, resp.StatusCode)
	}
	if got := resp.Header.Get("Content-Type"); got != "text/event-stream" {
		t.Fatalf("Content-Type = %q, want text/event-stream", got)
	}
	st := &Stream{Resp: resp, blocks: make(chan sse, 1024), done: make(chan struct{})}
	go st.read()
	t.Cleanup(st.Close)
	return st
}

func mustGetStream(t *testing.T, base, path string, header map[string]string) *http.Response {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, base+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
	return resp
}

func (s *Stream) read() {
	defer close(s.done)
	defer close(s.blocks)
	r := bufio.NewReader(s.Resp.Body)
	var b sse
	empty := true
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			return
		}
		line = strings.TrimSuffix(line, "\n")
		switch {
		case line == "":
			if !empty {
				s.blocks <- b
			}
			b, empty = sse{}, true
			continue
		case strings.HasPrefix(line, ":"):
			b.Comments = append(b.Comments, strings.TrimSpace(line[1:]))
		default:
			field, value, _ := strings.Cut(line, ": ")
			switch field {
			case "id":
				b.ID = value
			case "event":
				b.Event = value
			case "data":
				b.Data = value
			case "retry":
				b.Retry = value
			}
		}
		empty = false
	}
}

// Close hangs up.
func (s *Stream) Close() { s.Resp.Body.Close() }

// Next returns the next block, failing the test after a while without one.
func (s *Stream) Next(t *testing.T) sse {
	t.Helper()
	select {
	case b, ok := <-s.blocks:
		if !ok {
			t.Fatal("the stream ended")
		}
		return b
	case <-time.After(10 * time.Second):
		t.Fatal("no event within 10 s")
	}
	return sse{}
}

// NextEvent skips comments and settings to the next event.
func (s *Stream) NextEvent(t *testing.T) sse {
	t.Helper()
	for {
		if b := s.Next(t); b.Event != "" {
			return b
		}
	}
}

// WaitEnd waits for the server to end the stream and returns the blocks
// it sent until then.
func (s *Stream) WaitEnd(t *testing.T) []sse {
	t.Helper()
	var out []sse
	for {
		select {
		case b, ok := <-s.blocks:
			if !ok {
				return out
			}
			out = append(out, b)
		case <-time.After(10 * time.Second):
			t.Fatal("the stream did not end within 10 s")
		}
	}
}

// MustServe serves s over the network for the test's length.
func MustServe(t *testing.T, s *Server) string {
	t.Helper()
	ts := httptest.NewServer(s.h)
	t.Cleanup(ts.Close)
	return ts.URL
}

// feedChanges reads the user's whole feed through GET /changes, each
// change as its raw JSON.
func feedChanges(t *testing.T, s *Server, user string) []json.RawMessage {
	t.Helper()
	var all []json.RawMessage
	since := ""
	for {
		r := s.MustDo(t, Req{Method: "GET", Path: "/api/" + user + "/changes?limit=1000&since=" + since, Token: Token(user)})
		if r.Status != http.StatusOK {
			t.Fatalf("GET changes = %d %s", r.Status, r.Body)
		}
		var page struct {
			Changes []json.RawMessage `json:"changes"`
			Next    string            `json:"next"`
			More    bool              `json:"has_more"`
		}
		if err := json.Unmarshal(r.Body, &page); err != nil {
			t.Fatal(err)
		}
		all = append(all, page.Changes...)
		if !page.More {
			return all
		}
		since = page.Next
	}
}

func cursorOf(t *testing.T, change json.RawMessage) string {
	t.Helper()
	var c struct {
		Cursor string `json:"cursor"`
		Op     string `json:"op"`
	}
	if err := json.Unmarshal(change, &c); err != nil {
		t.Fatal(err)
	}
	return c.Cursor
}

func mustCreate(t *testing.T, s *Server, user, title string) string {
	t.Helper()
	r := s.MustDo(t, Req{Method: "POST", Path: "/api/" + user + "/tasks", Token: Token(user), Body: `{"title":"` + title + `"}`})
	if r.Status != http.StatusCreated {
		t.Fatalf("create = %d %s", r.Status, r.Body)
	}
	var tk struct{ ID string }
	_ = json.Unmarshal(r.Body, &tk)
	return tk.ID
}

func bearer(user string) map[string]string {
	return map[string]string{"Authorization": "Bearer " + Token(user)}
}

// leakCheck fails the test if a goroutine it started outlives it: every
// stream's, the shared keep-alive pulse's, the servers'.
func leakCheck(t *testing.T) {
	t.Helper()
	ignore := goleak.IgnoreCurrent()
	t.Cleanup(func() {
		http.DefaultClient.CloseIdleConnections()
		if err := goleak.Find(ignore); err != nil {
			t.Error(err)
		}
	})
}

func TestEventsInOrder(t *testing.T) {
	leakCheck(t)
	s := MustServer(t)
	base := MustServe(t, s)
	user := NewUser()
	st := MustOpenStream(t, base, "/api/"+user+"/events", bearer(user))
	if first := st.Next(t); first.Retry != "3000" {
		t.Fatalf("first block = %+v, want retry: 3000", first)
	}
	if got := st.Resp.Header.Get("Cache-Control"); got != "no-store" {
		t.Errorf("Cache-Control = %q, want no-store", got)
	}
	if got := st.Resp.Header.Get("X-Accel-Buffering"); got != "no" {
		t.Errorf("X-Accel-Buffering = %q, want no", got)
	}
	id := mustCreate(t, s, user, "one")
	mustCreate(t, s, user, "two")
	s.MustDo(t, Req{Method: "PATCH", Path: "/api/" + user + "/" + id + "/toggle", Token: Token(user)})
	s.MustDo(t, Req{Method: "DELETE", Path: "/api/" + user + "/" + id, Token: Token(user)})
	s.MustDo(t, Req{Method: "POST", Path: "/api/" + user + "/trash/" + id + "/restore", Token: Token(user)})

	feed := feedChanges(t, s, user)
	ops := []string{"created", "created", "updated", "deleted", "restored"}
	if len(feed) != len(ops) {
		t.Fatalf("the feed holds %d changes, want %d", len(feed), len(ops))
	}
	for i, want := range feed {
		ev := st.NextEvent(t)
		if ev.Event != "task."+ops[i] {
			t.Errorf("event %d: event = %q, want task.%s", i, ev.Event, ops[i])
		}
		if ev.ID != cursorOf(t, want) {
			t.Errorf("event %d: id = %q, want the change's cursor %q", i, ev.ID, cursorOf(t, want))
		}
		if ev.Data != string(want) {
			t.Errorf("event %d: data = %s\nwant what /changes renders: %s", i, ev.Data, want)
		}
	}
}

// Another user's writes never reach a stream, and a stream without a
// resume position starts at the feed's head.
func TestEventsStartAtHeadAndOnlyTheUsers(t *testing.T) {
	leakCheck(t)
	s := MustServer(t)
	base := MustServe(t, s)
	alice, bob := NewUser(), NewUser()
	mustCreate(t, s, alice, "before")
	st := MustOpenStream(t, base, "/api/"+alice+"/events", bearer(alice))
	mustCreate(t, s, bob, "bob's")
	mustCreate(t, s, alice, "after")
	ev := st.NextEvent(t)
	if !strings.Contains(ev.Data, `"title":"after"`) {
		t.Errorf("first event = %s, want the task created after the stream opened", ev.Data)
	}
}

// A client that reads part of the stream, hangs up and comes back with
// Last-Event-ID, again and again, while many writers write, receives every
// change of the feed exactly once, in order.
func TestEventsResumeWithoutGapOrDuplicate(t *testing.T) {
	leakCheck(t)
	s := MustServer(t)
	base := MustServe(t, s)
	user := NewUser()
	const writers, each = 8, 25
	var wg sync.WaitGroup
	var started atomic.Bool
	begin := make(chan struct{})
	for w := range writers {
		wg.Go(func() {
			<-begin
			for i := range each {
				r := s.MustDo(t, Req{Method: "POST", Path: "/api/" + user + "/tasks", Token: Token(user), Body: fmt.Sprintf(`{"title":"w%d-%d"}`, w, i)})
				if r.Status != http.StatusCreated {
					t.Errorf("create = %d", r.Status)
				}
			}
		})
	}
	var got []sse
	last := ""
	for len(got) < writers*each {
		h := bearer(user)
		if last != "" { // the first opens before any write: from the head, which is the start
			h["Last-Event-ID"] = last
		}
		st := MustOpenStream(t, base, "/api/"+user+"/events", h)
		if !started.Swap(true) {
			close(begin)
		}
		for range 17 { // read a few, then hang up mid-stream
			ev := st.NextEvent(t)
			got = append(got, ev)
			last = ev.ID
			if len(got) == writers*each {
				break
			}
		}
		st.Close()
	}
	wg.Wait()
	feed := feedChanges(t, s, user)
	if len(feed) != writers*each {
		t.Fatalf("feed holds %d changes, want %d", len(feed), writers*each)
	}
	for i, want := range feed {
		if got[i].ID != cursorOf(t, want) || got[i].Data != string(want) {
			t.Fatalf("event %d = %s %s, want %s (a gap or a duplicate)", i, got[i].ID, got[i].Data, want)
		}
	}
}

// ?since= resumes as Last-Event-ID does; a cursor never issued, another
// user's, or one older than what the feed keeps is a 410 before any
// stream starts.
func TestEventsSince(t *testing.T) {
	leakCheck(t)
	s := MustServer(t)
	base := MustServe(t, s)
	user, other := NewUser(), NewUser()
	mustCreate(t, s, user, "one")
	mustCreate(t, s, user, "two")
	feed := feedChanges(t, s, user)
	st := MustOpenStream(t, base, "/api/"+user+"/events?since="+cursorOf(t, feed[0]), bearer(user))
	if ev := st.NextEvent(t); ev.Data != string(feed[1]) {
		t.Errorf("resumed after the first change: got %s, want %s", ev.Data, feed[1])
	}
	st.Close()

	mustCreate(t, s, other, "other")
	othersCursor := cursorOf(t, feedChanges(t, s, other)[0])
	for name, since := range map[string]string{"NeverIssued": "bm90LWEtY3Vyc29y", "AnotherUsers": othersCursor} {
		t.Run(name, func(t *testing.T) {
			r := s.MustDo(t, Req{Method: "GET", Path: "/api/" + user + "/events?since=" + since, Token: Token(user)})
			if r.Status != http.StatusGone {
				t.Errorf("since %s = %d, want 410", name, r.Status)
			}
			r = s.MustDo(t, Req{Method: "GET", Path: "/api/" + user + "/events", Token: Token(user), Header: map[string]string{"Last-Event-ID": since}})
			if r.Status != http.StatusGone {
				t.Errorf("Last-Event-ID %s = %d, want 410", name, r.Status)
			}
		})
	}
	t.Run("TooOld", func(t *testing.T) {
		if _, err := s.repo.TaskRepository.(interface {
			PruneChanges(context.Context, time.Time, int) (int, error)
		}).PruneChanges(context.Background(), time.Now(), 1000); err != nil {
			t.Fatal(err)
		}
		r := s.MustDo(t, Req{Method: "GET", Path: "/api/" + user + "/events?since=" + cursorOf(t, feed[0]), Token: Token(user)})
		if r.Status != http.StatusGone {
			t.Errorf("since a pruned change = %d, want 410", r.Status)
		}
	})
}

func TestEventsRefusals(t *testing.T) {
	s := MustServer(t)
	alice, bob := NewUser(), NewUser()
	for _, c := range []struct {
		name  string
		req   Req
		want  int
		check func(Resp)
	}{
		{"NoToken", Req{Method: "GET", Path: "/api/" + alice + "/events"}, http.StatusUnauthorized, nil},
		{"BadToken", Req{Method: "GET", Path: "/api/" + alice + "/events", Token: "nope"}, http.StatusUnauthorized, nil},
		{"AnotherUsersStream", Req{Method: "GET", Path: "/api/" + alice + "/events", Token: Token(bob)}, http.StatusForbidden, nil},
		{"AnotherUsersTicket", Req{Method: "POST", Path: "/api/" + alice + "/events/tickets", Token: Token(bob)}, http.StatusForbidden, nil},
		{"TicketWithoutToken", Req{Method: "POST", Path: "/api/" + alice + "/events/tickets"}, http.StatusUnauthorized, nil},
		{"UnknownTicket", Req{Method: "GET", Path: "/api/" + alice + "/events?ticket=bm9ib2R5.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"}, http.StatusUnauthorized, nil},
		{"MalformedTicket", Req{Method: "GET", Path: "/api/" + alice + "/events?ticket=garbage"}, http.StatusUnauthorized, nil},
		{"PutOnStream", Req{Method: "PUT", Path: "/api/" + alice + "/events", Token: Token(alice)}, http.StatusMethodNotAllowed, nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := s.MustDo(t, c.req)
			if r.Status != c.want {
				t.Errorf("%s %s = %d %s, want %d", c.req.Method, c.req.Path, r.Status, r.Body, c.want)
			}
		})
	}
}

func mustTicket(t *testing.T, s *Server, user, token string) string {
	t.Helper()
	r := s.MustDo(t, Req{Method: "POST", Path: "/api/" + user + "/events/tickets", Token: token})
	if r.Status != http.StatusCreated {
		t.Fatalf("POST tickets = %d %s, want 201", r.Status, r.Body)
	}
	var body struct {
		Ticket    string `json:"ticket"`
		ExpiresIn int    `json:"expires_in"`
	}
	if err := json.Unmarshal(r.Body, &body); err != nil {
		t.Fatal(err)
	}
	if body.ExpiresIn != 30 || body.Ticket == "" {
		t.Fatalf("ticket = %s, want a ticket that expires in 30", r.Body)
	}
	return body.Ticket
}

func TestEventTickets(t *testing.T) {
	leakCheck(t)
	s := MustServer(t)
	base := MustServe(t, s)
	alice, bob := NewUser(), NewUser()
	t.Run("SingleUse", func(t *testing.T) {
		ticket := mustTicket(t, s, alice, Token(alice))
		st := MustOpenStream(t, base, "/api/"+alice+"/events?ticket="+ticket, nil)
		mustCreate(t, s, alice, "seen")
		if ev := st.NextEvent(t); ev.Event != "task.created" {
			t.Errorf("event = %+v, want task.created", ev)
		}
		st.Close()
		r := s.MustDo(t, Req{Method: "GET", Path: "/api/" + alice + "/events?ticket=" + ticket})
		if r.Status != http.StatusUnauthorized {
			t.Errorf("a ticket used twice = %d, want 401", r.Status)
		}
	})
	t.Run("StoredAsAHash", func(t *testing.T) {
		before := s.tickets.Len()
		mustTicket(t, s, alice, Token(alice))
		if s.tickets.Len() != before+1 {
			t.Fatal("the ticket was not stored")
		}
	})
	t.Run("AnotherUsersPath", func(t *testing.T) {
		ticket := mustTicket(t, s, alice, Token(alice))
		r := s.MustDo(t, Req{Method: "GET", Path: "/api/" + bob + "/events?ticket=" + ticket})
		if r.Status != http.StatusForbidden {
			t.Errorf("alice's ticket on bob's stream = %d, want 403", r.Status)
		}
	})
	t.Run("Expired", func(t *testing.T) {
		ticket := mustTicket(t, s, alice, Token(alice))
		s.clock.Advance(31 * time.Second)
		r := s.MustDo(t, Req{Method: "GET", Path: "/api/" + alice + "/events?ticket=" + ticket})
		if r.Status != http.StatusUnauthorized {
			t.Errorf("a ticket 31 s old = %d, want 401", r.Status)
		}
	})
	t.Run("BearerWins", func(t *testing.T) {
		// With both, the header authenticates and the ticket stays unused.
		ticket := mustTicket(t, s, alice, Token(alice))
		r := s.MustDo(t, Req{Method: "GET", Path: "/api/" + alice + "/events?ticket=" + ticket, Token: "nope"})
		if r.Status != http.StatusUnauthorized {
			t.Errorf("a bad bearer token with a good ticket = %d, want 401", r.Status)
		}
		MustOpenStream(t, base, "/api/"+alice+"/events?ticket="+ticket, nil).Close()
	})
}

// A stream ends when the token behind it expires: a bearer token's exp, or
// that of the token that asked for the ticket.
func TestEventsEndWhenTheTokenExpires(t *testing.T) {
	leakCheck(t)
	s := MustServer(t)
	base := MustServe(t, s)
	user := NewUser()
	t.Run("Bearer", func(t *testing.T) {
		st := MustOpenStream(t, base, "/api/"+user+"/events", map[string]string{"Authorization": "Bearer expiring-300-" + user})
		blocks := st.WaitEnd(t)
		if len(blocks) == 0 || !strings.Contains(strings.Join(blocks[len(blocks)-1].Comments, " "), "expired") {
			t.Errorf("the stream ended with %+v, want a comment saying the token expired", blocks)
		}
	})
	t.Run("Ticket", func(t *testing.T) {
		ticket := mustTicket(t, s, user, "expiring-300-"+user)
		st := MustOpenStream(t, base, "/api/"+user+"/events?ticket="+ticket, nil)
		st.WaitEnd(t)
	})
}

func TestEventsKeepAlive(t *testing.T) {
	leakCheck(t)
	s := MustServer(t, func(c *httpapi.Config) { c.KeepAlive = 20 * time.Millisecond })
	base := MustServe(t, s)
	user := NewUser()
	st := MustOpenStream(t, base, "/api/"+user+"/events", bearer(user))
	for {
		if b := st.Next(t); len(b.Comments) > 0 && b.Comments[0] == "keep-alive" {
			break
		}
	}
}

// The stream outlives the server's read and write timeouts.
func TestEventsOutliveServerTimeouts(t *testing.T) {
	leakCheck(t)
	s := MustServer(t)
	ts := httptest.NewUnstartedServer(s.h)
	ts.Config.ReadTimeout, ts.Config.WriteTimeout = 100*time.Millisecond, 100*time.Millisecond
	ts.Start()
	t.Cleanup(ts.Close) // after the stream's cleanup, which hangs up
	user := NewUser()
	st := MustOpenStream(t, ts.URL, "/api/"+user+"/events", bearer(user))
	time.Sleep(300 * time.Millisecond)
	mustCreate(t, s, user, "late")
	if ev := st.NextEvent(t); ev.Event != "task.created" {
		t.Errorf("event = %+v", ev)
	}
}

// On shutdown every stream ends at once, with a retry hint, and the
// server's Shutdown is not held up by them.
func TestEventsEndOnShutdown(t *testing.T) {
	leakCheck(t)
	var streams atomic.Int32
	drain := new(httpapi.Drain)
	s := MustServer(t, func(c *httpapi.Config) {
		c.Drain = drain
		c.OnStream = func(d int) { streams.Add(int32(d)) }
	})
	ts := httptest.NewUnstartedServer(drain.Handler(s.h))
	ts.Start()
	user := NewUser()
	var open []*Stream
	for range 3 {
		open = append(open, MustOpenStream(t, ts.URL, "/api/"+user+"/events", bearer(user)))
	}
	testkit.Eventually(t, 5*time.Second, "3 streams counted open", func() bool { return streams.Load() == 3 })
	drain.Begin()
	for _, st := range open {
		blocks := st.WaitEnd(t)
		if len(blocks) == 0 || blocks[len(blocks)-1].Retry == "" {
			t.Errorf("the stream ended with %+v, want a retry hint last", blocks)
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := ts.Config.Shutdown(ctx); err != nil {
		t.Errorf("Shutdown: %v (held up by streams?)", err)
	}
	ts.Close()
	if n := streams.Load(); n != 0 {
		t.Errorf("%d streams still counted open", n)
	}
}

func TestEventsCORS(t *testing.T) {
	leakCheck(t)
	s := MustServer(t)
	base := MustServe(t, s)
	user := NewUser()
	st := MustOpenStream(t, base, "/api/"+user+"/events", map[string]string{"Authorization": "Bearer " + Token(user), "Origin": allowedOrigin})
	if got := st.Resp.Header.Get("Access-Control-Allow-Origin"); got != allowedOrigin {
		t.Errorf("Access-Control-Allow-Origin = %q, want %q", got, allowedOrigin)
	}
	r := s.MustDo(t, Req{Method: "POST", Path: "/api/" + user + "/events/tickets", Token: Token(user), Header: map[string]string{"Origin": allowedOrigin}})
	if got := r.Header.Get("Access-Control-Allow-Origin"); got != allowedOrigin {
		t.Errorf("tickets: Access-Control-Allow-Origin = %q, want %q", got, allowedOrigin)
	}
}

// A stream is one request to the rate limit, counted when it opens; a
// ticket's stream counts against its user too.
func TestEventsRateLimited(t *testing.T) {
	leakCheck(t)
	limiter := ratelimit.New(ratelimit.NewMemoryStore(0, frozen{}), ratelimit.Config{PerUser: 2}, slog.New(slog.DiscardHandler))
	s := MustServer(t, func(c *httpapi.Config) { c.RateLimiter = limiter })
	base := MustServe(t, s)
	user := NewUser()
	st := MustOpenStream(t, base, "/api/"+user+"/events", bearer(user))
	if got := st.Resp.Header.Get("RateLimit"); !strings.Contains(got, `"user";r=1`) {
		t.Errorf("RateLimit = %q, want the stream counted once", got)
	}
	ticket := mustTicket(t, s, user, Token(user))
	resp := mustGetStream(t, base, "/api/"+user+"/events?ticket="+ticket, nil)
	resp.Body.Close()
	if resp.StatusCode != http.StatusTooManyRequests || resp.Header.Get("Retry-After") == "" {
		t.Errorf("a stream over the user's limit = %d, want 429 with Retry-After", resp.StatusCode)
	}
}

// An open stream over HTTP/1.1 leaves its request behind: the client
// still gets every header the route and the middleware set, a body that
// ends with the connection, and the request is logged as the stream opens.
func TestEventsResponseHead(t *testing.T) {
	leakCheck(t)
	s := MustServer(t)
	base := MustServe(t, s)
	user := NewUser()
	st := MustOpenStream(t, base, "/api/"+user+"/events", map[string]string{"Authorization": "Bearer " + Token(user), "X-Request-Id": "stream-head-1"})
	if first := st.Next(t); first.Retry != "3000" {
		t.Fatalf("first block = %+v, want retry: 3000", first)
	}
	r := st.Resp
	if r.Proto != "HTTP/1.1" || r.StatusCode != http.StatusOK {
		t.Errorf("status line %s %d, want HTTP/1.1 200", r.Proto, r.StatusCode)
	}
	for k, want := range map[string]string{"X-Request-Id": "stream-head-1", "X-Content-Type-Options": "nosniff", "Cache-Control": "no-store", "X-Accel-Buffering": "no", "Content-Type": "text/event-stream"} {
		if got := r.Header.Get(k); got != want {
			t.Errorf("%s = %q, want %q", k, got, want)
		}
	}
	if r.Header.Get("Date") == "" {
		t.Error("no Date header")
	}
	if !r.Close || len(r.TransferEncoding) != 0 || r.ContentLength != -1 {
		t.Errorf("close %v, transfer encoding %v, length %d: want a body delimited by the connection's close", r.Close, r.TransferEncoding, r.ContentLength)
	}
	testkit.Eventually(t, 5*time.Second, "the stream's access log line", func() bool {
		return strings.Contains(s.logs.String(), `"route":"/api/:user_id/events"`) && strings.Contains(s.logs.String(), `"request_id":"stream-head-1"`)
	})
	mustCreate(t, s, user, "after the head")
	if ev := st.NextEvent(t); ev.Event != "task.created" {
		t.Errorf("event = %+v", ev)
	}
}

// Nobody reads a stream's connection once it has left its request: a
// client that hangs up is noticed at the next keep-alive, and its stream
// counted out.
func TestEventsNoticeAHangUp(t *testing.T) {
	leakCheck(t)
	var open atomic.Int32
	s := MustServer(t, func(c *httpapi.Config) {
		c.KeepAlive = 20 * time.Millisecond
		c.OnStream = func(d int) { open.Add(int32(d)) }
	})
	base := MustServe(t, s)
	user := NewUser()
	for range 3 {
		MustOpenStream(t, base, "/api/"+user+"/events", bearer(user)).Close()
	}
	testkit.Eventually(t, 10*time.Second, "every stream counted out", func() bool { return open.Load() == 0 })
}

// Over HTTP/2 the connection cannot be taken over: the handler serves the
// stream itself, as it did before streams left their requests.
func TestEventsOverHTTP2(t *testing.T) {
	leakCheck(t)
	var open atomic.Int32
	drain := new(httpapi.Drain)
	s := MustServer(t, func(c *httpapi.Config) {
		c.OnStream = func(d int) { open.Add(int32(d)) }
		c.Drain = drain
	})
	ts := httptest.NewUnstartedServer(s.h)
	ts.EnableHTTP2 = true
	ts.StartTLS()
	t.Cleanup(ts.Close)
	client := ts.Client()
	t.Cleanup(client.CloseIdleConnections)
	user := NewUser()
	req, _ := http.NewRequest(http.MethodGet, ts.URL+"/api/"+user+"/events", nil)
	req.Header.Set("Authorization", "Bearer "+Token(user))
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	if resp.ProtoMajor != 2 || resp.StatusCode != http.StatusOK {
		t.Fatalf("%s %d, want HTTP/2 200", resp.Proto, resp.StatusCode)
	}
	st := &Stream{Resp: resp, blocks: make(chan sse, 1024), done: make(chan struct{})}
	go st.read()
	t.Cleanup(st.Close)
	if first := st.Next(t); first.Retry != "3000" {
		t.Fatalf("first block = %+v, want retry: 3000", first)
	}
	mustCreate(t, s, user, "over h2")
	if ev := st.NextEvent(t); ev.Event != "task.created" {
		t.Errorf("event = %+v", ev)
	}
	drain.Begin()
	if blocks := st.WaitEnd(t); len(blocks) == 0 || blocks[len(blocks)-1].Retry == "" {
		t.Errorf("the stream ended with %+v, want a retry hint last", blocks)
	}
	testkit.Eventually(t, 5*time.Second, "the stream counted out", func() bool { return open.Load() == 0 })
}
