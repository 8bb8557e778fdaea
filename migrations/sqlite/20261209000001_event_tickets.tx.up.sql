-- Tickets that open a live event stream (see the PostgreSQL migration of
-- the same name). Times are fixed-width RFC 3339 text in UTC, as in tasks;
-- token_expires_at is NULL when the token never expires.
CREATE TABLE IF NOT EXISTS event_tickets (
    user_id          TEXT NOT NULL CHECK (user_id <> ''),
    hash             BLOB NOT NULL CHECK (length(hash) = 32),
    expires_at       TEXT NOT NULL CHECK (length(expires_at) = 27),
    token_expires_at TEXT CHECK (token_expires_at IS NULL OR length(token_expires_at) = 27),
    PRIMARY KEY (user_id, hash)
) STRICT, WITHOUT ROWID;

--bun:split

CREATE INDEX IF NOT EXISTS event_tickets_expires_at_idx ON event_tickets (expires_at);
