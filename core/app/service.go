// Package app holds the use cases of the Todo API. Every use case takes the
// acting principal and the owner whose tasks it touches, and enforces
// ownership itself, so no adapter can forget to.
package app

import (
	"context"

	"github.com/todoapi/todo/core/apperr"
	"github.com/todoapi/todo/core/identity"
	"github.com/todoapi/todo/core/task"
	"github.com/todoapi/todo/ports"
)

// TaskService runs the task use cases over a repository, a clock and an id
// maker.
type TaskService struct {
	repo     ports.TaskRepository
	clock    ports.Clock
	ids      ports.IDs
	maxTasks int // 0: no limit
}

// Option configures a TaskService.
type Option func(*TaskService)

// MaxTasks sets how many tasks one owner may keep, the trash not counted
// (task.DefaultMaxTasks unless set): a create or a restore that would make
// one more is ELIMIT. 0 (or less) sets no limit.
func MaxTasks(n int) Option {
	return func(s *TaskService) { s.maxTasks = max(n, 0) }
}

// NewTaskService returns a TaskService over its ports.
func NewTaskService(repo ports.TaskRepository, clock ports.Clock, ids ports.IDs, opts ...Option) *TaskService {
	s := &TaskService{repo: repo, clock: clock, ids: ids, maxTasks: task.DefaultMaxTasks}
	for _, opt := range opts {
		opt(s)
	}
	return s
}

// limited gives the store's ELIMIT the message that names the limit.
func (s *TaskService) limited(err error) error {
	if apperr.CodeOf(err) == apperr.ELIMIT {
		return task.ErrLimit(s.maxTasks, err)
	}
	return err
}

// authorize returns EFORBIDDEN unless the actor is the owner. It runs before
// anything else a use case does, so a stranger learns nothing about the
// owner's tasks, not even whether an id is well formed.
func authorize(actor identity.Principal, owner identity.UserID) error {
	if !actor.Owns(owner) {
		return apperr.Errorf(apperr.EFORBIDDEN, "You may only access your own tasks.")
	}
	return nil
}

// Create makes a task for the owner from the fields given and stores it.
// EFORBIDDEN unless actor is owner; EINVALID when the fields break a rule
// (a missing title included); ELIMIT when the owner keeps as many tasks as
// the limit allows already (see MaxTasks). Of the options, only Once
// applies: there is no task yet to require anything of. A create refused
// by the limit is a failed write: it stores nothing under its key.
func (s *TaskService) Create(ctx context.Context, actor identity.Principal, owner identity.UserID, in task.Patch, opts ...WriteOption) (*task.Task, error) {
	if err := authorize(actor, owner); err != nil {
		return nil, err
	}
	t, err := task.NewFromPatch(s.ids.NewID(), owner, in, s.clock.Now())
	if err != nil {
		return nil, err
	}
	created, err := s.atomic(ctx, owner, optionsOf(opts), func(tx ports.TaskTx) (*task.Task, error) {
		if err := tx.Create(ctx, t, s.maxTasks); err != nil {
			return nil, err
		}
		return t, tx.Record(ctx, task.Created(t))
	})
	return created, s.limited(err)
}

// Get returns one of the owner's tasks. EFORBIDDEN unless actor is owner;
// ENOTFOUND when the id is malformed or the owner has no such task.
func (s *TaskService) Get(ctx context.Context, actor identity.Principal, owner identity.UserID, taskID string) (*task.Task, error) {
	id, err := s.lookup(actor, owner, taskID)
	if err != nil {
		return nil, err
	}
	return s.repo.Get(ctx, owner, id)
}

// List returns the page of the owner's tasks that q selects, in q's order.
// The service's clock sets q.Now, so "overdue" means overdue now whatever
// the caller passed. EFORBIDDEN unless actor is owner.
func (s *TaskService) List(ctx context.Context, actor identity.Principal, owner identity.UserID, q task.Query) (task.Page, error) {
	if err := authorize(actor, owner); err != nil {
		return task.Page{}, err
	}
	q.Now = s.clock.Now()
	return s.repo.List(ctx, owner, q)
}

// Update changes the fields present in the patch (merge semantics).
// EFORBIDDEN unless actor is owner; ENOTFOUND as for Get; EINVALID when a
// present field breaks a rule, in which case nothing changes. The options
// add a precondition (EPRECONDITION) and an idempotency key (see
// Idempotency), to this write and to every other that takes them.
func (s *TaskService) Update(ctx context.Context, actor identity.Principal, owner identity.UserID, taskID string, p task.Patch, opts ...WriteOption) (*task.Task, error) {
	return s.change(ctx, actor, owner, taskID, opts, func(t *task.Task) error {
		return t.Apply(p, s.clock.Now())
	})
}

// Toggle flips the task's completed flag. Errors as for Update.
func (s *TaskService) Toggle(ctx context.Context, actor identity.Principal, owner identity.UserID, taskID string, opts ...WriteOption) (*task.Task, error) {
	return s.change(ctx, actor, owner, taskID, opts, func(t *task.Task) error {
		t.Toggle(s.clock.Now())
		return nil
	})
}

// SetCompleted sets the task's completed flag. Errors as for Update.
func (s *TaskService) SetCompleted(ctx context.Context, actor identity.Principal, owner identity.UserID, taskID string, done bool, opts ...WriteOption) (*task.Task, error) {
	return s.change(ctx, actor, owner, taskID, opts, func(t *task.Task) error {
		t.SetCompleted(done, s.clock.Now())
		return nil
	})
}

// Delete moves one of the owner's tasks to the trash, from where Restore
// brings it back until it is purged. Errors as for Update.
func (s *TaskService) Delete(ctx context.Context, actor identity.Principal, owner identity.UserID, taskID string, opts ...WriteOption) error {
	id, err := s.lookup(actor, owner, taskID)
	if err != nil {
		return err
	}
	o := optionsOf(opts)
	_, err = s.atomic(ctx, owner, o, func(tx ports.TaskTx) (*task.Task, error) {
		t, err := tx.Get(ctx, id)
		if err != nil {
			return nil, err
		}
		if err := o.pre.Check(t); err != nil {
			return nil, err
		}
		now := s.clock.Now()
		if err := tx.Trash(ctx, t, now); err != nil {
			return nil, err
		}
		return nil, tx.Record(ctx, task.Deleted(id, now))
	})
	return err
}

// change reads the task in a transaction, checks the precondition, applies
// fn and saves the result if fn changed it (a change moves the version
// on). A recurring task that the change completed makes its next
// occurrence in the same transaction, whatever the task limit: refusing to
// complete a task would surprise more than an owner passing the limit by
// one, who then creates nothing more until back under it.
func (s *TaskService) change(ctx context.Context, actor identity.Principal, owner identity.UserID, taskID string, opts []WriteOption, fn func(*task.Task) error) (*task.Task, error) {
	id, err := s.lookup(actor, owner, taskID)
	if err != nil {
		return nil, err
	}
	o := optionsOf(opts)
	return s.atomic(ctx, owner, o, func(tx ports.TaskTx) (*task.Task, error) {
		t, err := tx.Get(ctx, id)
		if err != nil {
			return nil, err
		}
		if err := o.pre.Check(t); err != nil {
			return nil, err
		}
		read := t.Version()
		if err := fn(t); err != nil {
			return nil, err
		}
		if t.Version() == read {
			return t, nil // nothing changed: nothing to store
		}
		if next := t.Recur(s.ids.NewID(), s.clock.Now()); next != nil {
			if err := tx.Create(ctx, next, 0); err != nil {
				return nil, err
			}
			if err := tx.Record(ctx, task.Created(next)); err != nil {
				return nil, err
			}
		}
		if err := tx.Save(ctx, t); err != nil {
			return nil, err
		}
		return t, tx.Record(ctx, task.Updated(t))
	})
}

// lookup authorizes the actor, then parses the task id.
func (s *TaskService) lookup(actor identity.Principal, owner identity.UserID, taskID string) (task.ID, error) {
	if err := authorize(actor, owner); err != nil {
		return task.ID{}, err
	}
	return task.ParseID(taskID)
}
