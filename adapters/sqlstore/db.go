// Package sqlstore keeps tasks in a SQL database through Bun: PostgreSQL
// (pgdialect, over pgx) in production and an embedded SQLite file
// (sqlitedialect over the pure-Go modernc.org/sqlite, no cgo) by default.
// DATABASE_URL picks the dialect (see ParseURL). The schema comes from the
// embedded migrations in package migrations, applied by Migrate with Bun's
// migrator. The repository's SQL is written once for both dialects
// (query.go): its constant statements by hand, its composed lists with
// Bun's query builder, values always as numbered parameters so that every
// shape is one prepared statement. How a statement runs and how a
// transaction is held are each database's own (postgres.go, sqlite.go),
// and rows are scanned straight into typed fields rather than through
// Bun's reflective scanner, which profiles showed costing a third to a half
// of the server's CPU on a list.
package sqlstore

import (
	"context"
	"database/sql"
	"net/url"
	"sync/atomic"
	"time"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect/pgdialect"
	"go.opentelemetry.io/otel/trace"

	"github.com/todoapi/todo/config"
)

// Options tunes the connection pools. Zero fields take the defaults below.
type Options struct {
	// MaxOpenConns caps open connections: the PostgreSQL pool, or SQLite's
	// reader pool (SQLite always has exactly one writer connection).
	MaxOpenConns int
	// MaxIdleConns defaults to MaxOpenConns: database/sql's default of 2
	// makes a busy server close and reopen connections all the time.
	MaxIdleConns    int
	ConnMaxLifetime time.Duration
	// ConnMaxIdleTime closes a connection idle this long. The default, 4
	// minutes, lets the pool close idle connections before Neon does: it
	// suspends a compute after 5 minutes without queries, closing its
	// connections. (One that the server or the network closed first is not
	// used either: pgx pings a connection that sat idle before handing it
	// out, and database/sql then opens another.)
	ConnMaxIdleTime time.Duration
	// ConnectTimeout bounds opening a PostgreSQL connection (dial, TLS,
	// authentication) when the URL sets no connect_timeout, so a dead
	// database fails fast instead of hanging.
	ConnectTimeout time.Duration
	// AppRole is the PostgreSQL role the service runs as (DB_APP_ROLE):
	// Migrate grants it what serving needs (see grantAppRole). Empty: no
	// grants. It tunes no pool, but travels with the database it is for.
	AppRole string
	// TracerProvider, when set, traces each statement as a child of the
	// caller's span (see telemetry.go); nil leaves the drivers as they are.
	TracerProvider trace.TracerProvider
}

// Defaults for Options. 16 connections fit in one PgBouncer pool
// (default_pool_size is 20) and well within a small Neon compute's
// max_connections (112 at 0.25 CU); a request holds a connection only for
// its one or two statements.
const (
	DefaultMaxOpenConns    = 16
	DefaultSQLiteReaders   = 4
	DefaultConnMaxLifetime = config.DefaultConnMaxLifetime
	DefaultConnMaxIdleTime = config.DefaultConnMaxIdleTime
	DefaultConnectTimeout  = 5 * time.Second
)

func (o Options) withDefaults(d Dialect) Options {
	if o.MaxOpenConns <= 0 {
		o.MaxOpenConns = DefaultMaxOpenConns
		if d == SQLite {
			o.MaxOpenConns = DefaultSQLiteReaders
		}
	}
	if o.MaxIdleConns <= 0 || o.MaxIdleConns > o.MaxOpenConns {
		o.MaxIdleConns = o.MaxOpenConns
	}
	if o.ConnMaxLifetime <= 0 {
		o.ConnMaxLifetime = DefaultConnMaxLifetime
	}
	if o.ConnMaxIdleTime <= 0 {
		o.ConnMaxIdleTime = DefaultConnMaxIdleTime
	}
	if o.ConnectTimeout <= 0 {
		o.ConnectTimeout = DefaultConnectTimeout
	}
	return o
}

// DB is an open database: one pool for PostgreSQL; for SQLite one writer
// connection beside a pool of readers. With a single writer, this process's
// writes queue in database/sql, bounded by each request's context, instead
// of polling in SQLite's busy handler, where under enough concurrent writes
// one could give up with SQLITE_BUSY; WAL lets the readers run beside it.
// (BenchmarkSQLite measured no throughput difference from one shared pool of
// five.) busy_timeout still covers other processes on the same file.
type DB struct {
	dialect Dialect
	name    string        // the URL with its password masked, for logs and errors
	mode    StatementMode // PostgreSQL only
	path    string        // the SQLite file; "" for PostgreSQL
	write   *bun.DB       // every statement that writes
	read    *bun.DB       // plain reads; the same pool as write on PostgreSQL
	engine  engine        // how the repository's statements run here
	opened  *atomic.Int64 // connections opened, across the pools (see counting)
	appRole string        // Options.AppRole
	origin  string        // PostgreSQL: how this pool's notifications name it (see notifyChanges)
}

// Open opens the database a DATABASE_URL names. It does not connect: the
// pools connect on first use, so a database that is down at start shows up
// in Ping (and recovers by itself later). For SQLite it creates the file's
// directory; the file itself is created on first use.
func Open(databaseURL string, opts Options) (*DB, error) {
	dialect, dsn, err := ParseURL(databaseURL)
	if err != nil {
		return nil, err
	}
	opts = opts.withDefaults(dialect)
	opened := new(atomic.Int64)
	if dialect == SQLite {
		db, err := openSQLite(dsn, opts, opened)
		if err == nil {
			db.name, db.opened = databaseURL, opened
		}
		return db, err
	}
	sqldb, mode, err := openPostgres(dsn, opts, opened)
	if err != nil {
		return nil, err
	}
	setPool(sqldb, opts)
	db := bun.NewDB(sqldb, pgdialect.New())
	origin := newOrigin()
	return &DB{
		dialect: Postgres, name: config.RedactURL(databaseURL), mode: mode, write: db, read: db,
		engine: pgEngine{pool: sqldb, origin: origin}, opened: opened, appRole: opts.AppRole, origin: origin,
	}, nil
}

func setPool(db *sql.DB, opts Options) {
	db.SetMaxOpenConns(opts.MaxOpenConns)
	db.SetMaxIdleConns(opts.MaxIdleConns)
	db.SetConnMaxLifetime(opts.ConnMaxLifetime)
	db.SetConnMaxIdleTime(opts.ConnMaxIdleTime)
}

// sqlDialect returns what the SQL text is written in.
func (db *DB) sqlDialect() sqlDialect {
	if db.dialect == SQLite {
		return sqliteSQL
	}
	return postgresSQL
}

// Dialect returns the database's dialect.
func (db *DB) Dialect() Dialect { return db.dialect }

// StatementMode says how statements are sent to PostgreSQL, and why; it is
// zero for SQLite.
func (db *DB) StatementMode() StatementMode { return db.mode }

// String names the database by its URL, with any password masked.
func (db *DB) String() string { return db.name }

// Ping implements ports.Pinger: EUNAVAILABLE when the database cannot be
// reached.
func (db *DB) Ping(ctx context.Context) error {
	return dbError(db.read.PingContext(ctx))
}

// Close closes the pools, waiting for queries in flight.
func (db *DB) Close() error {
	err := db.write.Close()
	if db.read != db.write {
		if rerr := db.read.Close(); err == nil {
			err = rerr
		}
	}
	return err
}

// urlHas reports whether a PostgreSQL URL sets the query parameter key.
func urlHas(dsn, key string) bool {
	u, err := url.Parse(dsn)
	return err == nil && u.Query().Has(key)
}
