package sqlstore

import (
	"context"
	"testing"
	"time"
)

type key struct{}

// outlive keeps the caller's values and deadline, not its cancellation;
// stop ends it.
func TestOutlive(t *testing.T) {
	t.Parallel()
	t.Run("OK", func(t *testing.T) {
		t.Parallel()
		deadline := time.Now().Add(time.Hour)
		caller, cancel := context.WithDeadline(context.WithValue(context.Background(), key{}, "v"), deadline)
		ctx, stop := outlive(caller)
		cancel()
		if err := ctx.Err(); err != nil {
			t.Fatalf("the caller left and the statements' context ended at once: %v", err)
		}
		if got, ok := ctx.Deadline(); !ok || !got.Equal(deadline) {
			t.Errorf("deadline %v %v, want the caller's %v", got, ok, deadline)
		}
		if got := ctx.Value(key{}); got != "v" {
			t.Errorf("value %v, want the caller's", got)
		}
		stop()
		if ctx.Err() == nil {
			t.Error("stop left the context running")
		}
	})
	t.Run("DeadlineBinds", func(t *testing.T) {
		t.Parallel()
		caller, cancel := context.WithDeadline(context.Background(), time.Now().Add(-time.Second))
		defer cancel()
		ctx, stop := outlive(caller)
		defer stop()
		if ctx.Err() != context.DeadlineExceeded {
			t.Errorf("past the caller's deadline: %v, want DeadlineExceeded", ctx.Err())
		}
	})
	t.Run("NotCancellable", func(t *testing.T) {
		t.Parallel()
		ctx, stop := outlive(context.Background())
		defer stop()
		if ctx != context.Background() {
			t.Error("a context that cannot be cancelled was wrapped")
		}
	})
}
