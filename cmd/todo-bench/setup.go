package main

import (
	"context"
	"crypto/rand"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// bench is one run: the store, the two server processes, the clients and
// the seeded users.
type bench struct {
	o          options
	t0         time.Time
	log        io.Writer
	dir        string
	store      *store
	server     *process   // nil with --target
	replicas   []*process // --replicas beyond the first server
	replicaURL []string
	serverPid  int      // whose RSS is read; 0 when unknown
	base       string   // the server under test
	ceiling    *process // the HTTP ceiling
	ceilBase   string
	client     *http.Client // one client, so both servers see the same one
	stats      *sql.DB      // reads pg_stat_activity for the CPU accounting
	secret     []byte
	users      []*user
	heavy      []*heavyUser   // the list scenarios' users
	matches    map[string]int // tasks of the heavy users each list scenario selects
	ready      time.Duration
	seedTime   time.Duration
	largeTime  time.Duration
	largeTasks int
}

func setUp(ctx context.Context, o options, logw io.Writer) (*bench, error) {
	b := &bench{o: o, t0: time.Now(), log: logw, client: newClient(o.conns), matches: map[string]int{}}
	var err error
	if b.dir, err = os.MkdirTemp("", "todo-bench-"); err != nil {
		return nil, err
	}
	if b.store, err = newStore(ctx, o, b.dir); err != nil {
		return b, err
	}
	if err := b.startServer(ctx); err != nil {
		return b, err
	}
	if err := b.startCeiling(ctx); err != nil {
		return b, err
	}
	if err := b.seed(ctx); err != nil {
		return b, err
	}
	if o.large {
		if err := b.loadLarge(ctx); err != nil {
			return b, err
		}
	}
	if o.wantsHeavy() {
		return b, b.seedHeavy(ctx)
	}
	return b, nil
}

// close stops both processes and removes what the run created.
func (b *bench) close() {
	b.client.CloseIdleConnections()
	if b.stats != nil {
		_ = b.stats.Close()
	}
	for _, p := range append([]*process{b.ceiling, b.server}, b.replicas...) {
		if err := p.stop(); err != nil {
			b.logf("%v", err)
		}
	}
	if b.store != nil && b.store.drop != nil {
		if err := b.store.drop(context.Background()); err != nil {
			b.logf("drop the benchmark database: %v", err)
		}
	}
	_ = os.RemoveAll(b.dir)
}

func (b *bench) logf(format string, args ...any) {
	fmt.Fprintf(b.log, "todo-bench: %6.1fs "+format+"\n", append([]any{time.Since(b.t0).Seconds()}, args...)...)
}

// startServer starts the real server, or adopts the --target one.
func (b *bench) startServer(ctx context.Context) error {
	if b.o.target != "" {
		b.base, b.secret, b.serverPid = strings.TrimRight(b.o.target, "/"), []byte(b.o.secret), b.o.pid
		return nil
	}
	bin, err := b.serverBinary(ctx)
	if err != nil {
		return err
	}
	addr, err := freeAddr()
	if err != nil {
		return err
	}
	b.secret = []byte(rand.Text() + rand.Text())
	// Rate limits far above any load here: the limiter's cost is measured,
	// and no request is refused. No task limit either: a run of creates
	// passes 10,000 tasks per user within seconds, and the count it keeps
	// costs the same with the limit off.
	env := append(baseEnv(), "APP_ENV=production", "BETTER_AUTH_SECRET="+string(b.secret),
		"DATABASE_URL="+b.store.databaseURL, "HTTP_ADDR="+addr, "LOG_LEVEL="+b.o.logLevel,
		"RATE_LIMIT_PER_USER=1000000000", "RATE_LIMIT_PER_ADDRESS=1000000000", "RATE_LIMIT_REDIS_URL=",
		"MAX_TASKS_PER_USER=0",
		// Metrics on, as in production, on a port of the system's choosing:
		// another server on this machine may hold the default one.
		"ADMIN_ADDR=127.0.0.1:0")
	b.logf("starting the server (%s store) on %s", b.store.dialect, addr)
	if b.server, err = startProcess("the server", bin, b.dir, b.o.serverLog, env, "serve"); err != nil {
		return err
	}
	b.base, b.serverPid = "http://"+addr, b.server.pid()
	if b.ready, err = b.server.waitReady(ctx, b.base+"/readyz", time.Minute); err != nil {
		return err
	}
	b.logf("server pid %d ready %.1f ms after start", b.serverPid, float64(b.ready.Microseconds())/1000)
	return b.startReplicas(ctx, bin, env)
}

// startReplicas starts the servers beyond the first (--replicas), on the
// same database with the same settings but their own addresses.
func (b *bench) startReplicas(ctx context.Context, bin string, env []string) error {
	for i := 1; i < b.o.replicas; i++ {
		addr, err := freeAddr()
		if err != nil {
			return err
		}
		p, err := startProcess(fmt.Sprintf("replica %d", i+1), bin, b.dir, "", append(slices.Clone(env), "HTTP_ADDR="+addr), "serve")
		if err != nil {
			return err
		}
		b.replicas = append(b.replicas, p)
		if _, err := p.waitReady(ctx, "http://"+addr+"/readyz", time.Minute); err != nil {
			return err
		}
		b.replicaURL = append(b.replicaURL, "http://"+addr)
		b.logf("replica %d pid %d ready on %s", i+1, p.pid(), addr)
	}
	return nil
}

// replicaBases are the base URLs of every server under test, the first one first.
func (b *bench) replicaBases() []string { return append([]string{b.base}, b.replicaURL...) }

// replicaPids are their pids, where known.
func (b *bench) replicaPids() []int {
	var pids []int
	if b.serverPid > 0 {
		pids = append(pids, b.serverPid)
	}
	for _, p := range b.replicas {
		pids = append(pids, p.pid())
	}
	return pids
}

// baseEnv is our environment without the settings the bench decides (or
// that would change the server's token or address), so the server runs
// with production defaults. Pool settings such as DB_MAX_CONNS pass
// through, for tuning experiments.
func baseEnv() []string {
	drop := []string{"APP_ENV", "BETTER_AUTH_SECRET", "BETTER_AUTH_URL", "AUTH_JWKS_URL", "AUTH_ISSUER",
		"AUTH_AUDIENCE", "DATABASE_URL", "NEON_DB_URL", "HTTP_ADDR", "PORT", "LOG_LEVEL", "ADMIN_ADDR", roleEnv, addrEnv}
	return slices.DeleteFunc(os.Environ(), func(kv string) bool {
		k, _, _ := strings.Cut(kv, "=")
		return slices.Contains(drop, k)
	})
}

// serverBinary builds ./cmd/todo as `task build` does, unless --server-bin
// names one.
func (b *bench) serverBinary(ctx context.Context) (string, error) {
	if b.o.serverBin != "" {
		return b.o.serverBin, nil
	}
	goBin, err := exec.LookPath("go")
	if err != nil && os.Getenv("GOROOT") != "" {
		goBin, err = filepath.Join(os.Getenv("GOROOT"), "bin", "go"), nil
	}
	if err != nil {
		return "", fmt.Errorf("no go command on PATH to build ./cmd/todo (or pass --server-bin): %w", err)
	}
	bin := filepath.Join(b.dir, "todo")
	b.logf("building ./cmd/todo")
	cmd := exec.CommandContext(ctx, goBin, "build", "-trimpath", "-ldflags", "-s -w", "-o", bin,
		"github.com/todoapi/todo/cmd/todo")
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("build ./cmd/todo (run inside the repository, or pass --server-bin): %w\n%s", err, out)
	}
	return bin, nil
}

// startCeiling starts this binary again as the HTTP ceiling.
func (b *bench) startCeiling(ctx context.Context) error {
	self, err := os.Executable()
	if err != nil {
		return err
	}
	addr, err := freeAddr()
	if err != nil {
		return err
	}
	env := append(baseEnv(), roleEnv+"="+roleHTTPCeiling, addrEnv+"="+addr)
	if b.ceiling, err = startProcess("the HTTP ceiling", self, b.dir, "", env); err != nil {
		return err
	}
	b.ceilBase = "http://" + addr
	_, err = b.ceiling.waitReady(ctx, b.ceilBase+"/ceiling/200/2", 30*time.Second)
	return err
}

// newClient is the load's HTTP client: keep-alive connections, at most
// conns of them per server, no compression, no proxy.
func newClient(conns int) *http.Client {
	return &http.Client{Transport: &http.Transport{
		DialContext:           (&net.Dialer{Timeout: 5 * time.Second}).DialContext,
		MaxIdleConns:          4 * conns,
		MaxIdleConnsPerHost:   conns,
		MaxConnsPerHost:       conns,
		IdleConnTimeout:       time.Minute,
		ResponseHeaderTimeout: 30 * time.Second,
		DisableCompression:    true,
	}}
}

// errNoDB explains a missing DB ceiling.
var errNoDB = errors.New("no database to measure (--target without --database-url)")
