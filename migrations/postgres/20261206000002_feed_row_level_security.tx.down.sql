DROP POLICY IF EXISTS idempotency_keys_housekeeping_read ON idempotency_keys;

--bun:split

DROP POLICY IF EXISTS idempotency_keys_housekeeping ON idempotency_keys;

--bun:split

DROP POLICY IF EXISTS idempotency_keys_acting_user ON idempotency_keys;

--bun:split

ALTER TABLE idempotency_keys NO FORCE ROW LEVEL SECURITY;

--bun:split

ALTER TABLE idempotency_keys DISABLE ROW LEVEL SECURITY;

--bun:split

DROP POLICY IF EXISTS feed_heads_housekeeping ON feed_heads;

--bun:split

DROP POLICY IF EXISTS feed_heads_acting_user ON feed_heads;

--bun:split

ALTER TABLE feed_heads NO FORCE ROW LEVEL SECURITY;

--bun:split

ALTER TABLE feed_heads DISABLE ROW LEVEL SECURITY;

--bun:split

DROP POLICY IF EXISTS changes_housekeeping ON changes;

--bun:split

DROP POLICY IF EXISTS changes_acting_user ON changes;

--bun:split

ALTER TABLE changes NO FORCE ROW LEVEL SECURITY;

--bun:split

ALTER TABLE changes DISABLE ROW LEVEL SECURITY;

--bun:split

DROP POLICY IF EXISTS trash_housekeeping ON trash;

--bun:split

DROP POLICY IF EXISTS trash_acting_user ON trash;

--bun:split

ALTER TABLE trash NO FORCE ROW LEVEL SECURITY;

--bun:split

ALTER TABLE trash DISABLE ROW LEVEL SECURITY;
