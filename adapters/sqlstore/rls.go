package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"
)

// Row-level security (PostgreSQL). Every table with user data lets a
// transaction see and write only the rows of the user it names with
// setUser (see the migration 20261206000001_row_level_security). That
// binds every role but a superuser or a BYPASSRLS one, so in production
// two roles share the work: migrations run as the role that owns the
// tables (DATABASE_MIGRATE_URL), which grants the service's role
// (DB_APP_ROLE) what serving needs and nothing more; the server connects
// as the service's role (DATABASE_URL).

// migratorTables are bun's bookkeeping tables and their sequences: only
// migrations use them, so the service's role is granted nothing on them.
var migratorTables = []string{"bun_migrations", "bun_migration_locks", "bun_migrations_id_seq", "bun_migration_locks_id_seq"}

// grantAppRole grants role what serving needs in the schema the migrations
// ran in (current_schema()): USAGE on the schema, SELECT, INSERT, UPDATE
// and DELETE on every table, USAGE and SELECT on every sequence, but for
// migratorTables, and the same by default on the tables and sequences that
// later migrations create. GRANT does nothing a second time, so it runs
// after every Migrate: a role named later, or a table added since, gets its
// privileges at the next one. It returns the tables and sequences granted.
func grantAppRole(ctx context.Context, db *sql.DB, role string) ([]string, error) {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return nil, err
	}
	defer func() { _ = tx.Rollback() }()
	var schema string
	if err := tx.QueryRowContext(ctx, "SELECT current_schema()").Scan(&schema); err != nil {
		return nil, err
	}
	tables, sequences, err := grantable(ctx, tx, schema)
	if err != nil {
		return nil, err
	}
	s, r := pgx.Identifier{schema}.Sanitize(), pgx.Identifier{role}.Sanitize()
	grants := []string{"GRANT USAGE ON SCHEMA " + s + " TO " + r}
	if len(tables) > 0 {
		grants = append(grants, "GRANT SELECT, INSERT, UPDATE, DELETE ON TABLE "+qualified(schema, tables)+" TO "+r)
	}
	if len(sequences) > 0 {
		grants = append(grants, "GRANT USAGE, SELECT ON SEQUENCE "+qualified(schema, sequences)+" TO "+r)
	}
	grants = append(grants,
		"ALTER DEFAULT PRIVILEGES IN SCHEMA "+s+" GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO "+r,
		"ALTER DEFAULT PRIVILEGES IN SCHEMA "+s+" GRANT USAGE, SELECT ON SEQUENCES TO "+r)
	for _, g := range grants {
		if _, err := tx.ExecContext(ctx, g); err != nil {
			return nil, fmt.Errorf("grant DB_APP_ROLE %s: %w", r, err)
		}
	}
	return append(tables, sequences...), tx.Commit()
}

// grantable lists the tables (and views) and the sequences of schema that
// the service's role gets, migratorTables left out.
func grantable(ctx context.Context, tx *sql.Tx, schema string) (tables, sequences []string, err error) {
	rows, err := tx.QueryContext(ctx, `SELECT c.relname, c.relkind = 'S' FROM pg_class c
		JOIN pg_namespace n ON n.oid = c.relnamespace
		WHERE n.nspname = $1::text AND c.relkind IN ('r', 'p', 'v', 'S') AND c.relname::text <> ALL($2::text[])
		ORDER BY c.relname`, schema, migratorTables)
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var name string
		var sequence bool
		if err := rows.Scan(&name, &sequence); err != nil {
			return nil, nil, err
		}
		if sequence {
			sequences = append(sequences, name)
		} else {
			tables = append(tables, name)
		}
	}
	return tables, sequences, rows.Err()
}

// qualified joins names of schema, each quoted.
func qualified(schema string, names []string) string {
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = pgx.Identifier{schema, n}.Sanitize()
	}
	return strings.Join(out, ", ")
}
