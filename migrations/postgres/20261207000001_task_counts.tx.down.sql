-- The counts go with their table (and its policy); the limit is then not
-- checked by a server of an earlier version.
DROP TABLE IF EXISTS task_counts;
