package task

import "time"

// Query says which of an owner's tasks a list returns and how many. The
// zero Query is the whole list, newest first.
//
// Filters and other sort orders join this type as the listing grows; a
// store turns a Query into its own query language, and the memory store
// into a loop, so every store answers the same Query the same way.
type Query struct {
	// Limit caps how many tasks one page holds; 0 means no cap.
	Limit int
	// After continues a list after this position: the Next of the page
	// before. Nil starts at the beginning.
	After *Position
}

// Position is a place in the list order (newest first: CreatedAt
// descending, then ID descending). The order is total, so paging through
// positions never repeats or skips a task while the list does not change.
type Position struct {
	CreatedAt time.Time
	ID        ID
}

// PositionOf returns the position of a task in the list order.
func PositionOf(t *Task) Position { return Position{CreatedAt: t.createdAt, ID: t.id} }

// Before reports whether a task at position p comes before one at q in the
// list order.
func (p Position) Before(q Position) bool {
	if !p.CreatedAt.Equal(q.CreatedAt) {
		return p.CreatedAt.After(q.CreatedAt)
	}
	return compareIDs(p.ID, q.ID) > 0
}

// Page is one page of a list.
type Page struct {
	// Tasks are the page's tasks in list order; empty, never nil, when
	// there are none.
	Tasks []*Task
	// Next is where the next page starts, nil when this page is the last.
	Next *Position
}

func compareIDs(a, b ID) int {
	for i := range a {
		if a[i] != b[i] {
			if a[i] < b[i] {
				return -1
			}
			return 1
		}
	}
	return 0
}
