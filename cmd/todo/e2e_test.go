package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/todoapi/todo/internal/testkit"
	"github.com/todoapi/todo/migrations"
)

// These tests run the real binary, as a user would: built once, started in a
// fresh directory with an empty environment.

var binary string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "todo-e2e-")
	if err != nil {
		panic(err)
	}
	binary = filepath.Join(dir, "todo")
	build := exec.Command("go", "build", "-o", binary, ".")
	build.Stdout, build.Stderr = os.Stdout, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "building todo:", err)
		os.Exit(1)
	}
	code := testkit.Run(m)
	os.RemoveAll(dir)
	os.Exit(code)
}

// cleanEnv is an environment with none of the service's settings but one:
// the admin listener is off (ADMIN_ADDR=), so that servers started at once
// do not compete for its default port. MustStart gives each its own.
func cleanEnv(extra ...string) []string {
	return append([]string{"PATH=" + os.Getenv("PATH"), "HOME=" + os.Getenv("HOME"), "ADMIN_ADDR="}, extra...)
}

// Cmd runs the binary in dir and returns its output and exit code.
func Cmd(t *testing.T, dir string, env []string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	cmd := exec.Command(binary, args...)
	cmd.Dir, cmd.Env = dir, env
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		return out.String(), errb.String(), exit.ExitCode()
	}
	if err != nil {
		t.Fatal(err)
	}
	return out.String(), errb.String(), 0
}

// Process is a running server.
type Process struct {
	cmd   *exec.Cmd
	URL   string
	Admin string // the admin listener's URL; "" when args turned it off
	logs  *testkit.Buffer
	done  chan error
}

// MustStart starts `todo serve` in dir on a free port, with the admin
// listener on another unless args set --admin-addr, and waits until it
// answers /healthz.
func MustStart(t *testing.T, dir string, env []string, args ...string) *Process {
	t.Helper()
	return mustStart(t, dir, env, true, args...)
}

// mustStart is MustStart, giving the admin listener a free port only when
// admin is set.
func mustStart(t *testing.T, dir string, env []string, admin bool, args ...string) *Process {
	t.Helper()
	addr, adminAddr := testkit.FreeAddr(t), ""
	if admin && !slices.ContainsFunc(args, func(a string) bool { return strings.HasPrefix(a, "--admin-addr") }) {
		adminAddr = testkit.FreeAddr(t)
		args = append([]string{"--admin-addr", adminAddr}, args...)
	}
	cmd := exec.Command(binary, append([]string{"serve", "--http-addr", addr}, args...)...)
	cmd.Dir, cmd.Env = dir, env
	logs := &testkit.Buffer{}
	cmd.Stdout, cmd.Stderr = logs, logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	p := &Process{cmd: cmd, URL: "http://" + addr, logs: logs, done: make(chan error, 1)}
	if adminAddr != "" {
		p.Admin = "http://" + adminAddr
	}
	go func() { p.done <- cmd.Wait() }()
	t.Cleanup(func() { _ = cmd.Process.Kill() })
	err := testkit.Poll(20*time.Second, func() error {
		select {
		case err := <-p.done:
			t.Fatalf("server exited at start: %v\n%s", err, logs)
		default:
		}
		resp, err := http.Get(p.URL + "/healthz")
		if err == nil {
			resp.Body.Close()
		}
		return err
	})
	if err != nil {
		t.Fatalf("server did not answer /healthz: %v\n%s", err, logs)
	}
	return p
}

// Stop sends SIGTERM and returns the exit code.
func (p *Process) Stop(t *testing.T) int {
	t.Helper()
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case err := <-p.done:
		var exit *exec.ExitError
		if errors.As(err, &exit) {
			return exit.ExitCode()
		}
		if err != nil {
			t.Fatal(err)
		}
		return 0
	case <-time.After(30 * time.Second):
		t.Fatalf("server did not stop on SIGTERM\n%s", p.logs)
		return -1
	}
}

// Do sends a request with a bearer token and returns status and body.
func Do(t *testing.T, method, url, token, body string) (int, http.Header, []byte) {
	t.Helper()
	req, _ := http.NewRequest(method, url, strings.NewReader(body))
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header, b
}

type taskJSON struct {
	ID        string  `json:"id"`
	UserID    string  `json:"user_id"`
	Title     string  `json:"title"`
	Completed bool    `json:"completed"`
	Desc      *string `json:"description"`
}

func MustToken(t *testing.T, dir string, env []string, user string) string {
	t.Helper()
	out, errOut, code := Cmd(t, dir, env, "token", "--user", user)
	if code != 0 {
		t.Fatalf("todo token exited %d: %s", code, errOut)
	}
	return strings.TrimSpace(out)
}

// The zero-setup path of the README: no environment, an empty directory,
// `todo serve`, `todo token`, requests; then a restart keeps the data.
func TestZeroSetupRunTokenRestart(t *testing.T) {
	t.Parallel()
	dir, env := t.TempDir(), cleanEnv()
	srv := MustStart(t, dir, env)
	if !strings.Contains(srv.logs.String(), "development tokens are enabled") {
		t.Errorf("no warning that development tokens are enabled:\n%s", srv.logs)
	}
	token := MustToken(t, dir, env, "alice")

	status, hdr, body := Do(t, "POST", srv.URL+"/api/alice/tasks", token, `{"title":"Buy milk"}`)
	if status != http.StatusCreated || hdr.Get("Location") == "" {
		t.Fatalf("create: %d %s", status, body)
	}
	var created taskJSON
	json.Unmarshal(body, &created)
	if status, _, body := Do(t, "GET", srv.URL+"/api/bob/tasks", token, ""); status != http.StatusForbidden {
		t.Fatalf("alice's token on bob's path: %d %s", status, body)
	}
	if status, _, _ := Do(t, "GET", srv.URL+"/api/alice/tasks", "not-a-token", ""); status != http.StatusUnauthorized {
		t.Fatalf("bad token: %d", status)
	}
	if code := srv.Stop(t); code != 0 {
		t.Fatalf("exit code after SIGTERM = %d, want 0\n%s", code, srv.logs)
	}
	for _, f := range []string{"data/todo.db", "data/dev-signing-key.json"} {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			t.Errorf("%s: %v", f, err)
		}
	}
	if info, err := os.Stat(filepath.Join(dir, "data/dev-signing-key.json")); err == nil && info.Mode().Perm() != 0o600 {
		t.Errorf("development key mode = %o, want 600", info.Mode().Perm())
	}

	again := MustStart(t, dir, env)
	status, _, body = Do(t, "GET", again.URL+"/api/alice/tasks/"+created.ID, token, "")
	var got taskJSON
	json.Unmarshal(body, &got)
	if status != http.StatusOK || got.Title != "Buy milk" {
		t.Fatalf("after restart: %d %s", status, body)
	}
	again.Stop(t)
}

// SIGTERM lets a request in flight finish before the process exits 0.
func TestGracefulShutdownFinishesInFlight(t *testing.T) {
	t.Parallel()
	dir, env := t.TempDir(), cleanEnv()
	srv := MustStart(t, dir, env)
	token := MustToken(t, dir, env, "alice")

	// Send the headers now and the body only after SIGTERM.
	pr, pw := io.Pipe()
	req, _ := http.NewRequest("POST", srv.URL+"/api/alice/tasks", pr)
	req.Header.Set("Authorization", "Bearer "+token)
	type result struct {
		status int
		err    error
	}
	res := make(chan result, 1)
	go func() {
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			res <- result{err: err}
			return
		}
		resp.Body.Close()
		res <- result{status: resp.StatusCode}
	}()
	pw.Write([]byte(`{"title":`))
	time.Sleep(200 * time.Millisecond) // the server is now reading the body
	_ = srv.cmd.Process.Signal(syscall.SIGTERM)
	time.Sleep(200 * time.Millisecond)
	pw.Write([]byte(`"written during shutdown"}`))
	pw.Close()

	r := <-res
	if r.err != nil || r.status != http.StatusCreated {
		t.Fatalf("in-flight request: status %d, err %v\n%s", r.status, r.err, srv.logs)
	}
	if code := srv.Stop(t); code != 0 {
		t.Fatalf("exit code = %d\n%s", code, srv.logs)
	}
	// The write landed.
	again := MustStart(t, dir, env)
	_, _, body := Do(t, "GET", again.URL+"/api/alice/tasks", token, "")
	if !strings.Contains(string(body), "written during shutdown") {
		t.Fatalf("the in-flight write was lost: %s", body)
	}
	again.Stop(t)
}

func TestCommandLine(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	prod := cleanEnv("APP_ENV=production")
	tests := []struct {
		name     string
		env      []string
		args     []string
		wantCode int
		wantOut  string   // in stdout or stderr
		wantNot  []string // in neither
	}{
		{"Version", cleanEnv(), []string{"version"}, 0, "go1.", nil},
		{"Help", cleanEnv(), []string{"--help"}, 0, "migrate", nil},
		{"ServeHelpNamesEnv", cleanEnv(), []string{"serve", "--help"}, 0, "DATABASE_URL (or NEON_DB_URL)", nil},
		{"ServeHelpShowsTypes", cleanEnv(), []string{"serve", "--help"}, 0, "--db-connect-retry duration",
			[]string{"--db-auto-migrate string", "--db-max-conns string", "--http-body-limit string", "--shutdown-timeout string"}},
		{"TokenHelp", cleanEnv(), []string{"token", "--help"}, 0, "--ttl",
			[]string{"--cors-allowed-origins", "--shutdown-timeout", "--database-url", "CORS_ALLOWED_ORIGINS", "SHUTDOWN_TIMEOUT"}},
		{"MigrateHelp", cleanEnv(), []string{"migrate", "--help"}, 0, "--database-url", []string{"--cors-allowed-origins", "--better-auth-url"}},
		{"HealthcheckHelp", cleanEnv(), []string{"healthcheck", "--help"}, 0, "--http-addr", []string{"--database-url", "--cors-allowed-origins"}},
		{"ErrUnknownCommand", cleanEnv(), []string{"bogus"}, 2, `unknown command "bogus"`, nil},
		{"ErrExtraArgument", cleanEnv(), []string{"version", "extra"}, 2, "unknown command", nil},
		{"ErrBadFlagValue", cleanEnv(), []string{"serve", "--http-body-limit", "64k"}, 2, "http-body-limit", nil},
		{"ErrUnknownFlag", cleanEnv(), []string{"serve", "--no-such-flag"}, 2, "unknown flag", nil},
		{"ErrBadDatabaseURL", cleanEnv("DATABASE_URL=mysql://x/y"), []string{"serve"}, 2, "DATABASE_URL", nil},
		{"ErrProductionServe", prod, []string{"serve"}, 2, "needs a token source", nil},
		{"ErrProductionToken", prod, []string{"token", "--user", "alice"}, 2, "disabled in production", nil},
		{"ErrTokenWithRealSource", cleanEnv("BETTER_AUTH_SECRET=0123456789abcdef0123456789abcdef"), []string{"token", "--user", "a"}, 2, "token source is configured", nil},
		{"ErrTokenNoUser", cleanEnv(), []string{"token"}, 2, "--user is required", nil},
		{"ErrMigrateArg", cleanEnv(), []string{"migrate", "sideways"}, 2, "up, down, status", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			out, errOut, code := Cmd(t, dir, tt.env, tt.args...)
			if code != tt.wantCode || !strings.Contains(out+errOut, tt.wantOut) {
				t.Fatalf("exit %d (want %d), output:\n%s%s\nwant it to contain %q", code, tt.wantCode, out, errOut, tt.wantOut)
			}
			for _, not := range tt.wantNot {
				if strings.Contains(out+errOut, not) {
					t.Errorf("output contains %q:\n%s%s", not, out, errOut)
				}
			}
			if code == 2 && strings.Count(strings.TrimSpace(errOut), "\n") > 0 {
				t.Errorf("a usage error should be one line, got:\n%s", errOut)
			}
		})
	}
}

// allPending and allApplied are what `migrate status` ends with on a new
// database and on one that serve has migrated.
func allPending(t *testing.T) string { return fmt.Sprintf("0 applied, %d pending", migrationCount(t)) }
func allApplied(t *testing.T) string { return fmt.Sprintf("%d applied, 0 pending", migrationCount(t)) }

func migrationCount(t *testing.T) int {
	t.Helper()
	ms, err := migrations.For("sqlite")
	if err != nil {
		t.Fatal(err)
	}
	return len(ms.Sorted())
}

// `migrate` against the embedded store: up, status, down, status. The
// migrations applied together form one group, which down rolls back.
func TestMigrateCommand(t *testing.T) {
	t.Parallel()
	dir, env := t.TempDir(), cleanEnv()
	steps := []struct{ args, want string }{
		{"migrate status", allPending(t)},
		{"migrate up", "Applied: "},
		{"migrate up", "Nothing to apply"},
		{"migrate status", allApplied(t)},
		{"migrate down", "Rolled back: "},
		{"migrate status", allPending(t)},
	}
	for _, s := range steps {
		out, errOut, code := Cmd(t, dir, env, strings.Fields(s.args)...)
		if code != 0 || !strings.Contains(out, s.want) {
			t.Fatalf("todo %s: exit %d\n%s%s\nwant %q", s.args, code, out, errOut, s.want)
		}
	}
}
