// Package logbuffer batches a process's log lines into few writes, as
// nginx's access_log buffer= does, while warnings and errors still go out at
// once.
package logbuffer

import (
	"context"
	"io"
	"log/slog"
	"sync"
	"time"
)

// Log lines are batched: one write(2) per request for the access log was
// about 6 % of the server's CPU on a GET, plus waking whatever reads the
// pipe (a container runtime, journald) as often. As nginx does with
// `access_log … buffer= flush=`, lines collect in memory and go out together
// every FlushInterval, when Size fills, at once for a record at
// WARN or above, and at exit. Start-up logs unbuffered: batching begins
// once the service is up. The cost: a crash of the
// process itself (not a panic in a handler, which is recovered and logged)
// can lose the last interval's INFO lines.
const (
	FlushInterval = 100 * time.Millisecond
	Size          = 64 << 10
)

// Buffer is an io.Writer that batches writes to out between Start and
// Close, and writes through before and after. Each Write is kept whole and
// in order; writes to out happen one at a time.
type Buffer struct {
	out  io.Writer
	size int

	flushMu sync.Mutex // held while writing to out, so batches keep their order
	mu      sync.Mutex // guards the fields below
	buf     []byte
	spare   []byte
	started bool
	closed  bool
	stop    chan struct{} // closed by Close; nil once it is

	done chan struct{} // closed when flushEvery returns
}

// New starts a buffer in front of out that flushes every interval, or when
// size bytes are waiting, until Close.
func New(out io.Writer, interval time.Duration, size int) *Buffer {
	b := &Buffer{out: out, size: size, stop: make(chan struct{}), done: make(chan struct{})}
	go b.flushEvery(interval, b.stop)
	return b
}

func (b *Buffer) flushEvery(interval time.Duration, stop <-chan struct{}) {
	defer close(b.done)
	tick := time.NewTicker(interval)
	defer tick.Stop()
	for {
		select {
		case <-tick.C:
			_ = b.Flush()
		case <-stop:
			return
		}
	}
}

// Start begins batching.
func (b *Buffer) Start() {
	b.mu.Lock()
	b.started = true
	b.mu.Unlock()
}

// Write implements io.Writer.
func (b *Buffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	if !b.started || b.closed {
		b.mu.Unlock()
		b.flushMu.Lock()
		defer b.flushMu.Unlock()
		return b.out.Write(p)
	}
	b.buf = append(b.buf, p...)
	full := len(b.buf) >= b.size
	b.mu.Unlock()
	if full {
		if err := b.Flush(); err != nil {
			return len(p), err
		}
	}
	return len(p), nil
}

// Flush writes out what is buffered.
func (b *Buffer) Flush() error {
	b.flushMu.Lock()
	defer b.flushMu.Unlock()
	b.mu.Lock()
	out := b.buf
	b.buf, b.spare = b.spare[:0], nil
	b.mu.Unlock()
	if len(out) == 0 {
		b.giveBack(out)
		return nil
	}
	_, err := b.out.Write(out)
	b.giveBack(out)
	return err
}

// giveBack keeps a written batch's memory for the next one, unless one
// burst made it much larger than usual.
func (b *Buffer) giveBack(out []byte) {
	if cap(out) > 4*b.size {
		return
	}
	b.mu.Lock()
	b.spare = out[:0]
	b.mu.Unlock()
}

// Close stops the periodic flush and writes out what is buffered; later
// writes go straight to out, after it.
func (b *Buffer) Close() error {
	b.mu.Lock()
	if b.closed || b.stop == nil {
		b.mu.Unlock()
		return nil
	}
	stop := b.stop
	b.stop = nil
	b.mu.Unlock()
	close(stop)
	<-b.done
	b.flushMu.Lock()
	defer b.flushMu.Unlock()
	b.mu.Lock()
	b.closed = true
	out := b.buf
	b.buf = nil
	b.mu.Unlock()
	if len(out) == 0 {
		return nil
	}
	_, err := b.out.Write(out)
	return err
}

// Handler returns h, flushing b after every record at or above level, so
// that warnings and errors are seen at once, with the lines before them.
// h should write to b.
func (b *Buffer) Handler(h slog.Handler, level slog.Level) slog.Handler {
	return flushOnLevel{h, level, b}
}

type flushOnLevel struct {
	slog.Handler
	level slog.Level
	buf   *Buffer
}

func (h flushOnLevel) Handle(ctx context.Context, r slog.Record) error {
	err := h.Handler.Handle(ctx, r)
	if r.Level >= h.level {
		if ferr := h.buf.Flush(); err == nil {
			err = ferr
		}
	}
	return err
}

func (h flushOnLevel) WithAttrs(attrs []slog.Attr) slog.Handler {
	return flushOnLevel{h.Handler.WithAttrs(attrs), h.level, h.buf}
}

func (h flushOnLevel) WithGroup(name string) slog.Handler {
	return flushOnLevel{h.Handler.WithGroup(name), h.level, h.buf}
}
