-- Tickets that open a live event stream without an Authorization header
-- (a browser's EventSource cannot send one): single use, valid for 30
-- seconds, on any replica, so kept here. Only the SHA-256 of a ticket is
-- stored: a copy of the table opens no stream. A ticket names its user,
-- so redeeming it is a DELETE acting for that user, under the row-level
-- security below. token_expires_at is when the token that asked for the
-- ticket expires (NULL: never), which is when the stream it opens ends.
-- expires_at is what the housekeeping prunes by, through its index.
CREATE TABLE IF NOT EXISTS event_tickets (
    user_id          text        NOT NULL CHECK (user_id <> ''),
    hash             bytea       NOT NULL CHECK (octet_length(hash) = 32),
    expires_at       timestamptz NOT NULL,
    token_expires_at timestamptz,
    PRIMARY KEY (user_id, hash)
);

--bun:split

CREATE INDEX IF NOT EXISTS event_tickets_expires_at_idx ON event_tickets (expires_at);

--bun:split

-- Row-level security as on every table of user data (see
-- 20261206000002_feed_row_level_security): bound to the acting user, and
-- the housekeeping may delete (and, to find them, read) expired tickets of
-- every user.
ALTER TABLE event_tickets ENABLE ROW LEVEL SECURITY;

--bun:split

ALTER TABLE event_tickets FORCE ROW LEVEL SECURITY;

--bun:split

DROP POLICY IF EXISTS event_tickets_acting_user ON event_tickets;

--bun:split

CREATE POLICY event_tickets_acting_user ON event_tickets
    USING (user_id = (SELECT NULLIF(current_setting('app.user_id', true), '')))
    WITH CHECK (user_id = (SELECT NULLIF(current_setting('app.user_id', true), '')));

--bun:split

DROP POLICY IF EXISTS event_tickets_housekeeping ON event_tickets;

--bun:split

CREATE POLICY event_tickets_housekeeping ON event_tickets FOR DELETE
    USING ((SELECT current_setting('app.housekeeping', true)) = 'on');

--bun:split

DROP POLICY IF EXISTS event_tickets_housekeeping_read ON event_tickets;

--bun:split

CREATE POLICY event_tickets_housekeeping_read ON event_tickets FOR SELECT
    USING ((SELECT current_setting('app.housekeeping', true)) = 'on');
