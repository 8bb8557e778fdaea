package main

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/spf13/cobra"
	"go.uber.org/fx"
	"go.uber.org/fx/fxevent"

	"github.com/todoapi/todo/adapters/httpapi"
	"github.com/todoapi/todo/adapters/jwtauth"
	"github.com/todoapi/todo/adapters/ratelimit"
	"github.com/todoapi/todo/adapters/sqlstore"
	"github.com/todoapi/todo/adapters/system"
	"github.com/todoapi/todo/config"
	"github.com/todoapi/todo/core/app"
	"github.com/todoapi/todo/ports"
)

func newServeCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Serve the API (the default command)",
		Long: `serve waits for the database to answer (retrying for up to DB_CONNECT_RETRY),
applies pending migrations (unless DB_AUTO_MIGRATE=false), then serves
the API until SIGINT or SIGTERM, when it stops accepting connections, lets
in-flight requests finish within SHUTDOWN_TIMEOUT, closes the database and
exits 0.`,
		Args: cobra.NoArgs,
		RunE: runServe,
	}
	addConfigFlags(cmd)
	return cmd
}

func runServe(cmd *cobra.Command, _ []string) error {
	c, err := loadConfig(cmd)
	if err != nil {
		return err
	}
	out := newLogBuffer(cmd.ErrOrStderr(), logFlushInterval, logBufferSize)
	defer out.Close()
	logger := slog.New(flushOnLevel{newLogger(c, out).Handler(), slog.LevelWarn, out})
	return serve(cmd.Context(), c, logger, out)
}

// serve runs the service until ctx is done. Its log goes through out, which
// starts batching lines once the service is up (see logBuffer).
func serve(ctx context.Context, c config.Config, logger *slog.Logger, out *logBuffer) error {
	fxApp := fx.New(options(c, logger)...)
	startCtx, cancel := context.WithTimeout(ctx, c.Database.ConnectRetry+startTimeout)
	defer cancel()
	if err := fxApp.Start(startCtx); err != nil {
		return fmt.Errorf("start: %w", err)
	}
	out.Start()
	<-ctx.Done()
	logger.Info("shutting down", "timeout", c.HTTP.ShutdownTimeout.String())
	stopCtx, cancelStop := context.WithTimeout(context.Background(), c.HTTP.ShutdownTimeout+5*time.Second)
	defer cancelStop()
	if err := fxApp.Stop(stopCtx); err != nil {
		return fmt.Errorf("stop: %w", err)
	}
	logger.Info("stopped")
	return nil
}

// startTimeout bounds start-up beyond DB_CONNECT_RETRY, the time allowed
// for a sleeping serverless database to wake: applying migrations and
// fetching keys.
const startTimeout = 2 * time.Minute

// options wires the service: each adapter's module plus the core's use cases.
func options(c config.Config, logger *slog.Logger) []fx.Option {
	return []fx.Option{
		fx.Supply(c, logger),
		fx.WithLogger(func() fxevent.Logger {
			l := &fxevent.SlogLogger{Logger: logger}
			l.UseLogLevel(slog.LevelDebug)
			return l
		}),
		sqlstore.Module,
		jwtauth.Module,
		ratelimit.Module,
		httpapi.Module,
		fx.Provide(
			fx.Annotate(func() system.Clock { return system.Clock{} }, fx.As(new(ports.Clock))),
			fx.Annotate(func() system.IDs { return system.IDs{} }, fx.As(new(ports.IDs))),
			app.NewTaskService,
		),
	}
}
