package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/todoapi/todo/core/apperr"
	"github.com/todoapi/todo/core/identity"
	"github.com/todoapi/todo/core/task"
)

// The change feed never skips a change: a reader that has read the change
// numbered n has passed every number up to n, so no change numbered n or
// less may commit after it. Each owner's changes are therefore numbered,
// one after the other, by the statement that writes the change, in the
// writing transaction, so that the numbers' order is the commits' order:
//
//   - On PostgreSQL the number comes from a counter row of the owner's
//     (feed_heads.seq), raised by that statement. The raise takes the
//     row's lock, held until the transaction ends. Another transaction of
//     the same owner that records a change waits at its own raise until
//     the first has committed (or rolled back, taking its number back),
//     then reads the committed value: the owner's numbers are given out
//     in commit order, without gaps, and a snapshot that holds change n
//     holds every change before it. Only one owner's writes queue, and
//     only from their raise through their commit: the use cases record
//     their changes last, in the batch that commits (see pgEngine.atomic),
//     so the lock is held for one round trip and the commit, and one
//     owner's concurrent writes commit one after the other. A global
//     sequence, or a visibility horizon such as pg_snapshot_xmin, would
//     let an owner's writes commit side by side, but a sequence hands out
//     numbers before commit (the skip this prevents), a horizon makes
//     every reader wait for the slowest writer of any owner, and a feed
//     with gaps cannot tell a pruned change from one never made.
//   - SQLite runs one write transaction at a time (one writer connection,
//     BEGIN IMMEDIATE), so transactions commit in the order they number
//     their changes, and a reader's snapshot (WAL) holds a prefix of
//     commits. There a change is numbered one past the owner's last
//     change, without writing the head row (see headSQL).
//
// Either way, a feed read is one statement, so one snapshot, that reads
// the head and the changes after the reader's position.

// errFeed is the error of a feed row that makes no sense.
func errFeed(format string, args ...any) error {
	return apperr.Wrap(apperr.EINTERNAL, fmt.Errorf("sqlstore: "+format, args...), "Internal error.")
}

// newEpoch is a feed's epoch: random, positive, so a cursor kept from an
// earlier life of the database is not mistaken for one of this one.
func newEpoch() int64 { return rand.Int64N(1<<62) + 1 }

// Record implements ports.TaskTx.
func (t *tx) Record(ctx context.Context, c task.Change) error {
	var body any // NULL: a tombstone
	if c.Task != nil {
		body = string(encodeTask(c.Task))
	}
	owner, ta := string(t.owner), t.r.db.engine.timeArg
	change := []any{c.Op.String(), c.TaskID.String(), ta(c.At.Truncate(task.Precision)), body}
	f := t.r.feed
	if t.r.db.dialect == Postgres {
		if n, ok := t.e.(interface{ notifyOnCommit() }); ok {
			n.notifyOnCommit() // the other replicas' streams learn of it at commit
		}
		return t.e.exec(ctx, f.record, append([]any{owner, newEpoch()}, change...), wantRows(1))
	}
	if err := t.e.exec(ctx, f.recordHead, []any{owner, newEpoch()}, nil); err != nil { // made once, then left alone
		return err
	}
	return t.e.exec(ctx, f.recordChange, append([]any{owner}, change...), wantRows(1))
}

// Trash implements ports.TaskTx: the task moves to trash, over the
// version Get read.
func (t *tx) Trash(ctx context.Context, tk *task.Task, at time.Time) error {
	id := tk.ID()
	read, ok := t.read[id]
	if !ok {
		return apperr.Errorf(apperr.ECONFLICT, "The task was changed by another request; try again.")
	}
	delete(t.read, id)
	at = at.UTC().Truncate(task.Precision)
	args := []any{id.String(), string(t.owner), t.r.db.engine.timeArg(at), string(encodeTask(tk))}
	if err := t.e.exec(ctx, t.r.feed.trashInsert, args, wantRows(1)); err != nil {
		return err
	}
	if err := t.e.exec(ctx, t.r.feed.deleteRead, []any{id.String(), string(t.owner), read}, wantRows(1)); err != nil {
		return err
	}
	return t.countDown(ctx)
}

// GetTrashed implements ports.TaskTx.
func (t *tx) GetTrashed(ctx context.Context, id task.ID) (task.Trashed, error) {
	var found task.Trashed
	err := t.e.read(ctx, t.r.feed.getTrashed, []any{id.String(), string(t.owner)}, func(rw row) error {
		var err error
		found, err = scanTrashed(rw)
		return err
	})
	if err != nil {
		return task.Trashed{}, dbError(err)
	}
	if found.Task == nil {
		return task.Trashed{}, task.ErrNotFound()
	}
	return found, nil
}

// Restore implements ports.TaskTx: out of the trash, back into tasks and
// their count.
func (t *tx) Restore(ctx context.Context, tk *task.Task, limit int) error {
	if err := t.untrash(ctx, tk.ID()); err != nil {
		return err
	}
	if err := t.countUp(ctx, limit); err != nil {
		return err
	}
	s := tk.Snapshot()
	args := append([]any{s.ID.String(), string(s.Owner), t.r.db.engine.timeArg(s.CreatedAt)}, t.r.stateArgs(s)...)
	return t.e.exec(ctx, t.r.sql.insert, args, wantRows(1))
}

// Purge implements ports.TaskTx.
func (t *tx) Purge(ctx context.Context, id task.ID) error { return t.untrash(ctx, id) }

func (t *tx) untrash(ctx context.Context, id task.ID) error {
	return t.e.exec(ctx, t.r.feed.untrash, []any{id.String(), string(t.owner)}, func(n int64) error {
		if n == 0 {
			return task.ErrNotFound()
		}
		return nil
	})
}

// scanTrashed scans a row of deleted_at and the task's JSON.
func scanTrashed(rw row) (task.Trashed, error) {
	var at timestamp
	var body []byte
	if err := rw.scan(&at, &body); err != nil {
		return task.Trashed{}, err
	}
	t, err := decodeTask(body)
	if err != nil {
		return task.Trashed{}, err
	}
	return task.Trashed{Task: t, DeletedAt: time.Time(at).UTC()}, nil
}

// ListTrash implements ports.TaskRepository. It reads one task more than
// the page holds, to tell whether there is a next page.
func (r *TaskRepository) ListTrash(ctx context.Context, owner identity.UserID, q task.TrashQuery) (task.TrashPage, error) {
	limit := int64(math.MaxInt32)
	if q.Limit > 0 {
		limit = int64(q.Limit) + 1
	}
	st, args := r.feed.listTrash, []any{string(owner), limit, int64(q.Offset)}
	if q.After != nil {
		st = r.feed.listTrashAfter
		args = []any{string(owner), r.db.engine.timeArg(q.After.DeletedAt), q.After.ID.String(), limit}
	}
	page := task.TrashPage{Tasks: make([]task.Trashed, 0, 16)}
	err := r.db.engine.read(ctx, owner, st, args, func(rw row) error {
		t, err := scanTrashed(rw)
		page.Tasks = append(page.Tasks, t)
		return err
	})
	if err != nil {
		return task.TrashPage{}, dbError(err)
	}
	if q.Limit > 0 && len(page.Tasks) > q.Limit {
		page.Tasks = page.Tasks[:q.Limit]
		next := task.PositionInTrash(page.Tasks[q.Limit-1])
		page.Next = &next
	}
	return page, nil
}

// Changes implements ports.TaskRepository: the head and the changes after
// after, from one statement. A feed without a head row is a new one: at
// the zero position, with nothing to read.
func (r *TaskRepository) Changes(ctx context.Context, owner identity.UserID, after int64, limit int) (task.ChangePage, error) {
	page := task.ChangePage{Changes: make([]task.Change, 0, min(limit, 128))}
	err := r.db.engine.read(ctx, owner, r.feed.changes, []any{string(owner), after, int64(limit) + 1}, func(rw row) error {
		var epoch, head, floor, seq sql.NullInt64
		var op sql.NullString
		var id nullRowID
		var at nullTimestamp
		var body []byte
		if err := rw.scan(&epoch, &head, &floor, &seq, &op, &id, &at, &body); err != nil {
			return err
		}
		page.Head, page.Floor = task.FeedPosition{Epoch: epoch.Int64, Seq: head.Int64}, floor.Int64
		if !seq.Valid {
			return nil // the head alone: no change after the position
		}
		c, err := feedChange(seq.Int64, op.String, id.ptr(), at.ptr(), body)
		page.Changes = append(page.Changes, c)
		return err
	})
	if err != nil {
		return task.ChangePage{}, dbError(err)
	}
	slices.SortFunc(page.Changes, func(a, b task.Change) int { return int(a.Seq - b.Seq) }) // in order already: see withHead
	if len(page.Changes) > limit {
		page.Changes, page.More = page.Changes[:limit], true
	}
	return page, nil
}

// feedChange builds a change from its columns.
func feedChange(seq int64, opName string, id *task.ID, at *time.Time, body []byte) (task.Change, error) {
	op, ok := task.ParseChangeOp(opName)
	if !ok || id == nil || at == nil || (body == nil) != op.Tombstone() {
		return task.Change{}, errFeed("bad change %d (%q) in the database", seq, opName)
	}
	c := task.Change{Seq: seq, Op: op, TaskID: *id, At: at.UTC()}
	if body != nil {
		t, err := decodeTask(body)
		if err != nil {
			return task.Change{}, err
		}
		c.Task = t
	}
	return c, nil
}
