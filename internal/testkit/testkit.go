// Package testkit holds the helpers that tests of several packages share:
// a buffer that a child process or a logger writes while the test reads
// it, a free loopback address, polling until something holds, goroutines
// released all at once, and skipping for a missing tool with a summary of
// what was skipped (see Missing and Main).
package testkit

import (
	"bytes"
	"errors"
	"net"
	"sync"
	"testing"
	"time"
)

// Buffer collects output written from other goroutines (exec's copying
// goroutine, a logger) while the test reads it.
type Buffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *Buffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

// String returns everything written so far.
func (b *Buffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

// FreeAddr returns a loopback address (127.0.0.1:port) that nothing listened
// on a moment ago. Another process may take it before the caller binds it:
// callers that can, retry with a new one.
func FreeAddr(tb testing.TB) string {
	tb.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// pollInterval is how long Poll waits between tries.
const pollInterval = 10 * time.Millisecond

// Poll calls try until it returns nil or timeout has passed, and returns
// try's last error (nil once it succeeded). Use it to wait for a port, a
// server's first answer or a recovery; the timeout bounds the wait, it is
// never what a test asserts.
func Poll(timeout time.Duration, try func() error) error {
	deadline := time.Now().Add(timeout)
	for {
		err := try()
		if err == nil || time.Now().After(deadline) {
			return err
		}
		time.Sleep(pollInterval)
	}
}

// Eventually fails tb unless cond holds within timeout; what says what was
// awaited, for the failure message.
func Eventually(tb testing.TB, timeout time.Duration, what string, cond func() bool) {
	tb.Helper()
	if Poll(timeout, func() error {
		if cond() {
			return nil
		}
		return errNotYet
	}) != nil {
		tb.Fatalf("timed out after %v waiting until %s", timeout, what)
	}
}

var errNotYet = errors.New("not yet")

// AllAtOnce runs fn(0) … fn(n-1), each in its own goroutine, released
// together once all have started, so that they contend as hard as they
// can; it returns when all have returned. fn must not call t.FailNow (use
// t.Error).
func AllAtOnce(n int, fn func(i int)) {
	var ready, done sync.WaitGroup
	start := make(chan struct{})
	ready.Add(n)
	for i := range n {
		done.Go(func() {
			ready.Done()
			<-start
			fn(i)
		})
	}
	ready.Wait()
	close(start)
	done.Wait()
}
