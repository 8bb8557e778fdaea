package httpapi

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/cespare/xxhash/v2"
	"github.com/gin-gonic/gin"

	"github.com/todoapi/todo/core/identity"
	"github.com/todoapi/todo/core/task"
)

// list answers a list: the page of tasks the query asks for, a Link to
// the next page when there is one, and X-Total-Count on request.
func (s *server) list(c *gin.Context, p identity.Principal) {
	cond, ok := conditionsOf(c)
	if !ok {
		return
	}
	var query url.Values // nil for no query: v1's list, without parsing one
	if c.Request.URL.RawQuery != "" {
		query = c.Request.URL.Query()
	}
	l, err := parseListing(query)
	if err != nil {
		badRequest(c, err.Error())
		return
	}
	uid := owner(c)
	if l.cursor != "" {
		after, made, err := decodeCursor(l.cursor)
		switch {
		case err != nil:
			badRequest(c, badParam("cursor", "it is not a cursor this server made; use the one in the Link header").Error())
			return
		case made != listFingerprint(uid, l.q) || after.Sort != l.q.Sort:
			badRequest(c, badParam("cursor", "it was made for other filters or another sort; send those of its Link, or start again without it").Error())
			return
		}
		l.q.After = &after
	}
	l.q.Count = prefersCount(c.Request.Header["Prefer"])
	page, err := s.svc.List(c.Request.Context(), p, uid, l.q)
	if err != nil {
		s.fail(c, err)
		return
	}
	h := c.Writer.Header()
	if v := h["Vary"]; len(v) == 1 && v[0] == "Origin" {
		h["Vary"] = varyOriginPrefer // what cors set, and Prefer: shared, as cors shares its own
	} else {
		h.Add("Vary", "Prefer")
	}
	if page.Next != nil {
		h["Link"] = []string{nextLink(c.Request.URL, l, encodeCursor(*page.Next, listFingerprint(uid, l.q)))}
	}
	h["X-Change-Cursor"] = changeCursor(uid, page.Head)
	if l.q.Count {
		h["X-Total-Count"] = []string{strconv.Itoa(page.Total)}
		h["Preference-Applied"] = []string{"count=exact"}
	}
	bp := getBuf()
	*bp = appendTasks((*bp)[:0], page.Tasks)
	tag := listETag(*bp, h["Link"], h["X-Total-Count"])
	if cond.checkRead(c, tag) {
		h["Etag"] = []string{tag}
		send(c, http.StatusOK, jsonType, *bp)
	}
	putBuf(bp)
}

// listETag is a list's weak entity tag: a hash of what it answers, the
// page and the headers that describe it, so it changes when any task on
// the page does, or the page's place in the list. Weak, since the same
// tasks could be written out differently by another version of the
// server and still mean the same. xxHash: the tag costs a list about a
// microsecond per 10 KiB (SHA-256 took ten times that), and needs no
// resistance to forgery, since a user only ever sees their own lists.
func listETag(body []byte, link, total []string) string {
	var d xxhash.Digest
	d.Reset()
	_, _ = d.Write(body)
	for _, v := range [][]string{link, total} {
		_, _ = d.WriteString("\n")
		for _, s := range v {
			_, _ = d.WriteString(s)
		}
	}
	var buf [20]byte
	b := append(buf[:0], `W/"`...)
	b = strconv.AppendUint(b, d.Sum64(), 36)
	return string(append(b, '"'))
}

var varyOriginPrefer = []string{"Origin", "Prefer"}

// nextLink is the Link header of the next page (RFC 8288): the request's
// own path and query, without its page or cursor, plus the next page's
// number for offset pages, or its cursor. An offset page whose successor
// would skip more than task.MaxPageOffset tasks links by cursor instead,
// so the client can read on. The URL is relative (path-absolute).
func nextLink(u *url.URL, l listing, cursor string) string {
	param, value := "cursor", cursor
	if l.page > 0 && l.page*l.q.Limit <= task.MaxPageOffset {
		param, value = "page", strconv.Itoa(l.page+1)
	}
	var b strings.Builder
	b.WriteString("<")
	b.WriteString(u.EscapedPath())
	sep := "?"
	for pair := range strings.SplitSeq(u.RawQuery, "&") {
		k, v, _ := strings.Cut(pair, "=")
		key, kerr := url.QueryUnescape(k)
		val, verr := url.QueryUnescape(v)
		// Skipped as url.ParseQuery skips them: the server never read them.
		if pair == "" || strings.Contains(pair, ";") || kerr != nil || verr != nil || key == "cursor" || key == "page" {
			continue
		}
		b.WriteString(sep + url.QueryEscape(key) + "=" + url.QueryEscape(val))
		sep = "&"
	}
	b.WriteString(sep + param + "=" + value + `>; rel="next"`)
	return b.String()
}

// prefersCount reports whether the request's Prefer headers (RFC 7240)
// ask for count=exact. Preference names are case-insensitive; the value
// may be quoted; parameters after ";" do not matter here.
func prefersCount(prefer []string) bool {
	for _, line := range prefer {
		for pref := range strings.SplitSeq(line, ",") {
			pref, _, _ = strings.Cut(pref, ";")
			name, value, _ := strings.Cut(pref, "=")
			value = strings.TrimSpace(value)
			if len(value) >= 2 && value[0] == '"' && value[len(value)-1] == '"' {
				value = value[1 : len(value)-1]
			}
			if strings.EqualFold(strings.TrimSpace(name), "count") && strings.EqualFold(value, "exact") {
				return true
			}
		}
	}
	return false
}
