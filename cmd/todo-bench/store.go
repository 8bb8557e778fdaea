package main

import (
	"context"
	"crypto/rand"
	"database/sql"
	"fmt"
	"net/url"
	"path/filepath"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
	_ "modernc.org/sqlite" // database/sql driver "sqlite", for its version

	"github.com/todoapi/todo/adapters/sqlstore"
)

// store is the database behind the server. The bench opens it too, with
// the same URL and through the same package (sqlstore), for the DB ceiling
// and the large table, so it reaches the database exactly as the server
// does.
type store struct {
	dialect     sqlstore.Dialect // "" when unknown (--target alone)
	databaseURL string           // the server's DATABASE_URL
	drop        func(context.Context) error
}

func newStore(ctx context.Context, o options, dir string) (*store, error) {
	switch {
	case o.databaseURL != "":
		return existingStore(o.databaseURL)
	case o.target != "":
		return &store{}, nil
	case o.store == "sqlite":
		return &store{dialect: sqlstore.SQLite, databaseURL: "sqlite:" + filepath.Join(dir, "todo.db")}, nil
	}
	return freshPostgres(ctx, o.adminURL)
}

// existingStore takes --database-url as the server would take it.
func existingStore(u string) (*store, error) {
	dialect, _, err := sqlstore.ParseURL(u)
	if err != nil {
		return nil, fmt.Errorf("--database-url: %w", err)
	}
	return &store{dialect: dialect, databaseURL: u}, nil
}

// freshPostgres creates an empty database next to adminURL's and returns
// it with a drop function.
func freshPostgres(ctx context.Context, adminURL string) (*store, error) {
	name := "todo_bench_" + strings.ToLower(rand.Text()[:12])
	if err := adminExec(ctx, adminURL, "CREATE DATABASE "+name); err != nil {
		return nil, fmt.Errorf("create a database on the local PostgreSQL (--pg-admin-url): %w", err)
	}
	u, err := url.Parse(adminURL)
	if err != nil {
		return nil, err
	}
	u.Path = "/" + name
	return &store{
		dialect: sqlstore.Postgres, databaseURL: u.String(),
		drop: func(ctx context.Context) error {
			return adminExec(ctx, adminURL, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)")
		},
	}, nil
}

func adminExec(ctx context.Context, adminURL, stmt string) error {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, adminURL)
	if err != nil {
		return err
	}
	defer conn.Close(context.Background())
	_, err = conn.Exec(ctx, stmt)
	return err
}

// openStats opens a connection of the bench's own to the PostgreSQL
// database, for what it asks the database about itself (its backends'
// CPU, its version), never for tasks.
func (s *store) openStats() (*sql.DB, error) {
	cfg, err := pgx.ParseConfig(s.databaseURL)
	if err != nil {
		return nil, err
	}
	db := stdlib.OpenDB(*cfg)
	db.SetMaxOpenConns(1)
	return db, nil
}

// version returns the database's version, or "" when it cannot tell. For
// SQLite it is the version of the library built into this binary, the
// server's (the same modernc.org/sqlite of go.mod), which needs no file.
func (s *store) version(ctx context.Context) string {
	var db *sql.DB
	var err error
	q, prefix := "SELECT sqlite_version()", "SQLite "
	switch s.dialect {
	case sqlstore.SQLite:
		db, err = sql.Open("sqlite", ":memory:")
	case sqlstore.Postgres:
		db, err = s.openStats()
		q, prefix = "SHOW server_version", "PostgreSQL "
	default:
		return ""
	}
	if err != nil {
		return ""
	}
	defer db.Close()
	var v string
	if err := db.QueryRowContext(ctx, q).Scan(&v); err != nil {
		return ""
	}
	return prefix + v
}
