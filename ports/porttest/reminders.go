package porttest

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/todoapi/todo/core/apperr"
	"github.com/todoapi/todo/core/identity"
	"github.com/todoapi/todo/core/task"
	"github.com/todoapi/todo/internal/testkit"
	"github.com/todoapi/todo/ports"
)

// The reminder tests' reminders fall in years of their own, so each finds
// only its own among every other test's (whose tasks remind around base).
var (
	dueRemindersYear = time.Date(1984, 1, 1, 0, 0, 0, 0, time.UTC)
	fireRaceYear     = time.Date(1985, 1, 1, 0, 0, 0, 0, time.UTC)
)

// MustCreateReminding stores a new task of owner with a reminder at at,
// and its created change, and returns it.
func MustCreateReminding(t testing.TB, r ports.TaskRepository, owner identity.UserID, title string, at time.Time) *task.Task {
	t.Helper()
	tk, err := task.NewFromPatch(RandomID(), owner, task.Patch{Title: task.Set(title), RemindAt: task.Set(at.Format(time.RFC3339Nano))}, base)
	if err != nil {
		t.Fatalf("task.NewFromPatch: %v", err)
	}
	if err := CreateRecorded(context.Background(), r, tk); err != nil {
		t.Fatalf("Create: %v", err)
	}
	return tk
}

// FireReminder fires the owner's task's reminder as the use case does: it
// reads the task again in a transaction acting for the owner, and when the
// reminder is still armed and due at now, saves it disarmed and records the
// reminder change. It reports whether it fired.
func FireReminder(ctx context.Context, r ports.TaskRepository, owner identity.UserID, id task.ID, now time.Time) (bool, error) {
	fired := false
	err := r.Atomic(ctx, owner, func(tx ports.TaskTx) error {
		t, err := tx.Get(ctx, id)
		if err != nil || !t.FireReminder(now) {
			return err
		}
		if err := tx.Save(ctx, t); err != nil {
			return err
		}
		fired = true
		return tx.Record(ctx, task.Reminded(t, now))
	})
	return fired && err == nil, err
}

// ours keeps the refs of the ids given, in the order found.
func ours(refs []task.ReminderRef, ids ...task.ID) []task.ReminderRef {
	var out []task.ReminderRef
	for _, ref := range refs {
		if slices.Contains(ids, ref.ID) {
			out = append(out, ref)
		}
	}
	return out
}

// testDueReminders finds the armed reminders of every owner due at a
// time, the earliest first; none of a completed, trashed or fired task,
// nor one still ahead. The armed state is kept: a task read back is armed
// as it was stored, and changing remind_at after firing arms it again.
func testDueReminders(t *testing.T, r ports.TaskRepository) {
	ctx := context.Background()
	h := housekeeper(t, r)
	y := dueRemindersYear
	a := MustCreateReminding(t, r, RandomOwner(), "a", y.Add(time.Hour))
	b := MustCreateReminding(t, r, RandomOwner(), "b", y.Add(30*time.Minute))
	done := MustCreateReminding(t, r, RandomOwner(), "done", y.Add(45*time.Minute))
	binned := MustCreateReminding(t, r, RandomOwner(), "binned", y.Add(50*time.Minute))
	ahead := MustCreateReminding(t, r, RandomOwner(), "ahead", y.Add(3*time.Hour))
	fired := MustCreateReminding(t, r, RandomOwner(), "fired", y.Add(40*time.Minute))
	all := []task.ID{a.ID(), b.ID(), done.ID(), binned.ID(), ahead.ID(), fired.ID()}

	if _, err := UpdateRecorded(ctx, r, done.Owner(), done.ID(), func(tk *task.Task) { tk.SetCompleted(true, base) }); err != nil {
		t.Fatalf("complete: %v", err)
	}
	if err := MoveToTrash(ctx, r, binned.Owner(), binned.ID(), base); err != nil {
		t.Fatalf("Trash: %v", err)
	}
	if ok, err := FireReminder(ctx, r, fired.Owner(), fired.ID(), y.Add(time.Hour)); !ok || err != nil {
		t.Fatalf("FireReminder = %v, %v; want fired", ok, err)
	}
	for tk, want := range map[*task.Task]bool{a: true, ahead: true, done: false, fired: false} {
		got, err := r.Get(ctx, tk.Owner(), tk.ID())
		if err != nil || got.ReminderArmed() != want {
			t.Fatalf("Get %q: armed %v, %v; want %v", tk.Title(), got != nil && got.ReminderArmed(), err, want)
		}
	}

	refs, err := h.DueReminders(ctx, y.Add(time.Hour), 1000)
	if err != nil {
		t.Fatalf("DueReminders: %v", err)
	}
	for i := 1; i < len(refs); i++ {
		if refs[i].RemindAt.Before(refs[i-1].RemindAt) {
			t.Fatalf("DueReminders is not earliest first at %d", i)
		}
	}
	got := ours(refs, all...)
	want := []task.ReminderRef{{Owner: b.Owner(), ID: b.ID(), RemindAt: y.Add(30 * time.Minute)},
		{Owner: a.Owner(), ID: a.ID(), RemindAt: y.Add(time.Hour)}} // a is due at exactly its time
	if len(got) != len(want) {
		t.Fatalf("DueReminders = %+v; want b then a", got)
	}
	for i := range want {
		if got[i].Owner != want[i].Owner || got[i].ID != want[i].ID || !got[i].RemindAt.Equal(want[i].RemindAt) {
			t.Fatalf("DueReminders[%d] = %+v, want %+v", i, got[i], want[i])
		}
	}
	if early, err := h.DueReminders(ctx, y.Add(time.Hour-time.Microsecond), 1000); err != nil || len(ours(early, a.ID())) != 0 {
		t.Fatalf("DueReminders a microsecond early = %+v, %v; want a not among them", ours(early, all...), err)
	}
	if one, err := h.DueReminders(ctx, y.Add(time.Hour), 1); err != nil || len(one) != 1 {
		t.Fatalf("DueReminders, limit 1 = %+v, %v; want one", one, err)
	}

	// Moved on after it fired: armed, and due again at its new time.
	if _, err := UpdateRecorded(ctx, r, fired.Owner(), fired.ID(), func(tk *task.Task) {
		_ = tk.Apply(task.Patch{RemindAt: task.Set(y.Add(2 * time.Hour).Format(time.RFC3339Nano))}, base)
	}); err != nil {
		t.Fatalf("move the reminder: %v", err)
	}
	refs, err = h.DueReminders(ctx, y.Add(2*time.Hour), 1000)
	if err != nil || len(ours(refs, fired.ID())) != 1 {
		t.Fatalf("DueReminders after remind_at moved = %+v, %v; want the fired task again", ours(refs, all...), err)
	}
}

// testFireRace fires the same due reminders from many transactions at
// once, as replicas do: each is recorded once, with one reminder change,
// and the version of its task does not move.
func testFireRace(t *testing.T, r ports.TaskRepository) {
	ctx := context.Background()
	owner := RandomOwner()
	const tasks, racers = 5, 6
	var ids []task.ID
	for i := range tasks {
		ids = append(ids, MustCreateReminding(t, r, owner, "once", fireRaceYear.Add(time.Duration(i)*time.Second)).ID())
	}
	results := make(chan error, tasks*racers)
	fired := make(chan task.ID, tasks*racers)
	testkit.AllAtOnce(racers, func(int) {
		for _, id := range ids {
			ok, err := FireReminder(ctx, r, owner, id, fireRaceYear.Add(time.Minute))
			results <- err
			if ok {
				fired <- id
			}
		}
	})
	close(results)
	close(fired)
	for err := range results {
		if err != nil {
			t.Fatalf("FireReminder: %v (%s)", err, apperr.CodeOf(err))
		}
	}
	if len(fired) != tasks {
		t.Fatalf("%d firings for %d reminders", len(fired), tasks)
	}
	count := map[task.ID]int{}
	for _, c := range MustChanges(t, r, owner, 0, 100) {
		if c.Op == task.ChangeReminder {
			count[c.TaskID]++
			if c.Task == nil || c.Task.Version() != 1 {
				t.Fatalf("reminder change %+v; want it to carry the task at version 1", c)
			}
		}
	}
	for _, id := range ids {
		if count[id] != 1 {
			t.Fatalf("task %s has %d reminder changes, want 1", id, count[id])
		}
	}
}
