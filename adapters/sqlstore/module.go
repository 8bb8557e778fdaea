package sqlstore

import (
	"context"
	"log/slog"

	"go.uber.org/fx"

	"github.com/todoapi/todo/config"
	"github.com/todoapi/todo/ports"
)

// Module opens the database DATABASE_URL names and provides the task
// repository, the event-stream tickets, the readiness probe and the housekeeping chores over it. At start it logs how it talks
// to the database, waits for it to answer (DB_CONNECT_RETRY), applies
// pending migrations over DATABASE_MIGRATE_URL unless DB_AUTO_MIGRATE=false
// (see ConnectConfig) and warns when its role bypasses row-level security
// (see CheckRowSecurity); at stop it closes the pools.
var Module = fx.Module("sqlstore",
	fx.Provide(
		fx.Annotate(open, fx.ParamTags("", "", "", `optional:"true"`)),
		fx.Annotate(NewTaskRepository, fx.As(new(ports.TaskRepository)), fx.As(new(ports.Pinger)), fx.As(new(ports.Housekeeper))),
		fx.Annotate(NewEventTickets, fx.As(new(ports.EventTickets))),
	),
)

func open(lc fx.Lifecycle, c config.Database, logger *slog.Logger, inst Instrumentation) (*DB, error) {
	db, err := openConfig(c, inst)
	if err != nil {
		return nil, err
	}
	lc.Append(fx.Hook{
		OnStart: func(ctx context.Context) error {
			attrs := []any{"dialect", string(db.Dialect()), "url", db.String()}
			if m := db.StatementMode(); m.Mode != "" {
				attrs = append(attrs, "statement_mode", m.Mode, "statement_mode_from", m.Reason)
			}
			logger.Info("database", attrs...)
			if err := ConnectConfig(ctx, db, c, c.AutoMigrate, logger); err != nil {
				return err
			}
			CheckRowSecurity(ctx, db, logger)
			return nil
		},
		OnStop: func(context.Context) error { return db.Close() },
	})
	return db, nil
}

// ConnectConfig readies db, opened from the settings c, as Connect does,
// with the migrations (when migrate is set) run over c.MigrateURL: over db
// when that is c.URL, else over a pool of its own, as the tables' owner,
// opened for them and closed after.
func ConnectConfig(ctx context.Context, db *DB, c config.Database, migrate bool, logger *slog.Logger) error {
	if !migrate || c.MigrateURL == "" || c.MigrateURL == c.URL {
		return Connect(ctx, db, c.ConnectRetry, migrate, logger)
	}
	if err := Connect(ctx, db, c.ConnectRetry, false, logger); err != nil {
		return err
	}
	owner, err := OpenConfig(c.ForMigrations())
	if err != nil {
		return err
	}
	defer owner.Close()
	return Connect(ctx, owner, c.ConnectRetry, true, logger)
}

// OpenConfig opens the database the settings name, with their pool limits.
func OpenConfig(c config.Database) (*DB, error) {
	return openConfig(c, Instrumentation{})
}

func openConfig(c config.Database, inst Instrumentation) (*DB, error) {
	return Open(c.URL, Options{
		MaxOpenConns:    c.MaxConns,
		MaxIdleConns:    c.MaxIdleConns,
		ConnMaxLifetime: c.ConnMaxLifetime,
		ConnMaxIdleTime: c.ConnMaxIdleTime,
		AppRole:         c.AppRole,
		TracerProvider:  inst.TracerProvider,
	})
}
