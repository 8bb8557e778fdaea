package sqlstore

import (
	"context"
	"database/sql"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect/pgdialect"
)

// OpenPostgresDB wraps a pool of any PostgreSQL driver, so BenchmarkDriver
// can run the repository over a driver Open does not offer.
func OpenPostgresDB(sqldb *sql.DB) *DB {
	db := bun.NewDB(sqldb, pgdialect.New())
	return &DB{dialect: Postgres, write: db, read: db}
}

// HotStatements returns the SQL of Get (parameters: id, owner) and List
// (parameter: owner) as the repository sends it to the dialect, so tests
// can EXPLAIN exactly that.
func HotStatements(d Dialect) (get, list string) {
	s := statementsFor(d)
	return s.get, s.list
}

// Setting reads a server setting over the store's pool, so tests can see
// which URL parameters reached the server.
func (db *DB) Setting(ctx context.Context, name string) (string, error) {
	var v string
	err := db.read.DB.QueryRowContext(ctx, "SELECT current_setting($1)", name).Scan(&v)
	return v, err
}
