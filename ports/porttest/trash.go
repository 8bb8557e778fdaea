package porttest

import (
	"context"
	"testing"
	"time"

	"github.com/todoapi/todo/core/apperr"
	"github.com/todoapi/todo/core/identity"
	"github.com/todoapi/todo/core/task"
	"github.com/todoapi/todo/ports"
)

// MoveToTrash moves the owner's task to the trash at at in a transaction,
// with its deleted change, as the use case does.
func MoveToTrash(ctx context.Context, r ports.TaskRepository, owner identity.UserID, id task.ID, at time.Time) error {
	return r.Atomic(ctx, owner, func(tx ports.TaskTx) error {
		t, err := tx.Get(ctx, id)
		if err != nil {
			return err
		}
		if err := tx.Trash(ctx, t, at); err != nil {
			return err
		}
		return tx.Record(ctx, task.Deleted(id, at))
	})
}

// RestoreFromTrash brings the owner's task back from the trash at now,
// with its restored change, as the use case does, and returns it.
func RestoreFromTrash(ctx context.Context, r ports.TaskRepository, owner identity.UserID, id task.ID, now time.Time) (*task.Task, error) {
	var t *task.Task
	err := r.Atomic(ctx, owner, func(tx ports.TaskTx) error {
		tr, err := tx.GetTrashed(ctx, id)
		if err != nil {
			return err
		}
		t = tr.Task
		t.Restore(now)
		if err := tx.Restore(ctx, t, 0); err != nil {
			return err
		}
		return tx.Record(ctx, task.Restored(t))
	})
	return t, err
}

// PurgeFromTrash removes the owner's trashed task for good at now, with
// its purged change, as the use case does.
func PurgeFromTrash(ctx context.Context, r ports.TaskRepository, owner identity.UserID, id task.ID, now time.Time) error {
	return r.Atomic(ctx, owner, func(tx ports.TaskTx) error {
		if _, err := tx.GetTrashed(ctx, id); err != nil {
			return err
		}
		if err := tx.Purge(ctx, id); err != nil {
			return err
		}
		return tx.Record(ctx, task.Purged(id, now))
	})
}

// testTrash moves a task to the trash and back, and purges it: in the
// trash it is in no Get, list or count, and the trash holds it as it was.
func testTrash(t *testing.T, r ports.TaskRepository) {
	ctx := context.Background()
	owner := RandomOwner()
	gone := MustCreate(t, r, owner, "to the trash", base)
	kept := MustCreate(t, r, owner, "stays", base.Add(time.Second))
	deletedAt := base.Add(time.Hour)
	if err := MoveToTrash(ctx, r, owner, gone.ID(), deletedAt.Add(123)); err != nil {
		t.Fatalf("Trash: %v", err)
	}
	_, err := r.Get(ctx, owner, gone.ID())
	assertCode(t, err, apperr.ENOTFOUND)
	_, err = Update(ctx, r, owner, gone.ID(), func(tk *task.Task) error { tk.Toggle(base); return nil })
	assertCode(t, err, apperr.ENOTFOUND)
	assertCode(t, MoveToTrash(ctx, r, owner, gone.ID(), deletedAt), apperr.ENOTFOUND)
	page, err := r.List(ctx, owner, task.Query{Count: true, Limit: 10})
	if err != nil || len(page.Tasks) != 1 || page.Tasks[0].ID() != kept.ID() || page.Total != 1 {
		t.Fatalf("List with a task in the trash = %d tasks (total %d), %v; want only the live one", len(page.Tasks), page.Total, err)
	}

	trash := mustTrash(t, r, owner, task.TrashQuery{})
	if want := deletedAt.Truncate(task.Precision); len(trash.Tasks) != 1 || trash.Next != nil ||
		!trash.Tasks[0].DeletedAt.Equal(want) || trash.Tasks[0].DeletedAt.Location() != time.UTC {
		t.Fatalf("ListTrash = %+v; want the one task, deleted at %v in UTC", trash, want)
	}
	assertSame(t, trash.Tasks[0].Task, gone)

	// Restore: back as it was, one version on, and out of the trash.
	restored, err := RestoreFromTrash(ctx, r, owner, gone.ID(), base.Add(2*time.Hour))
	if err != nil {
		t.Fatalf("Restore: %v", err)
	}
	if restored.Version() != gone.Version()+1 || restored.Title() != gone.Title() {
		t.Fatalf("restored: version %d title %q; want %d %q", restored.Version(), restored.Title(), gone.Version()+1, gone.Title())
	}
	got, err := r.Get(ctx, owner, gone.ID())
	if err != nil {
		t.Fatalf("Get after Restore: %v", err)
	}
	assertSame(t, got, restored)
	if trash := mustTrash(t, r, owner, task.TrashQuery{}); len(trash.Tasks) != 0 {
		t.Fatalf("the trash still holds %d tasks after the restore", len(trash.Tasks))
	}
	_, err = RestoreFromTrash(ctx, r, owner, gone.ID(), base)
	assertCode(t, err, apperr.ENOTFOUND) // a live task is not in the trash
	assertCode(t, PurgeFromTrash(ctx, r, owner, kept.ID(), base), apperr.ENOTFOUND)

	// Purge: gone for good, from the trash and everywhere else.
	if err := MoveToTrash(ctx, r, owner, gone.ID(), deletedAt); err != nil {
		t.Fatalf("Trash again: %v", err)
	}
	if err := PurgeFromTrash(ctx, r, owner, gone.ID(), base.Add(3*time.Hour)); err != nil {
		t.Fatalf("Purge: %v", err)
	}
	assertCode(t, PurgeFromTrash(ctx, r, owner, gone.ID(), base), apperr.ENOTFOUND)
	_, err = RestoreFromTrash(ctx, r, owner, gone.ID(), base)
	assertCode(t, err, apperr.ENOTFOUND)
	_, err = r.Get(ctx, owner, gone.ID())
	assertCode(t, err, apperr.ENOTFOUND)
	if trash := mustTrash(t, r, owner, task.TrashQuery{}); len(trash.Tasks) != 0 {
		t.Fatalf("the trash holds %d tasks after the purge", len(trash.Tasks))
	}
}

// testTrashNeedsGet refuses to trash a task the transaction did not read,
// or one that changed since: it would throw away a version nobody saw.
func testTrashNeedsGet(t *testing.T, r ports.TaskRepository) {
	ctx := context.Background()
	owner := RandomOwner()
	orig := MustCreate(t, r, owner, "read first", base)
	err := r.Atomic(ctx, owner, func(tx ports.TaskTx) error { return tx.Trash(ctx, orig, base) })
	assertCode(t, err, apperr.ECONFLICT)
	if _, err := r.Get(ctx, owner, orig.ID()); err != nil {
		t.Fatalf("Get: %v", err)
	}
}

// testTrashIsolation: no owner reaches another's trash.
func testTrashIsolation(t *testing.T, r ports.TaskRepository) {
	ctx := context.Background()
	alice, bob := RandomOwner(), RandomOwner()
	secret := MustCreate(t, r, alice, "alice's", base)
	if err := MoveToTrash(ctx, r, alice, secret.ID(), base); err != nil {
		t.Fatalf("Trash: %v", err)
	}
	if trash := mustTrash(t, r, bob, task.TrashQuery{}); len(trash.Tasks) != 0 {
		t.Fatalf("bob's trash holds %d of alice's tasks", len(trash.Tasks))
	}
	_, err := RestoreFromTrash(ctx, r, bob, secret.ID(), base)
	assertCode(t, err, apperr.ENOTFOUND)
	assertCode(t, PurgeFromTrash(ctx, r, bob, secret.ID(), base), apperr.ENOTFOUND)
	if trash := mustTrash(t, r, alice, task.TrashQuery{}); len(trash.Tasks) != 1 {
		t.Fatalf("alice's trash holds %d tasks, want 1", len(trash.Tasks))
	}
}

// testTrashPages walks the trash in pages, by cursor and by offset: every
// task once, the most recently deleted first, ties on the id descending.
func testTrashPages(t *testing.T, r ports.TaskRepository) {
	ctx := context.Background()
	owner := RandomOwner()
	const n = 7
	for i := range n {
		tk := MustCreate(t, r, owner, "trashed", base)
		// Pairs share a deletion time, so pages break inside ties too.
		if err := MoveToTrash(ctx, r, owner, tk.ID(), base.Add(time.Duration(i/2)*time.Minute)); err != nil {
			t.Fatalf("Trash: %v", err)
		}
	}
	all := mustTrash(t, r, owner, task.TrashQuery{}).Tasks
	if len(all) != n {
		t.Fatalf("ListTrash = %d tasks, want %d", len(all), n)
	}
	for i := 1; i < n; i++ {
		if task.PositionInTrash(all[i-1]).Compare(task.PositionInTrash(all[i])) >= 0 {
			t.Fatalf("trash out of order at %d: %v then %v", i, all[i-1].DeletedAt, all[i].DeletedAt)
		}
	}
	for _, limit := range []int{1, 2, 3, 7, 8} {
		var byCursor, byOffset []task.Trashed
		q := task.TrashQuery{Limit: limit}
		for pages := 0; ; pages++ {
			if pages > n {
				t.Fatalf("limit %d: more pages than tasks", limit)
			}
			page := mustTrash(t, r, owner, q)
			byCursor = append(byCursor, page.Tasks...)
			if page.Next == nil {
				break
			}
			q.After = page.Next
		}
		for offset := 0; offset < n; offset += limit {
			byOffset = append(byOffset, mustTrash(t, r, owner, task.TrashQuery{Limit: limit, Offset: offset}).Tasks...)
		}
		for name, got := range map[string][]task.Trashed{"cursor": byCursor, "offset": byOffset} {
			if len(got) != n {
				t.Fatalf("limit %d by %s: %d tasks, want %d", limit, name, len(got), n)
			}
			for i := range all {
				if got[i].Task.ID() != all[i].Task.ID() || !got[i].DeletedAt.Equal(all[i].DeletedAt) {
					t.Fatalf("limit %d by %s: task %d differs", limit, name, i)
				}
			}
		}
	}
}

func mustTrash(t *testing.T, r ports.TaskRepository, owner identity.UserID, q task.TrashQuery) task.TrashPage {
	t.Helper()
	page, err := r.ListTrash(context.Background(), owner, q)
	if err != nil {
		t.Fatalf("ListTrash: %v", err)
	}
	if page.Tasks == nil {
		t.Fatal("ListTrash returned a nil slice")
	}
	return page
}
