package task

import (
	"time"

	"github.com/todoapi/todo/core/identity"
)

// Trashed is a task in the trash: deleted, not yet removed for good. It
// can be restored as it was, or purged.
type Trashed struct {
	Task      *Task
	DeletedAt time.Time // UTC, at Precision
}

// TrashQuery says which page of an owner's trash to read. The trash lists
// the most recently deleted first (DeletedAt descending, then id
// descending, so the order is total).
type TrashQuery struct {
	// Limit caps how many tasks one page holds; 0 means no cap.
	Limit int
	// Offset skips that many trashed tasks (offset pages); After, when
	// set, continues after a position instead (cursor pages).
	Offset int
	After  *TrashPosition
}

// TrashPosition is a trashed task's place in the trash's order.
type TrashPosition struct {
	DeletedAt time.Time
	ID        ID
}

// PositionInTrash returns the trashed task's position.
func PositionInTrash(t Trashed) TrashPosition {
	return TrashPosition{DeletedAt: t.DeletedAt, ID: t.Task.ID()}
}

// Compare orders two positions as the trash lists them: a negative result
// when a comes first (deleted later, or at the same time with a greater
// id).
func (a TrashPosition) Compare(b TrashPosition) int {
	if c := b.DeletedAt.Compare(a.DeletedAt); c != 0 {
		return c
	}
	return compareIDs(b.ID, a.ID)
}

// TrashPage is one page of an owner's trash.
type TrashPage struct {
	// Tasks are in the trash's order; empty, never nil, when there are
	// none.
	Tasks []Trashed
	// Next is where the next page starts, nil when this page is the last.
	Next *TrashPosition
}

// TrashRef names a trashed task of any owner, for the housekeeping that
// purges old ones.
type TrashRef struct {
	Owner     identity.UserID
	ID        ID
	DeletedAt time.Time
}

// Restore records that a trashed task came back as it was: a change, so
// the version moves on and UpdatedAt moves forward. Trashing cancelled its
// reminder; it is armed again only if it is still ahead (a reminder whose
// time passed in the trash stays missed, as one passed while completed).
func (t *Task) Restore(now time.Time) {
	t.armed = false
	if !t.completed {
		t.rearmIfAhead(now)
	}
	t.touch(now)
}
