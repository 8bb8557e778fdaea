package sqlstore_test

import (
	"testing"

	"github.com/todoapi/todo/adapters/sqlstore"
	"github.com/todoapi/todo/adapters/sqlstore/sqlstoretest"
	"github.com/todoapi/todo/ports"
	"github.com/todoapi/todo/ports/porttest"
)

func TestEventTickets(t *testing.T) {
	t.Parallel()
	t.Run("SQLite", func(t *testing.T) {
		t.Parallel()
		s := sqlstore.NewEventTickets(sqlstoretest.MustOpenSQLite(t, sqlstore.Options{}))
		porttest.EventTickets(t, func(*testing.T) ports.EventTickets { return s })
	})
	t.Run("Postgres", func(t *testing.T) {
		t.Parallel()
		databaseURL := sqlstoretest.MustCreatePostgresDB(t)
		sqlstoretest.MustMigrate(t, sqlstoretest.MustOpen(t, databaseURL, sqlstore.Options{MaxOpenConns: 2}))
		for _, mode := range execModes {
			t.Run(mode, func(t *testing.T) {
				t.Parallel()
				db := sqlstoretest.MustOpen(t, withParam(t, databaseURL, "default_query_exec_mode", mode), sqlstore.Options{MaxOpenConns: 4})
				s := sqlstore.NewEventTickets(db)
				porttest.EventTickets(t, func(*testing.T) ports.EventTickets { return s })
			})
		}
	})
}
