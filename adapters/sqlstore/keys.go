package sqlstore

import (
	"context"
	"time"

	"github.com/todoapi/todo/core/apperr"
	"github.com/todoapi/todo/core/idempotency"
	"github.com/todoapi/todo/core/identity"
)

// Idempotency keys (core/idempotency) live in the table idempotency_keys,
// one row per owner and key, written in the transaction of the write they
// record. On PostgreSQL a transaction claims its key first, with
// claim_idempotency_key (see its migration): a transaction-scoped advisory
// lock, tried without waiting, so a second request with the key fails at
// once while the first runs. The claim is queued like a write, so it adds
// no round trip: it travels with the transaction's first read (an update's)
// or in the one batch of a transaction that only writes (a create), and
// when it fails it rolls back whatever was sent with it. SQLite runs one
// writing transaction at a time, which is a claim already.

// keyStatements returns the statements of idempotency keys in the dialect.
func (d sqlDialect) keyStatements(s *statements) {
	if d.advisoryLocks {
		s.claimKey = d.fixed(func(p *params) string {
			return "SELECT claim_idempotency_key(" + p.add(nil, "text") + ", " + p.add(nil, "text") + ")"
		})
	}
	s.getKey = d.fixed(func(p *params) string {
		return "SELECT fingerprint, response, created_at FROM idempotency_keys WHERE user_id = " + p.add(nil, "text") +
			" AND key = " + p.add(nil, "text")
	})
	s.saveKey = d.fixed(func(p *params) string {
		return "INSERT INTO idempotency_keys (user_id, key, fingerprint, response, created_at) VALUES (" +
			p.list("text", "text", "text", "bytea", "timestamptz") + ")"
	})
	// On SQLite, with no index on created_at (see its migration), this
	// reads every key: once a minute, over the keys of one TTL. A shortcut
	// through rowid order would miss an old record inserted after a young
	// one.
	s.expireKeys = d.fixed(func(p *params) string {
		return "DELETE FROM idempotency_keys WHERE created_at < " + p.add(nil, "timestamptz")
	})
}

// GetKey implements ports.TaskRepository.
func (r *TaskRepository) GetKey(ctx context.Context, owner identity.UserID, key string) (*idempotency.Record, error) {
	var rec *idempotency.Record
	err := r.db.engine.read(ctx, owner, r.sql.getKey, []any{string(owner), key}, func(rw row) error {
		rec = &idempotency.Record{Key: key}
		var at timestamp
		if err := rw.scan(&rec.Fingerprint, &rec.Response, &at); err != nil {
			return err
		}
		rec.CreatedAt = time.Time(at)
		return nil
	})
	if err != nil {
		return nil, dbError(err)
	}
	if rec == nil {
		return nil, apperr.Errorf(apperr.ENOTFOUND, "No record under this key.")
	}
	return rec, nil
}

// ExpireKeys implements ports.TaskRepository. It reaches every owner's
// keys, so it runs in a transaction of the housekeeping's (noOwner), which
// the row-level security policies let delete idempotency records, and
// nothing else of them.
func (r *TaskRepository) ExpireKeys(ctx context.Context, before time.Time) (int64, error) {
	var n int64
	err := r.db.engine.atomic(ctx, noOwner, func(e txEngine) error {
		return e.exec(ctx, r.sql.expireKeys, []any{r.db.engine.timeArg(before)}, func(affected int64) error {
			n = affected
			return nil
		})
	})
	return n, dbError(err)
}

func (t *tx) ClaimKey(ctx context.Context, key string) error {
	if t.r.sql.claimKey == "" {
		return nil
	}
	return t.e.exec(ctx, t.r.sql.claimKey, []any{string(t.owner), key}, nil)
}

func (t *tx) SaveKey(ctx context.Context, rec idempotency.Record) error {
	args := []any{string(t.owner), rec.Key, rec.Fingerprint, rec.Response, t.r.db.engine.timeArg(rec.CreatedAt)}
	return t.e.exec(ctx, t.r.sql.saveKey, args, wantRows(1))
}
