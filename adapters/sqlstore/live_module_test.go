package sqlstore_test

import (
	"context"
	"log/slog"
	"strings"
	"testing"
	"time"

	"go.uber.org/fx"
	"go.uber.org/fx/fxtest"
	"go.uber.org/goleak"

	"github.com/todoapi/todo/adapters/events"
	"github.com/todoapi/todo/adapters/sqlstore"
	"github.com/todoapi/todo/adapters/sqlstore/sqlstoretest"
	"github.com/todoapi/todo/config"
	"github.com/todoapi/todo/internal/testkit"
)

// LiveModule logs at start which way changes travel, listening on a direct
// connection or, through a pooler without DATABASE_LISTEN_URL, warning and
// polling; either way fx's stop ends it and leaves no goroutine behind.
// Not parallel: goleak looks at every goroutine of the process.
func TestLiveModuleStopsCleanly(t *testing.T) {
	roles := mustMigratedRoles(t)
	pooled := sqlstoretest.MustStartPgBouncer(t, roles.AppURL)
	for _, tt := range []struct {
		name, url string
		wantLog   []string
	}{
		{"Listen", roles.AppURL, []string{"level=INFO", "LISTEN/NOTIFY", "listen_url=", "todo_changes"}},
		{"Poll", withParam(t, pooled, "pgbouncer", "true"), []string{"level=WARN", "DATABASE_LISTEN_URL", "every 10ms", "events_poll_interval=10ms"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			db := sqlstoretest.MustOpen(t, tt.url, sqlstore.Options{})
			if err := db.Ping(context.Background()); err != nil { // the pool's own goroutines start here
				t.Fatal(err)
			}
			hub := events.NewHub()
			c, cancel := hub.Subscribe("alice")
			defer cancel()
			logs := &testkit.Buffer{}
			logger := slog.New(slog.NewTextHandler(logs, nil))
			before := goleak.IgnoreCurrent()

			app := fxtest.New(t,
				fx.Supply(config.Database{URL: tt.url, EventsPoll: 10 * time.Millisecond}, logger, db),
				fx.Provide(func() sqlstore.Subscriptions { return hub }),
				sqlstore.LiveModule,
			)
			app.RequireStart()
			mustSignal(t, c, "the first LISTEN, or the first poll")
			for _, want := range tt.wantLog {
				if !strings.Contains(logs.String(), want) {
					t.Errorf("start-up log lacks %q:\n%s", want, logs)
				}
			}
			app.RequireStop()
			goleak.VerifyNone(t, before)
		})
	}
}

// On SQLite the module does nothing but say so.
func TestLiveModuleOnSQLite(t *testing.T) {
	db := sqlstoretest.MustOpenSQLite(t, sqlstore.Options{})
	logs := &testkit.Buffer{}
	app := fxtest.New(t,
		fx.Supply(config.Database{URL: "sqlite:unused"}, slog.New(slog.NewTextHandler(logs, nil)), db),
		fx.Provide(func() sqlstore.Subscriptions { return events.NewHub() }),
		sqlstore.LiveModule,
	)
	app.RequireStart().RequireStop()
	if !strings.Contains(logs.String(), "within this process") {
		t.Errorf("start-up log does not say how events travel:\n%s", logs)
	}
}
