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
	plan        Plan
	completedAt *time.Time
	next        *ID  // the occurrence completing this one made
	armed       bool // the reminder will fire once remind_at has passed (see reminder.go)
}

// Draft is what a caller gives to create a task.
type Draft struct {
	Title       string
	Description *string
	Completed   bool
	Plan        Plan
}

// Patch returns the draft as the fields of a create request, each present.
func (d Draft) Patch() Patch {
	p := Patch{Title: Set(d.Title), Completed: Set(d.Completed),
		Priority: Set(d.Plan.Priority.String()), Tags: Set(d.Plan.Tags),
		Recurrence: Set(d.Plan.Recurrence.String())}
	if d.Description != nil {
		p.Description = Set(*d.Description)
	}
	if !d.Plan.Due.IsZero() {
		p.Due = Set(d.Plan.Due.String())
	}
	if d.Plan.RemindAt != nil {
		p.RemindAt = Set(d.Plan.RemindAt.UTC().Format(dateTimeLayout))
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
	change, fields := parsePlan(in, fields)
	if owner == "" {
		fields = append(fields, apperr.FieldError{Field: "user_id", Message: "must not be empty"})
	}
	if len(fields) > 0 {
		return nil, apperr.Invalid(fields...)
	}
	now = now.UTC().Truncate(Precision)
	t := &Task{
		id: id, owner: owner, title: title, description: desc,
		completed: in.Completed.Value, createdAt: now, updatedAt: now, version: 1,
	}
	change.apply(&t.plan)
	if t.completed {
		t.completedAt = &now
	}
	t.armed = !t.completed && t.plan.RemindAt != nil
	return t, nil
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
	Plan        Plan
	CompletedAt *time.Time
	Next        *ID // NextOccurrenceID
	// ReminderArmed: the reminder fires once RemindAt has passed (see
	// Task.ReminderArmed). A store keeps it beside the task's fields; it
	// is never set without a RemindAt, nor on a completed task.
	ReminderArmed bool
}

// FromSnapshot rebuilds a task that a store read back. It trusts the store,
// which only ever held tasks that passed the rules.
func FromSnapshot(s Snapshot) *Task {
	return &Task{
		id: s.ID, owner: s.Owner, title: s.Title, description: cloneString(s.Description),
		completed: s.Completed, createdAt: s.CreatedAt.UTC(), updatedAt: s.UpdatedAt.UTC(),
		version: s.Version, plan: s.Plan.clone(), completedAt: utcTime(s.CompletedAt), next: cloneID(s.Next),
		armed: s.ReminderArmed && !s.Completed && s.Plan.RemindAt != nil,
	}
}

// Snapshot returns a copy of the task's state for a store or a response.
func (t *Task) Snapshot() Snapshot {
	return Snapshot{
		ID: t.id, Owner: t.owner, Title: t.title, Description: cloneString(t.description),
		Completed: t.completed, CreatedAt: t.createdAt, UpdatedAt: t.updatedAt,
		Version: t.version, Plan: t.plan.clone(), CompletedAt: cloneTime(t.completedAt), Next: cloneID(t.next),
		ReminderArmed: t.armed,
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

// Plan returns the task's priority, tags, due date, reminder and recurrence.
func (t *Task) Plan() Plan { return t.plan.clone() }

// CompletedAt returns when the task became completed, nil while it is not.
func (t *Task) CompletedAt() *time.Time { return cloneTime(t.completedAt) }

// NextOccurrence returns the id of the occurrence that completing this
// recurring task made, nil when there is none.
func (t *Task) NextOccurrence() *ID { return cloneID(t.next) }

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
	plan, fields := parsePlan(p, fields)
	if len(fields) > 0 {
		return apperr.Invalid(fields...)
	}

	rearm := plan.remindAt && !equalTimes(t.plan.RemindAt, plan.plan.RemindAt)
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
	if plan.apply(&t.plan) {
		changed = true
	}
	if p.Completed.Present && p.Completed.Value != t.completed {
		t.setCompleted(p.Completed.Value, now)
		changed = true
	}
	if rearm {
		t.armReminder()
	}
	if changed {
		t.touch(now)
	}
	return nil
}

// Toggle flips Completed.
func (t *Task) Toggle(now time.Time) {
	t.setCompleted(!t.completed, now)
	t.touch(now)
}

// SetCompleted sets Completed; UpdatedAt moves only when it changed.
func (t *Task) SetCompleted(done bool, now time.Time) {
	if t.completed != done {
		t.setCompleted(done, now)
		t.touch(now)
	}
}

// setCompleted sets the flag and when it became set. Completing cancels
// the reminder; un-completing arms it again only if it is still ahead
// (see rearmIfAhead).
func (t *Task) setCompleted(done bool, now time.Time) {
	t.completed = done
	t.completedAt = nil
	t.armed = false
	if done {
		at := now.UTC().Truncate(Precision)
		t.completedAt = &at
		return
	}
	t.rearmIfAhead(now)
}

// Recur makes the next occurrence of a completed recurring task, with the
// id given, and records it as this task's next occurrence. It returns nil,
// changing nothing, unless the task is completed, recurs and has made no
// occurrence yet (so completing a task twice makes one occurrence), or when
// the series would run past year 9999. The occurrence has the same title,
// description, priority, tags and recurrence, is not completed, and is due
// one period after this task (see Recurrence.Next), its reminder moved as
// far. Call it in the change that completed the task: it does not move the
// version on by itself.
func (t *Task) Recur(id ID, now time.Time) *Task {
	if !t.completed || t.plan.Recurrence == RecurrenceNone || t.next != nil {
		return nil
	}
	done := now
	if t.completedAt != nil {
		done = *t.completedAt
	}
	due, remind, ok := t.plan.Recurrence.Next(t.plan.Due, t.plan.RemindAt, done)
	if !ok {
		return nil
	}
	now = now.UTC().Truncate(Precision)
	next := &Task{
		id: id, owner: t.owner, title: t.title, description: cloneString(t.description),
		createdAt: now, updatedAt: now, version: 1, plan: t.plan.clone(),
	}
	next.plan.Due, next.plan.RemindAt = due, remind
	next.armReminder()
	t.next = cloneID(&id)
	return next
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

func cloneID(id *ID) *ID {
	if id == nil {
		return nil
	}
	c := *id
	return &c
}

func utcTime(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	u := t.UTC()
	return &u
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
