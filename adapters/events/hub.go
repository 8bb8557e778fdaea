// Package events carries word of new changes to the live streams of one
// process: an in-process hub of signals, and a repository that signals the
// hub after each commit that recorded a change. Across processes the word
// travels some other way (PostgreSQL's LISTEN/NOTIFY) and ends here too.
package events

import (
	"sync"

	"github.com/todoapi/todo/core/identity"
	"github.com/todoapi/todo/ports"
)

var _ ports.ChangeSignals = (*Hub)(nil)

// Hub implements ports.ChangeSignals within one process. Each subscription
// is a channel with room for one signal: a send that finds it full is
// dropped, since the signal already waiting says the same thing, so a
// slow stream never holds up a writer.
type Hub struct {
	mu     sync.RWMutex
	owners map[identity.UserID]map[*subscription]struct{}
	count  int
}

type subscription struct{ c chan struct{} }

// NewHub returns an empty hub.
func NewHub() *Hub {
	return &Hub{owners: make(map[identity.UserID]map[*subscription]struct{})}
}

// Subscribe implements ports.ChangeSignals.
func (h *Hub) Subscribe(owner identity.UserID) (<-chan struct{}, func()) {
	s := &subscription{c: make(chan struct{}, 1)}
	h.mu.Lock()
	subs := h.owners[owner]
	if subs == nil {
		subs = make(map[*subscription]struct{}, 1)
		h.owners[owner] = subs
	}
	subs[s] = struct{}{}
	h.count++
	h.mu.Unlock()
	var once sync.Once
	return s.c, func() { once.Do(func() { h.remove(owner, s) }) }
}

func (h *Hub) remove(owner identity.UserID, s *subscription) {
	h.mu.Lock()
	defer h.mu.Unlock()
	subs := h.owners[owner]
	if _, ok := subs[s]; !ok {
		return
	}
	delete(subs, s)
	h.count--
	if len(subs) == 0 {
		delete(h.owners, owner)
	}
}

// Notify implements ports.ChangeSignals.
func (h *Hub) Notify(owner identity.UserID) {
	h.mu.RLock()
	defer h.mu.RUnlock()
	for s := range h.owners[owner] {
		wake(s)
	}
}

// NotifyAll implements ports.ChangeSignals.
func (h *Hub) NotifyAll() {
	h.mu.RLock()
	defer h.mu.RUnlock()
	for _, subs := range h.owners {
		for s := range subs {
			wake(s)
		}
	}
}

// Owners returns the owners with at least one open subscription, in no
// particular order: those whose feeds a process that cannot be told of
// changes must watch itself (see sqlstore's Poller).
func (h *Hub) Owners() []identity.UserID {
	h.mu.RLock()
	defer h.mu.RUnlock()
	out := make([]identity.UserID, 0, len(h.owners))
	for owner := range h.owners {
		out = append(out, owner)
	}
	return out
}

// Subscribers returns how many subscriptions are open, for the streams
// gauge and for tests.
func (h *Hub) Subscribers() int {
	h.mu.RLock()
	defer h.mu.RUnlock()
	return h.count
}

func wake(s *subscription) {
	select {
	case s.c <- struct{}{}:
	default:
	}
}
