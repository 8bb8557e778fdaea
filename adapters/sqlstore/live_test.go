package sqlstore_test

import (
	"context"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/todoapi/todo/adapters/events"
	"github.com/todoapi/todo/adapters/sqlstore"
	"github.com/todoapi/todo/adapters/sqlstore/sqlstoretest"
	"github.com/todoapi/todo/config"
	"github.com/todoapi/todo/core/identity"
	"github.com/todoapi/todo/internal/testkit"
	"github.com/todoapi/todo/ports/porttest"
)

func mustSignal(t *testing.T, c <-chan struct{}, what string) {
	t.Helper()
	select {
	case <-c:
	case <-time.After(signalWait):
		t.Fatalf("no signal after %v: %s", signalWait, what)
	}
}

func signalled(c <-chan struct{}) bool {
	select {
	case <-c:
		return true
	default:
		return false
	}
}

// mustStartListener starts a listener on listenURL, signalling hub, and
// stops it when the test ends; it returns once the listener listens (its
// first LISTEN wakes every subscription, as each LISTEN does). A ping
// given sets how long its connection may stay quiet before it is pinged.
func mustStartListener(t *testing.T, listenURL string, hub *events.Hub, ping ...time.Duration) *sqlstore.Listener {
	t.Helper()
	return mustStartListenerWith(t, listenURL, hub, func(l *sqlstore.Listener) {
		for _, d := range ping {
			l.SetPing(d)
		}
	})
}

// mustStartListenerWith is mustStartListener, with set run on the listener
// before it starts.
func mustStartListenerWith(t *testing.T, listenURL string, hub *events.Hub, set func(*sqlstore.Listener)) *sqlstore.Listener {
	t.Helper()
	l, err := sqlstore.NewListener(listenURL, hub, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	set(l)
	probe, cancel := hub.Subscribe(identity.UserID("probe-" + porttest.RandomKey()))
	defer cancel()
	if err := l.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := l.Stop(ctx); err != nil {
			t.Errorf("Stop: %v", err)
		}
	})
	mustSignal(t, probe, "the listener's first LISTEN")
	return l
}

// A change committed through one store (a replica) wakes the owner's
// subscribers of a listener on another connection (another replica), and
// only the owner's; a rolled-back one wakes nobody. The store may reach
// PostgreSQL through PgBouncer in transaction mode.
func TestListenerWakesAnotherReplica(t *testing.T) {
	t.Parallel()
	roles := mustMigratedRoles(t)
	pooled := sqlstoretest.MustStartPgBouncer(t, roles.AppURL)
	direct := sqlstore.NewTaskRepository(sqlstoretest.MustOpen(t, roles.AppURL, sqlstore.Options{}))
	throughPooler := sqlstore.NewTaskRepository(sqlstoretest.MustOpen(t, withParam(t, pooled, "pgbouncer", "true"), sqlstore.Options{}))
	hub := events.NewHub()
	alice, bob := porttest.RandomOwner(), porttest.RandomOwner()
	a, cancelA := hub.Subscribe(alice)
	defer cancelA()
	b, cancelB := hub.Subscribe(bob)
	defer cancelB()
	mustStartListener(t, roles.AppURL, hub)
	signalled(a)
	signalled(b) // the first LISTEN's

	mustCreateRecorded(t, direct, alice)
	mustSignal(t, a, "a change of alice's committed on another connection")
	if signalled(b) {
		t.Error("alice's change woke bob's subscription")
	}
	mustRollBackRecorded(t, direct, alice)
	mustCreateRecorded(t, direct, bob)
	mustSignal(t, b, "a change of bob's")
	if signalled(a) { // notifications arrive in commit order: alice's would have come first
		t.Error("a rolled-back change woke alice's subscription")
	}

	t.Run("ThroughPgBouncer", func(t *testing.T) {
		mustCreateRecorded(t, throughPooler, alice)
		mustSignal(t, a, "a change committed through PgBouncer")
	})
}

// A listener passes over the commits of its own process's pool, whose
// streams events.Repository woke already, and signals every other pool's.
func TestListenerSkipsItsOwnCommits(t *testing.T) {
	t.Parallel()
	roles := mustMigratedRoles(t)
	ownDB := sqlstoretest.MustOpen(t, roles.AppURL, sqlstore.Options{})
	own := sqlstore.NewTaskRepository(ownDB)
	other := sqlstore.NewTaskRepository(sqlstoretest.MustOpen(t, roles.AppURL, sqlstore.Options{}))
	hub := events.NewHub()
	alice, bob := porttest.RandomOwner(), porttest.RandomOwner()
	a, cancelA := hub.Subscribe(alice)
	defer cancelA()
	b, cancelB := hub.Subscribe(bob)
	defer cancelB()
	mustStartListenerWith(t, roles.AppURL, hub, func(l *sqlstore.Listener) { l.SkipOwnCommits(ownDB) })
	signalled(a)
	signalled(b) // the first LISTEN's

	mustCreateRecorded(t, own, alice)
	mustCreateRecorded(t, other, bob)
	mustSignal(t, b, "a change committed through another pool")
	if signalled(a) { // notifications arrive in commit order: alice's came first
		t.Error("a change committed through the listener's own pool woke alice's subscription")
	}
	mustCreateRecorded(t, other, alice)
	mustSignal(t, a, "alice's change committed through another pool")
}

// When the listener's connection is killed, it reconnects, wakes every
// subscription so that streams read what they missed, and listens again.
func TestListenerReconnects(t *testing.T) {
	t.Parallel()
	roles := mustMigratedRoles(t)
	repo := sqlstore.NewTaskRepository(sqlstoretest.MustOpen(t, roles.AppURL, sqlstore.Options{}))
	admin := sqlstoretest.MustOpen(t, roles.AdminURL, sqlstore.Options{MaxOpenConns: 1})
	hub := events.NewHub()
	alice := porttest.RandomOwner()
	a, cancel := hub.Subscribe(alice)
	defer cancel()
	mustStartListener(t, roles.AppURL, hub)
	signalled(a)

	ctx := context.Background()
	killed, err := admin.Count(ctx, "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"+
		" WHERE datname = current_database() AND application_name = 'todo-listener'")
	if err != nil || killed != 1 {
		t.Fatalf("terminated %d listener backends (%v), want 1", killed, err)
	}
	mustSignal(t, a, "NotifyAll once listening again, with no change made")
	testkit.Eventually(t, signalWait, "a new listener backend", func() bool {
		n, err := admin.Count(ctx, "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'todo-listener'")
		return err == nil && n == 1
	})
	mustCreateRecorded(t, repo, alice)
	mustSignal(t, a, "a change after the reconnect")
}

// A listener whose connection stays quiet pings it, and goes on listening
// on the same connection: waiting with a deadline does not cost it.
func TestListenerSurvivesQuietSpells(t *testing.T) {
	t.Parallel()
	roles := mustMigratedRoles(t)
	repo := sqlstore.NewTaskRepository(sqlstoretest.MustOpen(t, roles.AppURL, sqlstore.Options{}))
	hub := events.NewHub()
	alice := porttest.RandomOwner()
	a, cancel := hub.Subscribe(alice)
	defer cancel()
	mustStartListener(t, roles.AppURL, hub, 10*time.Millisecond)
	signalled(a)
	time.Sleep(300 * time.Millisecond) // many quiet spells, each ending in a ping
	if signalled(a) {
		t.Fatal("a subscription was woken with no change made: the listener reconnected after a quiet spell")
	}
	mustCreateRecorded(t, repo, alice)
	mustSignal(t, a, "a change after the quiet spells")
}

// The poller, as the service's role, wakes the subscribers of an owner
// whose feed head moved, whichever replica moved it, and only then.
func TestPollerNoticesMovedHeads(t *testing.T) {
	t.Parallel()
	roles := mustMigratedRoles(t)
	mine := sqlstoretest.MustOpen(t, roles.AppURL, sqlstore.Options{})
	other := sqlstore.NewTaskRepository(sqlstoretest.MustOpen(t, roles.AppURL, sqlstore.Options{}))
	hub := events.NewHub()
	alice, bob := porttest.RandomOwner(), porttest.RandomOwner()
	mustCreateRecorded(t, other, alice) // a head to start from
	a, cancelA := hub.Subscribe(alice)
	defer cancelA()
	b, cancelB := hub.Subscribe(bob)
	defer cancelB()
	p := sqlstore.NewPoller(mine, hub, 20*time.Millisecond, nil)
	if err := p.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	defer func() {
		if err := p.Stop(context.Background()); err != nil {
			t.Error(err)
		}
	}()
	mustSignal(t, a, "alice's first poll")
	mustSignal(t, b, "bob's first poll (no feed yet)")

	time.Sleep(100 * time.Millisecond) // several polls, nothing moved
	if signalled(a) || signalled(b) {
		t.Error("a poll signalled a head that had not moved")
	}
	mustCreateRecorded(t, other, alice)
	mustSignal(t, a, "alice's head moved")
	mustCreateRecorded(t, other, bob)
	mustSignal(t, b, "bob's first change")
}

// LivePlan listens on DATABASE_URL when it is direct, and on
// DATABASE_LISTEN_URL when that is set; through a transaction pooler,
// whether the URL says so or not, without DATABASE_LISTEN_URL it polls.
func TestLivePlan(t *testing.T) {
	t.Parallel()
	databaseURL := sqlstoretest.MustCreatePostgresDB(t)
	pooled := sqlstoretest.MustStartPgBouncer(t, databaseURL)
	ctx := context.Background()
	for _, tt := range []struct {
		name, url, listenURL, want string
	}{
		{"Direct", databaseURL, "", databaseURL},
		{"DirectExplicitMode", withParam(t, databaseURL, "default_query_exec_mode", "exec"), "", withParam(t, databaseURL, "default_query_exec_mode", "exec")},
		{"PooledSaysSo", withParam(t, pooled, "pgbouncer", "true"), "", ""},
		{"PooledExplicitMode", withParam(t, pooled, "default_query_exec_mode", "exec"), "", ""},
		{"PooledWithListenURL", withParam(t, pooled, "pgbouncer", "true"), databaseURL, databaseURL},
	} {
		t.Run(tt.name, func(t *testing.T) {
			db := sqlstoretest.MustOpen(t, tt.url, sqlstore.Options{})
			plan, err := sqlstore.LivePlan(ctx, db, config.Database{URL: tt.url, ListenURL: tt.listenURL})
			if err != nil || plan.ListenURL != tt.want || plan.Why == "" {
				t.Errorf("LivePlan = %+v, %v; want listen URL %q", plan, err, tt.want)
			}
		})
	}
	if _, err := sqlstore.NewListener(withParam(t, pooled, "pgbouncer", "true"), events.NewHub(), nil); err == nil ||
		!strings.Contains(err.Error(), "pooler") {
		t.Errorf("a listener through a pooler: %v, want an error naming the pooler", err)
	}
}
