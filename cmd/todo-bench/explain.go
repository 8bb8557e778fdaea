package main

import (
	"context"
	"fmt"
	"net/url"
	"regexp"
	"strconv"
	"strings"

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
	if len(b.users) == 0 {
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
