package logbuffer_test

import (
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/todoapi/todo/internal/logbuffer"
	"github.com/todoapi/todo/internal/testkit"
)

// countingWriter records every write it gets.
type countingWriter struct {
	testkit.Buffer
	mu     sync.Mutex
	writes int
}

func (w *countingWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	w.writes++
	w.mu.Unlock()
	return w.Buffer.Write(p)
}

func (w *countingWriter) Writes() int {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.writes
}

func TestLogBufferWritesThroughUntilStarted(t *testing.T) {
	out := &countingWriter{}
	b := logbuffer.New(out, time.Hour, 1<<10)
	defer b.Close()
	fmt.Fprintln(b, "starting")
	if out.String() != "starting\n" {
		t.Fatalf("before Start, out = %q; want the line at once", out.String())
	}
	b.Start()
	fmt.Fprintln(b, "request 1")
	fmt.Fprintln(b, "request 2")
	if out.String() != "starting\n" {
		t.Fatalf("after Start, out = %q; want the lines held", out.String())
	}
	if err := b.Flush(); err != nil {
		t.Fatal(err)
	}
	if got, want := out.String(), "starting\nrequest 1\nrequest 2\n"; got != want || out.Writes() != 2 {
		t.Fatalf("after Flush, out = %q in %d writes; want %q in 2", got, out.Writes(), want)
	}
}

func TestLogBufferFlushesOnItsOwn(t *testing.T) {
	out := &countingWriter{}
	b := logbuffer.New(out, 10*time.Millisecond, 1<<20)
	defer b.Close()
	b.Start()
	fmt.Fprintln(b, "line")
	testkit.Eventually(t, 5*time.Second, "the ticker flushes the line", func() bool { return out.String() == "line\n" })
}

func TestLogBufferFlushesWhenFull(t *testing.T) {
	out := &countingWriter{}
	b := logbuffer.New(out, time.Hour, 100)
	defer b.Close()
	b.Start()
	line := strings.Repeat("x", 39) + "\n"
	fmt.Fprint(b, line)
	fmt.Fprint(b, line)
	if out.Writes() != 0 {
		t.Fatalf("80 of 100 bytes: %d writes, want 0", out.Writes())
	}
	fmt.Fprint(b, line)
	if out.Writes() != 1 || out.String() != line+line+line {
		t.Fatalf("120 of 100 bytes: out = %q in %d writes; want all three lines in one", out.String(), out.Writes())
	}
}

func TestLogBufferCloseFlushesAndWritesThrough(t *testing.T) {
	out := &countingWriter{}
	b := logbuffer.New(out, time.Hour, 1<<20)
	b.Start()
	fmt.Fprintln(b, "last request")
	if err := b.Close(); err != nil {
		t.Fatal(err)
	}
	fmt.Fprintln(b, "stopped")
	if got, want := out.String(), "last request\nstopped\n"; got != want {
		t.Fatalf("out = %q, want %q", got, want)
	}
	if err := b.Close(); err != nil { // a second Close is harmless
		t.Fatal(err)
	}
}

// Lines written from many goroutines, while the ticker and size limit
// flush, all arrive whole, each goroutine's in its order.
func TestLogBufferConcurrentWritersKeepLinesWhole(t *testing.T) {
	out := &countingWriter{}
	b := logbuffer.New(out, time.Millisecond, 512)
	b.Start()
	const writers, lines = 16, 500
	testkit.AllAtOnce(writers, func(w int) {
		for i := range lines {
			fmt.Fprintf(b, "writer %d line %d\n", w, i)
		}
	})
	if err := b.Close(); err != nil {
		t.Fatal(err)
	}
	next := make([]int, writers)
	got := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
	for _, l := range got {
		var w, i int
		if _, err := fmt.Sscanf(l, "writer %d line %d", &w, &i); err != nil || w < 0 || w >= writers {
			t.Fatalf("broken line %q", l)
		}
		if i != next[w] {
			t.Fatalf("writer %d: line %d came where %d was due", w, i, next[w])
		}
		next[w]++
	}
	if len(got) != writers*lines {
		t.Fatalf("%d lines, want %d", len(got), writers*lines)
	}
	if out.Writes() >= writers*lines/2 {
		t.Errorf("%d writes for %d lines: not batching", out.Writes(), len(got))
	}
}

func TestFlushOnLevelShowsWarningsAtOnce(t *testing.T) {
	out := &countingWriter{}
	b := logbuffer.New(out, time.Hour, 1<<20)
	defer b.Close()
	b.Start()
	log := slog.New(b.Handler(slog.NewTextHandler(b, nil), slog.LevelWarn)).With("component", "test")
	log.Info("request served")
	if out.String() != "" {
		t.Fatalf("an INFO line was written at once: %q", out.String())
	}
	log.WithGroup("db").Warn("database slow")
	got := out.String()
	if !strings.Contains(got, "request served") || !strings.Contains(got, "database slow") ||
		strings.Index(got, "request served") > strings.Index(got, "database slow") ||
		!strings.Contains(got, "component=test") {
		t.Fatalf("after a WARN, out = %q; want both lines, in order, with their attributes", got)
	}
}
