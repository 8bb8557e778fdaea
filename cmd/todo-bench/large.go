package main

import (
	"context"
	"database/sql"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/todoapi/todo/adapters/sqlstore"
)

// The large table of --large: background rows the benchmark never reads,
// which only make the table (and its indexes) big.
const (
	largeUsers   = 10_000
	largePerUser = 100
)

// largeRow returns the k-th background row: user k/largePerUser, created
// before every seeded task.
func largeRow(k int, base time.Time) (id [16]byte, userID, title string, completed bool, at time.Time) {
	u := uuid.Must(uuid.NewV7())
	return u, "large-user-" + strconv.Itoa(k/largePerUser), "Background task " + strconv.Itoa(k%largePerUser),
		k%3 == 0, base.Add(time.Duration(k) * time.Microsecond)
}

// loadLarge writes the large table straight into the database, with COPY
// on PostgreSQL and batched multi-row INSERTs on SQLite.
func (b *bench) loadLarge(ctx context.Context) error {
	if b.store.dialect == "" {
		return errNoDB
	}
	start := time.Now()
	b.logf("loading %d users x %d tasks directly into the database", largeUsers, largePerUser)
	base := time.Now().UTC().Add(-24 * time.Hour).Truncate(time.Microsecond)
	var err error
	if b.store.dialect == "postgres" {
		err = b.copyPostgres(ctx, base)
	} else {
		err = b.insertSQLite(ctx, base)
	}
	if err != nil {
		return err
	}
	b.largeTime, b.largeTasks = time.Since(start), largeUsers*largePerUser
	b.logf("loaded %d tasks in %s", b.largeTasks, b.largeTime.Round(time.Millisecond))
	return nil
}

func (b *bench) copyPostgres(ctx context.Context, base time.Time) error {
	conn, err := pgx.Connect(ctx, b.store.direct)
	if err != nil {
		return err
	}
	defer conn.Close(context.Background())
	k := 0
	cols := strings.Split(strings.ReplaceAll(sqlstore.TaskColumns, " ", ""), ",")
	_, err = conn.CopyFrom(ctx, pgx.Identifier{"tasks"}, cols, pgx.CopyFromFunc(func() ([]any, error) {
		if k == largeUsers*largePerUser {
			return nil, nil
		}
		id, userID, title, done, at := largeRow(k, base)
		k++
		return []any{id, userID, title, nil, done, at, at}, nil
	}))
	if err != nil {
		return err
	}
	// What autovacuum would do soon after such a load in production.
	_, err = conn.Exec(ctx, "VACUUM ANALYZE tasks")
	return err
}

// sqliteBatch rows per INSERT; 7 parameters each stays far below SQLite's
// limit of 32766.
const sqliteBatch = 500

func (b *bench) insertSQLite(ctx context.Context, base time.Time) error {
	db, err := sql.Open("sqlite", b.store.direct+"?"+sqliteParams)
	if err != nil {
		return err
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	stmt := "INSERT INTO tasks (" + sqlstore.TaskColumns + ") VALUES " +
		strings.TrimSuffix(strings.Repeat("(?, ?, ?, NULL, ?, ?, ?),", sqliteBatch), ",")
	args := make([]any, 0, 6*sqliteBatch)
	for k := 0; k < largeUsers*largePerUser; {
		tx, err := db.BeginTx(ctx, nil)
		if err != nil {
			return err
		}
		for range 40 { // 20,000 rows per transaction
			args = args[:0]
			for range sqliteBatch {
				id, userID, title, done, at := largeRow(k, base)
				ts := at.Format(sqliteTime)
				args = append(args, uuid.UUID(id).String(), userID, title, done, ts, ts)
				k++
			}
			if _, err := tx.ExecContext(ctx, stmt, args...); err != nil {
				_ = tx.Rollback()
				return err
			}
		}
		if err := tx.Commit(); err != nil {
			return err
		}
	}
	return nil
}
