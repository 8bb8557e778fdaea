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

ALTER TABLE tasks
    DROP CONSTRAINT IF EXISTS tasks_completed_at_check,
    DROP COLUMN IF EXISTS description_key,
    DROP COLUMN IF EXISTS title_key,
    DROP COLUMN IF EXISTS next_occurrence_id,
    DROP COLUMN IF EXISTS completed_at,
    DROP COLUMN IF EXISTS recurrence,
    DROP COLUMN IF EXISTS remind_at,
    DROP COLUMN IF EXISTS due_is_date,
    DROP COLUMN IF EXISTS due_at,
    DROP COLUMN IF EXISTS tag_keys,
    DROP COLUMN IF EXISTS tags,
    DROP COLUMN IF EXISTS priority;
