package events_test

import (
	"slices"
	"testing"

	"github.com/todoapi/todo/adapters/events"
	"github.com/todoapi/todo/core/identity"
)

func signalled(c <-chan struct{}) bool {
	select {
	case <-c:
		return true
	default:
		return false
	}
}

func TestHub(t *testing.T) {
	t.Run("NotifyWakesOnlyTheOwner", func(t *testing.T) {
		h := events.NewHub()
		alice, cancelA := h.Subscribe(identity.UserID("alice"))
		defer cancelA()
		bob, cancelB := h.Subscribe(identity.UserID("bob"))
		defer cancelB()
		h.Notify("alice")
		if !signalled(alice) {
			t.Error("alice's subscription was not woken")
		}
		if signalled(bob) {
			t.Error("bob's subscription was woken by alice's change")
		}
	})
	t.Run("SignalsMergeWithoutBlocking", func(t *testing.T) {
		h := events.NewHub()
		c, cancel := h.Subscribe("alice")
		defer cancel()
		for range 3 {
			h.Notify("alice") // must not block on a full channel
		}
		if !signalled(c) {
			t.Fatal("no signal after three notifications")
		}
		if signalled(c) {
			t.Error("three notifications left two signals; want them merged into one")
		}
	})
	t.Run("EveryTabOfTheOwner", func(t *testing.T) {
		h := events.NewHub()
		one, cancel1 := h.Subscribe("alice")
		defer cancel1()
		two, cancel2 := h.Subscribe("alice")
		defer cancel2()
		h.Notify("alice")
		if !signalled(one) || !signalled(two) {
			t.Error("not every subscription of the owner was woken")
		}
	})
	t.Run("NotifyAll", func(t *testing.T) {
		h := events.NewHub()
		a, cancelA := h.Subscribe("alice")
		defer cancelA()
		b, cancelB := h.Subscribe("bob")
		defer cancelB()
		h.NotifyAll()
		if !signalled(a) || !signalled(b) {
			t.Error("NotifyAll missed a subscription")
		}
	})
	t.Run("Owners", func(t *testing.T) {
		h := events.NewHub()
		if got := h.Owners(); len(got) != 0 {
			t.Fatalf("Owners() of an empty hub = %v", got)
		}
		_, cancelA := h.Subscribe("alice")
		_, cancelA2 := h.Subscribe("alice")
		_, cancelB := h.Subscribe("bob")
		got := h.Owners()
		slices.Sort(got)
		if want := []identity.UserID{"alice", "bob"}; !slices.Equal(got, want) {
			t.Errorf("Owners() = %v, want %v", got, want)
		}
		cancelA()
		cancelB()
		if got, want := h.Owners(), []identity.UserID{"alice"}; !slices.Equal(got, want) {
			t.Errorf("after cancels, Owners() = %v, want %v", got, want)
		}
		cancelA2()
		if got := h.Owners(); len(got) != 0 {
			t.Errorf("after every cancel, Owners() = %v", got)
		}
	})
	t.Run("CancelRemoves", func(t *testing.T) {
		h := events.NewHub()
		c, cancel := h.Subscribe("alice")
		_, cancel2 := h.Subscribe("alice")
		if got, want := h.Subscribers(), 2; got != want {
			t.Fatalf("Subscribers() = %d, want %d", got, want)
		}
		cancel()
		cancel() // a second call changes nothing
		if got, want := h.Subscribers(), 1; got != want {
			t.Fatalf("after cancel, Subscribers() = %d, want %d", got, want)
		}
		h.Notify("alice")
		if signalled(c) {
			t.Error("a cancelled subscription was woken")
		}
		cancel2()
		if got := h.Subscribers(); got != 0 {
			t.Errorf("after both cancels, Subscribers() = %d, want 0", got)
		}
	})
}
