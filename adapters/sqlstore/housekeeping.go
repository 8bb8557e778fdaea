package sqlstore

import (
	"context"
	"time"

	"github.com/todoapi/todo/core/identity"
	"github.com/todoapi/todo/core/task"
	"github.com/todoapi/todo/ports"
)

var _ ports.Housekeeper = (*TaskRepository)(nil)

// Housekeeping reads across owners (which trashed tasks are old, which
// owners have old changes, which reminders are due) act for no owner: they
// run with an empty owner, the engines' sign of a statement of the service
// itself. Everything that writes an owner's rows runs in a transaction
// acting for that owner.
const noOwner identity.UserID = ""

// Claim implements ports.Housekeeper: an upsert that moves the job's next
// round on only when it is due. Of replicas claiming at once, PostgreSQL
// makes the others wait for the first's row lock and then finds the round
// no longer due; SQLite runs one writer at a time.
func (r *TaskRepository) Claim(ctx context.Context, job string, now time.Time, every time.Duration) (bool, error) {
	ta := r.db.engine.timeArg
	claimed := false
	err := r.db.engine.atomic(ctx, noOwner, func(e txEngine) error {
		return e.exec(ctx, r.feed.claim, []any{job, ta(now.Add(every).Truncate(task.Precision)), ta(now.Truncate(task.Precision))},
			func(n int64) error {
				claimed = n == 1
				return nil
			})
	})
	return claimed, dbError(err)
}

// ExpiredTrash implements ports.Housekeeper.
func (r *TaskRepository) ExpiredTrash(ctx context.Context, before time.Time, limit int) ([]task.TrashRef, error) {
	var out []task.TrashRef
	err := r.db.engine.read(ctx, noOwner, r.feed.expiredTrash, []any{r.db.engine.timeArg(before), int64(limit)}, func(rw row) error {
		var owner string
		var id rowID
		var at timestamp
		if err := rw.scan(&owner, &id, &at); err != nil {
			return err
		}
		out = append(out, task.TrashRef{Owner: identity.UserID(owner), ID: task.ID(id), DeletedAt: time.Time(at).UTC()})
		return nil
	})
	return out, dbError(err)
}

// PruneChanges implements ports.Housekeeper: for each owner with changes
// older than before, in a transaction acting for that owner, the floor
// rises over the oldest run of them, then the changes up to the floor go.
// Replicas pruning at once raise the floor to the same number and delete
// each change once.
func (r *TaskRepository) PruneChanges(ctx context.Context, before time.Time, limit int) (int, error) {
	cut := r.db.engine.timeArg(before)
	var owners []identity.UserID
	err := r.db.engine.read(ctx, noOwner, r.feed.pruneOwners, []any{cut, int64(limit)}, func(rw row) error {
		var owner string
		err := rw.scan(&owner)
		owners = append(owners, identity.UserID(owner))
		return err
	})
	if err != nil {
		return 0, dbError(err)
	}
	removed := 0
	for _, owner := range owners {
		err := r.db.engine.atomic(ctx, owner, func(e txEngine) error {
			if err := e.exec(ctx, r.feed.pruneFloor, []any{string(owner), cut}, nil); err != nil {
				return err
			}
			return e.exec(ctx, r.feed.pruneDelete, []any{string(owner)}, func(n int64) error {
				removed += int(n)
				return nil
			})
		})
		if err != nil {
			return removed, dbError(err)
		}
	}
	return removed, nil
}
