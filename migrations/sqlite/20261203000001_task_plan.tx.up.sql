-- The fields a task gained in v2 (see core/task/plan.go), and the keys the
-- list filters and sorts on. Every new column has a default or allows NULL,
-- so the rows already there read back as tasks without a plan: medium
-- priority, no tags, no due date, no reminder, no recurrence.
--
-- priority is the rank (0 low .. 3 urgent), so it sorts as it is stored.
-- tags is a JSON array of the tags as written. A due date keeps the instant
-- it is sorted and filtered by (Due.Instant: for a date, its last
-- microsecond in UTC), as fixed-width text like created_at, and whether it
-- was a date, so a date reads back as the same date. title_key,
-- description_key and tag_keys (a JSON array) are task.FoldCase of the
-- title, the description and each tag: SQLite's lower() folds ASCII only,
-- so the store computes them in Go when it writes, and the migration after
-- this one fills them in for the rows already there. SQLite compares text
-- byte by byte, as FoldCase's strings compare in Go.
--
-- SQLite checks a new column's CHECK against the rows already there and
-- cannot add a constraint later without rebuilding the table, so
-- completed_at is only held to "set only on a completed task" here;
-- PostgreSQL holds it to "set exactly while completed". Nor can a CHECK
-- look inside the JSON arrays: only their number of tags is checked.
-- (SQLite has no ADD COLUMN IF NOT EXISTS; its one process records the
-- migration right after the commit.)
ALTER TABLE tasks ADD COLUMN priority INTEGER NOT NULL DEFAULT 1 CHECK (priority BETWEEN 0 AND 3);

--bun:split

ALTER TABLE tasks ADD COLUMN tags TEXT NOT NULL DEFAULT '[]'
    CHECK (json_valid(tags) AND json_type(tags) = 'array' AND json_array_length(tags) <= 20);

--bun:split

ALTER TABLE tasks ADD COLUMN tag_keys TEXT NOT NULL DEFAULT '[]'
    CHECK (json_valid(tag_keys) AND json_type(tag_keys) = 'array' AND json_array_length(tag_keys) = json_array_length(tags));

--bun:split

ALTER TABLE tasks ADD COLUMN due_at TEXT NULL CHECK (length(due_at) = 27);

--bun:split

ALTER TABLE tasks ADD COLUMN due_is_date INTEGER NOT NULL DEFAULT 0
    CHECK (due_is_date = 0 OR (due_is_date = 1 AND due_at IS NOT NULL AND substr(due_at, 11) = 'T23:59:59.999999Z'));

--bun:split

ALTER TABLE tasks ADD COLUMN remind_at TEXT NULL CHECK (length(remind_at) = 27);

--bun:split

ALTER TABLE tasks ADD COLUMN recurrence TEXT NOT NULL DEFAULT 'none'
    CHECK (recurrence IN ('none', 'daily', 'weekly', 'monthly', 'yearly'));

--bun:split

ALTER TABLE tasks ADD COLUMN completed_at TEXT NULL
    CHECK (completed_at IS NULL OR (completed = 1 AND length(completed_at) = 27));

--bun:split

ALTER TABLE tasks ADD COLUMN next_occurrence_id TEXT NULL CHECK (length(next_occurrence_id) = 36);

--bun:split

ALTER TABLE tasks ADD COLUMN title_key TEXT NOT NULL DEFAULT '';

--bun:split

ALTER TABLE tasks ADD COLUMN description_key TEXT NULL;

--bun:split

-- v1 kept no completion time: a completed task's last change is the best
-- estimate there is.
UPDATE tasks SET completed_at = updated_at WHERE completed = 1 AND completed_at IS NULL;

--bun:split

-- One index per sort, each read in order for one owner from the cursor on
-- (see adapters/sqlstore/list_query.go); created_at's is the first
-- migration's. A task without a due date sorts last in both directions:
-- each direction keys it past its end (a text before year 1 or after the
-- last microsecond of 9999), in an index of its own. Search and tags have
-- none: they test the owner's rows, which the per-user task limit bounds.
-- An FTS5 trigram index on the folded text covers every owner's rows at
-- once: on a table of a million tasks it made an owner of 100 tasks wait 42
-- to 84 ms instead of 0.15 ms for a common word, and it finds nothing
-- shorter than three characters (see docs/benchmarks.md, "Search and tag
-- filters").
CREATE INDEX IF NOT EXISTS tasks_user_id_updated_at_id_idx ON tasks (user_id, updated_at DESC, id DESC);

--bun:split

CREATE INDEX IF NOT EXISTS tasks_user_id_title_key_id_idx ON tasks (user_id, title_key, id);

--bun:split

CREATE INDEX IF NOT EXISTS tasks_user_id_priority_id_idx ON tasks (user_id, priority, id);

--bun:split

CREATE INDEX IF NOT EXISTS tasks_user_id_due_asc_id_idx
    ON tasks (user_id, coalesce(due_at, '9999-12-31T24:00:00.000000Z'), id);

--bun:split

CREATE INDEX IF NOT EXISTS tasks_user_id_due_desc_id_idx
    ON tasks (user_id, coalesce(due_at, '0000-01-01T00:00:00.000000Z') DESC, id DESC);
