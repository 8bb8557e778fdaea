package events

import (
	"go.uber.org/fx"

	"github.com/todoapi/todo/ports"
)

// Module provides the process's hub as ports.ChangeSignals and decorates
// the task repository so that every commit that records a change wakes
// the owner's streams in this process. It is a set of options, not an
// fx.Module: a module's decorations reach only that module, and the use
// cases that write are provided outside it.
var Module = fx.Options(
	fx.Provide(
		NewHub,
		func(h *Hub) ports.ChangeSignals { return h },
	),
	fx.Decorate(func(repo ports.TaskRepository, signals ports.ChangeSignals) ports.TaskRepository {
		return NewRepository(repo, signals)
	}),
)
