DROP TABLE IF EXISTS reminders;

--bun:split

ALTER TABLE tasks DROP COLUMN reminder_armed;
