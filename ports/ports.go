// Package ports declares what the core needs from the outside world: a place
// to keep tasks, a way to tell who is calling, a clock and an id maker.
// Adapters implement these; the core depends on nothing else.
package ports

import (
	"context"
	"time"

	"github.com/todoapi/todo/core/idempotency"
	"github.com/todoapi/todo/core/identity"
	"github.com/todoapi/todo/core/task"
)

// TaskRepository keeps tasks. Every method is scoped by the owner it is given:
// a task owned by anyone else is, to that call, a task that does not exist.
// Every method returns EUNAVAILABLE when the store cannot be reached, so the
// caller can retry later, and EINTERNAL for anything unexpected.
//
// Reads that need one statement (Get, List) run on their own; everything
// that writes runs in Atomic, one transaction that the store opens, so a
// use case's writes and whatever a store keeps beside them commit together
// or not at all.
type TaskRepository interface {
	// Get returns the owner's task with the id. ENOTFOUND if there is none.
	Get(ctx context.Context, owner identity.UserID, id task.ID) (*task.Task, error)

	// List returns one page of the owner's tasks that q selects, in list
	// order (see task.Position), read from one consistent snapshot. An
	// empty page holds an empty slice.
	List(ctx context.Context, owner identity.UserID, q task.Query) (task.Page, error)

	// Atomic runs fn in one transaction acting for owner. When fn returns
	// nil, all it did through tx is stored at once; when it returns an
	// error, or the commit fails, nothing is, and Atomic returns that
	// error. fn runs once; it must not use tx after it returns.
	Atomic(ctx context.Context, owner identity.UserID, fn func(tx TaskTx) error) error

	// GetKey returns the record stored under the owner's idempotency key.
	// ENOTFOUND if there is none: never stored, or expired and removed.
	GetKey(ctx context.Context, owner identity.UserID, key string) (*idempotency.Record, error)

	// ExpireKeys removes the idempotency records of every owner made
	// before the given time and returns how many it removed.
	ExpireKeys(ctx context.Context, before time.Time) (int64, error)
}

// TaskTx is one transaction of a TaskRepository, acting for one owner.
// A store may hold back a write until the commit, so its errors (ECONFLICT
// for a taken id or key, a key held elsewhere) may come from a later call
// or from Atomic instead of from the call itself.
type TaskTx interface {
	// Get returns the owner's task with the id and keeps other
	// transactions from changing or deleting it until this one ends.
	// ENOTFOUND if there is none.
	Get(ctx context.Context, id task.ID) (*task.Task, error)

	// Create stores a new task of the owner. ECONFLICT if its id is taken.
	Create(ctx context.Context, t *task.Task) error

	// Save stores a task that this transaction read with Get and then
	// changed. The store writes it only over the version Get read.
	// ECONFLICT if that version is no longer the stored one.
	Save(ctx context.Context, t *task.Task) error

	// Delete removes the owner's task that this transaction read with Get.
	// ENOTFOUND if there is none.
	Delete(ctx context.Context, id task.ID) error

	// ClaimKey claims the owner's idempotency key for this transaction:
	// until it ends, no other transaction can claim the key. Call it
	// before anything else. ECONFLICT (idempotency.ErrInFlight) when
	// another transaction holds the key now.
	ClaimKey(ctx context.Context, key string) error

	// SaveKey stores the record under the key this transaction claimed,
	// to commit with everything else the transaction wrote. ECONFLICT
	// (idempotency.ErrTaken) when the key holds a record already.
	SaveKey(ctx context.Context, r idempotency.Record) error
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
