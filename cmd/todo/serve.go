package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"syscall"
	"time"

	"github.com/spf13/cobra"
	"go.uber.org/fx"
	"go.uber.org/fx/fxevent"

	"github.com/todoapi/todo/adapters/events"
	"github.com/todoapi/todo/adapters/httpapi"
	"github.com/todoapi/todo/adapters/jwtauth"
	"github.com/todoapi/todo/adapters/ratelimit"
	"github.com/todoapi/todo/adapters/sqlstore"
	"github.com/todoapi/todo/adapters/system"
	"github.com/todoapi/todo/adapters/telemetry"
	"github.com/todoapi/todo/config"
	"github.com/todoapi/todo/core/app"
	"github.com/todoapi/todo/internal/logbuffer"
	"github.com/todoapi/todo/ports"
)

func newServeCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Serve the API (the default command)",
		Long: `serve waits for the database to answer (retrying for up to DB_CONNECT_RETRY),
applies pending migrations (unless DB_AUTO_MIGRATE=false), then serves
the API until SIGINT or SIGTERM. Then /readyz answers 503 at once, and for
SHUTDOWN_DRAIN the server keeps answering with Connection: close on every
response; then it stops accepting connections, lets in-flight requests
finish within SHUTDOWN_TIMEOUT, closes the database and exits 0.`,
		Args: cobra.NoArgs,
		RunE: runServe,
	}
	addConfigFlags(cmd, config.Settings)
	return cmd
}

func runServe(cmd *cobra.Command, _ []string) error {
	c, err := loadConfig(cmd)
	if err != nil {
		return err
	}
	out := logbuffer.New(cmd.ErrOrStderr(), logbuffer.FlushInterval, logbuffer.Size)
	defer out.Close()
	logger := slog.New(out.Handler(newLogger(c, out).Handler(), slog.LevelWarn))
	return serve(cmd.Context(), c, logger, out)
}

// serve runs the service until ctx is done. Its log goes through out, which
// starts batching lines once the service is up (see package logbuffer).
func serve(ctx context.Context, c config.Config, logger *slog.Logger, out *logbuffer.Buffer) error {
	logOpenFiles(logger, openFilesLimit())
	fxApp := fx.New(options(c, logger)...)
	startCtx, cancel := context.WithTimeout(ctx, c.Database.ConnectRetry+startTimeout)
	defer cancel()
	if err := fxApp.Start(startCtx); err != nil {
		return fmt.Errorf("start: %w", withHint(err))
	}
	out.Start()
	<-ctx.Done()
	logger.Info("shutting down", "drain", c.HTTP.ShutdownDrain.String(), "timeout", c.HTTP.ShutdownTimeout.String())
	stopCtx, cancelStop := context.WithTimeout(context.Background(), c.HTTP.ShutdownDrain+c.HTTP.ShutdownTimeout+5*time.Second)
	defer cancelStop()
	if err := fxApp.Stop(stopCtx); err != nil {
		return fmt.Errorf("stop: %w", err)
	}
	logger.Info("stopped")
	return nil
}

// withHint adds what to do to the start-up failures whose fix is a setting:
// a listen address that is taken or needs privileges.
func withHint(err error) error {
	var admin *telemetry.ListenError
	if errors.As(err, &admin) {
		return adminHint(admin)
	}
	var op *net.OpError
	if !errors.As(err, &op) || op.Op != "listen" {
		return err
	}
	switch {
	case errors.Is(err, syscall.EADDRINUSE):
		return fmt.Errorf("cannot listen on %s: the address is in use, perhaps by another server; "+
			"choose another port with PORT or --http-addr (HTTP_ADDR)", op.Addr)
	case errors.Is(err, syscall.EACCES):
		return fmt.Errorf("cannot listen on %s: permission denied; "+
			"choose a port above 1023 with PORT or --http-addr (HTTP_ADDR)", op.Addr)
	}
	return err
}

// startTimeout bounds start-up beyond DB_CONNECT_RETRY, the time allowed
// for a sleeping serverless database to wake: applying migrations and
// fetching keys.
const startTimeout = 2 * time.Minute

// options wires the service: each adapter's module, given its own section
// of the settings, plus the core's use cases.
func options(c config.Config, logger *slog.Logger) []fx.Option {
	return []fx.Option{
		fx.Supply(c.HTTP, c.Database, c.Auth, c.RateLimit, c.Telemetry, c.Retention, c.Tasks, logger),
		fx.WithLogger(func() fxevent.Logger {
			// fx's own account of a failure (the hook, the rollback) is for
			// debugging: the error it returns is printed as one line.
			l := &fxevent.SlogLogger{Logger: logger}
			l.UseLogLevel(slog.LevelDebug)
			l.UseErrorLevel(slog.LevelDebug)
			return l
		}),
		sqlstore.Module,
		events.Module,
		// Changes made on other replicas reach this one's streams over
		// PostgreSQL (a no-op on SQLite), woken through the hub.
		sqlstore.LiveModule,
		fx.Provide(func(h *events.Hub) sqlstore.Subscriptions { return h }),
		jwtauth.Module,
		ratelimit.Module,
		httpapi.Module,
		telemetryOptions(),
		housekeeping,
		reminders,
		fx.Provide(
			fx.Annotate(func() system.Clock { return system.Clock{} }, fx.As(new(ports.Clock))),
			fx.Annotate(func() system.IDs { return system.IDs{} }, fx.As(new(ports.IDs))),
			newTaskService,
			app.NewEvents,
		),
		fx.Invoke(expireKeys),
	}
}

// newTaskService makes the use cases with the limits of the settings.
func newTaskService(repo ports.TaskRepository, clock ports.Clock, ids ports.IDs, c config.Tasks) *app.TaskService {
	return app.NewTaskService(repo, clock, ids, app.MaxTasks(c.MaxPerUser))
}
