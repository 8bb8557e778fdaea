package sqlstore

import (
	"errors"
	"fmt"
	"net/url"

	"github.com/todoapi/todo/config"
)

// Dialect names the database behind a DATABASE_URL. Its values are also the
// directory names of the embedded migrations.
type Dialect string

// The dialects a DATABASE_URL can name.
const (
	Postgres Dialect = config.DialectPostgres
	SQLite   Dialect = config.DialectSQLite
)

// ParseURL reads a DATABASE_URL and returns its dialect and the data source
// name for the driver, as config.ParseDatabaseURL (the one parser, which
// says what is accepted) does; its errors name DATABASE_URL. Errors never
// repeat the URL, which may hold a password.
func ParseURL(s string) (Dialect, string, error) {
	dialect, dsn, err := config.ParseDatabaseURL(s)
	if err != nil {
		return "", "", fmt.Errorf("DATABASE_URL: %w", err)
	}
	return Dialect(dialect), dsn, nil
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
