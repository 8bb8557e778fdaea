package sqlstore_test

import (
	"database/sql"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/todoapi/todo/adapters/sqlstore"
	"github.com/todoapi/todo/adapters/sqlstore/sqlstoretest"
	"github.com/todoapi/todo/core/identity"
	"github.com/todoapi/todo/core/task"
	"github.com/todoapi/todo/ports/porttest"
)

// hotQueries returns the statements of Get, the whole list and a page
// after a position with their arguments, so the plans checked are those of
// what the repository sends.
func hotQueries(db *sqlstore.DB, owner identity.UserID, id task.ID, at time.Time) map[string][]any {
	get, list := sqlstore.HotStatements(db.Dialect())
	page, args := db.ListStatement(owner, task.Query{Limit: 20, After: &task.Position{Time: at, ID: id}})
	return map[string][]any{
		"Get":  {get, id.String(), string(owner)},
		"List": {list, string(owner)},
		"Page": append([]any{page}, args...),
	}
}

// TestPostgresPlansUseIndexes fills a table with 20,000 tasks of 400 owners,
// analyzes it and asks the planner how it runs Get and List: through their
// index, never a sequential scan. (With the default random_page_cost the
// planner may read List's 50 rows by a bitmap scan of one of the owner's
// indexes and sort them, rather than follow the index order: both cost the
// same page reads.)
func TestPostgresPlansUseIndexes(t *testing.T) {
	t.Parallel()
	databaseURL := sqlstoretest.MustCreatePostgresDB(t)
	db := sqlstoretest.MustOpen(t, databaseURL, sqlstore.Options{MaxOpenConns: 2})
	sqlstoretest.MustMigrate(t, db)
	raw := mustRaw(t, "pgx", databaseURL)
	if _, err := raw.Exec(`INSERT INTO tasks (id, user_id, title, created_at, updated_at)
		SELECT gen_random_uuid(), 'user-' || (i % 400), 'task ' || i,
		       now() - i * interval '1 second', now() - i * interval '1 second'
		FROM generate_series(1, 20000) AS i`); err != nil {
		t.Fatalf("seed: %v", err)
	}
	if _, err := raw.Exec("ANALYZE tasks"); err != nil {
		t.Fatalf("ANALYZE: %v", err)
	}
	var id string
	var at time.Time
	if err := raw.QueryRow("SELECT id, created_at FROM tasks WHERE user_id = 'user-7' LIMIT 1").Scan(&id, &at); err != nil {
		t.Fatal(err)
	}
	tid, _ := task.ParseID(id)

	// Any of the owner's indexes serves a bitmap scan of the whole list.
	wantIndex := map[string]string{"Get": "tasks_pkey", "List": "tasks_user_id_", "Page": "tasks_user_id_created_at_id_idx"}
	for name, q := range hotQueries(db, "user-7", tid, at) {
		var plan string
		if err := raw.QueryRow("EXPLAIN (FORMAT JSON) "+q[0].(string), q[1:]...).Scan(&plan); err != nil {
			t.Fatalf("EXPLAIN %s: %v", name, err)
		}
		var nodes []struct{ Plan planNode }
		if err := json.Unmarshal([]byte(plan), &nodes); err != nil || len(nodes) != 1 {
			t.Fatalf("EXPLAIN %s: %v in %s", name, err, plan)
		}
		types, indexes := nodes[0].Plan.walk(nil, nil)
		if !strings.Contains(indexes, wantIndex[name]) || strings.Contains(types, "Seq Scan") {
			t.Errorf("%s: plan nodes %s on indexes %q; want %s and no Seq Scan\n%s", name, types, indexes, wantIndex[name], plan)
		}
	}
}

type planNode struct {
	NodeType  string     `json:"Node Type"`
	IndexName string     `json:"Index Name"`
	Plans     []planNode `json:"Plans"`
}

// walk lists the node types and index names of a plan tree.
func (n planNode) walk(types, indexes []string) (string, string) {
	types, indexes = append(types, n.NodeType), append(indexes, n.IndexName)
	for _, c := range n.Plans {
		t, i := c.walk(nil, nil)
		types, indexes = append(types, t), append(indexes, i)
	}
	return strings.Join(types, ","), strings.Join(indexes, ",")
}

// TestSQLitePlansUseIndexes asks SQLite the same: SEARCH through an index,
// never a SCAN of the table or a temporary B-tree for the ORDER BY.
func TestSQLitePlansUseIndexes(t *testing.T) {
	t.Parallel()
	databaseURL := sqlstoretest.SQLiteURL(t)
	db := sqlstoretest.MustOpen(t, databaseURL, sqlstore.Options{})
	sqlstoretest.MustMigrate(t, db)
	owner := porttest.RandomOwner()
	tk := porttest.MustCreate(t, sqlstore.NewTaskRepository(db), owner, "explained", time.Now())
	_, dsn, _ := sqlstore.ParseURL(databaseURL)
	raw := mustRaw(t, "sqlite", dsn)

	wantIndex := map[string]string{"Get": "sqlite_autoindex_tasks_1", "List": "tasks_user_id_created_at_id_idx", "Page": "tasks_user_id_created_at_id_idx"}
	for name, q := range hotQueries(db, owner, tk.ID(), tk.CreatedAt()) {
		rows, err := raw.Query("EXPLAIN QUERY PLAN "+q[0].(string), q[1:]...)
		if err != nil {
			t.Fatalf("EXPLAIN %s: %v", name, err)
		}
		var plan []string
		for rows.Next() {
			var id, parent, unused int
			var detail string
			if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
				t.Fatal(err)
			}
			plan = append(plan, detail)
		}
		rows.Close()
		got := strings.Join(plan, "; ")
		if !strings.Contains(got, "SEARCH tasks USING INDEX "+wantIndex[name]) || strings.Contains(got, "TEMP B-TREE") {
			t.Errorf("%s: plan %q; want a SEARCH using %s and no temporary B-tree", name, got, wantIndex[name])
		}
	}
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
