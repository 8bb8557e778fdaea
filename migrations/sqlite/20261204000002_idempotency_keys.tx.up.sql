-- What a write made under an Idempotency-Key answered, stored in the write's
-- own transaction (see the PostgreSQL migration of the same name). SQLite
-- runs one writing transaction at a time, so a key needs no claim. Times
-- are fixed-width RFC 3339 text in UTC, as in tasks.
--
-- Every page a commit changes is a page more in the write-ahead log, which
-- is most of what a write costs here. So no index on created_at: rows go
-- in rowid order, the order their writes committed in, which is
-- created_at's give or take the moments a write waited for the lock, and
-- expiry deletes from the front of the table (see adapters/sqlstore's
-- keys.go). A rowid table rather than WITHOUT ROWID: the responses make
-- rows of about half a kilobyte, which appended at the table's end split
-- pages far less often than inserted at random places in the key's order.
-- Measured, a keyed write added 4 pages to its commit with a created_at
-- index on a WITHOUT ROWID table, 2.4 with this one.
CREATE TABLE IF NOT EXISTS idempotency_keys (
    user_id     TEXT NOT NULL CHECK (user_id <> ''),
    key         TEXT NOT NULL CHECK (length(CAST(key AS BLOB)) BETWEEN 1 AND 255),
    fingerprint TEXT NOT NULL,
    response    BLOB NOT NULL,
    created_at  TEXT NOT NULL CHECK (length(created_at) = 27),
    PRIMARY KEY (user_id, key)
) STRICT;
