package sqlstore_test

import (
	"context"
	"fmt"
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
