-- Reminders that fire once (see core/task/reminder.go). tasks.reminder_armed
-- is 1 while a task's reminder is still to fire; reminders holds one row
-- for each armed reminder, read every second to find the due ones across
-- users (on PostgreSQL a table of its own keeps row-level security off the
-- plans of tasks; SQLite shares the statements). Firing one clears both in
-- a transaction that reads the task again, so a reminder is recorded once.
-- Moving a task to the trash or deleting it removes its row through the
-- foreign key (foreign_keys is on for every connection).
--
-- The tasks already there: a reminder still ahead is armed, one already
-- past is not (it would fire the moment this runs, however old). Times are
-- fixed-width text with microseconds (timestampLayout in adapters/sqlstore).
ALTER TABLE tasks ADD COLUMN reminder_armed INTEGER NOT NULL DEFAULT 0
    CHECK (reminder_armed = 0 OR (reminder_armed = 1 AND remind_at IS NOT NULL AND completed = 0));

--bun:split

CREATE TABLE IF NOT EXISTS reminders (
    task_id   TEXT NOT NULL PRIMARY KEY REFERENCES tasks (id) ON DELETE CASCADE,
    user_id   TEXT NOT NULL CHECK (user_id <> ''),
    remind_at TEXT NOT NULL CHECK (length(remind_at) = 27)
) STRICT;

--bun:split

CREATE INDEX IF NOT EXISTS reminders_remind_at_idx ON reminders (remind_at);

--bun:split

UPDATE tasks SET reminder_armed = 1
    WHERE remind_at > strftime('%Y-%m-%dT%H:%M:%f', 'now') || '000Z' AND completed = 0;

--bun:split

INSERT OR IGNORE INTO reminders (task_id, user_id, remind_at)
    SELECT id, user_id, remind_at FROM tasks WHERE reminder_armed = 1;
