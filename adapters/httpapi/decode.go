package httpapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"
)

const (
	notObject = "The request body must be a JSON object."
	// notJSON starts the detail of a body that does not parse. A form
	// (title=x, what curl -d and HTML forms send) fails on its first
	// letters with a message about JSON literals that does not say what
	// the client should send instead.
	notJSON = "The request body must be JSON (Content-Type: application/json): "
)

// readBody reads the whole body, at most bodyLimit bytes, into a pooled
// buffer that the caller gives back with putBuf. On false a 413 or 400 has
// been written.
func (s *server) readBody(c *gin.Context) (*[]byte, bool) {
	// A declared length over the limit is refused before reading a byte.
	if c.Request.ContentLength > s.bodyLimit {
		s.tooLarge(c)
		return nil, false
	}
	bp := getBuf()
	if c.Request.Body == nil {
		return bp, true
	}
	b, err := readAll(http.MaxBytesReader(c.Writer, c.Request.Body, s.bodyLimit), (*bp)[:0])
	*bp = b
	if err == nil {
		return bp, true
	}
	putBuf(bp)
	if tooBig := (*http.MaxBytesError)(nil); errors.As(err, &tooBig) {
		s.tooLarge(c)
	} else {
		badRequest(c, "The request body could not be read.")
	}
	return nil, false
}

func (s *server) tooLarge(c *gin.Context) {
	writeProblem(c, http.StatusRequestEntityTooLarge,
		"The request body is larger than "+strconv.FormatInt(s.bodyLimit, 10)+" bytes.", nil)
}

// readAll is io.ReadAll into a buffer we already have.
func readAll(r io.Reader, b []byte) ([]byte, error) {
	for {
		if len(b) == cap(b) {
			b = append(b, 0)[:len(b)]
		}
		n, err := r.Read(b[len(b):cap(b)])
		b = b[:len(b)+n]
		if err == io.EOF {
			return b, nil
		}
		if err != nil {
			return b, err
		}
	}
}

// decodeObject reads the body and parses it as one JSON object; an empty body
// is a 400 like any other non-object. The write's key, if any, signs the
// body as it came.
func (s *server) decodeObject(c *gin.Context, w *write) (map[string]json.RawMessage, bool) {
	bp, ok := s.readBody(c)
	if !ok {
		return nil, false
	}
	defer putBuf(bp) // safe: the map holds copies of the values
	w.sign(c.Request, *bp)
	if isBlank(*bp) {
		badRequest(c, "The request body is empty; it must be a JSON object.")
		return nil, false
	}
	return parseObject(c, *bp)
}

// parseObject keeps each member as raw JSON so that an absent member, a null
// and a value stay distinguishable, and keys match exactly.
func parseObject(c *gin.Context, body []byte) (map[string]json.RawMessage, bool) {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(body, &m); err != nil {
		if syn := (*json.SyntaxError)(nil); errors.As(err, &syn) {
			badRequest(c, notJSON+syn.Error()+".")
		} else {
			badRequest(c, notObject)
		}
		return nil, false
	}
	if m == nil { // the body was the literal null
		badRequest(c, notObject)
		return nil, false
	}
	return m, true
}

func isBlank(b []byte) bool { return len(bytes.TrimSpace(b)) == 0 }
