package memory_test

import (
	"testing"

	"github.com/todoapi/todo/adapters/memory"
	"github.com/todoapi/todo/ports"
	"github.com/todoapi/todo/ports/porttest"
)

func TestTaskRepository(t *testing.T) {
	shared := memory.NewTaskRepository()
	porttest.TaskRepository(t, func(*testing.T) ports.TaskRepository { return shared })
}
