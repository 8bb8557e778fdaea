package task

import (
	"time"

	"github.com/todoapi/todo/core/identity"
)

// A task's reminder is armed while it is still to fire: once its
// remind_at has passed, a store's housekeeping finds it (ReminderRef),
// FireReminder disarms it, and the use case records a ChangeReminder in
// the owner's feed, once.
//
// The rules:
//   - Setting remind_at, or changing it to another instant, on a task that
//     is not completed arms it, even when the instant has passed already
//     (it then fires at once). Setting the same instant again is no change
//     and arms nothing; clearing it disarms.
//   - Completing the task, or moving it to the trash, cancels the reminder.
//   - Un-completing the task, or restoring it from the trash, arms it again
//     only when remind_at is still ahead: a reminder whose time passed
//     while the task was completed or trashed stays missed.
//   - A recurring task's next occurrence is armed: its remind_at moved on
//     by one period.
//   - Firing disarms it; it fires again only when remind_at changes.
//
// Firing changes none of the task's fields: its version and updated_at
// stay, so a client's copy (and its ETag) stays current.

// ReminderArmed reports whether the task's reminder is still to fire.
func (t *Task) ReminderArmed() bool { return t.armed }

// ReminderDue reports whether the reminder is armed and its time has come
// at now: remind_at is not after now.
func (t *Task) ReminderDue(now time.Time) bool {
	return t.armed && !t.completed && t.plan.RemindAt != nil && !t.plan.RemindAt.After(now)
}

// FireReminder disarms a reminder that is due at now (see ReminderDue)
// and reports whether it did; it changes nothing otherwise, so of two
// callers racing over one stored task the second finds nothing to fire.
// It is no change of the task's fields: the version and UpdatedAt stay.
func (t *Task) FireReminder(now time.Time) bool {
	if !t.ReminderDue(now) {
		return false
	}
	t.armed = false
	return true
}

// armReminder arms the reminder after remind_at was set or changed.
func (t *Task) armReminder() { t.armed = !t.completed && t.plan.RemindAt != nil }

// rearmIfAhead arms the reminder when remind_at is still after now.
func (t *Task) rearmIfAhead(now time.Time) {
	t.armed = !t.completed && t.plan.RemindAt != nil && t.plan.RemindAt.After(now)
}

// ReminderRef names a task of any owner whose armed reminder is due, for
// the housekeeping that fires reminders.
type ReminderRef struct {
	Owner    identity.UserID
	ID       ID
	RemindAt time.Time
}

// Reminded returns the change that records a task's reminder firing at at.
// It carries the task, unchanged by the firing; At is when it fired.
func Reminded(t *Task, at time.Time) Change {
	c := withTask(ChangeReminder, t)
	c.At = at.UTC().Truncate(Precision)
	return c
}
