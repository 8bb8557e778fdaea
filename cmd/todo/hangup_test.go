package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"go.uber.org/fx"

	"github.com/todoapi/todo/adapters/sqlstore"
	"github.com/todoapi/todo/adapters/sqlstore/sqlstoretest"
	"github.com/todoapi/todo/config"
	"github.com/todoapi/todo/internal/testkit"
)

// Clients that give up after 0 to 30 ms while the store is busy are no
// outage: the whole service, over real connections, logs no ERROR line,
// logs each hang-up as 499 at INFO, and its store opens no connection
// beyond what its pools hold at once. On PostgreSQL the sessions are also
// counted on the wire, by a proxy in front of the server.
func TestHangUpsUnderLoad(t *testing.T) {
	t.Parallel()
	const maxConns = 4
	tests := []struct {
		name  string
		url   func(t *testing.T) (databaseURL string, sessions func() int64)
		conns int64 // what the pools hold at once
	}{
		{"SQLite", func(t *testing.T) (string, func() int64) { return sqlstoretest.SQLiteURL(t), nil }, maxConns + 1}, // readers and the writer
		{"Postgres", func(t *testing.T) (string, func() int64) {
			u, err := url.Parse(sqlstoretest.MustCreatePostgresDB(t))
			if err != nil {
				t.Fatal(err)
			}
			proxy := newTCPProxy(t, u.Host)
			u.Host = proxy.ln.Addr().String()
			return u.String(), proxy.forwarded.Load
		}, maxConns},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			databaseURL, sessions := tt.url(t)
			srv := mustServeInProcess(t, config.Database{URL: databaseURL, AutoMigrate: true, MaxConns: maxConns})
			for i := range 50 { // lists long enough to keep the store busy
				if status := srv.do(t, context.Background(), "POST", fmt.Sprintf(`{"title":"task %d"}`, i)); status != http.StatusCreated {
					t.Fatalf("create: %d", status)
				}
			}
			var answered, gaveUp atomic.Int64
			testkit.AllAtOnce(32, func(int) {
				for range 20 {
					ctx, cancel := context.WithTimeout(context.Background(), rand.N(30*time.Millisecond))
					method, body := "GET", ""
					if rand.N(4) == 0 {
						method, body = "POST", `{"title":"written by a client that may leave"}`
					}
					if srv.do(t, ctx, method, body) == 0 {
						gaveUp.Add(1)
					} else {
						answered.Add(1)
					}
					cancel()
				}
			})
			srv.stop(t) // every request answered and logged
			t.Logf("%d answered, %d given up on", answered.Load(), gaveUp.Load())

			var hangUps int
			for _, line := range strings.Split(strings.TrimSpace(srv.logs.String()), "\n") {
				var l struct {
					Level  string
					Msg    string
					Status int
				}
				if err := json.Unmarshal([]byte(line), &l); err != nil {
					t.Fatalf("%v: %s", err, line)
				}
				if l.Level == "ERROR" || (l.Status == 499 && l.Level != "INFO") {
					t.Errorf("logged: %s", line)
				}
				if l.Msg == "http request" && l.Status == 499 {
					hangUps++
				}
			}
			if hangUps == 0 {
				t.Errorf("no hang-up logged as 499 (%d given up on): the test tested nothing", gaveUp.Load())
			}
			if got := srv.db.ConnectionsOpened(); got > tt.conns {
				t.Errorf("the store opened %d connections for pools of %d: hang-ups cost connections", got, tt.conns)
			}
			// One session more than the pool: the connection that listens
			// for other replicas' changes.
			if sessions != nil && sessions() > tt.conns+1 {
				t.Errorf("the server saw %d sessions for a pool of %d and its listener: hang-ups cost connections", sessions(), tt.conns)
			}
		})
	}
}

// inProcess is the service wired as serve wires it, running in the test's
// process, with its log captured as JSON.
type inProcess struct {
	app    *fx.App
	once   sync.Once
	db     *sqlstore.DB
	logs   *testkit.Buffer
	url    string // a user's task collection
	token  string
	client *http.Client
}

const testSecret = "a shared secret for tests, at least 32 bytes long"

func mustServeInProcess(t *testing.T, db config.Database) *inProcess {
	t.Helper()
	c := config.Config{
		Env:      config.Development,
		HTTP:     config.HTTP{Addr: testkit.FreeAddr(t), ShutdownTimeout: 10 * time.Second, BodyLimit: config.DefaultBodyLimit},
		Database: db,
		Auth:     config.Auth{Secret: testSecret},
	}
	p := &inProcess{logs: &testkit.Buffer{}, url: "http://" + c.HTTP.Addr + "/api/alice/tasks"}
	logger := slog.New(slog.NewJSONHandler(p.logs, nil))
	p.app = fx.New(append(options(c, logger), fx.Populate(&p.db))...)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := p.app.Start(ctx); err != nil {
		t.Fatalf("start: %v", err)
	}
	t.Cleanup(func() { p.stop(t) })
	now := time.Now()
	token, err := jwt.NewWithClaims(jwt.SigningMethodHS256, jwt.MapClaims{
		"sub": "alice", "iat": now.Unix(), "exp": now.Add(time.Hour).Unix(),
	}).SignedString([]byte(testSecret))
	if err != nil {
		t.Fatal(err)
	}
	p.token = token
	p.client = &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}}
	return p
}

// do sends a request to alice's tasks and returns its status, or 0 when
// ctx ended first and the client gave up.
func (p *inProcess) do(t *testing.T, ctx context.Context, method, body string) int {
	req, _ := http.NewRequestWithContext(ctx, method, p.url, strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+p.token)
	resp, err := p.client.Do(req)
	if err != nil {
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("%s %s: %v", method, p.url, err)
		}
		return 0
	}
	defer resp.Body.Close()
	if _, err := io.Copy(io.Discard, resp.Body); err != nil {
		return 0
	}
	return resp.StatusCode
}

// stop shuts the service down, letting requests in flight finish.
func (p *inProcess) stop(t *testing.T) {
	t.Helper()
	p.once.Do(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if err := p.app.Stop(ctx); err != nil {
			t.Errorf("stop: %v", err)
		}
	})
}
