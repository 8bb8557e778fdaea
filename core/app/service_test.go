package app_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/todoapi/todo/adapters/memory"
	"github.com/todoapi/todo/core/app"
	"github.com/todoapi/todo/core/apperr"
	"github.com/todoapi/todo/core/identity"
	"github.com/todoapi/todo/core/task"
)

// clock is a ports.Clock that moves only when told to.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

// ids is a ports.IDs that counts, so ids are predictable.
type ids struct {
	mu sync.Mutex
	n  byte
}

func (g *ids) NewID() task.ID {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.n++
	return task.ID{0x01, 0x93, 6: 0x70, 8: 0x80, 15: g.n}
}

var (
	alice = identity.Principal{UserID: "alice"}
	bob   = identity.Principal{UserID: "bob"}
	start = time.Date(2026, 11, 25, 19, 40, 0, 0, time.UTC)
)

func MustService(t *testing.T) (*app.TaskService, *clock) {
	t.Helper()
	c := &clock{now: start}
	return app.NewTaskService(memory.NewTaskRepository(), c, &ids{}), c
}

func MustCreate(t *testing.T, s *app.TaskService, title string) *task.Task {
	t.Helper()
	tk, err := s.Create(context.Background(), alice, alice.UserID, task.Draft{Title: title}.Patch())
	if err != nil {
		t.Fatalf("Create: %v", err)
	}
	return tk
}

func wantCode(t *testing.T, err error, code apperr.Code) {
	t.Helper()
	if got := apperr.CodeOf(err); got != code {
		t.Fatalf("err = %v (code %q), want %q", err, got, code)
	}
}

func TestCreate(t *testing.T) {
	ctx := context.Background()
	t.Run("OK", func(t *testing.T) {
		s, _ := MustService(t)
		tk, err := s.Create(ctx, alice, "alice", task.Draft{Title: "  Buy milk  "}.Patch())
		if err != nil {
			t.Fatal(err)
		}
		want := task.ID{0x01, 0x93, 6: 0x70, 8: 0x80, 15: 1}
		if tk.ID() != want || tk.Owner() != "alice" || tk.Title() != "Buy milk" || !tk.CreatedAt().Equal(start) {
			t.Fatalf("created %+v", tk.Snapshot())
		}
		got, err := s.Get(ctx, alice, "alice", tk.ID().String())
		if err != nil || got.Title() != "Buy milk" {
			t.Fatalf("Get after Create: %v, %v", got, err)
		}
	})
	t.Run("ErrForbidden", func(t *testing.T) {
		s, _ := MustService(t)
		_, err := s.Create(ctx, bob, "alice", task.Draft{Title: "sneaky"}.Patch())
		wantCode(t, err, apperr.EFORBIDDEN)
		page, _ := s.List(ctx, alice, "alice", task.Query{})
		if len(page.Tasks) != 0 {
			t.Fatalf("a forbidden Create stored a task: %d tasks", len(page.Tasks))
		}
	})
	t.Run("ErrInvalid", func(t *testing.T) {
		s, _ := MustService(t)
		_, err := s.Create(ctx, alice, "alice", task.Draft{Title: " "}.Patch())
		wantCode(t, err, apperr.EINVALID)
	})
	t.Run("ErrNoIdentity", func(t *testing.T) {
		s, _ := MustService(t)
		_, err := s.Create(ctx, identity.Principal{}, "", task.Draft{Title: "t"}.Patch())
		wantCode(t, err, apperr.EFORBIDDEN)
	})
}

func TestListNewestFirst(t *testing.T) {
	s, c := MustService(t)
	first := MustCreate(t, s, "first")
	c.Advance(time.Second)
	second := MustCreate(t, s, "second")
	page, err := s.List(context.Background(), alice, "alice", task.Query{})
	list := page.Tasks
	if err != nil || len(list) != 2 || list[0].ID() != second.ID() || list[1].ID() != first.ID() {
		t.Fatalf("List = %v, %v", list, err)
	}
	_, err = s.List(context.Background(), bob, "alice", task.Query{})
	wantCode(t, err, apperr.EFORBIDDEN)
}

// Each use case that takes a task id refuses a stranger with EFORBIDDEN before
// looking at the id, and answers ENOTFOUND alike for an id that is malformed,
// unknown, or another owner's.
func TestTaskUseCases(t *testing.T) {
	ctx := context.Background()
	type call func(s *app.TaskService, actor identity.Principal, owner identity.UserID, id string) error
	calls := map[string]call{
		"Get": func(s *app.TaskService, a identity.Principal, o identity.UserID, id string) error {
			_, err := s.Get(ctx, a, o, id)
			return err
		},
		"Update": func(s *app.TaskService, a identity.Principal, o identity.UserID, id string) error {
			_, err := s.Update(ctx, a, o, id, task.Patch{Title: task.Set("changed")})
			return err
		},
		"Toggle": func(s *app.TaskService, a identity.Principal, o identity.UserID, id string) error {
			_, err := s.Toggle(ctx, a, o, id)
			return err
		},
		"SetCompleted": func(s *app.TaskService, a identity.Principal, o identity.UserID, id string) error {
			_, err := s.SetCompleted(ctx, a, o, id, true)
			return err
		},
		"Delete": func(s *app.TaskService, a identity.Principal, o identity.UserID, id string) error {
			return s.Delete(ctx, a, o, id)
		},
	}
	for name, fn := range calls {
		t.Run(name, func(t *testing.T) {
			s, _ := MustService(t)
			tk := MustCreate(t, s, "alice's")
			id := tk.ID().String()
			wantCode(t, fn(s, bob, "alice", id), apperr.EFORBIDDEN)
			wantCode(t, fn(s, bob, "alice", "not-a-uuid"), apperr.EFORBIDDEN)
			wantCode(t, fn(s, bob, "bob", id), apperr.ENOTFOUND)
			wantCode(t, fn(s, alice, "alice", "not-a-uuid"), apperr.ENOTFOUND)
			wantCode(t, fn(s, alice, "alice", "0193b5c2-6a4e-7c1e-9f7a-2b1f0c9d8e7a"), apperr.ENOTFOUND)
			got, err := s.Get(ctx, alice, "alice", id)
			if err != nil || got.Title() != "alice's" || got.Completed() {
				t.Fatalf("refused calls changed the task: %+v, %v", got, err)
			}
			if err := fn(s, alice, "alice", id); err != nil {
				t.Fatalf("owner's call: %v", err)
			}
		})
	}
}

func TestUpdate(t *testing.T) {
	ctx := context.Background()
	s, c := MustService(t)
	desc := "details"
	tk, _ := s.Create(ctx, alice, "alice", task.Draft{Title: "title", Description: &desc}.Patch())
	c.Advance(time.Minute)
	got, err := s.Update(ctx, alice, "alice", tk.ID().String(), task.Patch{Description: task.Null[string]()})
	if err != nil {
		t.Fatal(err)
	}
	if got.Title() != "title" || got.Description() != nil || !got.UpdatedAt().Equal(start.Add(time.Minute)) {
		t.Fatalf("after clearing description: %+v", got.Snapshot())
	}
	_, err = s.Update(ctx, alice, "alice", tk.ID().String(), task.Patch{Title: task.Null[string]()})
	wantCode(t, err, apperr.EINVALID)
	stored, _ := s.Get(ctx, alice, "alice", tk.ID().String())
	if stored.Title() != "title" {
		t.Fatalf("an invalid patch was stored: %q", stored.Title())
	}
}

func TestToggleAndSetCompleted(t *testing.T) {
	ctx := context.Background()
	s, c := MustService(t)
	id := MustCreate(t, s, "t").ID().String()
	c.Advance(time.Second)
	got, err := s.Toggle(ctx, alice, "alice", id)
	if err != nil || !got.Completed() || !got.UpdatedAt().Equal(start.Add(time.Second)) {
		t.Fatalf("Toggle = %+v, %v", got, err)
	}
	got, err = s.SetCompleted(ctx, alice, "alice", id, true)
	if err != nil || !got.Completed() || !got.UpdatedAt().Equal(start.Add(time.Second)) {
		t.Fatalf("SetCompleted(true) on a completed task = %+v, %v", got, err)
	}
	got, err = s.SetCompleted(ctx, alice, "alice", id, false)
	if err != nil || got.Completed() {
		t.Fatalf("SetCompleted(false) = %+v, %v", got, err)
	}
}

func TestDelete(t *testing.T) {
	ctx := context.Background()
	s, _ := MustService(t)
	id := MustCreate(t, s, "t").ID().String()
	if err := s.Delete(ctx, alice, "alice", id); err != nil {
		t.Fatal(err)
	}
	_, err := s.Get(ctx, alice, "alice", id)
	wantCode(t, err, apperr.ENOTFOUND)
	wantCode(t, s.Delete(ctx, alice, "alice", id), apperr.ENOTFOUND)
}

// TestRecurrence completes a weekly task: the same transaction stores its
// next occurrence, due a week later with its reminder moved as far, and
// completing it again (after reopening it) makes no second one.
func TestRecurrence(t *testing.T) {
	ctx := context.Background()
	s, c := MustService(t)
	in := task.Patch{Title: task.Set("water the plants"), Priority: task.Set("high"), Tags: task.Set([]string{"Home"}),
		Due: task.Set("2026-01-31"), RemindAt: task.Set("2026-01-31T08:00:00Z"), Recurrence: task.Set("monthly")}
	first, err := s.Create(ctx, alice, "alice", in)
	if err != nil {
		t.Fatalf("Create: %v", err)
	}
	c.Advance(time.Hour)
	done, err := s.SetCompleted(ctx, alice, "alice", first.ID().String(), true)
	if err != nil {
		t.Fatalf("SetCompleted: %v", err)
	}
	if done.CompletedAt() == nil || done.NextOccurrence() == nil {
		t.Fatalf("completed task: completed_at %v, next %v", done.CompletedAt(), done.NextOccurrence())
	}
	next, err := s.Get(ctx, alice, "alice", done.NextOccurrence().String())
	if err != nil {
		t.Fatalf("Get next occurrence: %v", err)
	}
	p := next.Plan()
	if next.Completed() || next.Title() != "water the plants" || p.Priority != task.PriorityHigh ||
		len(p.Tags) != 1 || p.Tags[0] != "Home" || p.Recurrence != task.RecurrenceMonthly {
		t.Fatalf("next occurrence = %+v", next.Snapshot())
	}
	if got := p.Due.String(); got != "2026-02-28" {
		t.Errorf("next due = %s, want 2026-02-28 (31 January + 1 month, clamped)", got)
	}
	if got := p.RemindAt.Format(time.RFC3339); got != "2026-02-28T08:00:00Z" {
		t.Errorf("next reminder = %s, want 2026-02-28T08:00:00Z", got)
	}
	page, _ := s.List(ctx, alice, "alice", task.Query{})
	if len(page.Tasks) != 2 {
		t.Fatalf("%d tasks, want the task and its next occurrence", len(page.Tasks))
	}
	// Reopen and complete again: still one occurrence.
	if _, err := s.Toggle(ctx, alice, "alice", first.ID().String()); err != nil {
		t.Fatal(err)
	}
	again, err := s.Toggle(ctx, alice, "alice", first.ID().String())
	if err != nil {
		t.Fatal(err)
	}
	if *again.NextOccurrence() != *done.NextOccurrence() {
		t.Errorf("completing again changed the next occurrence")
	}
	if page, _ := s.List(ctx, alice, "alice", task.Query{}); len(page.Tasks) != 2 {
		t.Fatalf("%d tasks after completing twice, want 2", len(page.Tasks))
	}
}

// TestListOverdueByTheClock: overdue is decided by the service's clock,
// not by a Now the caller passes.
func TestListOverdueByTheClock(t *testing.T) {
	ctx := context.Background()
	s, c := MustService(t)
	in := task.Draft{Title: "pay rent"}.Patch()
	in.Due = task.Set("2026-11-26") // due until the end of 26 November, UTC
	if _, err := s.Create(ctx, alice, "alice", in); err != nil {
		t.Fatal(err)
	}
	overdue := func() int {
		t.Helper()
		page, err := s.List(ctx, alice, "alice", task.Query{Overdue: true, Now: start.AddDate(1, 0, 0)})
		if err != nil {
			t.Fatal(err)
		}
		return len(page.Tasks)
	}
	if n := overdue(); n != 0 {
		t.Fatalf("%d overdue tasks before the deadline, want 0 (the caller's Now must not count)", n)
	}
	c.Advance(28*time.Hour + 20*time.Minute - time.Microsecond) // the day's last microsecond
	if n := overdue(); n != 0 {
		t.Fatalf("%d overdue tasks on the due day, want 0", n)
	}
	c.Advance(time.Microsecond) // 27 November, 00:00 UTC
	if n := overdue(); n != 1 {
		t.Fatalf("%d overdue tasks after the deadline, want 1", n)
	}
}
