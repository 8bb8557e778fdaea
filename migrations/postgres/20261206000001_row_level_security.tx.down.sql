-- The due date's sort keys as coalesce, as the release before read them.
DROP INDEX IF EXISTS tasks_user_id_due_desc_id_idx;

--bun:split

CREATE INDEX tasks_user_id_due_desc_id_idx
    ON tasks (user_id, coalesce(due_at, '-infinity'::timestamptz) DESC, id DESC);

--bun:split

DROP INDEX IF EXISTS tasks_user_id_due_asc_id_idx;

--bun:split

CREATE INDEX tasks_user_id_due_asc_id_idx
    ON tasks (user_id, coalesce(due_at, 'infinity'::timestamptz), id);

--bun:split

DROP POLICY IF EXISTS tasks_acting_user ON tasks;

--bun:split

ALTER TABLE tasks NO FORCE ROW LEVEL SECURITY;

--bun:split

ALTER TABLE tasks DISABLE ROW LEVEL SECURITY;
