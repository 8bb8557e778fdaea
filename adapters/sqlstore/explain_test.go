package sqlstore_test

import (
	"database/sql"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/todoapi/todo/adapters/sqlstore"
	"github.com/todoapi/todo/adapters/sqlstore/sqlstoretest"
	"github.com/todoapi/todo/core/identity"
	"github.com/todoapi/todo/core/task"
)

// plannedQuery is a statement the repository sends, with what its plan
// must hold: the index named (any of the owner's when index is ""); when
// ordered, that index's order, with no sort of its own; after a cursor
// (seek), the index searched from the cursor's position on.
type plannedQuery struct {
	name          string
	sql           string
	args          []any
	index         string
	ordered, seek bool
	// sortIndex, for a filtered page: the index of its sort, which SQLite
	// must read in order, testing the filters on each row.
	sortIndex string
	// sortsUnderPolicies: under the row-level security policies the
	// planner may read the user's few rows through the index and sort them
	// (a first page of the trash or the feed: tens to hundreds of rows).
	sortsUnderPolicies bool
}

// sortIndexes names the index each sort reads in order.
var sortIndexes = map[task.SortField][2]string{ // ascending, descending
	task.SortCreated:  {"tasks_user_id_created_at_id_idx", "tasks_user_id_created_at_id_idx"},
	task.SortUpdated:  {"tasks_user_id_updated_at_id_idx", "tasks_user_id_updated_at_id_idx"},
	task.SortTitle:    {"tasks_user_id_title_key_id_idx", "tasks_user_id_title_key_id_idx"},
	task.SortDueDate:  {"tasks_user_id_due_asc_id_idx", "tasks_user_id_due_desc_id_idx"},
	task.SortPriority: {"tasks_user_id_priority_id_idx", "tasks_user_id_priority_id_idx"},
}

// plannedQueries returns the statements of Get, the whole list, a page of
// every sort in both directions, from the start and after a position, and
// a page of every filter and of a counted list, as the repository composes
// them for owner, so the plans checked are those of what it sends.
func plannedQueries(db *sqlstore.DB, owner identity.UserID, id task.ID, at time.Time) []plannedQuery {
	get, _ := sqlstore.HotStatements(db.Dialect())
	list, listArgs := db.WholeListStatement(owner)
	trash, trashAfter, changes := sqlstore.TrashAndFeedStatements(db.Dialect())
	out := []plannedQuery{
		{name: "Get", sql: get, args: []any{id.String(), string(owner)}, index: "tasks_pkey"},
		{name: "List", sql: list, args: listArgs},
		{name: "trash", sql: trash, args: []any{string(owner), 21, 0}, index: "trash_user_id_deleted_at_id_idx", ordered: true, sortsUnderPolicies: true},
		{name: "trash after", sql: trashAfter, args: []any{string(owner), at, id.String(), 21},
			index: "trash_user_id_deleted_at_id_idx", ordered: true, seek: true},
		{name: "changes", sql: changes, args: []any{string(owner), 10, 101}, index: "changes_pkey", ordered: true, sortsUnderPolicies: true},
	}
	page := func(name, index string, ordered bool, q task.Query) {
		q.Limit = 20
		st, args := db.ListStatement(owner, q)
		out = append(out, plannedQuery{name: name, sql: st, args: args, index: index, ordered: ordered, seek: ordered && q.After != nil})
	}
	for f, indexes := range sortIndexes {
		for i, o := range []task.Order{task.OrderAsc, task.OrderDesc} {
			q := task.Query{Sort: f, Order: o}
			page(fmt.Sprintf("%s %s", f, o), indexes[i], true, q)
			q.After = &task.Position{Sort: f, Time: at, Text: "task 7", Rank: 1, ID: id}
			page(fmt.Sprintf("%s %s after", f, o), indexes[i], true, q)
			if f == task.SortDueDate {
				q.After.None = true
				page(fmt.Sprintf("%s %s after one with none", f, o), indexes[i], true, q)
			}
		}
	}
	from, to := at.Add(-time.Hour), at.Add(time.Hour)
	for name, q := range map[string]task.Query{
		"status":   {Status: task.StatusPending},
		"priority": {Priorities: []task.Priority{task.PriorityHigh, task.PriorityUrgent}},
		"tags":     {Tags: []string{"home", "work"}},
		"search":   {Search: "Task 7"},
		"due":      {DueFrom: &from, DueTo: &to},
		"due from": {DueFrom: &from},
		"overdue":  {Overdue: true, Now: at},
		// A search tests the owner's rows as an index yields them: composed
		// with other filters and sorts it must still start from one of
		// the owner's indexes.
		"search, status and tag by due date": {Search: "Task 7", Status: task.StatusPending, Tags: []string{"home"},
			Sort: task.SortDueDate},
		"search and priority by title": {Search: "Task 7", Priorities: []task.Priority{task.PriorityHigh}, Sort: task.SortTitle},
		"counted":                      {Count: true},
		"counted after": {Count: true, Sort: task.SortTitle,
			After: &task.Position{Sort: task.SortTitle, Text: "task 7", ID: id}},
	} {
		page(name, "", false, q)
		if !q.Count {
			desc := 0
			if q.Descending() {
				desc = 1
			}
			out[len(out)-1].sortIndex = sortIndexes[q.Sort][desc]
		}
	}
	return out
}

// TestPostgresPlansUseIndexes fills a table with 20,000 tasks of 400 owners,
// analyzes it and asks the planner how it runs each statement: through an
// index, never a sequential scan; the first page of each sort in its
// index's order, and a later page through its index from the cursor on.
// (With the default random_page_cost the planner may read an owner's 50
// rows, or the few after a cursor, by a bitmap scan of the index and sort
// them, rather than follow the index's order: both cost the same page
// reads.) It asks twice: as a superuser, which row-level security does not
// bind, and as a role it binds, acting for the owner, as the service runs:
// the policy's condition joins every plan, and must not cost an index
// (a condition the planner cannot prove leaks nothing may not run before
// the policy's, so it could no longer search the index).
func TestPostgresPlansUseIndexes(t *testing.T) {
	t.Parallel()
	bound := sqlstoretest.MustCreateRole(t, "NOLOGIN")
	databaseURL := sqlstoretest.MustCreatePostgresDB(t)
	db := sqlstoretest.MustOpen(t, databaseURL, sqlstore.Options{MaxOpenConns: 2})
	sqlstoretest.MustMigrate(t, db)
	raw := mustRaw(t, "pgx", databaseURL)
	if _, err := raw.Exec(`INSERT INTO tasks (id, user_id, title, title_key, description, description_key, completed, completed_at,
		       created_at, updated_at, priority, tags, tag_keys, due_at)
		SELECT gen_random_uuid(), 'user-' || (i % 400), 'Task ' || i, 'task ' || i, 'about ' || i, 'about ' || i,
		       i % 3 = 0, CASE WHEN i % 3 = 0 THEN now() END,
		       now() - i * interval '1 second', now() - i * interval '1 second', i % 4,
		       CASE WHEN i % 5 = 0 THEN '{Home,work}'::text[] ELSE '{}' END,
		       CASE WHEN i % 5 = 0 THEN '{home,work}'::text[] ELSE '{}' END,
		       CASE WHEN i % 2 = 0 THEN now() + i * interval '1 minute' END
		FROM generate_series(1, 20000) AS i`); err != nil {
		t.Fatalf("seed: %v", err)
	}
	// Each owner has a feed of 200 changes and 50 tasks in the trash too.
	if _, err := raw.Exec(`INSERT INTO feed_heads (user_id, epoch, seq) SELECT 'user-' || i, 1, 200 FROM generate_series(0, 399) AS i;
		INSERT INTO changes (user_id, seq, op, task_id, at, task)
		SELECT 'user-' || (i % 400), i / 400 + 1, 'updated', gen_random_uuid(), now(), '{}' FROM generate_series(0, 79999) AS i;
		INSERT INTO trash (id, user_id, deleted_at, task)
		SELECT gen_random_uuid(), 'user-' || (i % 400), now() - i * interval '1 second', '{}' FROM generate_series(1, 20000) AS i`); err != nil {
		t.Fatalf("seed the feeds and the trash: %v", err)
	}
	if _, err := raw.Exec("ANALYZE"); err != nil {
		t.Fatalf("ANALYZE: %v", err)
	}
	if _, err := raw.Exec("GRANT SELECT ON tasks, trash, changes, feed_heads, idempotency_keys TO " + bound); err != nil {
		t.Fatal(err)
	}
	var id string
	var at time.Time
	if err := raw.QueryRow("SELECT id, created_at FROM tasks WHERE user_id = 'user-7' LIMIT 1").Scan(&id, &at); err != nil {
		t.Fatal(err)
	}
	tid, _ := task.ParseID(id)

	for _, policies := range []bool{false, true} {
		for _, q := range plannedQueries(db, "user-7", tid, at) {
			plan := postgresPlan(t, raw, q, bound, policies)
			var nodes []struct{ Plan planNode }
			if err := json.Unmarshal([]byte(plan), &nodes); err != nil || len(nodes) != 1 {
				t.Fatalf("EXPLAIN %s: %v in %s", q.name, err, plan)
			}
			types, indexes := nodes[0].Plan.walk(nil, nil)
			want := q.index
			if want == "" {
				want = "tasks_user_id_"
			}
			ok := strings.Contains(indexes, want) && !strings.Contains(types, "Seq Scan")
			if q.seek {
				ok = ok && strings.Contains(indexes, want+" ((user_id = 'user-7'::text) AND (ROW(")
			} else if q.ordered && !(policies && q.sortsUnderPolicies) {
				ok = ok && !strings.Contains(types, "Sort")
			}
			if policies {
				ok = ok && strings.Contains(plan, "InitPlan") // the policy's subquery
			}
			if !ok {
				t.Errorf("%s (policies %v): plan nodes %s on indexes %q; want %s, no Seq Scan, ordered=%v, seek=%v\n%s\n%s",
					q.name, policies, types, indexes, want, q.ordered, q.seek, q.sql, plan)
			}
		}
	}
}

// What a planned statement's transaction sets under the policies: the
// acting user, as a request's does, or the housekeeping's mark.
const (
	actingUser7        = "SELECT set_config('app.user_id', 'user-7', true)"
	actingHousekeeping = "SELECT set_config('app.housekeeping', 'on', true)"
)

// postgresPlan returns the JSON plan of q: as the superuser raw connects
// as, or, with policies, as role acting for user-7, in a transaction as
// the store's engine sets it up.
func postgresPlan(t *testing.T, raw *sql.DB, q plannedQuery, role string, policies bool) string {
	t.Helper()
	return planActing(t, raw, q, role, policies, actingUser7)
}

// planActing returns the JSON plan of q: as the superuser raw connects
// as, or, with policies, as role in a transaction that runs acting first.
func planActing(t *testing.T, raw *sql.DB, q plannedQuery, role string, policies bool, acting string) string {
	t.Helper()
	tx, err := raw.Begin()
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = tx.Rollback() }()
	if policies {
		if _, err := tx.Exec("SET LOCAL ROLE " + role); err != nil {
			t.Fatal(err)
		}
		if _, err := tx.Exec(acting); err != nil {
			t.Fatal(err)
		}
	}
	var plan string
	if err := tx.QueryRow("EXPLAIN (FORMAT JSON) "+q.sql, q.args...).Scan(&plan); err != nil {
		t.Fatalf("EXPLAIN %s: %v\n%s", q.name, err, q.sql)
	}
	return plan
}

type planNode struct {
	NodeType  string     `json:"Node Type"`
	IndexName string     `json:"Index Name"`
	IndexCond string     `json:"Index Cond"`
	Plans     []planNode `json:"Plans"`
}

// walk lists the node types, and the index names each with its condition,
// of a plan tree.
func (n planNode) walk(types, indexes []string) (string, string) {
	types, indexes = append(types, n.NodeType), append(indexes, strings.TrimSpace(n.IndexName+" "+n.IndexCond))
	for _, c := range n.Plans {
		t, i := c.walk(nil, nil)
		types, indexes = append(types, t), append(indexes, i)
	}
	return strings.Join(types, ","), strings.Join(indexes, ",")
}

// TestSQLitePlansUseIndexes asks SQLite the same, of a table with 2,000
// tasks of 40 owners and no statistics (the store never runs ANALYZE):
// a SEARCH through an index, never a SCAN of the table, a page of each
// sort without a temporary B-tree for its ORDER BY, and a later one
// searching its index from the cursor on.
func TestSQLitePlansUseIndexes(t *testing.T) {
	t.Parallel()
	databaseURL := sqlstoretest.SQLiteURL(t)
	db := sqlstoretest.MustOpen(t, databaseURL, sqlstore.Options{})
	sqlstoretest.MustMigrate(t, db)
	_, dsn, _ := sqlstore.ParseURL(databaseURL)
	raw := mustRaw(t, "sqlite", dsn)
	if _, err := raw.Exec(`WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 2000)
		INSERT INTO tasks (id, user_id, title, title_key, created_at, updated_at, priority, due_at)
		SELECT printf('%08x-0000-7000-8000-000000000000', i), 'user-' || (i % 40), 'Task ' || i, 'task ' || i,
		       strftime('%Y-%m-%dT%H:%M:%S.000000Z', 'now', '-' || i || ' seconds'),
		       strftime('%Y-%m-%dT%H:%M:%S.000000Z', 'now', '-' || i || ' seconds'), i % 4,
		       CASE WHEN i % 2 = 0 THEN strftime('%Y-%m-%dT%H:%M:%S.000000Z', 'now', '+' || i || ' minutes') END
		FROM n`); err != nil {
		t.Fatalf("seed: %v", err)
	}
	if _, err := raw.Exec(`WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 1999)
		INSERT INTO trash (id, user_id, deleted_at, task)
		SELECT printf('%08x-0000-7000-8000-000000000001', i), 'user-' || (i % 40),
		       strftime('%Y-%m-%dT%H:%M:%S.000000Z', 'now', '-' || i || ' seconds'), '{}'
		FROM n`); err != nil {
		t.Fatalf("seed the trash: %v", err)
	}
	var id, at string
	if err := raw.QueryRow("SELECT id, created_at FROM tasks WHERE user_id = 'user-7' LIMIT 1").Scan(&id, &at); err != nil {
		t.Fatal(err)
	}
	tid, _ := task.ParseID(id)
	created, _ := time.Parse(time.RFC3339Nano, at)

	sqliteIndexes := map[string]string{"": "tasks_user_id_", "tasks_pkey": "sqlite_autoindex_tasks_1", "changes_pkey": "PRIMARY KEY"}
	for _, q := range plannedQueries(db, "user-7", tid, created) {
		want, table := q.index, "tasks"
		if w, ok := sqliteIndexes[want]; ok {
			want = w
		}
		switch {
		case strings.HasPrefix(q.name, "trash"):
			table = "trash"
		case q.name == "changes":
			table = "changes"
		}
		got := sqlitePlan(t, raw, q)
		if !strings.Contains(got, "SEARCH "+table+" USING ") || !strings.Contains(got, want) || strings.Contains(got, "SCAN "+table) ||
			strings.Contains(got, "SCAN feed_heads") || q.ordered && strings.Contains(got, "TEMP B-TREE") ||
			q.seek && !strings.Contains(got, "USING INDEX "+want+" (user_id=? AND ") {
			t.Errorf("%s: plan %q; want a SEARCH of %s using %s, no SCAN, ordered=%v, seek=%v\n%s",
				q.name, got, table, want, q.ordered, q.seek, q.sql)
		}
		// SQLite has no statistics to tell a narrow filter from a wide one:
		// a filtered list reads its sort's index in order, so it stops once
		// the page is full, and never sorts the owner's rows.
		if q.sortIndex != "" && (!strings.Contains(got, "USING INDEX "+q.sortIndex+" (user_id=?)") || strings.Contains(got, "TEMP B-TREE")) {
			t.Errorf("%s: plan %q; want %s read in order, with no sort\n%s", q.name, got, q.sortIndex, q.sql)
		}
	}
}

func sqlitePlan(t *testing.T, raw *sql.DB, q plannedQuery) string {
	t.Helper()
	rows, err := raw.Query("EXPLAIN QUERY PLAN "+q.sql, q.args...)
	if err != nil {
		t.Fatalf("EXPLAIN %s: %v\n%s", q.name, err, q.sql)
	}
	defer rows.Close()
	var plan []string
	for rows.Next() {
		var id, parent, unused int
		var detail string
		if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
			t.Fatal(err)
		}
		plan = append(plan, detail)
	}
	return strings.Join(plan, "; ")
}

// mustRaw opens a plain database/sql handle, behind the store's back.
func mustRaw(t *testing.T, driver, dsn string) *sql.DB {
	t.Helper()
	raw, err := sql.Open(driver, dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { raw.Close() })
	return raw
}

// largeOwnerLists are the lists whose plans are checked for an owner with
// 10,000 tasks: every sort in both directions, a later page of two, every
// filter, and the search composed with other filters. sortIndex names the
// index a sort must read in order, with no sort of its own; filters may
// instead read an index that narrows them (priority's, the due date's)
// and sort what it finds, but must never sort all of the owner's rows.
func largeOwnerLists(now time.Time) []struct {
	name      string
	q         task.Query
	sortIndex string
	page3     bool
} {
	type l = struct {
		name      string
		q         task.Query
		sortIndex string
		page3     bool
	}
	week := now.Add(7 * 24 * time.Hour)
	var out []l
	for f, indexes := range sortIndexes {
		for i, o := range []task.Order{task.OrderAsc, task.OrderDesc} {
			out = append(out, l{name: fmt.Sprintf("%s %s", f, o), q: task.Query{Sort: f, Order: o}, sortIndex: indexes[i]})
		}
	}
	return append(out,
		l{name: "page 3", q: task.Query{}, sortIndex: "tasks_user_id_created_at_id_idx", page3: true},
		l{name: "due_date page 3", q: task.Query{Sort: task.SortDueDate}, sortIndex: "tasks_user_id_due_asc_id_idx", page3: true},
		l{name: "status", q: task.Query{Status: task.StatusPending}},
		l{name: "completed", q: task.Query{Status: task.StatusCompleted}},
		l{name: "priority", q: task.Query{Priorities: []task.Priority{task.PriorityUrgent}}},
		l{name: "status and priority", q: task.Query{Status: task.StatusPending, Priorities: []task.Priority{task.PriorityHigh}}},
		l{name: "tag", q: task.Query{Tags: []string{"errands"}}},
		l{name: "two tags", q: task.Query{Tags: []string{"work", "home"}}},
		l{name: "search", q: task.Query{Search: "invoice"}},
		l{name: "search, no match", q: task.Query{Search: "zzqx"}},
		l{name: "due range", q: task.Query{DueFrom: &now, DueTo: &week}},
		l{name: "due from", q: task.Query{DueFrom: &now}},
		l{name: "overdue", q: task.Query{Overdue: true, Now: now}},
		l{name: "search, status, tag by due date", q: task.Query{Search: "invoice", Status: task.StatusPending,
			Tags: []string{"work"}, Sort: task.SortDueDate}},
		l{name: "search and priority by title", q: task.Query{Search: "invoice",
			Priorities: []task.Priority{task.PriorityHigh, task.PriorityUrgent}, Sort: task.SortTitle}},
		l{name: "counted", q: task.Query{Count: true}},
	)
}

// largeOwnerSeed fills tasks (PostgreSQL) with 200,000 rows: an owner
// "heavy" with 10,000 and 2,000 owners with 95 each, as the load tool's
// sample tasks are: a skewed mix of priorities, a third completed, up to
// two tags of twenty (a few common), most with a due date, titles and for
// half a description drawn from words with a skew.
const largeOwnerSeed = `SELECT setseed(0.25);
WITH w AS (SELECT ARRAY['the','to','for','call','email','buy','check','fix','send','book','pay','review','update',
        'plan','report','team','client','project','invoice','doctor','milk','car','bank','tax','rent','garden','gift',
        'flight','ticket','contract','slides','notes','backup','phone','form','refund','deploy','bug','test','recipe']::text[] AS words,
    ARRAY['work','home','errands','family','health','finance','shopping','school','travel','garden','car','reading',
        'fitness','kids','admin','calls','ideas','waiting','someday','volunteer']::text[] AS tags),
r AS (SELECT i, CASE WHEN i <= 10000 THEN 'heavy' ELSE 'user-' || (i % 2000) END AS owner,
        random() AS p, random() < 0.34 AS done, random() AS has_due, random() AS due, random() AS t1, random() AS t2,
        random() < 0.5 AS has_desc, w.words, w.tags
    FROM generate_series(1, 200000) AS i, w),
s AS (SELECT r.*,
        (SELECT string_agg(words[1 + floor(40 * random() ^ 2)::int], ' ' ORDER BY g) FROM generate_series(1, 2 + i % 5) AS g) AS title,
        CASE WHEN has_desc THEN (SELECT string_agg(words[1 + floor(40 * random() ^ 2)::int], ' ' ORDER BY g)
            FROM generate_series(1, 8 + i % 17) AS g) END AS description,
        array_remove(ARRAY[CASE WHEN t1 < 0.6 THEN tags[1 + floor(10 * t1 ^ 2 / 0.36)::int] END,
            CASE WHEN t2 < 0.3 THEN tags[11 + floor(10 * t2 / 0.3)::int] END], NULL) AS tagset
    FROM r)
INSERT INTO tasks (id, user_id, title, title_key, description, description_key, completed, completed_at,
        created_at, updated_at, priority, tags, tag_keys, due_at)
SELECT gen_random_uuid(), owner, title, title, description, description, done, CASE WHEN done THEN now() END,
    now() - i * interval '1 minute', now() - i * interval '1 minute',
    CASE WHEN p < 0.2 THEN 0 WHEN p < 0.7 THEN 1 WHEN p < 0.92 THEN 2 ELSE 3 END, tagset, tagset,
    CASE WHEN has_due < 0.7 THEN now() + (due * 180 - 60) * interval '1 day' END
FROM s`

// TestPostgresPlansForALargeOwner checks the plans of every list of an
// owner with 10,000 tasks (the per-user limit) among 200,000, through the
// store's own ExplainList, as a role the row-level security policies bind:
// both the custom plan, made for the owner's own values, and the generic
// one, which the server's prepared statements switch to after five runs
// and which judges by an average owner of 100 tasks. Every list must go
// through one of the owner's indexes (a search or a tag filter too: they
// test the owner's rows as an index yields them, never the whole table), a
// sort must read its index in order, and no list may sort all of the
// owner's rows.
func TestPostgresPlansForALargeOwner(t *testing.T) {
	t.Parallel()
	roles := sqlstoretest.MustCreatePostgresDBWithRoles(t)
	sqlstoretest.MustMigrate(t, sqlstoretest.MustOpen(t, roles.OwnerURL, sqlstore.Options{AppRole: roles.App}))
	raw := mustRaw(t, "pgx", roles.AdminURL)
	if _, err := raw.Exec(largeOwnerSeed); err != nil {
		t.Fatalf("seed: %v", err)
	}
	if _, err := raw.Exec("ANALYZE tasks"); err != nil {
		t.Fatal(err)
	}
	db := sqlstoretest.MustOpen(t, roles.AppURL, sqlstore.Options{MaxOpenConns: 1})
	repo := sqlstore.NewTaskRepository(db)
	ctx := t.Context()
	for _, l := range largeOwnerLists(time.Now().UTC()) {
		q := l.q
		q.Limit = 50
		if l.page3 {
			for range 2 {
				page, err := repo.List(ctx, "heavy", q)
				if err != nil || page.Next == nil {
					t.Fatalf("%s: %v, next %v", l.name, err, page.Next)
				}
				q.After = page.Next
			}
		}
		p, err := repo.ExplainList(ctx, "heavy", q)
		if err != nil {
			t.Fatalf("%s: %v\n%s", l.name, err, p.Statement)
		}
		// What the server runs: a filtered list planned for its values every
		// time; any other, after five runs, the generic plan if it does not
		// look dearer.
		for range 7 {
			if _, err := repo.List(ctx, "heavy", q); err != nil {
				t.Fatal(err)
			}
		}
		generic, custom, err := db.PlanCounts(ctx, p.Statement)
		if err != nil {
			t.Fatalf("%s: %v", l.name, err)
		}
		plans := []struct{ kind, text string }{{"custom", p.Plan}, {"generic", p.Generic}}
		if isFiltered(l.q) {
			if generic > 0 || custom < 7 {
				t.Errorf("%s: ran %d generic and %d custom plans, want custom ones only", l.name, generic, custom)
			}
			plans = plans[:1]
		}
		for _, plan := range plans {
			read, matched := rowsRead(plan.text)
			t.Logf("%s, %s plan: %s, %d rows read, %d matched, %s", l.name, plan.kind, strings.Join(planIndexRE.FindAllString(plan.text, -1), ", "),
				read, matched, planTimeRE.FindString(plan.text))
			if problem := largeOwnerPlanProblem(plan.text, l.sortIndex, l.q.Count); problem != "" {
				t.Errorf("%s, %s plan: %s\n%s\n%s", l.name, plan.kind, problem, p.Statement, plan.text)
			}
		}
		if l.name == "created asc" && !strings.Contains(p.Plan, "rows=51 loops=1") {
			t.Errorf("the acting user's rows are not visible to ExplainList (want a page of 51 rows):\n%s", p.Plan)
		}
	}
}

// isFiltered reports whether q has a filter (the owner's aside).
func isFiltered(q task.Query) bool {
	return q.Status != task.StatusAll || len(q.Priorities) > 0 || len(q.Tags) > 0 || q.Search != "" ||
		q.DueFrom != nil || q.DueTo != nil || q.Overdue
}

var (
	planIndexRE = regexp.MustCompile(`(Index Scan|Index Only Scan|Bitmap Index Scan)(?: Backward)? (?:using|on) (\S+)`)
	planScanRE  = regexp.MustCompile(`(?:Bitmap Heap Scan|Index Scan|Index Only Scan)(?: Backward)?(?: using \S+)? on tasks .*actual time=\S+ rows=(\d+) loops=(\d+)`)
	planTimeRE  = regexp.MustCompile(`Execution Time: \S+ ms`)
	planDropRE  = regexp.MustCompile(`Rows Removed by (?:Filter|Index Recheck): (\d+)`)
)

// largeOwnerPlanProblem says what is wrong with a plan of the large
// owner's list, or "": a sequential scan of tasks, no index of the
// owner's, another index than the sort's or a sort where the sort's index
// must be read in order, or a sort after reading half the owner's rows or
// more (unless counted: a count reads every match).
func largeOwnerPlanProblem(plan, sortIndex string, counted bool) string {
	if strings.Contains(plan, "Seq Scan on tasks") {
		return "a sequential scan of tasks"
	}
	var owners []string
	for _, m := range planIndexRE.FindAllStringSubmatch(plan, -1) {
		if strings.HasPrefix(m[2], "tasks_user_id_") {
			owners = append(owners, m[2])
		}
	}
	sorts := strings.Contains(plan, "Sort Key:")
	switch {
	case len(owners) == 0:
		return "no index of the owner's"
	case sortIndex != "" && !slices.Contains(owners, sortIndex):
		return "does not read " + sortIndex
	case sortIndex != "" && sorts:
		return "sorts instead of reading " + sortIndex + " in order"
	case sorts && !counted:
		// Reading half the owner's rows or more, then sorting the matches,
		// when there are enough of them that the sort's index read in
		// order would have filled the page after a fifth of that.
		if read, matched := rowsRead(plan); read >= 5000 && matched >= 250 {
			return "reads " + strconv.Itoa(read) + " of the owner's rows and sorts the " + strconv.Itoa(matched) + " that match"
		}
	}
	return ""
}

// rowsRead adds up the rows the scans of tasks in an EXPLAIN ANALYZE
// read (those they returned and those their filters dropped) and those
// they returned.
func rowsRead(plan string) (read, returned int) {
	n, scanning := 0, false
	for line := range strings.SplitSeq(plan, "\n") {
		if m := planScanRE.FindStringSubmatch(line); m != nil {
			rows, _ := strconv.Atoi(m[1])
			loops, _ := strconv.Atoi(m[2])
			n, scanning = n+rows*loops, true
			returned += rows * loops
			continue
		}
		if strings.Contains(line, "->") {
			scanning = false
		}
		if m := planDropRE.FindStringSubmatch(line); m != nil && scanning {
			dropped, _ := strconv.Atoi(m[1])
			n += dropped
		}
	}
	return n, returned
}

// TestSQLiteExplainList checks that ExplainList shows SQLite's plan of the
// statement List sends, and how long it took.
func TestSQLiteExplainList(t *testing.T) {
	t.Parallel()
	db := sqlstoretest.MustOpenSQLite(t, sqlstore.Options{})
	repo := sqlstore.NewTaskRepository(db)
	q := task.Query{Tags: []string{"home"}, Sort: task.SortDueDate, Limit: 50}
	p, err := repo.ExplainList(t.Context(), "user-7", q)
	if err != nil {
		t.Fatal(err)
	}
	want, _ := db.ListStatement("user-7", q)
	if p.Statement != want || p.Generic != "" ||
		!strings.Contains(p.Plan, "SEARCH tasks USING INDEX tasks_user_id_due_asc_id_idx (user_id=?)") ||
		!strings.Contains(p.Plan, "Execution Time: ") {
		t.Errorf("ExplainList: %+v", p)
	}
}
