-- Before the trash, a deleted task was gone for good: rolling back empties
-- the trash, as if every task in it had been purged.
DROP TABLE IF EXISTS housekeeping;

--bun:split

DROP TABLE IF EXISTS changes;

--bun:split

DROP TABLE IF EXISTS feed_heads;

--bun:split

DROP TABLE IF EXISTS trash;
