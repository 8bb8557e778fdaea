// Package types_test keeps docs/todo-api.d.ts, the TypeScript types of the
// API for frontends, equal to what openapi-typescript (pinned in
// package.json here) makes of the OpenAPI document the server publishes.
package types_test

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/todoapi/todo/adapters/httpapi"
	"github.com/todoapi/todo/internal/testkit"
)

// committed is the generated file frontends copy or import.
const committed = "../todo-api.d.ts"

var update = flag.Bool("update", false, "write "+committed+" from the OpenAPI document instead of comparing (task types)")

func TestMain(m *testing.M) { os.Exit(testkit.Run(m)) }

const group = "TypeScript types (Node.js)"

// TestTypeScriptTypesMatchDocument regenerates the types from /openapi.json
// and fails when the committed file differs: a change to the document
// must come with `task types`.
func TestTypeScriptTypesMatchDocument(t *testing.T) {
	node, err := exec.LookPath("node")
	if err != nil {
		testkit.Missing(t, group, "node is not installed (Node.js 20 or later)")
	}
	cli := filepath.Join("node_modules", "openapi-typescript", "bin", "cli.js")
	if _, err := os.Stat(cli); err != nil {
		testkit.Missing(t, group, "openapi-typescript is not installed: run `npm ci` in docs/types")
	}
	dir := t.TempDir()
	doc, generated := filepath.Join(dir, "openapi.json"), filepath.Join(dir, "todo-api.d.ts")
	if err := os.WriteFile(doc, httpapi.OpenAPI().JSON(), 0o644); err != nil {
		t.Fatal(err)
	}
	run(t, node, cli, doc, "--output", generated)
	got, err := os.ReadFile(generated)
	if err != nil {
		t.Fatal(err)
	}
	if *update {
		if err := os.WriteFile(committed, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(committed)
	if err != nil {
		t.Fatalf("%v: run `task types`", err)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("docs/todo-api.d.ts does not match the OpenAPI document; run `task types` and commit it.\n%s", firstDifference(string(want), string(got)))
	}
	// The file must compile on its own under the strictest settings a
	// frontend may use.
	run(t, node, filepath.Join("node_modules", "typescript", "bin", "tsc"), "--noEmit", "--strict", committed)
}

func run(t *testing.T, name string, args ...string) {
	t.Helper()
	out, err := exec.Command(name, args...).CombinedOutput()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", filepath.Base(name), strings.Join(args, " "), err, out)
	}
}

// firstDifference shows the first line where the committed file and the
// regenerated one differ.
func firstDifference(committed, generated string) string {
	a, b := strings.Split(committed, "\n"), strings.Split(generated, "\n")
	for i := range max(len(a), len(b)) {
		var x, y string
		if i < len(a) {
			x = a[i]
		}
		if i < len(b) {
			y = b[i]
		}
		if x != y {
			return fmt.Sprintf("line %d:", i+1) + "\n  committed:   " + x + "\n  regenerated: " + y
		}
	}
	return ""
}
