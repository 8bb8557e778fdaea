package httpapi

import (
	"context"
	"math/rand/v2"
	"net"
	"net/http"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/todoapi/todo/core/app"
	"github.com/todoapi/todo/core/apperr"
	"github.com/todoapi/todo/core/identity"
)

// A stream that has opened (validated, subscribed, authorized: nothing
// left that could answer an error) leaves its request behind when its
// connection can be taken over (HTTP/1.x): the handler writes the response
// head itself, hands the connection to one small goroutine of the stream's
// own and returns, so that neither its goroutine, deep in the middleware,
// nor net/http's background read of the connection, nor the connection's
// buffers stay for the stream's life. The body is delimited by the
// connection's close (Connection: close, no chunking), which an EventSource
// reads as it reads a chunked one.
//
// The stream's goroutine only waits (on its signal, the shared keep-alive
// pulse, its expiry and the drain) and writes; the feed reads, which go
// deep into the store, run on a few shared readers (see feedReaders), so
// its stack stays small. Nobody reads the connection any more: a client
// that leaves is noticed at the next write, a keep-alive at the latest.
// The drain ends these streams as it ends the others, and Drain.Wait waits
// for their goroutines, since http.Server.Shutdown no longer sees them.

var (
	closeConnection = []string{"close"}
	statusLine      = "HTTP/1.1 200 OK\r\n"
	expiredLine     = []byte(": the token behind this stream has expired; reconnect with a new one and Last-Event-ID\n\n")
	goneLine        = []byte(": the feed no longer holds what follows; list the tasks again\n\n")
)

// drainLine is the last block of a stream the drain ends: clients come
// back after a spread of delays, elsewhere, since this server is going
// away.
func drainLine() []byte {
	return []byte("retry: " + strconv.Itoa(retryMillis/2+rand.IntN(retryMillis)) + "\n: the server is shutting down; reconnect\n\n")
}

// detach takes the stream's connection over and serves the stream from a
// goroutine of its own (see above). It returns false, having done nothing,
// when the connection cannot be taken over (HTTP/2, a test's recorder): the
// handler then serves the stream itself. The response's header, as the
// handler and the middleware have set it, is what the client receives.
func (s *server) detach(c *gin.Context, sub *app.Subscription, owner identity.UserID) bool {
	if c.Request.ProtoMajor != 1 || !hijackable(c.Writer) {
		return false
	}
	conn, rw, err := http.NewResponseController(c.Writer).Hijack()
	if err != nil {
		return false
	}
	// Whatever the client sent after its request (rw.Reader.Buffered) is
	// dropped with the buffers: the response says Connection: close, so
	// this connection answers no further request.
	_ = rw
	h := c.Writer.Header()
	h["Connection"] = closeConnection
	h["Date"] = []string{time.Now().UTC().Format(http.TimeFormat)}
	bp := getBuf()
	w := appender{bp}
	*bp = append((*bp)[:0], statusLine...)
	_ = h.Write(w) // appends: never fails
	*bp = append(*bp, "\r\n"...)
	*bp = append(*bp, retryLine...)

	st := &eventStream{
		s: s, conn: conn, sub: sub, owner: owner,
		// The request's context ends as the handler returns; its values
		// (the trace) stay with the stream's feed reads and logs.
		ctx:  context.WithoutCancel(c.Request.Context()),
		done: make(chan struct{}),
	}
	s.drain.hold()
	st.leave = s.streams.open()
	err = st.write(*bp)
	putBuf(bp)
	if err != nil {
		st.end()
		return true
	}
	go st.run()
	return true
}

// hijackable reports whether the connection beneath w can be taken over:
// the writers between (gin's, the drain's) pass Hijack on.
func hijackable(w http.ResponseWriter) bool {
	for {
		if u, ok := w.(interface{ Unwrap() http.ResponseWriter }); ok {
			w = u.Unwrap()
			continue
		}
		_, ok := w.(http.Hijacker)
		return ok
	}
}

// appender is an io.Writer appending to a pooled buffer.
type appender struct{ b *[]byte }

func (a appender) Write(p []byte) (int, error) {
	*a.b = append(*a.b, p...)
	return len(p), nil
}

// eventStream is a stream that left its request behind.
type eventStream struct {
	s     *server
	conn  net.Conn
	sub   *app.Subscription
	owner identity.UserID
	ctx   context.Context
	leave func() // counts the stream out

	// A reader fills these in, then signals done.
	done  chan struct{}
	batch *[]byte // the events read, from the buffer pool; nil: none
	more  bool    // more changes follow at once
	err   error   // the read failed
}

// run serves the stream until it ends: the feed is read at the start and
// after each signal, never on a keep-alive, as in the handler's loop.
func (st *eventStream) run() {
	defer st.end()
	var expire <-chan time.Time
	if !st.sub.Expires.IsZero() {
		t := time.NewTimer(time.Until(st.sub.Expires))
		defer t.Stop()
		expire = t.C
	}
	for read := true; ; {
		for read {
			st.s.streams.readers.read(st)
			if st.err != nil {
				st.failed()
				return
			}
			if bp := st.batch; bp != nil {
				st.batch = nil
				err := st.write(*bp)
				putBuf(bp)
				if err != nil {
					return
				}
			}
			read = st.more
		}
		select {
		case <-st.sub.Signal():
			read = true
		case <-st.s.streams.pulse.beat():
			if st.write(keepAliveLine) != nil {
				return
			}
		case <-expire:
			_ = st.write(expiredLine)
			return
		case <-st.s.drain.Done():
			_ = st.write(drainLine())
			return
		}
	}
}

// readFeed reads the next batch of the feed and renders its events; a
// reader runs it.
func (st *eventStream) readFeed() {
	page, err := st.sub.Next(st.ctx, streamBatch)
	if err != nil {
		st.err = err
		return
	}
	st.more = page.More
	if len(page.Changes) == 0 {
		return
	}
	bp := getBuf()
	b := (*bp)[:0]
	for _, ch := range page.Changes {
		b = appendEvent(b, st.owner, page.At(ch.Seq), ch)
	}
	*bp = b
	st.batch = bp
}

// failed ends a stream whose feed read failed, as endStream does.
func (st *eventStream) failed() {
	switch apperr.CodeOf(st.err) {
	case apperr.EGONE:
		_ = st.write(goneLine)
	case apperr.ECANCELED:
	default:
		if !cancellation(st.err) {
			st.s.log.WarnContext(st.ctx, "event stream ended by a failed feed read", "error", st.err)
		}
	}
}

// write writes b at once: a client that reads nothing for streamWriteWait
// loses its stream, so it cannot hold the connection.
func (st *eventStream) write(b []byte) error {
	_ = st.conn.SetWriteDeadline(time.Now().Add(streamWriteWait))
	_, err := st.conn.Write(b)
	return err
}

// end counts the stream out (before its client sees the connection close),
// then closes it.
func (st *eventStream) end() {
	st.sub.Close()
	st.leave()
	_ = st.conn.Close()
	st.s.drain.release()
}
