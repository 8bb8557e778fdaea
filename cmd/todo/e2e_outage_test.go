package main

import (
	"bytes"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/todoapi/todo/adapters/sqlstore/sqlstoretest"
	"github.com/todoapi/todo/internal/testkit"
)

// tcpProxy forwards a loopback port to a target and can cut every
// connection and refuse new ones, as a database outage does. It counts the
// connections it forwards: the sessions a pool opened.
type tcpProxy struct {
	target    string
	ln        net.Listener
	mu        sync.Mutex
	up        bool
	conns     []net.Conn
	forwarded atomic.Int64
}

func newTCPProxy(t *testing.T, target string) *tcpProxy {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &tcpProxy{target: target, ln: ln, up: true}
	t.Cleanup(func() { ln.Close(); p.SetUp(false) })
	go p.serve()
	return p
}

func (p *tcpProxy) serve() {
	for {
		c, err := p.ln.Accept()
		if err != nil {
			return
		}
		p.mu.Lock()
		up := p.up
		p.mu.Unlock()
		if !up {
			c.Close()
			continue
		}
		go p.pipe(c)
	}
}

func (p *tcpProxy) pipe(c net.Conn) {
	s, err := net.Dial("tcp", p.target)
	if err != nil {
		c.Close()
		return
	}
	p.forwarded.Add(1)
	p.mu.Lock()
	p.conns = append(p.conns, c, s)
	p.mu.Unlock()
	go func() { io.Copy(s, c); s.Close() }()
	io.Copy(c, s)
	c.Close()
}

// SetUp lets connections through, or cuts them all and refuses new ones.
func (p *tcpProxy) SetUp(up bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.up = up
	if !up {
		for _, c := range p.conns {
			c.Close()
		}
		p.conns = nil
	}
}

// While the database is unreachable the API answers 503 problems with
// Retry-After, /readyz fails and /healthz does not; when it returns, all
// recovers without a restart. A write load runs throughout: every write
// acknowledged before, during or after the outage is stored, and in the
// change feed exactly once.
func TestDatabaseOutageAndRecovery(t *testing.T) {
	t.Parallel()
	dbURL, err := url.Parse(sqlstoretest.MustCreatePostgresDB(t))
	if err != nil {
		t.Fatal(err)
	}
	proxy := newTCPProxy(t, dbURL.Host)
	dbURL.Host = proxy.ln.Addr().String()
	q := dbURL.Query()
	q.Set("connect_timeout", "2")
	dbURL.RawQuery = q.Encode()

	dir := t.TempDir()
	env := cleanEnv("DATABASE_URL="+dbURL.String(), "RATE_LIMIT_PER_USER=0")
	srv := MustStart(t, dir, env)
	token := MustToken(t, dir, env, "alice")
	if status, _, body := Do(t, "POST", srv.URL+"/api/alice/tasks", token, `{"title":"before the outage"}`); status != http.StatusCreated {
		t.Fatalf("create: %d %s", status, body)
	}
	load := startWriteLoad(srv.URL, token, "alice", 4)
	t.Cleanup(load.Stop)
	testkit.Eventually(t, 2*time.Minute, "writes acknowledged before the outage", func() bool { return len(load.Acks()) >= 20 })
	before := len(load.Acks())

	proxy.SetUp(false)
	status, hdr, body := Do(t, "GET", srv.URL+"/api/alice/tasks", token, "")
	if status != http.StatusServiceUnavailable || hdr.Get("Retry-After") == "" ||
		!strings.HasPrefix(hdr.Get("Content-Type"), "application/problem+json") || !strings.Contains(string(body), `"detail"`) {
		t.Fatalf("during the outage: %d Retry-After=%q %s", status, hdr.Get("Retry-After"), body)
	}
	if status, _, _ := Do(t, "GET", srv.URL+"/readyz", "", ""); status != http.StatusServiceUnavailable {
		t.Errorf("/readyz during the outage: %d, want 503", status)
	}
	if status, _, _ := Do(t, "GET", srv.URL+"/healthz", "", ""); status != http.StatusOK {
		t.Errorf("/healthz during the outage: %d, want 200", status)
	}
	// A keyed create that failed with the outage (a 5xx is not stored) is
	// retried with its key once the database is back.
	const keyed = `{"title":"keyed across the outage"}`
	if status, _, body := doKeyed(t, "POST", srv.URL+"/api/alice/tasks", token, "outage-1", keyed); status != http.StatusServiceUnavailable {
		t.Fatalf("a keyed create during the outage: %d %s, want 503", status, body)
	}

	proxy.SetUp(true)
	recovered := testkit.Poll(15*time.Second, func() error {
		status, _, body = Do(t, "GET", srv.URL+"/api/alice/tasks", token, "")
		if status != http.StatusOK {
			return fmt.Errorf("%d %s", status, body)
		}
		return nil
	})
	if recovered != nil {
		t.Fatalf("no recovery after the database returned: %v", recovered)
	}
	if !strings.Contains(string(body), "before the outage") {
		t.Fatalf("after recovery: %s", body)
	}
	if status, _, _ := Do(t, "GET", srv.URL+"/readyz", "", ""); status != http.StatusOK {
		t.Errorf("/readyz after recovery: %d", status)
	}
	status, first, made := doKeyed(t, "POST", srv.URL+"/api/alice/tasks", token, "outage-1", keyed)
	if status != http.StatusCreated || first.Get("Idempotent-Replayed") != "" {
		t.Fatalf("the keyed create retried after the outage: %d %v %s, want it made now", status, first, made)
	}
	status, hdr, replay := doKeyed(t, "POST", srv.URL+"/api/alice/tasks", token, "outage-1", keyed)
	if status != http.StatusCreated || hdr.Get("Idempotent-Replayed") != "true" || !bytes.Equal(replay, made) ||
		hdr.Get("Location") != first.Get("Location") {
		t.Fatalf("its retry: %d %v %s; want the first answer replayed", status, hdr, replay)
	}
	if _, _, body := Do(t, "GET", srv.URL+"/api/alice/tasks?search=keyed+across", token, ""); strings.Count(string(body), `"keyed across the outage"`) != 1 {
		t.Fatalf("tasks made by the keyed create and its retries: %s; want one", body)
	}
	// The load's writes failed during the outage with 503 and Retry-After,
	// and are acknowledged again after it.
	during := len(load.Acks())
	testkit.Eventually(t, 2*time.Minute, "writes acknowledged after the recovery", func() bool { return len(load.Acks()) > during+20 })
	load.Stop()
	close(load.statuses)
	outage := 0
	for s := range load.statuses {
		if s.status == http.StatusServiceUnavailable && s.retryAfter == "" {
			t.Fatalf("a write answered 503 without Retry-After during the outage")
		}
		if s.status == http.StatusServiceUnavailable {
			outage++
		}
	}
	if outage == 0 || before == 0 {
		t.Fatalf("%d writes acknowledged before the outage, %d answered 503 during it: the load did not run through it", before, outage)
	}
	MustAllAcknowledged(t, srv.URL, token, "alice", load.Acks())
	if code := srv.Stop(t); code != 0 {
		t.Errorf("exit %d\n%s", code, srv.logs)
	}
}

// DB_AUTO_MIGRATE=false leaves the schema to `todo migrate up`.
func TestAutoMigrateOff(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	env := cleanEnv("DB_AUTO_MIGRATE=false")
	srv := MustStart(t, dir, env)
	srv.Stop(t)
	if out, _, code := Cmd(t, dir, env, "migrate", "status"); code != 0 || !strings.Contains(out, allPending(t)) {
		t.Fatalf("after serve with DB_AUTO_MIGRATE=false: exit %d\n%s", code, out)
	}
}
