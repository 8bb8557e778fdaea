package config

import (
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"
)

// The dialects a DATABASE_URL can name. They are also the directory names
// of the embedded migrations.
const (
	DialectPostgres = "postgres"
	DialectSQLite   = "sqlite"
)

// ParseDatabaseURL reads a DATABASE_URL and returns its dialect and the data
// source name for the driver. It is the one parser of DATABASE_URL: Load
// validates with it and the SQL store opens what it returns.
//
//   - postgres://… or postgresql://… is PostgreSQL; the URL is returned as it
//     is, so every parameter (sslmode, channel_binding, …) reaches the driver.
//     It must name a host, and pgbouncer, when present, must be true or false.
//   - sqlite:PATH (or sqlite3:PATH) is the embedded SQLite store in the file
//     PATH (relative to the working directory unless it starts with /).
//     sqlite://PATH means the same, so sqlite:///var/lib/todo.db is the
//     absolute path. A query string (sqlite:todo.db?_synchronous=FULL) passes
//     modernc.org/sqlite parameters that override the store's defaults. The
//     DSN returned is PATH[?query].
//
// Anything else is an error saying what is accepted. Errors never show the
// password a URL may hold.
func ParseDatabaseURL(s string) (dialect, dsn string, err error) {
	s = strings.TrimSpace(s)
	scheme, rest, ok := strings.Cut(s, ":")
	if s == "" {
		return "", "", errors.New(`is empty: want "postgres://…", "postgresql://…" or "sqlite:PATH"`)
	}
	if !ok {
		return "", "", errors.New(`want "postgres://…", "postgresql://…" or "sqlite:PATH"`)
	}
	switch strings.ToLower(scheme) {
	case "postgres", "postgresql":
		if err := checkPostgresURL(s); err != nil {
			return "", "", err
		}
		return DialectPostgres, s, nil
	case "sqlite", "sqlite3":
		dsn, err := sqliteDSN(rest)
		if err != nil {
			return "", "", err
		}
		return DialectSQLite, dsn, nil
	}
	return "", "", fmt.Errorf(`unsupported scheme %q: want "postgres://…", "postgresql://…" or "sqlite:PATH"`, scheme)
}

func checkPostgresURL(s string) error {
	if _, err := pgx.ParseConfig(s); err != nil {
		return fmt.Errorf("not a valid PostgreSQL URL: %w", redacted(err))
	}
	u, err := url.Parse(s)
	if err != nil {
		return fmt.Errorf("not a valid PostgreSQL URL: %w", redacted(err))
	}
	if u.Host == "" {
		return fmt.Errorf("%s names no host", RedactURL(s))
	}
	if q := u.Query(); q.Has("pgbouncer") {
		if _, err := strconv.ParseBool(q.Get("pgbouncer")); err != nil {
			return fmt.Errorf("pgbouncer=%q: want true or false", q.Get("pgbouncer"))
		}
	}
	return nil
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

// redacted keeps a parse error from quoting the password: pgx masks it in
// its own messages, but a url.Error inside quotes the whole URL.
func redacted(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}
