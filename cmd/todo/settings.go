package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/viper"

	"github.com/todoapi/todo/adapters/sqlstore"
	"github.com/todoapi/todo/config"
)

// addConfigFlags gives a command a flag for each of settings, the ones it
// reads, and help text that names their environment variables too.
func addConfigFlags(cmd *cobra.Command, settings []config.Setting) {
	config.BindFlags(cmd.Flags(), settings)
	cmd.Flags().SortFlags = false
	var b strings.Builder
	b.WriteString("\nEnvironment (flags override it; --config FILE may set the same keys, lower-cased):\n")
	for _, s := range settings {
		name := strings.ToUpper(s.Key)
		if s.Key == config.KeyDatabaseURL {
			name += " (or NEON_DB_URL)"
		}
		if s.Key == config.KeyHTTPAddr {
			name += " (or PORT)"
		}
		fmt.Fprintf(&b, "  %-45s --%s\n", name, s.Flag)
	}
	cmd.Long = strings.TrimRight(cmd.Long, "\n") + "\n" + b.String()
}

// settingsWithKeys returns the settings with the given keys, for a command
// that reads only a few.
func settingsWithKeys(keys ...string) []config.Setting {
	var out []config.Setting
	for _, s := range config.Settings {
		if slices.Contains(keys, s.Key) {
			out = append(out, s)
		}
	}
	return out
}

func loadViper(cmd *cobra.Command) (*viper.Viper, error) {
	v, err := config.New(cmd.Flags())
	if err != nil {
		return nil, usageError{err}
	}
	return v, nil
}

// loadConfig reads and validates the settings; a bad one is a usage error.
func loadConfig(cmd *cobra.Command) (config.Config, error) {
	v, err := loadViper(cmd)
	if err != nil {
		return config.Config{}, err
	}
	c, err := config.Load(v)
	if err != nil {
		return c, usageError{fmt.Errorf("bad configuration: %s", strings.ReplaceAll(err.Error(), "\n", "; "))}
	}
	return c, nil
}

// newLogger logs JSON in production, for log collectors, and text in
// development, for people.
func newLogger(c config.Config, w io.Writer) *slog.Logger {
	opts := &slog.HandlerOptions{Level: c.LogLevel}
	if c.IsProduction() {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

// openDatabase opens the configured database for a command and waits up to
// DB_CONNECT_RETRY for it to answer; with migrate set it also applies the
// pending migrations over DATABASE_MIGRATE_URL, as serve does at start
// (see sqlstore.ConnectConfig). The caller closes it.
func openDatabase(cmd *cobra.Command, c config.Config, migrate bool) (*sqlstore.DB, *slog.Logger, error) {
	logger := newLogger(c, cmd.ErrOrStderr())
	db, err := sqlstore.OpenConfig(c.Database)
	if err != nil {
		return nil, nil, err
	}
	wait := sqlstore.WaitReady
	if migrate {
		wait = func(ctx context.Context, db *sqlstore.DB, within time.Duration, logger *slog.Logger) error {
			return sqlstore.ConnectConfig(ctx, db, c.Database, true, logger)
		}
	}
	if err := wait(cmd.Context(), db, c.Database.ConnectRetry, logger); err != nil {
		_ = db.Close()
		return nil, nil, err
	}
	return db, logger, nil
}
