package app

import (
	"context"
	"time"

	"github.com/todoapi/todo/core/apperr"
	"github.com/todoapi/todo/core/idempotency"
	"github.com/todoapi/todo/core/identity"
	"github.com/todoapi/todo/core/task"
	"github.com/todoapi/todo/ports"
)

// WriteOption adds to a write use case what the request asks beside the
// write itself: a precondition on the task, an idempotency key. Every
// write that acts on one task takes them; Create takes only a key.
type WriteOption func(*writeOptions)

type writeOptions struct {
	pre  task.Precondition
	once *Idempotency
}

// Require makes the write check pre on the task it is about to change, in
// its transaction, after reading and locking the task: EPRECONDITION
// (carrying the current version, see task.PreconditionFailed) when it does
// not hold, and nothing changes. A task the caller may not see stays
// ENOTFOUND or EFORBIDDEN: the precondition is never checked on it.
func Require(pre task.Precondition) WriteOption {
	return func(o *writeOptions) { o.pre = pre }
}

// Once makes the write idempotent under k's key (see Idempotency).
func Once(k *Idempotency) WriteOption {
	return func(o *writeOptions) { o.once = k }
}

func optionsOf(opts []WriteOption) writeOptions {
	var o writeOptions
	for _, opt := range opts {
		opt(&o)
	}
	return o
}

// Idempotency makes a write happen at most once per key and owner. The use
// case claims the key in the write's transaction and stores the response
// under it with the write's effect, so both commit or neither does. When
// the key already holds the response to the same request (the same
// fingerprint), the request changes nothing and Replay is set to that
// response: the client's first attempt was the effect, even when its
// answer was lost (a crash after the commit, a dropped connection).
//
// The same key with another fingerprint is EINVALID (idempotency.ErrReused);
// while another request holds the key, ECONFLICT (idempotency.ErrInFlight).
// A write that fails stores nothing, so a retry runs it again: a rule
// broken, a precondition failed, an unreachable database all leave the key
// free.
type Idempotency struct {
	Key         string // 1 to idempotency.MaxKeyLength bytes
	Fingerprint string // of the request: method, path and body
	// Response renders the answer to the write, the task as the write left
	// it (nil after a delete), to be stored under the key.
	Response func(t *task.Task) []byte
	// Replay is set by the use case to the stored response of an earlier
	// request with the same key and fingerprint; the write did nothing.
	Replay []byte
}

// atomic runs fn in one transaction for owner, with the idempotency key of
// o when there is one: claimed first, and the record of fn's task stored
// last. A keyed write that fails is looked up under its key (see replay).
func (s *TaskService) atomic(ctx context.Context, owner identity.UserID, o writeOptions, fn func(ports.TaskTx) (*task.Task, error)) (*task.Task, error) {
	k := o.once
	var t *task.Task
	err := s.repo.Atomic(ctx, owner, func(tx ports.TaskTx) error {
		if k != nil {
			if err := tx.ClaimKey(ctx, k.Key); err != nil {
				return err
			}
		}
		var err error
		if t, err = fn(tx); err != nil || k == nil {
			return err
		}
		return tx.SaveKey(ctx, idempotency.Record{Key: k.Key, Fingerprint: k.Fingerprint, Response: k.Response(t),
			CreatedAt: s.clock.Now().UTC().Truncate(task.Precision)})
	})
	if err != nil && k != nil {
		return nil, s.replay(ctx, owner, k, err)
	}
	if err != nil {
		return nil, err
	}
	return t, nil
}

// replay decides what a keyed write that failed answers. The failure may
// be the key's own (taken, or held by a twin that has committed since), or
// the write's (the task a first attempt deleted is not found, a
// precondition the first attempt's change broke): either way, when the key
// holds the record of the same request, that request was the effect, and
// its response is the answer. Otherwise the write's own error stands.
func (s *TaskService) replay(ctx context.Context, owner identity.UserID, k *Idempotency, failed error) error {
	if apperr.CodeOf(failed) == apperr.EUNAVAILABLE {
		return failed // the lookup would fail too
	}
	rec, err := s.repo.GetKey(ctx, owner, k.Key)
	switch {
	case err != nil:
		return failed
	case rec.Fingerprint != k.Fingerprint:
		return idempotency.ErrReused()
	}
	k.Replay = rec.Response
	return nil
}

// ExpireKeys removes the idempotency records made more than ttl ago, of
// every owner, and returns how many it removed. Housekeeping calls it.
func (s *TaskService) ExpireKeys(ctx context.Context, ttl time.Duration) (int64, error) {
	return s.repo.ExpireKeys(ctx, s.clock.Now().Add(-ttl))
}
