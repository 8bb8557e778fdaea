-- What a write made under an Idempotency-Key answered, stored in the write's
-- own transaction: whoever sees the write sees the record, so a client whose
-- answer was lost gets it again instead of a second effect (see
-- core/idempotency). Keys are the user's own: (user_id, key) is unique, and
-- a second record under a key fails on it. response is the answer as the
-- HTTP adapter rendered it, kept opaque. created_at is what expiry
-- (IDEMPOTENCY_TTL) counts from, through its index.
--
-- IF NOT EXISTS: bun records a migration after its transaction commits, so a
-- crash in between must not make the next run fail.
CREATE TABLE IF NOT EXISTS idempotency_keys (
    user_id     text        NOT NULL CHECK (user_id <> ''),
    key         text        NOT NULL CHECK (octet_length(key) BETWEEN 1 AND 255),
    fingerprint text        NOT NULL,
    response    bytea       NOT NULL,
    created_at  timestamptz NOT NULL,
    PRIMARY KEY (user_id, key)
);

--bun:split

-- Expiry deletes by age once a minute, while every keyed write inserts: a
-- BRIN index (the range of created_at per block range of the table) costs
-- an insert next to nothing, since rows arrive in created_at's order at the
-- table's end, where a B-tree's rightmost page would take a write from
-- every insert (EXPLAIN (ANALYZE, WAL): 2 WAL records an insert instead of
-- 3). autosummarize keeps the ranges filled in as the table grows, so a
-- DELETE skips the young ones.
CREATE INDEX IF NOT EXISTS idempotency_keys_created_at_idx ON idempotency_keys
    USING brin (created_at) WITH (autosummarize = on);

--bun:split

-- A transaction claims a key before it writes anything: a transaction-scoped
-- advisory lock, tried without waiting, so that a second request with the
-- key while the first still runs fails at once (lock_not_available, a 409)
-- instead of queueing behind it. The lock goes with the transaction's end;
-- it holds no row. A function, so that the claim can travel in the same
-- batch as the writes after it and still stop them: a failed try raises,
-- which rolls back the whole batch. Keys are visible ASCII, without spaces,
-- so "key owner" names one key of one owner.
CREATE OR REPLACE FUNCTION claim_idempotency_key(owner text, idempotency_key text) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    IF NOT pg_try_advisory_xact_lock(hashtextextended(idempotency_key || ' ' || owner, 0)) THEN
        RAISE EXCEPTION 'idempotency key % is held by another transaction', idempotency_key
            USING ERRCODE = 'lock_not_available';
    END IF;
END
$$;
