-- Row-level security on the tables of the trash, the change feed and the
-- idempotency keys, in
-- the pattern of 20261206000001_row_level_security: enabled, forced, and
-- one policy binding every command to the acting user.
--
-- The housekeeping (adapters/sqlstore/housekeeping.go) must find, across
-- users, the trashed tasks past their retention and the users with changes
-- past theirs; it then purges and prunes in a transaction acting for each
-- user. Those two finding reads name no user and set app.housekeeping
-- instead, which a second policy lets read, and only read, trash,
-- changes and feed_heads: no request's transaction sets it, so a statement of a use case
-- that forgets its user filter still reaches only its user's rows.
ALTER TABLE trash ENABLE ROW LEVEL SECURITY;

--bun:split

ALTER TABLE trash FORCE ROW LEVEL SECURITY;

--bun:split

DROP POLICY IF EXISTS trash_acting_user ON trash;

--bun:split

CREATE POLICY trash_acting_user ON trash
    USING (user_id = (SELECT NULLIF(current_setting('app.user_id', true), '')))
    WITH CHECK (user_id = (SELECT NULLIF(current_setting('app.user_id', true), '')));

--bun:split

DROP POLICY IF EXISTS trash_housekeeping ON trash;

--bun:split

CREATE POLICY trash_housekeeping ON trash FOR SELECT
    USING ((SELECT current_setting('app.housekeeping', true)) = 'on');

--bun:split

ALTER TABLE changes ENABLE ROW LEVEL SECURITY;

--bun:split

ALTER TABLE changes FORCE ROW LEVEL SECURITY;

--bun:split

DROP POLICY IF EXISTS changes_acting_user ON changes;

--bun:split

CREATE POLICY changes_acting_user ON changes
    USING (user_id = (SELECT NULLIF(current_setting('app.user_id', true), '')))
    WITH CHECK (user_id = (SELECT NULLIF(current_setting('app.user_id', true), '')));

--bun:split

DROP POLICY IF EXISTS changes_housekeeping ON changes;

--bun:split

CREATE POLICY changes_housekeeping ON changes FOR SELECT
    USING ((SELECT current_setting('app.housekeeping', true)) = 'on');

--bun:split

ALTER TABLE feed_heads ENABLE ROW LEVEL SECURITY;

--bun:split

ALTER TABLE feed_heads FORCE ROW LEVEL SECURITY;

--bun:split

DROP POLICY IF EXISTS feed_heads_acting_user ON feed_heads;

--bun:split

CREATE POLICY feed_heads_acting_user ON feed_heads
    USING (user_id = (SELECT NULLIF(current_setting('app.user_id', true), '')))
    WITH CHECK (user_id = (SELECT NULLIF(current_setting('app.user_id', true), '')));

--bun:split

DROP POLICY IF EXISTS feed_heads_housekeeping ON feed_heads;

--bun:split

CREATE POLICY feed_heads_housekeeping ON feed_heads FOR SELECT
    USING ((SELECT current_setting('app.housekeeping', true)) = 'on');

--bun:split

-- Idempotency records hold the responses of a user's writes: bound to the
-- acting user like the rest, except that the housekeeping's expiry, which
-- deletes the records of every user made before the TTL, may delete (and
-- only delete) them.
ALTER TABLE idempotency_keys ENABLE ROW LEVEL SECURITY;

--bun:split

ALTER TABLE idempotency_keys FORCE ROW LEVEL SECURITY;

--bun:split

DROP POLICY IF EXISTS idempotency_keys_acting_user ON idempotency_keys;

--bun:split

CREATE POLICY idempotency_keys_acting_user ON idempotency_keys
    USING (user_id = (SELECT NULLIF(current_setting('app.user_id', true), '')))
    WITH CHECK (user_id = (SELECT NULLIF(current_setting('app.user_id', true), '')));

--bun:split

DROP POLICY IF EXISTS idempotency_keys_housekeeping ON idempotency_keys;

--bun:split

CREATE POLICY idempotency_keys_housekeeping ON idempotency_keys FOR DELETE
    USING ((SELECT current_setting('app.housekeeping', true)) = 'on');

--bun:split

-- A DELETE with a condition applies the SELECT policies too: the expiry
-- must see the rows it deletes.
DROP POLICY IF EXISTS idempotency_keys_housekeeping_read ON idempotency_keys;

--bun:split

CREATE POLICY idempotency_keys_housekeeping_read ON idempotency_keys FOR SELECT
    USING ((SELECT current_setting('app.housekeeping', true)) = 'on');
