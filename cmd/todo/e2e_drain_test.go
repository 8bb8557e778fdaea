package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptrace"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// SIGTERM under load, with keep-alive clients that poll /readyz as a load
// balancer does and stop sending once it says 503: not one request is lost
// (no transport error, every create stored), every response from the
// moment the drain begins carries Connection: close, an idle keep-alive
// connection is closed while the server still answers new ones, and the
// process exits 0 within SHUTDOWN_DRAIN + SHUTDOWN_TIMEOUT.
func TestDrainOnSIGTERM(t *testing.T) {
	t.Parallel()
	const drain, timeout, clients = 3 * time.Second, 5 * time.Second, 8
	dir := t.TempDir()
	env := cleanEnv("SHUTDOWN_DRAIN="+drain.String(), "SHUTDOWN_TIMEOUT="+timeout.String(), "RATE_LIMIT_PER_USER=0")
	srv := MustStart(t, dir, env)
	idle := mustIdleConn(t, srv.URL)

	results := make([]*drainClient, clients)
	var started sync.WaitGroup
	var done sync.WaitGroup
	started.Add(clients)
	for i := range results {
		c := &drainClient{base: srv.URL, user: fmt.Sprint("drain-", i), client: &http.Client{Transport: &http.Transport{}}}
		c.token = MustToken(t, dir, env, c.user)
		results[i] = c
		done.Go(func() { c.run(&started) })
	}
	started.Wait() // every client is sending on kept-alive connections

	sigterm := time.Now()
	_ = srv.cmd.Process.Signal(syscall.SIGTERM)
	idleClosed := make(chan error, 1)
	go func() { idleClosed <- idle.awaitClose(srv.URL) }()
	done.Wait()

	var exitErr error
	select {
	case exitErr = <-srv.done:
	case <-time.After(drain + timeout + 5*time.Second):
		t.Fatalf("still running %v after SIGTERM\n%s", time.Since(sigterm), srv.logs)
	}
	took := time.Since(sigterm)
	if exitErr != nil || took > drain+timeout {
		t.Errorf("exit after %v: %v, want 0 within %v\n%s", took, exitErr, drain+timeout, srv.logs)
	}
	if took < drain {
		t.Errorf("exited %v after SIGTERM, before the %v drain was over", took, drain)
	}

	var created, closing int
	for _, c := range results {
		for _, err := range c.errs {
			t.Errorf("%s: %v", c.user, err)
		}
		if c.reused == 0 {
			t.Errorf("%s: no connection kept alive before the drain: the test tested nothing", c.user)
		}
		created += len(c.created)
		closing += c.closing
	}
	if closing == 0 {
		t.Error("no task request was answered during the drain: the test tested nothing")
	}
	if err := <-idleClosed; err != nil {
		t.Errorf("idle keep-alive connection: %v", err)
	}
	logs := srv.logs.String()
	if strings.Contains(logs, "level=ERROR") || !strings.Contains(logs, "draining") {
		t.Errorf("log with an ERROR or without the drain:\n%s", logs)
	}
	t.Logf("%d tasks created, %d task responses during the drain, exit after %v", created, closing, took.Round(time.Millisecond))

	// Every create that was answered is stored, and nothing else is.
	again := MustStart(t, dir, env)
	for _, c := range results {
		status, _, body := Do(t, "GET", again.URL+"/api/"+c.user+"/tasks", c.token, "")
		var stored []taskJSON
		if err := json.Unmarshal(body, &stored); status != http.StatusOK || err != nil {
			t.Fatalf("list after restart: %d %v %s", status, err, body)
		}
		if len(stored) != len(c.created) {
			t.Errorf("%s: %d tasks stored, %d creates answered", c.user, len(stored), len(c.created))
		}
	}
	again.Stop(t)
}

// drainClient sends requests on kept-alive connections, polling /readyz
// every 50 ms, until /readyz says 503.
type drainClient struct {
	base, user, token string
	client            *http.Client

	created []string
	reused  int     // responses on a kept-alive connection
	closing int     // task responses with Connection: close
	errs    []error // anything but a clean answer
}

const readyPoll = 50 * time.Millisecond

func (c *drainClient) run(started *sync.WaitGroup) {
	sawClose := false
	lastPoll := time.Now()
	for n := 0; ; n++ {
		if n == 10 {
			started.Done()
		}
		if n >= 10 && time.Since(lastPoll) >= readyPoll {
			lastPoll = time.Now()
			status, closes, _, err := c.send("GET", "/readyz", "")
			if err != nil {
				c.errs = append(c.errs, err)
				return
			}
			if status == http.StatusServiceUnavailable {
				if !closes {
					c.errs = append(c.errs, fmt.Errorf("/readyz answered 503 without Connection: close"))
				}
				return
			}
		}
		method, body := "GET", ""
		if n%2 == 0 && len(c.created) < 900 { // lists hold at most 1000
			method, body = "POST", `{"title":"sent while the server may be draining"}`
		}
		status, closes, reused, err := c.send(method, "/api/"+c.user+"/tasks", body)
		switch {
		case err != nil:
			c.errs = append(c.errs, err)
			if n < 10 {
				started.Done()
			}
			return
		case method == "POST" && status == http.StatusCreated:
			c.created = append(c.created, body)
		case method == "GET" && status == http.StatusOK:
		default:
			c.errs = append(c.errs, fmt.Errorf("%s: status %d", method, status))
		}
		if sawClose && !closes {
			c.errs = append(c.errs, fmt.Errorf("%s during the drain answered without Connection: close", method))
		}
		if closes {
			sawClose = true
			c.closing++
		}
		if reused && !sawClose {
			c.reused++
		}
	}
}

// send sends one request and reads the whole answer. closes reports
// Connection: close; reused, that the connection had served before.
func (c *drainClient) send(method, path, body string) (status int, closes, reused bool, err error) {
	req, _ := http.NewRequest(method, c.base+path, strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+c.token)
	req = req.WithContext(httptrace.WithClientTrace(req.Context(), &httptrace.ClientTrace{
		GotConn: func(i httptrace.GotConnInfo) { reused = i.Reused },
	}))
	resp, err := c.client.Do(req)
	if err != nil {
		return 0, false, false, fmt.Errorf("%s %s: %w", method, path, err)
	}
	defer resp.Body.Close()
	if _, err := io.Copy(io.Discard, resp.Body); err != nil {
		return 0, false, false, fmt.Errorf("%s %s: reading the answer: %w", method, path, err)
	}
	return resp.StatusCode, resp.Close, reused, nil
}

// idleConn is a keep-alive connection that served one request and then
// sends nothing more.
type idleConn struct {
	conn net.Conn
	r    *bufio.Reader
}

func mustIdleConn(t *testing.T, base string) *idleConn {
	t.Helper()
	conn, err := net.Dial("tcp", strings.TrimPrefix(base, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	c := &idleConn{conn: conn, r: bufio.NewReader(conn)}
	io.WriteString(conn, "GET /healthz HTTP/1.1\r\nHost: todo\r\n\r\n")
	resp, err := http.ReadResponse(c.r, nil)
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.Close {
		t.Fatal("the idle connection was not kept alive")
	}
	return c
}

// awaitClose waits for the server to close the idle connection, then
// checks that the server still answers a new connection, with
// Connection: close: the connection was closed during the drain, not by
// the server stopping.
func (c *idleConn) awaitClose(base string) error {
	_ = c.conn.SetReadDeadline(time.Now().Add(time.Minute))
	if n, err := c.r.Read(make([]byte, 1)); err != io.EOF {
		return fmt.Errorf("read %d bytes, %v; want the server to close it (EOF)", n, err)
	}
	resp, err := (&http.Client{Transport: &http.Transport{}}).Get(base + "/healthz")
	if err != nil {
		return fmt.Errorf("closed, but then the server no longer answered: %w", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !resp.Close {
		return fmt.Errorf("after it closed, a new connection was answered %d, Connection: close %v", resp.StatusCode, resp.Close)
	}
	return nil
}
