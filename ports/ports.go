// Package ports declares what the core needs from the outside world: a place
// to keep tasks, a way to tell who is calling, a clock and an id maker.
// Adapters implement these; the core depends on nothing else.
package ports

import (
	"context"
	"time"

	"github.com/todoapi/todo/core/identity"
	"github.com/todoapi/todo/core/task"
)

// TaskRepository keeps tasks. Every method is scoped by the owner it is given:
// a task owned by anyone else is, to that call, a task that does not exist.
// Every method returns EUNAVAILABLE when the store cannot be reached, so the
// caller can retry later, and EINTERNAL for anything unexpected.
type TaskRepository interface {
	// Create stores a new task. ECONFLICT if a task with its id exists.
	Create(ctx context.Context, t *task.Task) error

	// Get returns the owner's task with the id. ENOTFOUND if there is none.
	Get(ctx context.Context, owner identity.UserID, id task.ID) (*task.Task, error)

	// List returns all of the owner's tasks, newest first (CreatedAt
	// descending, then ID descending); an empty slice when there are none.
	List(ctx context.Context, owner identity.UserID) ([]*task.Task, error)

	// Update reads the owner's task, calls fn on it and stores the result,
	// atomically: no other write to that task lands between the read and the
	// write. fn may run more than once (an adapter may retry on a fresh copy
	// when another write got in first), so it must only change the task it is
	// given. If fn returns an error nothing is stored and Update returns that
	// error. ENOTFOUND if the owner has no such task; ECONFLICT if other
	// writes to the task kept winning until the adapter gave up.
	Update(ctx context.Context, owner identity.UserID, id task.ID, fn func(*task.Task) error) (*task.Task, error)

	// Delete removes the owner's task. ENOTFOUND if there is none.
	Delete(ctx context.Context, owner identity.UserID, id task.ID) error
}

// TokenVerifier turns a bearer token into the principal it names.
type TokenVerifier interface {
	// Verify checks the token's signature, algorithm, lifetime and, where
	// configured, issuer and audience. EUNAUTHORIZED for any token that is
	// not acceptable, with a caller-safe message saying why.
	Verify(ctx context.Context, token string) (identity.Principal, error)
}

// Clock tells the time. Tests pass a fixed one so results are deterministic.
type Clock interface {
	Now() time.Time
}

// IDs makes new task ids (UUID version 7).
type IDs interface {
	NewID() task.ID
}

// Pinger reports whether a dependency is reachable; /readyz asks it.
type Pinger interface {
	// Ping returns EUNAVAILABLE when the dependency cannot be reached.
	Ping(ctx context.Context) error
}
