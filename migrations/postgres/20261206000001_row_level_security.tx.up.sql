-- Row-level security on every table with user data: a transaction sees and
-- writes only the rows of the user it acts for, which the store names at
-- its start with set_config('app.user_id', owner, true) (see
-- adapters/sqlstore/postgres.go). A statement that forgets its user filter
-- still reaches only that user's rows; one with no user set reaches none.
--
-- The pattern, for this table and every later one with a user_id column:
-- ENABLE turns the policies on, FORCE makes them bind the table's owner
-- too (the role migrations run as), and one policy for every command
-- compares user_id with the acting user, for the rows read (USING) and the
-- rows written (WITH CHECK). current_setting(..., true) is NULL before
-- anything set it in the session and '' after a transaction that set it
-- ended: NULLIF makes both NULL, which equals nothing. The subquery makes
-- it one value per statement rather than a call per row. A superuser or a
-- BYPASSRLS role still bypasses every policy (the server warns at start).
-- sqlstore's TestRowLevelSecurityOnEveryUserTable fails for a table with a
-- user_id column that lacks any of this.
--
-- Idempotent (DROP POLICY IF EXISTS, then CREATE): bun records a migration
-- after its transaction commits, so a crash in between must not make the
-- next run fail.
ALTER TABLE tasks ENABLE ROW LEVEL SECURITY;

--bun:split

ALTER TABLE tasks FORCE ROW LEVEL SECURITY;

--bun:split

DROP POLICY IF EXISTS tasks_acting_user ON tasks;

--bun:split

CREATE POLICY tasks_acting_user ON tasks
    USING (user_id = (SELECT NULLIF(current_setting('app.user_id', true), '')))
    WITH CHECK (user_id = (SELECT NULLIF(current_setting('app.user_id', true), '')));

--bun:split

-- The due date's sort keys, as CASE instead of coalesce (see dueKey in
-- adapters/sqlstore/list_query.go). Under a policy, PostgreSQL runs a
-- query's own condition before the policy's only when it can tell the
-- condition leaks nothing about the rows it tests; it cannot tell that of
-- coalesce, so a later page sorted by due date read the owner's rows from
-- the start of the index instead of from its cursor. A CASE on a column
-- test it can tell, and the index searches from the cursor again.
-- Rebuilding the two indexes blocks writes to tasks for as long as that
-- takes.
DROP INDEX IF EXISTS tasks_user_id_due_asc_id_idx;

--bun:split

CREATE INDEX tasks_user_id_due_asc_id_idx
    ON tasks (user_id, (CASE WHEN due_at IS NULL THEN 'infinity'::timestamptz ELSE due_at END), id);

--bun:split

DROP INDEX IF EXISTS tasks_user_id_due_desc_id_idx;

--bun:split

CREATE INDEX tasks_user_id_due_desc_id_idx
    ON tasks (user_id, (CASE WHEN due_at IS NULL THEN '-infinity'::timestamptz ELSE due_at END) DESC, id DESC);
