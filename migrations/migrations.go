// Package migrations holds the schema migrations, one directory of SQL files
// per dialect, embedded in the binary so the server can migrate the database
// it is pointed at without any file beside it. adapters/sqlstore runs them
// with bun's migrator (sqlstore.Migrate, Rollback, Status).
//
// Files are named NUMBER_name.tx.up.sql and NUMBER_name.tx.down.sql: the
// ".tx" makes bun run each file in one transaction. Both dialects carry the
// same migration names, so `todo migrate status` reads the same everywhere.
// Statements are separated by a line "--bun:split". Write DDL that can run
// twice (IF NOT EXISTS): bun records a migration only after it committed.
//
// A migration SQL cannot write, such as filling in keys that only the core
// computes (task.FoldCase), is Go, registered here beside the SQL files
// under a name of the same form, for every dialect (see taskKeys).
//
// On PostgreSQL every table with user data has row-level security,
// enabled and forced (20261206000001_row_level_security shows the pattern
// a new table repeats). The policies bind the role migrations run as too:
// a data migration after that one sees no rows unless, inside its
// transaction, it lifts FORCE from the table (ALTER TABLE ... NO FORCE ROW
// LEVEL SECURITY) and puts it back before it ends.
package migrations

import (
	"embed"
	"fmt"
	"io/fs"

	"github.com/uptrace/bun/migrate"
)

//go:embed postgres/*.sql sqlite/*.sql
var files embed.FS

// Dialects lists the directories of migrations, one per supported dialect.
var Dialects = []string{"postgres", "sqlite"}

// FS returns the migration files of a dialect ("postgres" or "sqlite").
func FS(dialect string) (fs.FS, error) {
	for _, d := range Dialects {
		if d == dialect {
			return fs.Sub(files, d)
		}
	}
	return nil, fmt.Errorf("migrations: no migrations for dialect %q", dialect)
}

// For returns the migrations of a dialect, ready for migrate.NewMigrator.
func For(dialect string) (*migrate.Migrations, error) {
	fsys, err := FS(dialect)
	if err != nil {
		return nil, err
	}
	ms := migrate.NewMigrations()
	if err := ms.Discover(fsys); err != nil {
		return nil, fmt.Errorf("migrations: %s: %w", dialect, err)
	}
	ms.Add(taskKeys(dialect))
	return ms, nil
}
