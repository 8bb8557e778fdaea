package memory

import (
	"context"
	"sync"
	"time"

	"github.com/todoapi/todo/core/apperr"
	"github.com/todoapi/todo/core/identity"
	"github.com/todoapi/todo/ports"
)

var _ ports.EventTickets = (*EventTickets)(nil)

// EventTickets is a ports.EventTickets held in memory: tickets redeem only
// in the process that issued them, which is all one process needs.
type EventTickets struct {
	mu      sync.Mutex
	tickets map[ticketKey]ports.Ticket
}

type ticketKey struct {
	owner identity.UserID
	hash  [32]byte
}

// NewEventTickets returns an empty ticket store.
func NewEventTickets() *EventTickets {
	return &EventTickets{tickets: make(map[ticketKey]ports.Ticket)}
}

func keyOf(owner identity.UserID, hash []byte) (ticketKey, bool) {
	if len(hash) != 32 {
		return ticketKey{}, false
	}
	return ticketKey{owner: owner, hash: [32]byte(hash)}, true
}

// Issue implements ports.EventTickets.
func (s *EventTickets) Issue(_ context.Context, owner identity.UserID, t ports.Ticket) error {
	k, ok := keyOf(owner, t.Hash)
	if !ok {
		return apperr.Errorf(apperr.EINTERNAL, "a ticket hash is 32 bytes, not %d", len(t.Hash))
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, taken := s.tickets[k]; taken {
		return apperr.Errorf(apperr.ECONFLICT, "A ticket with this hash exists.")
	}
	t.Hash = append([]byte(nil), t.Hash...)
	s.tickets[k] = t
	return nil
}

// Redeem implements ports.EventTickets.
func (s *EventTickets) Redeem(_ context.Context, owner identity.UserID, hash []byte, now time.Time) (ports.Ticket, error) {
	k, ok := keyOf(owner, hash)
	s.mu.Lock()
	t, found := s.tickets[k]
	delete(s.tickets, k)
	s.mu.Unlock()
	if !ok || !found || !now.Before(t.Expires) {
		return ports.Ticket{}, apperr.Errorf(apperr.ENOTFOUND, "No such ticket.")
	}
	return t, nil
}

// PruneTickets implements ports.EventTickets.
func (s *EventTickets) PruneTickets(_ context.Context, before time.Time) (int64, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var n int64
	for k, t := range s.tickets {
		if t.Expires.Before(before) {
			delete(s.tickets, k)
			n++
		}
	}
	return n, nil
}

// Len returns how many tickets are kept, for tests.
func (s *EventTickets) Len() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.tickets)
}
