package httpapi

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/todoapi/todo/core/apperr"
	"github.com/todoapi/todo/core/task"
)

// statusOf maps each domain error code to its HTTP status: the one place
// where the core's errors become statuses. A code not listed is a 500.
var statusOf = map[apperr.Code]int{
	apperr.EINVALID:      http.StatusUnprocessableEntity,
	apperr.ENOTFOUND:     http.StatusNotFound,
	apperr.EFORBIDDEN:    http.StatusForbidden,
	apperr.EUNAUTHORIZED: http.StatusUnauthorized,
	apperr.ECONFLICT:     http.StatusConflict,
	apperr.EPRECONDITION: http.StatusPreconditionFailed,
	apperr.EUNAVAILABLE:  http.StatusServiceUnavailable,
	apperr.EGONE:         http.StatusGone,
	apperr.ELIMIT:        http.StatusUnprocessableEntity,
	apperr.EINTERNAL:     http.StatusInternalServerError,
	apperr.ECANCELED:     statusClientClosedRequest,
}

// problemTypeOf is the problem type of each code whose status alone does
// not say what went wrong; every other problem is about:blank. A 422 of
// the task limit is not one of a broken rule: it has no "errors", and a
// client tells it apart by its type. The types are relative URIs, so they
// name the problem on whichever host serves the API.
var problemTypeOf = map[apperr.Code]string{
	apperr.ELIMIT: TaskLimitProblem,
}

// TaskLimitProblem is the type of the problem that refuses a create or a
// restore at the per-user task limit.
const TaskLimitProblem = "/problems/task-limit"

// statusClientClosedRequest is nginx's 499: the client hung up before its
// answer. The client never sees it; the access log and whatever counts
// statuses do, and none of them takes it for a failure of ours.
const statusClientClosedRequest = 499

// statusText is the problem title of a status.
func statusText(status int) string {
	if status == statusClientClosedRequest {
		return "Client Closed Request"
	}
	return http.StatusText(status)
}

// cancellation reports whether err is the client leaving: the store's
// ECANCELED, or a cancelled context anywhere else.
func cancellation(err error) bool {
	return apperr.CodeOf(err) == apperr.ECANCELED || errors.Is(err, context.Canceled)
}

// retryAfter is the Retry-After of every 503, in seconds: long enough for a
// database failover to progress, short enough for a user to wait.
const retryAfter = "5"

// internalDetail is the whole story a 500 tells the caller; the cause goes to
// the log only.
const internalDetail = "Internal error."

var problemType = []string{"application/problem+json"}

// fail writes the problem for a use case's error. 5xx causes are attached to
// the context, where the access log picks them up.
func (s *server) fail(c *gin.Context, err error) {
	code := apperr.CodeOf(err)
	if c.Request.Context().Err() != nil && cancellation(err) {
		code = apperr.ECANCELED // the client left, whatever it was waiting for
	}
	status, ok := statusOf[code]
	if !ok {
		status = http.StatusInternalServerError
	}
	detail, fields := apperr.MessageOf(err), apperr.FieldsOf(err)
	switch status {
	case http.StatusUnprocessableEntity:
		if len(fields) > 0 {
			detail = fieldsDetail(fields)
		}
	case http.StatusInternalServerError:
		detail = internalDetail
	case http.StatusServiceUnavailable:
		c.Header("Retry-After", retryAfter)
	case http.StatusPreconditionFailed:
		if pf := task.PreconditionFailedOf(err); pf != nil {
			c.Writer.Header()["Etag"] = taskETagHeader(pf.Version)
		}
	}
	if status >= 500 {
		_ = c.Error(err)
	}
	typ, ok := problemTypeOf[code]
	if !ok {
		typ = "about:blank"
	}
	writeTypedProblem(c, typ, status, detail, fields)
}

// fieldsDetail names every broken field in one line, as "errors" does in
// a list, so a client that shows only "detail" still tells the user
// everything to fix: "title: must not be empty; description: ...".
func fieldsDetail(fields []apperr.FieldError) string {
	var b strings.Builder
	for i, f := range fields {
		if i > 0 {
			b.WriteString("; ")
		}
		b.WriteString(f.Field + ": " + f.Message)
	}
	return b.String()
}

// writeProblem writes an RFC 9457 problem of type about:blank and stops
// the handler chain. "errors" is written only for 422, where it names each
// broken field.
func writeProblem(c *gin.Context, status int, detail string, fields []apperr.FieldError) {
	writeTypedProblem(c, "about:blank", status, detail, fields)
}

// writeTypedProblem writes a problem of the type given, as writeProblem.
func writeTypedProblem(c *gin.Context, typ string, status int, detail string, fields []apperr.FieldError) {
	bp := getBuf()
	b := append((*bp)[:0], `{"type":`...)
	b = appendString(b, typ)
	b = append(b, `,"title":`...)
	b = appendString(b, statusText(status))
	b = append(b, `,"status":`...)
	b = strconv.AppendInt(b, int64(status), 10)
	b = append(b, `,"detail":`...)
	b = appendString(b, detail)
	if status == http.StatusUnprocessableEntity && len(fields) > 0 {
		b = append(b, `,"errors":[`...)
		for i, f := range fields {
			if i > 0 {
				b = append(b, ',')
			}
			b = append(b, `{"field":`...)
			b = appendString(b, f.Field)
			b = append(b, `,"message":`...)
			b = appendString(b, f.Message)
			b = append(b, '}')
		}
		b = append(b, ']')
	}
	b = append(b, '}')
	*bp = b
	send(c, status, problemType, b)
	putBuf(bp)
	c.Abort()
}

// badRequest answers 400: the body is not JSON or a field has the wrong type.
func badRequest(c *gin.Context, detail string) {
	writeProblem(c, http.StatusBadRequest, detail, nil)
}

// noRoute answers the router's own 404.
func (s *server) noRoute(c *gin.Context) {
	writeProblem(c, http.StatusNotFound, "No route matches "+c.Request.Method+" "+c.Request.URL.Path+".", nil)
}

// noMethod answers the router's own 405. Gin has set Allow to every
// method with a route matching the path, which on a path with refusals
// includes the refused methods and those of the routes they keep out, so
// such a path gets its own methods instead.
func (s *server) noMethod(c *gin.Context) {
	allow := c.Writer.Header().Get("Allow")
	for _, r := range s.refusals {
		if takes(r.path, c.Request.URL.Path) {
			allow = r.allow
		}
	}
	methodNotAllowed(c, allow)
}

// refuseMethod answers 405 for a method that a path of the route table
// lacks but another path's route would otherwise take; see refusal.
func (s *server) refuseMethod(allow string) gin.HandlerFunc {
	return func(c *gin.Context) { methodNotAllowed(c, allow) }
}

func methodNotAllowed(c *gin.Context, allow string) {
	c.Writer.Header().Set("Allow", allow)
	writeProblem(c, http.StatusMethodNotAllowed, "Method "+c.Request.Method+" is not allowed here; allowed: "+allow+".", nil)
}
