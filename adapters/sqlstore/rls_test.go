package sqlstore_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/todoapi/todo/adapters/sqlstore"
	"github.com/todoapi/todo/adapters/sqlstore/sqlstoretest"
	"github.com/todoapi/todo/core/apperr"
	"github.com/todoapi/todo/core/identity"
	"github.com/todoapi/todo/core/task"
	"github.com/todoapi/todo/ports"
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

// Statements written without their user filter, as a bug would write them.
const (
	everyTask   = "SELECT " + sqlstore.TaskColumns + " FROM tasks"
	touchAll    = "UPDATE tasks SET title = title"
	insertFor   = "INSERT INTO tasks (id, user_id, title, created_at, updated_at) VALUES ($1::uuid, $2::text, 'planted', now(), now())"
	deleteOf    = "DELETE FROM tasks WHERE user_id = $1::text"
	countTasks  = "SELECT count(*) FROM tasks"
	policyError = "42501" // insufficient_privilege: new row violates row-level security policy
)

func ids(tasks []*task.Task) []string {
	out := make([]string, len(tasks))
	for i, tk := range tasks {
		out[i] = tk.ID().String()
	}
	slices.Sort(out)
	return out
}

func mustCreateSome(t *testing.T, repo ports.TaskRepository, owner identity.UserID, n int) []string {
	t.Helper()
	var created []*task.Task
	for i := range n {
		created = append(created, porttest.MustCreate(t, repo, owner, "task", time.Now().Add(time.Duration(i)*time.Millisecond)))
	}
	return ids(created)
}

func wantPolicyError(t *testing.T, what string, err error) {
	t.Helper()
	var pgErr *pgconn.PgError
	if !errors.As(err, &pgErr) || pgErr.Code != policyError {
		t.Errorf("%s: %v; want the policy's refusal (SQLSTATE %s)", what, err, policyError)
	}
}

// TestRowLevelSecurity runs statements that forget their user filter
// through the store's own transactions, as the service's role: a read or
// a transaction sees and changes only the acting user's rows, none without
// a user, and cannot write a row for another user. The setting lasts only
// as long as its transaction: a plain query on the same session right
// after sees nothing. In every statement mode, directly and through
// PgBouncer in transaction mode with one server session shared by all.
func TestRowLevelSecurity(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	roles := mustMigratedRoles(t)
	pooled := sqlstoretest.MustStartPgBouncer(t, roles.AppURL, "default_pool_size = 1")
	alice, bob := porttest.RandomOwner(), porttest.RandomOwner()
	seed := sqlstore.NewTaskRepository(sqlstoretest.MustOpen(t, roles.AppURL, sqlstore.Options{}))
	aliceIDs, bobIDs := mustCreateSome(t, seed, alice, 3), mustCreateSome(t, seed, bob, 2)

	urls := map[string]string{
		"pgbouncer=true":            withParam(t, pooled, "pgbouncer", "true"),
		"pgbouncer simple_protocol": withParam(t, pooled, "default_query_exec_mode", "simple_protocol"),
	}
	for _, mode := range execModes {
		urls[mode] = withParam(t, roles.AppURL, "default_query_exec_mode", mode)
	}
	for name, u := range urls {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			// One connection: the plain queries run on the session the
			// store's transactions just used.
			db := sqlstoretest.MustOpen(t, u, sqlstore.Options{MaxOpenConns: 1})
			for owner, want := range map[identity.UserID][]string{alice: aliceIDs, bob: bobIDs, "": nil} {
				got, err := db.ReadAs(ctx, owner, everyTask)
				if err != nil || !slices.Equal(ids(got), want) {
					t.Errorf("read as %q: %v, %v; want %v", owner, ids(got), err, want)
				}
			}
			if n, err := db.Count(ctx, countTasks); err != nil || n != 0 {
				t.Errorf("a plain query after the reads counts %d tasks, %v; want 0: the acting user outlived its transaction", n, err)
			}

			var touched, deleted int64
			err := db.AtomicAs(ctx, alice, func(tx sqlstore.Tx) error {
				got, err := tx.Query(ctx, everyTask)
				if err == nil && !slices.Equal(ids(got), aliceIDs) {
					t.Errorf("read in a transaction as alice: %v; want %v", ids(got), aliceIDs)
				}
				if err == nil {
					err = tx.Exec(ctx, &touched, touchAll)
				}
				if err == nil {
					err = tx.Exec(ctx, &deleted, deleteOf, string(bob))
				}
				return err
			})
			if err != nil || touched != int64(len(aliceIDs)) || deleted != 0 {
				t.Errorf("as alice: updated %d, deleted %d of bob's, %v; want %d, 0", touched, deleted, err, len(aliceIDs))
			}

			for _, tc := range []struct {
				name         string
				actor, owner identity.UserID
			}{{"alice writing bob's row", alice, bob}, {"nobody writing alice's row", "", alice}} {
				var n int64
				err := db.AtomicAs(ctx, tc.actor, func(tx sqlstore.Tx) error {
					return tx.Exec(ctx, &n, insertFor, porttest.RandomID().String(), string(tc.owner))
				})
				wantPolicyError(t, tc.name, err)
			}
			if n, err := db.Count(ctx, countTasks); err != nil || n != 0 {
				t.Errorf("a plain query after the transactions counts %d tasks, %v; want 0", n, err)
			}
		})
	}

	// FORCE binds the tables' owner too; only a superuser bypasses.
	owner := sqlstoretest.MustOpen(t, roles.OwnerURL, sqlstore.Options{MaxOpenConns: 1})
	if got, err := owner.ReadAs(ctx, alice, everyTask); err != nil || !slices.Equal(ids(got), aliceIDs) {
		t.Errorf("read as alice by the owner: %v, %v; want %v", ids(got), err, aliceIDs)
	}
	if n, err := owner.Count(ctx, countTasks); err != nil || n != 0 {
		t.Errorf("the owner counts %d tasks with no user set, %v; want 0", n, err)
	}
	super := sqlstoretest.MustOpen(t, roles.AdminURL, sqlstore.Options{MaxOpenConns: 1})
	if n, err := super.Count(ctx, countTasks); err != nil || n != int64(len(aliceIDs)+len(bobIDs)) {
		t.Errorf("a superuser counts %d tasks, %v; want all %d", n, err, len(aliceIDs)+len(bobIDs))
	}
}

// TestTaskRepositoryAsAppRole runs the contract suites (tasks, tickets)
// as the service's role, which the policies bind: directly and through PgBouncer.
func TestTaskRepositoryAsAppRole(t *testing.T) {
	t.Parallel()
	roles := mustMigratedRoles(t)
	urls := map[string]string{
		"direct":    roles.AppURL,
		"pgbouncer": withParam(t, sqlstoretest.MustStartPgBouncer(t, roles.AppURL), "pgbouncer", "true"),
	}
	for name, u := range urls {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			db := sqlstoretest.MustOpen(t, u, sqlstore.Options{MaxOpenConns: 6})
			repo := sqlstore.NewTaskRepository(db)
			porttest.TaskRepository(t, func(*testing.T) ports.TaskRepository { return repo })
			// The tickets too: redeemed acting for their owner, pruned
			// across owners as the housekeeping.
			tickets := sqlstore.NewEventTickets(db)
			t.Run("EventTickets", func(t *testing.T) {
				porttest.EventTickets(t, func(*testing.T) ports.EventTickets { return tickets })
			})
		})
	}
}

// TestRowLevelSecurityOnEveryUserTable holds every table with a user_id
// column to the pattern of 20261206000001_row_level_security: row-level
// security enabled and forced, and policies, each comparing with the
// acting user (app.user_id), or letting the housekeeping only read or only
// delete (app.housekeeping, see 20261206000002_feed_row_level_security); a
// permissive policy that does neither would let every row through. A new table with user data fails here until its
// migration does the same.
func TestRowLevelSecurityOnEveryUserTable(t *testing.T) {
	t.Parallel()
	databaseURL := sqlstoretest.MustCreatePostgresDB(t)
	sqlstoretest.MustMigrate(t, sqlstoretest.MustOpen(t, databaseURL, sqlstore.Options{MaxOpenConns: 2}))
	rows, err := mustRaw(t, "pgx", databaseURL).Query(`SELECT c.relname, c.relrowsecurity, c.relforcerowsecurity,
		count(p.oid), count(p.oid) FILTER (WHERE coalesce(pg_get_expr(p.polqual, p.polrelid), '') LIKE '%app.user_id%'
			AND coalesce(pg_get_expr(p.polwithcheck, p.polrelid), 'app.user_id') LIKE '%app.user_id%'
			OR p.polcmd IN ('r', 'd') AND pg_get_expr(p.polqual, p.polrelid) LIKE '%app.housekeeping%')
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
			t.Errorf("table %s: row-level security enabled %v, forced %v; %d policies, %d of them on app.user_id or the housekeeping's reads; "+
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
// read the tasks; naming it at a later run grants what it lacked.
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
	sqlstoretest.MustMigrate(t, sqlstoretest.MustOpen(t, roles.OwnerURL, sqlstore.Options{MaxOpenConns: 2, AppRole: roles.App}))
	created := porttest.MustCreate(t, repo, owner, "granted", time.Now())
	if got, err := porttest.ListAll(ctx, repo, owner); err != nil || len(got) != 1 || got[0].ID() != created.ID() {
		t.Fatalf("List after the grants: %v, %v; want the task just created", got, err)
	}
}

// TestCheckRowSecurity: the start-up check warns, once, exactly for the
// roles that bypass row-level security (a superuser, a BYPASSRLS role) or
// may take on one, and stays silent for the owner and the service's role.
func TestCheckRowSecurity(t *testing.T) {
	t.Parallel()
	bypass := sqlstoretest.MustCreateRole(t, "LOGIN BYPASSRLS")
	member, group := sqlstoretest.MustCreateRole(t, "LOGIN"), sqlstoretest.MustCreateRole(t, "NOLOGIN BYPASSRLS")
	sqlstoretest.MustAdminExec(t, "GRANT "+group+" TO "+member)
	roles := mustMigratedRoles(t)
	as := func(role string) string { return strings.Replace(roles.AppURL, "//"+roles.App+"@", "//"+role+"@", 1) }
	for _, tc := range []struct {
		name, url, want string
	}{
		{"superuser", roles.AdminURL, "row-level security is bypassed"},
		{"BYPASSRLS", as(bypass), "row-level security is bypassed"},
		{"member of a BYPASSRLS role", as(member), "may take on a role that bypasses row-level security"},
		{"owner", roles.OwnerURL, ""},
		{"service's role", roles.AppURL, ""},
	} {
		var logs bytes.Buffer
		db := sqlstoretest.MustOpen(t, tc.url, sqlstore.Options{MaxOpenConns: 1})
		sqlstore.CheckRowSecurity(context.Background(), db, slog.New(slog.NewTextHandler(&logs, nil)))
		warnings := strings.Count(logs.String(), "level=WARN")
		switch {
		case tc.want == "" && warnings != 0:
			t.Errorf("%s: %s; want no warning", tc.name, logs.String())
		case tc.want != "" && (warnings != 1 || !strings.Contains(logs.String(), tc.want)):
			t.Errorf("%s: %q; want one warning saying %q", tc.name, logs.String(), tc.want)
		}
	}
}
