package app_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/todoapi/todo/adapters/memory"
	"github.com/todoapi/todo/core/app"
	"github.com/todoapi/todo/core/task"
)

func remindAt(at time.Time) task.Patch {
	return task.Patch{RemindAt: task.Set(at.Format(time.RFC3339Nano))}
}

// mustFire runs a round of FireReminders and returns the titles fired.
func mustFire(t *testing.T, s *app.TaskService, repo *memory.TaskRepository) []string {
	t.Helper()
	fired, err := s.FireReminders(context.Background(), repo)
	if err != nil {
		t.Fatalf("FireReminders: %v", err)
	}
	var out []string
	for _, f := range fired {
		tk, err := s.Get(context.Background(), alice, f.Owner, f.ID.String())
		if err != nil {
			t.Fatal(err)
		}
		if f.At.Before(f.RemindAt) {
			t.Fatalf("%s fired at %v, before its remind_at %v", tk.Title(), f.At, f.RemindAt)
		}
		out = append(out, tk.Title())
	}
	return out
}

// A reminder fires once its time has come, never before, once; it is in
// the feed as a reminder change with the task, whose version did not move.
// Changing remind_at after it fired arms it again; completing or trashing
// first cancels it.
func TestFireReminders(t *testing.T) {
	ctx := context.Background()
	repo := memory.NewTaskRepository()
	c := &clock{now: start}
	s := app.NewTaskService(repo, c, &ids{})
	call, done, binned := MustCreate(t, s, "call"), MustCreate(t, s, "done"), MustCreate(t, s, "binned")
	for _, tk := range []*task.Task{call, done, binned} {
		if _, err := s.Update(ctx, alice, "alice", tk.ID().String(), remindAt(start.Add(time.Minute))); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.SetCompleted(ctx, alice, "alice", done.ID().String(), true); err != nil {
		t.Fatal(err)
	}
	if err := s.Delete(ctx, alice, "alice", binned.ID().String()); err != nil {
		t.Fatal(err)
	}

	c.Advance(time.Minute - time.Microsecond)
	if got := mustFire(t, s, repo); len(got) != 0 {
		t.Fatalf("fired %v a microsecond early", got)
	}
	c.Advance(time.Microsecond)
	if got := mustFire(t, s, repo); fmt.Sprint(got) != "[call]" {
		t.Fatalf("fired %v at remind_at; want [call]", got)
	}
	if got := mustFire(t, s, repo); len(got) != 0 {
		t.Fatalf("fired %v again", got)
	}
	feed := feedOf(t, s)
	if last := feed[len(feed)-1]; last != "reminder call v2" {
		t.Fatalf("last change = %q; want the reminder, with the task at version 2 (firing moves no version)", last)
	}
	got, _ := s.Get(ctx, alice, "alice", call.ID().String())
	if got.Version() != 2 || got.ReminderArmed() {
		t.Fatalf("after firing: version %d, armed %v; want 2, false", got.Version(), got.ReminderArmed())
	}

	// Moved on: armed again, fires again at the new time.
	if _, err := s.Update(ctx, alice, "alice", call.ID().String(), remindAt(c.Now().Add(time.Second))); err != nil {
		t.Fatal(err)
	}
	if got := mustFire(t, s, repo); len(got) != 0 {
		t.Fatalf("fired %v before the new remind_at", got)
	}
	c.Advance(time.Second)
	if got := mustFire(t, s, repo); fmt.Sprint(got) != "[call]" {
		t.Fatalf("after remind_at moved: fired %v; want [call] again", got)
	}
	// A restore after the time passed in the trash fires nothing.
	if _, err := s.Restore(ctx, alice, "alice", binned.ID().String()); err != nil {
		t.Fatal(err)
	}
	if got := mustFire(t, s, repo); len(got) != 0 {
		t.Fatalf("fired %v after a restore past remind_at; want none", got)
	}
}

// Many runners at once, as replicas: each due reminder is recorded once.
func TestFireRemindersOnce(t *testing.T) {
	ctx := context.Background()
	repo := memory.NewTaskRepository()
	c := &clock{now: start}
	s := app.NewTaskService(repo, c, &ids{})
	const n = 50
	for i := range n {
		in := task.Draft{Title: fmt.Sprint("t", i)}.Patch()
		in.RemindAt = remindAt(start.Add(time.Duration(i) * time.Millisecond)).RemindAt
		if _, err := s.Create(ctx, alice, "alice", in); err != nil {
			t.Fatal(err)
		}
	}
	c.Advance(time.Second)
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			if _, err := s.FireReminders(ctx, repo); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	count := map[string]int{}
	for _, line := range feedOf(t, s) {
		count[line]++
	}
	reminders := 0
	for line, k := range count {
		if len(line) > 8 && line[:8] == "reminder" {
			reminders++
			if k != 1 {
				t.Errorf("%q recorded %d times", line, k)
			}
		}
	}
	if reminders != n {
		t.Fatalf("%d reminders recorded, want %d", reminders, n)
	}
}
