package main

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
)

// explain returns the plans of the hot statements for a seeded user and
// task (--explain), so a run on the large table shows whether each one
// goes through an index. EXPLAIN (or SQLite's EXPLAIN QUERY PLAN) plans
// without running, so the update's plan changes nothing.
func (d *dbCeiling) explain(ctx context.Context) (map[string]string, error) {
	if len(d.b.users) == 0 {
		return nil, nil
	}
	u := d.b.users[0]
	t, now := u.tasks[0], d.now()
	prefix := "EXPLAIN "
	if d.sqlite {
		prefix = "EXPLAIN QUERY PLAN "
	}
	plans := map[string]string{}
	for _, q := range []struct {
		op   string
		st   statement
		args []any
	}{
		{"get", d.get, []any{t, u.id}},
		{"list", d.list, []any{u.id}},
		{"create", d.insert, []any{t, u.id, "x", nil, false, now, now}},
		{"update", d.swap, []any{t, u.id, "x", nil, false, now, "x", nil, false, now}},
	} {
		plan, err := queryPlan(ctx, d.write, prefix+q.st.text, q.args...)
		if err != nil {
			return nil, fmt.Errorf("explain %s: %w", q.op, err)
		}
		plans[q.op] = plan
	}
	return plans, nil
}

// queryPlan joins the last column of every row the EXPLAIN returns.
func queryPlan(ctx context.Context, db *sql.DB, query string, args ...any) (string, error) {
	rows, err := db.QueryContext(ctx, query, args...)
	if err != nil {
		return "", err
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return "", err
	}
	var lines []string
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return "", err
		}
		lines = append(lines, fmt.Sprint(vals[len(vals)-1]))
	}
	return strings.Join(lines, "\n"), rows.Err()
}
