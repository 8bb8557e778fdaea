-- A column goes after the indexes and the other columns' CHECKs that name
-- it.
DROP INDEX IF EXISTS tasks_user_id_due_desc_id_idx;

--bun:split

DROP INDEX IF EXISTS tasks_user_id_due_asc_id_idx;

--bun:split

DROP INDEX IF EXISTS tasks_user_id_priority_id_idx;

--bun:split

DROP INDEX IF EXISTS tasks_user_id_title_key_id_idx;

--bun:split

DROP INDEX IF EXISTS tasks_user_id_updated_at_id_idx;

--bun:split

ALTER TABLE tasks DROP COLUMN description_key;

--bun:split

ALTER TABLE tasks DROP COLUMN title_key;

--bun:split

ALTER TABLE tasks DROP COLUMN next_occurrence_id;

--bun:split

ALTER TABLE tasks DROP COLUMN completed_at;

--bun:split

ALTER TABLE tasks DROP COLUMN recurrence;

--bun:split

ALTER TABLE tasks DROP COLUMN remind_at;

--bun:split

ALTER TABLE tasks DROP COLUMN due_is_date;

--bun:split

ALTER TABLE tasks DROP COLUMN due_at;

--bun:split

ALTER TABLE tasks DROP COLUMN tag_keys;

--bun:split

ALTER TABLE tasks DROP COLUMN tags;

--bun:split

ALTER TABLE tasks DROP COLUMN priority;
