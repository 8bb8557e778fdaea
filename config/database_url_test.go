package config_test

import (
	"strings"
	"testing"

	"github.com/todoapi/todo/config"
)

func TestParseDatabaseURL(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in, dialect, dsn string
	}{
		{"postgres://u:p@db:5432/todo?sslmode=require", config.DialectPostgres, "postgres://u:p@db:5432/todo?sslmode=require"},
		{"postgresql://u@db/todo?sslmode=verify-full&channel_binding=require", config.DialectPostgres, "postgresql://u@db/todo?sslmode=verify-full&channel_binding=require"},
		{"postgres://u@ep-x-pooler.neon.tech/db?pgbouncer=true", config.DialectPostgres, "postgres://u@ep-x-pooler.neon.tech/db?pgbouncer=true"},
		{"sqlite:data/todo.db", config.DialectSQLite, "data/todo.db"},
		{"sqlite3:data/todo.db", config.DialectSQLite, "data/todo.db"},
		{"sqlite://data/todo.db", config.DialectSQLite, "data/todo.db"},
		{"sqlite:///var/lib/todo/todo.db", config.DialectSQLite, "/var/lib/todo/todo.db"},
		{"sqlite:/var/lib/todo/todo.db", config.DialectSQLite, "/var/lib/todo/todo.db"},
		{"sqlite:todo.db?_synchronous=FULL", config.DialectSQLite, "todo.db?_synchronous=FULL"},
		{"  sqlite:todo.db\n", config.DialectSQLite, "todo.db"},
	}
	for _, tt := range tests {
		dialect, dsn, err := config.ParseDatabaseURL(tt.in)
		if err != nil || dialect != tt.dialect || dsn != tt.dsn {
			t.Errorf("ParseDatabaseURL(%q) = %q, %q, %v; want %q, %q", tt.in, dialect, dsn, err, tt.dialect, tt.dsn)
		}
	}
}

func TestParseDatabaseURLErrors(t *testing.T) {
	t.Parallel()
	for _, in := range []string{
		"", "todo.db", "mysql://u@db/todo", "sqlite:", "sqlite://", "sqlite::memory:",
		"sqlite:file:todo.db", "sqlite:todo.db?mode=memory", "sqlite:todo.db?a=%zz",
		"postgres://u:s3cret@db:notaport/todo", "postgres://u:s3cret@[::1/db",
		"postgres:///todo", "postgres://u:s3cret@db/todo?pgbouncer=maybe",
	} {
		_, _, err := config.ParseDatabaseURL(in)
		if err == nil {
			t.Errorf("ParseDatabaseURL(%q) succeeded, want an error", in)
			continue
		}
		if strings.Contains(err.Error(), "s3cret") {
			t.Errorf("ParseDatabaseURL(%q) = %v; the error shows the password", in, err)
		}
	}
}

// Load validates DATABASE_URL with the parser the store opens it with, so
// what one accepts the other does too.
func TestLoadUsesTheDatabaseURLParser(t *testing.T) {
	clearEnv(t)
	t.Setenv("DATABASE_URL", "sqlite3:data/todo.db")
	if c := MustLoad(t); c.Database.URL != "sqlite3:data/todo.db" {
		t.Fatalf("url = %q", c.Database.URL)
	}
	t.Setenv("DATABASE_URL", "sqlite:todo.db?mode=memory")
	if _, err := load(t); err == nil || !strings.Contains(err.Error(), "DATABASE_URL: sqlite: mode=memory") {
		t.Fatalf("err = %v, want the store's refusal of mode=memory, naming DATABASE_URL", err)
	}
}
