package app

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"strings"
	"time"

	"github.com/todoapi/todo/core/apperr"
	"github.com/todoapi/todo/core/identity"
	"github.com/todoapi/todo/core/task"
	"github.com/todoapi/todo/ports"
)

// TicketLifetime is how long an event-stream ticket may be redeemed after
// it was issued.
const TicketLifetime = 30 * time.Second

// feedHead stands for "after every change there is": a read from it finds
// none, and tells where the feed's head is.
const feedHead = 1 << 62

// Events runs the use cases of live streams: the tickets that open one,
// and the subscription that feeds one. A stream is a reader of the owner's
// change feed woken by change signals; it holds no change itself, so it
// sends each change once and misses none however signals arrive.
type Events struct {
	repo    ports.TaskRepository
	signals ports.ChangeSignals
	tickets ports.EventTickets
	clock   ports.Clock
}

// NewEvents returns the live-stream use cases over their ports.
func NewEvents(repo ports.TaskRepository, signals ports.ChangeSignals, tickets ports.EventTickets, clock ports.Clock) *Events {
	return &Events{repo: repo, signals: signals, tickets: tickets, clock: clock}
}

// IssueTicket returns a new ticket that opens one of the owner's streams,
// once, within TicketLifetime, on any replica that shares the store; the
// stream it opens ends when actor's credential expires. The ticket names
// its owner (so a store can redeem it acting for the owner) and is kept
// only as its hash. EFORBIDDEN unless actor is owner; EUNAUTHORIZED when
// actor's credential has expired.
func (e *Events) IssueTicket(ctx context.Context, actor identity.Principal, owner identity.UserID) (string, error) {
	if err := authorize(actor, owner); err != nil {
		return "", err
	}
	now := e.clock.Now()
	if expired(actor, now) {
		return "", apperr.Errorf(apperr.EUNAUTHORIZED, "The token has expired.")
	}
	var secret [32]byte
	_, _ = rand.Read(secret[:]) // never fails (crypto/rand's contract)
	ticket := base64.RawURLEncoding.EncodeToString([]byte(owner)) + "." + base64.RawURLEncoding.EncodeToString(secret[:])
	t := ports.Ticket{Hash: ticketHash(ticket), Expires: now.Add(TicketLifetime), TokenExpires: actor.Expires}
	if err := e.tickets.Issue(ctx, owner, t); err != nil {
		return "", err
	}
	return ticket, nil
}

// RedeemTicket returns the principal a ticket stands for, and makes the
// ticket unusable from then on. EUNAUTHORIZED for a ticket that is
// malformed, was never issued, was redeemed already or has expired, or
// whose credential has expired since.
func (e *Events) RedeemTicket(ctx context.Context, ticket string) (identity.Principal, error) {
	refused := apperr.Errorf(apperr.EUNAUTHORIZED, "The ticket is unknown, used or expired; ask for a new one.")
	owner, ok := ticketOwner(ticket)
	if !ok {
		return identity.Principal{}, refused
	}
	now := e.clock.Now()
	t, err := e.tickets.Redeem(ctx, owner, ticketHash(ticket), now)
	if apperr.CodeOf(err) == apperr.ENOTFOUND {
		return identity.Principal{}, refused
	}
	if err != nil {
		return identity.Principal{}, err
	}
	p := identity.Principal{UserID: owner, Expires: t.TokenExpires}
	if expired(p, now) {
		return identity.Principal{}, refused
	}
	return p, nil
}

// TicketsJob is the housekeeping job that removes the tickets of every
// owner that expired, redeemed or not.
func TicketsJob(tickets ports.EventTickets) Job {
	return Job{Name: "ticket expiry", Run: func(ctx context.Context, now time.Time) (int, error) {
		n, err := tickets.PruneTickets(ctx, now)
		return int(n), err
	}}
}

// ticketOwner reads the owner a ticket names: base64url of the user id, a
// dot, base64url of 32 random bytes.
func ticketOwner(ticket string) (identity.UserID, bool) {
	head, secret, ok := strings.Cut(ticket, ".")
	if !ok || len(ticket) > 512 || len(secret) != 43 {
		return "", false
	}
	owner, err := base64.RawURLEncoding.Strict().DecodeString(head)
	if err != nil || len(owner) == 0 {
		return "", false
	}
	return identity.UserID(owner), true
}

func ticketHash(ticket string) []byte {
	sum := sha256.Sum256([]byte(ticket))
	return sum[:]
}

// expired reports whether p's credential has expired at now.
func expired(p identity.Principal, now time.Time) bool {
	return !p.Expires.IsZero() && !now.Before(p.Expires)
}

// Subscribe opens a live reading of the owner's change feed: from since,
// or, when since is nil, from the feed's head (only changes made from now
// on). It subscribes to the owner's change signals before it reads, so a
// change that commits in between is both read and signalled, never lost.
// The caller reads with Next, waits on Signal between reads and must
// Close the subscription. EFORBIDDEN unless actor is owner; EUNAUTHORIZED
// when actor's credential has expired; EGONE as for TaskService.Changes.
func (e *Events) Subscribe(ctx context.Context, actor identity.Principal, owner identity.UserID, since *task.FeedPosition) (*Subscription, error) {
	if err := authorize(actor, owner); err != nil {
		return nil, err
	}
	if expired(actor, e.clock.Now()) {
		return nil, apperr.Errorf(apperr.EUNAUTHORIZED, "The token has expired.")
	}
	signal, cancel := e.signals.Subscribe(owner)
	s := &Subscription{repo: e.repo, owner: owner, signal: signal, cancel: cancel, Expires: actor.Expires}
	if since != nil {
		s.pos = *since
		s.pos.Seq = max(s.pos.Seq, 0)
		page, err := e.repo.Changes(ctx, owner, s.pos.Seq, 1)
		if err == nil {
			err = page.CheckSince(since)
		}
		if err != nil {
			cancel()
			return nil, err
		}
		return s, nil
	}
	page, err := e.repo.Changes(ctx, owner, feedHead, 1)
	if err != nil {
		cancel()
		return nil, err
	}
	s.pos = page.Head
	return s, nil
}

// Subscription is one live reading of an owner's change feed. It is not
// safe for concurrent use: one stream reads it.
type Subscription struct {
	repo   ports.TaskRepository
	owner  identity.UserID
	signal <-chan struct{}
	cancel func()
	pos    task.FeedPosition
	// Expires is when the credential that opened the subscription expires
	// (zero: never); the stream must end then.
	Expires time.Time
}

// Signal receives a value when the owner's feed may have moved on: read
// it again with Next.
func (s *Subscription) Signal() <-chan struct{} { return s.signal }

// Position is where the subscription has read to: just after the last
// change Next returned, or where it started.
func (s *Subscription) Position() task.FeedPosition { return s.pos }

// Next returns up to limit changes after the last one it returned (or
// after where the subscription started), in commit order, each once;
// page.More reports that more follow at once. EGONE when the feed no
// longer keeps what follows the position, or was reset; the stream must
// start over.
func (s *Subscription) Next(ctx context.Context, limit int) (task.ChangePage, error) {
	page, err := s.repo.Changes(ctx, s.owner, s.pos.Seq, limit)
	if err != nil {
		return task.ChangePage{}, err
	}
	if err := page.CheckSince(&s.pos); err != nil {
		return task.ChangePage{}, err
	}
	s.pos = page.Next(&s.pos)
	return page, nil
}

// Close ends the subscription; a second call does nothing.
func (s *Subscription) Close() { s.cancel() }
