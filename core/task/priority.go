package task

import (
	"strconv"

	"github.com/todoapi/todo/core/apperr"
)

// Priority says how much a task matters. Priorities are ordered, so
// PriorityLow < PriorityMedium < PriorityHigh < PriorityUrgent, and the zero
// value is PriorityMedium, the default, so a Draft that names no priority
// gets the right one.
type Priority int8

// The priorities, lowest first.
const (
	PriorityLow Priority = iota - 1
	PriorityMedium
	PriorityHigh
	PriorityUrgent
)

// DefaultPriority is the priority of a task created without one, or given
// null.
const DefaultPriority = PriorityMedium

// priorityNames lists the priorities by Rank.
var priorityNames = [...]string{"low", "medium", "high", "urgent"}

// priorityAllowed is the list of allowed values that errors name.
const priorityAllowed = "low, medium, high, urgent"

// ParsePriority parses a priority: "low", "medium", "high" or "urgent",
// ignoring ASCII case and surrounding white space; "critical" means
// "urgent". Anything else, the empty string included, is EINVALID naming
// the field "priority" with the allowed values.
func ParsePriority(s string) (Priority, error) {
	if p, ok := lookupPriority(s); ok {
		return p, nil
	}
	return DefaultPriority, apperr.Invalid(apperr.FieldError{
		Field: "priority", Message: "must be one of " + priorityAllowed,
	})
}

// lookupPriority finds the priority s names, if any.
func lookupPriority(s string) (Priority, bool) {
	k := keyword(s)
	if k == "critical" {
		return PriorityUrgent, true
	}
	for rank, name := range priorityNames {
		if k == name {
			return PriorityLow + Priority(rank), true
		}
	}
	return DefaultPriority, false
}

// String returns the priority's name as the API writes it ("low",
// "medium", "high", "urgent").
func (p Priority) String() string {
	if !p.Valid() {
		return "Priority(" + strconv.Itoa(int(p)) + ")"
	}
	return priorityNames[p.Rank()]
}

// Valid reports whether p is one of the four priorities.
func (p Priority) Valid() bool { return PriorityLow <= p && p <= PriorityUrgent }

// Rank returns the priority as a small number for sorting and storing:
// 0 for low, 1 medium, 2 high, 3 urgent. Sorting by Rank descending puts
// urgent first.
func (p Priority) Rank() int { return int(p - PriorityLow) }

// PriorityFromRank returns the priority whose Rank is r, for a store that
// keeps the rank. It reports false for a number that is no rank.
func PriorityFromRank(r int) (Priority, bool) {
	if r < 0 || r >= len(priorityNames) {
		return DefaultPriority, false
	}
	return PriorityLow + Priority(r), true
}
