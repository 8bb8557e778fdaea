package sqlstore

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"time"

	"github.com/uptrace/bun/migrate"

	"github.com/todoapi/todo/core/apperr"
	"github.com/todoapi/todo/migrations"
)

// migrationLockKey is the pg_advisory_xact_lock key that serialises
// migration runs on one PostgreSQL database ("todo.mig" in ASCII).
const migrationLockKey = 0x746f646f2e6d6967

// MigrationStatus is one migration as `todo migrate status` shows it.
type MigrationStatus struct {
	Name      string // e.g. 20261125000001_create_tasks
	Applied   bool
	AppliedAt time.Time // zero while pending
	Group     int64     // the Migrate run that applied it; Rollback undoes the last group
}

// MigrationReport lists every migration, oldest first.
type MigrationReport []MigrationStatus

// Pending counts the migrations not applied yet.
func (r MigrationReport) Pending() int {
	n := 0
	for _, m := range r {
		if !m.Applied {
			n++
		}
	}
	return n
}

// String formats the report as a table for the terminal.
func (r MigrationReport) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%-40s  %-7s  %s\n", "MIGRATION", "GROUP", "APPLIED AT")
	for _, m := range r {
		at, group := "pending", "-"
		if m.Applied {
			at, group = m.AppliedAt.UTC().Format(time.RFC3339), fmt.Sprint(m.Group)
		}
		fmt.Fprintf(&b, "%-40s  %-7s  %s\n", m.Name, group, at)
	}
	fmt.Fprintf(&b, "%d applied, %d pending\n", len(r)-r.Pending(), r.Pending())
	return b.String()
}

// Migrate applies the pending migrations and returns their names. It holds
// the migration lock throughout, so servers starting together apply each
// migration once: the others wait, then find nothing to do. On PostgreSQL,
// when the database was opened with Options.AppRole, it then grants that
// role what serving needs (see grantAppRole), every time.
func Migrate(ctx context.Context, db *DB, logger *slog.Logger) ([]string, error) {
	var applied []string
	err := withMigrator(ctx, db, logger, func(m *migrate.Migrator, logger *slog.Logger) error {
		group, err := m.Migrate(ctx)
		applied = names(group)
		if err != nil && len(applied) > 0 {
			applied = applied[:len(applied)-1] // the group ends with the one that failed
		}
		for _, name := range applied {
			logger.InfoContext(ctx, "migration applied", "migration", name, "dialect", db.dialect)
		}
		if err != nil || db.dialect != Postgres || db.appRole == "" {
			return err
		}
		granted, err := grantAppRole(ctx, db.write.DB, db.appRole)
		if err == nil {
			logger.InfoContext(ctx, "privileges granted to the service's role", "role", db.appRole, "relations", strings.Join(granted, ","))
		}
		return err
	})
	return applied, err
}

// Rollback undoes the last group of migrations (the last Migrate that
// applied any) and returns their names, newest first.
func Rollback(ctx context.Context, db *DB, logger *slog.Logger) ([]string, error) {
	var undone []string
	err := withMigrator(ctx, db, logger, func(m *migrate.Migrator, logger *slog.Logger) error {
		group, err := m.Rollback(ctx)
		if err != nil {
			return err // which ones were undone is for Status to tell
		}
		undone = names(group)
		slices.Reverse(undone)
		for _, name := range undone {
			logger.InfoContext(ctx, "migration rolled back", "migration", name, "dialect", db.dialect)
		}
		return nil
	})
	return undone, err
}

// Status reports every migration and whether it is applied. It takes the
// lock too, so it never reads a run halfway.
func Status(ctx context.Context, db *DB) (MigrationReport, error) {
	var report MigrationReport
	err := withMigrator(ctx, db, nil, func(m *migrate.Migrator, _ *slog.Logger) error {
		ms, err := m.MigrationsWithStatus(ctx)
		for _, mg := range ms {
			report = append(report, MigrationStatus{
				Name: mg.Name + "_" + mg.Comment, Applied: mg.IsApplied(),
				AppliedAt: mg.MigratedAt, Group: mg.GroupID,
			})
		}
		return err
	})
	return report, err
}

// withMigrator runs fn with the migration lock held and bun's bookkeeping
// tables created. bun's own Migrator.Lock is not used: it fails at once when
// the lock is taken, where a second server should wait.
func withMigrator(ctx context.Context, db *DB, logger *slog.Logger, fn func(*migrate.Migrator, *slog.Logger) error) (err error) {
	ms, err := migrations.For(string(db.dialect))
	if err != nil {
		return err
	}
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	unlock, err := db.lockMigrations(ctx)
	if err != nil {
		return migrateError("take the migration lock", err)
	}
	defer func() { err = errors.Join(err, unlock()) }()

	// Mark a migration applied only once it succeeded, so a failed one is
	// tried again next time rather than silently skipped.
	m := migrate.NewMigrator(db.write, ms, migrate.WithMarkAppliedOnSuccess(true))
	if err := m.Init(ctx); err != nil {
		return migrateError("create bookkeeping tables", err)
	}
	if err := fn(m, logger); err != nil {
		return migrateError("run", err)
	}
	return nil
}

// migrateError says which step failed. A database that cannot be reached is
// EUNAVAILABLE, as everywhere in this package, so that a caller can wait and
// retry; anything else is for the operator to read.
func migrateError(step string, err error) error {
	err = fmt.Errorf("migrate: %s: %w", step, err)
	if poolerQueueTimeout(err) {
		err = fmt.Errorf("%w (the pooler had no server connection free: the migration lock holds one while "+
			"migrations run on another, so the pooler's pool size must be at least 2)", err)
	}
	if unavailable(err) {
		return apperr.Wrap(apperr.EUNAVAILABLE, err, "The database is unavailable.")
	}
	return err
}

// lockMigrations takes the migration lock, waiting for it as long as ctx
// allows. On PostgreSQL it is a transaction-scoped advisory lock held by a
// transaction that stays open while the migrations run on other pooled
// connections: unlike a session lock (pg_advisory_lock) it works through a
// transaction-mode pooler such as PgBouncer, and it is released even if the
// process dies. That needs a second connection: the pool must allow two.
// SQLite takes an OS lock on a file beside the database (see lockFile).
func (db *DB) lockMigrations(ctx context.Context) (unlock func() error, err error) {
	if db.dialect == SQLite {
		return lockFile(ctx, db.path+".migrate-lock")
	}
	if n := db.write.Stats().MaxOpenConnections; n == 1 {
		return nil, errors.New("migrations need a pool of at least 2 connections (one holds the lock)")
	}
	tx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return nil, err
	}
	if _, err := tx.ExecContext(ctx, "SELECT pg_advisory_xact_lock(?)", int64(migrationLockKey)); err != nil {
		_ = tx.Rollback()
		return nil, err
	}
	return tx.Commit, nil
}

func names(g *migrate.MigrationGroup) []string {
	if g == nil {
		return nil
	}
	out := make([]string, 0, len(g.Migrations))
	for _, m := range g.Migrations {
		out = append(out, m.Name+"_"+m.Comment)
	}
	return out
}
