package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
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

// CheckRowSecurity logs a warning when the role the store connects as
// bypasses row-level security: a superuser, or a role with BYPASSRLS. The
// policies then bind none of its statements, and only the owner filters
// in the repository's SQL keep users apart. That is usual in local
// development and tests, so the server still runs. A role that can take on
// such a role (SET ROLE), as a Neon role created in its console can with
// neon_superuser, is named too: its statements are bound, but one
// injected into its session could escape. SQLite has no roles: nothing to
// check. A check that fails is logged at debug and changes nothing.
func CheckRowSecurity(ctx context.Context, db *DB, logger *slog.Logger) {
	if db.dialect != Postgres {
		return
	}
	var (
		role                 string
		superuser, bypassRLS bool
		canBecome            string
	)
	err := db.read.DB.QueryRowContext(ctx, `SELECT r.rolname, r.rolsuper, r.rolbypassrls,
		coalesce((SELECT string_agg(b.rolname, ', ' ORDER BY b.rolname) FROM pg_roles b
			WHERE (b.rolsuper OR b.rolbypassrls) AND b.oid <> r.oid AND pg_has_role(r.oid, b.oid, 'MEMBER')), '')
		FROM pg_roles r WHERE r.rolname = current_user`).Scan(&role, &superuser, &bypassRLS, &canBecome)
	switch {
	case err != nil:
		logger.DebugContext(ctx, "could not check the database role's row-level security", "error", err)
	case superuser || bypassRLS:
		logger.WarnContext(ctx, "row-level security is bypassed: the database role is a superuser or has BYPASSRLS, "+
			"so no policy binds the server's statements; in production connect as a role without either "+
			"(DATABASE_URL), and migrate as the tables' owner (DATABASE_MIGRATE_URL, DB_APP_ROLE)",
			"role", role, "superuser", superuser, "bypassrls", bypassRLS)
	case canBecome != "":
		logger.WarnContext(ctx, "the database role may take on a role that bypasses row-level security (SET ROLE); "+
			"in production connect as a role that is a member of none",
			"role", role, "member_of", canBecome)
	}
}
