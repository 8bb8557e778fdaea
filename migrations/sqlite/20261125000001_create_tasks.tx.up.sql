-- STRICT makes SQLite enforce the column types. Ids are canonical lower-case
-- UUID text, whose byte order is the order of the UUIDs' bytes; timestamps are
-- fixed-width RFC 3339 text in UTC with microseconds
-- (2026-11-25T19:40:00.123456Z), which sorts chronologically as text.
CREATE TABLE IF NOT EXISTS tasks (
    id          TEXT    NOT NULL PRIMARY KEY CHECK (length(id) = 36),
    user_id     TEXT    NOT NULL CHECK (user_id <> ''),
    title       TEXT    NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
    description TEXT    NULL     CHECK (length(description) <= 1000),
    completed   INTEGER NOT NULL DEFAULT 0 CHECK (completed IN (0, 1)),
    created_at  TEXT    NOT NULL CHECK (length(created_at) = 27),
    updated_at  TEXT    NOT NULL CHECK (length(updated_at) = 27)
) STRICT;

--bun:split

CREATE INDEX IF NOT EXISTS tasks_user_id_created_at_id_idx
    ON tasks (user_id, created_at DESC, id DESC);
