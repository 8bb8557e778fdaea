package events

import (
	"go.uber.org/fx"

	"github.com/todoapi/todo/ports"
)

// Module provides the process's hub as ports.ChangeSignals and decorates
// the task repository so that every commit that records a change wakes
// the owner's streams in this process.
var Module = fx.Module("events",
	fx.Provide(
		NewHub,
		func(h *Hub) ports.ChangeSignals { return h },
	),
	fx.Decorate(func(repo ports.TaskRepository, signals ports.ChangeSignals) ports.TaskRepository {
		return NewRepository(repo, signals)
	}),
)
