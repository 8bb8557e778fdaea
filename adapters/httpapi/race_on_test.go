//go:build race

package httpapi_test

// The race detector makes every goroutine's stack and every allocation
// larger (a stream measured about 7.4 KB): only a gross regression shows.
const maxStreamBytes = 32 << 10
