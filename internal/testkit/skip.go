package testkit

import (
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"slices"
	"strings"
	"sync"
	"testing"
)

// Some tests need what a plain Go install lacks: PostgreSQL, PgBouncer,
// Node.js with an npm package, Chromium. Without it they skip, so that
// `go test ./...` passes on a fresh machine; under CI=true they fail, so
// that CI never passes by skipping. A skip must not go unnoticed either:
// Run prints which groups of tests were skipped and why.

// Missing skips tb because something it needs is not on this machine, and
// records the skip for Run's summary under group, a name such as
// "PgBouncer"; reason says what is missing and what installs it. Under
// CI=true it fails tb instead.
func Missing(tb testing.TB, group, reason string) {
	tb.Helper()
	if os.Getenv("CI") == "true" {
		tb.Fatalf("%s: %s (CI=true: this test must not skip)", group, reason)
	}
	skipped.add(group, reason)
	tb.Skipf("%s: %s", group, reason)
}

// Run runs the package's tests, as testing.M's Run does, and then says
// which tests Missing skipped and why, one line per group. It returns the
// exit code for os.Exit.
func Run(m *testing.M) int {
	code := m.Run()
	if s := skipped.summary(packagePath()); s != "" {
		w, closeW := summaryWriter()
		fmt.Fprint(w, s)
		closeW()
	}
	return code
}

// skipped counts the skips of this test binary by group.
var skipped = &skips{groups: map[string]*group{}}

type skips struct {
	mu     sync.Mutex
	order  []string
	groups map[string]*group
}

type group struct {
	tests   int
	reasons []string
}

func (s *skips) add(name, reason string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	g := s.groups[name]
	if g == nil {
		g = &group{}
		s.groups[name] = g
		s.order = append(s.order, name)
	}
	g.tests++
	if !slices.Contains(g.reasons, reason) {
		g.reasons = append(g.reasons, reason)
	}
}

func (s *skips) summary(pkg string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.order) == 0 {
		return ""
	}
	var b strings.Builder
	fmt.Fprintf(&b, "SKIPPED in %s (CI=true makes these fail instead):\n", pkg)
	for _, name := range s.order {
		g := s.groups[name]
		tests := "1 test"
		if g.tests != 1 {
			tests = fmt.Sprintf("%d tests", g.tests)
		}
		fmt.Fprintf(&b, "    %s, %s: %s\n", name, tests, strings.Join(g.reasons, "; "))
	}
	return b.String()
}

// packagePath names the package under test: a test binary's main module
// path is the package's import path with ".test" appended.
func packagePath() string {
	if info, ok := debug.ReadBuildInfo(); ok && info.Path != "" {
		return strings.TrimSuffix(info.Path, ".test")
	}
	return os.Args[0]
}

// summaryWriter finds where the summary will be seen. `go test ./...`
// throws away the output of a package whose tests pass unless -v is given,
// so the summary goes to the go command's own standard error (on Linux,
// through /proc), or failing that to the terminal. With -v (and -json)
// the test's own output is shown, so it goes there.
func summaryWriter() (io.Writer, func()) {
	if testing.Verbose() {
		return os.Stdout, func() {}
	}
	for _, path := range []string{fmt.Sprintf("/proc/%d/fd/2", os.Getppid()), "/dev/tty"} {
		// O_APPEND: when the go command's standard error is a file, write
		// at its end rather than over it.
		if f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND, 0); err == nil {
			return f, func() { f.Close() }
		}
	}
	return os.Stdout, func() {}
}
