package task

import (
	"cmp"
	"slices"
	"strings"
	"time"
)

// Query says which of an owner's tasks a list returns, in which order and
// how many. The zero Query is v1's list: every task, newest first.
//
// A store turns a Query into its own query language; the memory store runs
// Matches and Compare, which define what every store must answer.
type Query struct {
	Status     Status
	Priorities []Priority // any of them; empty: all
	Tags       []string   // FoldCase keys the task must all have (see ParseTagFilter)
	Search     string     // found, ignoring case, in the title or description; "": no search
	// DueFrom and DueTo bound Due.Instant, both inclusive (see
	// ParseDueAfter and ParseDueBefore); tasks with no due date fail either.
	DueFrom, DueTo *time.Time
	// Overdue keeps pending tasks due before Now (a date is due until the
	// end of its day).
	Overdue bool
	Now     time.Time

	Sort  SortField
	Order Order // OrderDefault means DefaultOrder(Sort)

	// Limit caps how many tasks one page holds; 0 means no cap.
	Limit int
	// Offset skips that many matching tasks (offset pages); After, when
	// set, continues after a position instead (cursor pages).
	Offset int
	After  *Position
	// Count asks for Page.Total.
	Count bool
}

// Position is a task's place in a sort order: its sort key and its id,
// which breaks ties, so the order is total and paging through positions
// never repeats or skips a task while the list does not change.
type Position struct {
	Sort SortField
	Time time.Time // created_at, updated_at, or the due date's Instant
	Text string    // FoldCase of the title
	Rank int       // Priority.Rank
	None bool      // sorting by due date: the task has none
	ID   ID
}

// PositionOf returns a task's position in the order of sort.
func PositionOf(t *Task, sort SortField) Position {
	p := Position{Sort: sort, ID: t.id}
	switch sort {
	case SortCreated:
		p.Time = t.createdAt
	case SortUpdated:
		p.Time = t.updatedAt
	case SortTitle:
		p.Text = FoldCase(t.title)
	case SortDueDate:
		p.None = t.plan.Due.IsZero()
		if !p.None {
			p.Time = t.plan.Due.Instant()
		}
	case SortPriority:
		p.Rank = t.plan.Priority.Rank()
	}
	return p
}

// order returns the resolved direction of q.
func (q Query) order() Order {
	if q.Order == OrderDefault {
		return DefaultOrder(q.Sort)
	}
	return q.Order
}

// Descending reports whether q lists in descending order.
func (q Query) Descending() bool { return q.order() == OrderDesc }

// Compare orders two positions as q lists them: by the sort key in q's
// direction, then by id in the same direction. Tasks without a due date
// come after all others in either direction.
func (q Query) Compare(a, b Position) int {
	if a.None != b.None {
		if a.None {
			return 1
		}
		return -1
	}
	c := 0
	switch q.Sort {
	case SortTitle:
		c = strings.Compare(a.Text, b.Text)
	case SortPriority:
		c = cmp.Compare(a.Rank, b.Rank)
	default:
		c = a.Time.Compare(b.Time)
	}
	if c == 0 {
		c = compareIDs(a.ID, b.ID)
	}
	if q.Descending() {
		return -c
	}
	return c
}

// Matches reports whether t is one of the tasks q selects, its position
// aside.
func (q Query) Matches(t *Task) bool {
	switch {
	case !q.Status.Matches(t.completed):
		return false
	case len(q.Priorities) > 0 && !slices.Contains(q.Priorities, t.plan.Priority):
		return false
	case q.Search != "" && !q.found(t):
		return false
	case q.Overdue && (t.completed || t.plan.Due.IsZero() || !t.plan.Due.Instant().Before(q.Now)):
		return false
	}
	if q.DueFrom != nil || q.DueTo != nil {
		if t.plan.Due.IsZero() {
			return false
		}
		at := t.plan.Due.Instant()
		if q.DueFrom != nil && at.Before(*q.DueFrom) || q.DueTo != nil && at.After(*q.DueTo) {
			return false
		}
	}
	for _, want := range q.Tags {
		if !slices.ContainsFunc(t.plan.Tags, func(tag string) bool { return FoldCase(tag) == want }) {
			return false
		}
	}
	return true
}

func (q Query) found(t *Task) bool {
	needle := FoldCase(q.Search)
	if strings.Contains(FoldCase(t.title), needle) {
		return true
	}
	return t.description != nil && strings.Contains(FoldCase(*t.description), needle)
}

// Page is one page of a list.
type Page struct {
	// Tasks are the page's tasks in list order; empty, never nil, when
	// there are none.
	Tasks []*Task
	// Next is where the next page starts, nil when this page is the last.
	Next *Position
	// Total counts every task the query matches, ignoring Limit, Offset
	// and After, read in the same snapshot as the page; 0 unless
	// Query.Count.
	Total int
	// Head is the owner's change feed position read in the same snapshot
	// as the page: reading the feed from it gives every change the page
	// does not show, and none that it does.
	Head FeedPosition
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
