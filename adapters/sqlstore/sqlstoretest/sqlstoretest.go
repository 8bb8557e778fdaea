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
	"strings"
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

// MustCreateRole creates a role with a random name and the given options
// (e.g. "LOGIN", "NOLOGIN BYPASSRLS") on the server TEST_DATABASE_URL
// names, and returns its name; the role is dropped when the test ends.
// Roles belong to the whole server, so create one before the databases it
// will hold privileges in: those are dropped first.
func MustCreateRole(tb testing.TB, options string) string {
	tb.Helper()
	var b [6]byte
	_, _ = rand.Read(b[:])
	name := "todo_role_" + hex.EncodeToString(b[:])
	MustAdminExec(tb, "CREATE ROLE "+name+" "+options)
	tb.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if _, err := adminDB(tb).ExecContext(ctx, "DROP ROLE IF EXISTS "+name); err != nil {
			tb.Errorf("drop role %s: %v", name, err)
		}
	})
	return name
}

// MustAdminExec runs a statement on the server's maintenance database as
// TEST_DATABASE_URL's user (a superuser).
func MustAdminExec(tb testing.TB, stmt string) {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if _, err := adminDB(tb).ExecContext(ctx, stmt); err != nil {
		tb.Fatalf("%s: %v", stmt, err)
	}
}

// Roles is a fresh database reached as the two roles of production: the
// owner, who owns the database and runs the migrations, and the service's
// role, which serves. Both log in; neither is a superuser or has
// BYPASSRLS, so row-level security binds them both.
type Roles struct {
	OwnerURL string // DATABASE_MIGRATE_URL
	AppURL   string // DATABASE_URL
	App      string // the service's role, for DB_APP_ROLE
	AdminURL string // the same database as TEST_DATABASE_URL's user, a superuser
}

// MustCreatePostgresDBWithRoles creates the two roles and an empty database
// that the owner owns (with the schema public, as PostgreSQL 15 makes it,
// owned by the database's owner). The database is dropped, then the roles,
// when the test ends. The server must let the roles log in without a
// password, as the local test server's trust authentication does.
func MustCreatePostgresDBWithRoles(tb testing.TB) Roles {
	tb.Helper()
	owner, app := MustCreateRole(tb, "LOGIN"), MustCreateRole(tb, "LOGIN")
	databaseURL := MustCreatePostgresDB(tb)
	u, err := url.Parse(databaseURL)
	if err != nil {
		tb.Fatal(err)
	}
	name := strings.TrimPrefix(u.Path, "/")
	MustAdminExec(tb, "ALTER DATABASE "+name+" OWNER TO "+owner)
	as := func(role string) string {
		v := *u
		v.User = url.User(role)
		return v.String()
	}
	return Roles{OwnerURL: as(owner), AppURL: as(app), App: app, AdminURL: databaseURL}
}
