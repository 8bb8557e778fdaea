package main

import (
	"syscall"
	"testing"
	"time"

	"github.com/todoapi/todo/adapters/sqlstore/sqlstoretest"
	"github.com/todoapi/todo/internal/testkit"
)

// The server killed with SIGKILL in the middle of a write load, on SQLite
// and on PostgreSQL: after a restart on the same database every write it
// acknowledged is there, and in the change feed exactly once, with no
// change whose write was lost and no write whose change was.
func TestKillDuringWritesLosesNothing(t *testing.T) {
	t.Parallel()
	for _, store := range []string{"sqlite", "postgres"} {
		t.Run(store, func(t *testing.T) {
			t.Parallel()
			env := cleanEnv("RATE_LIMIT_PER_USER=0")
			if store == "postgres" {
				env = append(env, "DATABASE_URL="+sqlstoretest.MustCreatePostgresDB(t))
			}
			dir := t.TempDir()
			srv := MustStart(t, dir, env)
			token := MustToken(t, dir, env, "alice")
			load := startWriteLoad(srv.URL, token, "alice", 8)
			t.Cleanup(load.Stop)
			// Killed in the middle of the load, whatever the machine's speed:
			// once it has acknowledged a good number of writes.
			testkit.Eventually(t, 2*time.Minute, "200 writes acknowledged", func() bool { return len(load.Acks()) >= 200 })
			if err := srv.cmd.Process.Signal(syscall.SIGKILL); err != nil {
				t.Fatal(err)
			}
			<-srv.done
			load.Stop()
			acks := load.Acks()

			again := MustStart(t, dir, env)
			MustAllAcknowledged(t, again.URL, token, "alice", acks)
			t.Logf("%d writes acknowledged before the kill, all stored and in the feed once", len(acks))
			again.Stop(t)
		})
	}
}
