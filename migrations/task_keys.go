package migrations

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"

	"github.com/uptrace/bun/migrate"

	"github.com/todoapi/todo/core/task"
)

// taskKeys is 20261203000002_task_keys, on both dialects: it computes
// title_key and description_key, task.FoldCase of the title and the
// description, for the rows written before those columns were
// (20261203000001_task_plan adds them empty, and a title never folds to
// the empty string). Neither database's lower() is FoldCase (SQLite's folds
// ASCII only; the Kelvin sign must fold to "k"), so it is Go. Those rows
// have no tags, so no tag keys to fill. Its down does nothing: the columns
// go with 20261203000001_task_plan's.
func taskKeys(dialect string) migrate.Migration {
	return migrate.Migration{
		Name: "20261203000002", Comment: "task_keys",
		Up: func(ctx context.Context, m *migrate.Migrator, _ *migrate.Migration) error {
			return fillKeys(ctx, m.DB().DB, dialect == "postgres")
		},
		Down: func(context.Context, *migrate.Migrator, *migrate.Migration) error { return nil },
	}
}

// keyBatch is how many rows fillKeys reads and writes per statement.
const keyBatch = 500

// fillKeys fills in the keys in one transaction, reading the rows without
// them in id order and writing them back a batch at a time, one statement
// per batch rather than per row. casts types the parameters for
// PostgreSQL, so the statements run in every pgx statement mode.
func fillKeys(ctx context.Context, db *sql.DB, casts bool) error {
	ph := func(n int, typ string) string {
		if casts {
			return "$" + strconv.Itoa(n) + "::" + typ
		}
		return "$" + strconv.Itoa(n)
	}
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer func() { _ = tx.Rollback() }()
	sel := "SELECT id, title, description FROM tasks WHERE title_key = '' AND id > " + ph(1, "uuid") +
		" ORDER BY id LIMIT " + ph(2, "integer")
	after := task.ID{}.String()
	for {
		var values []string
		var args []any
		n, last, err := readKeyBatch(ctx, tx, sel, after, func(id, title string, desc *string) {
			args = append(args, id, task.FoldCase(title), foldOptional(desc))
			k := len(args)
			values = append(values, "("+ph(k-2, "uuid")+", "+ph(k-1, "text")+", "+ph(k, "text")+")")
		})
		if err != nil || n == 0 {
			if err == nil {
				err = tx.Commit()
			}
			return err
		}
		// VALUES names its columns column1, column2... on both databases.
		update := "UPDATE tasks SET title_key = v.column2, description_key = v.column3 FROM (VALUES " +
			strings.Join(values, ", ") + ") AS v WHERE tasks.id = v.column1"
		if _, err := tx.ExecContext(ctx, update, args...); err != nil {
			return fmt.Errorf("fill in the keys: %w", err)
		}
		after = last
	}
}

// readKeyBatch reads the next batch of rows without keys and calls each for
// every one; it returns how many there were and the last id.
func readKeyBatch(ctx context.Context, tx *sql.Tx, sel, after string, each func(id, title string, desc *string)) (int, string, error) {
	rows, err := tx.QueryContext(ctx, sel, after, keyBatch)
	if err != nil {
		return 0, "", fmt.Errorf("read tasks without keys: %w", err)
	}
	defer rows.Close()
	n, last := 0, after
	for rows.Next() {
		var title string
		var desc sql.NullString
		if err := rows.Scan(&last, &title, &desc); err != nil {
			return 0, "", err
		}
		var dp *string
		if desc.Valid {
			dp = &desc.String
		}
		each(last, title, dp)
		n++
	}
	return n, last, rows.Err()
}

func foldOptional(s *string) *string {
	if s == nil {
		return nil
	}
	k := task.FoldCase(*s)
	return &k
}
