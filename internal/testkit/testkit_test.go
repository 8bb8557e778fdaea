package testkit

import (
	"errors"
	"fmt"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

func TestBufferConcurrentWrites(t *testing.T) {
	var b Buffer
	AllAtOnce(8, func(i int) {
		for range 100 {
			fmt.Fprintf(&b, "%d\n", i)
		}
	})
	if n := strings.Count(b.String(), "\n"); n != 800 {
		t.Fatalf("%d lines, want 800", n)
	}
}

// AllAtOnce runs every call at the same time: each waits for all the
// others to be running, which calls made one after another never would.
func TestAllAtOnceRunsTogether(t *testing.T) {
	const n = 16
	var running atomic.Int32
	var ran [n]atomic.Int32
	AllAtOnce(n, func(i int) {
		ran[i].Add(1)
		running.Add(1)
		if err := Poll(10*time.Second, func() error {
			if running.Load() < n {
				return errors.New("not all running")
			}
			return nil
		}); err != nil {
			t.Errorf("fn(%d): only %d of %d calls running at once", i, running.Load(), n)
		}
	})
	for i := range ran {
		if got := ran[i].Load(); got != 1 {
			t.Errorf("fn(%d) ran %d times, want once", i, got)
		}
	}
}

func TestPoll(t *testing.T) {
	calls := 0
	err := Poll(time.Minute, func() error {
		calls++
		if calls < 3 {
			return errors.New("not yet")
		}
		return nil
	})
	if err != nil || calls != 3 {
		t.Fatalf("Poll = %v after %d calls, want nil after 3", err, calls)
	}
	last := errors.New("still down")
	if err := Poll(0, func() error { return last }); err != last {
		t.Fatalf("Poll past its timeout = %v, want the last error", err)
	}
}

func TestFreeAddr(t *testing.T) {
	if a, b := FreeAddr(t), FreeAddr(t); !strings.HasPrefix(a, "127.0.0.1:") || a == b {
		t.Fatalf("FreeAddr = %q, then %q", a, b)
	}
}

func TestSummary(t *testing.T) {
	s := &skips{groups: map[string]*group{}}
	if got := s.summary("example.com/p"); got != "" {
		t.Fatalf("summary with no skips = %q, want none", got)
	}
	s.add("Chromium", "chromium is not installed")
	s.add("Node.js", "node is not installed")
	s.add("Chromium", "chromium is not installed")
	s.add("Node.js", "run npm ci")
	want := "SKIPPED in example.com/p (CI=true makes these fail instead):\n" +
		"    Chromium, 2 tests: chromium is not installed\n" +
		"    Node.js, 2 tests: node is not installed; run npm ci\n"
	if got := s.summary("example.com/p"); got != want {
		t.Fatalf("summary:\n%s\nwant:\n%s", got, want)
	}
}

func TestMissingFailsUnderCI(t *testing.T) {
	t.Setenv("CI", "true")
	var ft fakeTB
	done := make(chan struct{})
	go func() { defer close(done); Missing(&ft, "PgBouncer", "pgbouncer is not installed") }()
	<-done
	if !ft.failed || ft.skipped || !strings.Contains(ft.msg, "CI=true") {
		t.Fatalf("under CI=true: failed %v, skipped %v, %q", ft.failed, ft.skipped, ft.msg)
	}
}

func TestMissingSkipsAndRecords(t *testing.T) {
	t.Setenv("CI", "")
	saved := skipped
	skipped = &skips{groups: map[string]*group{}}
	defer func() { skipped = saved }()
	var ft fakeTB
	done := make(chan struct{})
	go func() { defer close(done); Missing(&ft, "testkit self-test", "nothing is missing") }()
	<-done
	if ft.failed || !ft.skipped {
		t.Fatalf("outside CI: failed %v, skipped %v", ft.failed, ft.skipped)
	}
	if !strings.Contains(skipped.summary("p"), "testkit self-test, 1 test: nothing is missing") {
		t.Fatalf("the skip was not recorded:\n%s", skipped.summary("p"))
	}
}

// fakeTB records a Fatal or a Skip; like testing's, both end the goroutine.
type fakeTB struct {
	testing.TB
	failed, skipped bool
	msg             string
}

func (f *fakeTB) Helper() {}
func (f *fakeTB) Fatalf(format string, args ...any) {
	f.failed, f.msg = true, fmt.Sprintf(format, args...)
	runtime.Goexit()
}
func (f *fakeTB) Skipf(format string, args ...any) {
	f.skipped, f.msg = true, fmt.Sprintf(format, args...)
	runtime.Goexit()
}
