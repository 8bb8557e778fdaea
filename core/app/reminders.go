package app

import (
	"context"
	"math/rand/v2"
	"sync"
	"time"

	"github.com/todoapi/todo/core/apperr"
	"github.com/todoapi/todo/core/identity"
	"github.com/todoapi/todo/core/task"
	"github.com/todoapi/todo/ports"
)

// ReminderInterval is how often every replica looks for reminders to
// fire. A reminder fires at the first look at or after its remind_at, so
// within about this long after it (the contract allows five seconds), and
// never before.
const ReminderInterval = time.Second

// Fired is a reminder that FireReminders recorded.
type Fired struct {
	Owner    identity.UserID
	ID       task.ID
	RemindAt time.Time // when it was due
	At       time.Time // when it fired: At - RemindAt is its lag
}

// reminderBatch is how many due reminders one read asks for; a round reads
// again while batches come back full, up to maxBatches of them.
const reminderBatch = 200

// FireReminders fires every reminder that store finds due at the clock's
// now: for each, in a transaction acting for its owner, it reads the task
// again (which locks it), fires it if it is still armed and due
// (task.Task.FireReminder), saves it and records a reminder change, which
// the owner's live streams then send. Another replica firing the same
// reminder at once finds it disarmed once the first commits, so each
// fires once. A task gone since the read (trashed, deleted) is skipped.
// Several reminders fire at once (reminderWorkers), each replica taking
// a batch in an order of its own, so that replicas mostly fire different
// ones rather than wait on each other's locks.
//
// It returns the reminders it fired, and the first error it met: one
// reminder failing does not keep the others from firing. EUNAVAILABLE,
// EINTERNAL.
func (s *TaskService) FireReminders(ctx context.Context, store ports.Housekeeper) ([]Fired, error) {
	var fired []Fired
	var first error
	for range maxBatches {
		refs, err := store.DueReminders(ctx, s.clock.Now(), reminderBatch)
		if err != nil {
			return fired, err
		}
		rand.Shuffle(len(refs), func(i, j int) { refs[i], refs[j] = refs[j], refs[i] })
		batch, err := s.fireAll(ctx, refs)
		fired = append(fired, batch...)
		if first == nil {
			first = err
		}
		// A short batch was the last; one where nothing fired is another
		// replica's work, or failing: leave it to the next round.
		if len(refs) < reminderBatch || len(batch) == 0 || ctx.Err() != nil {
			break
		}
	}
	return fired, first
}

// reminderWorkers is how many reminders one replica fires at once. Each
// is a transaction of its own whose commit waits on the database's disk;
// one at a time, a replica fired 190 to 430 a second on PostgreSQL here,
// and a burst of reminders set for the same minute must fire within 5 s.
// Four at a time fired 490 to 760 a second (see docs/benchmarks.md) while
// taking a quarter of the default pool at most.
const reminderWorkers = 4

// fireAll fires the reminders of refs, reminderWorkers at a time, and
// returns those it fired and the first error it met.
func (s *TaskService) fireAll(ctx context.Context, refs []task.ReminderRef) ([]Fired, error) {
	var (
		mu    sync.Mutex
		fired []Fired
		first error
		wg    sync.WaitGroup
	)
	next := make(chan task.ReminderRef)
	for range min(reminderWorkers, len(refs)) {
		wg.Go(func() {
			for ref := range next {
				f, ok, err := s.fireReminder(ctx, ref)
				mu.Lock()
				if ok {
					fired = append(fired, f)
				}
				if err != nil && first == nil {
					first = err
				}
				mu.Unlock()
			}
		})
	}
	for _, ref := range refs {
		next <- ref
	}
	close(next)
	wg.Wait()
	return fired, first
}

// fireReminder fires one reminder, if it is still armed and due.
func (s *TaskService) fireReminder(ctx context.Context, ref task.ReminderRef) (Fired, bool, error) {
	var f Fired
	err := s.repo.Atomic(ctx, ref.Owner, func(tx ports.TaskTx) error {
		t, err := tx.Get(ctx, ref.ID)
		if err != nil {
			return err
		}
		now := s.clock.Now()
		if !t.FireReminder(now) {
			return nil // fired by another replica, moved, completed: nothing to do
		}
		if err := tx.Save(ctx, t); err != nil {
			return err
		}
		c := task.Reminded(t, now)
		at, _ := t.RemindAt()
		f = Fired{Owner: ref.Owner, ID: ref.ID, RemindAt: at, At: c.At}
		return tx.Record(ctx, c)
	})
	if err != nil {
		if apperr.CodeOf(err) == apperr.ENOTFOUND {
			return Fired{}, false, nil // gone since the read: trashed or deleted
		}
		return Fired{}, false, err
	}
	return f, !f.At.IsZero(), nil
}
