package httpapi

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"runtime/debug"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
)

const requestIDHeader = "X-Request-Id"

// plannedKey marks a 5xx that is no failure, such as /readyz's 503 during a
// shutdown: it is logged at INFO.
const plannedKey = "httpapi.planned"

var (
	nosniff = []string{"nosniff"}
	noStore = []string{"no-store"}
)

// maxRequestID bounds a caller's request id, which ends up in our logs.
const maxRequestID = 128

// accessLog gives every response a request id and writes one log line per
// request once it is answered. It logs the path but never the query string
// or any header, so a token cannot reach the log. A request whose client
// hung up before its answer is logged as 499 at INFO (see hungUp).
func (s *server) accessLog(c *gin.Context) {
	start := time.Now()
	id := requestID(c.Request.Header.Get(requestIDHeader))
	h := c.Writer.Header()
	h[requestIDHeader] = []string{id}
	// Shared slices, as in cors: constant headers cost no allocation.
	h["X-Content-Type-Options"] = nosniff
	if strings.HasPrefix(c.Request.URL.Path, "/api/") { // a user's data, errors included
		h["Cache-Control"] = noStore
	}
	c.Next()

	status := c.Writer.Status()
	if hungUp(c) {
		status = statusClientClosedRequest
	}
	level := slog.LevelInfo
	if status >= http.StatusInternalServerError && !c.GetBool(plannedKey) {
		level = slog.LevelError
	}
	ctx := c.Request.Context()
	if !s.log.Enabled(ctx, level) {
		return
	}
	attrs := make([]slog.Attr, 0, 11)
	attrs = append(attrs,
		slog.String("method", c.Request.Method),
		slog.String("route", c.FullPath()),
		slog.String("path", c.Request.URL.Path),
		slog.Int("status", status),
		slog.Duration("duration", time.Since(start)),
		slog.Int("bytes", max(c.Writer.Size(), 0)),
		slog.String("request_id", id),
		slog.String("remote_addr", c.Request.RemoteAddr),
	)
	if uid := c.GetString(userKey); uid != "" {
		attrs = append(attrs, slog.String("user_id", uid))
	}
	if last := c.Errors.Last(); last != nil {
		attrs = append(attrs, slog.String("error", last.Err.Error()))
		if pe := (*panicError)(nil); errors.As(last.Err, &pe) {
			attrs = append(attrs, slog.String("stack", string(pe.stack)))
		}
	}
	s.log.LogAttrs(ctx, level, "http request", attrs...)
}

// hungUp reports whether the client left before its answer: net/http
// cancels a request's context when its connection closes. Whatever the
// handler wrote then went nowhere; only a failure that is not the hang-up
// itself (a panic, a bug) keeps its status, to be logged as what it is.
func hungUp(c *gin.Context) bool {
	if !errors.Is(c.Request.Context().Err(), context.Canceled) {
		return false
	}
	for _, e := range c.Errors {
		if !cancellation(e.Err) {
			return false
		}
	}
	return true
}

// requestID keeps the caller's id when it is short printable ASCII, so ids
// can be followed across services, and makes a random one otherwise.
func requestID(given string) string {
	if len(given) == 0 || len(given) > maxRequestID {
		return rand.Text()
	}
	for i := 0; i < len(given); i++ {
		if given[i] <= ' ' || given[i] > '~' {
			return rand.Text()
		}
	}
	return given
}

// panicError carries a recovered panic and where it happened to the log.
type panicError struct {
	value any
	stack []byte
}

func (e *panicError) Error() string { return fmt.Sprintf("panic: %v", e.value) }

// recoverPanic turns a panic in a handler into a 500 problem; the panic value
// and stack go to the access log line. http.ErrAbortHandler is net/http's
// deliberate way to abort a response and is passed on.
func (s *server) recoverPanic(c *gin.Context) {
	defer func() {
		v := recover()
		if v == nil {
			return
		}
		if err, ok := v.(error); ok && errors.Is(err, http.ErrAbortHandler) {
			panic(v)
		}
		err := &panicError{value: v, stack: debug.Stack()}
		if c.Writer.Written() { // too late for a problem body
			_ = c.Error(err)
			c.Abort()
			return
		}
		s.fail(c, err)
	}()
	c.Next()
}
