-- The trash, the change feed and the housekeeping rounds (see
-- adapters/sqlstore/feed.go). Nothing here reads or changes the tasks
-- table, so it is as quick on a table of millions of tasks as on an empty
-- one: the tasks already there have no changes yet, and a client starts
-- its feed from a list's X-Change-Cursor.
--
-- A trashed task leaves tasks for trash, so every list, Get and count of
-- tasks keeps reading tasks alone, through the indexes it always had. It
-- is kept as the store's JSON of the task (task_json.go): the trash is
-- listed and restored, never filtered or sorted on a field of the task.
-- json rather than jsonb: the store writes and reads it whole, and json
-- keeps the text as written, with no conversion either way.
--
-- The user ids of the new tables compare byte by byte (COLLATE "C"): they
-- are only ever compared for equality and as keys, and a byte comparison
-- is cheaper for the index every write of a change goes through.
--
-- IF NOT EXISTS: bun records a migration after its transaction commits, so a
-- crash in between must not make the next run fail.
CREATE TABLE IF NOT EXISTS trash (
    id         uuid        PRIMARY KEY,
    user_id    text        COLLATE "C" NOT NULL CHECK (user_id <> ''),
    deleted_at timestamptz NOT NULL,
    task       json        NOT NULL
);

--bun:split

-- The trash list: the owner's, the most recently deleted first, read in
-- order from the cursor on.
CREATE INDEX IF NOT EXISTS trash_user_id_deleted_at_id_idx ON trash (user_id, deleted_at DESC, id DESC);

--bun:split

-- The purge of old trash, across owners.
CREATE INDEX IF NOT EXISTS trash_deleted_at_idx ON trash (deleted_at);

--bun:split

-- Each owner's feed head: the number of the owner's last change (seq), the
-- last one no longer kept (floor), and the feed's epoch, a random number
-- chosen with the first change. A transaction that records a change
-- raises seq in its own row lock, held until it commits: the owner's
-- changes are numbered in commit order (see feed.go).
CREATE TABLE IF NOT EXISTS feed_heads (
    user_id text   COLLATE "C" PRIMARY KEY CHECK (user_id <> ''),
    epoch   bigint NOT NULL CHECK (epoch > 0),
    seq     bigint NOT NULL CHECK (seq >= 0),
    floor   bigint NOT NULL DEFAULT 0 CHECK (floor >= 0 AND floor <= seq)
);

--bun:split

-- The changes: op is the operation's name (created, updated, deleted,
-- restored, purged; more may come), task the store's JSON of the task after
-- the change, NULL for a tombstone. The primary key reads an owner's feed
-- in order from a position on, and is the table's only index: every write
-- of a task writes a change, so each index here would cost every write.
-- Retention finds the owners with old changes through their heads: the
-- first change an owner keeps is floor + 1.
CREATE TABLE IF NOT EXISTS changes (
    user_id text        COLLATE "C" NOT NULL CHECK (user_id <> ''),
    seq     bigint      NOT NULL CHECK (seq >= 1),
    op      text        NOT NULL CHECK (op ~ '^[a-z]+$'),
    task_id uuid        NOT NULL,
    at      timestamptz NOT NULL,
    task    json        NULL,
    PRIMARY KEY (user_id, seq)
);


--bun:split

-- When each housekeeping job may run next: a replica claims a round by
-- moving next_at on (see Claim). No user's data, so no user_id.
CREATE TABLE IF NOT EXISTS housekeeping (
    job     text        PRIMARY KEY,
    next_at timestamptz NOT NULL
);
