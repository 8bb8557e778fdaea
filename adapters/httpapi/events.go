package httpapi

import (
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/todoapi/todo/core/app"
	"github.com/todoapi/todo/core/apperr"
	"github.com/todoapi/todo/core/identity"
	"github.com/todoapi/todo/core/task"
)

// The live event stream, GET /api/{user_id}/events: server-sent events,
// one per change of the user's feed, read from the feed after each signal
// that it moved on (see app.Subscription). Once open, a stream over HTTP/1
// leaves its request behind and holds one small goroutine and its
// connection, no buffer of its own (see detach.go); elsewhere (HTTP/2) it
// holds the handler's goroutine. Keep-alives come from one shared pulse.

// DefaultKeepAlive is how often a stream with nothing to send sends a
// comment line, so that proxies keep its connection open.
const DefaultKeepAlive = 15 * time.Second

// Stream settings.
const (
	// retryMillis is the reconnection delay every stream announces.
	retryMillis = 3000
	// streamBatch is how many changes one read of the feed takes; a longer
	// backlog is sent in several batches, flushed after each.
	streamBatch = task.DefaultChangeLimit
	// streamWriteWait bounds each flush: a client that reads nothing for
	// this long loses its stream, so it cannot hold the connection.
	streamWriteWait = 30 * time.Second
)

// errNoEvents answers the event routes of a server built without them
// (Config.Events unset).
var errNoEvents = apperr.Errorf(apperr.EUNAVAILABLE, "Live events are not available on this server.")

// ticketLifetimeSeconds is a ticket's expires_in.
const ticketLifetimeSeconds = int(app.TicketLifetime / time.Second)

var (
	eventStreamType = []string{"text/event-stream"}
	noBuffering     = []string{"no"}
	retryLine       = []byte("retry: " + strconv.Itoa(retryMillis) + "\n\n")
	keepAliveLine   = []byte(": keep-alive\n\n")
)

// streamAuthed authenticates an event stream by the bearer token, as every
// route does, or, when the request carries no Authorization header, by the
// ticket in ?ticket=: an EventSource cannot send headers.
func (s *server) streamAuthed(h authedHandler) gin.HandlerFunc {
	bearer := s.authed(h)
	return func(c *gin.Context) {
		if s.events == nil {
			s.fail(c, errNoEvents)
			return
		}
		ticket, ok := c.GetQuery("ticket")
		if !ok || len(c.Request.Header["Authorization"]) > 0 {
			bearer(c)
			return
		}
		if !s.admitAddress(c) {
			return
		}
		p, err := s.events.RedeemTicket(c.Request.Context(), ticket)
		if err != nil {
			if apperr.CodeOf(err) == apperr.EUNAUTHORIZED {
				c.Header("WWW-Authenticate", `Bearer realm="todo"`)
				writeProblem(c, http.StatusUnauthorized, apperr.MessageOf(err), nil)
				s.chargeAddress(c)
				return
			}
			s.fail(c, err)
			return
		}
		c.Set(userKey, string(p.UserID))
		if !s.admitUser(c, p) {
			return
		}
		h(c, p)
	}
}

// issueTicket answers 201 with a new ticket for the user's event stream.
func (s *server) issueTicket(c *gin.Context, p identity.Principal) {
	if s.events == nil {
		s.fail(c, errNoEvents)
		return
	}
	ticket, err := s.events.IssueTicket(c.Request.Context(), p, owner(c))
	if err != nil {
		s.fail(c, err)
		return
	}
	bp := getBuf()
	b := append((*bp)[:0], `{"ticket":`...)
	b = appendString(b, ticket)
	b = append(b, `,"expires_in":`...)
	b = strconv.AppendInt(b, int64(ticketLifetimeSeconds), 10)
	*bp = append(b, '}')
	send(c, http.StatusCreated, jsonType, *bp)
	putBuf(bp)
}

// resumeFrom reads where a stream resumes: Last-Event-ID, which an
// EventSource sends when it reconnects, else ?since=. nil: from the
// feed's head. ok is false when it wrote the answer (a 400 or a 410).
func (s *server) resumeFrom(c *gin.Context) (*task.FeedPosition, bool) {
	raw := c.Request.Header.Get("Last-Event-ID")
	if raw == "" {
		_, since, _, err := one(c.Request.URL.Query(), "since")
		if err != nil {
			badRequest(c, err.Error())
			return nil, false
		}
		raw = since
	}
	if raw == "" {
		return nil, true
	}
	pos, valid := decodeFeedCursor(owner(c), raw)
	if !valid {
		s.fail(c, task.ErrGone("This change cursor was never issued for this user's feed; list the tasks again and open the stream from that list's X-Change-Cursor."))
		return nil, false
	}
	return &pos, true
}

// stream answers the user's live event stream.
func (s *server) stream(c *gin.Context, p identity.Principal) {
	since, ok := s.resumeFrom(c)
	if !ok {
		return
	}
	ctx := c.Request.Context()
	uid := owner(c)
	sub, err := s.events.Subscribe(ctx, p, uid, since)
	if err != nil {
		s.fail(c, err)
		return
	}
	h := c.Writer.Header()
	h["Content-Type"] = eventStreamType
	h["X-Accel-Buffering"] = noBuffering // nginx: pass each event on at once
	if s.detach(c, sub, uid) {
		return
	}
	defer sub.Close()
	defer s.streams.open()()

	// The server's write timeout is for answers that end: a stream sets a
	// write deadline of its own on each batch instead (see eventWriter).
	// Its read timeout binds no longer: net/http clears the read deadline
	// once the request is read, to watch for the client leaving.
	rc := http.NewResponseController(c.Writer)
	c.Writer.WriteHeader(http.StatusOK)
	w := &eventWriter{c: c, rc: rc}
	w.write(retryLine)

	var expire <-chan time.Time
	if !sub.Expires.IsZero() {
		t := time.NewTimer(time.Until(sub.Expires))
		defer t.Stop()
		expire = t.C
	}
	// The feed is read at the start and after each signal, never on a
	// keep-alive: an idle stream costs the database nothing.
	for read := true; w.err == nil; {
		for read && w.err == nil {
			page, err := sub.Next(ctx, streamBatch)
			if err != nil {
				s.endStream(c, w, err)
				return
			}
			for _, ch := range page.Changes {
				w.event(uid, page.At(ch.Seq), ch)
			}
			if len(page.Changes) > 0 || !w.flushed {
				w.flush()
			}
			read = page.More
		}
		select {
		case <-sub.Signal():
			read = true
		case <-s.streams.pulse.beat():
			w.write(keepAliveLine)
			w.flush()
		case <-expire:
			w.write(expiredLine)
			w.flush()
			return
		case <-s.drain.Done():
			w.write(drainLine())
			w.flush()
			return
		case <-ctx.Done():
			return
		}
	}
}

// endStream ends a stream whose feed read failed: the client learns why in
// a comment; a failure that is not its leaving is logged.
func (s *server) endStream(c *gin.Context, w *eventWriter, err error) {
	switch apperr.CodeOf(err) {
	case apperr.EGONE:
		w.write(goneLine)
	case apperr.ECANCELED:
		return
	default:
		if !cancellation(err) {
			_ = c.Error(err)
			s.log.WarnContext(c.Request.Context(), "event stream ended by a failed feed read", "error", err)
		}
	}
	w.flush()
}

// eventWriter writes a stream's lines, remembering the first failure (the
// client left, or stopped reading): every write after it is skipped.
type eventWriter struct {
	c       *gin.Context
	rc      *http.ResponseController
	err     error
	flushed bool // nothing written since the last flush
}

func (w *eventWriter) write(b []byte) {
	if w.err != nil {
		return
	}
	if w.flushed { // the first write of a batch: it may reach the network
		_ = w.rc.SetWriteDeadline(time.Now().Add(streamWriteWait))
	}
	_, w.err = w.c.Writer.Write(b)
	w.flushed = false
}

// event writes one change as an event: its cursor as the id, task.<op> as
// the event's name, the change's JSON, as the feed renders it, as data.
func (w *eventWriter) event(owner identity.UserID, pos task.FeedPosition, ch task.Change) {
	bp := getBuf()
	*bp = appendEvent((*bp)[:0], owner, pos, ch)
	w.write(*bp)
	putBuf(bp)
}

// appendEvent appends one change as an event.
func appendEvent(b []byte, owner identity.UserID, pos task.FeedPosition, ch task.Change) []byte {
	b = append(b, "id: "...)
	b = append(b, encodeFeedCursor(owner, pos)...)
	b = append(b, "\nevent: task."...)
	b = append(b, ch.Op.String()...)
	b = append(b, "\ndata: "...)
	b = appendChange(b, owner, pos, ch)
	return append(b, "\n\n"...)
}

func (w *eventWriter) flush() {
	if w.err != nil {
		return
	}
	_ = w.rc.SetWriteDeadline(time.Now().Add(streamWriteWait))
	if err := w.rc.Flush(); err != nil && !errors.Is(err, http.ErrNotSupported) {
		w.err = err
	}
	w.flushed = true
}
