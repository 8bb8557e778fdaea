-- Row-level security is PostgreSQL's (see migrations/postgres): SQLite has
-- no roles, and one process owns its file. Nothing to do here.
SELECT 1;
