package main

import (
	"syscall"
	"testing"
	"time"

	"github.com/todoapi/todo/adapters/sqlstore/sqlstoretest"
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
			time.Sleep(1500 * time.Millisecond)
			if err := srv.cmd.Process.Signal(syscall.SIGKILL); err != nil {
				t.Fatal(err)
			}
			<-srv.done
			load.Stop()
			acks := load.Acks()
			if len(acks) < 50 {
				t.Fatalf("only %d writes acknowledged before the kill: no load to speak of\n%s", len(acks), srv.logs)
			}

			again := MustStart(t, dir, env)
			MustAllAcknowledged(t, again.URL, token, "alice", acks)
			t.Logf("%d writes acknowledged before the kill, all stored and in the feed once", len(acks))
			again.Stop(t)
		})
	}
}
