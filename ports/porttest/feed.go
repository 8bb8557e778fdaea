package porttest

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/todoapi/todo/core/identity"
	"github.com/todoapi/todo/core/task"
	"github.com/todoapi/todo/internal/testkit"
	"github.com/todoapi/todo/ports"
)

// CreateRecorded stores a new task with its created change, as the use
// case does, under the default task limit.
func CreateRecorded(ctx context.Context, r ports.TaskRepository, t *task.Task) error {
	return r.Atomic(ctx, t.Owner(), func(tx ports.TaskTx) error {
		if err := tx.Create(ctx, t, task.DefaultMaxTasks); err != nil {
			return err
		}
		return tx.Record(ctx, task.Created(t))
	})
}

// UpdateRecorded changes the owner's task as Update does, with its updated
// change.
func UpdateRecorded(ctx context.Context, r ports.TaskRepository, owner identity.UserID, id task.ID, fn func(*task.Task)) (*task.Task, error) {
	var t *task.Task
	err := r.Atomic(ctx, owner, func(tx ports.TaskTx) error {
		var err error
		if t, err = tx.Get(ctx, id); err != nil {
			return err
		}
		fn(t)
		if err := tx.Save(ctx, t); err != nil {
			return err
		}
		return tx.Record(ctx, task.Updated(t))
	})
	return t, err
}

// MustChanges reads the owner's whole feed after after, page by page.
func MustChanges(t *testing.T, r ports.TaskRepository, owner identity.UserID, after int64, limit int) []task.Change {
	t.Helper()
	var out []task.Change
	for {
		page, err := r.Changes(context.Background(), owner, after, limit)
		if err != nil {
			t.Fatalf("Changes after %d: %v", after, err)
		}
		out = append(out, page.Changes...)
		if !page.More {
			return out
		}
		if len(page.Changes) == 0 {
			t.Fatalf("Changes after %d: an empty page with more to come", after)
		}
		after = page.Changes[len(page.Changes)-1].Seq
	}
}

// testFeed records a change of every kind and reads them back: numbered
// from 1 in the order recorded, each with the task as it was then (none
// for a tombstone), in pages; the owner's only.
func testFeed(t *testing.T, r ports.TaskRepository) {
	ctx := context.Background()
	owner := RandomOwner()
	empty, err := r.Changes(ctx, owner, 0, 10)
	if err != nil || len(empty.Changes) != 0 || empty.Changes == nil || empty.Head != (task.FeedPosition{}) || empty.Floor != 0 || empty.More {
		t.Fatalf("a new owner's feed = %+v, %v; want empty, at the zero position", empty, err)
	}
	first, _ := task.New(RandomID(), owner, task.Draft{Title: "first"}, base)
	if err := CreateRecorded(ctx, r, first); err != nil {
		t.Fatalf("Create: %v", err)
	}
	v2, err := UpdateRecorded(ctx, r, owner, first.ID(), func(tk *task.Task) { tk.Toggle(base.Add(time.Second)) })
	if err != nil {
		t.Fatalf("Update: %v", err)
	}
	deletedAt := base.Add(time.Minute)
	if err := MoveToTrash(ctx, r, owner, first.ID(), deletedAt); err != nil {
		t.Fatalf("Trash: %v", err)
	}
	v3, err := RestoreFromTrash(ctx, r, owner, first.ID(), base.Add(2*time.Minute))
	if err != nil {
		t.Fatalf("Restore: %v", err)
	}
	if err := MoveToTrash(ctx, r, owner, first.ID(), deletedAt); err != nil {
		t.Fatalf("Trash: %v", err)
	}
	if err := PurgeFromTrash(ctx, r, owner, first.ID(), base.Add(time.Hour)); err != nil {
		t.Fatalf("Purge: %v", err)
	}
	// A failed transaction records nothing.
	boom := errors.New("boom")
	err = r.Atomic(ctx, owner, func(tx ports.TaskTx) error {
		if err := tx.Record(ctx, task.Created(first)); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("Atomic = %v, want fn's error", err)
	}
	MustCreate(t, r, RandomOwner(), "someone else's", base) // no change of the owner's

	want := []task.Change{task.Created(first), task.Updated(v2), task.Deleted(first.ID(), deletedAt),
		task.Restored(v3), task.Deleted(first.ID(), deletedAt), task.Purged(first.ID(), base.Add(time.Hour))}
	for _, limit := range []int{1, 2, 4, 6, 100} {
		got := MustChanges(t, r, owner, 0, limit)
		assertChanges(t, fmt.Sprint("limit ", limit), got, want, 1)
	}
	page, err := r.Changes(ctx, owner, 4, 1)
	if err != nil || len(page.Changes) != 1 || page.Changes[0].Seq != 5 || !page.More ||
		page.Head.Seq != 6 || page.Head.Epoch == 0 || page.Floor != 0 {
		t.Fatalf("Changes after 4, limit 1 = %+v, %v; want change 5, more, head 6 of a set epoch", page, err)
	}
	if rest := MustChanges(t, r, owner, 6, 10); len(rest) != 0 {
		t.Fatalf("Changes after the head = %d changes, want none", len(rest))
	}
	list, err := r.List(ctx, owner, task.Query{Limit: 10})
	if err != nil || list.Head != page.Head {
		t.Fatalf("List's Head = %+v, %v; want the feed's %+v", list.Head, err, page.Head)
	}
}

// assertChanges compares a feed read with the changes recorded, the first
// numbered from.
func assertChanges(t *testing.T, name string, got, want []task.Change, from int64) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d changes, want %d", name, len(got), len(want))
	}
	for i, g := range got {
		w := want[i]
		if g.Seq != from+int64(i) || g.Op != w.Op || g.TaskID != w.TaskID || !g.At.Equal(w.At) || g.At.Location() != time.UTC {
			t.Fatalf("%s: change %d = #%d %s %s at %v; want #%d %s %s at %v", name, i, g.Seq, g.Op, g.TaskID, g.At,
				from+int64(i), w.Op, w.TaskID, w.At)
		}
		if (g.Task == nil) != (w.Task == nil) {
			t.Fatalf("%s: change %d (%s) carries task %v, want %v", name, i, g.Op, g.Task != nil, w.Task != nil)
		}
		if w.Task != nil {
			assertSame(t, g.Task, w.Task)
		}
	}
}

// testFeedNeverSkips runs writers at once while a reader polls the feed
// from where it last stopped, as a syncing client does. A feed that gave
// out numbers before commit could let the reader pass a number whose
// transaction had not committed yet, and skip that change for ever: every
// acknowledged change must arrive exactly once, each writer's in the order
// it made them, and the contended task's versions one after another.
func testFeedNeverSkips(t *testing.T, r ports.TaskRepository) {
	ctx := context.Background()
	owner := RandomOwner()
	const writers, rounds = 8, 12
	shared, _ := task.New(RandomID(), owner, task.Draft{Title: "contended"}, base)
	if err := CreateRecorded(ctx, r, shared); err != nil {
		t.Fatalf("Create: %v", err)
	}
	var (
		mu   sync.Mutex
		acks = map[task.ID][]task.ChangeOp{shared.ID(): {task.ChangeCreated}} // per task, in the order acknowledged
		done atomic.Bool
		read []task.Change
	)
	ack := func(id task.ID, op task.ChangeOp) {
		mu.Lock()
		acks[id] = append(acks[id], op)
		mu.Unlock()
	}
	reader := make(chan error, 1)
	go func() {
		var after int64
		for {
			finished := done.Load() // read before the poll: a last poll follows the last write
			page, err := r.Changes(ctx, owner, after, 5)
			if err != nil {
				reader <- err
				return
			}
			read = append(read, page.Changes...)
			if n := len(page.Changes); n > 0 {
				after = page.Changes[n-1].Seq
			}
			if finished && !page.More {
				reader <- nil
				return
			}
			if len(page.Changes) == 0 {
				time.Sleep(time.Millisecond) // leave the writers the database
			}
		}
	}()

	errs := make(chan error, writers)
	testkit.AllAtOnce(writers, func(w int) {
		errs <- write(ctx, r, owner, shared.ID(), w, rounds, ack)
	})
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatalf("writer: %v", err)
		}
	}
	done.Store(true)
	if err := <-reader; err != nil {
		t.Fatalf("reader: %v", err)
	}

	total := 0
	for _, ops := range acks {
		total += len(ops)
	}
	if len(read) != total {
		t.Fatalf("the reader got %d changes, %d were acknowledged: a change was skipped or repeated", len(read), total)
	}
	seen := map[task.ID][]task.ChangeOp{}
	versions := map[task.ID]int64{}
	for i, c := range read {
		if c.Seq != int64(i+1) {
			t.Fatalf("change %d is numbered %d: numbers must run 1, 2, 3... in the order read", i, c.Seq)
		}
		seen[c.TaskID] = append(seen[c.TaskID], c.Op)
		if c.Task != nil {
			if v := c.Task.Version(); v <= versions[c.TaskID] {
				t.Fatalf("change %d: task %s at version %d after version %d: out of commit order", c.Seq, c.TaskID, v, versions[c.TaskID])
			}
			versions[c.TaskID] = c.Task.Version()
		}
	}
	for id, ops := range acks {
		if fmt.Sprint(seen[id]) != fmt.Sprint(ops) {
			t.Fatalf("task %s: the feed has %v, the writer made %v", id, seen[id], ops)
		}
	}
	if want := int64(1 + writers*rounds); versions[shared.ID()] != want {
		t.Fatalf("the contended task ends at version %d in the feed, want %d", versions[shared.ID()], want)
	}
}

// write is one writer of testFeedNeverSkips: it creates a task of its own,
// then in each round changes it and flips the contended task, and at the
// end deletes and restores its own.
func write(ctx context.Context, r ports.TaskRepository, owner identity.UserID, shared task.ID, w, rounds int,
	ack func(task.ID, task.ChangeOp)) error {
	own, _ := task.New(RandomID(), owner, task.Draft{Title: fmt.Sprint("writer ", w)}, base)
	if err := CreateRecorded(ctx, r, own); err != nil {
		return err
	}
	ack(own.ID(), task.ChangeCreated)
	for i := range rounds {
		if _, err := UpdateRecorded(ctx, r, owner, own.ID(), func(tk *task.Task) {
			_ = tk.Apply(task.Patch{Title: task.Set(fmt.Sprint("writer ", w, " round ", i))}, base)
		}); err != nil {
			return err
		}
		ack(own.ID(), task.ChangeUpdated)
		if _, err := UpdateRecorded(ctx, r, owner, shared, func(tk *task.Task) { tk.Toggle(base) }); err != nil {
			return err
		}
		ack(shared, task.ChangeUpdated)
	}
	if err := MoveToTrash(ctx, r, owner, own.ID(), base); err != nil {
		return err
	}
	ack(own.ID(), task.ChangeDeleted)
	if _, err := RestoreFromTrash(ctx, r, owner, own.ID(), base); err != nil {
		return err
	}
	ack(own.ID(), task.ChangeRestored)
	return nil
}
