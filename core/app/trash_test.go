package app_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/todoapi/todo/adapters/memory"
	"github.com/todoapi/todo/core/app"
	"github.com/todoapi/todo/core/apperr"
	"github.com/todoapi/todo/core/task"
)

// feedOf reads alice's whole feed from the start and names each change
// "op title" ("op id" for a tombstone).
func feedOf(t *testing.T, s *app.TaskService) []string {
	t.Helper()
	page, err := s.Changes(context.Background(), alice, "alice", nil, task.MaxChangeLimit)
	if err != nil {
		t.Fatalf("Changes: %v", err)
	}
	var out []string
	for _, c := range page.Changes {
		if c.Task != nil {
			out = append(out, fmt.Sprintf("%s %s v%d", c.Op, c.Task.Title(), c.Task.Version()))
		} else {
			out = append(out, fmt.Sprintf("%s %s", c.Op, c.TaskID))
		}
	}
	return out
}

// TestEveryChangeIsInTheFeed makes one change of every kind through the use
// cases; each is in the feed, in order, with the task as it left it.
func TestEveryChangeIsInTheFeed(t *testing.T) {
	ctx := context.Background()
	s, c := MustService(t)
	tk := MustCreate(t, s, "first")
	id := tk.ID().String()
	steps := []func() error{
		func() error {
			_, err := s.Update(ctx, alice, "alice", id, task.Patch{Title: task.Set("renamed")})
			return err
		},
		func() error {
			_, err := s.Update(ctx, alice, "alice", id, task.Patch{Title: task.Set("renamed")})
			return err
		}, // no change
		func() error { _, err := s.Toggle(ctx, alice, "alice", id); return err },
		func() error { _, err := s.SetCompleted(ctx, alice, "alice", id, false); return err },
		func() error { _, err := s.SetCompleted(ctx, alice, "alice", id, false); return err }, // no change
		func() error { return s.Delete(ctx, alice, "alice", id) },
		func() error { _, err := s.Restore(ctx, alice, "alice", id); return err },
		func() error { return s.Delete(ctx, alice, "alice", id) },
		func() error { return s.Purge(ctx, alice, "alice", id) },
	}
	for i, step := range steps {
		c.Advance(time.Second)
		if err := step(); err != nil {
			t.Fatalf("step %d: %v", i, err)
		}
	}
	// A recurring task completed: its next occurrence is created first.
	rec, err := s.Create(ctx, alice, "alice", task.Patch{Title: task.Set("weekly"), Recurrence: task.Set("weekly")})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.SetCompleted(ctx, alice, "alice", rec.ID().String(), true); err != nil {
		t.Fatal(err)
	}
	want := []string{"created first v1", "updated renamed v2", "updated renamed v3", "updated renamed v4",
		"deleted " + id, "restored renamed v5", "deleted " + id, "purged " + id,
		"created weekly v1", "created weekly v1", "updated weekly v2"}
	if got := feedOf(t, s); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("feed:\n%v\nwant:\n%v", got, want)
	}
}

func TestTrashUseCases(t *testing.T) {
	ctx := context.Background()
	s, c := MustService(t)
	tk := MustCreate(t, s, "t")
	id := tk.ID().String()
	c.Advance(time.Minute)
	if err := s.Delete(ctx, alice, "alice", id); err != nil {
		t.Fatal(err)
	}
	trash, err := s.ListTrash(ctx, alice, "alice", task.TrashQuery{})
	if err != nil || len(trash.Tasks) != 1 || !trash.Tasks[0].DeletedAt.Equal(start.Add(time.Minute)) {
		t.Fatalf("ListTrash = %+v, %v", trash, err)
	}
	_, err = s.ListTrash(ctx, bob, "alice", task.TrashQuery{})
	wantCode(t, err, apperr.EFORBIDDEN)
	_, err = s.Restore(ctx, bob, "alice", id)
	wantCode(t, err, apperr.EFORBIDDEN)
	wantCode(t, s.Purge(ctx, bob, "alice", id), apperr.EFORBIDDEN)
	_, err = s.Restore(ctx, bob, "bob", id) // bob's own path, alice's task
	wantCode(t, err, apperr.ENOTFOUND)
	_, err = s.Restore(ctx, alice, "alice", "not-a-uuid")
	wantCode(t, err, apperr.ENOTFOUND)

	c.Advance(time.Minute)
	back, err := s.Restore(ctx, alice, "alice", id)
	if err != nil || back.Version() != 2 || !back.UpdatedAt().Equal(start.Add(2*time.Minute)) {
		t.Fatalf("Restore = %+v, %v; want version 2, updated now", back, err)
	}
	_, err = s.Restore(ctx, alice, "alice", id)
	wantCode(t, err, apperr.ENOTFOUND) // live, not in the trash
	wantCode(t, s.Purge(ctx, alice, "alice", id), apperr.ENOTFOUND)
}

func TestChangesCursor(t *testing.T) {
	ctx := context.Background()
	s, _ := MustService(t)
	empty, err := s.Changes(ctx, alice, "alice", nil, 10)
	if err != nil || len(empty.Changes) != 0 || empty.Next(nil) != (task.FeedPosition{}) {
		t.Fatalf("a new feed = %+v, %v", empty, err)
	}
	// The start of any feed stays readable: a client that listed before
	// the first change syncs from the zero position.
	MustCreate(t, s, "a")
	MustCreate(t, s, "b")
	page, err := s.Changes(ctx, alice, "alice", &task.FeedPosition{}, 1)
	if err != nil || len(page.Changes) != 1 || !page.More || page.Next(nil).Seq != 1 {
		t.Fatalf("from the start, limit 1 = %+v, %v", page, err)
	}
	next := page.Next(nil)
	page, err = s.Changes(ctx, alice, "alice", &next, 10)
	if err != nil || len(page.Changes) != 1 || page.More || page.Next(&next).Seq != 2 {
		t.Fatalf("after the first = %+v, %v", page, err)
	}
	head := page.Next(&next)
	if page, err := s.Changes(ctx, alice, "alice", &head, 10); err != nil || len(page.Changes) != 0 || page.Next(&head) != head {
		t.Fatalf("at the head = %+v, %v; want nothing, and the same position back", page, err)
	}
	for name, since := range map[string]task.FeedPosition{
		"past the head":   {Epoch: head.Epoch, Seq: 3},
		"another epoch":   {Epoch: head.Epoch + 1, Seq: 1},
		"a negative one":  {Epoch: head.Epoch, Seq: -1},
		"another's epoch": {Epoch: 12345, Seq: 2},
	} {
		_, err := s.Changes(ctx, alice, "alice", &since, 10)
		if apperr.CodeOf(err) != apperr.EGONE {
			t.Errorf("%s: %v, want EGONE", name, err)
		}
	}
	for _, limit := range []int{0, -1, task.MaxChangeLimit + 1} {
		_, err := s.Changes(ctx, alice, "alice", nil, limit)
		wantCode(t, err, apperr.EINVALID)
	}
	_, err = s.Changes(ctx, bob, "alice", nil, 10)
	wantCode(t, err, apperr.EFORBIDDEN)
	if page, err := s.Changes(ctx, bob, "bob", nil, 10); err != nil || len(page.Changes) != 0 {
		t.Fatalf("bob's feed = %+v, %v; want empty", page, err)
	}
}

// TestHousekeeping runs the jobs as the server does: a trashed task is
// purged once it has been in the trash longer than the retention, with its
// purged change; changes older than theirs go; a second runner at the same
// moment does nothing.
func TestHousekeeping(t *testing.T) {
	ctx := context.Background()
	repo := memory.NewTaskRepository()
	c := &clock{now: start}
	s := app.NewTaskService(repo, c, &ids{})
	old, young := MustCreate(t, s, "old"), MustCreate(t, s, "young")
	if err := s.Delete(ctx, alice, "alice", old.ID().String()); err != nil {
		t.Fatal(err)
	}
	c.Advance(2 * time.Hour)
	if err := s.Delete(ctx, alice, "alice", young.ID().String()); err != nil {
		t.Fatal(err)
	}
	c.Advance(time.Hour)
	h := app.NewHousekeeping(repo, c, s.PurgeTrashJob(repo, 2*time.Hour+time.Minute), app.PruneChangesJob(repo, 150*time.Minute))
	results := h.RunOnce(ctx, time.Minute)
	if len(results) != 2 || !results[0].Claimed || results[0].Done != 1 || results[0].Err != nil ||
		!results[1].Claimed || results[1].Err != nil || results[1].Done != 3 {
		t.Fatalf("first round = %+v; want the old task purged, and the 3 changes before the cut removed", results)
	}
	trash, _ := s.ListTrash(ctx, alice, "alice", task.TrashQuery{})
	if len(trash.Tasks) != 1 || trash.Tasks[0].Task.ID() != young.ID() {
		t.Fatalf("trash after the purge = %+v; want the young task only", trash.Tasks)
	}
	feed := feedOf(t, s)
	if want := []string{"deleted " + young.ID().String(), "purged " + old.ID().String()}; fmt.Sprint(feed) != fmt.Sprint(want) {
		t.Fatalf("feed after the round = %v, want %v", feed, want)
	}
	for _, r := range app.NewHousekeeping(repo, c, s.PurgeTrashJob(repo, time.Hour), app.PruneChangesJob(repo, time.Hour)).RunOnce(ctx, time.Minute) {
		if r.Claimed || r.Done != 0 {
			t.Fatalf("a second runner in the same period: %+v, want nothing claimed", r)
		}
	}
	// A cursor from before the pruned changes must list again.
	_, err := s.Changes(ctx, alice, "alice", &task.FeedPosition{}, 10)
	wantCode(t, err, apperr.EGONE)
}
