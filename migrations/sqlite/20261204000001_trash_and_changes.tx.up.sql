-- The trash, the change feed and the housekeeping rounds (see
-- adapters/sqlstore/feed.go). Nothing here reads or changes the tasks
-- table: the tasks already there have no changes yet, and a client starts
-- its feed from a list's X-Change-Cursor.
--
-- A trashed task leaves tasks for trash, so every list, Get and count of
-- tasks keeps reading tasks alone, through the indexes it always had. It
-- is kept as the store's JSON of the task (task_json.go). Ids and
-- timestamps are text as in tasks.
CREATE TABLE IF NOT EXISTS trash (
    id         TEXT NOT NULL PRIMARY KEY CHECK (length(id) = 36),
    user_id    TEXT NOT NULL CHECK (user_id <> ''),
    deleted_at TEXT NOT NULL CHECK (length(deleted_at) = 27),
    task       TEXT NOT NULL
) STRICT;

--bun:split

CREATE INDEX IF NOT EXISTS trash_user_id_deleted_at_id_idx ON trash (user_id, deleted_at DESC, id DESC);

--bun:split

CREATE INDEX IF NOT EXISTS trash_deleted_at_idx ON trash (deleted_at);

--bun:split

-- Each owner's feed head: the feed's epoch, the last change no longer kept
-- (floor) and the last number as of the last prune (seq). SQLite runs one
-- write transaction at a time, so a change is numbered one past the
-- owner's last in changes, in commit order, and the head row is written
-- only when made and when pruned (see headSQL in feed_query.go).
CREATE TABLE IF NOT EXISTS feed_heads (
    user_id TEXT    NOT NULL PRIMARY KEY CHECK (user_id <> ''),
    epoch   INTEGER NOT NULL CHECK (epoch > 0),
    seq     INTEGER NOT NULL CHECK (seq >= 0),
    floor   INTEGER NOT NULL DEFAULT 0 CHECK (floor >= 0 AND floor <= seq)
) STRICT, WITHOUT ROWID;

--bun:split

CREATE TABLE IF NOT EXISTS changes (
    user_id TEXT    NOT NULL CHECK (user_id <> ''),
    seq     INTEGER NOT NULL CHECK (seq >= 1),
    op      TEXT    NOT NULL CHECK (op <> '' AND op NOT GLOB '*[^a-z]*'),
    task_id TEXT    NOT NULL CHECK (length(task_id) = 36),
    at      TEXT    NOT NULL CHECK (length(at) = 27),
    task    TEXT    NULL,
    PRIMARY KEY (user_id, seq)
) STRICT, WITHOUT ROWID;


--bun:split

CREATE TABLE IF NOT EXISTS housekeeping (
    job     TEXT NOT NULL PRIMARY KEY,
    next_at TEXT NOT NULL CHECK (length(next_at) = 27)
) STRICT;
