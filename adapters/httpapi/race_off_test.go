//go:build !race

package httpapi_test

// maxStreamBytes bounds what one open event stream may cost (see
// TestEventStreamMemory). Measured: about 6.2 KB (3 KB of heap: the
// connection, the subscription, the stream; 3 KB of stack: its one small
// goroutine), down from about 35 KB while the handler's goroutine,
// net/http's background reader and the connection's buffers stayed with
// it. The bound catches a stream that starts holding more (a goroutine, a
// buffer, the request) than that.
const maxStreamBytes = 10 << 10
