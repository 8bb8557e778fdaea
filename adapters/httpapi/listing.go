package httpapi

import (
	"net/url"
	"strings"
	"time"

	"github.com/todoapi/todo/core/apperr"
	"github.com/todoapi/todo/core/task"
)

// A list request's query parameters, read into a task.Query. The core
// parses each value (its rules decide what a status or a sort is); this
// file knows the parameters' names and aliases, and answers a 400 naming
// the parameter as the client spelled it.

// listing is what a list request asks for.
type listing struct {
	q      task.Query // filters, sort, order, limit and offset; After is the cursor's, once decoded
	page   int        // the offset page asked for, 0 for none
	cursor string     // the cursor parameter, "" for none
}

// paramError is a query parameter whose value is outside its set: a 400
// whose detail names it and what it allows.
type paramError struct{ detail string }

func (e *paramError) Error() string { return e.detail }

func badParam(name, rule string) *paramError {
	return &paramError{detail: `The query parameter "` + name + `" is not valid: ` + rule + "."}
}

// coreParam turns the core's error for a parameter ("status: must be one
// of ...") into ours, naming the parameter as the client sent it and the
// other words it takes, which the core's message leaves out.
func coreParam(name string, err error) *paramError {
	msg := apperr.MessageOf(err)
	if _, rule, ok := strings.Cut(msg, ": "); ok {
		msg = rule
	}
	if strings.Contains(msg, "one of") {
		msg += otherWords[name]
	}
	return badParam(name, msg)
}

// otherWords are the aliases among a parameter's allowed values.
var otherWords = map[string]string{
	"status":   " (or open, incomplete, todo for pending; done, complete for completed)",
	"priority": " (or critical for urgent), comma-separated",
	"sort":     " (or created_at, updated_at, due_at, due)",
	"sort_by":  " (or created_at, updated_at, due_at, due)",
}

// one returns the value of a single-valued parameter sent under any of its
// names, and the name it came under. Sent more than once, every copy must
// say the same.
func one(v url.Values, names ...string) (name, value string, ok bool, err error) {
	for _, n := range names {
		for _, val := range v[n] {
			switch {
			case !ok:
				name, value, ok = n, val, true
			case val != value:
				if n == name {
					return name, value, ok, badParam(n, "it was sent twice with different values; send it once")
				}
				return name, value, ok, badParam(name, `"`+n+`" says otherwise; send one of them`)
			}
		}
	}
	return name, value, ok, nil
}

// parseListing reads the query of a list request. Unknown parameters are
// ignored; a known one with a value outside its set is a *paramError.
func parseListing(v url.Values) (listing, error) {
	l := listing{q: task.Query{Limit: task.DefaultListLimit}}
	// Each reads its own parameters, so all can run; the first error is
	// the answer. Direct calls keep l on the stack.
	for _, err := range []error{l.readStatus(v), l.readPriorities(v), l.readTags(v), l.readSearch(v),
		l.readDue(v), l.readOverdue(v), l.readSort(v), l.readPages(v)} {
		if err != nil {
			return l, err
		}
	}
	return l, nil
}

// readStatus reads status and completed, which must agree when both are
// sent.
func (l *listing) readStatus(v url.Values) error {
	name, s, ok, err := one(v, "status")
	if err != nil {
		return err
	}
	if ok {
		if l.q.Status, err = task.ParseStatus(s); err != nil {
			return coreParam(name, err)
		}
	}
	_, c, cok, err := one(v, "completed")
	if err != nil || !cok {
		return err
	}
	st, err := task.ParseCompleted(c)
	if err != nil {
		return coreParam("completed", err)
	}
	if ok && st != l.q.Status {
		return badParam("status", `"completed" says otherwise; send one of them`)
	}
	l.q.Status = st
	return nil
}

func (l *listing) readPriorities(v url.Values) (err error) {
	if l.q.Priorities, err = task.ParsePriorityFilter(v["priority"]); err != nil {
		return coreParam("priority", err)
	}
	return nil
}

// readTags reads tag and tags, which add up: a task must have all of them.
func (l *listing) readTags(v url.Values) error {
	for _, name := range []string{"tag", "tags"} {
		if _, err := task.ParseTagFilter(v[name]); err != nil {
			return coreParam(name, err)
		}
	}
	tags, err := task.ParseTagFilter(append(append([]string(nil), v["tag"]...), v["tags"]...))
	if err != nil {
		name := "tag"
		if len(v["tag"]) == 0 {
			name = "tags"
		}
		return coreParam(name, err)
	}
	l.q.Tags = tags
	return nil
}

func (l *listing) readSearch(v url.Values) error {
	name, s, ok, err := one(v, "search", "q")
	if err != nil || !ok {
		return err
	}
	if l.q.Search, err = task.ParseSearch(s); err != nil {
		return coreParam(name, err)
	}
	return nil
}

func (l *listing) readDue(v url.Values) error {
	for _, p := range []struct {
		name  string
		parse func(string) (time.Time, error)
		into  **time.Time
	}{
		{"due_after", task.ParseDueAfter, &l.q.DueFrom},
		{"due_before", task.ParseDueBefore, &l.q.DueTo},
	} {
		_, s, ok, err := one(v, p.name)
		if err != nil {
			return err
		}
		if !ok {
			continue
		}
		at, err := p.parse(s)
		if err != nil {
			return coreParam(p.name, err)
		}
		*p.into = &at
	}
	return nil
}

// readOverdue reads overdue: true filters, false (like leaving it out)
// does not. The contract names only true; false is there for a frontend
// that sends its checkbox either way.
func (l *listing) readOverdue(v url.Values) error {
	_, s, ok, err := one(v, "overdue")
	if err != nil || !ok {
		return err
	}
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "true":
		l.q.Overdue = true
	case "false":
	default:
		return badParam("overdue", "must be true or false")
	}
	return nil
}

// readSort reads sort (or sort_by) and order (or sort_order) into the
// order the list runs in; a leading "-" on the sort wins over the order.
func (l *listing) readSort(v url.Values) error {
	name, s, ok, err := one(v, "sort", "sort_by")
	if err != nil {
		return err
	}
	var desc bool
	if ok {
		if l.q.Sort, desc, err = task.ParseSort(s); err != nil {
			return coreParam(name, err)
		}
	}
	var order task.Order
	name, s, ok, err = one(v, "order", "sort_order")
	if err != nil {
		return err
	}
	if ok {
		if order, err = task.ParseOrder(s); err != nil {
			return coreParam(name, err)
		}
	}
	l.q.Order = task.ResolveOrder(l.q.Sort, desc, order)
	return nil
}

// readPages reads limit, and page or cursor, which cannot go together. An
// empty cursor is no cursor, so that a frontend can send `cursor=` for
// the first page.
func (l *listing) readPages(v url.Values) error {
	_, s, ok, err := one(v, "limit")
	if err != nil {
		return err
	}
	if ok {
		if l.q.Limit, err = task.ParseLimit(s); err != nil {
			return coreParam("limit", err)
		}
	}
	if _, l.cursor, _, err = one(v, "cursor"); err != nil {
		return err
	}
	_, s, ok, err = one(v, "page")
	if err != nil || !ok {
		return err
	}
	if l.cursor != "" {
		return badParam("page", `it cannot go with "cursor"; send one of them`)
	}
	if l.q.Offset, err = task.ParsePage(s, l.q.Limit); err != nil {
		return coreParam("page", err)
	}
	l.page = l.q.Offset/l.q.Limit + 1
	return nil
}
