package sqlstore_test

import (
	"context"
	"strings"
	"testing"

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
