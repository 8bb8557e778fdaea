// Package memory keeps tasks in a map. It is the repository the core's tests
// run against, and it passes the same contract suite as the SQL stores.
package memory

import (
	"bytes"
	"context"
	"sort"
	"sync"

	"github.com/todoapi/todo/core/apperr"
	"github.com/todoapi/todo/core/identity"
	"github.com/todoapi/todo/core/task"
	"github.com/todoapi/todo/ports"
)

var _ ports.TaskRepository = (*TaskRepository)(nil)

// TaskRepository is a ports.TaskRepository held in memory. It stores
// snapshots, never the caller's pointers, so a caller changing a task it got
// back cannot change what is stored.
type TaskRepository struct {
	mu    sync.RWMutex
	tasks map[identity.UserID]map[task.ID]task.Snapshot
}

// NewTaskRepository returns an empty repository.
func NewTaskRepository() *TaskRepository {
	return &TaskRepository{tasks: make(map[identity.UserID]map[task.ID]task.Snapshot)}
}

// Create implements ports.TaskRepository.
func (r *TaskRepository) Create(_ context.Context, t *task.Task) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, owned := range r.tasks {
		if _, ok := owned[t.ID()]; ok {
			return apperr.Errorf(apperr.ECONFLICT, "A task with this id already exists.")
		}
	}
	owned := r.tasks[t.Owner()]
	if owned == nil {
		owned = make(map[task.ID]task.Snapshot)
		r.tasks[t.Owner()] = owned
	}
	owned[t.ID()] = t.Snapshot()
	return nil
}

// Get implements ports.TaskRepository.
func (r *TaskRepository) Get(_ context.Context, owner identity.UserID, id task.ID) (*task.Task, error) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	s, ok := r.tasks[owner][id]
	if !ok {
		return nil, task.ErrNotFound()
	}
	return task.FromSnapshot(s), nil
}

// List implements ports.TaskRepository.
func (r *TaskRepository) List(_ context.Context, owner identity.UserID) ([]*task.Task, error) {
	r.mu.RLock()
	owned := r.tasks[owner]
	list := make([]*task.Task, 0, len(owned))
	for _, s := range owned {
		list = append(list, task.FromSnapshot(s))
	}
	r.mu.RUnlock()
	sort.Slice(list, func(i, j int) bool {
		a, b := list[i], list[j]
		if !a.CreatedAt().Equal(b.CreatedAt()) {
			return a.CreatedAt().After(b.CreatedAt())
		}
		ai, bi := a.ID(), b.ID()
		return bytes.Compare(ai[:], bi[:]) > 0
	})
	return list, nil
}

// Update implements ports.TaskRepository. The write lock is held while fn
// runs, which makes the read-change-write atomic.
func (r *TaskRepository) Update(_ context.Context, owner identity.UserID, id task.ID, fn func(*task.Task) error) (*task.Task, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	s, ok := r.tasks[owner][id]
	if !ok {
		return nil, task.ErrNotFound()
	}
	t := task.FromSnapshot(s)
	if err := fn(t); err != nil {
		return nil, err
	}
	r.tasks[owner][id] = t.Snapshot()
	return t, nil
}

// Delete implements ports.TaskRepository.
func (r *TaskRepository) Delete(_ context.Context, owner identity.UserID, id task.ID) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if _, ok := r.tasks[owner][id]; !ok {
		return task.ErrNotFound()
	}
	delete(r.tasks[owner], id)
	return nil
}

// Ping implements ports.Pinger: memory is always reachable.
func (r *TaskRepository) Ping(context.Context) error { return nil }
