package main

import (
	"context"
	"fmt"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/todoapi/todo/adapters/sqlstore"
	"github.com/todoapi/todo/core/identity"
	"github.com/todoapi/todo/core/task"
)

// --explain prints the plans PostgreSQL makes for the store's hot reads,
// Get and the whole List, so a run on the large table shows whether each
// one goes through an index. The bench does not know the store's SQL; it
// reads it where PostgreSQL shows it: the repository runs each read on a
// connection of its own, named by application_name, and pg_stat_activity
// then holds the statement that connection ran last. The bench prepares
// that text and asks for its generic plan, which needs no parameter values
// and which a prepared statement switches to after five runs unless it
// costs more. (SQLite runs inside the server and shows no one its
// statements; the store's tests check its plans.)

// explainApp names the connection whose statements are explained.
const explainApp = "todo-bench-explain"

func (b *bench) explain(ctx context.Context) (map[string]string, error) {
	if len(b.users) == 0 || b.store.dialect != sqlstore.Postgres {
		return nil, nil
	}
	u, err := url.Parse(b.store.databaseURL)
	if err != nil {
		return nil, err
	}
	q := u.Query()
	q.Set("application_name", explainApp)
	u.RawQuery = q.Encode()
	db, err := sqlstore.Open(u.String(), sqlstore.Options{MaxOpenConns: 1})
	if err != nil {
		return nil, err
	}
	defer db.Close()
	repo := sqlstore.NewTaskRepository(db)
	conn, err := pgx.Connect(ctx, b.store.databaseURL)
	if err != nil {
		return nil, err
	}
	defer conn.Close(context.Background())

	owner, id := identity.UserID(b.users[0].id), b.users[0].ids[0]
	plans := map[string]string{}
	for _, r := range []struct {
		op  string
		run func() error
	}{
		{"get", func() error { _, err := repo.Get(ctx, owner, id); return err }},
		{"list", func() error { _, err := repo.List(ctx, owner, task.Query{}); return err }},
	} {
		if err := r.run(); err != nil {
			return nil, fmt.Errorf("explain %s: %w", r.op, err)
		}
		st, err := lastStatement(ctx, conn)
		if err != nil {
			return nil, fmt.Errorf("explain %s: %w", r.op, err)
		}
		if plans[r.op], err = genericPlan(ctx, conn, st); err != nil {
			return nil, fmt.Errorf("explain %s: %w\n%s", r.op, err, st)
		}
	}
	return plans, nil
}

// lastStatement returns what the explainApp connection ran last.
func lastStatement(ctx context.Context, conn *pgx.Conn) (string, error) {
	var st string
	err := conn.QueryRow(ctx, `SELECT query FROM pg_stat_activity
		WHERE application_name = $1 AND datname = current_database()`, explainApp).Scan(&st)
	if err == pgx.ErrNoRows || (err == nil && st == "") {
		return "", fmt.Errorf("pg_stat_activity shows no statement of the store's connection (track_activities off, or a pooler in between?)")
	}
	return st, err
}

var paramRE = regexp.MustCompile(`\$(\d+)`)

// genericPlan prepares st on conn and returns its generic plan, one line
// per row of EXPLAIN.
func genericPlan(ctx context.Context, conn *pgx.Conn, st string) (string, error) {
	n := 0
	for _, m := range paramRE.FindAllStringSubmatch(st, -1) {
		i, _ := strconv.Atoi(m[1])
		n = max(n, i)
	}
	simple := pgx.QueryExecModeSimpleProtocol
	for _, s := range []string{"SET plan_cache_mode = force_generic_plan", "PREPARE todo_bench_plan AS " + st} {
		if _, err := conn.Exec(ctx, s, simple); err != nil {
			return "", err
		}
	}
	defer func() { _, _ = conn.Exec(context.Background(), "DEALLOCATE todo_bench_plan", simple) }()
	explain := "EXPLAIN EXECUTE todo_bench_plan"
	if n > 0 { // a generic plan does not look at the values
		explain += "(" + strings.TrimSuffix(strings.Repeat("NULL, ", n), ", ") + ")"
	}
	rows, err := conn.Query(ctx, explain, simple)
	if err != nil {
		return "", err
	}
	lines, err := pgx.CollectRows(rows, pgx.RowTo[string])
	return strings.Join(lines, "\n"), err
}

// listPlan is the plan of one list of a heavy user (--explain with a list
// scenario), as the store's ExplainList gives it.
type listPlan struct {
	Name      string `json:"name"`
	Statement string `json:"statement"`
	Plan      string `json:"plan"`              // PostgreSQL: EXPLAIN ANALYZE of the custom plan; SQLite: EXPLAIN QUERY PLAN
	Generic   string `json:"generic,omitempty"` // PostgreSQL: the generic plan, executed with the same values
}

// explainedLists are every filter and every sort order (each sort in both
// directions, a later page by a cursor of two of them), and a filter of
// each kind composed with a search, at the scenarios' page size.
func explainedLists(now time.Time) []struct {
	name string
	q    task.Query
	page int // the page, 1 or 3
} {
	week := now.Add(7 * 24 * time.Hour)
	type e = struct {
		name string
		q    task.Query
		page int
	}
	out := []e{}
	for _, f := range []task.SortField{task.SortCreated, task.SortUpdated, task.SortTitle, task.SortDueDate, task.SortPriority} {
		for _, o := range []task.Order{task.OrderDefault, task.OrderAsc, task.OrderDesc} {
			if o != task.OrderDefault && o == task.DefaultOrder(f) {
				continue
			}
			name := "sort=" + f.String()
			if o != task.OrderDefault {
				name += "&order=" + o.String()
			}
			out = append(out, e{name, task.Query{Sort: f, Order: o}, 1})
		}
	}
	out = append(out,
		e{"page 3 (cursor)", task.Query{}, 3},
		e{"sort=due_date, page 3 (cursor)", task.Query{Sort: task.SortDueDate}, 3},
		e{"status=pending", task.Query{Status: task.StatusPending}, 1},
		e{"status=completed", task.Query{Status: task.StatusCompleted}, 1},
		e{"priority=urgent", task.Query{Priorities: []task.Priority{task.PriorityUrgent}}, 1},
		e{"status=pending&priority=high", task.Query{Status: task.StatusPending, Priorities: []task.Priority{task.PriorityHigh}}, 1},
		e{"tag=" + scenarioTag, task.Query{Tags: []string{scenarioTag}}, 1},
		e{"tag=work&tag=home", task.Query{Tags: []string{"work", "home"}}, 1},
		e{"search=" + scenarioWord, task.Query{Search: scenarioWord}, 1},
		e{"search=zzqx (no match)", task.Query{Search: "zzqx"}, 1},
		e{"due_after=now&due_before=+7d", task.Query{DueFrom: &now, DueTo: &week}, 1},
		e{"due_after=now", task.Query{DueFrom: &now}, 1},
		e{"overdue=true", task.Query{Overdue: true, Now: now}, 1},
		e{"search+status+tag, sort=due_date", task.Query{Search: scenarioWord, Status: task.StatusPending,
			Tags: []string{"work"}, Sort: task.SortDueDate}, 1},
		e{"search+priority, sort=title", task.Query{Search: scenarioWord,
			Priorities: []task.Priority{task.PriorityHigh, task.PriorityUrgent}, Sort: task.SortTitle}, 1},
		e{"limit=50&count=true", task.Query{Count: true}, 1},
	)
	return out
}

// explainLists asks the store for the plan of every list of
// explainedLists for the first heavy user.
func (b *bench) explainLists(ctx context.Context) ([]listPlan, error) {
	if len(b.heavy) == 0 {
		return nil, nil
	}
	db, err := sqlstore.Open(b.store.databaseURL, sqlstore.Options{MaxOpenConns: 1})
	if err != nil {
		return nil, err
	}
	defer db.Close()
	repo := sqlstore.NewTaskRepository(db)
	owner := identity.UserID(b.heavy[0].id)
	var plans []listPlan
	for _, l := range explainedLists(time.Now().UTC()) {
		q := l.q
		q.Limit = listPageSize
		for range l.page - 1 {
			page, err := repo.List(ctx, owner, q)
			if err != nil {
				return nil, err
			}
			if page.Next == nil {
				return nil, fmt.Errorf("explain %s: no next page", l.name)
			}
			q.After = page.Next
		}
		p, err := repo.ExplainList(ctx, owner, q)
		if err != nil {
			return nil, fmt.Errorf("explain %s: %w\n%s", l.name, err, p.Statement)
		}
		plans = append(plans, listPlan{Name: l.name, Statement: p.Statement, Plan: p.Plan, Generic: p.Generic})
	}
	return plans, nil
}

var (
	pgIndexRE     = regexp.MustCompile(`(?:Index Scan|Index Only Scan|Bitmap Index Scan)(?: Backward)? (?:using|on) (\S+)`)
	sqliteIndexRE = regexp.MustCompile(`USING (?:COVERING )?INDEX (\S+)`)
	pgTimeRE      = regexp.MustCompile(`Execution Time: ([0-9.]+) ms`)
)

// planSummary is one line about a plan: the indexes of tasks it reads,
// whether it sorts (or scans the table), and on PostgreSQL how long it
// took.
func planSummary(plan string) string {
	seen := map[string]bool{}
	var idx []string
	for _, re := range []*regexp.Regexp{pgIndexRE, sqliteIndexRE} {
		for _, m := range re.FindAllStringSubmatch(plan, -1) {
			if strings.HasPrefix(m[1], "tasks_") && !seen[m[1]] {
				seen[m[1]] = true
				idx = append(idx, strings.TrimPrefix(strings.TrimSuffix(m[1], "_idx"), "tasks_user_id_"))
			}
		}
	}
	s := strings.Join(idx, "+")
	if s == "" {
		s = "no index of tasks"
	}
	for _, w := range []struct{ in, say string }{
		{"Seq Scan on tasks", " SEQ SCAN"}, {"SCAN tasks", " SCAN"}, {"Sort Method: top-N", " +top-N sort"},
		{"Sort Method: quicksort", " +sort"}, {"TEMP B-TREE FOR ORDER BY", " +sort"}, {"Incremental Sort", " (incremental)"},
	} {
		if strings.Contains(plan, w.in) {
			s += w.say
		}
	}
	if m := pgTimeRE.FindStringSubmatch(plan); m != nil {
		s += " " + m[1] + " ms"
	}
	return s
}
