package main

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"strconv"
	"time"
)

// rawConn is the load's default client: one keep-alive HTTP/1.1 connection
// per closed-loop worker, a request written with one write and the response
// read through a buffer, the way wrk works. net/http's client costs about
// twice as much CPU per request (a reader and a writer goroutine per
// connection, header maps), and on a small machine the load generator
// shares the CPUs with the server, so a heavy client makes every server
// look slower; the peers' figures in FACTS.md were taken with wrk.
// --client net/http switches back for a cross-check.
type rawConn struct {
	host string // host:port, also the Host header
	conn net.Conn
	br   *bufio.Reader
	wbuf []byte
}

// rawTimeout bounds one request, like the net/http client's
// ResponseHeaderTimeout.
const rawTimeout = 30 * time.Second

func newRawConn(host string) *rawConn {
	return &rawConn{host: host, wbuf: make([]byte, 0, 1024)}
}

func (r *rawConn) Close() error {
	if r == nil || r.conn == nil {
		return nil
	}
	err := r.conn.Close()
	r.conn, r.br = nil, nil
	return err
}

// do sends c to path and reads the whole response; it returns the status
// and the body's length. Any error closes the connection; the next request
// dials again.
func (r *rawConn) do(path string, c call) (status, n int, err error) {
	if r.conn == nil {
		if r.conn, err = net.DialTimeout("tcp", r.host, 5*time.Second); err != nil {
			r.conn = nil
			return 0, 0, err
		}
		r.br = bufio.NewReaderSize(r.conn, 16<<10)
	}
	status, n, keep, err := r.roundTrip(path, c)
	if err != nil || !keep {
		_ = r.Close()
	}
	return status, n, err
}

func (r *rawConn) roundTrip(path string, c call) (status, n int, keep bool, err error) {
	if err := r.conn.SetDeadline(time.Now().Add(rawTimeout)); err != nil {
		return 0, 0, false, err
	}
	if _, err := r.conn.Write(r.request(path, c)); err != nil {
		return 0, 0, false, err
	}
	status, length, chunked, keep, err := r.readHead()
	if err != nil {
		return 0, 0, false, err
	}
	switch {
	case status == 204 || status == 304 || c.method == "HEAD":
		return status, 0, keep, nil
	case chunked:
		n, err = r.readChunked()
	case length >= 0:
		n, err = r.br.Discard(length)
	default: // the body runs until the server closes the connection
		var m int64
		m, err = io.Copy(io.Discard, r.br)
		n, keep = int(m), false
	}
	return status, n, keep, err
}

// request renders c as HTTP/1.1 into the connection's buffer.
func (r *rawConn) request(path string, c call) []byte {
	b := append(r.wbuf[:0], c.method...)
	b = append(b, ' ')
	b = append(b, path...)
	b = append(b, " HTTP/1.1\r\nHost: "...)
	b = append(b, r.host...)
	b = append(b, "\r\nUser-Agent: todo-bench\r\n"...)
	for k, vs := range c.header {
		for _, v := range vs {
			b = append(append(append(append(b, k...), ": "...), v...), "\r\n"...)
		}
	}
	if c.key != "" {
		b = append(append(append(b, "Idempotency-Key: "...), c.key...), "\r\n"...)
	}
	if c.body != nil || c.method == "POST" || c.method == "PUT" || c.method == "PATCH" {
		b = append(b, "Content-Length: "...)
		b = strconv.AppendInt(b, int64(len(c.body)), 10)
		b = append(b, "\r\n"...)
	}
	b = append(append(b, "\r\n"...), c.body...)
	r.wbuf = b
	return b
}

var errMalformed = errors.New("malformed HTTP response")

// readHead reads the status line and the headers that frame the body.
// length is -1 when the response gives none.
func (r *rawConn) readHead() (status, length int, chunked, keep bool, err error) {
	line, err := r.br.ReadSlice('\n')
	if err != nil {
		return 0, 0, false, false, err
	}
	if len(line) < 12 || !bytes.HasPrefix(line, []byte("HTTP/1.")) {
		return 0, 0, false, false, fmt.Errorf("%w: status line %q", errMalformed, line)
	}
	if status, err = strconv.Atoi(string(line[9:12])); err != nil {
		return 0, 0, false, false, fmt.Errorf("%w: status line %q", errMalformed, line)
	}
	length, keep = -1, line[7] == '1' // HTTP/1.1 keeps the connection by default
	for {
		line, err = r.br.ReadSlice('\n')
		if err != nil {
			return 0, 0, false, false, err
		}
		line = bytes.TrimRight(line, "\r\n")
		if len(line) == 0 {
			return status, length, chunked, keep, nil
		}
		k, v, ok := bytes.Cut(line, []byte(":"))
		if !ok {
			return 0, 0, false, false, fmt.Errorf("%w: header %q", errMalformed, line)
		}
		v = bytes.TrimSpace(v)
		switch {
		case bytes.EqualFold(k, []byte("Content-Length")):
			if length, err = strconv.Atoi(string(v)); err != nil || length < 0 {
				return 0, 0, false, false, fmt.Errorf("%w: Content-Length %q", errMalformed, v)
			}
		case bytes.EqualFold(k, []byte("Transfer-Encoding")):
			chunked = bytes.EqualFold(v, []byte("chunked"))
		case bytes.EqualFold(k, []byte("Connection")):
			keep = !bytes.EqualFold(v, []byte("close"))
		}
	}
}

// readChunked discards a chunked body and its trailer, returning the
// body's length.
func (r *rawConn) readChunked() (int, error) {
	n := 0
	for {
		line, err := r.br.ReadSlice('\n')
		if err != nil {
			return n, err
		}
		size, _, _ := bytes.Cut(bytes.TrimRight(line, "\r\n"), []byte(";"))
		m, err := strconv.ParseUint(string(bytes.TrimSpace(size)), 16, 31)
		if err != nil {
			return n, fmt.Errorf("%w: chunk size %q", errMalformed, line)
		}
		if m == 0 {
			break
		}
		if _, err := r.br.Discard(int(m)); err != nil {
			return n, err
		}
		n += int(m)
		if crlf, err := r.br.ReadSlice('\n'); err != nil || !bytes.Equal(crlf, []byte("\r\n")) {
			return n, fmt.Errorf("%w: no CRLF after a chunk", errMalformed)
		}
	}
	for { // trailer, up to the empty line
		line, err := r.br.ReadSlice('\n')
		if err != nil {
			return n, err
		}
		if len(bytes.TrimRight(line, "\r\n")) == 0 {
			return n, nil
		}
	}
}
