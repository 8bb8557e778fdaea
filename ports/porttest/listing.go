package porttest

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/todoapi/todo/core/task"
	"github.com/todoapi/todo/ports"
)

// testRoundTripPlan stores every plan field, completion and a next
// occurrence, and reads them back through Get and List.
func testRoundTripPlan(t *testing.T, r ports.TaskRepository) {
	ctx := context.Background()
	owner := RandomOwner()
	remind := base.Add(48 * time.Hour).Truncate(task.Precision)
	plans := []task.Plan{
		{Priority: task.PriorityUrgent, Tags: []string{"Home", "ünïcode", "a b"}, Due: task.DueOn(2026, 2, 28),
			RemindAt: &remind, Recurrence: task.RecurrenceMonthly},
		{Priority: task.PriorityLow, Due: task.DueAt(base.Add(72 * time.Hour)), Recurrence: task.RecurrenceYearly},
		{},
	}
	var created []*task.Task
	for i, pl := range plans {
		tk, err := task.New(RandomID(), owner, task.Draft{Title: fmt.Sprint("planned ", i), Plan: pl}, base.Add(time.Duration(i)*time.Second))
		if err != nil {
			t.Fatalf("plan %d: %v", i, err)
		}
		if err := Create(ctx, r, tk); err != nil {
			t.Fatalf("plan %d: Create: %v", i, err)
		}
		created = append(created, tk)
	}
	// Complete the first: completed_at and its next occurrence are stored.
	var next *task.Task
	done, err := Update(ctx, r, owner, created[0].ID(), func(tk *task.Task) error {
		tk.SetCompleted(true, base.Add(time.Hour))
		next = tk.Recur(RandomID(), base.Add(time.Hour))
		return nil
	})
	if err != nil {
		t.Fatalf("Update: %v", err)
	}
	if next == nil || done.CompletedAt() == nil {
		t.Fatal("completing a recurring task made no occurrence")
	}
	if err := Create(ctx, r, next); err != nil {
		t.Fatalf("Create next: %v", err)
	}
	created[0] = done
	created = append(created, next)
	for _, want := range created {
		got, err := r.Get(ctx, owner, want.ID())
		if err != nil {
			t.Fatalf("Get: %v", err)
		}
		assertSame(t, got, want)
	}
	list, err := ListAll(ctx, r, owner)
	if err != nil || len(list) != len(created) {
		t.Fatalf("List = %d tasks, %v", len(list), err)
	}
	for _, got := range list {
		i := slices.IndexFunc(created, func(c *task.Task) bool { return c.ID() == got.ID() })
		if i < 0 {
			t.Fatalf("List returned a task never created")
		}
		assertSame(t, got, created[i])
	}
}

// testListQueries lists one owner's varied tasks with many queries and
// holds each store to the answer the core's own Query.Matches and
// Query.Compare give, page by page, by cursor and by offset.
func testListQueries(t *testing.T, r ports.TaskRepository) {
	ctx := context.Background()
	owner := RandomOwner()
	now := base.Add(10 * 24 * time.Hour)
	desc := "Buy MILK and bread"
	type spec struct {
		title     string
		desc      *string
		completed bool
		plan      task.Plan
	}
	specs := []spec{
		{"Milk run", nil, false, task.Plan{Priority: task.PriorityHigh, Tags: []string{"Home", "errand"}, Due: task.DueOn(2026, 12, 1)}},
		{"bread", &desc, true, task.Plan{Priority: task.PriorityLow, Tags: []string{"home"}, Due: task.DueAt(base.Add(24 * time.Hour))}},
		{"Ärger", nil, false, task.Plan{Priority: task.PriorityUrgent, Tags: []string{"Work"}}},
		{"apple", nil, false, task.Plan{Due: task.DueOn(2026, 11, 20)}},
		{"zebra", nil, true, task.Plan{Priority: task.PriorityUrgent, Tags: []string{"work", "home"}, Due: task.DueOn(2026, 11, 20)}},
		{"Milk", nil, false, task.Plan{Priority: task.PriorityHigh}},
		{"same title", nil, false, task.Plan{Due: task.DueAt(base.Add(20 * 24 * time.Hour))}},
		{"same title", nil, false, task.Plan{Due: task.DueAt(base.Add(20 * 24 * time.Hour))}},
	}
	var all []*task.Task
	for i, sp := range specs {
		at := base.Add(time.Duration(i/2) * time.Minute) // pairs share created_at
		tk, err := task.New(RandomID(), owner, task.Draft{Title: sp.title, Description: sp.desc, Completed: sp.completed, Plan: sp.plan}, at)
		if err != nil {
			t.Fatalf("spec %d: %v", i, err)
		}
		if err := Create(ctx, r, tk); err != nil {
			t.Fatalf("spec %d: Create: %v", i, err)
		}
		all = append(all, tk)
	}
	MustCreate(t, r, RandomOwner(), "Milk for someone else", base)

	from, to := base, base.Add(30*24*time.Hour)
	queries := []task.Query{
		{},
		{Status: task.StatusPending},
		{Status: task.StatusCompleted},
		{Priorities: []task.Priority{task.PriorityHigh, task.PriorityUrgent}},
		{Tags: []string{"home"}},
		{Tags: []string{"home", "work"}},
		{Search: "milk"},
		{Search: "ÄRG"},
		{Search: "100%_"},
		{DueFrom: &from},
		{DueTo: &to, DueFrom: &from},
		{Overdue: true, Now: now},
		{Status: task.StatusPending, Priorities: []task.Priority{task.PriorityHigh}, Tags: []string{"HOME"}},
	}
	for _, f := range []task.SortField{task.SortCreated, task.SortUpdated, task.SortTitle, task.SortDueDate, task.SortPriority} {
		for _, o := range []task.Order{task.OrderDefault, task.OrderAsc, task.OrderDesc} {
			queries = append(queries, task.Query{Sort: f, Order: o}, task.Query{Sort: f, Order: o, Status: task.StatusPending})
		}
	}
	for qi, q := range queries {
		var want []*task.Task
		for _, tk := range all {
			if q.Matches(tk) {
				want = append(want, tk)
			}
		}
		slices.SortFunc(want, func(a, b *task.Task) int {
			return q.Compare(task.PositionOf(a, q.Sort), task.PositionOf(b, q.Sort))
		})
		name := fmt.Sprintf("query %d (%+v)", qi, q)
		q.Count = true
		page, err := r.List(ctx, owner, q)
		if err != nil {
			t.Fatalf("%s: List: %v", name, err)
		}
		assertOrder(t, name, page.Tasks, want)
		if page.Total != len(want) {
			t.Fatalf("%s: Total = %d, want %d", name, page.Total, len(want))
		}
		q.Count = false
		// Cursor pages of 3, then offset pages of 3.
		var got []*task.Task
		pq := q
		pq.Limit = 3
		for range len(all) + 1 {
			page, err := r.List(ctx, owner, pq)
			if err != nil {
				t.Fatalf("%s: page: %v", name, err)
			}
			got = append(got, page.Tasks...)
			if page.Next == nil {
				break
			}
			pq.After = page.Next
		}
		assertOrder(t, name+" by cursor", got, want)
		got = nil
		for off := 0; off <= len(all); off += 3 {
			pq := q
			pq.Limit, pq.Offset = 3, off
			pq.Count = off == 3
			page, err := r.List(ctx, owner, pq)
			if err != nil {
				t.Fatalf("%s: offset page: %v", name, err)
			}
			if pq.Count && page.Total != len(want) {
				t.Fatalf("%s: Total of a later page = %d, want %d", name, page.Total, len(want))
			}
			got = append(got, page.Tasks...)
		}
		assertOrder(t, name+" by offset", got, want)
	}
}

func assertOrder(t *testing.T, name string, got, want []*task.Task) {
	t.Helper()
	titles := func(ts []*task.Task) (s []string) {
		for _, tk := range ts {
			s = append(s, tk.Title()+"/"+tk.ID().String()[:8])
		}
		return s
	}
	if len(got) != len(want) {
		t.Fatalf("%s: %d tasks %v, want %d %v", name, len(got), titles(got), len(want), titles(want))
	}
	for i := range want {
		if got[i].ID() != want[i].ID() {
			t.Fatalf("%s: order %v, want %v", name, titles(got), titles(want))
		}
		assertSame(t, got[i], want[i])
	}
}
