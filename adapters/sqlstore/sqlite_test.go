package sqlstore_test

import (
	"context"
	"testing"
	"time"

	"github.com/todoapi/todo/adapters/sqlstore"
	"github.com/todoapi/todo/adapters/sqlstore/sqlstoretest"
	"github.com/todoapi/todo/core/task"
	"github.com/todoapi/todo/internal/testkit"
	"github.com/todoapi/todo/ports/porttest"
)

// TestSQLiteUnderLoad runs 32 goroutines of mixed reads and writes through
// two DBs on one file, as two server processes would: none may fail, in
// particular not with SQLITE_BUSY ("database is locked").
func TestSQLiteUnderLoad(t *testing.T) {
	t.Parallel()
	databaseURL := sqlstoretest.SQLiteURL(t)
	first := sqlstoretest.MustOpen(t, databaseURL, sqlstore.Options{})
	sqlstoretest.MustMigrate(t, first)
	repos := []*sqlstore.TaskRepository{
		sqlstore.NewTaskRepository(first),
		sqlstore.NewTaskRepository(sqlstoretest.MustOpen(t, databaseURL, sqlstore.Options{})),
	}
	sharedOwner := porttest.RandomOwner()
	shared := porttest.MustCreate(t, repos[0], sharedOwner, "everyone's", time.Now())

	const workers, rounds = 32, 8
	testkit.AllAtOnce(workers, func(w int) {
		repo := repos[w%len(repos)]
		ctx := context.Background()
		owner := porttest.RandomOwner()
		for range rounds {
			tk, _ := task.New(porttest.RandomID(), owner, task.Draft{Title: "load"}, time.Now())
			steps := []error{porttest.Create(ctx, repo, tk)}
			_, err := repo.Get(ctx, owner, tk.ID())
			steps = append(steps, err)
			_, err = porttest.ListAll(ctx, repo, owner)
			steps = append(steps, err)
			_, err = porttest.Update(ctx, repo, sharedOwner, shared.ID(), func(s *task.Task) error {
				s.Toggle(time.Now())
				return nil
			})
			steps = append(steps, err, porttest.Delete(ctx, repo, owner, tk.ID()))
			for i, err := range steps {
				if err != nil {
					t.Errorf("step %d: %v", i, err)
					return
				}
			}
		}
	})
	got, err := repos[1].Get(context.Background(), sharedOwner, shared.ID())
	if err != nil {
		t.Fatal(err)
	}
	// An even number of toggles, none lost, leaves it as it was.
	if got.Completed() {
		t.Fatalf("after %d toggles completed = true: a toggle was lost", workers*rounds)
	}
}

// A statement that cannot be prepared yet (here: its table does not exist
// before the migrations) fails that call only; once the schema is there,
// the same repository prepares it and works.
func TestSQLiteStatementsPrepareOnceTheSchemaExists(t *testing.T) {
	t.Parallel()
	db := sqlstoretest.MustOpen(t, sqlstoretest.SQLiteURL(t), sqlstore.Options{})
	repo := sqlstore.NewTaskRepository(db)
	owner := porttest.RandomOwner()
	if _, err := porttest.ListAll(context.Background(), repo, owner); err == nil {
		t.Fatal("List before the migrations succeeded")
	}
	tk, _ := task.New(porttest.RandomID(), owner, task.Draft{Title: "after"}, time.Now())
	if err := porttest.Create(context.Background(), repo, tk); err == nil {
		t.Fatal("Create before the migrations succeeded")
	}
	sqlstoretest.MustMigrate(t, db)
	porttest.MustCreate(t, repo, owner, "after", time.Now())
	list, err := porttest.ListAll(context.Background(), repo, owner)
	if err != nil || len(list) != 1 {
		t.Fatalf("List after the migrations = %d tasks, %v; want 1", len(list), err)
	}
}

// TestSQLiteListShapesAreBounded lists with more shapes of filters and
// sorts than SQLite keeps prepared: each list answers, and the prepared
// ones stop at the bound.
func TestSQLiteListShapesAreBounded(t *testing.T) {
	t.Parallel()
	db := sqlstoretest.MustOpenSQLite(t, sqlstore.Options{MaxOpenConns: 1}) // one reader prepares each once
	repo := sqlstore.NewTaskRepository(db)
	owner := porttest.RandomOwner()
	porttest.MustCreate(t, repo, owner, "shaped", time.Now())
	all := []task.Priority{task.PriorityLow, task.PriorityMedium, task.PriorityHigh, task.PriorityUrgent}
	shapes := 0
	for sort := range task.SortPriority + 1 {
		for _, order := range []task.Order{task.OrderAsc, task.OrderDesc} {
			for status := range task.StatusCompleted + 1 {
				for n := range len(all) + 1 {
					for _, count := range []bool{false, true} {
						q := task.Query{Sort: sort, Order: order, Status: status, Priorities: all[:n], Limit: 10, Count: count}
						page, err := repo.List(context.Background(), owner, q)
						if err != nil {
							t.Fatalf("List %+v: %v", q, err)
						}
						if want := status != task.StatusCompleted && n != 1; want != (len(page.Tasks) == 1) {
							t.Fatalf("List %+v: %d tasks", q, len(page.Tasks))
						}
						shapes++
					}
				}
			}
		}
	}
	if shapes <= sqlstore.MaxListShapes {
		t.Fatalf("only %d shapes tried", shapes)
	}
	if got := db.PreparedListShapes(); got != sqlstore.MaxListShapes {
		t.Fatalf("%d shapes prepared, want %d", got, sqlstore.MaxListShapes)
	}
}
