package task

import (
	"iter"
	"slices"
	"time"

	"github.com/todoapi/todo/core/apperr"
)

// Plan is when and how urgently a task is to be done, and how it recurs:
// the fields a task gained after its title, description and completed
// flag. The zero Plan is a new task's: medium priority (the zero Priority),
// no tags, no due date, no reminder, no recurrence.
type Plan struct {
	Priority   Priority
	Tags       []string // normalized (see NormalizeTags); nil or empty alike
	Due        Due
	RemindAt   *time.Time // UTC, at Precision; nil when there is none
	Recurrence Recurrence
}

// The plan's fields one at a time. Unlike Plan, which copies the tags and
// the reminder, they copy nothing, so a reader that writes every task of a
// list (the HTTP encoder) allocates nothing per task.

// Priority returns the task's priority.
func (t *Task) Priority() Priority { return t.plan.Priority }

// Tags returns the task's tags, in order.
func (t *Task) Tags() iter.Seq[string] {
	return func(yield func(string) bool) {
		for _, tag := range t.plan.Tags {
			if !yield(tag) {
				return
			}
		}
	}
}

// Due returns when the task is due, the zero Due when it is not.
func (t *Task) Due() Due { return t.plan.Due }

// RemindAt returns when to remind of the task, in UTC; ok is false when
// there is no reminder.
func (t *Task) RemindAt() (at time.Time, ok bool) {
	if t.plan.RemindAt == nil {
		return time.Time{}, false
	}
	return *t.plan.RemindAt, true
}

// Recurrence returns how the task recurs.
func (t *Task) Recurrence() Recurrence { return t.plan.Recurrence }

// planChange is what a patch does to a plan, parsed and checked.
type planChange struct {
	priority, tags, due, remindAt, recurrence bool // which fields the patch sets
	plan                                      Plan
}

// parsePlan reads the plan fields of a patch. A null means the field's
// default; a value that breaks a rule adds a field error. recurrence_rule
// (an RRULE) is read only when recurrence is absent.
func parsePlan(p Patch, fields []apperr.FieldError) (planChange, []apperr.FieldError) {
	var c planChange
	add := func(err error) {
		fields = append(fields, apperr.FieldsOf(err)...)
	}
	if c.priority = p.Priority.Present; c.priority && !p.Priority.Null {
		v, err := ParsePriority(p.Priority.Value)
		if err != nil {
			add(err)
		}
		c.plan.Priority = v
	}
	if c.tags = p.Tags.Present; c.tags && !p.Tags.Null {
		v, err := NormalizeTags(p.Tags.Value)
		if err != nil {
			add(err)
		}
		c.plan.Tags = v
	}
	if c.due = p.Due.Present; c.due && !p.Due.Null {
		v, err := ParseDue(p.Due.Value)
		if err != nil {
			add(err)
		}
		c.plan.Due = v
	}
	if c.remindAt = p.RemindAt.Present; c.remindAt && !p.RemindAt.Null {
		v, err := ParseRemindAt(p.RemindAt.Value)
		if err != nil {
			add(err)
		}
		c.plan.RemindAt = &v
	}
	switch {
	case p.Recurrence.Present:
		c.recurrence = true
		if !p.Recurrence.Null {
			v, err := ParseRecurrence(p.Recurrence.Value)
			if err != nil {
				add(err)
			}
			c.plan.Recurrence = v
		}
	case p.RecurrenceRule.Present:
		c.recurrence = true
		if !p.RecurrenceRule.Null {
			v, err := ParseRRule(p.RecurrenceRule.Value)
			if err != nil {
				add(err)
			}
			c.plan.Recurrence = v
		}
	}
	return c, fields
}

// apply sets the fields the change names and reports whether a value
// changed.
func (c planChange) apply(pl *Plan) bool {
	changed := false
	if c.priority && pl.Priority != c.plan.Priority {
		pl.Priority, changed = c.plan.Priority, true
	}
	if c.tags && !slices.Equal(pl.Tags, c.plan.Tags) {
		pl.Tags, changed = slices.Clone(c.plan.Tags), true
	}
	if c.due && pl.Due != c.plan.Due {
		pl.Due, changed = c.plan.Due, true
	}
	if c.remindAt && !equalTimes(pl.RemindAt, c.plan.RemindAt) {
		pl.RemindAt, changed = cloneTime(c.plan.RemindAt), true
	}
	if c.recurrence && pl.Recurrence != c.plan.Recurrence {
		pl.Recurrence, changed = c.plan.Recurrence, true
	}
	return changed
}

func (pl Plan) clone() Plan {
	pl.Tags = slices.Clone(pl.Tags)
	pl.RemindAt = cloneTime(pl.RemindAt)
	return pl
}

func cloneTime(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	c := *t
	return &c
}

func equalTimes(a, b *time.Time) bool {
	if a == nil || b == nil {
		return a == b
	}
	return a.Equal(*b)
}
