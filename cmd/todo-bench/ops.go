package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
)

// call is one HTTP request of an operation and the status that means
// success.
type call struct {
	method string
	path   string
	body   []byte
	header http.Header
	want   int
	key    string // an Idempotency-Key to send; "" for none
}

// callsOf returns the generator of an operation's requests; each goes for a
// random seeded user (and one of its seeded tasks), with that user's token.
// Routes are the original family, /api/{user_id}/{task_id}.
func (b *bench) callsOf(op string) func(w *worker) call {
	if _, ok := scenarioOf(op); ok {
		return func(w *worker) call {
			h := b.pickHeavy(w)
			return call{method: http.MethodGet, path: h.paths[op], header: h.auth, want: http.StatusOK}
		}
	}
	switch op {
	case "list":
		return func(w *worker) call {
			u := b.pickUser(w)
			return call{method: http.MethodGet, path: "/api/" + u.id, header: u.auth, want: http.StatusOK}
		}
	case "get":
		return func(w *worker) call {
			u, t := b.pickTask(w)
			return call{method: http.MethodGet, path: "/api/" + u.id + "/" + t, header: u.auth, want: http.StatusOK}
		}
	case "create":
		return func(w *worker) call {
			u := b.pickUser(w)
			return call{method: http.MethodPost, path: "/api/" + u.id, body: titleBody("Created", w), header: u.authJSON, want: http.StatusCreated}
		}
	case "create-key":
		return func(w *worker) call {
			u := b.pickUser(w)
			return call{http.MethodPost, "/api/" + u.id, titleBody("Created", w), u.authJSON, http.StatusCreated, newKey(w)}
		}
	case "update":
		return func(w *worker) call {
			u, t := b.pickTask(w)
			return call{method: http.MethodPatch, path: "/api/" + u.id + "/" + t, body: titleBody("Renamed", w), header: u.authJSON, want: http.StatusOK}
		}
	case "update-key":
		return func(w *worker) call {
			u, t := b.pickTask(w)
			return call{http.MethodPatch, "/api/" + u.id + "/" + t, titleBody("Renamed", w), u.authJSON, http.StatusOK, newKey(w)}
		}
	case "toggle":
		return func(w *worker) call {
			u, t := b.pickTask(w)
			return call{method: http.MethodPatch, path: "/api/" + u.id + "/" + t + "/toggle", header: u.auth, want: http.StatusOK}
		}
	}
	panic("todo-bench: unknown operation " + op)
}

// newKey is an Idempotency-Key no other request uses: the keyed ops
// measure what a first attempt costs, the case every write with a key
// pays, not a replay.
func newKey(w *worker) string {
	return "bench-" + strconv.Itoa(w.id) + "-" + strconv.FormatUint(w.rng.Uint64(), 36)
}

// titleBody is a body with a title no other request uses, so every update
// really changes the task.
func titleBody(verb string, w *worker) []byte {
	b := make([]byte, 0, 64)
	b = append(b, `{"title":"`...)
	b = appendTitle(b, verb, w)
	return append(b, `"}`...)
}

// title is titleBody's title, for the DB ceiling.
func title(verb string, w *worker) string { return string(appendTitle(make([]byte, 0, 48), verb, w)) }

func appendTitle(b []byte, verb string, w *worker) []byte {
	b = append(b, verb...)
	b = append(b, " by worker "...)
	b = strconv.AppendInt(b, int64(w.id), 10)
	b = append(b, ", request "...)
	return strconv.AppendInt(b, int64(w.seq), 10)
}

func (b *bench) pickUser(w *worker) *user { return b.users[w.rng.IntN(len(b.users))] }

func (b *bench) pickTask(w *worker) (*user, string) {
	u := b.pickUser(w)
	return u, u.tasks[w.rng.IntN(len(u.tasks))]
}

// serviceOp drives the server under test.
func (b *bench) serviceOp(op string) opFunc {
	calls := b.callsOf(op)
	return func(ctx context.Context, w *worker) (int, error) {
		c := calls(w)
		return b.send(ctx, w, b.base, c.path, c)
	}
}

// ceilingOp drives the HTTP ceiling with the very requests serviceOp sends
// (method, headers, body), at a path that tells the trivial handler which
// status to answer and how many bytes to write back.
func (b *bench) ceilingOp(op string, status, size int) opFunc {
	calls := b.callsOf(op)
	path := "/ceiling/" + strconv.Itoa(status) + "/" + strconv.Itoa(size)
	return func(ctx context.Context, w *worker) (int, error) {
		return b.send(ctx, w, b.ceilBase, path, calls(w))
	}
}

// send makes one request to base+path and reads the whole response, with
// the worker's raw connection or through the net/http client.
func (b *bench) send(ctx context.Context, w *worker, base, path string, c call) (int, error) {
	var status, n int
	var err error
	if b.o.client == clientRaw {
		if w.conn == nil {
			w.conn = newRawConn(strings.TrimPrefix(base, "http://"))
		}
		status, n, err = w.conn.do(path, c)
	} else {
		status, n, err = b.sendNetHTTP(ctx, base+path, c)
	}
	if err == nil && status != c.want {
		err = fmt.Errorf("%s %s: status %d, want %d", c.method, c.path, status, c.want)
	}
	return n, err
}

func (b *bench) sendNetHTTP(ctx context.Context, url string, c call) (status, n int, err error) {
	var body io.Reader = http.NoBody
	if c.body != nil {
		body = bytes.NewReader(c.body)
	}
	req, err := http.NewRequestWithContext(ctx, c.method, url, body)
	if err != nil {
		return 0, 0, err
	}
	req.Header = c.header // shared, read-only: RoundTrip never modifies it
	if c.key != "" {
		req.Header = c.header.Clone()
		req.Header.Set("Idempotency-Key", c.key)
	}
	resp, err := b.client.Do(req)
	if err != nil {
		return 0, 0, err
	}
	m, err := io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode, int(m), err
}
