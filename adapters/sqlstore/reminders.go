package sqlstore

import (
	"context"
	"time"

	"github.com/todoapi/todo/core/identity"
	"github.com/todoapi/todo/core/task"
)

// A task's armed reminder is kept twice: in tasks.reminder_armed, which
// reads back with the task, and as a row of reminders, which the
// housekeeping reads across users to find the due ones (see
// migrations/*/20261208000001_reminders for why a table of its own). Every
// write of a task keeps the row as the task says, in its transaction;
// moving a task to the trash or deleting it removes the row through the
// foreign key.

// reminderStatements adds the statements of the reminders.
func (d sqlDialect) reminderStatements(s *feedStatements) {
	s.armReminder = d.fixed(func(p *params) string {
		return "INSERT INTO reminders (task_id, user_id, remind_at) VALUES (" + p.list("uuid", "text", "timestamptz") + ")" +
			" ON CONFLICT (task_id) DO UPDATE SET remind_at = excluded.remind_at"
	})
	s.disarmReminder = d.fixed(func(p *params) string {
		return "DELETE FROM reminders WHERE task_id = " + p.add(nil, "uuid") + " AND user_id = " + p.add(nil, "text")
	})
	// The index on remind_at serves it in order.
	s.dueReminders = d.fixed(func(p *params) string {
		return "SELECT user_id, task_id, remind_at FROM reminders WHERE remind_at <= " + p.add(nil, "timestamptz") +
			" ORDER BY remind_at LIMIT " + p.add(nil, "bigint")
	})
}

// armedAt returns the instant of a task's armed reminder, nil when none is
// armed.
func armedAt(s task.Snapshot) *time.Time {
	if !s.ReminderArmed || s.Plan.RemindAt == nil {
		return nil
	}
	return s.Plan.RemindAt
}

// readReminder notes the armed reminder of a task this transaction read
// or wrote, for a later Save to compare with.
func (t *tx) readReminder(tk *task.Task) {
	if t.reminders == nil {
		t.reminders = make(map[task.ID]*time.Time, 1)
	}
	t.reminders[tk.ID()] = armedAt(tk.Snapshot())
}

// keepReminder writes the row of a task's armed reminder, just stored as
// s, when it differs from was (nil: none): a task stored with no change
// to its reminder costs no statement.
func (t *tx) keepReminder(ctx context.Context, s task.Snapshot, was *time.Time) error {
	now := armedAt(s)
	switch {
	case now == nil && was == nil, now != nil && was != nil && now.Equal(*was):
		return nil
	case now == nil:
		return t.e.exec(ctx, t.r.feed.disarmReminder, []any{s.ID.String(), string(t.owner)}, nil)
	}
	return t.e.exec(ctx, t.r.feed.armReminder, []any{s.ID.String(), string(t.owner), t.r.db.engine.timeArg(*now)}, nil)
}

// DueReminders implements ports.Housekeeper. It acts for no owner: on
// PostgreSQL the housekeeping's policy on reminders lets it read every
// user's; firing one acts for its owner.
func (r *TaskRepository) DueReminders(ctx context.Context, now time.Time, limit int) ([]task.ReminderRef, error) {
	var out []task.ReminderRef
	err := r.db.engine.read(ctx, noOwner, r.feed.dueReminders, []any{r.db.engine.timeArg(now), int64(limit)}, func(rw row) error {
		var owner string
		var id rowID
		var at timestamp
		if err := rw.scan(&owner, &id, &at); err != nil {
			return err
		}
		out = append(out, task.ReminderRef{Owner: identity.UserID(owner), ID: task.ID(id), RemindAt: time.Time(at).UTC()})
		return nil
	})
	return out, dbError(err)
}
