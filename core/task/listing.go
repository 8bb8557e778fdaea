package task

import (
	"strconv"
	"strings"

	"github.com/todoapi/todo/core/apperr"
)

// Limits on listing tasks.
const (
	MaxListLimit     = 1000  // the largest page a listing returns
	DefaultListLimit = 1000  // the page size when the caller names none
	MaxPageOffset    = 10000 // how many tasks an offset page may skip
	MaxSearchLength  = 200   // the longest search text, in code points
)

// badParam returns the error for a listing parameter whose value is outside
// its set: EINVALID with no Fields, whose message names the parameter and
// what it allows ("status: must be one of all, pending, completed"). A
// task's broken rules, by contrast, always carry Fields.
func badParam(param, rule string) error {
	return apperr.Errorf(apperr.EINVALID, "%s: %s", param, rule)
}

// Status selects tasks by whether they are completed. The zero value,
// StatusAll, selects every task.
type Status uint8

// The statuses a listing filters on.
const (
	StatusAll Status = iota
	StatusPending
	StatusCompleted
)

var statusNames = [...]string{"all", "pending", "completed"}

// statusAliases are the other words the status parameter takes.
var statusAliases = map[string]Status{
	"open": StatusPending, "incomplete": StatusPending, "todo": StatusPending,
	"done": StatusCompleted, "complete": StatusCompleted,
}

// ParseStatus parses the status parameter: "all", "pending" or "completed";
// "open", "incomplete" and "todo" mean pending, "done" and "complete" mean
// completed. ASCII case and surrounding white space are ignored. Anything
// else, the empty string included, is EINVALID naming "status" and the
// allowed values.
func ParseStatus(s string) (Status, error) {
	k := keyword(s)
	for i, name := range statusNames {
		if k == name {
			return Status(i), nil
		}
	}
	if st, ok := statusAliases[k]; ok {
		return st, nil
	}
	return StatusAll, badParam("status", "must be one of all, pending, completed")
}

// ParseCompleted parses the completed parameter, the other way to filter
// by status: "true" is StatusCompleted and "false" StatusPending, ignoring
// ASCII case and surrounding white space. Anything else is EINVALID naming
// "completed".
func ParseCompleted(s string) (Status, error) {
	switch keyword(s) {
	case "true":
		return StatusCompleted, nil
	case "false":
		return StatusPending, nil
	}
	return StatusAll, badParam("completed", "must be true or false")
}

// String returns the status's name ("all", "pending", "completed").
func (s Status) String() string {
	if int(s) >= len(statusNames) {
		return "Status(" + strconv.Itoa(int(s)) + ")"
	}
	return statusNames[s]
}

// Matches reports whether a task completed or not is selected by s.
func (s Status) Matches(completed bool) bool {
	switch s {
	case StatusPending:
		return !completed
	case StatusCompleted:
		return completed
	}
	return true
}

// SortField is what a listing sorts by. Whatever the field, ties break on
// the task id, so the order is total. The zero value, SortCreated, is the
// default.
type SortField uint8

// The fields a listing sorts by, with their default orders.
const (
	SortCreated  SortField = iota // created_at; descending (newest first) by default
	SortUpdated                   // updated_at; descending by default
	SortTitle                     // the title compared by FoldCase; ascending by default
	SortDueDate                   // Due.Instant; ascending by default; tasks with no due date last in both orders
	SortPriority                  // Priority.Rank; descending (urgent first) by default
)

var sortNames = [...]string{"created", "updated", "title", "due_date", "priority"}

// sortAliases are the other words the sort parameter takes.
var sortAliases = map[string]SortField{
	"created_at": SortCreated, "updated_at": SortUpdated, "due_at": SortDueDate, "due": SortDueDate,
}

// ParseSort parses the sort parameter: "created", "updated", "title",
// "due_date" or "priority"; "created_at", "updated_at", "due_at" and "due"
// are accepted too. A leading "-" asks for descending order, which
// explicitDesc reports. ASCII case and surrounding white space are
// ignored. Anything else, the empty string and a lone "-" included, is
// EINVALID naming "sort" and the allowed values.
func ParseSort(s string) (field SortField, explicitDesc bool, err error) {
	k, desc := strings.CutPrefix(keyword(s), "-")
	for i, name := range sortNames {
		if k == name {
			return SortField(i), desc, nil
		}
	}
	if f, ok := sortAliases[k]; ok {
		return f, desc, nil
	}
	return SortCreated, false, badParam("sort", "must be one of created, updated, title, due_date, priority, each optionally after a -")
}

// String returns the field's name as the sort parameter writes it.
func (f SortField) String() string {
	if int(f) >= len(sortNames) {
		return "SortField(" + strconv.Itoa(int(f)) + ")"
	}
	return sortNames[f]
}

// Order is the direction of a sort. The zero value, OrderDefault, means the
// caller named none, so the sort field's own default applies.
type Order uint8

// The orders.
const (
	OrderDefault Order = iota
	OrderAsc
	OrderDesc
)

// ParseOrder parses the order parameter: "asc" or "desc", ignoring ASCII
// case and surrounding white space. Anything else is EINVALID naming
// "order" and the allowed values.
func ParseOrder(s string) (Order, error) {
	switch keyword(s) {
	case "asc":
		return OrderAsc, nil
	case "desc":
		return OrderDesc, nil
	}
	return OrderDefault, badParam("order", "must be one of asc, desc")
}

// String returns "asc", "desc", or "default" for OrderDefault.
func (o Order) String() string {
	switch o {
	case OrderDefault:
		return "default"
	case OrderAsc:
		return "asc"
	case OrderDesc:
		return "desc"
	}
	return "Order(" + strconv.Itoa(int(o)) + ")"
}

// DefaultOrder returns the order a listing sorted by f runs in when the
// caller names none: descending for created, updated and priority (newest
// and urgent first), ascending for title and due_date.
func DefaultOrder(f SortField) Order {
	switch f {
	case SortTitle, SortDueDate:
		return OrderAsc
	}
	return OrderDesc
}

// ResolveOrder returns the order a listing sorted by f runs in, from the
// leading "-" of the sort parameter (explicitDesc, see ParseSort) and the
// order parameter (OrderDefault when absent). The "-" wins over an order
// that says otherwise, since it was written on the field itself; without
// either, DefaultOrder applies. The result is never OrderDefault.
func ResolveOrder(f SortField, explicitDesc bool, o Order) Order {
	switch {
	case explicitDesc:
		return OrderDesc
	case o == OrderAsc || o == OrderDesc:
		return o
	}
	return DefaultOrder(f)
}
