package httpapi

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/todoapi/todo/core/task"
)

// Conditional requests (RFC 9110 §13). A task's entity tag is strong: its
// version, quoted ("3"), so it changes exactly when the version does, and
// a client holding the task's JSON can write its If-Match from "version".
// A list's is weak: a hash of what the list answered. Whether a
// precondition holds on a task is the core's rule (task.Precondition); the
// syntax of the headers is ours.

// taskETag is the entity tag of a task at version.
func taskETag(version int64) string { return `"` + strconv.FormatInt(version, 10) + `"` }

// taskETagHeader is the ETag header's value of a task at version. The
// first versions' are made once and shared, as other constant headers
// are, so most responses spend no allocation on it; a slice whose length
// is its capacity is copied, never written into, by a later Add.
func taskETagHeader(version int64) []string {
	if version > 0 && version < int64(len(etagHeaders)) {
		return etagHeaders[version]
	}
	return []string{taskETag(version)}
}

var etagHeaders = func() [][]string {
	h := make([][]string, 256)
	for v := range h {
		h[v] = []string{taskETag(int64(v))}
	}
	return h
}()

// etag is one entity tag of a request's If-Match or If-None-Match.
type etag struct {
	weak   bool
	opaque string // between the quotes
}

// etags is an If-Match or If-None-Match field: "*" or a list of tags.
type etags struct {
	any  bool
	tags []etag
}

// parseETags reads every line of an If-Match or If-None-Match field as
// one list (RFC 9110 §5.3): "*", or entity tags separated by commas with
// optional white space; empty members are allowed. nil means the request
// has no such field, or an empty one; ok false means it is malformed.
func parseETags(lines []string) (list *etags, ok bool) {
	if len(lines) == 0 {
		return nil, true // the common case, without an allocation
	}
	list = &etags{}
	for _, line := range lines {
		if strings.Trim(line, " \t") == "*" {
			list.any = true
			continue
		}
		for rest := strings.TrimLeft(line, " \t,"); rest != ""; {
			var t etag
			if t.weak = strings.HasPrefix(rest, "W/"); t.weak {
				rest = rest[2:]
			}
			end := -1
			if len(rest) >= 2 && rest[0] == '"' {
				end = strings.IndexByte(rest[1:], '"')
			}
			if end < 0 {
				return nil, false
			}
			t.opaque = rest[1 : 1+end]
			for i := 0; i < len(t.opaque); i++ {
				if c := t.opaque[i]; c < 0x21 || c == 0x7f { // etagc: %x21 / %x23-7E / obs-text
					return nil, false
				}
			}
			list.tags = append(list.tags, t)
			rest = strings.TrimLeft(rest[2+end:], " \t")
			if rest != "" && rest[0] != ',' {
				return nil, false
			}
			rest = strings.TrimLeft(rest, " \t,")
		}
	}
	if !list.any && len(list.tags) == 0 {
		return nil, true
	}
	return list, true
}

// versions returns the task versions the tags name, comparing strongly
// (If-Match: a weak tag never matches) or weakly (If-None-Match).
func (l *etags) versions(strong bool) *task.Versions {
	if l == nil {
		return nil
	}
	v := &task.Versions{Any: l.any}
	for _, t := range l.tags {
		if t.weak && strong {
			continue
		}
		if n, err := strconv.ParseInt(t.opaque, 10, 64); err == nil && n > 0 && taskETag(n) == `"`+t.opaque+`"` {
			v.List = append(v.List, n)
		}
	}
	return v
}

// matches compares tag, a response's entity tag as it is sent, with the
// list: strongly (If-Match) or weakly (If-None-Match).
func (l *etags) matches(tag string, strong bool) bool {
	if l.any {
		return true
	}
	weak := strings.HasPrefix(tag, "W/")
	opaque := strings.Trim(strings.TrimPrefix(tag, "W/"), `"`)
	for _, t := range l.tags {
		if t.opaque == opaque && (!strong || !t.weak && !weak) {
			return true
		}
	}
	return false
}

// conditions are a request's If-Match and If-None-Match, parsed.
type conditions struct {
	ifMatch, ifNoneMatch *etags
}

// conditionsOf reads the request's preconditions; on false a 400 has been
// written.
func conditionsOf(c *gin.Context) (conditions, bool) {
	var cond conditions
	var ok bool
	if cond.ifMatch, ok = parseETags(c.Request.Header["If-Match"]); !ok {
		badRequest(c, `If-Match must be "*" or a comma-separated list of entity tags such as "3".`)
		return cond, false
	}
	if cond.ifNoneMatch, ok = parseETags(c.Request.Header["If-None-Match"]); !ok {
		badRequest(c, `If-None-Match must be "*" or a comma-separated list of entity tags such as "3".`)
		return cond, false
	}
	return cond, true
}

// precondition is the core's reading of the conditions on a task.
func (cond conditions) precondition() task.Precondition {
	return task.Precondition{IfMatch: cond.ifMatch.versions(true), IfNoneMatch: cond.ifNoneMatch.versions(false)}
}

// notModified answers 304 to a read whose If-None-Match names the current
// entity tag: no body, the headers a 200 would have carried but those of
// the body itself.
func notModified(c *gin.Context, tag string) {
	h := c.Writer.Header()
	h["Etag"] = []string{tag}
	c.Writer.WriteHeader(http.StatusNotModified)
	c.Abort()
}

// preconditionFailed answers a read whose If-Match names no current entity
// tag: 412, with the current one.
func preconditionFailed(c *gin.Context, tag string) {
	c.Writer.Header()["Etag"] = []string{tag}
	writeProblem(c, http.StatusPreconditionFailed, "The resource has changed since you read it: read it again.", nil)
}

// checkRead evaluates a read's preconditions against the entity tag it
// would answer with (RFC 9110 §13.2.2: If-Match, then If-None-Match). On
// false it has answered 412 or 304.
func (cond conditions) checkRead(c *gin.Context, tag string) bool {
	switch {
	case cond.ifMatch != nil && !cond.ifMatch.matches(tag, true):
		preconditionFailed(c, tag)
		return false
	case cond.ifNoneMatch != nil && cond.ifNoneMatch.matches(tag, false):
		notModified(c, tag)
		return false
	}
	return true
}
