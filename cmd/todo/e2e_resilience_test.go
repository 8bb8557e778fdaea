package main

import (
	"net"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/todoapi/todo/adapters/sqlstore/sqlstoretest"
	"github.com/todoapi/todo/internal/testkit"
)

// A database that refuses connections for the first 1.5 s, as a sleeping
// serverless compute does while it wakes: serve retries, logging each retry
// with the password masked, then starts and serves.
func TestServeWaitsForLateDatabase(t *testing.T) {
	t.Parallel()
	dbURL, err := url.Parse(sqlstoretest.MustCreatePostgresDB(t))
	if err != nil {
		t.Fatal(err)
	}
	proxy := newTCPProxy(t, dbURL.Host)
	proxy.SetUp(false)
	dbURL.Host = proxy.ln.Addr().String()
	dbURL.User = url.UserPassword(dbURL.User.Username(), "s3cret") // the local server trusts loopback
	go func() { time.Sleep(1500 * time.Millisecond); proxy.SetUp(true) }()

	dir := t.TempDir()
	env := cleanEnv("DATABASE_URL="+dbURL.String(), "DB_CONNECT_RETRY=15s")
	srv := MustStart(t, dir, env)
	logs := srv.logs.String()
	if !strings.Contains(logs, "level=WARN msg=\"database not reachable yet, retrying\"") ||
		!strings.Contains(logs, "xxxxx@"+dbURL.Host) || strings.Contains(logs, "s3cret") {
		t.Errorf("start-up log should show masked retries:\n%s", logs)
	}
	token := MustToken(t, dir, env, "alice")
	if status, _, body := Do(t, "POST", srv.URL+"/api/alice/tasks", token, `{"title":"after the wait"}`); status != http.StatusCreated {
		t.Fatalf("create: %d %s", status, body)
	}
	if code := srv.Stop(t); code != 0 {
		t.Errorf("exit %d\n%s", code, srv.logs)
	}
}

// A database that never comes: serve and migrate give up soon after
// DB_CONNECT_RETRY and exit 1 with one line naming the database, password
// masked, and the last error.
func TestServeGivesUpWithoutDatabase(t *testing.T) {
	t.Parallel()
	// Without sslmode pgx tries TLS, then plain text: two errors to report.
	dead := "postgres://todo:s3cret@" + testkit.FreeAddr(t) + "/todo"
	env := cleanEnv("DATABASE_URL="+dead, "DB_CONNECT_RETRY=2s")
	for _, args := range [][]string{{"serve", "--http-addr", testkit.FreeAddr(t)}, {"migrate", "up"}} {
		start := time.Now()
		_, errOut, code := Cmd(t, t.TempDir(), env, args...)
		took, last := time.Since(start), lastLine(errOut)
		if code != exitFailure || !strings.HasPrefix(last, "todo: ") ||
			!strings.Contains(last, "database postgres://todo:xxxxx@") || !strings.Contains(last, " unreachable after ") ||
			!strings.Contains(last, "connection refused") || strings.Contains(errOut, "s3cret") {
			t.Errorf("todo %s: exit %d, last line %q\n%s", args[0], code, last, errOut)
		}
		if took < 2*time.Second || took > 10*time.Second {
			t.Errorf("todo %s gave up after %v; want soon after DB_CONNECT_RETRY=2s", args[0], took)
		}
	}
}

// A taken port stops serve with exit 1 and one line that says what to
// change, without fx's account of the failed hook around it.
func TestServePortInUse(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	addr := ln.Addr().String()
	_, errOut, code := Cmd(t, t.TempDir(), cleanEnv(), "serve", "--http-addr", addr)
	last := lastLine(errOut)
	if code != exitFailure || !strings.HasPrefix(last, "todo: start: cannot listen on "+addr+": the address is in use") ||
		!strings.Contains(last, "PORT") || !strings.Contains(last, "--http-addr") {
		t.Errorf("exit %d, last line %q; want exit 1 and a hint naming PORT and --http-addr\n%s", code, last, errOut)
	}
	if n := strings.Count(errOut, "in use"); n != 1 || strings.Contains(errOut, "level=ERROR") || strings.Contains(errOut, "OnStart hook") {
		t.Errorf("the failure is reported %d times, or with fx's internals:\n%s", n, errOut)
	}
}
