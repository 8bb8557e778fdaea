package sqlstore_test

import (
	"context"
	"fmt"
	"sync"
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

type fixedClock struct{ at time.Time }

func (c fixedClock) Now() time.Time { return c.at }

// replica is one server's view of the database: its own pool, repository
// and use cases.
type replica struct {
	repo *sqlstore.TaskRepository
	svc  *app.TaskService
}

func newReplica(t *testing.T, databaseURL string, now time.Time) replica {
	t.Helper()
	repo := sqlstore.NewTaskRepository(sqlstoretest.MustOpen(t, databaseURL, sqlstore.Options{MaxOpenConns: 4}))
	return replica{repo: repo, svc: app.NewTaskService(repo, fixedClock{now}, system.IDs{})}
}

// mustTrashed creates tasks for several owners and deletes them at
// deletedAt; it returns them by owner.
func mustTrashed(t *testing.T, r replica, deletedAt time.Time, owners, each int) map[identity.UserID][]task.ID {
	t.Helper()
	ctx := context.Background()
	out := map[identity.UserID][]task.ID{}
	for range owners {
		owner := porttest.RandomOwner()
		for i := range each {
			tk, _ := task.New(porttest.RandomID(), owner, task.Draft{Title: fmt.Sprint("trashed ", i)}, deletedAt)
			if err := porttest.CreateRecorded(ctx, r.repo, tk); err != nil {
				t.Fatal(err)
			}
			if err := porttest.MoveToTrash(ctx, r.repo, owner, tk.ID(), deletedAt); err != nil {
				t.Fatal(err)
			}
			out[owner] = append(out[owner], tk.ID())
		}
	}
	return out
}

// mustPurgedOnce checks that every task is gone from its owner's trash and
// has exactly one purged change.
func mustPurgedOnce(t *testing.T, r replica, trashed map[identity.UserID][]task.ID) {
	t.Helper()
	for owner, ids := range trashed {
		if page, err := r.repo.ListTrash(context.Background(), owner, task.TrashQuery{}); err != nil || len(page.Tasks) != 0 {
			t.Fatalf("%s's trash after the purge: %d tasks, %v", owner, len(page.Tasks), err)
		}
		purged := map[task.ID]int{}
		for _, c := range porttest.MustChanges(t, r.repo, owner, 0, 1000) {
			if c.Op == task.ChangePurged {
				purged[c.TaskID]++
			}
		}
		for _, id := range ids {
			if purged[id] != 1 {
				t.Fatalf("task %s has %d purged changes, want 1", id, purged[id])
			}
		}
	}
}

// TestHousekeepingActsOnce runs the housekeeping of two replicas (two
// pools on one database) at the same moment, as two servers do: each job
// is claimed by one of them, and every old trashed task is purged once,
// with one purged change. Then the trash purge runs in both at once
// without the claim (a round that outlasted its period): the row locks
// alone still purge each task once.
func TestHousekeepingActsOnce(t *testing.T) {
	t.Parallel()
	for _, tg := range targets {
		t.Run(tg.name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			databaseURL, _ := tg.freshURL(t)
			sqlstoretest.MustMigrate(t, sqlstoretest.MustOpen(t, databaseURL, sqlstore.Options{MaxOpenConns: 2}))
			deleted := time.Date(2026, 10, 1, 12, 0, 0, 0, time.UTC)
			now := deleted.Add(31 * 24 * time.Hour)
			a, b := newReplica(t, databaseURL, now), newReplica(t, databaseURL, now)

			trashed := mustTrashed(t, a, deleted, 6, 5)
			kept := mustTrashed(t, a, now.Add(-time.Hour), 1, 2) // deleted an hour ago: stays
			var mu sync.Mutex
			var results []app.Result
			testkit.AllAtOnce(2, func(i int) {
				r := []replica{a, b}[i]
				h := app.NewHousekeeping(r.repo, fixedClock{now}, r.svc.PurgeTrashJob(r.repo, 720*time.Hour),
					app.PruneChangesJob(r.repo, 720*time.Hour))
				res := h.RunOnce(ctx, time.Minute)
				mu.Lock()
				results = append(results, res...)
				mu.Unlock()
			})
			claimed, purged := map[string]int{}, 0
			for _, r := range results {
				if r.Err != nil {
					t.Fatalf("%s: %v", r.Job, r.Err)
				}
				if r.Claimed {
					claimed[r.Job]++
				}
				if r.Job == "trash purge" {
					purged += r.Done
				}
			}
			if claimed["trash purge"] != 1 || claimed["change retention"] != 1 || purged != 30 {
				t.Fatalf("claims %v, %d purged; want each job claimed once and the 30 old tasks purged", claimed, purged)
			}
			mustPurgedOnce(t, b, trashed)
			for owner, ids := range kept {
				if page, _ := b.repo.ListTrash(ctx, owner, task.TrashQuery{}); len(page.Tasks) != len(ids) {
					t.Fatalf("a task deleted an hour ago was purged")
				}
			}

			// Without the claim: both replicas purge the same tasks at once.
			trashed = mustTrashed(t, a, deleted, 6, 5)
			done := make(chan int, 2)
			testkit.AllAtOnce(2, func(i int) {
				r := []replica{a, b}[i]
				n, err := r.svc.PurgeTrashJob(r.repo, 720*time.Hour).Run(ctx, now)
				if err != nil {
					t.Errorf("purge: %v", err)
				}
				done <- n
			})
			if n := <-done + <-done; n != 30 {
				t.Fatalf("the two replicas purged %d tasks together, want 30", n)
			}
			mustPurgedOnce(t, a, trashed)
		})
	}
}
