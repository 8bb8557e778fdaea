package httpapi_test

import (
	"context"
	"encoding/json"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"go.uber.org/fx"

	"github.com/todoapi/todo/adapters/httpapi"
	"github.com/todoapi/todo/adapters/memory"
	"github.com/todoapi/todo/adapters/system"
	"github.com/todoapi/todo/config"
	"github.com/todoapi/todo/core/app"
	"github.com/todoapi/todo/internal/testkit"
	"github.com/todoapi/todo/ports"
)

// MustApp starts the module in an fx application listening on addr and
// returns it with the server it runs, addressed over the network.
func MustApp(t *testing.T, addr string) (*fx.App, *Server, error) {
	t.Helper()
	logs := &testkit.Buffer{}
	repo := &faultyRepo{TaskRepository: memory.NewTaskRepository()}
	c := config.HTTP{Addr: addr, AllowedOrigins: []string{allowedOrigin}, ShutdownTimeout: time.Second}
	fxApp := fx.New(
		fx.NopLogger,
		fx.Supply(c, slog.New(slog.NewJSONHandler(logs, nil))),
		fx.Provide(
			func() *app.TaskService { return app.NewTaskService(repo, system.Clock{}, system.IDs{}) },
			func() ports.TokenVerifier { return tokens{} },
			func() ports.Pinger { return repo },
		),
		httpapi.Module,
	)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := fxApp.Start(ctx); err != nil {
		return nil, nil, err
	}
	var line struct{ Addr, Docs string }
	for _, l := range strings.Split(logs.String(), "\n") {
		if strings.Contains(l, `"msg":"listening"`) {
			_ = json.Unmarshal([]byte(l), &line)
		}
	}
	if line.Addr == "" {
		t.Fatalf("no listening line in %s", logs.String())
	}
	if want := "http://" + line.Addr + "/docs"; line.Docs != want {
		t.Fatalf("the listening line names the docs at %q, want %q", line.Docs, want)
	}
	return fxApp, &Server{url: "http://" + line.Addr, repo: repo, logs: logs}, nil
}

// TestModule checks the server's life: it serves once started, a taken
// address fails start-up, and after stop nothing listens.
func TestModule(t *testing.T) {
	t.Parallel()
	fxApp, s, err := MustApp(t, "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	user := NewUser()
	MustCreate(t, s, tasksPaths, user, `{"title":"over the wire"}`)
	MustStatus(t, s.MustDo(t, Req{Method: "GET", Path: "/healthz"}), http.StatusOK)

	if _, _, err := MustApp(t, strings.TrimPrefix(s.url, "http://")); err == nil {
		t.Fatal("a second server started on a taken address")
	}
	if err := fxApp.Stop(context.Background()); err != nil {
		t.Fatal(err)
	}
	if conn, err := net.Dial("tcp", strings.TrimPrefix(s.url, "http://")); err == nil {
		conn.Close()
		t.Fatal("still listening after stop")
	}
}
