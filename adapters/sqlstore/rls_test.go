package sqlstore_test

import (
	"slices"
	"testing"

	"github.com/todoapi/todo/adapters/sqlstore"
	"github.com/todoapi/todo/adapters/sqlstore/sqlstoretest"
)

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
