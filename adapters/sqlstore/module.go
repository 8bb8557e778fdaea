package sqlstore

import (
	"context"
	"log/slog"

	"go.uber.org/fx"

	"github.com/todoapi/todo/config"
	"github.com/todoapi/todo/ports"
)

// Module opens the database DATABASE_URL names and provides the task
// repository, the readiness probe and the housekeeping chores over it. At start it logs how it talks
// to the database, waits for it to answer (DB_CONNECT_RETRY) and applies
// pending migrations unless DB_AUTO_MIGRATE=false (see Connect); at stop it
// closes the pools.
var Module = fx.Module("sqlstore",
	fx.Provide(
		open,
		fx.Annotate(NewTaskRepository, fx.As(new(ports.TaskRepository)), fx.As(new(ports.Pinger)), fx.As(new(ports.Housekeeper))),
	),
)

func open(lc fx.Lifecycle, c config.Database, logger *slog.Logger) (*DB, error) {
	db, err := OpenConfig(c)
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
			return Connect(ctx, db, c.ConnectRetry, c.AutoMigrate, logger)
		},
		OnStop: func(context.Context) error { return db.Close() },
	})
	return db, nil
}

// OpenConfig opens the database the settings name, with their pool limits.
func OpenConfig(c config.Database) (*DB, error) {
	return Open(c.URL, Options{
		MaxOpenConns:    c.MaxConns,
		MaxIdleConns:    c.MaxIdleConns,
		ConnMaxLifetime: c.ConnMaxLifetime,
		ConnMaxIdleTime: c.ConnMaxIdleTime,
	})
}
