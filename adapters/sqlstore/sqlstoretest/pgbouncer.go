package sqlstoretest

import (
	"context"
	"fmt"
	"net"
	"net/url"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/todoapi/todo/internal/testkit"
)

// PgBouncerBinary is where Debian's pgbouncer package installs the binary;
// PATH is searched when it is not there.
const PgBouncerBinary = "/usr/sbin/pgbouncer"

// MustStartPgBouncer starts PgBouncer in transaction mode on a free loopback
// port, in front of the server targetURL names, and returns targetURL with
// PgBouncer's address in place of the server's. Every database on the server
// is reachable through it under the same name. PgBouncer stops when the test
// ends (register cleanups that must run before, such as closing pools, after
// this call). extra lines go into the [pgbouncer] section, e.g.
// "default_pool_size = 1".
//
// Without pgbouncer installed the test is skipped, except under CI=true,
// where it fails.
//
// PgBouncer refuses to run as root; as root it is started with -u and the
// postgres user (or nobody), to which it switches after reading its
// configuration. It logs to stderr, captured and shown when it fails, and
// listens on no Unix socket, so it needs no writable file.
func MustStartPgBouncer(tb testing.TB, targetURL string, extra ...string) string {
	tb.Helper()
	bin := pgbouncerBinary(tb)
	target, err := url.Parse(targetURL)
	if err != nil {
		tb.Fatalf("MustStartPgBouncer: %v", err)
	}
	var lastErr error
	for range 3 { // another process may take the free port before PgBouncer binds it
		addr := testkit.FreeAddr(tb)
		pooled := *target
		pooled.Host = addr
		if lastErr = startPgBouncer(tb, bin, target, addr, extra); lastErr == nil {
			return pooled.String()
		}
	}
	tb.Fatalf("MustStartPgBouncer: %v", lastErr)
	return ""
}

func pgbouncerBinary(tb testing.TB) string {
	tb.Helper()
	if _, err := os.Stat(PgBouncerBinary); err == nil {
		return PgBouncerBinary
	}
	if p, err := exec.LookPath("pgbouncer"); err == nil {
		return p
	}
	testkit.Missing(tb, "PgBouncer", "pgbouncer is not installed (want "+PgBouncerBinary+": apt-get install pgbouncer)")
	return ""
}

// pgbouncerIni configures PgBouncer for one test: trust authentication
// towards the client when the target URL has no password (the local test
// server trusts loopback connections too), and SCRAM with the URL's password
// otherwise, which PgBouncer then also uses to log in to the server.
func pgbouncerIni(dir string, target *url.URL, addr string, extra []string) (string, error) {
	host, port, err := net.SplitHostPort(target.Host)
	if err != nil {
		host, port = target.Hostname(), "5432"
	}
	if host == "" || host == "localhost" {
		host = "127.0.0.1"
	}
	_, listenPort, _ := net.SplitHostPort(addr)
	name := target.User.Username()
	if name == "" {
		name = "postgres"
	}
	password, hasPassword := target.User.Password()
	auth := "trust"
	if hasPassword {
		auth = "scram-sha-256"
	}
	userlist := filepath.Join(dir, "userlist.txt")
	if err := os.WriteFile(userlist, fmt.Appendf(nil, "%q %q\n", name, password), 0o644); err != nil {
		return "", err
	}
	ini := fmt.Sprintf(`[databases]
* = host=%s port=%s

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = %s
unix_socket_dir =
auth_type = %s
auth_file = %s
pool_mode = transaction
default_pool_size = 20
max_client_conn = 200
%s
`, host, port, listenPort, auth, userlist, strings.Join(extra, "\n"))
	path := filepath.Join(dir, "pgbouncer.ini")
	return path, os.WriteFile(path, []byte(ini), 0o644)
}

// startPgBouncer runs PgBouncer on addr and waits until a query goes through
// it, or returns why it could not.
func startPgBouncer(tb testing.TB, bin string, target *url.URL, addr string, extra []string) error {
	tb.Helper()
	ini, err := pgbouncerIni(tb.TempDir(), target, addr, extra)
	if err != nil {
		return err
	}
	args := []string{ini}
	if os.Geteuid() == 0 {
		args = []string{"-u", unprivilegedUser(), ini}
	}
	cmd := exec.Command(bin, args...)
	logs := &testkit.Buffer{}
	cmd.Stdout, cmd.Stderr = logs, logs
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("start %s: %w", bin, err)
	}
	exited := make(chan struct{})
	go func() { _ = cmd.Wait(); close(exited) }()
	stop := func() {
		_ = cmd.Process.Signal(syscall.SIGTERM) // immediate shutdown
		select {
		case <-exited:
		case <-time.After(10 * time.Second):
			_ = cmd.Process.Kill()
			<-exited
		}
	}

	probe := *target
	probe.Host = addr
	gone := false
	err = testkit.Poll(15*time.Second, func() error {
		select {
		case <-exited:
			gone = true
			return nil
		default:
		}
		return pingOnce(probe.String())
	})
	switch {
	case gone:
		return fmt.Errorf("pgbouncer exited at start:\n%s", logs)
	case err != nil:
		stop()
		return fmt.Errorf("pgbouncer on %s did not answer: %v\n%s", addr, err, logs)
	}
	tb.Cleanup(func() {
		stop()
		if tb.Failed() {
			tb.Logf("pgbouncer log:\n%s", logs)
		}
	})
	return nil
}

func pingOnce(connString string) error {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, connString)
	if err != nil {
		return err
	}
	defer conn.Close(ctx)
	_, err = conn.Exec(ctx, "SELECT 1")
	return err
}

// unprivilegedUser is the user PgBouncer switches to when started as root.
func unprivilegedUser() string {
	if _, err := user.Lookup("postgres"); err == nil {
		return "postgres"
	}
	return "nobody"
}
