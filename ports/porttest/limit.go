package porttest

import (
	"context"
	"testing"
	"time"

	"github.com/todoapi/todo/core/apperr"
	"github.com/todoapi/todo/core/identity"
	"github.com/todoapi/todo/core/task"
	"github.com/todoapi/todo/internal/testkit"
	"github.com/todoapi/todo/ports"
)

// testLimit is the small limit the contract's tests run at.
const testLimit = 4

// CreateWithin stores a new task of owner's with its created change, under
// limit, as the use case does, and returns it.
func CreateWithin(ctx context.Context, r ports.TaskRepository, owner identity.UserID, limit int) (*task.Task, error) {
	tk, err := task.New(RandomID(), owner, task.Draft{Title: "counted"}, base)
	if err != nil {
		return nil, err
	}
	err = r.Atomic(ctx, owner, func(tx ports.TaskTx) error {
		if err := tx.Create(ctx, tk, limit); err != nil {
			return err
		}
		return tx.Record(ctx, task.Created(tk))
	})
	return tk, err
}

// restoreWithin brings the owner's task back from the trash under limit.
func restoreWithin(ctx context.Context, r ports.TaskRepository, owner identity.UserID, id task.ID, limit int) error {
	return r.Atomic(ctx, owner, func(tx ports.TaskTx) error {
		tr, err := tx.GetTrashed(ctx, id)
		if err != nil {
			return err
		}
		tr.Task.Restore(base)
		if err := tx.Restore(ctx, tr.Task, limit); err != nil {
			return err
		}
		return tx.Record(ctx, task.Restored(tr.Task))
	})
}

// mustFill creates n tasks of the owner's under limit and returns them.
func mustFill(t *testing.T, r ports.TaskRepository, owner identity.UserID, n, limit int) []*task.Task {
	t.Helper()
	out := make([]*task.Task, n)
	for i := range out {
		tk, err := CreateWithin(context.Background(), r, owner, limit)
		if err != nil {
			t.Fatalf("create %d of %d under a limit of %d: %v", i+1, n, limit, err)
		}
		out[i] = tk
	}
	return out
}

// assertRoom checks the store's count of the owner's tasks by what it
// lets in: creates under limit succeed until it holds limit, then fail
// with ELIMIT, storing nothing. room is how many fit first. It leaves the
// owner at the limit (or past it, when room is below 0).
func assertRoom(t *testing.T, r ports.TaskRepository, owner identity.UserID, limit, room int) {
	t.Helper()
	ctx := context.Background()
	live, err := ListAll(ctx, r, owner)
	if err != nil {
		t.Fatalf("List: %v", err)
	}
	if got, want := len(live), limit-room; got != want {
		t.Fatalf("the owner has %d tasks, want %d", got, want)
	}
	mustFill(t, r, owner, max(room, 0), limit)
	_, err = CreateWithin(ctx, r, owner, limit)
	if apperr.CodeOf(err) != apperr.ELIMIT {
		t.Fatalf("a create past the limit of %d (after %d more) = %v, want ELIMIT", limit, max(room, 0), err)
	}
	after, err := ListAll(ctx, r, owner)
	if err != nil || len(after) != len(live)+max(room, 0) {
		t.Fatalf("after a refused create the owner has %d tasks, %v; want %d", len(after), err, len(live)+max(room, 0))
	}
}

// testLimitReached: a create under a limit stops at it, refused with ELIMIT and
// leaving nothing behind, not even its change; a create without a limit
// (a recurring task's next occurrence) passes it, and a limited create
// is refused until the owner is back under it. Another owner's tasks do
// not count.
func testLimitReached(t *testing.T, r ports.TaskRepository) {
	ctx := context.Background()
	owner, other := RandomOwner(), RandomOwner()
	mustFill(t, r, other, testLimit, testLimit)
	mustFill(t, r, owner, testLimit, testLimit)
	head := len(MustChanges(t, r, owner, 0, 100))
	refused, err := CreateWithin(ctx, r, owner, testLimit)
	assertCode(t, err, apperr.ELIMIT)
	if _, err := r.Get(ctx, owner, refused.ID()); apperr.CodeOf(err) != apperr.ENOTFOUND {
		t.Fatalf("Get of the refused task = %v, want ENOTFOUND", err)
	}
	if got := len(MustChanges(t, r, owner, 0, 100)); got != head {
		t.Fatalf("the feed holds %d changes after a refused create, want %d", got, head)
	}

	over, err := CreateWithin(ctx, r, owner, 0)
	if err != nil {
		t.Fatalf("a create without a limit at the limit: %v", err)
	}
	_, err = CreateWithin(ctx, r, owner, testLimit)
	assertCode(t, err, apperr.ELIMIT)
	if err := MoveToTrash(ctx, r, owner, over.ID(), base); err != nil {
		t.Fatalf("Trash: %v", err)
	}
	assertRoom(t, r, owner, testLimit, 0)
	assertRoom(t, r, other, testLimit, 0)
}

// testLimitTrash: the trash does not count. Trashing a task makes room;
// restoring one at the limit is ELIMIT and leaves it in the trash;
// purging it from the trash changes no count; deleting a task for good
// makes room too.
func testLimitTrash(t *testing.T, r ports.TaskRepository) {
	ctx := context.Background()
	owner := RandomOwner()
	tasks := mustFill(t, r, owner, testLimit, testLimit)
	for _, tk := range tasks[:2] {
		if err := MoveToTrash(ctx, r, owner, tk.ID(), base); err != nil {
			t.Fatalf("Trash: %v", err)
		}
	}
	mustFill(t, r, owner, 2, testLimit) // back at the limit, two in the trash

	assertCode(t, restoreWithin(ctx, r, owner, tasks[0].ID(), testLimit), apperr.ELIMIT)
	trash, err := r.ListTrash(ctx, owner, task.TrashQuery{})
	if err != nil || len(trash.Tasks) != 2 {
		t.Fatalf("the trash after a refused restore holds %d tasks, %v; want 2", len(trash.Tasks), err)
	}
	if err := PurgeFromTrash(ctx, r, owner, tasks[1].ID(), base); err != nil {
		t.Fatalf("Purge: %v", err)
	}
	_, err = CreateWithin(ctx, r, owner, testLimit)
	assertCode(t, err, apperr.ELIMIT)

	if err := Delete(ctx, r, owner, tasks[2].ID()); err != nil {
		t.Fatalf("Delete: %v", err)
	}
	if err := restoreWithin(ctx, r, owner, tasks[0].ID(), testLimit); err != nil {
		t.Fatalf("a restore with room: %v", err)
	}
	assertRoom(t, r, owner, testLimit, 0)
}

// testLimitCount runs a sequence of every write that moves the count, then
// checks the count by filling up to the limit: it counts exactly the live
// tasks.
func testLimitCount(t *testing.T, r ports.TaskRepository) {
	ctx := context.Background()
	owner := RandomOwner()
	const limit = 8
	tasks := mustFill(t, r, owner, 5, limit)
	steps := []func() error{
		func() error { return MoveToTrash(ctx, r, owner, tasks[0].ID(), base) },
		func() error { return MoveToTrash(ctx, r, owner, tasks[1].ID(), base) },
		func() error { return restoreWithin(ctx, r, owner, tasks[0].ID(), limit) },
		func() error { return PurgeFromTrash(ctx, r, owner, tasks[1].ID(), base) },
		func() error { _, err := CreateWithin(ctx, r, owner, 0); return err }, // an occurrence
		func() error { return Delete(ctx, r, owner, tasks[2].ID()) },
		func() error { return MoveToTrash(ctx, r, owner, tasks[3].ID(), base) },
		func() error { return restoreWithin(ctx, r, owner, tasks[3].ID(), 0) },
		func() error { _, err := Update(ctx, r, owner, tasks[4].ID(), toggle); return err },
	}
	for i, step := range steps {
		if err := step(); err != nil {
			t.Fatalf("step %d: %v", i, err)
		}
	}
	assertRoom(t, r, owner, limit, limit-4) // 5 - trashed - deleted + occurrence
}

func toggle(tk *task.Task) error {
	tk.Toggle(base.Add(time.Second))
	return nil
}

// testLimitRace creates tasks of one owner from many goroutines at once,
// one below the limit: exactly one create succeeds, every other is
// ELIMIT, and the owner ends at the limit.
func testLimitRace(t *testing.T, r ports.TaskRepository) {
	const racers = 12
	owner := RandomOwner()
	mustFill(t, r, owner, testLimit-1, testLimit)
	errs := make(chan error, racers)
	testkit.AllAtOnce(racers, func(int) {
		_, err := CreateWithin(context.Background(), r, owner, testLimit)
		errs <- err
	})
	close(errs)
	mustOneWin(t, errs, "create", racers)
	assertRoom(t, r, owner, testLimit, 0)
}

// mustOneWin fails unless exactly one of the racers' errors is nil and
// every other is ELIMIT.
func mustOneWin(t *testing.T, errs <-chan error, what string, racers int) {
	t.Helper()
	won := 0
	for err := range errs {
		switch apperr.CodeOf(err) {
		case "":
			won++
		case apperr.ELIMIT:
		default:
			t.Errorf("a racing %s: %v, want success or ELIMIT", what, err)
		}
	}
	if won != 1 {
		t.Fatalf("%d of %d racing %ss at one below the limit succeeded, want exactly 1", won, racers, what)
	}
}

// testLimitRestoreRace restores trashed tasks of one owner from many
// goroutines at once, one below the limit: exactly one comes back.
func testLimitRestoreRace(t *testing.T, r ports.TaskRepository) {
	const racers = 6
	ctx := context.Background()
	owner := RandomOwner()
	trashed := mustFill(t, r, owner, racers, 0)
	for _, tk := range trashed {
		if err := MoveToTrash(ctx, r, owner, tk.ID(), base); err != nil {
			t.Fatalf("Trash: %v", err)
		}
	}
	mustFill(t, r, owner, testLimit-1, testLimit)
	errs := make(chan error, racers)
	testkit.AllAtOnce(racers, func(i int) {
		errs <- restoreWithin(ctx, r, owner, trashed[i].ID(), testLimit)
	})
	close(errs)
	mustOneWin(t, errs, "restore", racers)
	assertRoom(t, r, owner, testLimit, 0)
}
