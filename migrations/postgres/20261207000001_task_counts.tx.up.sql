-- Each user's count of tasks, the trash not counted, which the per-user
-- task limit (MAX_TASKS_PER_USER) is checked against: every write that
-- adds or removes a task moves it in its own transaction, and a create
-- checks the limit in the same statement that counts it (see taskCount in
-- adapters/sqlstore/task_repository.go), instead of counting the user's
-- tasks each time. task_counts_limit is what that statement breaks when
-- the limit is reached; a count never goes below 0 otherwise.
--
-- IF NOT EXISTS and the upsert below: bun records a migration after its
-- transaction commits, so a crash in between must not make the next run
-- fail, nor count twice.
CREATE TABLE IF NOT EXISTS task_counts (
    user_id text   COLLATE "C" PRIMARY KEY CHECK (user_id <> ''),
    n       bigint NOT NULL,
    CONSTRAINT task_counts_limit CHECK (n >= 0)
);

--bun:split

-- Counting every user's tasks reads across users, which the policies of
-- 20261206000001_row_level_security forbid the owner too while FORCE is
-- on: it is lifted for this transaction only, from both tables, and put
-- back below. Lifting it locks tasks (ACCESS EXCLUSIVE) until the commit,
-- so no write can slip in between the count and the first write that
-- keeps it, and reads and writes of tasks wait for the count (one scan
-- of tasks). lock_timeout makes the migration give up,
-- to be tried again at the next start, rather than stall every request
-- behind a long transaction that holds tasks.
SET LOCAL lock_timeout = '10s';

--bun:split

ALTER TABLE tasks NO FORCE ROW LEVEL SECURITY;

--bun:split

ALTER TABLE task_counts NO FORCE ROW LEVEL SECURITY;

--bun:split

INSERT INTO task_counts (user_id, n)
    SELECT user_id, count(*) FROM tasks GROUP BY user_id
    ON CONFLICT (user_id) DO UPDATE SET n = excluded.n;

--bun:split

ALTER TABLE tasks FORCE ROW LEVEL SECURITY;

--bun:split

-- Row-level security as on every table with user data (see
-- 20261206000001_row_level_security): no housekeeping policy, since the
-- purge of old trash does not change a count.
ALTER TABLE task_counts ENABLE ROW LEVEL SECURITY;

--bun:split

ALTER TABLE task_counts FORCE ROW LEVEL SECURITY;

--bun:split

DROP POLICY IF EXISTS task_counts_acting_user ON task_counts;

--bun:split

CREATE POLICY task_counts_acting_user ON task_counts
    USING (user_id = (SELECT NULLIF(current_setting('app.user_id', true), '')))
    WITH CHECK (user_id = (SELECT NULLIF(current_setting('app.user_id', true), '')));
