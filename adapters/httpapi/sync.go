package httpapi

import (
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/todoapi/todo/core/identity"
	"github.com/todoapi/todo/core/task"
)

// The trash and the change feed: what an offline client syncs by. Both
// are the user's, beside the tasks, at one path each that both route
// families share: /api/{user_id}/trash and /api/{user_id}/changes.

// listTrash answers a page of the user's trash, the most recently deleted
// first, paged as lists are: limit, cursor (from the Link header), page.
func (s *server) listTrash(c *gin.Context, p identity.Principal) {
	var l listing
	l.q.Limit = task.DefaultListLimit
	if err := l.readPages(c.Request.URL.Query()); err != nil {
		badRequest(c, err.Error())
		return
	}
	uid := owner(c)
	q := task.TrashQuery{Limit: l.q.Limit, Offset: l.q.Offset}
	if l.cursor != "" {
		after, ok := decodeTrashCursor(uid, l.cursor)
		if !ok {
			badRequest(c, badParam("cursor", "it is not a cursor of this trash; use the one in the Link header").Error())
			return
		}
		q.After = &after
	}
	page, err := s.svc.ListTrash(c.Request.Context(), p, uid, q)
	if err != nil {
		s.fail(c, err)
		return
	}
	if page.Next != nil {
		c.Writer.Header()["Link"] = []string{nextLink(c.Request.URL, l, encodeTrashCursor(uid, *page.Next))}
	}
	bp := getBuf()
	b := append((*bp)[:0], '[')
	for i, t := range page.Tasks {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendTrashed(b, t)
	}
	*bp = append(b, ']')
	send(c, http.StatusOK, jsonType, *bp)
	putBuf(bp)
}

// restore brings a task back from the trash: 200 with the task.
func (s *server) restore(c *gin.Context, p identity.Principal) {
	w, ok := writeOf(c)
	if !ok || !s.readSigned(c, w) {
		return
	}
	t, err := s.svc.Restore(c.Request.Context(), p, owner(c), c.Param("task_id"), w.options(taskAnswer(http.StatusOK, nil))...)
	s.replyWrite(c, w, t, err)
}

// purge removes a task from the trash for good: 204.
func (s *server) purge(c *gin.Context, p identity.Principal) {
	if err := s.svc.Purge(c.Request.Context(), p, owner(c), c.Param("task_id")); err != nil {
		s.fail(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}

// changes answers the user's changes after since (from the oldest kept
// without it): {"changes": [...], "next": CURSOR, "has_more": bool}. A
// since that this server never issued to this user's feed is a 410, as
// one too old is: either way the client lists again.
func (s *server) changes(c *gin.Context, p identity.Principal) {
	v := c.Request.URL.Query()
	uid := owner(c)
	limit := task.DefaultChangeLimit
	_, l, ok, err := one(v, "limit")
	if err == nil && ok {
		if limit, err = task.ParseChangeLimit(l); err != nil {
			err = coreParam("limit", err)
		}
	}
	var since *task.FeedPosition
	_, raw, ok, serr := one(v, "since")
	if err == nil {
		err = serr
	}
	if err != nil {
		badRequest(c, err.Error())
		return
	}
	if ok && raw != "" {
		pos, valid := decodeFeedCursor(uid, raw)
		if !valid {
			s.fail(c, task.ErrGone("This change cursor was never issued for this user's feed; list the tasks again and read the changes from that list's X-Change-Cursor."))
			return
		}
		since = &pos
	}
	page, err := s.svc.Changes(c.Request.Context(), p, uid, since, limit)
	if err != nil {
		s.fail(c, err)
		return
	}
	bp := getBuf()
	b := append((*bp)[:0], `{"changes":[`...)
	for i, ch := range page.Changes {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendChange(b, uid, page.At(ch.Seq), ch)
	}
	b = append(b, `],"next":`...)
	b = appendString(b, encodeFeedCursor(uid, page.Next(since)))
	b = append(b, `,"has_more":`...)
	b = strconv.AppendBool(b, page.More)
	*bp = append(b, '}')
	send(c, http.StatusOK, jsonType, *bp)
	putBuf(bp)
}

// changeCursor is the X-Change-Cursor of a list: where its user's feed
// stood when the list was read.
func changeCursor(owner identity.UserID, head task.FeedPosition) []string {
	return []string{encodeFeedCursor(owner, head)}
}
