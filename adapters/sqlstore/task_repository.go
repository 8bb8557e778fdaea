package sqlstore

import (
	"context"
	"errors"
	"fmt"
	"slices"
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

// TaskRepository is a ports.TaskRepository in a SQL database. Every
// statement names the owner, so no query can reach another user's task.
// The SQL is shared (query.go); how a statement runs and how a
// transaction is held is each database's own (an engine: postgres.go,
// sqlite.go).
type TaskRepository struct {
	db   *DB
	sql  statements
	feed feedStatements
}

// engine is what differs between the databases in running statements.
// Both methods act for one owner: that is where a transaction can tell the
// database who is acting.
type engine interface {
	// read runs one read statement on its own and calls each for every row.
	read(ctx context.Context, owner identity.UserID, st string, args []any, each func(row) error) error
	// atomic runs fn in one transaction.
	atomic(ctx context.Context, owner identity.UserID, fn func(txEngine) error) error
	// timeArg turns a time into the parameter the database stores.
	timeArg(t time.Time) any
}

// txEngine runs statements inside one transaction.
type txEngine interface {
	// read runs a read statement, after every write queued before it.
	read(ctx context.Context, st string, args []any, each func(row) error) error
	// exec runs a write, now or at the latest with the commit; check is
	// given the rows it changed and returns the error that makes the
	// transaction fail. Its own errors come from exec or from the commit.
	exec(ctx context.Context, st string, args []any, check func(n int64) error) error
}

// row is the current row of a result, scanned the database's way.
type row interface {
	// scan reads the row's columns into dest, as database/sql's Scan does.
	scan(dest ...any) error
	task() (*task.Task, error)
	// listed scans a row of a list (see withHead): the owner's feed head,
	// then for a counted page (see listQuery) the count, then the task,
	// which is nil in the one row of an empty page.
	listed(counted bool) (head task.FeedPosition, t *task.Task, total int, err error)
}

// NewTaskRepository returns a repository over an open, migrated database.
func NewTaskRepository(db *DB) *TaskRepository {
	d := db.sqlDialect()
	return &TaskRepository{db: db, sql: d.statements(), feed: d.feedStatements()}
}

// Ping implements ports.Pinger for /readyz. A ping under way outlives its
// caller (see outlive): the route is public, and a prober hanging up must
// not cost a connection.
func (r *TaskRepository) Ping(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return dbError(err)
	}
	ctx, stop := outlive(ctx)
	defer stop()
	return r.db.Ping(ctx)
}

// Get implements ports.TaskRepository.
func (r *TaskRepository) Get(ctx context.Context, owner identity.UserID, id task.ID) (*task.Task, error) {
	var found *task.Task
	err := r.db.engine.read(ctx, owner, r.sql.get, []any{id.String(), string(owner)}, func(rw row) error {
		var err error
		found, err = rw.task()
		return err
	})
	if err != nil {
		return nil, dbError(err)
	}
	if found == nil {
		return nil, task.ErrNotFound()
	}
	return found, nil
}

// List implements ports.TaskRepository. The whole list (v1's, the hottest
// read) runs as a constant statement; any other is composed by listQuery.
// Either comes with the owner's feed head (withHead).
func (r *TaskRepository) List(ctx context.Context, owner identity.UserID, q task.Query) (task.Page, error) {
	st, args := r.listStatement(owner, q)
	counted := q.Count && paged(q) // else every match is on the page
	list := make([]*task.Task, 0, 16)
	total := 0
	var head task.FeedPosition
	err := r.db.engine.read(ctx, owner, st, args, func(rw row) error {
		var t *task.Task
		var err error
		head, t, total, err = rw.listed(counted)
		if t != nil {
			list = append(list, t)
		}
		return err
	})
	if err != nil {
		return task.Page{}, dbError(err)
	}
	inOrder(q, list)
	page := task.Page{Tasks: list, Head: head}
	if q.Count {
		page.Total = len(list)
		if counted {
			page.Total = total
		}
	}
	if q.Limit > 0 && len(list) > q.Limit {
		page.Tasks = list[:q.Limit]
		next := task.PositionOf(page.Tasks[q.Limit-1], q.Sort)
		page.Next = &next
	}
	return page, nil
}

// listStatement returns the statement of a list and its parameters.
func (r *TaskRepository) listStatement(owner identity.UserID, q task.Query) (string, []any) {
	st, args := r.sql.listAll, []any{string(owner)}
	if !wholeList(q) {
		st, args = r.db.sqlDialect().listQuery(r.db.read, owner, q, r.db.engine.timeArg)
	}
	return r.db.sqlDialect().withHead(st, args, owner)
}

// inOrder sorts a list's tasks into q's order when the database handed
// them over otherwise. Neither SQL nor a join promises the order of a
// subquery's rows (SQLite drops the ORDER BY of one without a LIMIT), but
// both hand them over in it, so this only checks, and reads the keys of a
// title sort once.
func inOrder(q task.Query, list []*task.Task) {
	if len(list) < 2 {
		return
	}
	pos := make([]task.Position, len(list))
	for i, t := range list {
		pos[i] = task.PositionOf(t, q.Sort)
	}
	sorted := true
	for i := 1; i < len(pos) && sorted; i++ {
		sorted = q.Compare(pos[i-1], pos[i]) < 0
	}
	if sorted {
		return
	}
	idx := make([]int, len(list))
	for i := range idx {
		idx[i] = i
	}
	slices.SortFunc(idx, func(a, b int) int { return q.Compare(pos[a], pos[b]) })
	tasks := slices.Clone(list)
	for i, j := range idx {
		list[i] = tasks[j]
	}
}

// Atomic implements ports.TaskRepository.
func (r *TaskRepository) Atomic(ctx context.Context, owner identity.UserID, fn func(ports.TaskTx) error) error {
	var fnErr error
	err := r.db.engine.atomic(ctx, owner, func(e txEngine) error {
		fnErr = fn(&tx{r: r, e: e, owner: owner, read: make(map[task.ID]int64, 1)})
		return fnErr
	})
	if err != nil && errors.Is(err, fnErr) {
		return err // fn's own error, as it returned it
	}
	return dbError(err)
}

// tx is a ports.TaskTx over one engine transaction.
type tx struct {
	r     *TaskRepository
	e     txEngine
	owner identity.UserID
	read  map[task.ID]int64 // the version Get read, for Save to compare
}

func (t *tx) Get(ctx context.Context, id task.ID) (*task.Task, error) {
	var found *task.Task
	err := t.e.read(ctx, t.r.sql.getForUpdate, []any{id.String(), string(t.owner)}, func(rw row) error {
		var err error
		found, err = rw.task()
		return err
	})
	if err != nil {
		return nil, dbError(err)
	}
	if found == nil {
		return nil, task.ErrNotFound()
	}
	t.read[id] = found.Version()
	return found, nil
}

func (t *tx) Create(ctx context.Context, tk *task.Task, limit int) error {
	if err := t.countUp(ctx, limit); err != nil {
		return err
	}
	s := tk.Snapshot()
	args := append([]any{s.ID.String(), string(s.Owner), t.r.db.engine.timeArg(s.CreatedAt)}, t.r.stateArgs(s)...)
	return t.e.exec(ctx, t.r.sql.insert, args, wantRows(1))
}

// taskCount: each owner's tasks, the trash not counted, are counted in a
// row of task_counts that every write adding or removing a task moves in
// its own transaction, so a create does not count the owner's tasks
// (thousands of them, at the limit). The check of the limit is the same
// statement as the count (countUp): on PostgreSQL it takes the row's lock
// until the commit, so that racing creates of one owner count one after
// the other, each from the count the one before committed, and stop
// exactly at the limit; SQLite runs one writer at a time. The statement
// fails rather than changing no row, because on PostgreSQL a create's
// statements go in one batch that commits unless a statement fails (see
// pgEngine.atomic). The count is taken before the change is recorded, as
// every write does, so locks are always taken in one order: the count,
// then the feed's head.

// countUp counts one more task of the owner, refused with ELIMIT when it
// keeps limit or more (limit above 0).
func (t *tx) countUp(ctx context.Context, limit int) error {
	return t.e.exec(ctx, t.r.sql.countUp, []any{string(t.owner), int64(max(limit, 0))}, nil)
}

// countDown counts one task fewer; never below 0, so a count that missed
// tasks (made by an earlier version of the server) cannot fail a delete.
func (t *tx) countDown(ctx context.Context) error {
	return t.e.exec(ctx, t.r.sql.countDown, []any{string(t.owner)}, nil)
}

func (t *tx) Save(ctx context.Context, tk *task.Task) error {
	s := tk.Snapshot()
	read, ok := t.read[s.ID]
	if !ok {
		return apperr.Errorf(apperr.ECONFLICT, "The task was changed by another request; try again.")
	}
	t.read[s.ID] = s.Version
	args := append(t.r.stateArgs(s), s.ID.String(), string(t.owner), read)
	return t.e.exec(ctx, t.r.sql.update, args, wantRows(1))
}

func (t *tx) Delete(ctx context.Context, id task.ID) error {
	delete(t.read, id)
	err := t.e.exec(ctx, t.r.sql.delete, []any{id.String(), string(t.owner)}, func(n int64) error {
		if n == 0 {
			return task.ErrNotFound()
		}
		return nil
	})
	if err != nil {
		return err
	}
	return t.countDown(ctx)
}

// wantRows is the check of a write that must change exactly n rows. Get
// locks what a transaction changes, so a miss means the row is not what
// the transaction read.
func wantRows(n int64) func(int64) error {
	return func(got int64) error {
		if got != n {
			return apperr.Wrap(apperr.ECONFLICT, fmt.Errorf("sqlstore: a write changed %d rows, want %d", got, n),
				"The task was changed by another request; try again.")
		}
		return nil
	}
}

// stateArgs returns the parameters of stateColumns for a task: what a
// change can change, then the keys lists filter and sort on.
func (r *TaskRepository) stateArgs(s task.Snapshot) []any {
	d, ta := r.db.sqlDialect(), r.db.engine.timeArg
	pl := s.Plan
	var due any
	if !pl.Due.IsZero() {
		due = ta(pl.Due.Instant())
	}
	tagKeys := make([]string, len(pl.Tags))
	for i, tag := range pl.Tags {
		tagKeys[i] = task.FoldCase(tag)
	}
	var next any
	if s.Next != nil {
		next = s.Next.String()
	}
	return []any{s.Title, s.Description, s.Completed, ta(s.UpdatedAt), s.Version, pl.Priority.Rank(), d.arrayArg(pl.Tags),
		due, pl.Due.IsDate(), optionalTime(pl.RemindAt, ta), pl.Recurrence.String(), optionalTime(s.CompletedAt, ta), next,
		task.FoldCase(s.Title), foldOptional(s.Description), d.arrayArg(tagKeys)}
}

func optionalTime(t *time.Time, timeArg func(time.Time) any) any {
	if t == nil {
		return nil
	}
	return timeArg(*t)
}

// foldOptional returns task.FoldCase of a text that may be absent.
func foldOptional(s *string) *string {
	if s == nil {
		return nil
	}
	k := task.FoldCase(*s)
	return &k
}
