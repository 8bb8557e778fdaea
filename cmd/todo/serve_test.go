package main

import (
	"context"
	"log/slog"
	"testing"

	"go.uber.org/fx"

	"github.com/todoapi/todo/adapters/memory"
	"github.com/todoapi/todo/adapters/system"
	"github.com/todoapi/todo/config"
	"github.com/todoapi/todo/core/apperr"
	"github.com/todoapi/todo/core/identity"
	"github.com/todoapi/todo/core/task"
)

// The wiring supplies each adapter its own section of the settings and not
// the whole configuration: a module that asked for config.Config would
// leave the graph incomplete.
func TestOptionsGiveEachModuleItsSection(t *testing.T) {
	t.Parallel()
	c := config.Config{Env: config.Development, Database: config.Database{URL: "sqlite:" + t.TempDir() + "/todo.db"}}
	if err := fx.ValidateApp(options(c, slog.New(slog.DiscardHandler))...); err != nil {
		t.Fatalf("the wiring is incomplete: %v", err)
	}
	err := fx.ValidateApp(append(options(c, slog.New(slog.DiscardHandler)), fx.Invoke(func(config.Config) {}))...)
	if err == nil {
		t.Fatal("the whole config.Config is supplied; modules should get only their sections")
	}
}

// MAX_TASKS_PER_USER reaches the use cases: the service that serve wires
// refuses the task past it, and 0 sets no limit.
func TestTaskLimitWired(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	user := identity.Principal{UserID: "alice"}
	for _, limit := range []int{1, 0} {
		svc := newTaskService(memory.NewTaskRepository(), system.Clock{}, system.IDs{}, config.Tasks{MaxPerUser: limit})
		var err error
		for range 2 {
			if _, err = svc.Create(ctx, user, user.UserID, task.Draft{Title: "t"}.Patch()); err != nil {
				break
			}
		}
		if got, want := apperr.CodeOf(err), map[int]apperr.Code{1: apperr.ELIMIT, 0: ""}[limit]; got != want {
			t.Errorf("MAX_TASKS_PER_USER=%d: the second create: %v, want code %q", limit, err, want)
		}
	}
}
