package sqlstore

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/todoapi/todo/core/identity"
	"github.com/todoapi/todo/core/task"
)

// taskJSON is how the trash and the change feed keep a task: one JSON
// value rather than a column per field, since neither is ever filtered or
// sorted on a field of the task, and a new field of the task is then one
// member here, with no migration of the rows already kept (a member they
// lack reads as its zero value, the new field's default). Values are
// spelled as the API spells them, so an operator can read them in SQL
// (task->>'title'); times are RFC 3339 in UTC with the domain's
// precision.
type taskJSON struct {
	ID          string     `json:"id"`
	Owner       string     `json:"user_id"`
	Title       string     `json:"title"`
	Description *string    `json:"description"`
	Completed   bool       `json:"completed"`
	CreatedAt   time.Time  `json:"created_at"`
	UpdatedAt   time.Time  `json:"updated_at"`
	Version     int64      `json:"version"`
	Priority    string     `json:"priority"`
	Tags        []string   `json:"tags"`
	Due         string     `json:"due_date,omitempty"`
	RemindAt    *time.Time `json:"remind_at"`
	Recurrence  string     `json:"recurrence"`
	CompletedAt *time.Time `json:"completed_at"`
	Next        *string    `json:"next_occurrence_id"`
}

// encodeTask returns the JSON the store keeps of a task.
func encodeTask(t *task.Task) []byte {
	s := t.Snapshot()
	j := taskJSON{
		ID: s.ID.String(), Owner: string(s.Owner), Title: s.Title, Description: s.Description, Completed: s.Completed,
		CreatedAt: s.CreatedAt.UTC(), UpdatedAt: s.UpdatedAt.UTC(), Version: s.Version,
		Priority: s.Plan.Priority.String(), Tags: s.Plan.Tags, RemindAt: s.Plan.RemindAt,
		Recurrence: s.Plan.Recurrence.String(), CompletedAt: s.CompletedAt,
	}
	if j.Tags == nil {
		j.Tags = []string{}
	}
	if !s.Plan.Due.IsZero() {
		j.Due = s.Plan.Due.String()
	}
	if s.Next != nil {
		n := s.Next.String()
		j.Next = &n
	}
	b, err := json.Marshal(j)
	if err != nil {
		panic("sqlstore: a task does not encode: " + err.Error()) // strings, times and numbers always do
	}
	return b
}

// decodeTask rebuilds a task from the JSON encodeTask made.
func decodeTask(b []byte) (*task.Task, error) {
	var j taskJSON
	if err := json.Unmarshal(b, &j); err != nil {
		return nil, fmt.Errorf("sqlstore: bad task JSON in the database: %w", err)
	}
	id, err := task.ParseID(j.ID)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: bad task id %q in the database", j.ID)
	}
	pl := task.Plan{Tags: j.Tags, RemindAt: utcPtr(j.RemindAt)}
	if len(pl.Tags) == 0 {
		pl.Tags = nil
	}
	if pl.Priority, err = task.ParsePriority(j.Priority); err != nil {
		return nil, fmt.Errorf("sqlstore: bad priority %q in the database", j.Priority)
	}
	if pl.Recurrence, err = task.ParseRecurrence(j.Recurrence); err != nil {
		return nil, fmt.Errorf("sqlstore: bad recurrence %q in the database", j.Recurrence)
	}
	if j.Due != "" {
		if pl.Due, err = task.ParseDue(j.Due); err != nil {
			return nil, fmt.Errorf("sqlstore: bad due date %q in the database", j.Due)
		}
	}
	s := task.Snapshot{
		ID: id, Owner: identity.UserID(j.Owner), Title: j.Title, Description: j.Description, Completed: j.Completed,
		CreatedAt: j.CreatedAt, UpdatedAt: j.UpdatedAt, Version: j.Version, Plan: pl, CompletedAt: utcPtr(j.CompletedAt),
	}
	if j.Next != nil {
		next, err := task.ParseID(*j.Next)
		if err != nil {
			return nil, fmt.Errorf("sqlstore: bad next occurrence %q in the database", *j.Next)
		}
		s.Next = &next
	}
	return task.FromSnapshot(s), nil
}

func utcPtr(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	u := t.UTC()
	return &u
}
