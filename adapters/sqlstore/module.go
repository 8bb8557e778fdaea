package sqlstore

import (
	"context"
	"fmt"
	"log/slog"

	"go.uber.org/fx"

	"github.com/todoapi/todo/config"
	"github.com/todoapi/todo/ports"
)

// Module opens the database DATABASE_URL names, applies pending migrations at
// start unless DB_AUTO_MIGRATE=false, provides the task repository and the
// readiness probe over it, and closes the pools on stop.
var Module = fx.Module("sqlstore",
	fx.Provide(
		open,
		fx.Annotate(NewTaskRepository, fx.As(new(ports.TaskRepository)), fx.As(new(ports.Pinger))),
	),
)

func open(lc fx.Lifecycle, c config.Config, logger *slog.Logger) (*DB, error) {
	db, err := OpenConfig(c)
	if err != nil {
		return nil, err
	}
	lc.Append(fx.Hook{
		OnStart: func(ctx context.Context) error {
			logger.Info("database", "dialect", string(db.Dialect()), "url", config.RedactURL(c.Database.URL))
			if !c.Database.AutoMigrate {
				return nil
			}
			if _, err := Migrate(ctx, db, logger); err != nil {
				return fmt.Errorf("migrations: %w", err)
			}
			return nil
		},
		OnStop: func(context.Context) error { return db.Close() },
	})
	return db, nil
}

// OpenConfig opens the database the configuration names, with its pool limits.
func OpenConfig(c config.Config) (*DB, error) {
	return Open(c.Database.URL, Options{
		MaxOpenConns:    c.Database.MaxConns,
		MaxIdleConns:    c.Database.MaxIdleConns,
		ConnMaxLifetime: c.Database.ConnMaxLifetime,
	})
}
