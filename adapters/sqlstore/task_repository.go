package sqlstore

import (
	"context"

	"github.com/todoapi/todo/core/apperr"
	"github.com/todoapi/todo/core/identity"
	"github.com/todoapi/todo/core/task"
	"github.com/todoapi/todo/ports"
)

var (
	_ ports.TaskRepository = (*TaskRepository)(nil)
	_ ports.Pinger         = (*TaskRepository)(nil)
)

// maxUpdateAttempts bounds Update's retries when other writers keep
// changing the same task; each lost race means someone else's write landed,
// so it takes that many writers to the one task at once to run out.
const maxUpdateAttempts = 100

// TaskRepository is a ports.TaskRepository in a SQL database. Every
// statement names the owner, so no query can reach another user's task.
type TaskRepository struct {
	db  *DB
	sql statements
}

// NewTaskRepository returns a repository over an open, migrated database.
func NewTaskRepository(db *DB) *TaskRepository {
	return &TaskRepository{db: db, sql: statementsFor(db.dialect)}
}

// Ping implements ports.Pinger.
func (r *TaskRepository) Ping(ctx context.Context) error { return r.db.Ping(ctx) }

// Create implements ports.TaskRepository.
func (r *TaskRepository) Create(ctx context.Context, t *task.Task) error {
	s := t.Snapshot()
	n, err := r.exec(ctx, r.sql.insert, s.ID.String(), string(s.Owner), s.Title, s.Description,
		s.Completed, r.sql.timeArg(s.CreatedAt), r.sql.timeArg(s.UpdatedAt))
	if err != nil {
		return err
	}
	if n == 0 {
		return apperr.Errorf(apperr.ECONFLICT, "A task with this id already exists.")
	}
	return nil
}

// Get implements ports.TaskRepository.
func (r *TaskRepository) Get(ctx context.Context, owner identity.UserID, id task.ID) (*task.Task, error) {
	row, err := r.get(ctx, owner, id)
	if err != nil {
		return nil, err
	}
	return row.task(), nil
}

func (r *TaskRepository) get(ctx context.Context, owner identity.UserID, id task.ID) (*taskRow, error) {
	rows, err := r.db.read.DB.QueryContext(ctx, r.sql.get, id.String(), string(owner))
	if err != nil {
		return nil, dbError(err)
	}
	defer rows.Close()
	if !rows.Next() {
		if err := rows.Err(); err != nil {
			return nil, dbError(err)
		}
		return nil, task.ErrNotFound()
	}
	var row taskRow
	if err := r.db.read.ScanRow(ctx, rows, &row); err != nil {
		return nil, dbError(err)
	}
	return &row, nil
}

// List implements ports.TaskRepository.
func (r *TaskRepository) List(ctx context.Context, owner identity.UserID) ([]*task.Task, error) {
	rows, err := r.db.read.DB.QueryContext(ctx, r.sql.list, string(owner))
	if err != nil {
		return nil, dbError(err)
	}
	var found []taskRow
	if err := r.db.read.ScanRows(ctx, rows, &found); err != nil { // closes rows
		return nil, dbError(err)
	}
	list := make([]*task.Task, len(found))
	for i := range found {
		list[i] = found[i].task()
	}
	return list, nil
}

// Update implements ports.TaskRepository with optimistic concurrency: read
// the row, run fn, then write only if the row is still exactly what was read
// (a compare-and-swap on every column fn can change); if another write got
// in between, read again and retry. fn may therefore run more than once,
// each time on a fresh copy. Against a transaction holding SELECT … FOR
// UPDATE this takes two statements instead of four round trips (BEGIN,
// SELECT, UPDATE, COMMIT), holds no lock while fn runs, and leaves each
// statement its own transaction, which is what a transaction-mode pooler
// serves best. Comparing every column rather than updated_at alone keeps
// it correct even for a change that would not move updated_at.
func (r *TaskRepository) Update(ctx context.Context, owner identity.UserID, id task.ID, fn func(*task.Task) error) (*task.Task, error) {
	for range maxUpdateAttempts {
		row, err := r.get(ctx, owner, id)
		if err != nil {
			return nil, err
		}
		t := row.task()
		before := t.Snapshot()
		if err := fn(t); err != nil {
			return nil, err
		}
		after := t.Snapshot()
		if sameSnapshot(before, after) {
			return t, nil // nothing changed: the read is the answer
		}
		n, err := r.exec(ctx, r.sql.swap, id.String(), string(owner),
			after.Title, after.Description, after.Completed, r.sql.timeArg(after.UpdatedAt),
			before.Title, before.Description, before.Completed, r.sql.timeArg(before.UpdatedAt))
		if err != nil {
			return nil, err
		}
		if n == 1 {
			return t, nil
		}
		// Someone else's write landed first (or the task was deleted: the
		// next read says ENOTFOUND).
		if err := ctx.Err(); err != nil {
			return nil, dbError(err)
		}
	}
	return nil, apperr.Errorf(apperr.ECONFLICT, "The task is being changed by other requests; try again.")
}

// Delete implements ports.TaskRepository.
func (r *TaskRepository) Delete(ctx context.Context, owner identity.UserID, id task.ID) error {
	n, err := r.exec(ctx, r.sql.delete, id.String(), string(owner))
	if err != nil {
		return err
	}
	if n == 0 {
		return task.ErrNotFound()
	}
	return nil
}

// exec runs a writing statement and returns the number of rows it changed.
func (r *TaskRepository) exec(ctx context.Context, query string, args ...any) (int64, error) {
	res, err := r.db.write.DB.ExecContext(ctx, query, args...)
	if err != nil {
		return 0, dbError(err)
	}
	n, err := res.RowsAffected()
	return n, dbError(err)
}
