-- What a write made under an Idempotency-Key answered, stored in the write's
-- own transaction (see the PostgreSQL migration of the same name). SQLite
-- runs one writing transaction at a time, so a key needs no claim. Times
-- are fixed-width RFC 3339 text in UTC, as in tasks.
CREATE TABLE IF NOT EXISTS idempotency_keys (
    user_id     TEXT NOT NULL CHECK (user_id <> ''),
    key         TEXT NOT NULL CHECK (length(CAST(key AS BLOB)) BETWEEN 1 AND 255),
    fingerprint TEXT NOT NULL,
    response    BLOB NOT NULL,
    created_at  TEXT NOT NULL CHECK (length(created_at) = 27),
    PRIMARY KEY (user_id, key)
) STRICT, WITHOUT ROWID;

--bun:split

CREATE INDEX IF NOT EXISTS idempotency_keys_created_at_idx ON idempotency_keys (created_at);
