package events

import (
	"context"

	"github.com/todoapi/todo/core/identity"
	"github.com/todoapi/todo/core/task"
	"github.com/todoapi/todo/ports"
)

// Repository is a ports.TaskRepository that signals the owner's streams in
// this process after each transaction that recorded a change commits.
// Signalling after the commit, never before, is what lets a woken stream
// find the change in the feed.
type Repository struct {
	ports.TaskRepository
	signals ports.ChangeSignals
}

// NewRepository returns repo, signalling to signals.
func NewRepository(repo ports.TaskRepository, signals ports.ChangeSignals) *Repository {
	return &Repository{TaskRepository: repo, signals: signals}
}

// Atomic implements ports.TaskRepository.
func (r *Repository) Atomic(ctx context.Context, owner identity.UserID, fn func(ports.TaskTx) error) error {
	var recorded bool
	err := r.TaskRepository.Atomic(ctx, owner, func(tx ports.TaskTx) error {
		recorded = false // fn runs once, but a store may retry the transaction
		return fn(&recordingTx{TaskTx: tx, recorded: &recorded})
	})
	if err == nil && recorded {
		r.signals.Notify(owner)
	}
	return err
}

// recordingTx notes whether its transaction recorded a change.
type recordingTx struct {
	ports.TaskTx
	recorded *bool
}

func (t *recordingTx) Record(ctx context.Context, c task.Change) error {
	*t.recorded = true
	return t.TaskTx.Record(ctx, c)
}
