//go:build race

package httpapi_test

// The race detector makes every goroutine's stack and every allocation
// larger: only a gross regression shows.
const maxStreamBytes = 256 << 10
