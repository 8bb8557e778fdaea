package httpapi_test

import (
	"bufio"
	"fmt"
	"net"
	"net/http/httptest"
	"os"
	"runtime"
	"runtime/pprof"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/todoapi/todo/adapters/httpapi"
	"github.com/todoapi/todo/internal/testkit"
)

// What an open stream costs the server: heap and goroutine stacks, with
// its connection, measured over many idle streams opened by raw TCP
// clients (which cost the process next to nothing themselves).
func TestEventStreamMemory(t *testing.T) {
	const n = 400
	var open atomic.Int32
	drain := new(httpapi.Drain)
	s := MustServer(t, func(c *httpapi.Config) {
		c.OnStream = func(d int) { open.Add(int32(d)) }
		c.Drain = drain
	})
	ts := httptest.NewServer(s.h)
	user := NewUser()
	before, hb, sb := memInUse()
	conns := make([]net.Conn, 0, n)
	for range n {
		c, err := net.Dial("tcp", strings.TrimPrefix(ts.URL, "http://"))
		if err != nil {
			t.Fatal(err)
		}
		conns = append(conns, c)
		fmt.Fprintf(c, "GET /api/%s/events HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\n\r\n", user, Token(user))
		line, err := bufio.NewReaderSize(c, 16).ReadString('\n')
		if err != nil || !strings.Contains(line, "200") {
			t.Fatalf("stream: %q %v", line, err)
		}
	}
	testkit.Eventually(t, 10*time.Second, "every stream open", func() bool { return open.Load() == n })
	after, ha, sa := memInUse()
	if f := os.Getenv("STREAM_HEAP_PROFILE"); f != "" {
		if out, err := os.Create(f); err == nil {
			_ = pprof.WriteHeapProfile(out)
			out.Close()
		}
	}
	perStream := (after - before) / n
	t.Logf("%d open streams: %d bytes each (heap and stacks, connection included): heap %d, stacks %d",
		n, perStream, (ha-hb)/n, (sa-sb)/n)
	for _, c := range conns {
		c.Close()
	}
	drain.Begin() // a client that leaves is noticed at the next keep-alive only
	testkit.Eventually(t, 10*time.Second, "every stream closed", func() bool { return open.Load() == 0 })
	ts.Close()
	if perStream > maxStreamBytes {
		t.Errorf("a stream costs %d bytes, want at most %d", perStream, maxStreamBytes)
	}
}

// memInUse returns the heap and stacks in use, and each.
func memInUse() (total, heap, stacks int64) {
	runtime.GC()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return int64(m.HeapAlloc + m.StackInuse), int64(m.HeapAlloc), int64(m.StackInuse)
}
