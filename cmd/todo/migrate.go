package main

import (
	"fmt"
	"log/slog"
	"strings"

	"github.com/spf13/cobra"

	"github.com/todoapi/todo/adapters/sqlstore"
	"github.com/todoapi/todo/config"
)

func newMigrateCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "migrate up|down|status",
		Short: "Apply, roll back or list the database migrations",
		Long: `migrate manages the schema of the database DATABASE_MIGRATE_URL names
(DATABASE_URL unless set: see docs/postgresql.md for two roles). After "up"
on PostgreSQL it grants DB_APP_ROLE, when set, what serving needs.

  up      apply every pending migration (serve does this at start too,
          unless DB_AUTO_MIGRATE=false)
  down    roll back the last group of migrations that "up" applied
  status  list each migration and whether it is applied

Migrations take a lock, so several servers or commands at once don't race.
Like serve, migrate waits up to DB_CONNECT_RETRY for the database to answer.`,
		Args:      cobra.MatchAll(cobra.ExactArgs(1), cobra.OnlyValidArgs),
		ValidArgs: []string{"up", "down", "status"},
		RunE: func(cmd *cobra.Command, args []string) error {
			c, err := loadConfig(cmd)
			if err != nil {
				return err
			}
			c.Database = c.Database.ForMigrations() // as the tables' owner
			db, logger, err := openDatabase(cmd, c, false)
			if err != nil {
				return err
			}
			defer db.Close()
			return migrate(cmd, db, args[0], logger)
		},
	}
	// A wrong or missing argument is a usage error (exit 2), like a bad flag.
	args := cmd.Args
	cmd.Args = func(cmd *cobra.Command, a []string) error {
		if err := args(cmd, a); err != nil {
			return usageError{fmt.Errorf("%w; want one of up, down, status", err)}
		}
		return nil
	}
	addConfigFlags(cmd, config.SettingsOf(config.SectionGeneral, config.SectionDatabase))
	return cmd
}

func migrate(cmd *cobra.Command, db *sqlstore.DB, action string, logger *slog.Logger) error {
	ctx, out := cmd.Context(), cmd.OutOrStdout()
	var names []string
	var err error
	switch action {
	case "up":
		names, err = sqlstore.Migrate(ctx, db, logger)
		if err == nil && len(names) == 0 {
			fmt.Fprintln(out, "Nothing to apply: the schema is up to date.")
		}
	case "down":
		names, err = sqlstore.Rollback(ctx, db, logger)
		if err == nil && len(names) == 0 {
			fmt.Fprintln(out, "Nothing to roll back.")
		}
	case "status":
		report, err := sqlstore.Status(ctx, db)
		if err != nil {
			return err
		}
		_, err = fmt.Fprint(out, report)
		return err
	}
	if err != nil {
		return err
	}
	verb := map[string]string{"up": "Applied", "down": "Rolled back"}[action]
	if len(names) > 0 {
		fmt.Fprintf(out, "%s: %s\n", verb, strings.Join(names, ", "))
	}
	return nil
}
