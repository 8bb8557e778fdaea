-- Each user's count of tasks, the trash not counted, which the per-user
-- task limit (MAX_TASKS_PER_USER) is checked against (see
-- migrations/postgres for why). task_counts_limit is what the counting
-- statement breaks when the limit is reached.
CREATE TABLE IF NOT EXISTS task_counts (
    user_id TEXT    NOT NULL PRIMARY KEY CHECK (user_id <> ''),
    n       INTEGER NOT NULL,
    CONSTRAINT task_counts_limit CHECK (n >= 0)
) STRICT, WITHOUT ROWID;

--bun:split

-- The tasks already there, counted in the migration's transaction, which
-- holds the database's write lock: no write comes in between. An upsert,
-- so a run again after a crash counts afresh.
INSERT INTO task_counts (user_id, n)
    SELECT user_id, count(*) FROM tasks WHERE true GROUP BY user_id
    ON CONFLICT (user_id) DO UPDATE SET n = excluded.n;
