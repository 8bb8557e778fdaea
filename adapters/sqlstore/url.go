package sqlstore

import (
	"errors"
	"fmt"
	"net/url"
	"strings"

	"github.com/jackc/pgx/v5"
)

// Dialect names the database behind a DATABASE_URL. Its values are also the
// directory names of the embedded migrations.
type Dialect string

// The dialects a DATABASE_URL can name.
const (
	Postgres Dialect = "postgres"
	SQLite   Dialect = "sqlite"
)

// ParseURL reads a DATABASE_URL and returns its dialect and the data source
// name for the driver:
//
//   - postgres://… or postgresql://… is PostgreSQL; the URL is returned as it
//     is, so every parameter (sslmode, channel_binding, …) reaches the driver.
//   - sqlite:PATH is the embedded SQLite store in the file PATH (relative to
//     the working directory unless it starts with /). sqlite://PATH means the
//     same, so sqlite:///var/lib/todo.db is the absolute path. A query string
//     (sqlite:todo.db?_synchronous=FULL) passes modernc.org/sqlite parameters
//     that override the store's defaults. The DSN returned is PATH[?query].
//
// Anything else is an error saying what is accepted; config validation calls
// this, so a typo stops the server at start. Errors never repeat the URL,
// which may hold a password.
func ParseURL(s string) (Dialect, string, error) {
	s = strings.TrimSpace(s)
	scheme, rest, ok := strings.Cut(s, ":")
	if !ok {
		return "", "", errors.New(`DATABASE_URL: want "postgres://…", "postgresql://…" or "sqlite:PATH"`)
	}
	switch strings.ToLower(scheme) {
	case "postgres", "postgresql":
		if _, err := pgx.ParseConfig(s); err != nil {
			return "", "", fmt.Errorf("DATABASE_URL: not a valid PostgreSQL URL: %w", redacted(err))
		}
		return Postgres, s, nil
	case "sqlite", "sqlite3":
		dsn, err := sqliteDSN(rest)
		if err != nil {
			return "", "", fmt.Errorf("DATABASE_URL: %w", err)
		}
		return SQLite, dsn, nil
	}
	return "", "", fmt.Errorf(`DATABASE_URL: unsupported scheme %q: want "postgres://…", "postgresql://…" or "sqlite:PATH"`, scheme)
}

func sqliteDSN(rest string) (string, error) {
	rest = strings.TrimPrefix(rest, "//")
	path, query, _ := strings.Cut(rest, "?")
	switch {
	case path == "":
		return "", errors.New(`sqlite: no file path: want "sqlite:PATH", e.g. "sqlite:data/todo.db"`)
	case path == ":memory:" || strings.HasPrefix(path, "file:"):
		// Each pooled connection would get its own in-memory database.
		return "", errors.New("sqlite: want a file path, not :memory: or a file: URI")
	}
	q, err := url.ParseQuery(query)
	if err != nil {
		return "", fmt.Errorf("sqlite: bad parameters: %w", err)
	}
	if q.Get("mode") == "memory" {
		return "", errors.New("sqlite: mode=memory is not supported: want a file")
	}
	if query == "" {
		return path, nil
	}
	return path + "?" + query, nil
}

// redacted keeps a parse error from quoting the password: pgx masks it in its
// own messages, but a url.Error inside quotes the whole URL.
func redacted(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}
