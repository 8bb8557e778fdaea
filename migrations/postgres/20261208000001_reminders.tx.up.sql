-- Reminders that fire once (see core/task/reminder.go). tasks.reminder_armed
-- is true while a task's reminder is still to fire; reminders holds one row
-- for each armed reminder, which every replica reads every second to find
-- the due ones across users. Firing one clears both in a transaction acting
-- for the task's user, which reads the task again under its lock, so
-- replicas racing over one reminder record it once.
--
-- A table of its own rather than a policy letting the housekeeping read
-- tasks: policies of one table are OR-ed into every query on it, and a
-- second one on tasks cost every list its ordered index scan (see
-- adapters/sqlstore/explain_test.go). Moving a task to the trash or
-- deleting it removes its row through the foreign key.
--
-- The tasks already there: a reminder still ahead is armed, one already
-- past is not (it would fire the moment this runs, however old).
--
-- IF NOT EXISTS: bun records a migration after its transaction commits, so a
-- crash in between must not make the next run fail.
ALTER TABLE tasks
    ADD COLUMN IF NOT EXISTS reminder_armed boolean NOT NULL DEFAULT false
        CONSTRAINT tasks_reminder_armed_check CHECK (NOT reminder_armed OR (remind_at IS NOT NULL AND NOT completed));

--bun:split

CREATE TABLE IF NOT EXISTS reminders (
    task_id   uuid        PRIMARY KEY REFERENCES tasks (id) ON DELETE CASCADE,
    user_id   text        NOT NULL CHECK (user_id <> ''),
    remind_at timestamptz NOT NULL
);

--bun:split

CREATE INDEX IF NOT EXISTS reminders_remind_at_idx ON reminders (remind_at);

--bun:split

-- Row-level security binds the owner migrations run as: lift FORCE for
-- the update, and put it back in the same transaction.
ALTER TABLE tasks NO FORCE ROW LEVEL SECURITY;

--bun:split

UPDATE tasks SET reminder_armed = true WHERE remind_at > now() AND NOT completed AND NOT reminder_armed;

--bun:split

INSERT INTO reminders (task_id, user_id, remind_at)
    SELECT id, user_id, remind_at FROM tasks WHERE reminder_armed
    ON CONFLICT (task_id) DO NOTHING;

--bun:split

ALTER TABLE tasks FORCE ROW LEVEL SECURITY;

--bun:split

-- The pattern of 20261206000001_row_level_security, and a policy letting
-- the housekeeping (app.housekeeping, see 20261206000002) read, and only
-- read, every user's armed reminders.
ALTER TABLE reminders ENABLE ROW LEVEL SECURITY;

--bun:split

ALTER TABLE reminders FORCE ROW LEVEL SECURITY;

--bun:split

DROP POLICY IF EXISTS reminders_acting_user ON reminders;

--bun:split

CREATE POLICY reminders_acting_user ON reminders
    USING (user_id = (SELECT NULLIF(current_setting('app.user_id', true), '')))
    WITH CHECK (user_id = (SELECT NULLIF(current_setting('app.user_id', true), '')));

--bun:split

DROP POLICY IF EXISTS reminders_housekeeping ON reminders;

--bun:split

CREATE POLICY reminders_housekeeping ON reminders FOR SELECT
    USING ((SELECT current_setting('app.housekeeping', true)) = 'on');
