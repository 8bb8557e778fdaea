package sqlstore_test

import (
	"strings"
	"testing"

	"github.com/todoapi/todo/adapters/sqlstore"
)

func TestParseURL(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in      string
		dialect sqlstore.Dialect
		dsn     string
	}{
		{"postgres://u:p@db:5432/todo?sslmode=require", sqlstore.Postgres, "postgres://u:p@db:5432/todo?sslmode=require"},
		{"postgresql://u@db/todo?sslmode=verify-full&channel_binding=require", sqlstore.Postgres, "postgresql://u@db/todo?sslmode=verify-full&channel_binding=require"},
		{"sqlite:data/todo.db", sqlstore.SQLite, "data/todo.db"},
		{"sqlite://data/todo.db", sqlstore.SQLite, "data/todo.db"},
		{"sqlite:///var/lib/todo/todo.db", sqlstore.SQLite, "/var/lib/todo/todo.db"},
		{"sqlite:/var/lib/todo/todo.db", sqlstore.SQLite, "/var/lib/todo/todo.db"},
		{"sqlite:todo.db?_synchronous=FULL", sqlstore.SQLite, "todo.db?_synchronous=FULL"},
		{"  sqlite:todo.db\n", sqlstore.SQLite, "todo.db"},
	}
	for _, tt := range tests {
		dialect, dsn, err := sqlstore.ParseURL(tt.in)
		if err != nil || dialect != tt.dialect || dsn != tt.dsn {
			t.Errorf("ParseURL(%q) = %q, %q, %v; want %q, %q", tt.in, dialect, dsn, err, tt.dialect, tt.dsn)
		}
	}
}

func TestParseURLErrors(t *testing.T) {
	t.Parallel()
	for _, in := range []string{
		"", "todo.db", "mysql://u@db/todo", "sqlite:", "sqlite://", "sqlite::memory:",
		"sqlite:file:todo.db", "sqlite:todo.db?mode=memory", "sqlite:todo.db?a=%zz",
		"postgres://u:s3cret@db:notaport/todo",
	} {
		_, _, err := sqlstore.ParseURL(in)
		if err == nil {
			t.Errorf("ParseURL(%q) succeeded, want an error", in)
			continue
		}
		if !strings.HasPrefix(err.Error(), "DATABASE_URL: ") {
			t.Errorf("ParseURL(%q) = %v; want the error to name DATABASE_URL", in, err)
		}
		if strings.Contains(err.Error(), "s3cret") {
			t.Errorf("ParseURL(%q) = %v; the error shows the password", in, err)
		}
	}
}
