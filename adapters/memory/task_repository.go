// Package memory keeps tasks in a map. It is the repository the core's tests
// run against, and it passes the same contract suite as the SQL stores.
package memory

import (
	"context"
	"slices"
	"sync"
	"time"

	"github.com/todoapi/todo/core/apperr"
	"github.com/todoapi/todo/core/idempotency"
	"github.com/todoapi/todo/core/identity"
	"github.com/todoapi/todo/core/task"
	"github.com/todoapi/todo/ports"
)

var (
	_ ports.TaskRepository = (*TaskRepository)(nil)
	_ ports.Pinger         = (*TaskRepository)(nil)
	_ ports.Housekeeper    = (*TaskRepository)(nil)
)

// TaskRepository is a ports.TaskRepository held in memory. It stores
// snapshots, never the caller's pointers, so a caller changing a task it got
// back cannot change what is stored.
type TaskRepository struct {
	mu    sync.RWMutex
	tasks map[identity.UserID]map[task.ID]task.Snapshot
	owner map[task.ID]identity.UserID // every id taken, whoever owns it
	trash map[identity.UserID]map[task.ID]trashed
	feeds map[identity.UserID]*feed
	jobs  map[string]time.Time // when each housekeeping job may run next
	keys  map[ownedKey]idempotency.Record
}

// ownedKey is an idempotency key of one owner.
type ownedKey struct {
	owner identity.UserID
	key   string
}

// NewTaskRepository returns an empty repository.
func NewTaskRepository() *TaskRepository {
	return &TaskRepository{
		tasks: make(map[identity.UserID]map[task.ID]task.Snapshot),
		owner: make(map[task.ID]identity.UserID),
		trash: make(map[identity.UserID]map[task.ID]trashed),
		feeds: make(map[identity.UserID]*feed),
		jobs:  make(map[string]time.Time),
		keys:  make(map[ownedKey]idempotency.Record),
	}
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
func (r *TaskRepository) List(_ context.Context, owner identity.UserID, q task.Query) (task.Page, error) {
	r.mu.RLock()
	owned := r.tasks[owner]
	list := make([]*task.Task, 0, len(owned))
	total := 0
	for _, s := range owned {
		t := task.FromSnapshot(s)
		if !q.Matches(t) {
			continue
		}
		total++
		if q.After == nil || q.Compare(*q.After, task.PositionOf(t, q.Sort)) < 0 {
			list = append(list, t)
		}
	}
	slices.SortFunc(list, func(a, b *task.Task) int {
		return q.Compare(task.PositionOf(a, q.Sort), task.PositionOf(b, q.Sort))
	})
	list = list[min(q.Offset, len(list)):]
	var page task.Page
	if q.Limit > 0 && len(list) > q.Limit {
		list = list[:q.Limit]
		next := task.PositionOf(list[len(list)-1], q.Sort)
		page.Next = &next
	}
	page.Tasks = list
	if q.Count {
		page.Total = total
	}
	if f := r.feeds[owner]; f != nil {
		page.Head = task.FeedPosition{Epoch: f.epoch, Seq: f.seq}
	}
	r.mu.RUnlock()
	return page, nil
}

// Atomic implements ports.TaskRepository. Transactions run one at a time
// under the write lock (so no key is ever claimed by two); their writes are
// staged in the tx and applied when fn returns nil, so an error leaves the
// repository as it was. Running one at a time, they commit in the order
// they number their changes.
func (r *TaskRepository) Atomic(_ context.Context, owner identity.UserID, fn func(ports.TaskTx) error) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	tx := &tx{r: r, owner: owner, staged: make(map[task.ID]*task.Snapshot), read: make(map[task.ID]int64),
		trash: make(map[task.ID]*trashed)}
	if err := fn(tx); err != nil {
		return err
	}
	owned := r.tasks[owner]
	if owned == nil {
		owned = make(map[task.ID]task.Snapshot)
		r.tasks[owner] = owned
	}
	for id, s := range tx.staged {
		if s == nil {
			delete(owned, id)
			delete(r.owner, id) // taken again below if it went to the trash
			continue
		}
		owned[id] = *s
		r.owner[id] = owner
	}
	r.commitTrash(owner, tx.trash)
	if len(tx.changes) > 0 {
		r.feedOf(owner).append(tx.changes)
	}
	if tx.record != nil {
		r.keys[ownedKey{owner, tx.record.Key}] = *tx.record
	}
	return nil
}

// commitTrash applies a transaction's staged trash: a task put there, or
// nil for one taken out.
func (r *TaskRepository) commitTrash(owner identity.UserID, staged map[task.ID]*trashed) {
	if len(staged) == 0 {
		return
	}
	bin := r.trash[owner]
	if bin == nil {
		bin = make(map[task.ID]trashed)
		r.trash[owner] = bin
	}
	for id, t := range staged {
		if t == nil {
			delete(bin, id)
			if _, live := r.tasks[owner][id]; !live {
				delete(r.owner, id)
			}
			continue
		}
		bin[id] = *t
		r.owner[id] = owner
	}
}

// GetKey implements ports.TaskRepository.
func (r *TaskRepository) GetKey(_ context.Context, owner identity.UserID, key string) (*idempotency.Record, error) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	rec, ok := r.keys[ownedKey{owner, key}]
	if !ok {
		return nil, apperr.Errorf(apperr.ENOTFOUND, "No record under this key.")
	}
	rec.Response = slices.Clone(rec.Response)
	return &rec, nil
}

// ExpireKeys implements ports.TaskRepository.
func (r *TaskRepository) ExpireKeys(_ context.Context, before time.Time) (int64, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	var n int64
	for k, rec := range r.keys {
		if rec.CreatedAt.Before(before) {
			delete(r.keys, k)
			n++
		}
	}
	return n, nil
}

// Ping implements ports.Pinger: memory is always reachable.
func (r *TaskRepository) Ping(context.Context) error { return nil }

// tx is one transaction: what it read and the writes it staged (nil for a
// delete), seen by its own later reads.
type tx struct {
	r       *TaskRepository
	owner   identity.UserID
	staged  map[task.ID]*task.Snapshot
	read    map[task.ID]int64 // the version Get read
	trash   map[task.ID]*trashed
	changes []task.Change
	record  *idempotency.Record
}

func (t *tx) current(id task.ID) (task.Snapshot, bool) {
	if s, ok := t.staged[id]; ok {
		if s == nil {
			return task.Snapshot{}, false
		}
		return *s, true
	}
	s, ok := t.r.tasks[t.owner][id]
	return s, ok
}

func (t *tx) Get(_ context.Context, id task.ID) (*task.Task, error) {
	s, ok := t.current(id)
	if !ok {
		return nil, task.ErrNotFound()
	}
	t.read[id] = s.Version
	return task.FromSnapshot(s), nil
}

func (t *tx) Create(_ context.Context, tk *task.Task, limit int) error {
	id := tk.ID()
	_, taken := t.r.owner[id]
	if s, ok := t.staged[id]; ok {
		taken = s != nil
	}
	if taken {
		return apperr.Errorf(apperr.ECONFLICT, "A task with this id already exists.")
	}
	if err := t.withinLimit(limit); err != nil {
		return err
	}
	s := tk.Snapshot()
	t.staged[id] = &s
	return nil
}

// withinLimit returns ELIMIT when the owner keeps limit tasks or more, as
// this transaction sees them (its staged writes included). Transactions
// run one at a time, so counting is checking: no other can add a task
// in between. The trash holds tasks apart, so it is not counted.
func (t *tx) withinLimit(limit int) error {
	if limit <= 0 {
		return nil
	}
	owned := t.r.tasks[t.owner]
	n := len(owned)
	for id, s := range t.staged {
		_, stored := owned[id]
		switch {
		case s != nil && !stored:
			n++
		case s == nil && stored:
			n--
		}
	}
	if n >= limit {
		return task.ErrLimit(limit, nil)
	}
	return nil
}

func (t *tx) Save(_ context.Context, tk *task.Task) error {
	id := tk.ID()
	read, wasRead := t.read[id]
	s, ok := t.current(id)
	if !wasRead || !ok || s.Version != read {
		return apperr.Errorf(apperr.ECONFLICT, "The task was changed by another request; try again.")
	}
	after := tk.Snapshot()
	t.staged[id] = &after
	t.read[id] = after.Version
	return nil
}

func (t *tx) Delete(_ context.Context, id task.ID) error {
	if _, ok := t.current(id); !ok {
		return task.ErrNotFound()
	}
	t.staged[id] = nil
	return nil
}

// ClaimKey has nothing to do: no other transaction runs while this one does.
func (t *tx) ClaimKey(context.Context, string) error { return nil }

func (t *tx) SaveKey(_ context.Context, rec idempotency.Record) error {
	if _, taken := t.r.keys[ownedKey{t.owner, rec.Key}]; taken || t.record != nil {
		return idempotency.ErrTaken()
	}
	rec.Response = slices.Clone(rec.Response)
	t.record = &rec
	return nil
}
