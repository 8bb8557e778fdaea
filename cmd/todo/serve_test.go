package main

import (
	"log/slog"
	"testing"

	"go.uber.org/fx"

	"github.com/todoapi/todo/config"
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
