package sqlstore

import (
	"context"
	"time"

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
	db      *DB
	timeArg func(time.Time) any
	// Reads go to the read pool, writes to the write pool (the same pool on
	// PostgreSQL; SQLite's one writer connection beside its readers).
	get, list, insert, swap, delete *stmt
}

// NewTaskRepository returns a repository over an open, migrated database.
func NewTaskRepository(db *DB) *TaskRepository {
	sql := statementsFor(db.dialect)
	prepare := db.dialect == SQLite // see stmt
	read, write := db.read.DB, db.write.DB
	return &TaskRepository{
		db:      db,
		timeArg: sql.timeArg,
		get:     newStmt(read, sql.get, prepare),
		list:    newStmt(read, sql.list, prepare),
		insert:  newStmt(write, sql.insert, prepare),
		swap:    newStmt(write, sql.swap, prepare),
		delete:  newStmt(write, sql.delete, prepare),
	}
}

// Ping implements ports.Pinger.
func (r *TaskRepository) Ping(ctx context.Context) error { return r.db.Ping(ctx) }

// Create implements ports.TaskRepository.
func (r *TaskRepository) Create(ctx context.Context, t *task.Task) error {
	s := t.Snapshot()
	n, err := exec(ctx, r.insert, s.ID.String(), string(s.Owner), s.Title, s.Description,
		s.Completed, r.timeArg(s.CreatedAt), r.timeArg(s.UpdatedAt))
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
	return r.read(ctx, owner, id)
}

func (r *TaskRepository) read(ctx context.Context, owner identity.UserID, id task.ID) (*task.Task, error) {
	if r.db.dialect == Postgres {
		return r.pgGet(ctx, owner, id)
	}
	rows, err := r.get.query(ctx, id.String(), string(owner))
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
	if err := row.scan(rows); err != nil {
		return nil, dbError(err)
	}
	if err := rows.Close(); err != nil {
		return nil, dbError(err)
	}
	return row.task(), nil
}

// List implements ports.TaskRepository.
func (r *TaskRepository) List(ctx context.Context, owner identity.UserID) ([]*task.Task, error) {
	if r.db.dialect == Postgres {
		return r.pgList(ctx, owner)
	}
	rows, err := r.list.query(ctx, string(owner))
	if err != nil {
		return nil, dbError(err)
	}
	defer rows.Close()
	list := make([]*task.Task, 0, 16)
	var row taskRow
	for rows.Next() {
		if err := row.scan(rows); err != nil {
			return nil, dbError(err)
		}
		list = append(list, row.task())
	}
	if err := rows.Err(); err != nil {
		return nil, dbError(err)
	}
	if err := rows.Close(); err != nil {
		return nil, dbError(err)
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
		t, err := r.read(ctx, owner, id)
		if err != nil {
			return nil, err
		}
		before := t.Snapshot()
		if err := fn(t); err != nil {
			return nil, err
		}
		after := t.Snapshot()
		if sameSnapshot(before, after) {
			return t, nil // nothing changed: the read is the answer
		}
		n, err := exec(ctx, r.swap, id.String(), string(owner),
			after.Title, after.Description, after.Completed, r.timeArg(after.UpdatedAt),
			before.Title, before.Description, before.Completed, r.timeArg(before.UpdatedAt))
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
	n, err := exec(ctx, r.delete, id.String(), string(owner))
	if err != nil {
		return err
	}
	if n == 0 {
		return task.ErrNotFound()
	}
	return nil
}

// exec runs a writing statement and returns the number of rows it changed.
func exec(ctx context.Context, s *stmt, args ...any) (int64, error) {
	res, err := s.exec(ctx, args...)
	if err != nil {
		return 0, dbError(err)
	}
	n, err := res.RowsAffected()
	return n, dbError(err)
}
