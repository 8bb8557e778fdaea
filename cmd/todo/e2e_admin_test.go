package main

import (
	"net"
	"net/http"
	"regexp"
	"strings"
	"testing"
)

// The binary serves /metrics and /debug/pprof/ on its admin listener and
// neither on the API's address; its request log lines carry trace ids.
func TestAdminListener(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	env := cleanEnv()
	srv := MustStart(t, dir, env)
	token := MustToken(t, dir, env, "alice")
	if status, _, body := Do(t, "POST", srv.URL+"/api/alice/tasks", token, `{"title":"counted"}`); status != http.StatusCreated {
		t.Fatalf("create: %d %s", status, body)
	}
	status, _, body := Do(t, "GET", srv.Admin+"/metrics", "", "")
	if status != http.StatusOK || !strings.Contains(string(body), `todo_http_requests_total{method="POST",route="/api/:user_id/tasks",status="201"} 1`) {
		t.Errorf("admin /metrics: %d\n%s", status, body)
	}
	if status, _, _ := Do(t, "GET", srv.Admin+"/debug/pprof/goroutine?debug=1", "", ""); status != http.StatusOK {
		t.Errorf("admin /debug/pprof/goroutine: %d", status)
	}
	for _, path := range []string{"/metrics", "/debug/pprof/"} {
		if status, _, _ := Do(t, "GET", srv.URL+path, "", ""); status != http.StatusNotFound {
			t.Errorf("the API's address answers GET %s with %d, want 404", path, status)
		}
	}
	if code := srv.Stop(t); code != 0 {
		t.Fatalf("exit %d\n%s", code, srv.logs)
	}
	logs := srv.logs.String()
	if !strings.Contains(logs, `msg="admin listening" addr=`+strings.TrimPrefix(srv.Admin, "http://")) {
		t.Errorf("no admin listening line:\n%s", logs)
	}
	request := regexp.MustCompile(`(?m)^.*msg="http request" method=POST route=/api/:user_id/tasks .*$`).FindString(logs)
	if !regexp.MustCompile(` trace_id=[0-9a-f]{32}\b`).MatchString(request) {
		t.Errorf("the request's log line has no trace_id: %q", request)
	}
}

// ADMIN_ADDR= (as cleanEnv sets it) turns the admin listener off.
func TestAdminListenerOffByEmptyVariable(t *testing.T) {
	t.Parallel()
	srv := mustStart(t, t.TempDir(), cleanEnv(), false)
	if code := srv.Stop(t); code != 0 {
		t.Fatalf("exit %d\n%s", code, srv.logs)
	}
	logs := srv.logs.String()
	if strings.Contains(logs, "admin listening") || !strings.Contains(logs, "admin listener off") {
		t.Errorf("the admin listener runs with ADMIN_ADDR empty:\n%s", logs)
	}
}

// A taken admin port stops serve with one line naming the setting, and
// how to turn the listener off.
func TestAdminPortInUse(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	addr := ln.Addr().String()
	_, errOut, code := Cmd(t, t.TempDir(), cleanEnv(), "serve", "--http-addr", "127.0.0.1:0", "--admin-addr", addr)
	last := lastLine(errOut)
	if code != exitFailure || !strings.HasPrefix(last, "todo: start: cannot listen on "+addr+" for the admin listener") ||
		!strings.Contains(last, "--admin-addr (ADMIN_ADDR)") || !strings.Contains(last, "ADMIN_ADDR= (empty)") {
		t.Errorf("exit %d, last line %q; want exit 1 and a hint naming --admin-addr and ADMIN_ADDR\n%s", code, last, errOut)
	}
}
