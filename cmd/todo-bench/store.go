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
	_ "modernc.org/sqlite" // database/sql driver "sqlite", the server's

	"github.com/todoapi/todo/adapters/sqlstore"
)

// store is the database behind the server, as the bench reaches it directly
// for the DB ceiling and the large table.
type store struct {
	dialect   string // "sqlite", "postgres", or "" when unknown (--target alone)
	serverURL string // the server's DATABASE_URL
	direct    string // a pgx URL, or the SQLite file's path
	drop      func(context.Context) error
}

// sqliteParams are the server's own SQLite connection settings.
var sqliteParams = sqlstore.SQLiteParams()

func newStore(ctx context.Context, o options, dir string) (*store, error) {
	switch {
	case o.databaseURL != "":
		return existingStore(o.databaseURL)
	case o.target != "":
		return &store{}, nil
	case o.store == "sqlite":
		path := filepath.Join(dir, "todo.db")
		return &store{dialect: "sqlite", serverURL: "sqlite:" + path, direct: path}, nil
	}
	return freshPostgres(ctx, o.adminURL)
}

func existingStore(u string) (*store, error) {
	scheme, rest, _ := strings.Cut(u, ":")
	switch strings.ToLower(scheme) {
	case "postgres", "postgresql":
		return &store{dialect: "postgres", serverURL: u, direct: u}, nil
	case "sqlite", "sqlite3":
		path, _, _ := strings.Cut(strings.TrimPrefix(rest, "//"), "?")
		return &store{dialect: "sqlite", serverURL: u, direct: path}, nil
	}
	return nil, fmt.Errorf("--database-url: want postgres://… or sqlite:PATH")
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
		dialect: "postgres", serverURL: u.String(), direct: u.String(),
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

// openPools opens the bench's own pools: for PostgreSQL one pool of conns
// pgx connections; for SQLite the server's shape, one writer and a pool of
// conns readers.
func (s *store) openPools(conns int) (read, write *sql.DB, err error) {
	if s.dialect == "postgres" {
		cfg, err := pgx.ParseConfig(s.direct)
		if err != nil {
			return nil, nil, err
		}
		db := stdlib.OpenDB(*cfg)
		db.SetMaxOpenConns(conns)
		db.SetMaxIdleConns(conns)
		return db, db, nil
	}
	write, err = sql.Open("sqlite", s.direct+"?"+sqliteParams)
	if err != nil {
		return nil, nil, err
	}
	write.SetMaxOpenConns(1)
	read, err = sql.Open("sqlite", s.direct+"?"+sqliteParams+"&_query_only=1")
	if err != nil {
		write.Close()
		return nil, nil, err
	}
	read.SetMaxOpenConns(conns)
	read.SetMaxIdleConns(conns)
	return read, write, nil
}

// version returns the database's version, or "" when it cannot tell.
func (s *store) version(ctx context.Context) string {
	if s.dialect == "" {
		return ""
	}
	read, write, err := s.openPools(1)
	if err != nil {
		return ""
	}
	defer closePools(read, write)
	q, prefix := "SELECT sqlite_version()", "SQLite "
	if s.dialect == "postgres" {
		q, prefix = "SHOW server_version", "PostgreSQL "
	}
	var v string
	if err := read.QueryRowContext(ctx, q).Scan(&v); err != nil {
		return ""
	}
	return prefix + v
}

func closePools(read, write *sql.DB) {
	_ = read.Close()
	if write != read {
		_ = write.Close()
	}
}
