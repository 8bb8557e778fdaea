// Package porttest holds the contract suites for the ports, written once and
// run against every adapter, in the way testing/fstest checks a file system:
//
//	porttest.TaskRepository(t, func(t *testing.T) ports.TaskRepository { ... })
//
// Tests isolate themselves by random owners, never by truncating tables, so
// they run in parallel against a shared database.
package porttest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/todoapi/todo/core/apperr"
	"github.com/todoapi/todo/core/identity"
	"github.com/todoapi/todo/core/task"
	"github.com/todoapi/todo/internal/testkit"
	"github.com/todoapi/todo/ports"
)

// TaskRepository runs the repository contract against the repository that
// newRepo returns. newRepo may return the same repository to every caller.
func TaskRepository(t *testing.T, newRepo func(t *testing.T) ports.TaskRepository) {
	t.Helper()
	tests := []struct {
		name string
		fn   func(t *testing.T, r ports.TaskRepository)
	}{
		{"CreateGet", testCreateGet},
		{"CreateConflict", testCreateConflict},
		{"RoundTrip", testRoundTrip},
		{"GetNotFound", testGetNotFound},
		{"ListNewestFirst", testListNewestFirst},
		{"ListEmpty", testListEmpty},
		{"Update", testUpdate},
		{"UpdateFnError", testUpdateFnError},
		{"UpdateNotFound", testUpdateNotFound},
		{"Delete", testDelete},
		{"OwnerIsolation", testOwnerIsolation},
		{"ConcurrentToggles", testConcurrentToggles},
		{"ConcurrentFieldUpdates", testConcurrentFieldUpdates},
		{"Versions", testVersions},
		{"ListPages", testListPages},
		{"AtomicAllOrNothing", testAtomicAllOrNothing},
		{"AtomicReadsItsWrites", testAtomicReadsItsWrites},
		{"AtomicFnError", testAtomicFnError},
		{"SaveNeedsGet", testSaveNeedsGet},
		{"RoundTripPlan", testRoundTripPlan},
		{"ListQueries", testListQueries},
		{"Trash", testTrash},
		{"TrashNeedsGet", testTrashNeedsGet},
		{"TrashIsolation", testTrashIsolation},
		{"TrashPages", testTrashPages},
		{"Feed", testFeed},
		{"FeedNeverSkips", testFeedNeverSkips},
		{"Claim", testClaim},
		{"ExpiredTrash", testExpiredTrash},
		{"PurgeRace", testPurgeRace},
		{"PruneChanges", testPruneChanges},
		{"KeyRoundTrip", testKeyRoundTrip},
		{"KeyTaken", testKeyTaken},
		{"KeyRolledBack", testKeyRolledBack},
		{"KeyConcurrent", testKeyConcurrent},
		{"ExpireKeys", testExpireKeys},
		{"LimitReached", testLimitReached},
		{"LimitTrash", testLimitTrash},
		{"LimitCount", testLimitCount},
		{"LimitRace", testLimitRace},
		{"LimitRestoreRace", testLimitRestoreRace},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tt.fn(t, newRepo(t))
		})
	}
}

// RandomOwner returns a user id no other test uses.
func RandomOwner() identity.UserID {
	var b [12]byte
	_, _ = rand.Read(b[:])
	return identity.UserID("user-" + hex.EncodeToString(b[:]))
}

// RandomID returns a random task id.
func RandomID() task.ID {
	var id task.ID
	_, _ = rand.Read(id[:])
	id[6] = id[6]&0x0f | 0x70 // version 7
	id[8] = id[8]&0x3f | 0x80 // RFC 9562 variant
	return id
}

// base is a fixed instant with sub-microsecond noise, so stores that keep
// less precision than task.Precision would show up.
var base = time.Date(2026, 11, 25, 19, 40, 0, 123456789, time.UTC)

// MustCreate stores a new task for owner and returns it.
func MustCreate(t *testing.T, r ports.TaskRepository, owner identity.UserID, title string, at time.Time) *task.Task {
	t.Helper()
	tk, err := task.New(RandomID(), owner, task.Draft{Title: title}, at)
	if err != nil {
		t.Fatalf("task.New: %v", err)
	}
	if err := Create(context.Background(), r, tk); err != nil {
		t.Fatalf("Create: %v", err)
	}
	return tk
}

// Create stores a new task in a transaction of its own.
func Create(ctx context.Context, r ports.TaskRepository, t *task.Task) error {
	return r.Atomic(ctx, t.Owner(), func(tx ports.TaskTx) error { return tx.Create(ctx, t, 0) })
}

// Update reads the owner's task in a transaction, calls fn on it and saves
// it when fn changed it, as the use cases do.
func Update(ctx context.Context, r ports.TaskRepository, owner identity.UserID, id task.ID, fn func(*task.Task) error) (*task.Task, error) {
	var t *task.Task
	err := r.Atomic(ctx, owner, func(tx ports.TaskTx) error {
		var err error
		if t, err = tx.Get(ctx, id); err != nil {
			return err
		}
		read := t.Version()
		if err := fn(t); err != nil || t.Version() == read {
			return err
		}
		return tx.Save(ctx, t)
	})
	if err != nil {
		return nil, err
	}
	return t, nil
}

// Delete removes the owner's task in a transaction, as the use case does.
func Delete(ctx context.Context, r ports.TaskRepository, owner identity.UserID, id task.ID) error {
	return r.Atomic(ctx, owner, func(tx ports.TaskTx) error {
		if _, err := tx.Get(ctx, id); err != nil {
			return err
		}
		return tx.Delete(ctx, id)
	})
}

// ListAll returns the owner's whole list.
func ListAll(ctx context.Context, r ports.TaskRepository, owner identity.UserID) ([]*task.Task, error) {
	page, err := r.List(ctx, owner, task.Query{})
	if err == nil && page.Next != nil {
		err = fmt.Errorf("a list without a limit returned a next page")
	}
	return page.Tasks, err
}

func assertSame(t *testing.T, got, want *task.Task) {
	t.Helper()
	g, w := got.Snapshot(), want.Snapshot()
	if g.ID != w.ID || g.Owner != w.Owner || g.Title != w.Title || g.Completed != w.Completed {
		t.Fatalf("task = %+v, want %+v", g, w)
	}
	if (g.Description == nil) != (w.Description == nil) || (g.Description != nil && *g.Description != *w.Description) {
		t.Fatalf("description = %v, want %v", show(g.Description), show(w.Description))
	}
	if !g.CreatedAt.Equal(w.CreatedAt) || !g.UpdatedAt.Equal(w.UpdatedAt) {
		t.Fatalf("times = %v/%v, want %v/%v", g.CreatedAt, g.UpdatedAt, w.CreatedAt, w.UpdatedAt)
	}
	if g.Version != w.Version {
		t.Fatalf("version = %d, want %d", g.Version, w.Version)
	}
	if g.CreatedAt.Location() != time.UTC || g.UpdatedAt.Location() != time.UTC {
		t.Fatalf("times not in UTC: %v %v", g.CreatedAt.Location(), g.UpdatedAt.Location())
	}
	gp, wp := g.Plan, w.Plan
	if gp.Priority != wp.Priority || !slices.Equal(gp.Tags, wp.Tags) || gp.Due != wp.Due || gp.Recurrence != wp.Recurrence ||
		!sameTime(gp.RemindAt, wp.RemindAt) {
		t.Fatalf("plan = %+v, want %+v", gp, wp)
	}
	if !sameTime(g.CompletedAt, w.CompletedAt) {
		t.Fatalf("completed_at = %v, want %v", g.CompletedAt, w.CompletedAt)
	}
	if (g.Next == nil) != (w.Next == nil) || g.Next != nil && *g.Next != *w.Next {
		t.Fatalf("next occurrence = %v, want %v", g.Next, w.Next)
	}
}

func sameTime(a, b *time.Time) bool {
	if a == nil || b == nil {
		return a == b
	}
	return a.Equal(*b) && a.Location() == time.UTC && b.Location() == time.UTC
}

func show(s *string) string {
	if s == nil {
		return "<nil>"
	}
	return fmt.Sprintf("%q", *s)
}

func assertCode(t *testing.T, err error, want apperr.Code) {
	t.Helper()
	if got := apperr.CodeOf(err); got != want {
		t.Fatalf("error code = %q (%v), want %q", got, err, want)
	}
}

func testCreateGet(t *testing.T, r ports.TaskRepository) {
	owner := RandomOwner()
	want := MustCreate(t, r, owner, "Buy milk", base)
	got, err := r.Get(context.Background(), owner, want.ID())
	if err != nil {
		t.Fatalf("Get: %v", err)
	}
	assertSame(t, got, want)
}

func testCreateConflict(t *testing.T, r ports.TaskRepository) {
	owner := RandomOwner()
	first := MustCreate(t, r, owner, "first", base)
	again, _ := task.New(first.ID(), RandomOwner(), task.Draft{Title: "second"}, base)
	assertCode(t, Create(context.Background(), r, again), apperr.ECONFLICT)
	got, err := r.Get(context.Background(), owner, first.ID())
	if err != nil {
		t.Fatalf("Get: %v", err)
	}
	assertSame(t, got, first)
}

// testRoundTrip stores the edge cases of each field and reads them back.
func testRoundTrip(t *testing.T, r ports.TaskRepository) {
	empty, long := "", strings.Repeat("é", task.MaxDescriptionLength)
	multiline := "line one\nline two\t\"quoted\" 'single' \\ ; DROP TABLE tasks; --"
	drafts := []task.Draft{
		{Title: strings.Repeat("😀", task.MaxTitleLength)},
		{Title: "with description", Description: &multiline, Completed: true},
		{Title: "empty description", Description: &empty},
		{Title: "long description", Description: &long},
		{Title: "日本語のタイトル", Description: nil},
	}
	owner := RandomOwner()
	created := make([]*task.Task, len(drafts))
	for i, d := range drafts {
		want, err := task.New(RandomID(), owner, d, base.Add(time.Duration(i)*time.Second))
		if err != nil {
			t.Fatalf("draft %d: %v", i, err)
		}
		if err := Create(context.Background(), r, want); err != nil {
			t.Fatalf("draft %d: Create: %v", i, err)
		}
		got, err := r.Get(context.Background(), owner, want.ID())
		if err != nil {
			t.Fatalf("draft %d: Get: %v", i, err)
		}
		assertSame(t, got, want)
		created[i] = want
	}
	// The same values come back through List, each task with its own
	// (List reads many rows at once, so no value may leak between them).
	list, err := ListAll(context.Background(), r, owner)
	if err != nil {
		t.Fatalf("List: %v", err)
	}
	if len(list) != len(created) {
		t.Fatalf("List returned %d tasks, want %d", len(list), len(created))
	}
	for i, got := range list {
		assertSame(t, got, created[len(created)-1-i]) // newest first
	}
}

func testGetNotFound(t *testing.T, r ports.TaskRepository) {
	_, err := r.Get(context.Background(), RandomOwner(), RandomID())
	assertCode(t, err, apperr.ENOTFOUND)
}

func testListNewestFirst(t *testing.T, r ports.TaskRepository) {
	owner := RandomOwner()
	oldest := MustCreate(t, r, owner, "oldest", base)
	newest := MustCreate(t, r, owner, "newest", base.Add(2*time.Hour))
	// Two tasks created in the same instant are ordered by id, descending.
	a := MustCreate(t, r, owner, "tie a", base.Add(time.Hour))
	b := MustCreate(t, r, owner, "tie b", base.Add(time.Hour))
	hi, lo := a, b
	if ai, bi := a.ID(), b.ID(); strings.Compare(ai.String(), bi.String()) < 0 {
		hi, lo = b, a
	}
	MustCreate(t, r, RandomOwner(), "someone else's", base.Add(3*time.Hour))

	got, err := ListAll(context.Background(), r, owner)
	if err != nil {
		t.Fatalf("List: %v", err)
	}
	want := []*task.Task{newest, hi, lo, oldest}
	if len(got) != len(want) {
		t.Fatalf("List returned %d tasks, want %d", len(got), len(want))
	}
	for i := range want {
		assertSame(t, got[i], want[i])
	}
}

func testListEmpty(t *testing.T, r ports.TaskRepository) {
	got, err := ListAll(context.Background(), r, RandomOwner())
	if err != nil {
		t.Fatalf("List: %v", err)
	}
	if got == nil || len(got) != 0 {
		t.Fatalf("List = %#v, want an empty, non-nil slice", got)
	}
}

func testUpdate(t *testing.T, r ports.TaskRepository) {
	owner := RandomOwner()
	orig := MustCreate(t, r, owner, "before", base)
	desc := "now with a description"
	updated, err := Update(context.Background(), r, owner, orig.ID(), func(tk *task.Task) error {
		return tk.Apply(task.Patch{Title: task.Set("after"), Description: task.Set(desc), Completed: task.Set(true)}, base.Add(time.Minute))
	})
	if err != nil {
		t.Fatalf("Update: %v", err)
	}
	if updated.Title() != "after" || !updated.Completed() || *updated.Description() != desc {
		t.Fatalf("Update returned %+v", updated.Snapshot())
	}
	got, err := r.Get(context.Background(), owner, orig.ID())
	if err != nil {
		t.Fatalf("Get: %v", err)
	}
	assertSame(t, got, updated)
	if !got.CreatedAt().Equal(orig.CreatedAt()) || !got.UpdatedAt().After(orig.UpdatedAt()) {
		t.Fatalf("timestamps after update: created %v updated %v", got.CreatedAt(), got.UpdatedAt())
	}
}

func testUpdateFnError(t *testing.T, r ports.TaskRepository) {
	owner := RandomOwner()
	orig := MustCreate(t, r, owner, "unchanged", base)
	boom := errors.New("boom")
	_, err := Update(context.Background(), r, owner, orig.ID(), func(tk *task.Task) error {
		tk.Toggle(base.Add(time.Minute))
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("Update error = %v, want the callback's error", err)
	}
	got, err := r.Get(context.Background(), owner, orig.ID())
	if err != nil {
		t.Fatalf("Get: %v", err)
	}
	assertSame(t, got, orig)
}

func testUpdateNotFound(t *testing.T, r ports.TaskRepository) {
	owner := RandomOwner()
	other := MustCreate(t, r, RandomOwner(), "not yours", base)
	called := false
	fn := func(*task.Task) error { called = true; return nil }
	_, err := Update(context.Background(), r, owner, RandomID(), fn)
	assertCode(t, err, apperr.ENOTFOUND)
	_, err = Update(context.Background(), r, owner, other.ID(), fn)
	assertCode(t, err, apperr.ENOTFOUND)
	if called {
		t.Fatal("Update called fn for a task the owner does not have")
	}
}

func testDelete(t *testing.T, r ports.TaskRepository) {
	owner := RandomOwner()
	gone := MustCreate(t, r, owner, "to delete", base)
	kept := MustCreate(t, r, owner, "to keep", base)
	if err := Delete(context.Background(), r, owner, gone.ID()); err != nil {
		t.Fatalf("Delete: %v", err)
	}
	_, err := r.Get(context.Background(), owner, gone.ID())
	assertCode(t, err, apperr.ENOTFOUND)
	assertCode(t, Delete(context.Background(), r, owner, gone.ID()), apperr.ENOTFOUND)
	if _, err := r.Get(context.Background(), owner, kept.ID()); err != nil {
		t.Fatalf("Get of the other task: %v", err)
	}
}

// testOwnerIsolation checks that no method reaches another owner's task.
func testOwnerIsolation(t *testing.T, r ports.TaskRepository) {
	ctx := context.Background()
	alice, bob := RandomOwner(), RandomOwner()
	secret := MustCreate(t, r, alice, "alice's", base)

	_, err := r.Get(ctx, bob, secret.ID())
	assertCode(t, err, apperr.ENOTFOUND)
	_, err = Update(ctx, r, bob, secret.ID(), func(tk *task.Task) error { tk.Toggle(base); return nil })
	assertCode(t, err, apperr.ENOTFOUND)
	assertCode(t, Delete(ctx, r, bob, secret.ID()), apperr.ENOTFOUND)
	list, err := ListAll(ctx, r, bob)
	if err != nil || len(list) != 0 {
		t.Fatalf("bob's List = %d tasks, %v; want none", len(list), err)
	}
	got, err := r.Get(ctx, alice, secret.ID())
	if err != nil {
		t.Fatalf("alice's Get: %v", err)
	}
	assertSame(t, got, secret)
}

// testConcurrentToggles flips one task from many goroutines: with atomic
// updates no flip is lost, so an odd number of flips leaves it completed.
func testConcurrentToggles(t *testing.T, r ports.TaskRepository) {
	const flips = 25
	owner := RandomOwner()
	tk := MustCreate(t, r, owner, "contended", base)
	errs := make(chan error, flips)
	testkit.AllAtOnce(flips, func(int) {
		_, err := Update(context.Background(), r, owner, tk.ID(), func(tk *task.Task) error {
			tk.Toggle(base)
			return nil
		})
		errs <- err
	})
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatalf("concurrent Update: %v", err)
		}
	}
	got, err := r.Get(context.Background(), owner, tk.ID())
	if err != nil {
		t.Fatalf("Get: %v", err)
	}
	if !got.Completed() {
		t.Fatalf("after %d concurrent toggles completed = false: a write was lost", flips)
	}
	if want := tk.UpdatedAt().Add(flips * task.Precision); !got.UpdatedAt().Equal(want) {
		t.Fatalf("updated_at = %v, want %v (one tick per toggle)", got.UpdatedAt(), want)
	}
}

// testConcurrentFieldUpdates changes different fields of one task at once;
// both changes must land.
func testConcurrentFieldUpdates(t *testing.T, r ports.TaskRepository) {
	owner := RandomOwner()
	tk := MustCreate(t, r, owner, "original", base)
	desc := "set concurrently"
	patches := []task.Patch{{Title: task.Set("renamed")}, {Description: task.Set(desc)}, {Completed: task.Set(true)}}
	errs := make(chan error, len(patches))
	testkit.AllAtOnce(len(patches), func(i int) {
		_, err := Update(context.Background(), r, owner, tk.ID(), func(tk *task.Task) error { return tk.Apply(patches[i], base) })
		errs <- err
	})
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatalf("concurrent Update: %v", err)
		}
	}
	got, err := r.Get(context.Background(), owner, tk.ID())
	if err != nil {
		t.Fatalf("Get: %v", err)
	}
	if got.Title() != "renamed" || got.Description() == nil || *got.Description() != desc || !got.Completed() {
		t.Fatalf("after concurrent updates: %+v; a write was lost", got.Snapshot())
	}
}
