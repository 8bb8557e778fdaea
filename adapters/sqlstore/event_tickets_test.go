package sqlstore_test

import (
	"testing"

	"github.com/todoapi/todo/adapters/sqlstore"
	"github.com/todoapi/todo/ports"
	"github.com/todoapi/todo/ports/porttest"
)

func TestEventTickets(t *testing.T) {
	t.Parallel()
	eachStore(t, 4, func(t *testing.T, db *sqlstore.DB) {
		s := sqlstore.NewEventTickets(db)
		porttest.EventTickets(t, func(*testing.T) ports.EventTickets { return s })
	})
}
