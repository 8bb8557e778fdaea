package memory

import (
	"context"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/todoapi/todo/core/apperr"
	"github.com/todoapi/todo/core/identity"
	"github.com/todoapi/todo/core/task"
)

// trashed is a task in the trash, as stored.
type trashed struct {
	Task      *task.Snapshot
	DeletedAt time.Time
}

func (t trashed) get() task.Trashed {
	return task.Trashed{Task: task.FromSnapshot(*t.Task), DeletedAt: t.DeletedAt}
}

// feed is an owner's change feed: the changes kept, numbered from floor+1
// to seq without gaps.
type feed struct {
	epoch   int64
	seq     int64 // the last change's number
	floor   int64 // the last change no longer kept
	changes []task.Change
}

func (r *TaskRepository) feedOf(owner identity.UserID) *feed {
	f := r.feeds[owner]
	if f == nil {
		f = &feed{epoch: rand.Int64N(1<<62) + 1}
		r.feeds[owner] = f
	}
	return f
}

// append numbers the changes on from the feed's head and keeps copies.
func (f *feed) append(changes []task.Change) {
	for _, c := range changes {
		f.seq++
		c.Seq = f.seq
		if c.Task != nil {
			c.Task = task.FromSnapshot(c.Task.Snapshot())
		}
		f.changes = append(f.changes, c)
	}
}

// ListTrash implements ports.TaskRepository.
func (r *TaskRepository) ListTrash(_ context.Context, owner identity.UserID, q task.TrashQuery) (task.TrashPage, error) {
	r.mu.RLock()
	list := make([]task.Trashed, 0, len(r.trash[owner]))
	for _, t := range r.trash[owner] {
		tr := t.get()
		if q.After == nil || q.After.Compare(task.PositionInTrash(tr)) < 0 {
			list = append(list, tr)
		}
	}
	r.mu.RUnlock()
	slices.SortFunc(list, func(a, b task.Trashed) int { return task.PositionInTrash(a).Compare(task.PositionInTrash(b)) })
	list = list[min(q.Offset, len(list)):]
	var page task.TrashPage
	if q.Limit > 0 && len(list) > q.Limit {
		list = list[:q.Limit]
		next := task.PositionInTrash(list[len(list)-1])
		page.Next = &next
	}
	page.Tasks = list
	return page, nil
}

// Changes implements ports.TaskRepository.
func (r *TaskRepository) Changes(_ context.Context, owner identity.UserID, after int64, limit int) (task.ChangePage, error) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	page := task.ChangePage{Changes: []task.Change{}}
	f := r.feeds[owner]
	if f == nil {
		return page, nil
	}
	page.Head, page.Floor = task.FeedPosition{Epoch: f.epoch, Seq: f.seq}, f.floor
	i, _ := slices.BinarySearchFunc(f.changes, after+1, func(c task.Change, seq int64) int { return int(c.Seq - seq) })
	rest := f.changes[i:]
	if limit > 0 && len(rest) > limit {
		rest, page.More = rest[:limit], true
	}
	for _, c := range rest {
		if c.Task != nil {
			c.Task = task.FromSnapshot(c.Task.Snapshot())
		}
		page.Changes = append(page.Changes, c)
	}
	return page, nil
}

// Claim implements ports.Housekeeper.
func (r *TaskRepository) Claim(_ context.Context, job string, now time.Time, every time.Duration) (bool, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if next, ok := r.jobs[job]; ok && next.After(now) {
		return false, nil
	}
	r.jobs[job] = now.Add(every)
	return true, nil
}

// ExpiredTrash implements ports.Housekeeper.
func (r *TaskRepository) ExpiredTrash(_ context.Context, before time.Time, limit int) ([]task.TrashRef, error) {
	r.mu.RLock()
	var out []task.TrashRef
	for owner, bin := range r.trash {
		for id, t := range bin {
			if t.DeletedAt.Before(before) {
				out = append(out, task.TrashRef{Owner: owner, ID: id, DeletedAt: t.DeletedAt})
			}
		}
	}
	r.mu.RUnlock()
	slices.SortFunc(out, func(a, b task.TrashRef) int { return a.DeletedAt.Compare(b.DeletedAt) })
	return out[:min(limit, len(out))], nil
}

// PruneChanges implements ports.Housekeeper.
func (r *TaskRepository) PruneChanges(_ context.Context, before time.Time, limit int) (int, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	removed, owners := 0, 0
	for _, f := range r.feeds {
		if owners >= limit {
			break
		}
		// The oldest run made before the cut: up to the first change made since.
		n := slices.IndexFunc(f.changes, func(c task.Change) bool { return !c.At.Before(before) })
		if n < 0 {
			n = len(f.changes)
		}
		if n == 0 {
			continue
		}
		f.floor = f.changes[n-1].Seq
		f.changes = slices.Delete(f.changes, 0, n)
		removed += n
		owners++
	}
	return removed, nil
}

func (t *tx) Trash(_ context.Context, tk *task.Task, at time.Time) error {
	id := tk.ID()
	read, wasRead := t.read[id]
	s, ok := t.current(id)
	if !wasRead || !ok || s.Version != read {
		return apperr.Errorf(apperr.ECONFLICT, "The task was changed by another request; try again.")
	}
	t.staged[id] = nil
	t.trash[id] = &trashed{Task: &s, DeletedAt: at.UTC().Truncate(task.Precision)}
	delete(t.read, id)
	return nil
}

// trashed returns the owner's trashed task as this transaction sees it.
func (t *tx) trashed(id task.ID) (trashed, bool) {
	if tr, ok := t.trash[id]; ok {
		if tr == nil {
			return trashed{}, false
		}
		return *tr, true
	}
	tr, ok := t.r.trash[t.owner][id]
	return tr, ok
}

func (t *tx) GetTrashed(_ context.Context, id task.ID) (task.Trashed, error) {
	tr, ok := t.trashed(id)
	if !ok {
		return task.Trashed{}, task.ErrNotFound()
	}
	return tr.get(), nil
}

func (t *tx) Restore(_ context.Context, tk *task.Task, limit int) error {
	id := tk.ID()
	if _, ok := t.trashed(id); !ok {
		return task.ErrNotFound()
	}
	if _, live := t.current(id); live {
		return apperr.Errorf(apperr.ECONFLICT, "A task with this id already exists.")
	}
	if err := t.withinLimit(limit); err != nil {
		return err
	}
	s := tk.Snapshot()
	t.trash[id] = nil
	t.staged[id] = &s
	return nil
}

func (t *tx) Purge(_ context.Context, id task.ID) error {
	if _, ok := t.trashed(id); !ok {
		return task.ErrNotFound()
	}
	t.trash[id] = nil
	return nil
}

func (t *tx) Record(_ context.Context, c task.Change) error {
	t.changes = append(t.changes, c)
	return nil
}
