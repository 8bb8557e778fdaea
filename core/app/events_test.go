package app_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/todoapi/todo/adapters/events"
	"github.com/todoapi/todo/adapters/memory"
	"github.com/todoapi/todo/core/app"
	"github.com/todoapi/todo/core/apperr"
	"github.com/todoapi/todo/core/identity"
	"github.com/todoapi/todo/core/task"
)

type eventsFixture struct {
	svc     *app.TaskService
	events  *app.Events
	clock   *clock
	tickets *memory.EventTickets
}

func newEvents() eventsFixture {
	c := &clock{now: time.Date(2026, 12, 9, 10, 0, 0, 0, time.UTC)}
	hub := events.NewHub()
	repo := events.NewRepository(memory.NewTaskRepository(), hub)
	tickets := memory.NewEventTickets()
	return eventsFixture{svc: app.NewTaskService(repo, c, &ids{}), events: app.NewEvents(repo, hub, tickets, c), clock: c, tickets: tickets}
}

func mustCreateTitled(t *testing.T, f eventsFixture, owner identity.UserID, title string) {
	t.Helper()
	if _, err := f.svc.Create(context.Background(), identity.Principal{UserID: owner}, owner, task.Patch{Title: task.Set(title)}); err != nil {
		t.Fatal(err)
	}
}

func titles(p task.ChangePage) []string {
	var out []string
	for _, c := range p.Changes {
		out = append(out, c.Task.Title())
	}
	return out
}

func TestSubscribe(t *testing.T) {
	ctx := context.Background()
	alice := identity.Principal{UserID: "alice"}
	t.Run("FromTheHead", func(t *testing.T) {
		f := newEvents()
		mustCreateTitled(t, f, "alice", "before")
		sub, err := f.events.Subscribe(ctx, alice, "alice", nil)
		if err != nil {
			t.Fatal(err)
		}
		defer sub.Close()
		mustCreateTitled(t, f, "alice", "after")
		select {
		case <-sub.Signal():
		default:
			t.Fatal("a change after Subscribe did not signal")
		}
		page, err := sub.Next(ctx, 10)
		if err != nil {
			t.Fatal(err)
		}
		if got := strings.Join(titles(page), ","); got != "after" {
			t.Errorf("Next = %s, want only the change made after Subscribe", got)
		}
		if page, _ := sub.Next(ctx, 10); len(page.Changes) != 0 {
			t.Errorf("a second Next repeated %d changes", len(page.Changes))
		}
	})
	t.Run("FromSince", func(t *testing.T) {
		f := newEvents()
		for _, title := range []string{"one", "two", "three"} {
			mustCreateTitled(t, f, "alice", title)
		}
		first, _ := f.svc.Changes(ctx, alice, "alice", nil, 1)
		since := first.Next(nil)
		sub, err := f.events.Subscribe(ctx, alice, "alice", &since)
		if err != nil {
			t.Fatal(err)
		}
		defer sub.Close()
		page, _ := sub.Next(ctx, 1)
		rest, _ := sub.Next(ctx, 10)
		if got := strings.Join(append(titles(page), titles(rest)...), ","); got != "two,three" || !page.More {
			t.Errorf("Next, Next = %s (more %v), want two,three in two reads", got, page.More)
		}
	})
	t.Run("ErrForbidden", func(t *testing.T) {
		_, err := newEvents().events.Subscribe(ctx, identity.Principal{UserID: "bob"}, "alice", nil)
		assertCode(t, err, apperr.EFORBIDDEN)
	})
	t.Run("ErrExpiredToken", func(t *testing.T) {
		f := newEvents()
		_, err := f.events.Subscribe(ctx, identity.Principal{UserID: "alice", Expires: f.clock.Now()}, "alice", nil)
		assertCode(t, err, apperr.EUNAUTHORIZED)
	})
	t.Run("ErrGone", func(t *testing.T) {
		f := newEvents()
		mustCreateTitled(t, f, "alice", "one")
		_, err := f.events.Subscribe(ctx, alice, "alice", &task.FeedPosition{Epoch: 1, Seq: 99})
		assertCode(t, err, apperr.EGONE)
	})
}

func TestTickets(t *testing.T) {
	ctx := context.Background()
	f := newEvents()
	exp := f.clock.Now().Add(10 * time.Minute)
	alice := identity.Principal{UserID: "alice", Expires: exp}
	t.Run("RedeemOnce", func(t *testing.T) {
		ticket, err := f.events.IssueTicket(ctx, alice, "alice")
		if err != nil {
			t.Fatal(err)
		}
		p, err := f.events.RedeemTicket(ctx, ticket)
		if err != nil {
			t.Fatal(err)
		}
		if p.UserID != "alice" || !p.Expires.Equal(exp) {
			t.Errorf("RedeemTicket = %+v, want alice until the token's expiry %v", p, exp)
		}
		_, err = f.events.RedeemTicket(ctx, ticket)
		assertCode(t, err, apperr.EUNAUTHORIZED)
	})
	t.Run("ErrExpired", func(t *testing.T) {
		ticket, _ := f.events.IssueTicket(ctx, alice, "alice")
		f.clock.Advance(app.TicketLifetime)
		_, err := f.events.RedeemTicket(ctx, ticket)
		assertCode(t, err, apperr.EUNAUTHORIZED)
	})
	t.Run("ErrForged", func(t *testing.T) {
		ticket, _ := f.events.IssueTicket(ctx, alice, "alice")
		// The same secret under another user's name redeems nothing.
		_, secret, _ := strings.Cut(ticket, ".")
		_, err := f.events.RedeemTicket(ctx, "Ym9i."+secret)
		assertCode(t, err, apperr.EUNAUTHORIZED)
		for _, bad := range []string{"", ".", "garbage", "YWxpY2U.short"} {
			_, err := f.events.RedeemTicket(ctx, bad)
			assertCode(t, err, apperr.EUNAUTHORIZED)
		}
	})
	t.Run("ErrForbidden", func(t *testing.T) {
		_, err := f.events.IssueTicket(ctx, alice, "bob")
		assertCode(t, err, apperr.EFORBIDDEN)
	})
	t.Run("Pruned", func(t *testing.T) {
		_, _ = f.events.IssueTicket(ctx, alice, "alice")
		n, err := app.TicketsJob(f.tickets).Run(ctx, f.clock.Now().Add(time.Minute))
		if err != nil || n < 1 || f.tickets.Len() != 0 {
			t.Errorf("TicketsJob removed %d (%v), %d left; want every expired ticket gone", n, err, f.tickets.Len())
		}
	})
}

func assertCode(t *testing.T, err error, want apperr.Code) {
	t.Helper()
	if got := apperr.CodeOf(err); got != want {
		t.Fatalf("error code = %q (%v), want %q", got, err, want)
	}
}
