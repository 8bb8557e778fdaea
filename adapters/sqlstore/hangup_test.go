package sqlstore_test

import (
	"context"
	"math/rand/v2"
	"sync/atomic"
	"testing"
	"time"

	"github.com/todoapi/todo/adapters/sqlstore"
	"github.com/todoapi/todo/adapters/sqlstore/sqlstoretest"
	"github.com/todoapi/todo/core/apperr"
	"github.com/todoapi/todo/core/identity"
	"github.com/todoapi/todo/core/task"
	"github.com/todoapi/todo/internal/testkit"
	"github.com/todoapi/todo/ports/porttest"
)

// Callers that leave at random moments while the store is busy get their
// answer or ECANCELED, never an error that reads as the database failing,
// and the store never opens more connections than its pools hold at once:
// no hang-up cost a connection.
func TestCallersLeaving(t *testing.T) {
	t.Parallel()
	stores := []struct {
		name  string
		open  func(t *testing.T) *sqlstore.DB
		conns int64 // the pools' size
	}{
		{"SQLite", func(t *testing.T) *sqlstore.DB {
			return sqlstoretest.MustOpenSQLite(t, sqlstore.Options{MaxOpenConns: 2})
		}, 2 + 1}, // the readers and the writer
		{"Postgres", func(t *testing.T) *sqlstore.DB {
			return sqlstoretest.MustOpenPostgres(t, sqlstore.Options{MaxOpenConns: 3})
		}, 3},
	}
	for _, s := range stores {
		t.Run(s.name, func(t *testing.T) {
			t.Parallel()
			db := s.open(t)
			repo := sqlstore.NewTaskRepository(db)
			owner := porttest.RandomOwner()
			var ids []task.ID
			for i := range 100 { // lists long enough to keep the store busy
				ids = append(ids, porttest.MustCreate(t, repo, owner, "task", time.Now().Add(time.Duration(i))).ID())
			}
			var answered, left atomic.Int64
			testkit.AllAtOnce(32, func(int) {
				for range 30 {
					ctx, cancel := context.WithCancel(context.Background())
					hangUp := time.AfterFunc(rand.N(10*time.Millisecond), cancel)
					err := call(ctx, repo, owner, ids[rand.N(len(ids))])
					hangUp.Stop()
					cancel()
					switch apperr.CodeOf(err) {
					case "", apperr.ENOTFOUND, apperr.ECONFLICT:
						answered.Add(1)
					case apperr.ECANCELED:
						left.Add(1)
					default:
						t.Errorf("a caller leaving got %v (%s), want an answer or ECANCELED", err, apperr.CodeOf(err))
					}
				}
			})
			if got := db.ConnectionsOpened(); got > s.conns {
				t.Errorf("%d connections opened for pools of %d: hang-ups cost connections (%d answered, %d left)",
					got, s.conns, answered.Load(), left.Load())
			}
			if left.Load() == 0 {
				t.Errorf("no caller left before its answer (%d answered): the test tested nothing", answered.Load())
			}
		})
	}
}

// call makes one of the repository's calls: a list, a read, or an update.
func call(ctx context.Context, repo *sqlstore.TaskRepository, owner identity.UserID, id task.ID) error {
	switch rand.N(3) {
	case 0:
		_, err := repo.List(ctx, owner, task.Query{})
		return err
	case 1:
		_, err := repo.Get(ctx, owner, id)
		return err
	default:
		_, err := porttest.Update(ctx, repo, owner, id, func(tk *task.Task) error {
			tk.Toggle(time.Now())
			return nil
		})
		return err
	}
}
