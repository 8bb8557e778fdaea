package app

import (
	"context"
	"time"

	"github.com/todoapi/todo/core/apperr"
	"github.com/todoapi/todo/core/identity"
	"github.com/todoapi/todo/core/task"
	"github.com/todoapi/todo/ports"
)

// ReminderInterval is how often every replica looks for reminders to
// fire. A reminder fires at the first look at or after its remind_at, so
// within about this long after it (the contract allows five seconds), and
// never before.
const ReminderInterval = time.Second

// Fired is a reminder that FireReminders recorded.
type Fired struct {
	Owner    identity.UserID
	ID       task.ID
	RemindAt time.Time // when it was due
	At       time.Time // when it fired: At - RemindAt is its lag
}

// reminderBatch is how many due reminders one read asks for; a round reads
// again while batches come back full, up to maxBatches of them.
const reminderBatch = 200

// FireReminders fires every reminder that store finds due at the clock's
// now: for each, in a transaction acting for its owner, it reads the task
// again (which locks it), fires it if it is still armed and due
// (task.Task.FireReminder), saves it and records a reminder change, which
// the owner's live streams then send. Another replica firing the same
// reminder at once finds it disarmed once the first commits, so each
// fires once. A task gone since the read (trashed, deleted) is skipped.
//
// It returns the reminders it fired, and the first error it met: one
// reminder failing does not keep the others from firing. EUNAVAILABLE,
// EINTERNAL.
func (s *TaskService) FireReminders(ctx context.Context, store ports.Housekeeper) ([]Fired, error) {
	var fired []Fired
	var first error
	for range maxBatches {
		now := s.clock.Now()
		refs, err := store.DueReminders(ctx, now, reminderBatch)
		if err != nil {
			return fired, err
		}
		progress := 0
		for _, ref := range refs {
			f, ok, err := s.fireReminder(ctx, ref)
			switch {
			case err != nil && first == nil:
				first = err
			case ok:
				fired = append(fired, f)
				progress++
			}
		}
		// A short batch was the last; one where nothing fired is another
		// replica's work, or failing: leave it to the next round.
		if len(refs) < reminderBatch || progress == 0 || ctx.Err() != nil {
			break
		}
	}
	return fired, first
}

// fireReminder fires one reminder, if it is still armed and due.
func (s *TaskService) fireReminder(ctx context.Context, ref task.ReminderRef) (Fired, bool, error) {
	var f Fired
	err := s.repo.Atomic(ctx, ref.Owner, func(tx ports.TaskTx) error {
		t, err := tx.Get(ctx, ref.ID)
		if err != nil {
			return err
		}
		now := s.clock.Now()
		if !t.FireReminder(now) {
			return nil // fired by another replica, moved, completed: nothing to do
		}
		if err := tx.Save(ctx, t); err != nil {
			return err
		}
		c := task.Reminded(t, now)
		at, _ := t.RemindAt()
		f = Fired{Owner: ref.Owner, ID: ref.ID, RemindAt: at, At: c.At}
		return tx.Record(ctx, c)
	})
	if err != nil {
		if apperr.CodeOf(err) == apperr.ENOTFOUND {
			return Fired{}, false, nil // gone since the read: trashed or deleted
		}
		return Fired{}, false, err
	}
	return f, !f.At.IsZero(), nil
}
