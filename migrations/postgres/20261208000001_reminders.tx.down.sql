DROP TABLE IF EXISTS reminders;

--bun:split

ALTER TABLE tasks DROP COLUMN IF EXISTS reminder_armed;
