package httpapi

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/todoapi/todo/core/app"
	"github.com/todoapi/todo/core/idempotency"
	"github.com/todoapi/todo/core/task"
)

// Idempotency-Key (IETF draft "The Idempotency-Key HTTP Header Field"):
// the header's syntax, the request's fingerprint and the stored response
// are ours; claiming the key and storing the response with the write is
// the core's (app.Idempotency).

const replayedHeader = "Idempotent-Replayed"

var replayedTrue = []string{"true"}

// parseIdempotencyKey reads the Idempotency-Key field: 1 to 255 visible
// ASCII characters, as they are or as a structured-field string (the
// draft's form: in double quotes, \" and \\ escaped). "" with ok means
// the request has none.
func parseIdempotencyKey(lines []string) (key string, ok bool) {
	switch len(lines) {
	case 0:
		return "", true
	case 1:
	default:
		return "", false // which one would count?
	}
	key = strings.Trim(lines[0], " \t")
	if len(key) >= 2 && key[0] == '"' && key[len(key)-1] == '"' {
		var b strings.Builder
		for i := 1; i < len(key)-1; i++ {
			c := key[i]
			switch {
			case c == '\\' && i+1 < len(key)-1 && (key[i+1] == '"' || key[i+1] == '\\'):
				i++
				c = key[i]
			case c == '\\' || c == '"':
				return "", false
			}
			b.WriteByte(c)
		}
		key = b.String()
	}
	if key == "" || len(key) > idempotency.MaxKeyLength {
		return "", false
	}
	for i := 0; i < len(key); i++ {
		if key[i] < 0x21 || key[i] > 0x7e {
			return "", false
		}
	}
	return key, true
}

// write is what a write request asks beside the write itself: its
// preconditions and, when it sent a key, an idempotent write.
type write struct {
	cond conditions
	once *app.Idempotency
}

// writeOf reads a write request's headers; on false a 400 has been
// written.
func writeOf(c *gin.Context) (*write, bool) {
	cond, ok := conditionsOf(c)
	if !ok {
		return nil, false
	}
	key, ok := parseIdempotencyKey(c.Request.Header["Idempotency-Key"])
	if !ok {
		badRequest(c, "Idempotency-Key must be 1 to "+strconv.Itoa(idempotency.MaxKeyLength)+
			` visible ASCII characters, as they are or in double quotes ("…"), sent once.`)
		return nil, false
	}
	w := &write{cond: cond}
	if key != "" {
		w.once = &app.Idempotency{Key: key}
	}
	return w, true
}

// keyed reports whether the request sent an idempotency key.
func (w *write) keyed() bool { return w.once != nil }

// sign makes the key's fingerprint of the request: its method, its path
// as sent and its body, byte for byte. A retry must send the same.
func (w *write) sign(r *http.Request, body []byte) {
	if w.once == nil {
		return
	}
	h := sha256.New()
	h.Write([]byte(r.Method + " " + r.URL.EscapedPath() + "\n"))
	h.Write(body)
	w.once.Fingerprint = hex.EncodeToString(h.Sum(nil))
}

// options are the use case's options for the request. answer renders the
// response to the write, for the key's record.
func (w *write) options(answer func(*task.Task) []byte) []app.WriteOption {
	opts := []app.WriteOption{app.Require(w.cond.precondition())}
	if w.once != nil {
		w.once.Response = answer
		opts = append(opts, app.Once(w.once))
	}
	return opts
}

// replayed answers with the stored response when the use case replayed
// one, and reports whether it did.
func (w *write) replayed(c *gin.Context) bool {
	if w.once == nil || w.once.Replay == nil {
		return false
	}
	status, location, tag, body, ok := decodeResponse(w.once.Replay)
	if !ok {
		_ = c.Error(errBadRecord)
		writeProblem(c, http.StatusInternalServerError, internalDetail, nil)
		return true
	}
	h := c.Writer.Header()
	h[replayedHeader] = replayedTrue
	if location != "" {
		h["Location"] = []string{location}
	}
	if tag != "" {
		h["Etag"] = []string{tag}
	}
	if status == http.StatusNoContent {
		c.Status(status)
		return true
	}
	send(c, status, jsonType, body)
	return true
}

// readSigned reads the body of a request that is not otherwise read
// (toggle, delete) when it carries a key, for its fingerprint. On false a
// 413 or 400 has been written.
func (s *server) readSigned(c *gin.Context, w *write) bool {
	if !w.keyed() {
		return true
	}
	bp, ok := s.readBody(c)
	if !ok {
		return false
	}
	w.sign(c.Request, *bp)
	putBuf(bp)
	return true
}

// The stored response: the status, the Location and ETag headers (empty
// when none) on a line each, then the body as it was sent.

type recordError string

func (e recordError) Error() string { return string(e) }

const errBadRecord = recordError("httpapi: a stored idempotent response is malformed")

func encodeResponse(status int, location, tag string, body []byte) []byte {
	b := make([]byte, 0, 8+len(location)+len(tag)+len(body))
	b = strconv.AppendInt(b, int64(status), 10)
	b = append(append(b, '\n'), location...)
	b = append(append(b, '\n'), tag...)
	b = append(b, '\n')
	return append(b, body...)
}

func decodeResponse(b []byte) (status int, location, tag string, body []byte, ok bool) {
	parts := bytes.SplitN(b, []byte("\n"), 4)
	if len(parts) != 4 {
		return 0, "", "", nil, false
	}
	status, err := strconv.Atoi(string(parts[0]))
	if err != nil || status < 200 || status > 299 {
		return 0, "", "", nil, false
	}
	return status, string(parts[1]), string(parts[2]), parts[3], true
}

// answers renders a task's response for the key's record: the task, its
// ETag and, for a create, its Location.
func taskAnswer(status int, location func(*task.Task) string) func(*task.Task) []byte {
	return func(t *task.Task) []byte {
		loc := ""
		if location != nil {
			loc = location(t)
		}
		return encodeResponse(status, loc, taskETag(t.Version()), appendTask(nil, t))
	}
}

// deleted renders a delete's response for the key's record.
func deleted(*task.Task) []byte { return encodeResponse(http.StatusNoContent, "", "", nil) }
