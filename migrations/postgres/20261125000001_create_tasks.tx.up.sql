-- IF NOT EXISTS: bun records a migration after its transaction commits, so a
-- crash in between must not make the next run fail.
CREATE TABLE IF NOT EXISTS tasks (
    id          uuid        PRIMARY KEY,
    user_id     text        NOT NULL CHECK (user_id <> ''),
    title       text        NOT NULL CHECK (char_length(title) BETWEEN 1 AND 200),
    description text        NULL     CHECK (char_length(description) <= 1000),
    completed   boolean     NOT NULL DEFAULT false,
    created_at  timestamptz NOT NULL,
    updated_at  timestamptz NOT NULL
);

--bun:split

-- Serves List (user_id = ? ORDER BY created_at DESC, id DESC) without a sort;
-- Get and Update go through the primary key.
CREATE INDEX IF NOT EXISTS tasks_user_id_created_at_id_idx
    ON tasks (user_id, created_at DESC, id DESC);
