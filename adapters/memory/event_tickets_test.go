package memory_test

import (
	"testing"

	"github.com/todoapi/todo/adapters/memory"
	"github.com/todoapi/todo/ports"
	"github.com/todoapi/todo/ports/porttest"
)

func TestEventTickets(t *testing.T) {
	shared := memory.NewEventTickets()
	porttest.EventTickets(t, func(*testing.T) ports.EventTickets { return shared })
}
