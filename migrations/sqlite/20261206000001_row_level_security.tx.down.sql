-- The due date's sort keys as coalesce, as the release before read them.
DROP INDEX IF EXISTS tasks_user_id_due_desc_id_idx;

--bun:split

CREATE INDEX tasks_user_id_due_desc_id_idx
    ON tasks (user_id, coalesce(due_at, '0000-01-01T00:00:00.000000Z') DESC, id DESC);

--bun:split

DROP INDEX IF EXISTS tasks_user_id_due_asc_id_idx;

--bun:split

CREATE INDEX tasks_user_id_due_asc_id_idx
    ON tasks (user_id, coalesce(due_at, '9999-12-31T24:00:00.000000Z'), id);
