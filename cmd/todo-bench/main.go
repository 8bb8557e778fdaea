// Command todo-bench measures the Todo API under load, beside the two
// ceilings it sits on.
//
// It starts the real server (bin of ./cmd/todo, APP_ENV=production, HS256
// tokens with a random BETTER_AUTH_SECRET) on a fresh SQLite file or a fresh
// PostgreSQL database, or targets a running one (--target), seeds users
// with 50 tasks each through the API, and drives each operation for a fixed
// time at a fixed concurrency with a closed loop: every connection sends its
// next request as soon as the last one is answered. Beside each operation it
// measures
//
//   - the HTTP ceiling: a trivial Gin handler (release mode, same
//     http.Server settings) in a separate process, called by the same client
//     with the same method, headers and body, answering with the same status
//     and the same number of bytes as the real server did;
//   - the DB ceiling, which is the store: the server's own repository
//     (adapters/sqlstore) over the same database, called from this process
//     at the same concurrency with no HTTP and no token check, so
//     everything below HTTP: the database plus the repository's code;
//
// and prints the service's throughput as a fraction of the composed ceiling
// 1/(1/HTTP + 1/DB): the rate if each request cost exactly its HTTP part
// plus its part below HTTP and nothing else.
//
//	go run ./cmd/todo-bench --store sqlite
//	go run ./cmd/todo-bench --store postgres --duration 15s --conns 32
//	go run ./cmd/todo-bench --quick --json
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	// The HTTP ceiling runs as a child process of this same binary.
	if os.Getenv(roleEnv) == roleHTTPCeiling {
		os.Exit(serveCeiling())
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "todo-bench:", err)
		os.Exit(1)
	}
}

// run parses the command line, sets everything up, measures, tears down and
// writes the report to stdout; progress goes to logw.
func run(ctx context.Context, args []string, stdout, logw io.Writer) error {
	o, err := parseFlags(args, logw)
	if err != nil {
		return err
	}
	b, err := setUp(ctx, o, logw)
	if b != nil {
		defer b.close()
	}
	if err != nil {
		return err
	}
	rep, err := b.measure(ctx)
	if err != nil {
		return err
	}
	if o.jsonOut {
		err = writeJSON(stdout, rep)
	} else {
		writeTable(stdout, rep)
	}
	if err == nil && rep.errors() > 0 {
		err = fmt.Errorf("%d requests failed: the figures are not to be trusted", rep.errors())
	}
	return err
}
