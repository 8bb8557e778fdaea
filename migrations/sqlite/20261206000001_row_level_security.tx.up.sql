-- Row-level security is PostgreSQL's (see migrations/postgres): SQLite has
-- no roles, and one process owns its file. What this migration does here
-- is follow the due date's sort keys, which the SQL shared by both
-- databases now spells as CASE instead of coalesce (see dueKey in
-- adapters/sqlstore/list_query.go): SQLite searches an index on an
-- expression only for that very expression.
DROP INDEX IF EXISTS tasks_user_id_due_asc_id_idx;

--bun:split

CREATE INDEX tasks_user_id_due_asc_id_idx
    ON tasks (user_id, (CASE WHEN due_at IS NULL THEN '9999-12-31T24:00:00.000000Z' ELSE due_at END), id);

--bun:split

DROP INDEX IF EXISTS tasks_user_id_due_desc_id_idx;

--bun:split

CREATE INDEX tasks_user_id_due_desc_id_idx
    ON tasks (user_id, (CASE WHEN due_at IS NULL THEN '0000-01-01T00:00:00.000000Z' ELSE due_at END) DESC, id DESC);
