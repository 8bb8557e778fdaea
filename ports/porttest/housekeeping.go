package porttest

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/todoapi/todo/core/apperr"
	"github.com/todoapi/todo/core/identity"
	"github.com/todoapi/todo/core/task"
	"github.com/todoapi/todo/internal/testkit"
	"github.com/todoapi/todo/ports"
)

// The housekeeping tests share the store with every other test, whose
// tasks and changes are dated around base: theirs are dated decades
// earlier, each test in a year of its own, so each chore finds only its
// own test's rows.
var (
	expiredTrashYear = time.Date(1981, 1, 1, 0, 0, 0, 0, time.UTC)
	purgeRaceYear    = time.Date(1982, 1, 1, 0, 0, 0, 0, time.UTC)
	pruneYear        = time.Date(1983, 1, 1, 0, 0, 0, 0, time.UTC)
)

func housekeeper(t *testing.T, r ports.TaskRepository) ports.Housekeeper {
	t.Helper()
	h, ok := r.(ports.Housekeeper)
	if !ok {
		t.Fatalf("%T is not a ports.Housekeeper", r)
	}
	return h
}

// testClaim gives a job to one caller per period.
func testClaim(t *testing.T, r ports.TaskRepository) {
	ctx := context.Background()
	h := housekeeper(t, r)
	job := "job " + string(RandomOwner())
	claim := func(now time.Time) bool {
		t.Helper()
		ok, err := h.Claim(ctx, job, now, time.Minute)
		if err != nil {
			t.Fatalf("Claim: %v", err)
		}
		return ok
	}
	if !claim(base) {
		t.Fatal("the first claim of a job failed")
	}
	if claim(base) || claim(base.Add(59*time.Second)) {
		t.Fatal("a job was claimed twice within its period")
	}
	if !claim(base.Add(time.Minute)) {
		t.Fatal("a job could not be claimed again once its period was over")
	}
	// Claimed at once by many: one wins.
	job = "job " + string(RandomOwner())
	wins := make(chan bool, 10)
	testkit.AllAtOnce(10, func(int) { wins <- claim(base) })
	close(wins)
	n := 0
	for w := range wins {
		if w {
			n++
		}
	}
	if n != 1 {
		t.Fatalf("%d of 10 simultaneous claims won, want 1", n)
	}
}

// testExpiredTrash finds the trashed tasks of every owner deleted before
// a time, the oldest first.
func testExpiredTrash(t *testing.T, r ports.TaskRepository) {
	ctx := context.Background()
	h := housekeeper(t, r)
	var want []task.TrashRef
	for i, owner := range []identity.UserID{RandomOwner(), RandomOwner(), RandomOwner()} {
		tk := MustCreate(t, r, owner, "old", base)
		at := expiredTrashYear.Add(time.Duration(2-i) * time.Hour)
		if err := MoveToTrash(ctx, r, owner, tk.ID(), at); err != nil {
			t.Fatalf("Trash: %v", err)
		}
		want = append([]task.TrashRef{{Owner: owner, ID: tk.ID(), DeletedAt: at}}, want...)
	}
	young := MustCreate(t, r, RandomOwner(), "young", base)
	if err := MoveToTrash(ctx, r, young.Owner(), young.ID(), expiredTrashYear.Add(24*time.Hour)); err != nil {
		t.Fatalf("Trash: %v", err)
	}
	// Other runs of this test on the same store add theirs: look at ours.
	all, err := h.ExpiredTrash(ctx, expiredTrashYear.Add(3*time.Hour), 1000)
	if err != nil {
		t.Fatalf("ExpiredTrash: %v", err)
	}
	var got []task.TrashRef
	for i, ref := range all {
		if i > 0 && ref.DeletedAt.Before(all[i-1].DeletedAt) {
			t.Fatalf("ExpiredTrash is not oldest first at %d", i)
		}
		if ref.ID == young.ID() {
			t.Fatal("ExpiredTrash returned a task deleted after the time given")
		}
		if slices.ContainsFunc(want, func(w task.TrashRef) bool { return w.ID == ref.ID }) {
			got = append(got, ref)
		}
	}
	if len(got) != len(want) {
		t.Fatalf("ExpiredTrash = %d of this test's tasks, want %d", len(got), len(want))
	}
	for i := range want {
		if got[i].Owner != want[i].Owner || got[i].ID != want[i].ID || !got[i].DeletedAt.Equal(want[i].DeletedAt) {
			t.Fatalf("ExpiredTrash[%d] = %+v, want %+v", i, got[i], want[i])
		}
	}
	if two, err := h.ExpiredTrash(ctx, expiredTrashYear.Add(3*time.Hour), 2); err != nil || len(two) != 2 ||
		two[1].DeletedAt.Before(two[0].DeletedAt) || two[1].DeletedAt.After(got[1].DeletedAt) {
		t.Fatalf("ExpiredTrash, limit 2 = %+v, %v; want the 2 oldest", two, err)
	}
}

// testPurgeRace purges the same trashed tasks from many transactions at
// once, as replicas' housekeeping may: each is purged once, with one
// purged change, and the others find it gone.
func testPurgeRace(t *testing.T, r ports.TaskRepository) {
	ctx := context.Background()
	owner := RandomOwner()
	const tasks, racers = 5, 6
	var ids []task.ID
	for range tasks {
		tk := MustCreate(t, r, owner, "purged once", base)
		if err := MoveToTrash(ctx, r, owner, tk.ID(), purgeRaceYear); err != nil {
			t.Fatalf("Trash: %v", err)
		}
		ids = append(ids, tk.ID())
	}
	results := make(chan error, tasks*racers)
	testkit.AllAtOnce(racers, func(int) {
		for _, id := range ids {
			results <- PurgeFromTrash(ctx, r, owner, id, base)
		}
	})
	close(results)
	purged := 0
	for err := range results {
		switch apperr.CodeOf(err) {
		case "":
			purged++
		case apperr.ENOTFOUND:
		default:
			t.Fatalf("Purge: %v", err)
		}
	}
	if purged != tasks {
		t.Fatalf("%d purges succeeded for %d tasks", purged, tasks)
	}
	count := map[task.ID]int{}
	for _, c := range MustChanges(t, r, owner, 0, 100) {
		if c.Op == task.ChangePurged {
			count[c.TaskID]++
		}
	}
	for _, id := range ids {
		if count[id] != 1 {
			t.Fatalf("task %s has %d purged changes, want 1", id, count[id])
		}
	}
}

// testPruneChanges removes the oldest run of changes made before a time,
// raising the floor, and keeps the rest; the run kept has no gap even
// when a change made later carries an earlier time.
func testPruneChanges(t *testing.T, r ports.TaskRepository) {
	ctx := context.Background()
	h := housekeeper(t, r)
	owner := RandomOwner()
	at := []time.Duration{0, time.Hour, 3 * time.Hour, 2 * time.Hour, 4 * time.Hour} // the 4th is out of order
	for i, d := range at {
		tk, _ := task.New(RandomID(), owner, task.Draft{Title: "dated"}, pruneYear.Add(d))
		if err := CreateRecorded(ctx, r, tk); err != nil {
			t.Fatalf("Create %d: %v", i, err)
		}
	}
	// Before 2h30: changes 1, 2 and 4; 4 comes after 3, which is kept, so
	// only 1 and 2 go.
	n, err := h.PruneChanges(ctx, pruneYear.Add(150*time.Minute), 1000)
	if err != nil {
		t.Fatalf("PruneChanges: %v", err)
	}
	if n < 2 {
		t.Fatalf("PruneChanges removed %d changes, want at least this test's 2", n)
	}
	page, err := r.Changes(ctx, owner, 0, 10)
	if err != nil {
		t.Fatalf("Changes: %v", err)
	}
	if page.Floor != 2 || page.Head.Seq != 5 || len(page.Changes) != 3 || page.Changes[0].Seq != 3 {
		t.Fatalf("after pruning: floor %d, head %d, %d changes from %v; want floor 2, head 5, changes 3 to 5",
			page.Floor, page.Head.Seq, len(page.Changes), page.Changes)
	}
	// Again: nothing more of this owner's goes; then all of it.
	if _, err := h.PruneChanges(ctx, pruneYear.Add(150*time.Minute), 1000); err != nil {
		t.Fatalf("PruneChanges: %v", err)
	}
	if page, _ := r.Changes(ctx, owner, 0, 10); page.Floor != 2 || len(page.Changes) != 3 {
		t.Fatalf("pruning again: floor %d, %d changes; want 2 and 3", page.Floor, len(page.Changes))
	}
	if _, err := h.PruneChanges(ctx, pruneYear.Add(5*time.Hour), 1000); err != nil {
		t.Fatalf("PruneChanges: %v", err)
	}
	page, err = r.Changes(ctx, owner, 0, 10)
	if err != nil || page.Floor != 5 || page.Head.Seq != 5 || len(page.Changes) != 0 {
		t.Fatalf("after pruning all: %+v, %v; want floor and head 5, no changes", page, err)
	}
	if err := page.CheckSince(&task.FeedPosition{Epoch: page.Head.Epoch, Seq: 4}); apperr.CodeOf(err) != apperr.EGONE {
		t.Fatalf("a cursor before the floor: %v, want EGONE", err)
	}
}
