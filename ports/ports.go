// Package ports declares what the core needs from the outside world: a place
// to keep tasks, a way to tell who is calling, a clock and an id maker.
// Adapters implement these; the core depends on nothing else.
package ports

import (
	"context"
	"time"

	"github.com/todoapi/todo/core/idempotency"
	"github.com/todoapi/todo/core/identity"
	"github.com/todoapi/todo/core/task"
)

// TaskRepository keeps tasks. Every method is scoped by the owner it is given:
// a task owned by anyone else is, to that call, a task that does not exist.
// Every method returns EUNAVAILABLE when the store cannot be reached, so the
// caller can retry later, ECANCELED when ctx was cancelled before the store
// could answer (the caller left; that is no failure of the store), and
// EINTERNAL for anything unexpected.
//
// Reads that need one statement (Get, List) run on their own; everything
// that writes runs in Atomic, one transaction that the store opens, so a
// use case's writes and whatever a store keeps beside them commit together
// or not at all.
type TaskRepository interface {
	// Get returns the owner's task with the id. ENOTFOUND if there is none.
	Get(ctx context.Context, owner identity.UserID, id task.ID) (*task.Task, error)

	// List returns one page of the owner's tasks that q selects, in list
	// order (see task.Position), read from one consistent snapshot, with
	// the owner's change feed position in that snapshot (Page.Head). An
	// empty page holds an empty slice. Trashed tasks are in no list.
	List(ctx context.Context, owner identity.UserID, q task.Query) (task.Page, error)

	// ListTrash returns one page of the owner's trashed tasks, in the
	// trash's order (see task.TrashPosition.Compare), read from one
	// consistent snapshot. An empty page holds an empty slice.
	ListTrash(ctx context.Context, owner identity.UserID, q task.TrashQuery) (task.TrashPage, error)

	// Changes returns up to limit of the owner's changes numbered after
	// after (0: from the oldest kept), in commit order, and where the feed
	// stands (its head and the last change it no longer keeps), all read
	// from one consistent snapshot. Seqs are given in commit order: once a
	// read has seen a change, every change with a lower Seq has committed,
	// so reading on from the last Seq read never skips one, whatever the
	// concurrency. The changes kept are always a run without gaps up to
	// the head.
	Changes(ctx context.Context, owner identity.UserID, after int64, limit int) (task.ChangePage, error)

	// Atomic runs fn in one transaction acting for owner. When fn returns
	// nil, all it did through tx is stored at once; when it returns an
	// error, or the commit fails, nothing is, and Atomic returns that
	// error. fn runs once; it must not use tx after it returns.
	Atomic(ctx context.Context, owner identity.UserID, fn func(tx TaskTx) error) error

	// GetKey returns the record stored under the owner's idempotency key.
	// ENOTFOUND if there is none: never stored, or expired and removed.
	GetKey(ctx context.Context, owner identity.UserID, key string) (*idempotency.Record, error)

	// ExpireKeys removes the idempotency records of every owner made
	// before the given time and returns how many it removed.
	ExpireKeys(ctx context.Context, before time.Time) (int64, error)
}

// TaskTx is one transaction of a TaskRepository, acting for one owner.
// A store may hold back a write until the commit, so its errors (ECONFLICT
// for a taken id or key, a key held elsewhere) may come from a later call
// or from Atomic instead of from the call itself.
type TaskTx interface {
	// Get returns the owner's task with the id and keeps other
	// transactions from changing or deleting it until this one ends.
	// ENOTFOUND if there is none.
	Get(ctx context.Context, id task.ID) (*task.Task, error)

	// Create stores a new task of the owner, counted among the owner's
	// tasks. With limit above 0, ELIMIT (and nothing stored) when the owner
	// keeps limit tasks or more already, the trash not counted; the count
	// and the check are one step, so of transactions racing to create, no
	// more commit than fit under the limit. With limit 0 nothing is
	// checked, and the count may pass a limit. ECONFLICT if its id is
	// taken.
	Create(ctx context.Context, t *task.Task, limit int) error

	// Save stores a task that this transaction read with Get and then
	// changed. The store writes it only over the version Get read.
	// ECONFLICT if that version is no longer the stored one.
	Save(ctx context.Context, t *task.Task) error

	// Delete removes the owner's task that this transaction read with Get,
	// for good, without putting it in the trash, and counts it no more.
	// ENOTFOUND if there is none.
	Delete(ctx context.Context, id task.ID) error

	// Trash moves the owner's task that this transaction read with Get to
	// the trash, deleted at at: it leaves every list and Get, no longer
	// counts among the owner's tasks (see Create), and can be restored as
	// it was. ECONFLICT if the version Get read is no longer the stored
	// one.
	Trash(ctx context.Context, t *task.Task, at time.Time) error

	// GetTrashed returns the owner's trashed task with the id and keeps
	// other transactions from restoring or purging it until this one ends.
	// ENOTFOUND if the owner has no such task in the trash.
	GetTrashed(ctx context.Context, id task.ID) (task.Trashed, error)

	// Restore takes a task that this transaction read with GetTrashed out
	// of the trash and stores it, as t, among the owner's tasks, where it
	// counts again: ELIMIT as for Create with the same limit. ENOTFOUND if
	// it is no longer in the trash; ECONFLICT if a task with its id is
	// there already.
	Restore(ctx context.Context, t *task.Task, limit int) error

	// Purge removes a trashed task of the owner for good; the count of
	// the owner's tasks stays as it was. ENOTFOUND if it is not in the
	// trash.
	Purge(ctx context.Context, id task.ID) error

	// Record appends a change to the owner's change feed. The store
	// numbers it (c.Seq is ignored): a transaction's changes take the next
	// numbers in the order recorded, and readers see them when, and only
	// when, the transaction commits, in the order of their numbers. Record
	// a change after the writes it describes.
	Record(ctx context.Context, c task.Change) error

	// ClaimKey claims the owner's idempotency key for this transaction:
	// until it ends, no other transaction can claim the key. Call it
	// before anything else. ECONFLICT (idempotency.ErrInFlight) when
	// another transaction holds the key now.
	ClaimKey(ctx context.Context, key string) error

	// SaveKey stores the record under the key this transaction claimed,
	// to commit with everything else the transaction wrote. ECONFLICT
	// (idempotency.ErrTaken) when the key holds a record already.
	SaveKey(ctx context.Context, r idempotency.Record) error
}

// Housekeeper does a store's periodic chores. Every replica runs them, at
// the same moments or not: each must act once.
type Housekeeper interface {
	// Claim reports whether the caller may run the job named now. It
	// returns true to one caller, whichever replica it is in, and then
	// false to every caller until every has passed since now. EUNAVAILABLE,
	// EINTERNAL.
	Claim(ctx context.Context, job string, now time.Time, every time.Duration) (bool, error)

	// ExpiredTrash returns up to limit trashed tasks of any owner deleted
	// before before, the oldest first. EUNAVAILABLE, EINTERNAL.
	ExpiredTrash(ctx context.Context, before time.Time, limit int) ([]task.TrashRef, error)

	// PruneChanges removes changes made before before, of up to limit
	// owners, and returns how many it removed. It removes only the
	// oldest run of each owner's changes, so that what a feed keeps stays
	// a run without gaps, and raises the feed's floor to the last it
	// removed. Removing what is already gone is no error, so replicas
	// that run it at once remove each change once. EUNAVAILABLE,
	// EINTERNAL.
	PruneChanges(ctx context.Context, before time.Time, limit int) (int, error)
}

// TokenVerifier turns a bearer token into the principal it names.
type TokenVerifier interface {
	// Verify checks the token's signature, algorithm, lifetime and, where
	// configured, issuer and audience. EUNAUTHORIZED for any token that is
	// not acceptable, with a caller-safe message saying why.
	Verify(ctx context.Context, token string) (identity.Principal, error)
}

// Clock tells the time. Tests pass a fixed one so results are deterministic.
type Clock interface {
	Now() time.Time
}

// IDs makes new task ids (UUID version 7).
type IDs interface {
	NewID() task.ID
}

// Pinger reports whether a dependency is reachable; /readyz asks it.
type Pinger interface {
	// Ping returns EUNAVAILABLE when the dependency cannot be reached, and
	// ECANCELED when ctx was cancelled first.
	Ping(ctx context.Context) error
}

// ChangeSignals carries word, within one process, that an owner's change
// feed has moved on, so that live streams read it again. A signal carries no
// data: a stream reads what is new from the feed (TaskRepository.Changes)
// from the last position it sent, which is what keeps it free of gaps and
// duplicates however signals are merged, repeated or arrive late.
type ChangeSignals interface {
	// Subscribe returns a channel that receives a value after each commit
	// that recorded a change of the owner's (several commits may share
	// one value; the channel never blocks a sender), and a function that
	// ends the subscription. The channel is never closed.
	Subscribe(owner identity.UserID) (<-chan struct{}, func())

	// Notify wakes the owner's subscribers in this process.
	Notify(owner identity.UserID)

	// NotifyAll wakes every subscriber in this process: word of some
	// changes may have been lost (a notification connection dropped), so
	// every stream reads its feed again.
	NotifyAll()
}

// EventTickets keeps the short-lived, single-use tickets that authenticate
// a live stream opened without an Authorization header (a browser's
// EventSource cannot send one). A ticket is stored only as a hash of it,
// under its owner, so any replica sharing the store can redeem it. Every
// method returns EUNAVAILABLE when the store cannot be reached, ECANCELED
// when ctx was cancelled first, and EINTERNAL for anything unexpected.
type EventTickets interface {
	// Issue stores a ticket of the owner under its hash: valid until
	// t.Expires, and standing for a credential valid until
	// t.TokenExpires. ECONFLICT if the owner has a ticket with that hash
	// already.
	Issue(ctx context.Context, owner identity.UserID, t Ticket) error

	// Redeem takes the owner's ticket with the hash out of the store, so
	// that no one can redeem it again, and returns it if it is still
	// valid at now. ENOTFOUND when the owner has no such ticket: never
	// issued, redeemed already, or expired at now (an expired ticket is
	// removed all the same).
	Redeem(ctx context.Context, owner identity.UserID, hash []byte, now time.Time) (Ticket, error)

	// PruneTickets removes the tickets of every owner that expired before
	// before and returns how many it removed. Removing what is already
	// gone is no error.
	PruneTickets(ctx context.Context, before time.Time) (int64, error)
}

// Ticket is a stored event-stream ticket: the hash of what its holder
// presents, and how long it and the credential it stands for are valid.
type Ticket struct {
	Hash         []byte    // the SHA-256 of the ticket; 32 bytes
	Expires      time.Time // the ticket is refused from then on
	TokenExpires time.Time // a stream opened with it ends then; zero: never
}
