-- The fields a task gained in v2 (see core/task/plan.go), and the keys the
-- list filters and sorts on. Every new column has a default or allows NULL,
-- so the rows already there read back as tasks without a plan: medium
-- priority, no tags, no due date, no reminder, no recurrence.
--
-- priority is the rank (0 low .. 3 urgent), so it sorts as it is stored.
-- A due date keeps the instant it is sorted and filtered by (Due.Instant:
-- for a date, its last microsecond in UTC) and whether it was a date, so a
-- date reads back as the same date. title_key, description_key and tag_keys
-- are task.FoldCase of the title, the description and each tag: lower()
-- folds otherwise, so the store computes them in Go when it writes, and the
-- migration after this one fills them in for the rows already there. The
-- keys compare byte by byte (COLLATE "C"), as FoldCase's strings do in Go.
--
-- IF NOT EXISTS: bun records a migration after its transaction commits, so a
-- crash in between must not make the next run fail.
ALTER TABLE tasks
    ADD COLUMN IF NOT EXISTS priority smallint NOT NULL DEFAULT 1
        CONSTRAINT tasks_priority_check CHECK (priority BETWEEN 0 AND 3),
    -- At most 20 tags of 1 to 50 characters. Joined between separators
    -- (U+001F, a control character no tag may hold), an empty tag leaves two
    -- separators side by side and a long one 51 characters between two. A
    -- regular expression says so without a subquery: a function looping over
    -- the tags cost half the inserts' throughput.
    ADD COLUMN IF NOT EXISTS tags text[] NOT NULL DEFAULT '{}'
        CONSTRAINT tasks_tags_check CHECK (cardinality(tags) <= 20 AND (cardinality(tags) = 0
            OR E'\x1f' || array_to_string(tags, E'\x1f', '') || E'\x1f' !~ E'\x1f\x1f|[^\x1f]{51}')),
    ADD COLUMN IF NOT EXISTS tag_keys text[] NOT NULL DEFAULT '{}'
        CONSTRAINT tasks_tag_keys_check CHECK (cardinality(tag_keys) = cardinality(tags)),
    ADD COLUMN IF NOT EXISTS due_at timestamptz NULL,
    ADD COLUMN IF NOT EXISTS due_is_date boolean NOT NULL DEFAULT false
        CONSTRAINT tasks_due_is_date_check
        CHECK (NOT due_is_date OR (due_at IS NOT NULL AND (due_at AT TIME ZONE 'UTC')::time = '23:59:59.999999')),
    ADD COLUMN IF NOT EXISTS remind_at timestamptz NULL,
    ADD COLUMN IF NOT EXISTS recurrence text NOT NULL DEFAULT 'none'
        CONSTRAINT tasks_recurrence_check CHECK (recurrence IN ('none', 'daily', 'weekly', 'monthly', 'yearly')),
    ADD COLUMN IF NOT EXISTS completed_at timestamptz NULL,
    ADD COLUMN IF NOT EXISTS next_occurrence_id uuid NULL,
    ADD COLUMN IF NOT EXISTS title_key text COLLATE "C" NOT NULL DEFAULT '',
    ADD COLUMN IF NOT EXISTS description_key text COLLATE "C" NULL;

--bun:split

-- v1 kept no completion time: a completed task's last change is the best
-- estimate there is, and completed_at is set exactly while completed is.
UPDATE tasks SET completed_at = updated_at WHERE completed AND completed_at IS NULL;

--bun:split

ALTER TABLE tasks
    DROP CONSTRAINT IF EXISTS tasks_completed_at_check,
    ADD CONSTRAINT tasks_completed_at_check CHECK (completed = (completed_at IS NOT NULL));

--bun:split

-- One index per sort, each read in order for one owner from the cursor on
-- (see adapters/sqlstore/list_query.go); created_at's is the first
-- migration's. A task without a due date sorts last in both directions:
-- each direction keys it past its end, in an index of its own. Search and
-- tags have none: they test the owner's rows, which the per-user task limit
-- bounds. A trigram index (pg_trgm) on the folded text, or a GIN on the tag
-- keys, covers every owner's rows at once: on a table of a million tasks it
-- made an owner of 100 tasks wait 4 to 66 ms instead of 0.2 ms for a
-- common word or tag, and seconds for two letters (see docs/benchmarks.md,
-- "Search and tag filters"), and needs an extension.
CREATE INDEX IF NOT EXISTS tasks_user_id_updated_at_id_idx ON tasks (user_id, updated_at DESC, id DESC);

--bun:split

CREATE INDEX IF NOT EXISTS tasks_user_id_title_key_id_idx ON tasks (user_id, title_key, id);

--bun:split

CREATE INDEX IF NOT EXISTS tasks_user_id_priority_id_idx ON tasks (user_id, priority, id);

--bun:split

CREATE INDEX IF NOT EXISTS tasks_user_id_due_asc_id_idx
    ON tasks (user_id, coalesce(due_at, 'infinity'::timestamptz), id);

--bun:split

CREATE INDEX IF NOT EXISTS tasks_user_id_due_desc_id_idx
    ON tasks (user_id, coalesce(due_at, '-infinity'::timestamptz) DESC, id DESC);
