package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/uptrace/bun/migrate"

	"github.com/todoapi/todo/core/task"
	"github.com/todoapi/todo/migrations"
)

// migrationsFor returns the migrations of a dialect: the SQL files of
// package migrations, and beside them the ones written in Go because SQL
// cannot do them.
func migrationsFor(d Dialect) (*migrate.Migrations, error) {
	ms, err := migrations.For(string(d))
	if err != nil {
		return nil, err
	}
	sd := postgresSQL
	if d == SQLite {
		sd = sqliteSQL
	}
	ms.Add(migrate.Migration{
		Name: "20261203000002", Comment: "task_keys",
		Up: func(ctx context.Context, m *migrate.Migrator, _ *migrate.Migration) error {
			return fillKeys(ctx, m.DB().DB, sd)
		},
		// The columns go with 20261203000001_task_plan's down.
		Down: func(context.Context, *migrate.Migrator, *migrate.Migration) error { return nil },
	})
	return ms, nil
}

// keyBatch is how many rows fillKeys reads and writes per statement.
const keyBatch = 500

// fillKeys computes title_key and description_key, task.FoldCase of the
// title and the description, for the rows written before those columns
// were (20261203000001_task_plan added them empty; a title never folds to
// the empty string). Neither database's lower() is FoldCase, so it is
// done here, in one transaction, a batch of rows at a time in id order.
// Those rows have no tags, so no tag keys to fill.
func fillKeys(ctx context.Context, db *sql.DB, d sqlDialect) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer func() { _ = tx.Rollback() }()
	sel := d.fixed(func(p *params) string {
		return "SELECT id, title, description FROM tasks WHERE title_key = '' AND id > " + p.add(nil, "uuid") +
			" ORDER BY id LIMIT " + p.add(nil, "integer")
	})
	after := task.ID{}.String()
	for {
		p := &params{d: d}
		rows := make([]string, 0, keyBatch)
		n, last, err := readKeyBatch(ctx, tx, sel, after, func(id, title string, desc *string) {
			rows = append(rows, "("+p.add(id, "uuid")+", "+p.add(task.FoldCase(title), "text")+", "+
				p.add(foldOptional(desc), "text")+")")
		})
		if err != nil || n == 0 {
			if err == nil {
				err = tx.Commit()
			}
			return err
		}
		// VALUES columns are column1, column2... on both databases.
		update := "UPDATE tasks SET title_key = v.column2, description_key = v.column3 FROM (VALUES " +
			strings.Join(rows, ", ") + ") AS v WHERE tasks.id = v.column1"
		if _, err := tx.ExecContext(ctx, update, p.args...); err != nil {
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
