package task_test

import (
	"testing"
	"time"

	"github.com/todoapi/todo/core/task"
)

// The instants of the reminder tests: the task is made at t0, its
// reminder is at remind, and "later" is past it.
var (
	t0     = time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	remind = t0.Add(time.Hour)
	later  = remind.Add(time.Minute)
)

func stamp(t time.Time) string { return t.Format(time.RFC3339Nano) }

// reminderStep is one thing done to a task in a reminder test.
type reminderStep struct {
	name string
	do   func(tk *task.Task) error
}

func apply(p task.Patch, at time.Time) reminderStep {
	return reminderStep{"apply", func(tk *task.Task) error { return tk.Apply(p, at) }}
}

func complete(done bool, at time.Time) reminderStep {
	return reminderStep{"complete", func(tk *task.Task) error { tk.SetCompleted(done, at); return nil }}
}

func fire(at time.Time) reminderStep {
	return reminderStep{"fire", func(tk *task.Task) error { tk.FireReminder(at); return nil }}
}

func restore(at time.Time) reminderStep {
	return reminderStep{"restore", func(tk *task.Task) error { tk.Restore(at); return nil }}
}

func TestReminderArming(t *testing.T) {
	withReminder := task.Patch{Title: task.Set("call"), RemindAt: task.Set(stamp(remind))}
	tests := []struct {
		name   string
		create task.Patch
		steps  []reminderStep
		armed  bool
	}{
		{"no reminder: nothing armed", task.Patch{Title: task.Set("call")}, nil, false},
		{"armed on create", withReminder, nil, true},
		{"created completed: not armed",
			task.Patch{Title: task.Set("call"), RemindAt: task.Set(stamp(remind)), Completed: task.Set(true)}, nil, false},
		{"armed when set later", task.Patch{Title: task.Set("call")},
			[]reminderStep{apply(task.Patch{RemindAt: task.Set(stamp(remind))}, t0)}, true},
		{"armed when set in the past (fires at once)", task.Patch{Title: task.Set("call")},
			[]reminderStep{apply(task.Patch{RemindAt: task.Set(stamp(t0.Add(-time.Hour)))}, t0)}, true},
		{"fired: disarmed", withReminder, []reminderStep{fire(later)}, false},
		{"not fired before its time", withReminder, []reminderStep{fire(remind.Add(-time.Microsecond))}, true},
		{"re-armed when changed after firing", withReminder,
			[]reminderStep{fire(later), apply(task.Patch{RemindAt: task.Set(stamp(later.Add(time.Hour)))}, later)}, true},
		{"the same instant again re-arms nothing", withReminder,
			[]reminderStep{fire(later), apply(task.Patch{RemindAt: task.Set(stamp(remind))}, later)}, false},
		{"other fields changing re-arm nothing", withReminder,
			[]reminderStep{fire(later), apply(task.Patch{Title: task.Set("call back")}, later)}, false},
		{"cleared: disarmed", withReminder, []reminderStep{apply(task.Patch{RemindAt: task.Null[string]()}, t0)}, false},
		{"cancelled by completing", withReminder, []reminderStep{complete(true, t0)}, false},
		{"cancelled by toggling", withReminder,
			[]reminderStep{{"toggle", func(tk *task.Task) error { tk.Toggle(t0); return nil }}}, false},
		{"completing and moving it at once: not armed", withReminder,
			[]reminderStep{apply(task.Patch{Completed: task.Set(true), RemindAt: task.Set(stamp(later))}, t0)}, false},
		{"moved while completed: not armed", withReminder,
			[]reminderStep{complete(true, t0), apply(task.Patch{RemindAt: task.Set(stamp(later))}, t0)}, false},
		{"un-completed before its time: armed again", withReminder,
			[]reminderStep{complete(true, t0), complete(false, t0.Add(time.Minute))}, true},
		{"un-completed after its time: stays missed", withReminder,
			[]reminderStep{complete(true, t0), complete(false, later)}, false},
		{"un-completed and moved at once: armed", withReminder,
			[]reminderStep{complete(true, t0), apply(task.Patch{Completed: task.Set(false), RemindAt: task.Set(stamp(t0))}, later)}, true},
		{"restored before its time: armed again", withReminder, []reminderStep{restore(t0.Add(time.Minute))}, true},
		{"restored after its time: stays missed", withReminder, []reminderStep{restore(later)}, false},
		{"restored after firing: stays fired", withReminder, []reminderStep{fire(later), restore(later)}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tk, err := task.NewFromPatch(someID, "alice", tt.create, t0)
			if err != nil {
				t.Fatal(err)
			}
			for _, s := range tt.steps {
				if err := s.do(tk); err != nil {
					t.Fatalf("%s: %v", s.name, err)
				}
			}
			if got := tk.ReminderArmed(); got != tt.armed {
				t.Fatalf("armed = %v, want %v", got, tt.armed)
			}
			// A store keeps it; a task read back is armed as it was.
			if got := task.FromSnapshot(tk.Snapshot()).ReminderArmed(); got != tt.armed {
				t.Fatalf("armed after a snapshot's round trip = %v, want %v", got, tt.armed)
			}
		})
	}
}

func TestFireReminder(t *testing.T) {
	tk, err := task.NewFromPatch(someID, "alice", task.Patch{Title: task.Set("call"), RemindAt: task.Set(stamp(remind))}, t0)
	if err != nil {
		t.Fatal(err)
	}
	before := tk.Snapshot()
	if tk.ReminderDue(remind.Add(-time.Microsecond)) || tk.FireReminder(remind.Add(-time.Microsecond)) {
		t.Fatal("a reminder fired before its time")
	}
	if !tk.ReminderDue(remind) || !tk.FireReminder(remind) {
		t.Fatal("a reminder did not fire at its time")
	}
	if tk.FireReminder(later) || tk.ReminderDue(later) {
		t.Fatal("a reminder fired twice")
	}
	after := tk.Snapshot()
	if after.Version != before.Version || !after.UpdatedAt.Equal(before.UpdatedAt) {
		t.Fatalf("firing moved version %d -> %d, updated_at %v -> %v; want neither moved",
			before.Version, after.Version, before.UpdatedAt, after.UpdatedAt)
	}

	c := task.Reminded(tk, later)
	if c.Op != task.ChangeReminder || c.Op.String() != "reminder" || c.Op.Tombstone() || c.Task == nil ||
		c.TaskID != tk.ID() || !c.At.Equal(later) {
		t.Fatalf("Reminded = %+v; want op reminder carrying the task, at the firing", c)
	}
	if op, ok := task.ParseChangeOp("reminder"); !ok || op != task.ChangeReminder {
		t.Fatalf(`ParseChangeOp("reminder") = %v, %v`, op, ok)
	}
}

// A recurring task's next occurrence carries the reminder moved on by one
// period, armed; the completed task's is cancelled.
func TestRecurrenceArmsTheNextReminder(t *testing.T) {
	tk, err := task.NewFromPatch(someID, "alice", task.Patch{Title: task.Set("standup"), Due: task.Set("2026-12-01T10:00:00Z"),
		RemindAt: task.Set(stamp(t0.Add(45 * time.Minute))), Recurrence: task.Set("daily")}, t0)
	if err != nil {
		t.Fatal(err)
	}
	tk.FireReminder(later)
	tk.SetCompleted(true, later)
	next := tk.Recur(task.ID{1}, later)
	if next == nil {
		t.Fatal("no next occurrence")
	}
	at, ok := next.RemindAt()
	if want := t0.Add(24*time.Hour + 45*time.Minute); !ok || !at.Equal(want) {
		t.Fatalf("next remind_at = %v, %v; want %v", at, ok, want)
	}
	if !next.ReminderArmed() || tk.ReminderArmed() {
		t.Fatalf("armed: next %v, completed %v; want true, false", next.ReminderArmed(), tk.ReminderArmed())
	}
}
