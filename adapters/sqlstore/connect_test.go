package sqlstore_test

import (
	"context"
	"log/slog"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/todoapi/todo/adapters/sqlstore"
	"github.com/todoapi/todo/adapters/sqlstore/sqlstoretest"
	"github.com/todoapi/todo/internal/testkit"
)

// TestConnectWaitsForLateDatabase: the database refuses connections for a
// second, then comes up; Connect retries, logging each retry at warn with
// the password masked, and then migrates.
func TestConnectWaitsForLateDatabase(t *testing.T) {
	t.Parallel()
	direct, _ := url.Parse(sqlstoretest.MustCreatePostgresDB(t))
	p := startProxy(t, direct.Host)
	p.stop()
	late := *direct
	late.Host, late.User = p.addr, url.UserPassword(direct.User.Username(), "s3cret")
	db := sqlstoretest.MustOpen(t, late.String(), sqlstore.Options{})
	logs := &testkit.Buffer{}
	logger := slog.New(slog.NewTextHandler(logs, nil))

	start := time.Now()
	done := make(chan error, 1)
	go func() { done <- sqlstore.Connect(context.Background(), db, 20*time.Second, true, logger) }()
	time.Sleep(time.Second)
	p.start(t)
	if err := <-done; err != nil {
		t.Fatalf("Connect: %v\n%s", err, logs)
	}
	if took := time.Since(start); took < time.Second || took > 8*time.Second {
		t.Errorf("Connect took %v; want a little over the second the database was away", took)
	}
	if out := logs.String(); !strings.Contains(out, "level=WARN") || !strings.Contains(out, "database not reachable yet, retrying") ||
		!strings.Contains(out, "xxxxx@"+p.addr) || strings.Contains(out, "s3cret") || !strings.Contains(out, "migration applied") {
		t.Errorf("log of the wait:\n%s", out)
	}
}

// TestConnectGivesUp: a database that never comes fails Connect soon after
// the bound, with one line naming the database (password masked) and the
// last error.
func TestConnectGivesUp(t *testing.T) {
	t.Parallel()
	db := sqlstoretest.MustOpen(t, "postgres://todo:s3cret@127.0.0.1:1/todo?sslmode=disable", sqlstore.Options{})
	start := time.Now()
	err := sqlstore.Connect(context.Background(), db, 1500*time.Millisecond, true, nil)
	took := time.Since(start)
	if err == nil {
		t.Fatal("Connect succeeded against nothing")
	}
	msg := err.Error()
	if !strings.HasPrefix(msg, "database postgres://todo:xxxxx@127.0.0.1:1/todo?sslmode=disable unreachable after ") ||
		!strings.Contains(msg, "connection refused") || strings.Contains(msg, "s3cret") || strings.Contains(msg, "\n") {
		t.Errorf("error = %q", msg)
	}
	if took < 1500*time.Millisecond || took > 4*time.Second {
		t.Errorf("gave up after %v; want soon after 1.5s", took)
	}
}

// TestConnectFailsFastOnPermanentErrors: a server that rejects what the URL
// gives it (no such database, a misspelt parameter) is not waited for, and
// the error says it was rejected, not unreachable.
func TestConnectFailsFastOnPermanentErrors(t *testing.T) {
	t.Parallel()
	created := sqlstoretest.MustCreatePostgresDB(t)
	for name, tt := range map[string]struct {
		edit func(*url.URL)
		code string
	}{
		"NoSuchDatabase": {func(u *url.URL) { u.Path = "/todo_no_such_database" }, "3D000"},
		"MisspeltParameter": {func(u *url.URL) {
			q := u.Query()
			q.Set("search_pth", "x")
			u.RawQuery = q.Encode()
		}, "42704"},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			u, _ := url.Parse(created)
			tt.edit(u)
			db := sqlstoretest.MustOpen(t, u.String(), sqlstore.Options{})
			start := time.Now()
			err := sqlstore.Connect(context.Background(), db, time.Minute, true, nil)
			if err == nil || !strings.Contains(err.Error(), tt.code) || time.Since(start) > 5*time.Second {
				t.Fatalf("Connect = %v after %v; want a prompt %s", err, time.Since(start), tt.code)
			}
			if msg := err.Error(); !strings.Contains(msg, " rejected the connection: ") || strings.Contains(msg, "unreachable") {
				t.Errorf("error = %q; want it to say the database rejected the connection", msg)
			}
		})
	}
}
