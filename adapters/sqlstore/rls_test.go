package sqlstore_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/todoapi/todo/adapters/sqlstore"
	"github.com/todoapi/todo/adapters/sqlstore/sqlstoretest"
	"github.com/todoapi/todo/core/apperr"
	"github.com/todoapi/todo/ports/porttest"
)

// mustMigratedRoles creates a database with the two roles of production
// and migrates it as the owner, granting the service's role its
// privileges (DB_APP_ROLE).
func mustMigratedRoles(t *testing.T) sqlstoretest.Roles {
	t.Helper()
	roles := sqlstoretest.MustCreatePostgresDBWithRoles(t)
	sqlstoretest.MustMigrate(t, sqlstoretest.MustOpen(t, roles.OwnerURL, sqlstore.Options{MaxOpenConns: 2, AppRole: roles.App}))
	return roles
}

// TestRowLevelSecurityOnEveryUserTable holds every table with a user_id
// column to the pattern of 20261206000001_row_level_security: row-level
// security enabled and forced, and policies, each comparing with the
// acting user (app.user_id); a permissive policy that does not would let
// every row through. A new table with user data fails here until its
// migration does the same.
func TestRowLevelSecurityOnEveryUserTable(t *testing.T) {
	t.Parallel()
	databaseURL := sqlstoretest.MustCreatePostgresDB(t)
	sqlstoretest.MustMigrate(t, sqlstoretest.MustOpen(t, databaseURL, sqlstore.Options{MaxOpenConns: 2}))
	rows, err := mustRaw(t, "pgx", databaseURL).Query(`SELECT c.relname, c.relrowsecurity, c.relforcerowsecurity,
		count(p.oid), count(p.oid) FILTER (WHERE coalesce(pg_get_expr(p.polqual, p.polrelid), '') LIKE '%app.user_id%'
			AND coalesce(pg_get_expr(p.polwithcheck, p.polrelid), 'app.user_id') LIKE '%app.user_id%')
		FROM pg_class c
		JOIN pg_namespace n ON n.oid = c.relnamespace
		JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = 'user_id' AND NOT a.attisdropped
		LEFT JOIN pg_policy p ON p.polrelid = c.oid
		WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p')
		GROUP BY c.relname, c.relrowsecurity, c.relforcerowsecurity
		ORDER BY c.relname`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var tables []string
	for rows.Next() {
		var name string
		var enabled, forced bool
		var policies, keyed int
		if err := rows.Scan(&name, &enabled, &forced, &policies, &keyed); err != nil {
			t.Fatal(err)
		}
		tables = append(tables, name)
		if !enabled || !forced || policies == 0 || keyed != policies {
			t.Errorf("table %s: row-level security enabled %v, forced %v; %d policies, %d of them on app.user_id; "+
				"want enabled, forced, and every policy on app.user_id (see migrations/postgres/20261206000001_row_level_security.tx.up.sql)",
				name, enabled, forced, policies, keyed)
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(tables, "tasks") {
		t.Fatalf("tables with a user_id column: %v; want tasks among them", tables)
	}
}

// TestMigrateGrantsAppRole: Migrate grants the service's role what it
// needs on the tables, nothing on the migrator's own, and the same by
// default on tables created later; it does so again, harmlessly, on every
// run; and a role that does not exist fails it, naming DB_APP_ROLE.
func TestMigrateGrantsAppRole(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	roles := mustMigratedRoles(t)
	owner := sqlstoretest.MustOpen(t, roles.OwnerURL, sqlstore.Options{MaxOpenConns: 2, AppRole: roles.App})
	if applied, err := sqlstore.Migrate(ctx, owner, nil); err != nil || len(applied) != 0 {
		t.Fatalf("second Migrate = %v, %v; want nothing applied, and the grants again", applied, err)
	}
	if err := owner.Exec(ctx, "CREATE TABLE later (id bigserial PRIMARY KEY, user_id text NOT NULL)"); err != nil {
		t.Fatal(err)
	}
	admin := sqlstoretest.MustOpen(t, roles.AdminURL, sqlstore.Options{MaxOpenConns: 1})
	for _, tc := range []struct {
		check string
		want  bool
	}{
		{"has_table_privilege($1, 'tasks', 'SELECT, INSERT, UPDATE, DELETE')", true},
		{"has_table_privilege($1, 'tasks', 'TRUNCATE') OR has_table_privilege($1, 'tasks', 'REFERENCES')", false},
		{"has_table_privilege($1, 'bun_migrations', 'SELECT') OR has_table_privilege($1, 'bun_migration_locks', 'SELECT')", false},
		{"has_table_privilege($1, 'later', 'SELECT, INSERT, UPDATE, DELETE')", true},
		{"has_sequence_privilege($1, 'later_id_seq', 'USAGE')", true},
		{"has_schema_privilege($1, current_schema(), 'CREATE')", false},
		{"EXISTS (SELECT 1 FROM pg_class c JOIN pg_roles r ON r.oid = c.relowner WHERE r.rolname = $1)", false},
	} {
		n, err := admin.Count(ctx, "SELECT ("+tc.check+")::int", roles.App)
		if err != nil || (n == 1) != tc.want {
			t.Errorf("%s for the service's role: %d, %v; want %v", tc.check, n, err, tc.want)
		}
	}

	unknown := sqlstoretest.MustOpen(t, roles.OwnerURL, sqlstore.Options{MaxOpenConns: 2, AppRole: "no_such_role"})
	if _, err := sqlstore.Migrate(ctx, unknown, nil); err == nil || !strings.Contains(err.Error(), "DB_APP_ROLE") ||
		!strings.Contains(err.Error(), "does not exist") {
		t.Errorf("Migrate granting a role that does not exist: %v; want an error naming DB_APP_ROLE", err)
	}
}

// TestMigrateWithoutAppRole: with DB_APP_ROLE unset the migrations run as
// the owner all the same and grant nothing, so the service's role cannot
// read the tasks.
func TestMigrateWithoutAppRole(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	roles := sqlstoretest.MustCreatePostgresDBWithRoles(t)
	sqlstoretest.MustMigrate(t, sqlstoretest.MustOpen(t, roles.OwnerURL, sqlstore.Options{MaxOpenConns: 2}))
	repo := sqlstore.NewTaskRepository(sqlstoretest.MustOpen(t, roles.AppURL, sqlstore.Options{}))
	owner := porttest.RandomOwner()
	if _, err := porttest.ListAll(ctx, repo, owner); apperr.CodeOf(err) != apperr.EINTERNAL || !strings.Contains(err.Error(), "permission denied") {
		t.Fatalf("List as a role granted nothing: %v; want EINTERNAL, permission denied", err)
	}
}
