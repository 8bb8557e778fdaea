package sqlstore

import (
	"slices"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"github.com/todoapi/todo/core/identity"
	"github.com/todoapi/todo/core/task"
)

// A list is served by the owner's index of its sort (see the migration
// 20261203000001_task_plan): (user_id, key, id) in the sort's direction,
// read in order from the position after the cursor, so a page reads about
// as many rows as it returns. Filters are tested on the owner's rows as
// the index yields them. Search and tags have no index of their own: one
// over the whole table (pg_trgm, FTS5, a GIN on the tag keys) made a
// typical owner's search or tag filter hundreds of times slower than
// reading the owner's rows, which the per-user task limit bounds (see
// docs/benchmarks.md).

// wholeList reports whether q is v1's list: every task, newest first, which
// the constant statement listAll serves.
func wholeList(q task.Query) bool {
	return q.Status == task.StatusAll && len(q.Priorities) == 0 && len(q.Tags) == 0 && q.Search == "" &&
		q.DueFrom == nil && q.DueTo == nil && !q.Overdue && q.Sort == task.SortCreated && q.Descending() &&
		!paged(q)
}

// filtered reports whether q selects some of the owner's tasks only, by
// a filter whose part of a list depends on its value and on the owner.
func filtered(q task.Query) bool {
	return q.Status != task.StatusAll || len(q.Priorities) > 0 || len(q.Tags) > 0 || q.Search != "" ||
		q.DueFrom != nil || q.DueTo != nil || q.Overdue
}

// paged reports whether q asks for less than every task it matches.
func paged(q task.Query) bool { return q.Limit > 0 || q.Offset > 0 || q.After != nil }

// listQuery composes the statement of a list with Bun's query builder. It
// reads one task more than the page holds, to tell whether there is a next
// page. A counted page (q.Count) comes with the number of every task the
// filters match in its first column, from the same statement and so the
// same snapshot; when the page is empty, its one row holds only that count.
func (d sqlDialect) listQuery(db bun.IDB, owner identity.UserID, q task.Query, timeArg func(time.Time) any) (string, []any) {
	p := &params{d: d}
	filters := d.filters(p, owner, q, timeArg)
	desc := q.Descending()
	key := d.sortKey(q.Sort, desc)
	dir := " ASC"
	if desc {
		dir = " DESC"
	}
	order := key + dir + ", id" + dir

	counted := q.Count && paged(q)
	columns := taskColumns
	if counted && q.Sort == task.SortTitle {
		columns += ", title_key" // for the outer ORDER BY below
	}
	page := bun.NewSelectQuery(db.(*bun.DB)).ColumnExpr(columns).TableExpr("tasks")
	for _, f := range filters {
		page = page.Where(f)
	}
	if q.After != nil {
		page = page.Where(d.after(p, q, key, timeArg))
	}
	page = page.OrderExpr(order)
	var b strings.Builder
	b.WriteString(page.String())
	if q.Limit > 0 {
		b.WriteString(" LIMIT " + p.add(q.Limit+1, "integer"))
	}
	if q.Offset > 0 {
		if q.Limit <= 0 && d.noLimit != "" {
			b.WriteString(" LIMIT " + d.noLimit)
		}
		b.WriteString(" OFFSET " + p.add(q.Offset, "integer"))
	}
	if !counted {
		return b.String(), p.args
	}
	count := bun.NewSelectQuery(db.(*bun.DB)).ColumnExpr("count(*) AS total").TableExpr("tasks")
	for _, f := range filters {
		count = count.Where(f)
	}
	// The page's own ORDER BY does not carry through the join.
	return "SELECT c.total, " + taskColumns + " FROM (" + count.String() + ") AS c LEFT JOIN (" + b.String() +
		") AS t ON true ORDER BY " + order, p.args
}

// filters returns the conditions a task must meet, the owner's first.
func (d sqlDialect) filters(p *params, owner identity.UserID, q task.Query, timeArg func(time.Time) any) []string {
	out := []string{"user_id = " + p.add(string(owner), "text")}
	switch q.Status {
	case task.StatusPending:
		out = append(out, "completed = false")
	case task.StatusCompleted:
		out = append(out, "completed = true")
	}
	if len(q.Priorities) > 0 {
		phs := make([]string, len(q.Priorities))
		for i, pr := range q.Priorities {
			phs[i] = p.add(pr.Rank(), "smallint")
		}
		out = append(out, "priority IN ("+strings.Join(phs, ", ")+")")
	}
	if tags := distinct(q.Tags); len(tags) > 0 {
		if d.jsonArrays {
			for _, k := range tags {
				out = append(out, "EXISTS (SELECT 1 FROM json_each(tag_keys) WHERE value = "+p.add(k, "text")+")")
			}
		} else {
			out = append(out, "tag_keys @> "+p.add(tags, "text[]"))
		}
	}
	if q.Search != "" {
		// The keys are folded as the search is: a plain substring test
		// then ignores case as task.Query.Matches does, with no pattern
		// characters to escape.
		needle := p.add(task.FoldCase(q.Search), "text")
		out = append(out, "("+d.substring+"(title_key, "+needle+") > 0 OR "+d.substring+"(description_key, "+needle+") > 0)")
	}
	// The stores keep instants at task.Precision, as every due date is:
	// bounds finer than that are rounded inward, which keeps the answers.
	due := d.dueFilter(q)
	if q.DueFrom != nil {
		out = append(out, due+" >= "+p.add(timeArg(roundUp(*q.DueFrom)), "timestamptz"))
	}
	if q.DueTo != nil {
		out = append(out, due+" <= "+p.add(timeArg(q.DueTo.Truncate(task.Precision)), "timestamptz"))
	} else if q.DueFrom != nil {
		out = append(out, "due_at IS NOT NULL")
	}
	if q.Overdue {
		out = append(out, "completed = false", due+" < "+p.add(timeArg(roundUp(q.Now)), "timestamptz"))
	}
	return out
}

// dueFilter returns what a due date filter compares: the ascending due
// date index's key, or on SQLite, for a list sorted by anything but the
// due date, the column itself. SQLite plans without statistics and takes
// any range on an index's key to be narrow, so a filter on the key makes
// it read the due date's range and sort it: for an owner with 10,000
// tasks, due_after=now read some 4,700 rows and sorted them (19 ms), where
// the sort's index read in order fills a page after about a hundred (see
// docs/benchmarks.md). No index has the column, so SQLite reads the sort's
// index in order and tests each row, as it does for a tag or a search.
// Either way a task without a due date fails the filter: the key puts it
// past every bound (and due_from alone adds due_at IS NOT NULL), the
// column is NULL. PostgreSQL weighs both by its statistics.
func (d sqlDialect) dueFilter(q task.Query) string {
	if d.dueFiltersOnColumn && q.Sort != task.SortDueDate {
		return "due_at"
	}
	return d.dueKey(false)
}

// roundUp returns t rounded up to task.Precision.
func roundUp(t time.Time) time.Time {
	if down := t.Truncate(task.Precision); !down.Equal(t) {
		return down.Add(task.Precision)
	}
	return t
}

// sortKey returns the expression a sort orders by, before the id.
func (d sqlDialect) sortKey(f task.SortField, desc bool) string {
	switch f {
	case task.SortUpdated:
		return "updated_at"
	case task.SortTitle:
		return "title_key"
	case task.SortDueDate:
		return d.dueKey(desc)
	case task.SortPriority:
		return "priority"
	}
	return "created_at"
}

// dueKey returns the due instant with "no due date" standing for a value
// past the end of the order, so such tasks come last in either direction
// and a cursor is one row comparison. Each direction has its index on its
// own expression. It is a CASE, not coalesce: under row-level security
// PostgreSQL searches an index by a query's own condition only when it can
// tell the condition leaks nothing, which it can of a CASE on a column
// test but not of coalesce.
func (d sqlDialect) dueKey(desc bool) string {
	none := d.afterAll
	if desc {
		none = d.beforeAll
	}
	return "CASE WHEN due_at IS NULL THEN " + none + " ELSE due_at END"
}

// after returns the condition of the rows after the cursor q.After in q's
// order: a row comparison of (key, id), which both databases search an
// index by. SQLite does not when the key is an expression, the due
// date's, so that one is spelled as a range on the key and a test of the
// id among equal keys.
func (d sqlDialect) after(p *params, q task.Query, key string, timeArg func(time.Time) any) string {
	desc := q.Descending()
	op := ">"
	if desc {
		op = "<"
	}
	at, id := d.positionArg(p, q.Sort, *q.After, desc, timeArg), p.add(q.After.ID.String(), "uuid")
	if q.Sort == task.SortDueDate && !d.rowsOnExpressions {
		return key + " " + op + "= " + at + " AND (" + key + " " + op + " " + at + " OR id " + op + " " + id + ")"
	}
	return "(" + key + ", id) " + op + " (" + at + ", " + id + ")"
}

// positionArg returns the sort key of a cursor position as a placeholder,
// or for a task with no due date the literal that stands for it.
func (d sqlDialect) positionArg(p *params, f task.SortField, a task.Position, desc bool, timeArg func(time.Time) any) string {
	switch f {
	case task.SortTitle:
		return p.add(a.Text, "text")
	case task.SortPriority:
		return p.add(a.Rank, "smallint")
	case task.SortDueDate:
		if a.None {
			if desc {
				return d.beforeAll
			}
			return d.afterAll
		}
	}
	return p.add(timeArg(a.Time), "timestamptz")
}

// distinct returns the strings of s once each, in the order first seen.
func distinct(s []string) []string {
	out := make([]string, 0, len(s))
	for _, v := range s {
		if !slices.Contains(out, v) {
			out = append(out, v)
		}
	}
	return out
}
