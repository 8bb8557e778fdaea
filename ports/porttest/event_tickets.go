package porttest

import (
	"context"
	"crypto/rand"
	"sync/atomic"
	"testing"
	"time"

	"github.com/todoapi/todo/core/apperr"
	"github.com/todoapi/todo/core/identity"
	"github.com/todoapi/todo/core/task"
	"github.com/todoapi/todo/internal/testkit"
	"github.com/todoapi/todo/ports"
)

// EventTickets runs the ticket store contract against the store that
// newStore returns. newStore may return the same store to every caller:
// tests use random owners and hashes.
func EventTickets(t *testing.T, newStore func(t *testing.T) ports.EventTickets) {
	t.Helper()
	tests := []struct {
		name string
		fn   func(t *testing.T, s ports.EventTickets)
	}{
		{"IssueRedeem", testTicketIssueRedeem},
		{"SingleUse", testTicketSingleUse},
		{"Expired", testTicketExpired},
		{"BoundToOwner", testTicketBoundToOwner},
		{"Unknown", testTicketUnknown},
		{"HashTaken", testTicketHashTaken},
		{"NeverExpiringToken", testTicketNeverExpiringToken},
		{"Prune", testTicketPrune},
		{"ConcurrentRedeem", testTicketConcurrentRedeem},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tt.fn(t, newStore(t))
		})
	}
}

// RandomTicket returns a ticket of no other test, valid from at for
// lifetime, standing for a token that expires 15 minutes after at.
func RandomTicket(at time.Time, lifetime time.Duration) ports.Ticket {
	h := make([]byte, 32)
	_, _ = rand.Read(h)
	at = at.Truncate(task.Precision)
	return ports.Ticket{Hash: h, Expires: at.Add(lifetime), TokenExpires: at.Add(15 * time.Minute)}
}

func mustIssue(t *testing.T, s ports.EventTickets, owner identity.UserID, tk ports.Ticket) {
	t.Helper()
	if err := s.Issue(context.Background(), owner, tk); err != nil {
		t.Fatalf("Issue: %v", err)
	}
}

func testTicketIssueRedeem(t *testing.T, s ports.EventTickets) {
	owner, tk := RandomOwner(), RandomTicket(base, 30*time.Second)
	mustIssue(t, s, owner, tk)
	got, err := s.Redeem(context.Background(), owner, tk.Hash, base.Add(29*time.Second))
	if err != nil {
		t.Fatalf("Redeem: %v", err)
	}
	if !got.Expires.Equal(tk.Expires) || !got.TokenExpires.Equal(tk.TokenExpires) {
		t.Errorf("Redeem = expires %v, token expires %v; want %v, %v", got.Expires, got.TokenExpires, tk.Expires, tk.TokenExpires)
	}
}

func testTicketSingleUse(t *testing.T, s ports.EventTickets) {
	owner, tk := RandomOwner(), RandomTicket(base, 30*time.Second)
	mustIssue(t, s, owner, tk)
	if _, err := s.Redeem(context.Background(), owner, tk.Hash, base); err != nil {
		t.Fatalf("first Redeem: %v", err)
	}
	_, err := s.Redeem(context.Background(), owner, tk.Hash, base)
	assertCode(t, err, apperr.ENOTFOUND)
}

func testTicketExpired(t *testing.T, s ports.EventTickets) {
	owner, tk := RandomOwner(), RandomTicket(base, 30*time.Second)
	mustIssue(t, s, owner, tk)
	_, err := s.Redeem(context.Background(), owner, tk.Hash, tk.Expires)
	assertCode(t, err, apperr.ENOTFOUND)
	// Refused once, it is gone: a clock set back does not revive it.
	_, err = s.Redeem(context.Background(), owner, tk.Hash, base)
	assertCode(t, err, apperr.ENOTFOUND)
}

func testTicketBoundToOwner(t *testing.T, s ports.EventTickets) {
	owner, other, tk := RandomOwner(), RandomOwner(), RandomTicket(base, 30*time.Second)
	mustIssue(t, s, owner, tk)
	_, err := s.Redeem(context.Background(), other, tk.Hash, base)
	assertCode(t, err, apperr.ENOTFOUND)
	if _, err := s.Redeem(context.Background(), owner, tk.Hash, base); err != nil {
		t.Fatalf("another owner's attempt used the ticket up: %v", err)
	}
}

func testTicketUnknown(t *testing.T, s ports.EventTickets) {
	_, err := s.Redeem(context.Background(), RandomOwner(), RandomTicket(base, time.Second).Hash, base)
	assertCode(t, err, apperr.ENOTFOUND)
}

func testTicketHashTaken(t *testing.T, s ports.EventTickets) {
	owner, tk := RandomOwner(), RandomTicket(base, 30*time.Second)
	mustIssue(t, s, owner, tk)
	assertCode(t, s.Issue(context.Background(), owner, tk), apperr.ECONFLICT)
}

func testTicketNeverExpiringToken(t *testing.T, s ports.EventTickets) {
	owner, tk := RandomOwner(), RandomTicket(base, 30*time.Second)
	tk.TokenExpires = time.Time{}
	mustIssue(t, s, owner, tk)
	got, err := s.Redeem(context.Background(), owner, tk.Hash, base)
	if err != nil {
		t.Fatalf("Redeem: %v", err)
	}
	if !got.TokenExpires.IsZero() {
		t.Errorf("TokenExpires = %v, want the zero time", got.TokenExpires)
	}
}

func testTicketPrune(t *testing.T, s ports.EventTickets) {
	ctx := context.Background()
	// Far in the past, so that no other test's tickets are pruned by this.
	old := base.Add(-1000 * time.Hour)
	owners := []identity.UserID{RandomOwner(), RandomOwner()}
	var expired []ports.Ticket
	for _, owner := range owners {
		tk := RandomTicket(old, 30*time.Second)
		expired = append(expired, tk)
		mustIssue(t, s, owner, tk)
	}
	young := RandomTicket(old.Add(time.Hour), 30*time.Second)
	mustIssue(t, s, owners[0], young)
	n, err := s.PruneTickets(ctx, old.Add(time.Minute))
	if err != nil {
		t.Fatalf("PruneTickets: %v", err)
	}
	if n < 2 {
		t.Errorf("PruneTickets removed %d, want at least the 2 expired", n)
	}
	for i, owner := range owners {
		// Redeemed at a time they were valid: gone all the same.
		_, err := s.Redeem(ctx, owner, expired[i].Hash, old)
		assertCode(t, err, apperr.ENOTFOUND)
	}
	if _, err := s.Redeem(ctx, owners[0], young.Hash, young.Expires.Add(-time.Second)); err != nil {
		t.Errorf("a ticket not yet expired was pruned: %v", err)
	}
	if _, err := s.PruneTickets(ctx, old.Add(time.Minute)); err != nil {
		t.Errorf("pruning again: %v", err)
	}
}

func testTicketConcurrentRedeem(t *testing.T, s ports.EventTickets) {
	owner, tk := RandomOwner(), RandomTicket(base, 30*time.Second)
	mustIssue(t, s, owner, tk)
	var ok, notFound atomic.Int32
	testkit.AllAtOnce(8, func(int) {
		_, err := s.Redeem(context.Background(), owner, tk.Hash, base)
		switch apperr.CodeOf(err) {
		case "":
			ok.Add(1)
		case apperr.ENOTFOUND:
			notFound.Add(1)
		default:
			t.Errorf("Redeem: %v", err)
		}
	})
	if ok.Load() != 1 || notFound.Load() != 7 {
		t.Errorf("8 redeems at once: %d succeeded, %d found nothing; want 1 and 7", ok.Load(), notFound.Load())
	}
}
