package task

import (
	"strings"
	"time"

	"github.com/todoapi/todo/core/apperr"
)

// Due is when a task is due: nothing (the zero value), a calendar date, or
// an instant (a date-time). A date is a deadline at the end of that day in
// UTC. Values are normalized (UTC, at Precision), so == compares them.
type Due struct {
	at   time.Time // UTC, at Precision; for a date, that day's 00:00 UTC
	kind dueKind
}

type dueKind uint8

const (
	dueNone dueKind = iota
	dueDate
	dueDateTime
)

// The layouts the API writes due dates in. A date-time always has six
// fractional digits, like every other timestamp of the API.
const (
	dateLayout     = time.DateOnly
	dateTimeLayout = "2006-01-02T15:04:05.000000Z07:00"
)

// The messages of malformed dates and times.
const (
	msgDue      = "must be a date (YYYY-MM-DD) or an RFC 3339 date-time"
	msgDateTime = "must be an RFC 3339 date-time"
	msgYear     = "must be between years 1 and 9999 in UTC"
)

// DueOn returns the due date year-month-day. Out-of-range values normalize
// as in time.Date (January 32 is February 1).
func DueOn(year int, month time.Month, day int) Due {
	return Due{at: time.Date(year, month, day, 0, 0, 0, 0, time.UTC), kind: dueDate}
}

// DueAt returns the due date-time t, in UTC and truncated to Precision.
func DueAt(t time.Time) Due {
	return Due{at: t.UTC().Truncate(Precision), kind: dueDateTime}
}

// ParseDue parses a due date as the API takes it: "YYYY-MM-DD" for a date,
// or an RFC 3339 date-time, which keeps its instant in UTC truncated to
// Precision. Surrounding white space is ignored, and so is the case of the
// "T" and "Z" of a date-time, as RFC 3339 allows. JSON null, "no due
// date", is the zero Due and is for the caller to map; the empty string is
// malformed.
//
// It returns EINVALID naming the field "due_date" when s is neither form,
// or when the date or instant in UTC falls outside years 1 to 9999.
func ParseDue(s string) (Due, error) {
	s = strings.TrimSpace(s)
	if len(s) == len(dateLayout) {
		t, err := time.Parse(dateLayout, s)
		if err != nil {
			return Due{}, invalid("due_date", msgDue)
		}
		return checkYear("due_date", Due{at: t, kind: dueDate})
	}
	t, ok := parseDateTime(s)
	if !ok {
		return Due{}, invalid("due_date", msgDue)
	}
	return checkYear("due_date", DueAt(t))
}

// ParseRemindAt parses when to remind of a task: an RFC 3339 date-time,
// read as ParseDue reads one and returned in UTC at Precision. JSON null,
// "no reminder", is for the caller to map.
//
// It returns EINVALID naming the field "remind_at" when s is not an RFC
// 3339 date-time (a date alone is not one) or falls outside years 1 to
// 9999 in UTC.
func ParseRemindAt(s string) (time.Time, error) {
	t, ok := parseDateTime(strings.TrimSpace(s))
	if !ok {
		return time.Time{}, invalid("remind_at", msgDateTime)
	}
	d, err := checkYear("remind_at", DueAt(t))
	return d.at, err
}

// parseDateTime parses an RFC 3339 date-time. time.Parse is laxer than RFC
// 3339 in one way (a comma before the fraction) and stricter in another
// (lower-case "t" and "z").
func parseDateTime(s string) (time.Time, bool) {
	if strings.Contains(s, ",") {
		return time.Time{}, false
	}
	t, err := time.Parse(time.RFC3339, strings.ToUpper(s))
	return t, err == nil
}

// checkYear returns d, or EINVALID naming field when d's year in UTC is
// outside 1 to 9999, which RFC 3339 and the stores cannot all write.
func checkYear(field string, d Due) (Due, error) {
	if !inYearRange(d.at) {
		return Due{}, invalid(field, msgYear)
	}
	return d, nil
}

func inYearRange(t time.Time) bool {
	y := t.UTC().Year()
	return 1 <= y && y <= 9999
}

// invalid returns EINVALID naming one field.
func invalid(field, message string) error {
	return apperr.Invalid(apperr.FieldError{Field: field, Message: message})
}

// IsZero reports whether d is "no due date".
func (d Due) IsZero() bool { return d.kind == dueNone }

// IsDate reports whether d is a calendar date rather than a date-time.
func (d Due) IsDate() bool { return d.kind == dueDate }

// Time returns the date-time, or for a date its 00:00 UTC; the zero time
// when there is no due date.
func (d Due) Time() time.Time { return d.at }

// Deadline returns the instant by which the task is due: the date-time
// itself, or for a date the next day's 00:00 UTC, which a date's deadline
// ends just before (it is exclusive). The zero time when there is no due
// date.
func (d Due) Deadline() time.Time {
	if d.kind == dueDate {
		return d.at.AddDate(0, 0, 1)
	}
	return d.at
}

// Instant returns the one instant d stands for when tasks are sorted and
// filtered by due date: the date-time itself, or for a date the last tick
// of Precision before its exclusive deadline (23:59:59.999999 UTC that day).
// Against instants at Precision, as every instant of the API is, comparing
// Instant gives the answers the exclusive deadline gives, so a store can
// keep it in one column: a date is due before now exactly from the next
// day's 00:00 UTC. The zero time when there is no due date.
func (d Due) Instant() time.Time {
	if d.kind == dueDate {
		return d.Deadline().Add(-Precision)
	}
	return d.at
}

// String returns d as the API writes it: "2006-01-02" for a date, RFC 3339
// in UTC with six fractional digits for a date-time, "" for no due date.
func (d Due) String() string {
	switch {
	case d.IsZero():
		return ""
	case d.kind == dueDate:
		return d.at.Format(dateLayout)
	default:
		return d.at.Format(dateTimeLayout)
	}
}
