package main

import (
	"net/http"
	"strings"
	"testing"

	"github.com/todoapi/todo/adapters/sqlstore/sqlstoretest"
)

// The two roles of production: serve connects as the service's role
// (DATABASE_URL), migrates at start as the tables' owner
// (DATABASE_MIGRATE_URL), granting the service's role (DB_APP_ROLE) what
// it needs, and does not warn, since the policies bind its role. Every
// route works and keeps users apart; `todo migrate status` reads the
// schema as the owner.
func TestServeWithTwoRoles(t *testing.T) {
	t.Parallel()
	roles := sqlstoretest.MustCreatePostgresDBWithRoles(t)
	dir := t.TempDir()
	env := cleanEnv("DATABASE_URL="+roles.AppURL, "DATABASE_MIGRATE_URL="+roles.OwnerURL, "DB_APP_ROLE="+roles.App)
	srv := MustStart(t, dir, env)
	logs := srv.logs.String()
	if !strings.Contains(logs, "migration applied") || !strings.Contains(logs, "privileges granted to the service's role") ||
		strings.Contains(logs, "row-level security") {
		t.Fatalf("start-up log: want the migrations and the grants, and no row-level security warning:\n%s", logs)
	}
	if !strings.Contains(logs, "live events travel through PostgreSQL LISTEN/NOTIFY") || !strings.Contains(logs, "safety_poll=30s") {
		t.Errorf("start-up log does not say that live events travel by LISTEN/NOTIFY:\n%s", logs)
	}
	alice, bob := MustToken(t, dir, env, "alice"), MustToken(t, dir, env, "bob")
	for _, family := range []routeFamily{seedRoutes, specRoutes} {
		t.Run(family.name, func(t *testing.T) {
			assertCRUD(t, srv.URL, family, "alice", alice)
			assertIsolation(t, srv.URL, family, "alice", alice, "bob", bob)
		})
	}
	if status, _, _ := Do(t, "GET", srv.URL+"/readyz", "", ""); status != http.StatusOK {
		t.Errorf("/readyz as the service's role: %d", status)
	}
	if code := srv.Stop(t); code != 0 {
		t.Errorf("exit %d\n%s", code, srv.logs)
	}
	if out, errOut, code := Cmd(t, dir, env, "migrate", "status"); code != 0 || !strings.Contains(out, allApplied(t)) {
		t.Errorf("migrate status as the owner: %d\n%s%s", code, out, errOut)
	}
}
