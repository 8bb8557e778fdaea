// Package task holds the Task entity and its rules. It imports only the
// standard library and the domain's own error and identity packages.
package task

import (
	"strings"
	"time"
	"unicode/utf8"

	"github.com/todoapi/todo/core/apperr"
	"github.com/todoapi/todo/core/identity"
)

// Limits on a task's text, in Unicode code points. The HTTP adapter's
// messages and schemas and the databases' CHECK constraints say the same;
// tests hold them to these.
const (
	MaxTitleLength       = 200
	MaxDescriptionLength = 1000
)

// Messages of the rules that are about a field's presence or JSON type;
// the text rules' are in text.go.
const (
	MsgRequired = "is required"
	MsgNull     = "must not be null"
	MsgBoolean  = "must be true or false"
	MsgEmpty    = msgEmpty
)

// The messages of the length limits, for adapters and tests to compare with.
var (
	MsgTitleTooLong   = atMost(MaxTitleLength)
	MsgDescriptionLen = atMost(MaxDescriptionLength)
)

// Precision is the resolution every timestamp is kept at, so a task reads
// back from any store exactly as it was written.
const Precision = time.Microsecond

// Task is one to-do item of one owner. Its fields are private so that every
// change goes through a method that keeps the rules.
type Task struct {
	id          ID
	owner       identity.UserID
	title       string
	description *string
	completed   bool
	createdAt   time.Time
	updatedAt   time.Time
	version     int64
}

// Draft is what a caller gives to create a task.
type Draft struct {
	Title       string
	Description *string
	Completed   bool
}

// Patch returns the draft as the fields of a create request, each present.
func (d Draft) Patch() Patch {
	p := Patch{Title: Set(d.Title), Completed: Set(d.Completed)}
	if d.Description != nil {
		p.Description = Set(*d.Description)
	}
	return p
}

// New makes a task from a draft. It trims the title and returns EINVALID,
// naming each broken field, when the draft breaks a rule.
func New(id ID, owner identity.UserID, d Draft, now time.Time) (*Task, error) {
	return NewFromPatch(id, owner, d.Patch(), now)
}

// NewFromPatch makes a task from the fields a create request gave: the
// title is required (absent or null is EINVALID "is required"); a null or
// absent description or completed takes its default. EINVALID names every
// broken field at once.
func NewFromPatch(id ID, owner identity.UserID, in Patch, now time.Time) (*Task, error) {
	var title string
	var fields []apperr.FieldError
	if !in.Title.Present || in.Title.Null {
		fields = append(fields, apperr.FieldError{Field: "title", Message: MsgRequired})
	} else {
		title, fields = checkTitle(in.Title.Value, fields)
	}
	var desc *string
	if in.Description.Present && !in.Description.Null {
		desc = cloneString(&in.Description.Value)
		fields = checkDescription(desc, fields)
	}
	if owner == "" {
		fields = append(fields, apperr.FieldError{Field: "user_id", Message: "must not be empty"})
	}
	if len(fields) > 0 {
		return nil, apperr.Invalid(fields...)
	}
	now = now.UTC().Truncate(Precision)
	return &Task{
		id: id, owner: owner, title: title, description: desc,
		completed: in.Completed.Value, createdAt: now, updatedAt: now, version: 1,
	}, nil
}

// Snapshot is a task's state as a store keeps it.
type Snapshot struct {
	ID          ID
	Owner       identity.UserID
	Title       string
	Description *string
	Completed   bool
	CreatedAt   time.Time
	UpdatedAt   time.Time
	Version     int64
}

// FromSnapshot rebuilds a task that a store read back. It trusts the store,
// which only ever held tasks that passed the rules.
func FromSnapshot(s Snapshot) *Task {
	return &Task{
		id: s.ID, owner: s.Owner, title: s.Title, description: cloneString(s.Description),
		completed: s.Completed, createdAt: s.CreatedAt.UTC(), updatedAt: s.UpdatedAt.UTC(),
		version: s.Version,
	}
}

// Snapshot returns a copy of the task's state for a store or a response.
func (t *Task) Snapshot() Snapshot {
	return Snapshot{
		ID: t.id, Owner: t.owner, Title: t.title, Description: cloneString(t.description),
		Completed: t.completed, CreatedAt: t.createdAt, UpdatedAt: t.updatedAt,
		Version: t.version,
	}
}

// ID returns the task's id.
func (t *Task) ID() ID { return t.id }

// Owner returns the id of the user the task belongs to.
func (t *Task) Owner() identity.UserID { return t.owner }

// Title returns the trimmed title.
func (t *Task) Title() string { return t.title }

// Description returns the description, nil when there is none.
func (t *Task) Description() *string { return cloneString(t.description) }

// Completed reports whether the task is done.
func (t *Task) Completed() bool { return t.completed }

// CreatedAt returns when the task was created, in UTC.
func (t *Task) CreatedAt() time.Time { return t.createdAt }

// UpdatedAt returns when the task last changed, in UTC.
func (t *Task) UpdatedAt() time.Time { return t.updatedAt }

// Version counts the task's stored states: 1 when created, one more with
// every change. A change that leaves every value as it was is no change and
// keeps the version, so a client holding it still holds the current state.
func (t *Task) Version() int64 { return t.version }

// Apply changes the fields present in p. Nothing changes unless every field is
// valid: EINVALID names each broken one. UpdatedAt moves when a value changed.
func (t *Task) Apply(p Patch, now time.Time) error {
	var title string
	var fields []apperr.FieldError
	if p.Title.Present {
		if p.Title.Null {
			fields = append(fields, apperr.FieldError{Field: "title", Message: MsgNull})
		} else {
			title, fields = checkTitle(p.Title.Value, fields)
		}
	}
	if p.Description.Present && !p.Description.Null {
		fields = checkDescription(&p.Description.Value, fields)
	}
	if p.Completed.Present && p.Completed.Null {
		fields = append(fields, apperr.FieldError{Field: "completed", Message: MsgBoolean})
	}
	if len(fields) > 0 {
		return apperr.Invalid(fields...)
	}

	changed := false
	if p.Title.Present && title != t.title {
		t.title, changed = title, true
	}
	if p.Description.Present {
		var d *string
		if !p.Description.Null {
			d = cloneString(&p.Description.Value)
		}
		if !equalStrings(d, t.description) {
			t.description, changed = d, true
		}
	}
	if p.Completed.Present && p.Completed.Value != t.completed {
		t.completed, changed = p.Completed.Value, true
	}
	if changed {
		t.touch(now)
	}
	return nil
}

// Toggle flips Completed.
func (t *Task) Toggle(now time.Time) {
	t.completed = !t.completed
	t.touch(now)
}

// SetCompleted sets Completed; UpdatedAt moves only when it changed.
func (t *Task) SetCompleted(done bool, now time.Time) {
	if t.completed != done {
		t.completed = done
		t.touch(now)
	}
}

// touch records a change: the version moves on by one and UpdatedAt moves
// forward. Two changes within one tick of Precision still give strictly
// increasing values, so a client can order its writes.
func (t *Task) touch(now time.Time) {
	t.version++
	now = now.UTC().Truncate(Precision)
	if !now.After(t.updatedAt) {
		now = t.updatedAt.Add(Precision)
	}
	t.updatedAt = now
}

// checkTitle trims the title and checks it: not empty, the text rules, at
// most MaxTitleLength code points. It reports one problem at most.
func checkTitle(raw string, fields []apperr.FieldError) (string, []apperr.FieldError) {
	title := strings.TrimSpace(raw)
	problem := textProblem(title, false)
	switch n := utf8.RuneCountInString(title); {
	case n == 0:
		problem = msgEmpty
	case problem == "" && n > MaxTitleLength:
		problem = atMost(MaxTitleLength)
	}
	if problem != "" {
		fields = append(fields, apperr.FieldError{Field: "title", Message: problem})
	}
	return title, fields
}

// checkDescription checks a description, which is kept as given, untrimmed:
// the text rules, where tab, line feed and carriage return are allowed, and
// at most MaxDescriptionLength code points.
func checkDescription(d *string, fields []apperr.FieldError) []apperr.FieldError {
	if d == nil {
		return fields
	}
	problem := textProblem(*d, true)
	if problem == "" && utf8.RuneCountInString(*d) > MaxDescriptionLength {
		problem = atMost(MaxDescriptionLength)
	}
	if problem != "" {
		fields = append(fields, apperr.FieldError{Field: "description", Message: problem})
	}
	return fields
}

func cloneString(s *string) *string {
	if s == nil {
		return nil
	}
	c := *s
	return &c
}

func equalStrings(a, b *string) bool {
	if a == nil || b == nil {
		return a == b
	}
	return *a == *b
}
