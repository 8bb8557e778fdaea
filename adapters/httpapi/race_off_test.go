//go:build !race

package httpapi_test

// maxStreamBytes bounds what one open event stream may cost (see
// TestEventStreamMemory). Measured: about 35 KB, of which net/http's own
// connection buffers (a 4 KB reader, 4 KB and 2 KB writers) and its
// background reader's stack are over half; the stream itself holds its
// subscription and no buffer. The bound catches a stream that starts
// holding more (a goroutine, a ticker, a buffer) than that.
const maxStreamBytes = 40 << 10
