package httpapi

import (
	"bufio"
	"context"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/todoapi/todo/config"
)

// Drain is a shutdown under way, which Begin starts. From then on /readyz
// answers 503, so that load balancers stop sending requests here, and every
// response carries Connection: close, so that a client opens its next
// connection afresh (through its load balancer, to another replica) and
// the server closes this one once the response is out. Nothing is refused
// meanwhile: a client that has not yet seen /readyz fail is still answered.
// Event streams end when it begins (see Done), so that their clients
// reconnect elsewhere and nothing holds the server's Shutdown up.
// The zero Drain has not begun; a nil *Drain never begins.
type Drain struct {
	begun atomic.Bool
	once  sync.Once
	mu    sync.Mutex
	done  chan struct{} // closed by Begin; made on first use
	// The streams that left their requests behind (see detach.go), which
	// http.Server.Shutdown does not wait for: Wait does.
	streams int
	idle    chan struct{} // closed when streams drops to 0; nil: nobody waits
}

// Begin starts the drain. A second call does nothing more.
func (d *Drain) Begin() {
	d.begun.Store(true)
	d.once.Do(func() { close(d.doneChan()) })
}

// Done returns a channel closed once the drain has begun; nil (never
// ready) for a nil Drain.
func (d *Drain) Done() <-chan struct{} {
	if d == nil {
		return nil
	}
	return d.doneChan()
}

func (d *Drain) doneChan() chan struct{} {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.done == nil {
		d.done = make(chan struct{})
	}
	return d.done
}

// hold counts in a stream that left its request behind.
func (d *Drain) hold() {
	d.mu.Lock()
	d.streams++
	d.mu.Unlock()
}

// release counts it out once its goroutine is done with it.
func (d *Drain) release() {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.streams--
	if d.streams == 0 && d.idle != nil {
		close(d.idle)
		d.idle = nil
	}
}

// Wait waits until every event stream that left its request behind (see
// detach.go) has ended, or ctx is done. Such streams end when the drain
// begins, but http.Server.Shutdown does not see their connections: whoever
// stops the server waits here for them too. A nil Drain has none.
func (d *Drain) Wait(ctx context.Context) error {
	if d == nil {
		return nil
	}
	d.mu.Lock()
	if d.streams == 0 {
		d.mu.Unlock()
		return nil
	}
	if d.idle == nil {
		d.idle = make(chan struct{})
	}
	idle := d.idle
	d.mu.Unlock()
	select {
	case <-idle:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Draining reports whether the drain has begun.
func (d *Drain) Draining() bool { return d != nil && d.begun.Load() }

// Handler wraps h so that every response written once the drain has begun
// carries Connection: close, also one whose request arrived before.
func (d *Drain) Handler(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if d.Draining() {
			w.Header().Set("Connection", "close")
			h.ServeHTTP(w, r)
			return
		}
		h.ServeHTTP(&closingWriter{ResponseWriter: w, d: d}, r)
	})
}

// closingWriter adds Connection: close to a response whose header is
// written once the drain has begun. It passes on what gin and
// http.ResponseController use of the writer beneath.
type closingWriter struct {
	http.ResponseWriter
	d       *Drain
	written bool
}

func (w *closingWriter) header() {
	if !w.written {
		w.written = true
		if w.d.Draining() {
			w.ResponseWriter.Header().Set("Connection", "close")
		}
	}
}

func (w *closingWriter) WriteHeader(status int) {
	if status >= 200 || status == http.StatusSwitchingProtocols { // not an interim 1xx
		w.header()
	}
	w.ResponseWriter.WriteHeader(status)
}

func (w *closingWriter) Write(b []byte) (int, error) {
	w.header()
	return w.ResponseWriter.Write(b)
}

func (w *closingWriter) Flush() {
	w.header()
	_ = http.NewResponseController(w.ResponseWriter).Flush()
}

func (w *closingWriter) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	return http.NewResponseController(w.ResponseWriter).Hijack()
}

// CloseNotify is what gin's Context.Stream watches.
func (w *closingWriter) CloseNotify() <-chan bool {
	//lint:ignore SA1019 gin's Context.Stream still asks for it
	if cn, ok := w.ResponseWriter.(http.CloseNotifier); ok {
		return cn.CloseNotify()
	}
	return nil
}

func (w *closingWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// shutdown drains the server, then stops it. At once the drain begins
// (see Drain). Halfway through it, the connections still idle are closed:
// every connection that carried a request since has been closed after its
// response, so those left are ones their clients are not using, and a
// client that polls /readyz more often than that has stopped sending. (An
// idle connection closed while its client is sending on it loses that
// request: this is what closing them all at SIGTERM did.) At the end the
// server stops accepting connections and gives the requests in flight
// c.ShutdownTimeout to finish, the streams that left their requests
// behind (ended by the drain) included.
func shutdown(ctx context.Context, srv *http.Server, d *Drain, c config.HTTP, logger *slog.Logger) error {
	d.Begin()
	if c.ShutdownDrain > 0 {
		logger.Info("draining: /readyz answers 503 and every response closes its connection", "drain", c.ShutdownDrain.String())
		half := c.ShutdownDrain / 2
		sleep(ctx, half)
		srv.SetKeepAlivesEnabled(false) // closes the idle connections
		sleep(ctx, c.ShutdownDrain-half)
	}
	if c.ShutdownTimeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, c.ShutdownTimeout)
		defer cancel()
	}
	err := srv.Shutdown(ctx)
	if werr := d.Wait(ctx); err == nil {
		err = werr
	}
	return err
}

// sleep waits for d, or until ctx is done.
func sleep(ctx context.Context, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
	case <-t.C:
	}
}
