package sqlstore

import (
	"context"
	"time"

	"github.com/todoapi/todo/core/apperr"
	"github.com/todoapi/todo/core/identity"
	"github.com/todoapi/todo/ports"
)

var _ ports.EventTickets = (*EventTickets)(nil)

// EventTickets is a ports.EventTickets in the table event_tickets, shared
// by every replica on the database. Issue and Redeem act for the ticket's
// owner (row-level security binds them to the owner's rows); the prune
// acts as the housekeeping, which the policies let delete expired tickets
// of every owner.
type EventTickets struct {
	db                   *DB
	issue, redeem, prune string
}

// NewEventTickets returns the ticket store over an open, migrated
// database.
func NewEventTickets(db *DB) *EventTickets {
	d := db.sqlDialect()
	return &EventTickets{
		db: db,
		issue: d.fixed(func(p *params) string {
			return "INSERT INTO event_tickets (user_id, hash, expires_at, token_expires_at) VALUES (" +
				p.list("text", "bytea", "timestamptz", "timestamptz") + ")"
		}),
		// One statement takes the ticket out and says what it was, so of
		// replicas redeeming it at once exactly one gets it.
		redeem: d.fixed(func(p *params) string {
			return "DELETE FROM event_tickets WHERE user_id = " + p.add(nil, "text") + " AND hash = " + p.add(nil, "bytea") +
				" RETURNING expires_at, token_expires_at"
		}),
		prune: d.fixed(func(p *params) string {
			return "DELETE FROM event_tickets WHERE expires_at < " + p.add(nil, "timestamptz")
		}),
	}
}

// Issue implements ports.EventTickets.
func (s *EventTickets) Issue(ctx context.Context, owner identity.UserID, t ports.Ticket) error {
	ta := s.db.engine.timeArg
	var tokenExpires any
	if !t.TokenExpires.IsZero() {
		tokenExpires = ta(t.TokenExpires)
	}
	err := s.db.engine.atomic(ctx, owner, func(e txEngine) error {
		return e.exec(ctx, s.issue, []any{string(owner), t.Hash, ta(t.Expires), tokenExpires}, wantRows(1))
	})
	if uniqueViolation(err) {
		return apperr.Wrap(apperr.ECONFLICT, err, "A ticket with this hash exists.")
	}
	return dbError(err)
}

// Redeem implements ports.EventTickets.
func (s *EventTickets) Redeem(ctx context.Context, owner identity.UserID, hash []byte, now time.Time) (ports.Ticket, error) {
	var found bool
	t := ports.Ticket{Hash: hash}
	err := s.db.engine.atomic(ctx, owner, func(e txEngine) error {
		return e.read(ctx, s.redeem, []any{string(owner), hash}, func(rw row) error {
			var expires timestamp
			var tokenExpires nullTimestamp
			if err := rw.scan(&expires, &tokenExpires); err != nil {
				return err
			}
			found, t.Expires = true, time.Time(expires)
			if p := tokenExpires.ptr(); p != nil {
				t.TokenExpires = *p
			}
			return nil
		})
	})
	if err != nil {
		return ports.Ticket{}, dbError(err)
	}
	if !found || !now.Before(t.Expires) {
		return ports.Ticket{}, apperr.Errorf(apperr.ENOTFOUND, "No such ticket.")
	}
	return t, nil
}

// PruneTickets implements ports.EventTickets.
func (s *EventTickets) PruneTickets(ctx context.Context, before time.Time) (int64, error) {
	var n int64
	err := s.db.engine.atomic(ctx, noOwner, func(e txEngine) error {
		return e.exec(ctx, s.prune, []any{s.db.engine.timeArg(before)}, func(affected int64) error {
			n = affected
			return nil
		})
	})
	return n, dbError(err)
}
