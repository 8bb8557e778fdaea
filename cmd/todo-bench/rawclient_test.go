package main

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// rawTestServer answers every framing the raw client has to read.
func rawTestServer(t *testing.T) *httptest.Server {
	t.Helper()
	big := bytes.Repeat([]byte("x"), 13_000) // above net/http's 2 KiB: chunked
	mux := http.NewServeMux()
	mux.HandleFunc("GET /small", func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer t" {
			w.WriteHeader(http.StatusUnauthorized)
		}
		_, _ = w.Write([]byte("hello"))
	})
	mux.HandleFunc("GET /big", func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write(big) })
	mux.HandleFunc("GET /trailer", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Trailer", "X-Sum")
		_, _ = w.Write(big)
		w.Header().Set("X-Sum", "13000")
	})
	mux.HandleFunc("POST /echo", func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		w.WriteHeader(http.StatusCreated)
		_, _ = w.Write(body)
	})
	mux.HandleFunc("PATCH /empty", func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusNoContent) })
	mux.HandleFunc("GET /close", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Connection", "close")
		_, _ = w.Write([]byte("bye"))
	})
	mux.HandleFunc("GET /unframed", func(w http.ResponseWriter, _ *http.Request) {
		conn, buf, err := http.NewResponseController(w).Hijack()
		if err != nil {
			t.Error(err)
			return
		}
		_, _ = buf.WriteString("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nuntil close")
		_ = buf.Flush()
		_ = conn.Close()
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

func TestRawConn(t *testing.T) {
	srv := rawTestServer(t)
	c := newRawConn(strings.TrimPrefix(srv.URL, "http://"))
	defer c.Close()
	auth := http.Header{"Authorization": {"Bearer t"}}
	for _, tc := range []struct {
		name, method, path string
		body               []byte
		header             http.Header
		status, n          int
	}{
		{"ContentLength", "GET", "/small", nil, auth, 200, 5},
		{"Header", "GET", "/small", nil, nil, 401, 5},
		{"Chunked", "GET", "/big", nil, auth, 200, 13_000},
		{"Trailer", "GET", "/trailer", nil, auth, 200, 13_000},
		{"Body", "POST", "/echo", []byte(`{"title":"x"}`), auth, 201, 13},
		{"NoContent", "PATCH", "/empty", nil, auth, 204, 0},
		{"ConnectionClose", "GET", "/close", nil, auth, 200, 3},
		{"AfterClose", "GET", "/small", nil, auth, 200, 5},
		{"Unframed", "GET", "/unframed", nil, auth, 200, len("until close")},
		{"AfterUnframed", "GET", "/big", nil, auth, 200, 13_000},
		{"NotFound", "GET", "/nope", nil, auth, 404, len("404 page not found\n")},
	} {
		status, n, err := c.do(tc.path, call{method: tc.method, path: tc.path, body: tc.body, header: tc.header})
		if err != nil || status != tc.status || n != tc.n {
			t.Errorf("%s: status %d, %d bytes, %v; want %d, %d bytes", tc.name, status, n, err, tc.status, tc.n)
		}
	}
}

// The raw client and net/http must see the very same responses.
func TestRawConnAgreesWithNetHTTP(t *testing.T) {
	srv := rawTestServer(t)
	raw := &bench{o: options{client: clientRaw}}
	std := &bench{o: options{client: clientNetHTTP}, client: newClient(1)}
	w := &worker{}
	defer func() { _ = w.conn.Close() }()
	for _, path := range []string{"/small", "/big", "/trailer", "/close", "/unframed"} {
		c := call{method: "GET", path: path, header: http.Header{"Authorization": {"Bearer t"}}, want: 200}
		n1, err1 := raw.send(t.Context(), w, srv.URL, path, c)
		n2, err2 := std.send(t.Context(), w, srv.URL, path, c)
		if n1 != n2 || err1 != nil || err2 != nil {
			t.Errorf("%s: raw read %d bytes (%v), net/http %d (%v)", path, n1, err1, n2, err2)
		}
	}
	c := call{method: "GET", path: "/nope", want: 200}
	if _, err := raw.send(t.Context(), w, srv.URL, "/nope", c); err == nil || !strings.Contains(err.Error(), "status 404") {
		t.Errorf("an unexpected status is not an error: %v", err)
	}
}
