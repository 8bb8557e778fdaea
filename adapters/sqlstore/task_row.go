package sqlstore

import (
	"fmt"
	"time"

	"github.com/uptrace/bun"

	"github.com/todoapi/todo/core/identity"
	"github.com/todoapi/todo/core/task"
)

// taskRow is a row of the tasks table as Bun scans it, the same for both
// dialects: rowID and timestamp read what each driver hands over (text from
// SQLite; time.Time and text or bytes from PostgreSQL). Writes bind a
// task.Snapshot's fields as parameters (see statements.go).
type taskRow struct {
	bun.BaseModel `bun:"table:tasks,alias:tasks"`

	ID          rowID     `bun:"id,pk"`
	UserID      string    `bun:"user_id,notnull"`
	Title       string    `bun:"title,notnull"`
	Description *string   `bun:"description"`
	Completed   bool      `bun:"completed,notnull"`
	CreatedAt   timestamp `bun:"created_at,notnull"`
	UpdatedAt   timestamp `bun:"updated_at,notnull"`
}

func (r *taskRow) task() *task.Task {
	return task.FromSnapshot(task.Snapshot{
		ID: task.ID(r.ID), Owner: identity.UserID(r.UserID), Title: r.Title, Description: r.Description,
		Completed: r.Completed, CreatedAt: time.Time(r.CreatedAt), UpdatedAt: time.Time(r.UpdatedAt),
	})
}

// sameSnapshot reports whether two snapshots hold the same values.
func sameSnapshot(a, b task.Snapshot) bool {
	if (a.Description == nil) != (b.Description == nil) ||
		(a.Description != nil && *a.Description != *b.Description) {
		return false
	}
	return a.ID == b.ID && a.Owner == b.Owner && a.Title == b.Title && a.Completed == b.Completed &&
		a.CreatedAt.Equal(b.CreatedAt) && a.UpdatedAt.Equal(b.UpdatedAt)
}

// rowID is a task id: a uuid in PostgreSQL, and in SQLite canonical
// lower-case UUID text, whose byte order is the ids' byte order, so ORDER BY
// id agrees with task.ID on both.
type rowID task.ID

func (id *rowID) Scan(src any) error {
	var s string
	switch v := src.(type) {
	case string:
		s = v
	case []byte:
		if len(v) == len(id) { // a driver handing over the 16 raw bytes
			copy(id[:], v)
			return nil
		}
		s = string(v)
	default:
		return fmt.Errorf("sqlstore: cannot scan %T into a task id", src)
	}
	parsed, err := task.ParseID(s)
	if err != nil {
		return fmt.Errorf("sqlstore: bad task id %q in the database", s)
	}
	*id = rowID(parsed)
	return nil
}

// timestampLayout is how SQLite keeps times: fixed-width RFC 3339 in UTC
// with microseconds (the domain's precision), text that sorts
// chronologically.
const timestampLayout = "2006-01-02T15:04:05.000000Z"

// timestamp is a time as read back from either dialect, in UTC.
type timestamp time.Time

// pgTextLayout is how PostgreSQL prints a timestamptz when a driver hands
// over text instead of a time.Time.
const pgTextLayout = "2006-01-02 15:04:05.999999-07"

func (t *timestamp) Scan(src any) error {
	var s string
	switch v := src.(type) {
	case time.Time:
		*t = timestamp(v.UTC())
		return nil
	case string:
		s = v
	case []byte:
		s = string(v)
	default:
		return fmt.Errorf("sqlstore: cannot scan %T into a timestamp", src)
	}
	for _, layout := range []string{timestampLayout, time.RFC3339Nano, pgTextLayout} {
		if v, err := time.Parse(layout, s); err == nil {
			*t = timestamp(v.UTC())
			return nil
		}
	}
	return fmt.Errorf("sqlstore: bad timestamp %q in the database", s)
}
