package sqlstore_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/todoapi/todo/adapters/sqlstore"
	"github.com/todoapi/todo/adapters/sqlstore/sqlstoretest"
	"github.com/todoapi/todo/core/task"
	"github.com/todoapi/todo/ports/porttest"
)

// TestSchemaLimitsMatchTheCore holds the tables' CHECK constraints to the
// core's limits: a value at the limit is stored, one code point more is
// refused by the database itself, on both dialects. Multi-byte characters
// make sure the database counts code points, as the core does.
func TestSchemaLimitsMatchTheCore(t *testing.T) {
	t.Parallel()
	dbs := map[string]*sqlstore.DB{"SQLite": sqlstoretest.MustOpenSQLite(t, sqlstore.Options{})}
	pg := sqlstoretest.MustOpen(t, sqlstoretest.MustCreatePostgresDB(t), sqlstore.Options{})
	sqlstoretest.MustMigrate(t, pg)
	dbs["Postgres"] = pg
	insert := map[string]string{
		"SQLite": "INSERT INTO tasks (id, user_id, title, description, completed, created_at, updated_at, version) " +
			"VALUES ($1, 'owner', $2, $3, 0, '2026-12-02T00:00:00.000000Z', '2026-12-02T00:00:00.000000Z', 1)",
		"Postgres": "INSERT INTO tasks (id, user_id, title, description, completed, created_at, updated_at, version) " +
			"VALUES ($1, 'owner', $2, $3, false, now(), now(), 1)",
	}
	for name, db := range dbs {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			try := func(title, desc string) error {
				return db.Exec(ctx, insert[name], porttest.RandomID().String(), title, desc)
			}
			for _, tc := range []struct {
				field       string
				title, desc string
				ok          bool
			}{
				{"title at the limit", strings.Repeat("é", task.MaxTitleLength), "", true},
				{"title over the limit", strings.Repeat("é", task.MaxTitleLength+1), "", false},
				{"empty title", "", "", false},
				{"description at the limit", "t", strings.Repeat("é", task.MaxDescriptionLength), true},
				{"description over the limit", "t", strings.Repeat("é", task.MaxDescriptionLength+1), false},
			} {
				if err := try(tc.title, tc.desc); (err == nil) != tc.ok {
					t.Errorf("%s: error %v, want ok=%v", tc.field, err, tc.ok)
				}
			}
		})
	}
}

// TestSchemaChecksThePlan holds the CHECK constraints on the plan's columns
// to the core's rules where a constraint can say them: the number of tags
// (and on PostgreSQL each tag's length), a key per tag, the priorities'
// ranks, the recurrences, a date stored as its last microsecond, and
// completed_at only on a completed task (on PostgreSQL: exactly then).
func TestSchemaChecksThePlan(t *testing.T) {
	t.Parallel()
	dbs := map[sqlstore.Dialect]*sqlstore.DB{
		sqlstore.SQLite:   sqlstoretest.MustOpenSQLite(t, sqlstore.Options{}),
		sqlstore.Postgres: sqlstoretest.MustOpenPostgres(t, sqlstore.Options{}),
	}
	const insert = "INSERT INTO tasks (id, user_id, title, completed, created_at, updated_at, " +
		"priority, tags, tag_keys, due_at, due_is_date, recurrence, completed_at) " +
		"VALUES ($1, 'owner', 't', $2, $3, $3, $4, $5, $6, $7, $8, $9, $10)"
	tags := func(n, length int) []string {
		out := make([]string, n)
		for i := range out {
			out[i] = fmt.Sprintf("%0*d", length, i)
		}
		return out
	}
	endOfDay := time.Date(2026, 12, 2, 23, 59, 59, 999999000, time.UTC)
	noon := time.Date(2026, 12, 2, 12, 0, 0, 0, time.UTC)
	type row struct {
		completed    bool
		priority     int
		tags, keys   []string
		due          *time.Time
		dueIsDate    bool
		recurrence   string
		completedAt  *time.Time
		postgresOnly bool // a rule SQLite's CHECKs cannot state
	}
	valid := func(change func(*row)) row {
		r := row{priority: 1, recurrence: "none"}
		change(&r)
		return r
	}
	for _, tc := range []struct {
		name string
		row  row
		ok   bool
	}{
		{"20 tags", valid(func(r *row) { r.tags, r.keys = tags(20, 5), tags(20, 5) }), true},
		{"21 tags", valid(func(r *row) { r.tags, r.keys = tags(21, 5), tags(21, 5) }), false},
		{"a key missing", valid(func(r *row) { r.tags, r.keys = tags(2, 5), tags(1, 5) }), false},
		{"a tag at the limit", valid(func(r *row) { r.tags, r.keys = tags(1, task.MaxTagLength), tags(1, task.MaxTagLength) }), true},
		{"a tag over the limit", valid(func(r *row) {
			r.tags, r.keys, r.postgresOnly = tags(1, task.MaxTagLength+1), tags(1, task.MaxTagLength+1), true
		}), false},
		{"an empty tag", valid(func(r *row) { r.tags, r.keys, r.postgresOnly = []string{""}, []string{""}, true }), false},
		{"urgent", valid(func(r *row) { r.priority = task.PriorityUrgent.Rank() }), true},
		{"a rank past urgent", valid(func(r *row) { r.priority = task.PriorityUrgent.Rank() + 1 }), false},
		{"weekly", valid(func(r *row) { r.recurrence = "weekly" }), true},
		{"hourly", valid(func(r *row) { r.recurrence = "hourly" }), false},
		{"a date", valid(func(r *row) { r.due, r.dueIsDate = &endOfDay, true }), true},
		{"a date-time", valid(func(r *row) { r.due = &noon }), true},
		{"a date at noon", valid(func(r *row) { r.due, r.dueIsDate = &noon, true }), false},
		{"a date without a due date", valid(func(r *row) { r.dueIsDate = true }), false},
		{"completed", valid(func(r *row) { r.completed, r.completedAt = true, &noon }), true},
		{"completed_at of a pending task", valid(func(r *row) { r.completedAt = &noon }), false},
		{"completed without completed_at", valid(func(r *row) { r.completed, r.postgresOnly = true, true }), false},
	} {
		for dialect, db := range dbs {
			if tc.row.postgresOnly && dialect == sqlstore.SQLite {
				continue
			}
			r := tc.row
			args := []any{porttest.RandomID().String(), r.completed, schemaTime(dialect, &noon), r.priority,
				schemaArray(dialect, r.tags), schemaArray(dialect, r.keys), schemaTime(dialect, r.due), r.dueIsDate,
				r.recurrence, schemaTime(dialect, r.completedAt)}
			if err := db.Exec(context.Background(), insert, args...); (err == nil) != tc.ok {
				t.Errorf("%s: %s: error %v, want ok=%v", dialect, tc.name, err, tc.ok)
			}
		}
	}
}

// schemaTime and schemaArray write a value as the dialect keeps it.
func schemaTime(d sqlstore.Dialect, t *time.Time) any {
	switch {
	case t == nil:
		return nil
	case d == sqlstore.SQLite:
		return t.Format("2006-01-02T15:04:05.000000Z")
	}
	return *t
}

func schemaArray(d sqlstore.Dialect, s []string) any {
	if s == nil {
		s = []string{}
	}
	if d == sqlstore.SQLite {
		b, _ := json.Marshal(s)
		return string(b)
	}
	return s
}
