package app

import (
	"context"
	"time"

	"github.com/todoapi/todo/core/apperr"
	"github.com/todoapi/todo/core/identity"
	"github.com/todoapi/todo/core/task"
	"github.com/todoapi/todo/ports"
)

// ListTrash returns the page of the owner's trashed tasks that q selects,
// the most recently deleted first. EFORBIDDEN unless actor is owner.
func (s *TaskService) ListTrash(ctx context.Context, actor identity.Principal, owner identity.UserID, q task.TrashQuery) (task.TrashPage, error) {
	if err := authorize(actor, owner); err != nil {
		return task.TrashPage{}, err
	}
	return s.repo.ListTrash(ctx, owner, q)
}

// Restore takes one of the owner's tasks out of the trash and puts it back
// as it was; being a change, the restore moves its version on. It takes
// the write options of Update (a precondition on the trashed task's
// version, an idempotency key). EFORBIDDEN unless actor is owner;
// ENOTFOUND when the id is malformed or the owner has no such task in the
// trash (a live task included); EPRECONDITION as for Update; ELIMIT as for
// Create, when the owner keeps as many tasks as the limit allows already.
func (s *TaskService) Restore(ctx context.Context, actor identity.Principal, owner identity.UserID, taskID string, opts ...WriteOption) (*task.Task, error) {
	id, err := s.lookup(actor, owner, taskID)
	if err != nil {
		return nil, err
	}
	o := optionsOf(opts)
	restored, err := s.atomic(ctx, owner, o, func(tx ports.TaskTx) (*task.Task, error) {
		tr, err := tx.GetTrashed(ctx, id)
		if err != nil {
			return nil, err
		}
		t := tr.Task
		if err := o.pre.Check(t); err != nil {
			return nil, err
		}
		t.Restore(s.clock.Now())
		if err := tx.Restore(ctx, t, s.maxTasks); err != nil {
			return nil, err
		}
		return t, tx.Record(ctx, task.Restored(t))
	})
	return restored, s.limited(err)
}

// Purge removes one of the owner's trashed tasks for good. Errors as for
// Restore.
func (s *TaskService) Purge(ctx context.Context, actor identity.Principal, owner identity.UserID, taskID string) error {
	id, err := s.lookup(actor, owner, taskID)
	if err != nil {
		return err
	}
	_, err = s.purge(ctx, owner, id, time.Time{})
	return err
}

// purge removes a trashed task for good, with its purged change, in one
// transaction that locks it first, so that of several transactions racing
// to purge it (replicas' housekeeping) one does and the others find it
// gone. With deletedBefore set, a task deleted since then (restored and
// deleted again) stays. It reports whether it purged; ENOTFOUND when the
// task is not in the trash.
func (s *TaskService) purge(ctx context.Context, owner identity.UserID, id task.ID, deletedBefore time.Time) (bool, error) {
	purged := false
	err := s.repo.Atomic(ctx, owner, func(tx ports.TaskTx) error {
		tr, err := tx.GetTrashed(ctx, id)
		if err != nil {
			return err
		}
		if !deletedBefore.IsZero() && !tr.DeletedAt.Before(deletedBefore) {
			return nil
		}
		if err := tx.Purge(ctx, id); err != nil {
			return err
		}
		purged = true
		return tx.Record(ctx, task.Purged(id, s.clock.Now()))
	})
	return purged, err
}

// Changes returns up to limit of the owner's changes after since, in
// commit order, with where the feed stands; a nil since reads from the
// oldest change kept. EFORBIDDEN unless actor is owner; EINVALID for a
// limit outside 1 to task.MaxChangeLimit; EGONE when since was never
// issued by the owner's feed or is older than the oldest change kept, so
// the client must list the tasks again.
func (s *TaskService) Changes(ctx context.Context, actor identity.Principal, owner identity.UserID, since *task.FeedPosition, limit int) (task.ChangePage, error) {
	if err := authorize(actor, owner); err != nil {
		return task.ChangePage{}, err
	}
	if limit < 1 || limit > task.MaxChangeLimit {
		return task.ChangePage{}, apperr.Errorf(apperr.EINVALID, "limit: must be a whole number from 1 to %d", task.MaxChangeLimit)
	}
	var after int64
	if since != nil {
		after = max(since.Seq, 0)
	}
	page, err := s.repo.Changes(ctx, owner, after, limit)
	if err != nil {
		return task.ChangePage{}, err
	}
	if err := page.CheckSince(since); err != nil {
		return task.ChangePage{}, err
	}
	return page, nil
}
