-- A task's version: 1 when created, one more with every stored change.
-- Rows that exist already start at 1. IF NOT EXISTS: bun records a migration
-- after its transaction commits, so a crash in between must not make the
-- next run fail.
ALTER TABLE tasks ADD COLUMN IF NOT EXISTS version bigint NOT NULL DEFAULT 1 CHECK (version >= 1);
