package httpapi

import (
	"encoding/hex"
	"strconv"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/gin-gonic/gin"

	"github.com/todoapi/todo/core/task"
)

// Responses are built by appending into pooled buffers rather than through
// encoding/json: the task is the hot path of every route, and reflection plus
// a fresh buffer per response were most of its allocations.

// timeLayout is RFC 3339 with exactly six fractional digits, the precision
// the core keeps, so every timestamp has the same length and sorts as text.
const timeLayout = "2006-01-02T15:04:05.000000Z07:00"

// maxPooled keeps one huge list from pinning its buffer in the pool forever.
const maxPooled = 64 << 10

var bufPool = sync.Pool{New: func() any { b := make([]byte, 0, 2048); return &b }}

func getBuf() *[]byte { return bufPool.Get().(*[]byte) }

func putBuf(bp *[]byte) {
	if cap(*bp) <= maxPooled {
		*bp = (*bp)[:0]
		bufPool.Put(bp)
	}
}

var jsonType = []string{"application/json"}

// send writes a complete response. Assigning the header slices directly
// skips the canonicalisation of Header.Set. The length is declared because
// it is known: net/http would otherwise send a body larger than its 2 KiB
// buffer (a list of more than a few tasks) chunked, which costs a third
// write(2) per response for the final chunk and makes clients decode chunks.
func send(c *gin.Context, status int, contentType []string, body []byte) {
	h := c.Writer.Header()
	h["Content-Type"] = contentType
	h["Content-Length"] = []string{strconv.Itoa(len(body))}
	c.Writer.WriteHeader(status)
	_, _ = c.Writer.Write(body) // a failed write means the client left
}

// sendTask writes one task as JSON, with its entity tag.
func sendTask(c *gin.Context, status int, t *task.Task) {
	c.Writer.Header()["Etag"] = taskETagHeader(t.Version())
	bp := getBuf()
	*bp = appendTask((*bp)[:0], t)
	send(c, status, jsonType, *bp)
	putBuf(bp)
}

// appendTasks appends a list of tasks as a JSON array, [] when empty.
func appendTasks(b []byte, tasks []*task.Task) []byte {
	b = append(b, '[')
	for i, t := range tasks {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendTask(b, t)
	}
	return append(b, ']')
}

// appendTime appends t in UTC as timeLayout does, digit by digit: the
// general time.AppendFormat was most of a list's encoding cost. The digits
// are written in place over a template appended in one piece, so no digit
// costs an append of its own. Years outside 0000-9999 take the general
// path.
func appendTime(b []byte, t time.Time) []byte {
	t = t.UTC()
	year, month, day := t.Date()
	if year < 0 || year > 9999 {
		return t.AppendFormat(b, timeLayout)
	}
	hour, minute, sec := t.Clock()
	n := len(b)
	b = append(b, "0000-00-00T00:00:00.000000Z"...)
	d := b[n:]
	putDigits(d[0:4], year)
	putDigits(d[5:7], int(month))
	putDigits(d[8:10], day)
	putDigits(d[11:13], hour)
	putDigits(d[14:16], minute)
	putDigits(d[17:19], sec)
	putDigits(d[20:26], t.Nanosecond()/1000)
	return b
}

// appendQuotedTime appends t as a JSON string, as appendTime writes it.
func appendQuotedTime(b []byte, t time.Time) []byte {
	return append(appendTime(append(b, '"'), t), '"')
}

// appendDue appends a due date as Due.String writes it, as a JSON string,
// or null: "2026-12-24" for a date, a date-time as appendTime writes it.
func appendDue(b []byte, d task.Due) []byte {
	switch {
	case d.IsZero():
		return append(b, "null"...)
	case !d.IsDate():
		return appendQuotedTime(b, d.Time())
	}
	year, month, day := d.Time().Date()
	if year < 0 || year > 9999 {
		return appendString(b, d.String())
	}
	n := len(b)
	b = append(b, `"0000-00-00"`...)
	putDigits(b[n+1:n+5], year)
	putDigits(b[n+6:n+8], int(month))
	putDigits(b[n+9:n+11], day)
	return b
}

// appendWord appends a keyword of the API (a priority, a recurrence) as a
// JSON string; keywords need no escaping.
func appendWord(b []byte, w string) []byte {
	b = append(b, '"')
	b = append(b, w...)
	return append(b, '"')
}

// appendTags appends the task's tags as a JSON array.
func appendTags(b []byte, t *task.Task) []byte {
	b = append(b, '[')
	first := true
	for tag := range t.Tags() {
		if !first {
			b = append(b, ',')
		}
		first = false
		b = appendString(b, tag)
	}
	return append(b, ']')
}

// putDigits writes n, which is not negative, into d as exactly len(d)
// decimal digits.
func putDigits(d []byte, n int) {
	for i := len(d) - 1; i >= 0; i-- {
		d[i] = byte('0' + n%10)
		n /= 10
	}
}

// appendID appends the canonical 8-4-4-4-12 form without the string that
// task.ID.String allocates.
func appendID(b []byte, id task.ID) []byte {
	b = hex.AppendEncode(b, id[0:4])
	b = append(b, '-')
	b = hex.AppendEncode(b, id[4:6])
	b = append(b, '-')
	b = hex.AppendEncode(b, id[6:8])
	b = append(b, '-')
	b = hex.AppendEncode(b, id[8:10])
	b = append(b, '-')
	return hex.AppendEncode(b, id[10:16])
}

const hexDigits = "0123456789abcdef"

// appendString appends s as a JSON string, escaping as encoding/json does
// except for <, > and &, which need no escaping in application/json:
// quotes, backslashes and control characters, U+2028 and U+2029 (which break
// JavaScript string literals), and invalid UTF-8 as U+FFFD.
func appendString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		if c := s[i]; c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
		case r == '\u2028' || r == '\u2029':
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hexDigits[r&0xf])
		default:
			i += size
			continue
		}
		i += size
		start = i
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}
