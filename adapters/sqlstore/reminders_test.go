package sqlstore_test

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/todoapi/todo/adapters/sqlstore"
	"github.com/todoapi/todo/adapters/sqlstore/sqlstoretest"
	"github.com/todoapi/todo/adapters/system"
	"github.com/todoapi/todo/core/app"
	"github.com/todoapi/todo/core/identity"
	"github.com/todoapi/todo/core/task"
	"github.com/todoapi/todo/internal/testkit"
	"github.com/todoapi/todo/ports/porttest"
)

// TestRemindersFireOnceAcrossReplicas runs three replicas' reminder loops
// at once, each with a pool of its own on one database (on PostgreSQL as
// the service's role, which row-level security binds): each due reminder
// is recorded exactly once in its owner's feed, none still ahead is, and
// a reminder moved after it fired fires once more.
func TestRemindersFireOnceAcrossReplicas(t *testing.T) {
	t.Parallel()
	for _, name := range []string{"sqlite", "postgres"} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			var url string
			if name == "sqlite" {
				url = sqlstoretest.SQLiteURL(t)
				sqlstoretest.MustMigrate(t, sqlstoretest.MustOpen(t, url, sqlstore.Options{MaxOpenConns: 2}))
			} else {
				url = mustMigratedRoles(t).AppURL
			}
			testRemindersFireOnce(t, url)
		})
	}
}

func testRemindersFireOnce(t *testing.T, url string) {
	ctx := context.Background()
	now := time.Now().UTC().Truncate(time.Second)
	const replicas, owners, perOwner = 3, 20, 15
	repos := make([]*sqlstore.TaskRepository, replicas)
	services := make([]*app.TaskService, replicas)
	for i := range replicas {
		repos[i] = sqlstore.NewTaskRepository(sqlstoretest.MustOpen(t, url, sqlstore.Options{MaxOpenConns: 4}))
		services[i] = app.NewTaskService(repos[i], fixedClock{at: now}, system.IDs{})
	}
	type made struct {
		owner identity.UserID
		id    task.ID
	}
	var due, ahead []made
	for range owners {
		owner := porttest.RandomOwner()
		for j := range perOwner {
			at := now.Add(-time.Duration(j) * time.Millisecond)
			if j%5 == 4 {
				at = now.Add(time.Microsecond) // not yet: never before remind_at
			}
			tk := porttest.MustCreateReminding(t, repos[j%replicas], owner, fmt.Sprint("t", j), at)
			if at.After(now) {
				ahead = append(ahead, made{owner, tk.ID()})
			} else {
				due = append(due, made{owner, tk.ID()})
			}
		}
	}

	var fired atomic.Int64
	testkit.AllAtOnce(replicas, func(i int) {
		for { // as the loop does, round after round, until nothing is left
			f, err := services[i].FireReminders(ctx, repos[i])
			if err != nil {
				t.Errorf("replica %d: FireReminders: %v", i, err)
				return
			}
			fired.Add(int64(len(f)))
			if left, err := repos[i].DueReminders(ctx, now, 1); err != nil || len(left) == 0 {
				return
			}
		}
	})
	if got := fired.Load(); got != int64(len(due)) {
		t.Errorf("replicas fired %d reminders, want %d", got, len(due))
	}

	count := map[task.ID]int{}
	seen := map[identity.UserID]bool{}
	for _, m := range append(append([]made{}, due...), ahead...) {
		if seen[m.owner] {
			continue
		}
		seen[m.owner] = true
		for _, c := range porttest.MustChanges(t, repos[0], m.owner, 0, 1000) {
			if c.Op == task.ChangeReminder {
				count[c.TaskID]++
				if c.At.Before(*c.Task.Plan().RemindAt) {
					t.Errorf("reminder of %s recorded at %v, before its remind_at %v", c.TaskID, c.At, *c.Task.Plan().RemindAt)
				}
			}
		}
	}
	for _, m := range due {
		if count[m.id] != 1 {
			t.Errorf("due task %s: %d reminder changes, want 1", m.id, count[m.id])
		}
	}
	for _, m := range ahead {
		if count[m.id] != 0 {
			t.Errorf("task %s reminded before its remind_at", m.id)
		}
	}

	// Moved after it fired: armed again, fired once more.
	m := due[0]
	actor := identity.Principal{UserID: m.owner}
	if _, err := services[0].Update(ctx, actor, m.owner, m.id.String(),
		task.Patch{RemindAt: task.Set(now.Add(-time.Second).Format(time.RFC3339Nano))}); err != nil {
		t.Fatal(err)
	}
	var again atomic.Int64
	testkit.AllAtOnce(replicas, func(i int) {
		f, err := services[i].FireReminders(ctx, repos[i])
		if err != nil {
			t.Errorf("replica %d: FireReminders: %v", i, err)
		}
		again.Add(int64(len(f)))
	})
	if again.Load() != 1 {
		t.Fatalf("after remind_at moved, %d reminders fired; want 1", again.Load())
	}
}

// TestMigrateArmsExistingReminders writes tasks as the release before
// reminders did, then migrates: a reminder still ahead of a task not
// completed is armed, and found due once its time comes; one already past,
// and one of a completed task, are not.
func TestMigrateArmsExistingReminders(t *testing.T) {
	t.Parallel()
	for _, tg := range targets {
		t.Run(tg.name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			databaseURL, _ := tg.freshURL(t)
			db := sqlstoretest.MustOpen(t, databaseURL, sqlstore.Options{MaxOpenConns: 4})
			if err := sqlstore.MigrateThrough(ctx, db, "20261206000002_feed_row_level_security"); err != nil {
				t.Fatalf("MigrateThrough: %v", err)
			}
			owner, now := porttest.RandomOwner(), time.Now().UTC()
			stamp := func(at time.Time) any {
				if tg.dialect == sqlstore.SQLite {
					return at.Format("2006-01-02T15:04:05.000000Z")
				}
				return at
			}
			ids := map[string]string{}
			for _, tc := range []struct {
				title     string
				remind    time.Duration
				completed bool
			}{{"ahead", time.Hour, false}, {"past", -time.Hour, false}, {"done", time.Hour, true}} {
				id := porttest.RandomID().String()
				ids[tc.title] = id
				var doneAt any
				if tc.completed {
					doneAt = stamp(now)
				}
				if err := db.Exec(ctx, "INSERT INTO tasks (id, user_id, title, completed, created_at, updated_at, version, remind_at, completed_at) "+
					"VALUES ($1, $2, $3, $4, $5, $5, 1, $6, $7)", id, string(owner), tc.title, tc.completed, stamp(now), stamp(now.Add(tc.remind)), doneAt); err != nil {
					t.Fatalf("insert %q: %v", tc.title, err)
				}
			}
			if _, err := sqlstore.Migrate(ctx, db, nil); err != nil {
				t.Fatalf("Migrate: %v", err)
			}
			repo := sqlstore.NewTaskRepository(db)
			refs, err := repo.DueReminders(ctx, now.Add(2*time.Hour), 100)
			if err != nil || len(refs) != 1 || refs[0].ID.String() != ids["ahead"] || refs[0].Owner != owner {
				t.Fatalf("DueReminders after the migration = %+v, %v; want only the reminder still ahead (%s)", refs, err, ids["ahead"])
			}
			for title, want := range map[string]bool{"ahead": true, "past": false, "done": false} {
				id, _ := task.ParseID(ids[title])
				tk, err := repo.Get(ctx, owner, id)
				if err != nil || tk.ReminderArmed() != want {
					t.Errorf("%s: armed %v, %v; want %v", title, tk != nil && tk.ReminderArmed(), err, want)
				}
			}
		})
	}
}

// TestRemindersRowLevelSecurity: as the service's role, the housekeeping
// (no user named) finds every user's due reminders but may change none of
// them, nor read any task; a user changes only their own reminders.
func TestRemindersRowLevelSecurity(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	roles := mustMigratedRoles(t)
	db := sqlstoretest.MustOpen(t, roles.AppURL, sqlstore.Options{MaxOpenConns: 2})
	repo := sqlstore.NewTaskRepository(db)
	alice, bob := porttest.RandomOwner(), porttest.RandomOwner()
	past := time.Now().Add(-time.Minute)
	porttest.MustCreateReminding(t, repo, alice, "alice's", past)
	porttest.MustCreateReminding(t, repo, bob, "bob's", past)

	if refs, err := repo.DueReminders(ctx, time.Now(), 10); err != nil || len(refs) != 2 {
		t.Fatalf("DueReminders = %+v, %v; want both users' reminders", refs, err)
	}
	if got, err := db.ReadAs(ctx, "", everyTask); err != nil || len(got) != 0 {
		t.Fatalf("the housekeeping read %d tasks, %v; want none", len(got), err)
	}
	for actor, want := range map[identity.UserID]int64{"": 0, alice: 1} {
		var changed, deleted int64
		err := db.AtomicAs(ctx, actor, func(tx sqlstore.Tx) error {
			if err := tx.Exec(ctx, &changed, "UPDATE reminders SET remind_at = remind_at"); err != nil {
				return err
			}
			return tx.Exec(ctx, &deleted, "DELETE FROM reminders WHERE remind_at > now()")
		})
		if err != nil || changed != want || deleted != 0 {
			t.Errorf("acting for %q: updated %d reminders, %v; want %d", actor, changed, err, want)
		}
	}
	var n int64
	err := db.AtomicAs(ctx, "", func(tx sqlstore.Tx) error {
		return tx.Exec(ctx, &n, "INSERT INTO reminders (task_id, user_id, remind_at) VALUES ($1::uuid, $2::text, now())",
			porttest.RandomID().String(), string(alice))
	})
	wantPolicyError(t, "the housekeeping writing a reminder", err)
}

// TestDueRemindersPlan: the look every replica makes every second reads
// the reminders through their index on remind_at, in its order, never the
// whole table, among 20,000 armed reminders of which few are due.
func TestDueRemindersPlan(t *testing.T) {
	t.Parallel()
	t.Run("postgres", func(t *testing.T) {
		t.Parallel()
		bound := sqlstoretest.MustCreateRole(t, "NOLOGIN")
		databaseURL := sqlstoretest.MustCreatePostgresDB(t)
		sqlstoretest.MustMigrate(t, sqlstoretest.MustOpen(t, databaseURL, sqlstore.Options{MaxOpenConns: 2}))
		raw := mustRaw(t, "pgx", databaseURL)
		if _, err := raw.Exec(`INSERT INTO tasks (id, user_id, title, created_at, updated_at, remind_at, reminder_armed)
			SELECT gen_random_uuid(), 'user-' || (i % 400), 'Task ' || i, now(), now(), now() + (i - 50) * interval '1 minute', true
			FROM generate_series(1, 20000) AS i;
			INSERT INTO reminders (task_id, user_id, remind_at) SELECT id, user_id, remind_at FROM tasks;
			ANALYZE;
			GRANT SELECT ON reminders TO ` + bound); err != nil {
			t.Fatalf("seed: %v", err)
		}
		for _, policies := range []bool{false, true} {
			q := plannedQuery{name: "due reminders", sql: sqlstore.DueRemindersStatement(sqlstore.Postgres), args: []any{time.Now(), 200}}
			plan := housekeepingPlan(t, raw, q, bound, policies)
			if !strings.Contains(plan, `"Index Name": "reminders_remind_at_idx"`) || strings.Contains(plan, "Seq Scan") ||
				strings.Contains(plan, `"Node Type": "Sort"`) {
				t.Errorf("policies %v: %s; want reminders_remind_at_idx in order, no Seq Scan, no Sort", policies, plan)
			}
		}
	})
	t.Run("sqlite", func(t *testing.T) {
		t.Parallel()
		databaseURL := sqlstoretest.SQLiteURL(t)
		sqlstoretest.MustMigrate(t, sqlstoretest.MustOpen(t, databaseURL, sqlstore.Options{}))
		_, dsn, _ := sqlstore.ParseURL(databaseURL)
		raw := mustRaw(t, "sqlite", dsn)
		q := plannedQuery{name: "due reminders", sql: sqlstore.DueRemindersStatement(sqlstore.SQLite),
			args: []any{time.Now().UTC().Format("2006-01-02T15:04:05.000000Z"), 200}}
		if got := sqlitePlan(t, raw, q); !strings.Contains(got, "SEARCH reminders USING INDEX reminders_remind_at_idx") ||
			strings.Contains(got, "TEMP B-TREE") {
			t.Errorf("plan %q; want a SEARCH of reminders using reminders_remind_at_idx, in its order", got)
		}
	})
}

// housekeepingPlan returns the JSON plan of q: as the superuser raw
// connects as, or, with policies, as role in a transaction of the
// housekeeping's, as the store's engine sets it up.
func housekeepingPlan(t *testing.T, raw *sql.DB, q plannedQuery, role string, policies bool) string {
	t.Helper()
	return planActing(t, raw, q, role, policies, actingHousekeeping)
}
