package migrations_test

import (
	"io/fs"
	"slices"
	"strings"
	"testing"

	"github.com/todoapi/todo/migrations"
)

// TestFor checks that every dialect has migrations, each with an up and a
// down, and that the dialects carry the same names, so status reads the same
// whichever database is in use. Running them is tested in adapters/sqlstore.
func TestFor(t *testing.T) {
	var names [][]string
	for _, d := range migrations.Dialects {
		ms, err := migrations.For(d)
		if err != nil {
			t.Fatalf("For(%q): %v", d, err)
		}
		sorted := ms.Sorted()
		if len(sorted) == 0 {
			t.Fatalf("%s: no migrations", d)
		}
		var ns []string
		for _, m := range sorted {
			if m.Up == nil || m.Down == nil {
				t.Errorf("%s: migration %s_%s lacks an up or a down file", d, m.Name, m.Comment)
			}
			ns = append(ns, m.Name+"_"+m.Comment)
		}
		names = append(names, ns)
	}
	for i := 1; i < len(names); i++ {
		if !slices.Equal(names[0], names[i]) {
			t.Errorf("%s has %v, %s has %v", migrations.Dialects[0], names[0], migrations.Dialects[i], names[i])
		}
	}
}

// TestFilesAreTransactional keeps every file a ".tx" one: a migration that
// fails halfway must leave nothing behind.
func TestFilesAreTransactional(t *testing.T) {
	for _, d := range migrations.Dialects {
		fsys, err := migrations.FS(d)
		if err != nil {
			t.Fatal(err)
		}
		paths, err := fs.Glob(fsys, "*.sql")
		if err != nil || len(paths) == 0 {
			t.Fatalf("%s: Glob = %v, %v", d, paths, err)
		}
		for _, p := range paths {
			if !strings.HasSuffix(p, ".tx.up.sql") && !strings.HasSuffix(p, ".tx.down.sql") {
				t.Errorf("%s/%s: want a .tx.up.sql or .tx.down.sql file", d, p)
			}
		}
	}
}

func TestForUnknownDialect(t *testing.T) {
	if _, err := migrations.For("mysql"); err == nil {
		t.Fatal("For(mysql) succeeded, want an error")
	}
}
