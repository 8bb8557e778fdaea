package httpapi

import (
	"strconv"

	"github.com/todoapi/todo/adapters/httpapi/apidocs"
	"github.com/todoapi/todo/core/task"
)

// What the document says about a list's query parameters and headers.
// Keywords match in any case, so their schemas are patterns (anyCase), as
// in the bodies; the accepted words are the examples.

// query is a query parameter of the list, named as the document names it.
type query struct {
	key, name, description string
	schema                 obj
}

var (
	statusWords = []any{"all", "pending", "completed", "open", "incomplete", "todo", "done", "complete"}
	sortWords   = []any{"created", "updated", "title", "due_date", "priority", "created_at", "updated_at", "due_at", "due"}
	boolWords   = []any{"true", "false"}
	orderWords  = []any{"asc", "desc"}
)

func keyword(words []any, prefix string) obj {
	return obj{"type": "string", "pattern": anyCase(prefix, words), "examples": words}
}

// commaList is a parameter that may repeat, each value a comma-separated
// list.
func commaList(items obj) obj { return obj{"type": "array", "items": items} }

var listQueries = []query{
	{"Status", "status", "`all` (the default), `pending` or `completed`, in any case; `open`, `incomplete` and `todo` mean pending, " +
		"`done` and `complete` mean completed. With `completed` too, both must say the same.", keyword(statusWords, "")},
	{"Completed", "completed", "`true` lists completed tasks, `false` pending ones: the same as `status`.", keyword(boolWords, "")},
	{"Priority", "priority", "Comma-separated priorities (`low`, `medium`, `high`, `urgent`; `critical` means `urgent`), in any case, " +
		"or the parameter repeated: tasks of any of them.",
		commaList(obj{"type": "string", "pattern": `^\s*(?:` + anyAlt(priorityWords()) + `)?\s*(?:,\s*(?:` + anyAlt(priorityWords()) + `)?\s*)*$`})},
	{"Tag", "tag", "Comma-separated tags, or the parameter repeated: tasks with all of them, compared case-insensitively. " +
		"`tag` and `tags` add up.", commaList(obj{"type": "string"})},
	{"Tags", "tags", "The same as `tag`.", commaList(obj{"type": "string"})},
	{"Search", "search", "Text found, ignoring case, in the title or the description; trimmed, up to " +
		strconv.Itoa(task.MaxSearchLength) + " characters. Empty means no search.", obj{"type": "string"}},
	{"Q", "q", "The same as `search`.", obj{"type": "string"}},
	{"DueAfter", "due_after", "Tasks due on or after this: a date (`YYYY-MM-DD`, from the start of that day in UTC) or an RFC 3339 date-time. " +
		"Tasks without a due date are left out.", obj{"type": "string", "examples": []any{"2026-12-01", "2026-12-01T09:00:00+01:00"}}},
	{"DueBefore", "due_before", "Tasks due on or before this: a date (to the end of that day in UTC) or an RFC 3339 date-time. " +
		"Tasks without a due date are left out.", obj{"type": "string", "examples": []any{"2026-12-31"}}},
	{"Overdue", "overdue", "`true`: only pending tasks whose due date has passed (a date passes at the end of its day in UTC). " +
		"`false` is the same as leaving it out.", keyword(boolWords, "")},
	{"Sort", "sort", "`created` (the default), `updated`, `title`, `due_date` or `priority`; `created_at`, `updated_at`, `due_at` and `due` " +
		"are accepted too; in any case. A leading `-` sorts descending, whatever `order` says. Ties break on the id.", keyword(sortWords, "-?")},
	{"SortBy", "sort_by", "The same as `sort`.", keyword(sortWords, "-?")},
	{"Order", "order", "`asc` or `desc`. By default created and updated run descending (newest first), title ascending (ignoring case), " +
		"due_date ascending, priority descending (urgent first). Tasks without a due date come last either way.", keyword(orderWords, "")},
	{"SortOrder", "sort_order", "The same as `order`.", keyword(orderWords, "")},
	{"Limit", "limit", "The page size.", obj{"type": "integer", "minimum": 1, "maximum": task.MaxListLimit, "default": task.DefaultListLimit}},
	{"Cursor", "cursor", "Where the next page starts: copy it from the `Link` header. A cursor goes with the filters and sort it was made for " +
		"(another `limit` is fine); with others it is a 400. Empty means the first page.", obj{"type": "string"}},
	{"Page", "page", "Offset pages of `limit` tasks, from 1, for frontends that number pages; (page - 1) × limit must be at most " +
		strconv.Itoa(task.MaxPageOffset) + ". Not with `cursor`.", obj{"type": "integer", "minimum": 1}},
}

func priorityWords() []any { return append(append([]any{}, priorities...), "critical") }

// anyAlt is the alternatives of anyCase, without anchors.
func anyAlt(words []any) string {
	p := anyCase("", words)
	return p[len(`^\s*(?:`) : len(p)-len(`)\s*$`)]
}

// listParameters are the list's parameters, as the document's components.
func listParameters() map[string]apidocs.Object {
	out := map[string]apidocs.Object{
		"Prefer": {"name": "Prefer", "in": "header", "schema": obj{"type": "string", "examples": []any{"count=exact"}},
			"description": "`count=exact` (RFC 7240) asks for `X-Total-Count`."},
	}
	for _, q := range listQueries {
		out[q.key] = obj{"name": q.name, "in": "query", "description": q.description, "schema": q.schema}
	}
	return out
}

func listParameterNames() []string {
	names := make([]string, 0, len(listQueries)+1)
	for _, q := range listQueries {
		names = append(names, q.key)
	}
	return append(names, "Prefer")
}

// listHeaders are the headers a list may answer with.
var listHeaders = map[string]apidocs.Object{
	"Link": {"description": "When more tasks match than the page holds: `<URL>; rel=\"next\"` (RFC 8288), the URL relative " +
		"(the request's path and query, its `page` or `cursor` replaced by the next page's).",
		"schema": obj{"type": "string", "pattern": `^<[^>]*>; rel="next"$`}},
	"X-Total-Count": {"description": "With `Prefer: count=exact`: how many tasks match, all pages together.",
		"schema": obj{"type": "integer", "minimum": 0}},
	"Preference-Applied": {"description": "`count=exact` when `X-Total-Count` answers `Prefer: count=exact` (RFC 7240).",
		"schema": obj{"type": "string", "const": "count=exact"}},
}
