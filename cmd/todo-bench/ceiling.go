package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strconv"
	"syscall"
	"time"

	"github.com/gin-gonic/gin"
)

// The HTTP ceiling is this binary run again with roleEnv set, so it is a
// process of its own like the server: same scheduler, same loopback, same
// client on the other end.
const (
	roleEnv         = "TODO_BENCH_ROLE"
	roleHTTPCeiling = "http-ceiling"
	addrEnv         = "TODO_BENCH_ADDR"
)

// maxCeilingBody bounds the response sizes the ceiling can imitate.
const maxCeilingBody = 4 << 20

// serveCeiling serves the trivial handler on $TODO_BENCH_ADDR until SIGTERM
// and returns the exit code.
func serveCeiling() int {
	ln, err := net.Listen("tcp", os.Getenv(addrEnv))
	if err != nil {
		fmt.Fprintln(os.Stderr, "http ceiling:", err)
		return 1
	}
	srv := &http.Server{ // the server's own settings (adapters/httpapi/module.go)
		Handler:           ceilingHandler(),
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	go func() {
		<-ctx.Done()
		_ = srv.Shutdown(context.Background())
	}()
	if err := srv.Serve(ln); err != http.ErrServerClosed {
		fmt.Fprintln(os.Stderr, "http ceiling:", err)
		return 1
	}
	return 0
}

// ceilingHandler is Gin in release mode with one route and no middleware:
// it reads the request body as the real handlers do, then writes
// /ceiling/{status}/{size}'s status and size bytes of JSON in one write,
// with their Content-Length, as the real handlers do.
func ceilingHandler() http.Handler {
	gin.SetMode(gin.ReleaseMode)
	e := gin.New()
	body := ceilingBody()
	jsonType := []string{"application/json"}
	e.Any("/ceiling/:status/:size", func(c *gin.Context) {
		status, err1 := strconv.Atoi(c.Param("status"))
		size, err2 := strconv.Atoi(c.Param("size"))
		if err1 != nil || err2 != nil || size < 0 || size > len(body) || status < 200 || status > 599 {
			c.Status(http.StatusBadRequest)
			return
		}
		_, _ = io.Copy(io.Discard, c.Request.Body)
		h := c.Writer.Header()
		h["Content-Type"] = jsonType
		h["Content-Length"] = []string{strconv.Itoa(size)}
		c.Writer.WriteHeader(status)
		_, _ = c.Writer.Write(body[:size])
	})
	return e
}

// ceilingBody is filler that looks like a list of tasks, so that any
// prefix of it has a task list's byte mix.
func ceilingBody() []byte {
	task := `{"id":"0193b5c2-6a4e-7c1e-9f7a-2b1f0c9d8e7a","user_id":"Xk3f9Qp2ABCDEFGHIJKLMNOPQR",` +
		`"title":"Seeded task 7","description":null,"completed":false,` +
		`"created_at":"2026-11-25T19:40:00.123456Z","updated_at":"2026-11-25T19:40:00.123456Z"},`
	b := bytes.Repeat([]byte(task), maxCeilingBody/len(task)+1)
	return b[:maxCeilingBody]
}
