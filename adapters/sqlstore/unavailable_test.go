package sqlstore_test

import (
	"context"
	"errors"
	"io"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/todoapi/todo/adapters/sqlstore"
	"github.com/todoapi/todo/adapters/sqlstore/sqlstoretest"
	"github.com/todoapi/todo/core/apperr"
	"github.com/todoapi/todo/core/task"
	"github.com/todoapi/todo/ports/porttest"
)

// assertUnavailable calls every repository method and Ping at once, each
// with a context of the given timeout, and wants each to say EUNAVAILABLE,
// with the cause kept for the log, within that time and a little more.
func assertUnavailable(t *testing.T, repo *sqlstore.TaskRepository, timeout time.Duration) {
	t.Helper()
	owner, id := porttest.RandomOwner(), porttest.RandomID()
	tk, _ := task.New(id, owner, task.Draft{Title: "lost"}, time.Now())
	calls := map[string]func(context.Context) error{
		"Ping":   repo.Ping,
		"Create": func(ctx context.Context) error { return porttest.Create(ctx, repo, tk) },
		"Get":    func(ctx context.Context) error { _, err := repo.Get(ctx, owner, id); return err },
		"List":   func(ctx context.Context) error { _, err := porttest.ListAll(ctx, repo, owner); return err },
		"Update": func(ctx context.Context) error {
			_, err := porttest.Update(ctx, repo, owner, id, func(*task.Task) error { return nil })
			return err
		},
		"Delete": func(ctx context.Context) error { return porttest.Delete(ctx, repo, owner, id) },
	}
	var wg sync.WaitGroup
	for name, call := range calls {
		wg.Go(func() {
			ctx, cancel := context.WithTimeout(context.Background(), timeout)
			defer cancel()
			start := time.Now()
			err := call(ctx)
			if got := apperr.CodeOf(err); got != apperr.EUNAVAILABLE {
				t.Errorf("%s: %v (code %q), want EUNAVAILABLE", name, err, got)
			} else if errors.Unwrap(err) == nil {
				t.Errorf("%s: EUNAVAILABLE without its cause", name)
			}
			if took := time.Since(start); took > timeout+time.Second {
				t.Errorf("%s took %v to fail; want at most %v", name, took, timeout)
			}
		})
	}
	wg.Wait()
}

// TestUnavailablePostgres points the store at a port nothing listens on.
func TestUnavailablePostgres(t *testing.T) {
	t.Parallel()
	db := sqlstoretest.MustOpen(t, "postgres://postgres@127.0.0.1:1/todo?sslmode=disable&connect_timeout=2", sqlstore.Options{})
	assertUnavailable(t, sqlstore.NewTaskRepository(db), 5*time.Second)
	// serve migrates at start: it too must be able to tell "wait and retry".
	if _, err := sqlstore.Migrate(context.Background(), db, nil); apperr.CodeOf(err) != apperr.EUNAVAILABLE {
		t.Fatalf("Migrate: %v, want EUNAVAILABLE", err)
	}
}

// TestUnavailableSQLite opens a "database file" that is a directory.
func TestUnavailableSQLite(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "todo.db")
	if err := os.Mkdir(path, 0o700); err != nil {
		t.Fatal(err)
	}
	db := sqlstoretest.MustOpen(t, "sqlite:"+path, sqlstore.Options{})
	assertUnavailable(t, sqlstore.NewTaskRepository(db), 5*time.Second)
}

// TestRecoversPostgres reaches PostgreSQL through a proxy the test hangs,
// stops and starts: while it is down every call says EUNAVAILABLE, and once
// it is back the same DB serves again, without being reopened.
func TestRecoversPostgres(t *testing.T) {
	t.Parallel()
	direct := sqlstoretest.MustCreatePostgresDB(t)
	sqlstoretest.MustMigrate(t, sqlstoretest.MustOpen(t, direct, sqlstore.Options{}))
	u, _ := url.Parse(direct)
	p := startProxy(t, u.Host)
	u.Host = p.addr
	db := sqlstoretest.MustOpen(t, withParam(t, u.String(), "connect_timeout", "1"), sqlstore.Options{MaxOpenConns: 4})
	repo := sqlstore.NewTaskRepository(db)
	owner := porttest.RandomOwner()
	before := porttest.MustCreate(t, repo, owner, "before the outage", time.Now())

	// A database that accepts connections but never answers: every call
	// gives up when its context ends.
	p.hang()
	assertUnavailable(t, repo, 2*time.Second)
	// A database that is gone: refused at once.
	p.stop()
	assertUnavailable(t, repo, 5*time.Second)

	p.start(t)
	ctx := context.Background()
	if err := repo.Ping(ctx); err != nil {
		t.Fatalf("Ping after the database came back: %v", err)
	}
	if _, err := repo.Get(ctx, owner, before.ID()); err != nil {
		t.Fatalf("Get after the database came back: %v", err)
	}
	porttest.MustCreate(t, repo, owner, "after the outage", time.Now())
}

// proxy forwards TCP connections to a target. hang cuts every connection
// and leaves new ones unanswered, like a host that stopped responding; stop
// closes the listener too, like a database going away; start forwards again
// on the same address.
type proxy struct {
	target, addr string
	mu           sync.Mutex
	ln           net.Listener
	hanging      bool
	stopped      bool // a connection accepted just before stop is dropped too
	conns        map[net.Conn]struct{}
}

func startProxy(t *testing.T, target string) *proxy {
	t.Helper()
	p := &proxy{target: target, addr: "127.0.0.1:0", conns: map[net.Conn]struct{}{}}
	p.start(t)
	t.Cleanup(p.stop)
	return p
}

func (p *proxy) start(t *testing.T) {
	t.Helper()
	ln, err := net.Listen("tcp", p.addr)
	if err != nil {
		t.Fatalf("proxy listen: %v", err)
	}
	p.mu.Lock()
	p.ln, p.addr, p.hanging, p.stopped = ln, ln.Addr().String(), false, false
	p.mu.Unlock()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go p.serve(c)
		}
	}()
}

func (p *proxy) serve(c net.Conn) {
	p.mu.Lock()
	hanging, stopped := p.hanging, p.stopped
	if hanging {
		p.conns[c] = struct{}{}
	}
	p.mu.Unlock()
	if stopped {
		c.Close()
		return
	}
	if hanging {
		return // keep c open, never answer
	}
	up, err := net.Dial("tcp", p.target)
	if err != nil {
		c.Close()
		return
	}
	p.mu.Lock()
	p.conns[c], p.conns[up] = struct{}{}, struct{}{}
	p.mu.Unlock()
	go func() { _, _ = io.Copy(up, c); up.Close() }()
	_, _ = io.Copy(c, up)
	c.Close()
}

func (p *proxy) hang() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.hanging = true
	p.cut()
}

func (p *proxy) stop() {
	p.mu.Lock()
	defer p.mu.Unlock()
	_ = p.ln.Close()
	p.stopped = true
	p.cut()
}

func (p *proxy) cut() {
	for c := range p.conns {
		_ = c.Close()
		delete(p.conns, c)
	}
}
