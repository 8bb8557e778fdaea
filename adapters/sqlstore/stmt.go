package sqlstore

import (
	"context"
	"database/sql"
	"sync"
	"sync/atomic"
)

// stmt is one of the repository's statements on the pool it runs on.
//
// On SQLite it is prepared: modernc.org/sqlite keeps no statement cache, so
// SQL text passed to every call is parsed and planned again each time,
// which profiles showed as the largest single cost of a read. A *sql.Stmt
// is prepared by database/sql once on each connection of the pool that runs
// it and reused from then on (2.5x the throughput of a GET, when it was
// measured against the same statement sent as text).
//
// On PostgreSQL the text goes to the pool as it is: pgx prepares and caches
// it per connection itself in its default mode, and in the modes a
// transaction pooler needs a *sql.Stmt would create server-side prepared
// statements that the pooler cannot keep (see pooler.go).
//
// Preparation is lazy, on first use, so opening the store still does not
// connect (and a database that is down at start is found by Ping and
// recovers by itself): a statement that cannot be prepared yet runs as text
// this once and is prepared again on the next call.
type stmt struct {
	pool    *sql.DB
	text    string
	prepare bool

	mu       sync.Mutex // held while preparing
	prepared atomic.Pointer[sql.Stmt]
}

func newStmt(pool *sql.DB, text string, prepare bool) *stmt {
	return &stmt{pool: pool, text: text, prepare: prepare}
}

// get returns the prepared statement, preparing it if need be, or nil to
// run the text.
func (s *stmt) get(ctx context.Context) *sql.Stmt {
	if !s.prepare {
		return nil
	}
	if p := s.prepared.Load(); p != nil {
		return p
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if p := s.prepared.Load(); p != nil {
		return p
	}
	p, err := s.pool.PrepareContext(ctx, s.text)
	if err != nil {
		return nil
	}
	s.prepared.Store(p)
	return p
}

func (s *stmt) query(ctx context.Context, args ...any) (*sql.Rows, error) {
	if p := s.get(ctx); p != nil {
		return p.QueryContext(ctx, args...)
	}
	return s.pool.QueryContext(ctx, s.text, args...)
}
