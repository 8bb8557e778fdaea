package httpapi

import (
	"context"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/todoapi/todo/core/identity"
	"github.com/todoapi/todo/core/task"
)

// The handlers translate; the use cases decide. Ownership (403) and unknown or
// foreign task ids (404) are the core's answers, never the adapter's.

// owner is the user whose tasks the path names.
func owner(c *gin.Context) identity.UserID { return identity.UserID(c.Param("user_id")) }

// create returns the create handler of a route family, whose paths the
// Location header uses.
func (s *server) create(f family) authedHandler {
	return func(c *gin.Context, p identity.Principal) {
		w, ok := writeOf(c)
		if !ok {
			return
		}
		m, ok := s.decodeObject(c, w)
		if !ok {
			return
		}
		in, as, ok := decodePatch(c, m)
		if !ok {
			return
		}
		// A create has no task to require anything of: its preconditions
		// go unread, and only the key counts.
		t, err := s.svc.Create(c.Request.Context(), p, owner(c), in, w.options(taskAnswer(http.StatusCreated, f.location))...)
		if w.replayed(c) {
			return
		}
		if err != nil {
			s.fail(c, as.rename(err))
			return
		}
		c.Writer.Header()["Location"] = []string{f.location(t)}
		sendTask(c, http.StatusCreated, t)
	}
}

// get answers one task, or 304 when If-None-Match names its version and
// 412 when If-Match does not: the core's precondition, checked on the task
// read.
func (s *server) get(c *gin.Context, p identity.Principal) {
	cond, ok := conditionsOf(c)
	if !ok {
		return
	}
	t, err := s.svc.Get(c.Request.Context(), p, owner(c), c.Param("task_id"))
	if err == nil {
		if err = cond.precondition().Check(t); err != nil {
			if pf := task.PreconditionFailedOf(err); pf != nil && pf.Unchanged {
				notModified(c, taskETag(pf.Version))
				return
			}
		}
	}
	s.reply(c, t, err)
}

// update serves PUT and PATCH alike: both merge the members present.
func (s *server) update(c *gin.Context, p identity.Principal) {
	w, ok := writeOf(c)
	if !ok {
		return
	}
	m, ok := s.decodeObject(c, w)
	if !ok {
		return
	}
	patch, as, ok := decodePatch(c, m)
	if !ok {
		return
	}
	t, err := s.svc.Update(c.Request.Context(), p, owner(c), c.Param("task_id"), patch, w.options(taskAnswer(http.StatusOK, nil))...)
	s.replyWrite(c, w, t, as.rename(err))
}

func (s *server) delete(c *gin.Context, p identity.Principal) {
	w, ok := writeOf(c)
	if !ok || !s.readSigned(c, w) {
		return
	}
	err := s.svc.Delete(c.Request.Context(), p, owner(c), c.Param("task_id"), w.options(deleted)...)
	switch {
	case w.replayed(c):
	case err != nil:
		s.fail(c, err)
	default:
		c.Status(http.StatusNoContent)
	}
}

// toggle is the short paths' flip; it reads the body only to sign it for
// an idempotency key.
func (s *server) toggle(c *gin.Context, p identity.Principal) {
	w, ok := writeOf(c)
	if !ok || !s.readSigned(c, w) {
		return
	}
	t, err := s.svc.Toggle(c.Request.Context(), p, owner(c), c.Param("task_id"), w.options(taskAnswer(http.StatusOK, nil))...)
	s.replyWrite(c, w, t, err)
}

// complete is the /tasks paths' flip:
// {"completed": bool} sets the flag; no body, a blank one or an object
// without "completed" toggles it.
func (s *server) complete(c *gin.Context, p identity.Principal) {
	w, ok := writeOf(c)
	if !ok {
		return
	}
	bp, ok := s.readBody(c)
	if !ok {
		return
	}
	w.sign(c.Request, *bp)
	var in task.Patch
	if !isBlank(*bp) {
		m, ok := parseObject(c, *bp)
		if ok {
			in, ok = decodeMember(c, m, completedField, in)
		}
		if !ok {
			putBuf(bp)
			return
		}
	}
	putBuf(bp)
	done := in.Completed

	ctx, uid, id, opts := c.Request.Context(), owner(c), c.Param("task_id"), w.options(taskAnswer(http.StatusOK, nil))
	var t *task.Task
	var err error
	switch {
	case !done.Present:
		t, err = s.svc.Toggle(ctx, p, uid, id, opts...)
	case done.Null: // the core refuses a null completed with a 422 naming it
		t, err = s.svc.Update(ctx, p, uid, id, task.Patch{Completed: done}, opts...)
	default:
		t, err = s.svc.SetCompleted(ctx, p, uid, id, done.Value, opts...)
	}
	s.replyWrite(c, w, t, err)
}

// reply writes the task with 200, or the problem for err.
func (s *server) reply(c *gin.Context, t *task.Task, err error) {
	if err != nil {
		s.fail(c, err)
		return
	}
	sendTask(c, http.StatusOK, t)
}

// replyWrite is reply for a write: the stored response when the write was
// a replay.
func (s *server) replyWrite(c *gin.Context, w *write, t *task.Task, err error) {
	if !w.replayed(c) {
		s.reply(c, t, err)
	}
}

var okBody = []byte(`{"status":"ok"}`)

// healthz says the process serves requests; it checks no dependency, so an
// orchestrator does not restart a healthy process when the database is down.
func (s *server) healthz(c *gin.Context) { send(c, http.StatusOK, jsonType, okBody) }

// readyTimeout bounds /readyz so a hanging database answers 503, not never.
const readyTimeout = 2 * time.Second

// readyz says whether requests can be served: not once a shutdown has
// begun, and only while the database answers.
func (s *server) readyz(c *gin.Context) {
	if s.drain.Draining() {
		c.Set(plannedKey, true)
		c.Header("Retry-After", retryAfter)
		writeProblem(c, http.StatusServiceUnavailable, "The service is shutting down.", nil)
		return
	}
	if s.ready != nil {
		ctx, cancel := context.WithTimeout(c.Request.Context(), readyTimeout)
		err := s.ready.Ping(ctx)
		cancel()
		if err != nil {
			if cancellation(err) { // the prober left: no news about the database
				s.fail(c, err)
				return
			}
			_ = c.Error(err)
			c.Header("Retry-After", retryAfter)
			writeProblem(c, http.StatusServiceUnavailable, "The service is not ready: its database cannot be reached.", nil)
			return
		}
	}
	send(c, http.StatusOK, jsonType, okBody)
}
