package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/todoapi/todo/core/identity"
	"github.com/todoapi/todo/core/task"
)

// ListPlan is how the database runs the statement of one list: what an
// operator (or the load tool) reads to tell whether a filter or a sort
// goes through the owner's index on a table of real size.
type ListPlan struct {
	// Statement is the SQL the repository sends for the list.
	Statement string
	// Plan is the plan for the list's own values. PostgreSQL: EXPLAIN
	// (ANALYZE, BUFFERS) of the statement, so a custom plan with the rows
	// and time it took, which is what a filtered list always runs (see
	// readFiltered); SQLite: EXPLAIN QUERY PLAN, one line per step, and
	// the time the statement took, best of three runs.
	Plan string
	// Generic is PostgreSQL's generic plan, the one that does not look at
	// the values, which a prepared statement (the server's are) of a list
	// without filters switches to after five runs unless it is estimated
	// to cost more, executed with the list's values. Empty on SQLite,
	// which plans every statement once without statistics.
	Generic string
}

// ExplainList returns the plan of the statement List sends for owner and
// q. It reads as List does: on PostgreSQL in a transaction that names the
// acting user first, so the row-level security policies bind it as they
// bind the service's reads, and that it rolls back. It changes nothing.
// The errors are the database's, unwrapped: this is a diagnostic, not a
// port.
func (r *TaskRepository) ExplainList(ctx context.Context, owner identity.UserID, q task.Query) (ListPlan, error) {
	st, args := r.listStatement(owner, q)
	lp := ListPlan{Statement: st}
	var err error
	if r.db.dialect == SQLite {
		lp.Plan, err = r.explainSQLite(ctx, st, args)
		return lp, err
	}
	pg, ok := r.db.engine.(pgEngine)
	if !ok {
		return lp, fmt.Errorf("sqlstore: no PostgreSQL engine")
	}
	err = pg.withConn(ctx, func(ctx context.Context, c *pgx.Conn) error {
		tx, err := c.Begin(ctx)
		if err != nil {
			return err
		}
		defer func() { _ = tx.Rollback(context.Background()) }()
		if _, err := tx.Exec(ctx, setUser, string(owner)); err != nil {
			return err
		}
		// The simple protocol writes the values into the text as literals:
		// the plan of the statement with them, and of EXECUTE with them.
		simple := pgx.QueryExecModeSimpleProtocol
		if lp.Plan, err = explainRows(ctx, tx, "EXPLAIN (ANALYZE, BUFFERS) "+st, append([]any{simple}, args...)); err != nil {
			return err
		}
		for _, s := range []string{"SET LOCAL plan_cache_mode = force_generic_plan", "PREPARE todo_explain_list AS " + st} {
			if _, err := tx.Exec(ctx, s, simple); err != nil {
				return err
			}
		}
		phs := make([]string, len(args))
		for i := range args {
			phs[i] = fmt.Sprintf("$%d", i+1)
		}
		lp.Generic, err = explainRows(ctx, tx, "EXPLAIN (ANALYZE, BUFFERS) EXECUTE todo_explain_list("+strings.Join(phs, ", ")+")",
			append([]any{simple}, args...))
		if err == nil {
			_, err = tx.Exec(ctx, "DEALLOCATE todo_explain_list", simple)
		}
		return err
	})
	return lp, err
}

// explainRows runs an EXPLAIN and returns its lines.
func explainRows(ctx context.Context, tx pgx.Tx, st string, args []any) (string, error) {
	rows, err := tx.Query(ctx, st, args...)
	if err != nil {
		return "", err
	}
	lines, err := pgx.CollectRows(rows, pgx.RowTo[string])
	return strings.Join(lines, "\n"), err
}

// explainSQLite returns SQLite's EXPLAIN QUERY PLAN of st, a line per
// step, indented under its parent as the sqlite3 shell shows it.
func (r *TaskRepository) explainSQLite(ctx context.Context, st string, args []any) (string, error) {
	rows, err := r.db.read.DB.QueryContext(ctx, "EXPLAIN QUERY PLAN "+st, args...)
	if err != nil {
		return "", err
	}
	defer rows.Close()
	depth := map[int]int{}
	var lines []string
	for rows.Next() {
		var id, parent, unused int
		var detail string
		if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
			return "", err
		}
		depth[id] = depth[parent] + 1
		lines = append(lines, strings.Repeat("  ", depth[id]-1)+detail)
	}
	if err := rows.Err(); err != nil {
		return "", err
	}
	best := time.Duration(math.MaxInt64)
	for range 3 {
		start := time.Now()
		if err := drain(ctx, r.db.read.DB, st, args); err != nil {
			return "", err
		}
		best = min(best, time.Since(start))
	}
	lines = append(lines, fmt.Sprintf("Execution Time: %.3f ms (best of 3 runs, every row read)", float64(best.Microseconds())/1000))
	return strings.Join(lines, "\n"), nil
}

// drain runs a query and reads every row.
func drain(ctx context.Context, db *sql.DB, st string, args []any) error {
	rows, err := db.QueryContext(ctx, st, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
	}
	return rows.Err()
}
