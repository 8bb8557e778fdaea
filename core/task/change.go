package task

import (
	"strconv"
	"strings"
	"time"

	"github.com/todoapi/todo/core/apperr"
)

// Limits on reading the change feed.
const (
	MaxChangeLimit     = 1000 // the most changes one read returns
	DefaultChangeLimit = 100  // the page size when the caller names none
)

// ChangeOp is what a change did to a task. The zero value is no operation;
// a new kind of change is one more constant and name here.
type ChangeOp uint8

// The operations of the change feed.
const (
	ChangeCreated  ChangeOp = iota + 1 // a task was created, by a client or by its recurrence
	ChangeUpdated                      // a stored change: update, toggle, complete
	ChangeDeleted                      // moved to the trash; the change carries no task
	ChangeRestored                     // back from the trash
	ChangePurged                       // removed from the trash for good; the change carries no task
	ChangeReminder                     // the task's reminder fired; the task itself is unchanged (see Reminded)
)

var changeOpNames = [...]string{"", "created", "updated", "deleted", "restored", "purged", "reminder"}

// String returns the operation's name as the feed spells it ("created").
func (o ChangeOp) String() string {
	if int(o) >= len(changeOpNames) || o == 0 {
		return "ChangeOp(" + strconv.Itoa(int(o)) + ")"
	}
	return changeOpNames[o]
}

// ParseChangeOp returns the operation a name spells; ok is false for a
// name that is none.
func ParseChangeOp(s string) (op ChangeOp, ok bool) {
	for i, name := range changeOpNames {
		if i > 0 && name == s {
			return ChangeOp(i), true
		}
	}
	return 0, false
}

// Tombstone reports whether a change of this kind carries no task: the
// task is in the trash or gone.
func (o ChangeOp) Tombstone() bool { return o == ChangeDeleted || o == ChangePurged }

// ChangeOps lists every operation, in order.
func ChangeOps() []ChangeOp {
	out := make([]ChangeOp, 0, len(changeOpNames)-1)
	for i := 1; i < len(changeOpNames); i++ {
		out = append(out, ChangeOp(i))
	}
	return out
}

// Change is one change to an owner's tasks, as the change feed keeps it.
type Change struct {
	// Seq numbers the change in its owner's feed: 1 for the first, one more
	// for each after it, in commit order. The store sets it.
	Seq    int64
	Op     ChangeOp
	TaskID ID
	// Task is the task as the change left it; nil when Op is a tombstone.
	Task *Task
	// At is when the change was made: the task's UpdatedAt when it carries
	// one, else the time of the deletion or purge; for a reminder, when it
	// fired.
	At time.Time
}

// Created returns the change that stores a new task.
func Created(t *Task) Change { return withTask(ChangeCreated, t) }

// Updated returns the change that stores a changed task.
func Updated(t *Task) Change { return withTask(ChangeUpdated, t) }

// Restored returns the change that brings a task back from the trash.
func Restored(t *Task) Change { return withTask(ChangeRestored, t) }

// Deleted returns the change that moves the task id to the trash at at.
func Deleted(id ID, at time.Time) Change {
	return Change{Op: ChangeDeleted, TaskID: id, At: at.UTC().Truncate(Precision)}
}

// Purged returns the change that removes the task id from the trash for
// good at at.
func Purged(id ID, at time.Time) Change {
	return Change{Op: ChangePurged, TaskID: id, At: at.UTC().Truncate(Precision)}
}

func withTask(op ChangeOp, t *Task) Change {
	return Change{Op: op, TaskID: t.id, Task: FromSnapshot(t.Snapshot()), At: t.updatedAt}
}

// FeedPosition is a place in an owner's change feed: just after the change
// numbered Seq (0: before the first). Epoch tells one life of a feed from
// another: it is set when the owner's first change is stored, so a
// position kept from a feed that has since been reset (a database
// restored from an old backup, say) is not mistaken for one of the new
// feed. A position of Seq 0 means the start of any feed.
type FeedPosition struct {
	Epoch int64
	Seq   int64
}

// ChangePage is one read of an owner's change feed, from one consistent
// snapshot: the changes after a position and where the feed stood.
type ChangePage struct {
	// Changes are in commit order (ascending Seq); empty, never nil, when
	// there are none.
	Changes []Change
	// Head is the feed's last position: its epoch and its last change's
	// Seq (the zero position when the owner has no feed yet).
	Head FeedPosition
	// Floor is the Seq of the last change the feed no longer keeps: the
	// changes from Floor+1 to Head.Seq are all there.
	Floor int64
	// More reports that changes follow the last of the page.
	More bool
}

// CheckSince returns EGONE unless a reader that has read through since can
// read on from it in this page's feed: since must have been issued by it
// (not past its head, and of its epoch unless it is the start) and must
// not be older than its oldest kept change. A nil since starts at the
// oldest change kept, and always can.
func (p ChangePage) CheckSince(since *FeedPosition) error {
	if since == nil {
		return nil
	}
	switch {
	case since.Seq < 0 || since.Seq > p.Head.Seq || since.Seq > 0 && since.Epoch != p.Head.Epoch:
		return ErrGone("The change cursor was never issued for this user's feed; list the tasks again and read the changes from that list's X-Change-Cursor.")
	case since.Seq < p.Floor:
		return ErrGone("The changes after this cursor are no longer kept; list the tasks again and read the changes from that list's X-Change-Cursor.")
	}
	return nil
}

// Next returns the position to read on from after this page: after its
// last change, or where the read started when it holds none.
func (p ChangePage) Next(since *FeedPosition) FeedPosition {
	switch {
	case len(p.Changes) > 0:
		return FeedPosition{Epoch: p.Head.Epoch, Seq: p.Changes[len(p.Changes)-1].Seq}
	case since != nil:
		return FeedPosition{Epoch: p.Head.Epoch, Seq: since.Seq}
	}
	return FeedPosition{Epoch: p.Head.Epoch, Seq: p.Floor}
}

// At returns the position just after the change numbered seq in this
// page's feed.
func (p ChangePage) At(seq int64) FeedPosition { return FeedPosition{Epoch: p.Head.Epoch, Seq: seq} }

// ErrGone returns EGONE with the message given: the caller must start over.
func ErrGone(message string) error { return apperr.Errorf(apperr.EGONE, "%s", message) }

// ParseChangeLimit parses the limit of a feed read: a whole number from 1
// to MaxChangeLimit. Anything else is EINVALID naming "limit".
func ParseChangeLimit(s string) (int, error) {
	n, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil || n < 1 || n > MaxChangeLimit {
		return 0, badParam("limit", "must be a whole number from 1 to "+strconv.Itoa(MaxChangeLimit))
	}
	return n, nil
}
