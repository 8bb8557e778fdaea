package porttest

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/todoapi/todo/core/apperr"
	"github.com/todoapi/todo/core/task"
	"github.com/todoapi/todo/ports"
)

// testVersions checks that a task is stored at version 1 and that each
// stored change moves it on by one, also when read back.
func testVersions(t *testing.T, r ports.TaskRepository) {
	ctx := context.Background()
	owner := RandomOwner()
	tk := MustCreate(t, r, owner, "versioned", base)
	if tk.Version() != 1 {
		t.Fatalf("new task version = %d, want 1", tk.Version())
	}
	for want := int64(2); want <= 4; want++ {
		got, err := Update(ctx, r, owner, tk.ID(), func(tk *task.Task) error { tk.Toggle(base); return nil })
		if err != nil {
			t.Fatalf("Update: %v", err)
		}
		if got.Version() != want {
			t.Fatalf("version after change = %d, want %d", got.Version(), want)
		}
		read, err := r.Get(ctx, owner, tk.ID())
		if err != nil {
			t.Fatalf("Get: %v", err)
		}
		assertSame(t, read, got)
	}
}

// testListPages walks a list in pages: every task once, in list order, and
// a last page without Next.
func testListPages(t *testing.T, r ports.TaskRepository) {
	ctx := context.Background()
	owner := RandomOwner()
	var created []*task.Task
	for i := range 7 {
		// Pairs share a creation time, so pages break inside ties too.
		created = append(created, MustCreate(t, r, owner, "paged", base.Add(time.Duration(i/2)*time.Minute)))
	}
	MustCreate(t, r, RandomOwner(), "someone else's", base.Add(time.Minute))
	all, err := ListAll(ctx, r, owner)
	if err != nil || len(all) != len(created) {
		t.Fatalf("ListAll = %d tasks, %v; want %d", len(all), err, len(created))
	}
	for i := 1; i < len(all); i++ {
		if (task.Query{}).Compare(task.PositionOf(all[i-1], task.SortCreated), task.PositionOf(all[i], task.SortCreated)) >= 0 {
			t.Fatalf("list out of order at %d", i)
		}
	}
	for _, limit := range []int{1, 2, 3, 7, 8} {
		var got []*task.Task
		q := task.Query{Limit: limit}
		for pages := 0; ; pages++ {
			if pages > len(created) {
				t.Fatalf("limit %d: more pages than tasks", limit)
			}
			page, err := r.List(ctx, owner, q)
			if err != nil {
				t.Fatalf("limit %d: List: %v", limit, err)
			}
			if len(page.Tasks) > limit || (page.Next != nil && len(page.Tasks) != limit) {
				t.Fatalf("limit %d: page of %d tasks, next %v", limit, len(page.Tasks), page.Next)
			}
			got = append(got, page.Tasks...)
			if page.Next == nil {
				break
			}
			if last := task.PositionOf(page.Tasks[len(page.Tasks)-1], task.SortCreated); *page.Next != last {
				t.Fatalf("limit %d: Next = %+v, want the last task's position %+v", limit, *page.Next, last)
			}
			q.After = page.Next
		}
		if len(got) != len(all) {
			t.Fatalf("limit %d: pages hold %d tasks, want %d", limit, len(got), len(all))
		}
		for i := range all {
			assertSame(t, got[i], all[i])
		}
	}
}

// testAtomicAllOrNothing fails a transaction at its second write, a taken
// id, whether the store reports it at once or at the commit: its first
// write must not be stored either.
func testAtomicAllOrNothing(t *testing.T, r ports.TaskRepository) {
	ctx := context.Background()
	owner := RandomOwner()
	taken := MustCreate(t, r, owner, "taken", base)
	fresh, _ := task.New(RandomID(), owner, task.Draft{Title: "fresh"}, base)
	dup, _ := task.New(taken.ID(), owner, task.Draft{Title: "duplicate"}, base)
	err := r.Atomic(ctx, owner, func(tx ports.TaskTx) error {
		if err := tx.Create(ctx, fresh, 0); err != nil {
			return err
		}
		return tx.Create(ctx, dup, 0)
	})
	assertCode(t, err, apperr.ECONFLICT)
	_, err = r.Get(ctx, owner, fresh.ID())
	assertCode(t, err, apperr.ENOTFOUND)
	got, err := r.Get(ctx, owner, taken.ID())
	if err != nil {
		t.Fatalf("Get: %v", err)
	}
	assertSame(t, got, taken)
}

// testAtomicReadsItsWrites reads back, changes and deletes within one
// transaction what it wrote earlier in it.
func testAtomicReadsItsWrites(t *testing.T, r ports.TaskRepository) {
	ctx := context.Background()
	owner := RandomOwner()
	kept, _ := task.New(RandomID(), owner, task.Draft{Title: "kept"}, base)
	gone, _ := task.New(RandomID(), owner, task.Draft{Title: "gone"}, base)
	var saved *task.Task
	err := r.Atomic(ctx, owner, func(tx ports.TaskTx) error {
		for _, tk := range []*task.Task{kept, gone} {
			if err := tx.Create(ctx, tk, 0); err != nil {
				return err
			}
		}
		got, err := tx.Get(ctx, kept.ID())
		if err != nil {
			return err
		}
		got.Toggle(base.Add(time.Second))
		if err := tx.Save(ctx, got); err != nil {
			return err
		}
		saved = got
		if _, err := tx.Get(ctx, gone.ID()); err != nil {
			return err
		}
		if err := tx.Delete(ctx, gone.ID()); err != nil {
			return err
		}
		_, err = tx.Get(ctx, gone.ID())
		if apperr.CodeOf(err) != apperr.ENOTFOUND {
			return errors.New("a task deleted in the transaction is still there to it")
		}
		return nil
	})
	if err != nil {
		t.Fatalf("Atomic: %v", err)
	}
	got, err := r.Get(ctx, owner, kept.ID())
	if err != nil {
		t.Fatalf("Get: %v", err)
	}
	assertSame(t, got, saved)
	if got.Version() != 2 || !got.Completed() {
		t.Fatalf("kept: version %d completed %v, want 2 true", got.Version(), got.Completed())
	}
	_, err = r.Get(ctx, owner, gone.ID())
	assertCode(t, err, apperr.ENOTFOUND)
}

// testAtomicFnError returns fn's own error and stores nothing fn wrote.
func testAtomicFnError(t *testing.T, r ports.TaskRepository) {
	ctx := context.Background()
	owner := RandomOwner()
	orig := MustCreate(t, r, owner, "unchanged", base)
	fresh, _ := task.New(RandomID(), owner, task.Draft{Title: "never stored"}, base)
	boom := errors.New("boom")
	err := r.Atomic(ctx, owner, func(tx ports.TaskTx) error {
		got, err := tx.Get(ctx, orig.ID())
		if err != nil {
			return err
		}
		got.Toggle(base.Add(time.Second))
		if err := tx.Save(ctx, got); err != nil {
			return err
		}
		if err := tx.Create(ctx, fresh, 0); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("Atomic error = %v, want fn's", err)
	}
	got, err := r.Get(ctx, owner, orig.ID())
	if err != nil {
		t.Fatalf("Get: %v", err)
	}
	assertSame(t, got, orig)
	_, err = r.Get(ctx, owner, fresh.ID())
	assertCode(t, err, apperr.ENOTFOUND)
}

// testSaveNeedsGet refuses to save a task the transaction did not read: it
// would write over a version nobody compared.
func testSaveNeedsGet(t *testing.T, r ports.TaskRepository) {
	ctx := context.Background()
	owner := RandomOwner()
	orig := MustCreate(t, r, owner, "read first", base)
	stale := task.FromSnapshot(orig.Snapshot())
	stale.Toggle(base.Add(time.Second))
	err := r.Atomic(ctx, owner, func(tx ports.TaskTx) error { return tx.Save(ctx, stale) })
	assertCode(t, err, apperr.ECONFLICT)
	got, err := r.Get(ctx, owner, orig.ID())
	if err != nil {
		t.Fatalf("Get: %v", err)
	}
	assertSame(t, got, orig)
}
