// Package docs_test keeps the README and the pages in docs/ true to the
// code: the routes and statuses of the OpenAPI document, the settings and
// their defaults, and the links between pages.
package docs_test

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/todoapi/todo/adapters/httpapi"
	"github.com/todoapi/todo/config"
)

func MustRead(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// pages are the README and every page in docs/.
func pages(t *testing.T) map[string]string {
	t.Helper()
	names, err := filepath.Glob("*.md")
	if err != nil || len(names) == 0 {
		t.Fatalf("no pages in docs/: %v", err)
	}
	out := map[string]string{"../README.md": MustRead(t, "../README.md")}
	for _, n := range names {
		out[n] = MustRead(t, n)
	}
	return out
}

// The README is an entry point: short, with running and testing on its
// first screen.
func TestReadmeQuickStart(t *testing.T) {
	readme := MustRead(t, "../README.md")
	if n := strings.Count(readme, "\n"); n > 220 {
		t.Errorf("README.md has %d lines; the details belong in docs/", n)
	}
	lines := strings.Split(readme, "\n")
	firstScreen := strings.Join(lines[:min(len(lines), 50)], "\n")
	for _, want := range []string{"go run ./cmd/todo", "go test ./...", "bash .ci/run", "C compiler", "apt-get", "root", "Debian", "1 to 3 minutes"} {
		if !strings.Contains(firstScreen, want) {
			t.Errorf("README's first 50 lines do not mention %q", want)
		}
	}
	for _, heading := range []string{"## Quick start", "## Routes", "## Layout"} {
		if !strings.Contains(readme, "\n"+heading+"\n") {
			t.Errorf("README has no %q section", heading)
		}
	}
}

// The route families are named by what they are.
func TestPagesNameRouteFamiliesPlainly(t *testing.T) {
	banned := regexp.MustCompile(`(?i)hackathon|\bseed\b|shared/|CONTRACT\.md`)
	for name, text := range pages(t) {
		for i, line := range strings.Split(text, "\n") {
			if m := banned.FindString(line); m != "" {
				t.Errorf("%s:%d says %q", name, i+1, m)
			}
		}
	}
}

// Every relative link leads to a file of the repository.
func TestLinksResolve(t *testing.T) {
	link := regexp.MustCompile(`\]\(([^)\s]+)\)`)
	for name, text := range pages(t) {
		for _, m := range link.FindAllStringSubmatch(text, -1) {
			target, _, _ := strings.Cut(m[1], "#")
			if target == "" || strings.Contains(target, "://") || strings.HasPrefix(target, "mailto:") {
				continue
			}
			if _, err := os.Stat(filepath.Join(filepath.Dir(name), target)); err != nil {
				t.Errorf("%s links to %s: %v", name, m[1], err)
			}
		}
	}
}

// docs/api.md lists every operation of the OpenAPI document as
// `METHOD path`, and explains every status the document can answer.
func TestAPIPageCoversDocument(t *testing.T) {
	page := MustRead(t, "api.md")
	statuses := map[string]bool{}
	var doc map[string]any
	if err := json.Unmarshal(httpapi.OpenAPI().JSON(), &doc); err != nil {
		t.Fatal(err)
	}
	for path, item := range doc["paths"].(map[string]any) {
		for method, op := range item.(map[string]any) {
			if method == "parameters" {
				continue
			}
			if want := "`" + strings.ToUpper(method) + " " + path + "`"; !strings.Contains(page, want) {
				t.Errorf("docs/api.md does not list %s", want)
			}
			for status := range op.(map[string]any)["responses"].(map[string]any) {
				if n, err := strconv.Atoi(status); err == nil && n >= 400 {
					statuses[status] = true
				}
			}
		}
	}
	for status := range statuses {
		if !strings.Contains(page, "\n| "+status+" | ") {
			t.Errorf("docs/api.md's error table does not explain %s", status)
		}
	}
}

// docs/configuration.md has a row for every setting, with its flag and the
// default the code applies.
func TestConfigurationPageCoversSettings(t *testing.T) {
	rows := map[string][]string{}
	for _, line := range strings.Split(MustRead(t, "configuration.md"), "\n") {
		cells := strings.Split(strings.Trim(line, "| "), " | ")
		if len(cells) == 4 && strings.HasPrefix(cells[0], "`") {
			name, _, _ := strings.Cut(strings.Trim(cells[0], "`"), "`")
			rows[name] = cells
		}
	}
	for _, s := range config.Settings {
		name := strings.ToUpper(s.Key)
		row, ok := rows[name]
		if !ok {
			t.Errorf("docs/configuration.md has no row for %s", name)
			continue
		}
		if row[1] != "`--"+s.Flag+"`" {
			t.Errorf("%s: flag %s, want --%s", name, row[1], s.Flag)
		}
		if err := sameDefault(s.Default, row[3]); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
}

// sameDefault compares a default in the code with one in the table:
// `15m` for a duration, "none" for no value.
func sameDefault(code any, cell string) error {
	doc := strings.Trim(cell, "`")
	switch d := code.(type) {
	case time.Duration:
		if got, err := time.ParseDuration(doc); err != nil || got != d {
			return fmt.Errorf("default %s in the table, %v in the code", cell, d)
		}
	case string:
		if d == "" {
			return nil // no default, or one derived (HTTP_ADDR from PORT)
		}
		if doc != d {
			return fmt.Errorf("default %s in the table, %q in the code", cell, d)
		}
	default:
		if doc != fmt.Sprint(d) {
			return fmt.Errorf("default %s in the table, %v in the code", cell, d)
		}
	}
	return nil
}
