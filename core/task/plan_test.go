package task_test

import (
	"slices"
	"testing"
	"time"

	"github.com/todoapi/todo/core/task"
)

// The plan's one-field readers say what Plan says, and copy nothing.
func TestPlanReaders(t *testing.T) {
	remind := now.Add(time.Hour).Truncate(task.Precision)
	for _, pl := range []task.Plan{
		{},
		{Priority: task.PriorityUrgent, Tags: []string{"Home", "ünïcode"}, Due: task.DueOn(2026, 2, 28),
			RemindAt: &remind, Recurrence: task.RecurrenceMonthly},
	} {
		tk, err := task.New(someID, "alice", task.Draft{Title: "t", Plan: pl}, now)
		if err != nil {
			t.Fatal(err)
		}
		want := tk.Plan()
		at, ok := tk.RemindAt()
		if tk.Priority() != want.Priority || tk.Due() != want.Due || tk.Recurrence() != want.Recurrence ||
			ok != (want.RemindAt != nil) || ok && !at.Equal(*want.RemindAt) {
			t.Fatalf("readers disagree with Plan %+v", want)
		}
		var tags []string
		for tag := range tk.Tags() {
			tags = append(tags, tag)
		}
		if !slices.Equal(tags, want.Tags) && len(tags)+len(want.Tags) > 0 {
			t.Fatalf("Tags = %q, want %q", tags, want.Tags)
		}
		allocs := testing.AllocsPerRun(100, func() {
			n := 0
			for tag := range tk.Tags() {
				n += len(tag)
			}
			_, _ = tk.RemindAt()
			_ = tk.Due().Time()
			_ = n + tk.Priority().Rank() + int(tk.Recurrence())
		})
		if allocs != 0 {
			t.Errorf("reading the plan field by field allocates %v times", allocs)
		}
	}
}
