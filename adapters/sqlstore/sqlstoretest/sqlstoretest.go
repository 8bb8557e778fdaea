// Package sqlstoretest opens throwaway sqlstore databases for tests: an
// SQLite file in the test's temporary directory, or a fresh PostgreSQL
// database created on the server TEST_DATABASE_URL names and dropped when the
// test ends. Tests isolate themselves by random owners, so one database can
// serve many parallel tests.
//
// When PostgreSQL cannot be reached the test is skipped, except under
// CI=true, where it fails: CI must never pass by skipping (see
// testkit.Missing; a package's TestMain calling testkit.Run lists the skips).
package sqlstoretest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // database/sql driver "pgx" for the admin connection

	"github.com/todoapi/todo/adapters/sqlstore"
	"github.com/todoapi/todo/internal/testkit"
)

// DefaultPostgresURL is the server used when TEST_DATABASE_URL is unset: the
// local one, with trust authentication.
const DefaultPostgresURL = "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"

// PostgresURL returns TEST_DATABASE_URL, or DefaultPostgresURL.
func PostgresURL() string {
	if u := os.Getenv("TEST_DATABASE_URL"); u != "" {
		return u
	}
	return DefaultPostgresURL
}

var admin struct {
	once sync.Once
	db   *sql.DB
	err  error
}

// adminDB connects once per test binary to the server's maintenance
// database, through which test databases are created and dropped.
func adminDB(tb testing.TB) *sql.DB {
	tb.Helper()
	admin.once.Do(func() {
		admin.db, admin.err = sql.Open("pgx", PostgresURL())
		if admin.err != nil {
			return
		}
		admin.db.SetMaxOpenConns(2)
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		admin.err = admin.db.PingContext(ctx)
	})
	if admin.err != nil {
		testkit.Missing(tb, "PostgreSQL", fmt.Sprintf("no server at TEST_DATABASE_URL (default %s): %v", DefaultPostgresURL, admin.err))
	}
	return admin.db
}

// MustCreatePostgresDB creates an empty database with a random name and
// returns its URL; the database is dropped when the test ends. Close every
// pool on it first (register its cleanup after this call).
func MustCreatePostgresDB(tb testing.TB) string {
	tb.Helper()
	db := adminDB(tb)
	var b [6]byte
	_, _ = rand.Read(b[:])
	name := "todo_test_" + hex.EncodeToString(b[:])
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if _, err := db.ExecContext(ctx, "CREATE DATABASE "+name); err != nil {
		tb.Fatalf("create database %s: %v", name, err)
	}
	tb.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if _, err := db.ExecContext(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)"); err != nil {
			tb.Errorf("drop database %s: %v", name, err)
		}
	})
	u, err := url.Parse(PostgresURL())
	if err != nil {
		tb.Fatalf("TEST_DATABASE_URL: %v", err)
	}
	u.Path = "/" + name
	return u.String()
}

// MustOpen opens databaseURL and closes it when the test ends.
func MustOpen(tb testing.TB, databaseURL string, opts sqlstore.Options) *sqlstore.DB {
	tb.Helper()
	db, err := sqlstore.Open(databaseURL, opts)
	if err != nil {
		tb.Fatalf("Open: %v", err)
	}
	tb.Cleanup(func() {
		if err := db.Close(); err != nil {
			tb.Errorf("Close: %v", err)
		}
	})
	return db
}

// MustMigrate applies every migration.
func MustMigrate(tb testing.TB, db *sqlstore.DB) {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if _, err := sqlstore.Migrate(ctx, db, nil); err != nil {
		tb.Fatalf("Migrate: %v", err)
	}
}

// MustOpenPostgres opens a fresh, migrated PostgreSQL database.
func MustOpenPostgres(tb testing.TB, opts sqlstore.Options) *sqlstore.DB {
	tb.Helper()
	db := MustOpen(tb, MustCreatePostgresDB(tb), opts)
	MustMigrate(tb, db)
	return db
}

// SQLiteURL returns the URL of a database file, not yet created, in a new
// directory under the test's temporary directory.
func SQLiteURL(tb testing.TB) string {
	return "sqlite:" + filepath.Join(tb.TempDir(), "data", "todo.db")
}

// MustOpenSQLite opens a fresh, migrated SQLite database file.
func MustOpenSQLite(tb testing.TB, opts sqlstore.Options) *sqlstore.DB {
	tb.Helper()
	db := MustOpen(tb, SQLiteURL(tb), opts)
	MustMigrate(tb, db)
	return db
}
