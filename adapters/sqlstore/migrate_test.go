package sqlstore_test

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/todoapi/todo/adapters/sqlstore"
	"github.com/todoapi/todo/adapters/sqlstore/sqlstoretest"
	"github.com/todoapi/todo/core/apperr"
	"github.com/todoapi/todo/core/identity"
	"github.com/todoapi/todo/core/task"
	"github.com/todoapi/todo/internal/testkit"
	"github.com/todoapi/todo/migrations"
	"github.com/todoapi/todo/ports/porttest"
)

// target is a database to migrate: SQLite, PostgreSQL, or PostgreSQL
// through PgBouncer in transaction mode.
type target struct {
	name    string
	dialect sqlstore.Dialect
	pooled  bool
}

var targets = []target{{"sqlite", sqlstore.SQLite, false}, {"postgres", sqlstore.Postgres, false}, {"pgbouncer", sqlstore.Postgres, true}}

// freshURL returns the URL of an empty database of the target, and the
// direct URL of the same database.
func (tg target) freshURL(t *testing.T) (string, string) {
	t.Helper()
	switch {
	case tg.dialect == sqlstore.SQLite:
		u := sqlstoretest.SQLiteURL(t)
		return u, u
	case tg.pooled:
		direct, pooled := mustPooledDB(t)
		return withParam(t, pooled, "pgbouncer", "true"), direct
	}
	u := sqlstoretest.MustCreatePostgresDB(t)
	return u, u
}

func allMigrations(t *testing.T, dialect sqlstore.Dialect) []string {
	t.Helper()
	ms, err := migrations.For(string(dialect))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, m := range ms.Sorted() {
		names = append(names, m.Name+"_"+m.Comment)
	}
	return names
}

// TestMigrate walks a fresh database through up, status, down and up again,
// checking each time that the schema is there (or not) by using it.
func TestMigrate(t *testing.T) {
	t.Parallel()
	for _, tg := range targets {
		t.Run(tg.name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			all := allMigrations(t, tg.dialect)
			databaseURL, _ := tg.freshURL(t)
			db := sqlstoretest.MustOpen(t, databaseURL, sqlstore.Options{MaxOpenConns: 4})
			repo := sqlstore.NewTaskRepository(db)

			assertStatus(t, db, 0, len(all))
			if got, err := sqlstore.Migrate(ctx, db, nil); err != nil || !slices.Equal(got, all) {
				t.Fatalf("Migrate = %v, %v; want %v", got, err, all)
			}
			report := assertStatus(t, db, len(all), 0)
			for _, m := range report {
				if m.AppliedAt.IsZero() || m.Group != 1 {
					t.Errorf("applied migration %s: at %v, group %d", m.Name, m.AppliedAt, m.Group)
				}
			}
			if !strings.Contains(report.String(), all[0]) {
				t.Errorf("report does not name %s:\n%s", all[0], report)
			}
			porttest.MustCreate(t, repo, porttest.RandomOwner(), "schema is there", time.Now())
			if got, err := sqlstore.Migrate(ctx, db, nil); err != nil || len(got) != 0 {
				t.Fatalf("second Migrate = %v, %v; want nothing to do", got, err)
			}

			newestFirst := slices.Clone(all)
			slices.Reverse(newestFirst)
			if undone, err := sqlstore.Rollback(ctx, db, nil); err != nil || !slices.Equal(undone, newestFirst) {
				t.Fatalf("Rollback = %v, %v; want %v", undone, err, newestFirst)
			}
			assertStatus(t, db, 0, len(all))
			if _, err := porttest.ListAll(ctx, repo, porttest.RandomOwner()); apperr.CodeOf(err) != apperr.EINTERNAL {
				t.Fatalf("List after rollback: %v; want EINTERNAL (no table)", err)
			}

			if _, err := sqlstore.Migrate(ctx, db, nil); err != nil {
				t.Fatalf("Migrate after rollback: %v", err)
			}
			assertStatus(t, db, len(all), 0)
			porttest.MustCreate(t, repo, porttest.RandomOwner(), "schema is back", time.Now())
		})
	}
}

func assertStatus(t *testing.T, db *sqlstore.DB, applied, pending int) sqlstore.MigrationReport {
	t.Helper()
	report, err := sqlstore.Status(context.Background(), db)
	if err != nil {
		t.Fatalf("Status: %v", err)
	}
	if len(report) != applied+pending || report.Pending() != pending {
		t.Fatalf("Status: %d migrations, %d pending; want %d, %d\n%s", len(report), report.Pending(), applied+pending, pending, report)
	}
	return report
}

// TestMigrateConcurrently starts four servers' migrations at once on one
// fresh database, each with its own pool: all must succeed, and each
// migration must be applied exactly once, through PgBouncer too.
func TestMigrateConcurrently(t *testing.T) {
	t.Parallel()
	for _, tg := range targets {
		t.Run(tg.name, func(t *testing.T) {
			t.Parallel()
			all := allMigrations(t, tg.dialect)
			databaseURL, direct := tg.freshURL(t)
			const servers = 4
			var (
				mu      sync.Mutex
				applied []string
				dbs     []*sqlstore.DB
			)
			for range servers {
				dbs = append(dbs, sqlstoretest.MustOpen(t, databaseURL, sqlstore.Options{MaxOpenConns: 2}))
			}
			testkit.AllAtOnce(servers, func(i int) {
				ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
				defer cancel()
				names, err := sqlstore.Migrate(ctx, dbs[i], nil)
				if err != nil {
					t.Errorf("Migrate: %v", err)
				}
				mu.Lock()
				applied = append(applied, names...)
				mu.Unlock()
			})
			slices.Sort(applied)
			if !slices.Equal(applied, all) {
				t.Fatalf("migrations applied across servers = %v, want each of %v once", applied, all)
			}
			if n := countMigrationRows(t, tg.dialect, direct); n != len(all) {
				t.Fatalf("bun_migrations has %d rows, want %d", n, len(all))
			}
		})
	}
}

// countMigrationRows reads bun's bookkeeping table behind the store's back.
func countMigrationRows(t *testing.T, dialect sqlstore.Dialect, databaseURL string) int {
	t.Helper()
	_, dsn, err := sqlstore.ParseURL(databaseURL)
	if err != nil {
		t.Fatal(err)
	}
	driver := map[sqlstore.Dialect]string{sqlstore.SQLite: "sqlite", sqlstore.Postgres: "pgx"}[dialect]
	raw, err := sql.Open(driver, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	var n int
	if err := raw.QueryRow("SELECT count(*) FROM bun_migrations").Scan(&n); err != nil {
		t.Fatalf("count bun_migrations: %v", err)
	}
	return n
}

// TestMigrateNeedsTwoConnections: on PostgreSQL one connection holds the
// lock while others migrate, so a pool of one must fail clearly instead of
// waiting forever for itself.
func TestMigrateNeedsTwoConnections(t *testing.T) {
	t.Parallel()
	db := sqlstoretest.MustOpen(t, sqlstoretest.MustCreatePostgresDB(t), sqlstore.Options{MaxOpenConns: 1})
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_, err := sqlstore.Migrate(ctx, db, nil)
	if err == nil || !strings.Contains(err.Error(), "at least 2 connections") {
		t.Fatalf("Migrate with one connection = %v, want an error asking for two", err)
	}
}

// TestMigrateKeepsExistingTasks writes tasks as the release before the task
// plan did, then migrates: they read back as tasks without a plan, a
// completed one completed when it last changed, and their fold keys are
// filled in (across several batches), so they sort by title and are found
// by search as the core folds case, which neither database's lower() does
// for every letter (the Kelvin sign folds to "k").
func TestMigrateKeepsExistingTasks(t *testing.T) {
	t.Parallel()
	for _, tg := range targets {
		t.Run(tg.name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			databaseURL, _ := tg.freshURL(t)
			db := sqlstoretest.MustOpen(t, databaseURL, sqlstore.Options{MaxOpenConns: 4})
			if err := sqlstore.MigrateThrough(ctx, db, "20261202000001_task_versions"); err != nil {
				t.Fatalf("MigrateThrough: %v", err)
			}
			filler, owner := porttest.RandomOwner(), porttest.RandomOwner()
			at := time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)
			insert := func(owner identity.UserID, title string, desc *string, completed bool) {
				t.Helper()
				var when any = at
				if tg.dialect == sqlstore.SQLite {
					when = at.Format("2006-01-02T15:04:05.000000Z")
				}
				at = at.Add(time.Second)
				if err := db.Exec(ctx, "INSERT INTO tasks (id, user_id, title, description, completed, created_at, updated_at, version) "+
					"VALUES ($1, $2, $3, $4, $5, $6, $6, 1)", porttest.RandomID().String(), string(owner), title, desc, completed, when); err != nil {
					t.Fatalf("insert %q: %v", title, err)
				}
			}
			const fillers = 1200
			for i := range fillers {
				insert(filler, fmt.Sprintf("Filler %04d", i), nil, false)
			}
			milk := "Buy MILK"
			for _, title := range []string{"zebra", "\u212Aelvin's list", "apple"} {
				insert(owner, title, nil, false)
			}
			insert(owner, "Ärger", &milk, true)

			if _, err := sqlstore.Migrate(ctx, db, nil); err != nil {
				t.Fatalf("Migrate: %v", err)
			}
			repo := sqlstore.NewTaskRepository(db)
			q := task.Query{Sort: task.SortTitle}
			page, err := repo.List(ctx, owner, q)
			if err != nil {
				t.Fatalf("List by title: %v", err)
			}
			want := slices.Clone(page.Tasks)
			slices.SortFunc(want, func(a, b *task.Task) int {
				return q.Compare(task.PositionOf(a, q.Sort), task.PositionOf(b, q.Sort))
			})
			for i, tk := range page.Tasks {
				if tk.ID() != want[i].ID() {
					t.Fatalf("by title: %v, want %v", titles(page.Tasks), titles(want))
				}
				if pl := tk.Plan(); pl.Priority != task.DefaultPriority || len(pl.Tags) != 0 || !pl.Due.IsZero() ||
					pl.RemindAt != nil || pl.Recurrence != task.RecurrenceNone {
					t.Errorf("%q: plan %+v, want none", tk.Title(), pl)
				}
				if done := tk.CompletedAt(); (done != nil) != tk.Completed() || done != nil && !done.Equal(tk.UpdatedAt()) {
					t.Errorf("%q: completed %v at %v, updated at %v", tk.Title(), tk.Completed(), done, tk.UpdatedAt())
				}
			}
			for search, title := range map[string]string{"KELVIN": "\u212Aelvin's list", "milk": "Ärger"} {
				page, err := repo.List(ctx, owner, task.Query{Search: search})
				if err != nil || len(page.Tasks) != 1 || page.Tasks[0].Title() != title {
					t.Errorf("search %q: %v, %v; want %q", search, titles(page.Tasks), err, title)
				}
			}
			page, err = repo.List(ctx, filler, task.Query{Search: "filler", Limit: 1, Count: true})
			if err != nil || page.Total != fillers {
				t.Errorf("search of the fillers: %d found, %v; want %d", page.Total, err, fillers)
			}
		})
	}
}

func titles(ts []*task.Task) []string {
	out := make([]string, len(ts))
	for i, tk := range ts {
		out[i] = tk.Title()
	}
	return out
}

// TestMigrateCountsExistingTasks writes tasks as the release before the
// task limit did, then migrates: 20261207000001_task_counts counts each
// user's tasks, whatever row-level security hides from the role that
// migrates (the tables' owner, without BYPASSRLS, as in production), so
// the limit holds from the first create after it.
func TestMigrateCountsExistingTasks(t *testing.T) {
	t.Parallel()
	for _, tg := range append(targets, target{name: "postgres-owner", dialect: sqlstore.Postgres}) {
		t.Run(tg.name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			var databaseURL string
			if tg.name == "postgres-owner" {
				databaseURL = sqlstoretest.MustCreatePostgresDBWithRoles(t).OwnerURL
			} else {
				databaseURL, _ = tg.freshURL(t)
			}
			db := sqlstoretest.MustOpen(t, databaseURL, sqlstore.Options{MaxOpenConns: 4})
			if err := sqlstore.MigrateThrough(ctx, db, "20261206000002_feed_row_level_security"); err != nil {
				t.Fatalf("MigrateThrough: %v", err)
			}
			var when any = time.Now().UTC()
			insert := "INSERT INTO tasks (id, user_id, title, created_at, updated_at) VALUES ($1::uuid, $2::text, 'before', $3, $3)"
			if tg.dialect == sqlstore.SQLite {
				when = time.Now().UTC().Format("2006-01-02T15:04:05.000000Z")
				insert = "INSERT INTO tasks (id, user_id, title, created_at, updated_at) VALUES ($1, $2, 'before', $3, $3)"
			}
			full, some, none := porttest.RandomOwner(), porttest.RandomOwner(), porttest.RandomOwner()
			for owner, n := range map[identity.UserID]int{full: 5, some: 3} {
				err := db.AtomicAs(ctx, owner, func(tx sqlstore.Tx) error {
					var affected int64
					for range n {
						if err := tx.Exec(ctx, &affected, insert, porttest.RandomID().String(), string(owner), when); err != nil {
							return err
						}
					}
					return nil
				})
				if err != nil {
					t.Fatalf("insert %d tasks: %v", n, err)
				}
			}

			if _, err := sqlstore.Migrate(ctx, db, nil); err != nil {
				t.Fatalf("Migrate: %v", err)
			}
			repo := sqlstore.NewTaskRepository(db)
			for owner, room := range map[identity.UserID]int{full: 0, some: 2, none: 5} {
				for i := range room {
					if _, err := porttest.CreateWithin(ctx, repo, owner, 5); err != nil {
						t.Fatalf("create %d of %d under a limit of 5: %v", i+1, room, err)
					}
				}
				if _, err := porttest.CreateWithin(ctx, repo, owner, 5); apperr.CodeOf(err) != apperr.ELIMIT {
					t.Fatalf("a create past the limit after %d more = %v, want ELIMIT", room, err)
				}
			}
		})
	}
}
