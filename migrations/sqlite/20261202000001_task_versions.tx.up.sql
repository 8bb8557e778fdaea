-- A task's version: 1 when created, one more with every stored change.
-- Rows that exist already start at 1. (SQLite has no ADD COLUMN IF NOT
-- EXISTS; its one process records the migration right after the commit.)
ALTER TABLE tasks ADD COLUMN version INTEGER NOT NULL DEFAULT 1 CHECK (version >= 1);
