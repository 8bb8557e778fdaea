package app_test

import (
	"context"
	"strings"
	"testing"

	"github.com/todoapi/todo/adapters/memory"
	"github.com/todoapi/todo/adapters/system"
	"github.com/todoapi/todo/core/app"
	"github.com/todoapi/todo/core/apperr"
	"github.com/todoapi/todo/core/task"
)

func mustLimited(t *testing.T, limit int) *app.TaskService {
	t.Helper()
	return app.NewTaskService(memory.NewTaskRepository(), &clock{now: start}, &ids{}, app.MaxTasks(limit))
}

// wantLimit checks err is the limit's: ELIMIT, with a message naming it.
func wantLimit(t *testing.T, err error, limit string) {
	t.Helper()
	wantCode(t, err, apperr.ELIMIT)
	if msg := apperr.MessageOf(err); !strings.Contains(msg, " "+limit+" ") {
		t.Fatalf("message %q does not name the limit %s", msg, limit)
	}
}

// A create at the limit is ELIMIT naming the limit and stores nothing;
// another user's tasks do not count; deleting one (to the trash) makes
// room, and restoring it at the limit is ELIMIT too, leaving it in the
// trash.
func TestTaskLimit(t *testing.T) {
	ctx := context.Background()
	s := mustLimited(t, 3)
	var tasks []*task.Task
	for range 3 {
		tasks = append(tasks, MustCreate(t, s, "t"))
	}
	_, err := s.Create(ctx, alice, "alice", task.Draft{Title: "one too many"}.Patch())
	wantLimit(t, err, "3")
	mustCount(t, s, 3)
	if _, err := s.Create(ctx, bob, "bob", task.Draft{Title: "bob's"}.Patch()); err != nil {
		t.Fatalf("bob's create: %v", err)
	}

	id := tasks[0].ID().String()
	if err := s.Delete(ctx, alice, "alice", id); err != nil {
		t.Fatalf("Delete: %v", err)
	}
	MustCreate(t, s, "in the freed slot")
	_, err = s.Restore(ctx, alice, "alice", id)
	wantLimit(t, err, "3")
	trash, _ := s.ListTrash(ctx, alice, "alice", task.TrashQuery{})
	if len(trash.Tasks) != 1 {
		t.Fatalf("the trash holds %d tasks after a refused restore, want 1", len(trash.Tasks))
	}
	if err := s.Purge(ctx, alice, "alice", id); err != nil {
		t.Fatalf("Purge: %v", err)
	}
	_, err = s.Create(ctx, alice, "alice", task.Draft{Title: "purging frees nothing"}.Patch())
	wantLimit(t, err, "3")
}

// The default limit is task.DefaultMaxTasks; MaxTasks(0) sets none.
func TestTaskLimitSettings(t *testing.T) {
	ctx := context.Background()
	s := mustLimited(t, 0)
	for range 5 {
		MustCreate(t, s, "no limit")
	}
	def := app.NewTaskService(memory.NewTaskRepository(), &clock{now: start}, system.IDs{})
	for i := range task.DefaultMaxTasks {
		if _, err := def.Create(ctx, alice, "alice", task.Draft{Title: "t"}.Patch()); err != nil {
			t.Fatalf("create %d: %v", i+1, err)
		}
	}
	_, err := def.Create(ctx, alice, "alice", task.Draft{Title: "t"}.Patch())
	wantLimit(t, err, "10000")
}

// Completing a recurring task at the limit succeeds and makes its next
// occurrence, passing the limit; creates are then refused until the user
// is back under it.
func TestTaskLimitRecurrence(t *testing.T) {
	ctx := context.Background()
	s := mustLimited(t, 2)
	MustCreate(t, s, "plain")
	daily, err := s.Create(ctx, alice, "alice", task.Patch{Title: task.Set("daily"), Recurrence: task.Set("daily")})
	if err != nil {
		t.Fatalf("Create: %v", err)
	}
	done, err := s.SetCompleted(ctx, alice, "alice", daily.ID().String(), true)
	if err != nil || done.NextOccurrence() == nil {
		t.Fatalf("completing at the limit: %v, next %v; want it completed with its next occurrence", err, done)
	}
	mustCount(t, s, 3)
	_, err = s.Create(ctx, alice, "alice", task.Draft{Title: "over"}.Patch())
	wantLimit(t, err, "2")
	if err := s.Delete(ctx, alice, "alice", daily.ID().String()); err != nil {
		t.Fatalf("Delete: %v", err)
	}
	_, err = s.Create(ctx, alice, "alice", task.Draft{Title: "still at the limit"}.Patch())
	wantLimit(t, err, "2")
}

// A keyed create refused by the limit is a failed write: it stores
// nothing under its key, so the same request with the same key, sent
// again once there is room, creates the task (not a replay of the 422).
func TestTaskLimitKeyedCreate(t *testing.T) {
	ctx := context.Background()
	s := mustLimited(t, 1)
	first := MustCreate(t, s, "first")
	in := task.Draft{Title: "second"}.Patch()
	k := keyed("k", "POST second")
	_, err := s.Create(ctx, alice, "alice", in, app.Once(k))
	wantLimit(t, err, "1")
	if k.Replay != nil {
		t.Fatalf("a refused create replayed %q", k.Replay)
	}
	if err := s.Delete(ctx, alice, "alice", first.ID().String()); err != nil {
		t.Fatalf("Delete: %v", err)
	}
	retry := keyed("k", "POST second")
	got, err := s.Create(ctx, alice, "alice", in, app.Once(retry))
	if err != nil || retry.Replay != nil || got == nil || got.Title() != "second" {
		t.Fatalf("the retry with room: %v, %v, replay %q; want the task created", got, err, retry.Replay)
	}
}
