package task

import (
	"strconv"
	"strings"
	"time"
)

// Recurrence says how often a task comes back once completed. The zero
// value is RecurrenceNone, the default.
type Recurrence uint8

// The recurrences.
const (
	RecurrenceNone Recurrence = iota
	RecurrenceDaily
	RecurrenceWeekly
	RecurrenceMonthly
	RecurrenceYearly
)

var recurrenceNames = [...]string{"none", "daily", "weekly", "monthly", "yearly"}

// The messages of bad recurrences.
const (
	msgRecurrence = "must be one of none, daily, weekly, monthly, yearly"
	msgRRule      = "must be an RRULE with FREQ only (DAILY, WEEKLY, MONTHLY or YEARLY), e.g. FREQ=WEEKLY"
)

// ParseRecurrence parses a recurrence as the fields "recurrence" and
// "recurrence_pattern" take it: "none", "daily", "weekly", "monthly" or
// "yearly", ignoring ASCII case and surrounding white space. Anything else,
// the empty string included, is EINVALID naming the field "recurrence" with
// the allowed values.
func ParseRecurrence(s string) (Recurrence, error) {
	k := keyword(s)
	for i, name := range recurrenceNames {
		if k == name {
			return Recurrence(i), nil
		}
	}
	return RecurrenceNone, invalid("recurrence", msgRecurrence)
}

// ParseRRule parses the field "recurrence_rule": an RFC 5545 RRULE that
// holds FREQ and nothing else, like "FREQ=WEEKLY", with an optional
// "RRULE:" prefix, ignoring ASCII case and surrounding white space. FREQ
// must be DAILY, WEEKLY, MONTHLY or YEARLY. Anything else (another part
// such as INTERVAL or BYDAY, even INTERVAL=1; a FREQ like HOURLY; a bare
// "weekly"; the empty string) is EINVALID naming "recurrence_rule".
func ParseRRule(s string) (Recurrence, error) {
	k := strings.TrimPrefix(keyword(s), "rrule:")
	if name, ok := strings.CutPrefix(k, "freq="); ok && name != "none" {
		for i, n := range recurrenceNames {
			if name == n {
				return Recurrence(i), nil
			}
		}
	}
	return RecurrenceNone, invalid("recurrence_rule", msgRRule)
}

// String returns the recurrence's name as the API writes it ("none",
// "daily", "weekly", "monthly", "yearly").
func (r Recurrence) String() string {
	if !r.Valid() {
		return "Recurrence(" + strconv.Itoa(int(r)) + ")"
	}
	return recurrenceNames[r]
}

// Valid reports whether r is one of the five recurrences.
func (r Recurrence) Valid() bool { return r <= RecurrenceYearly }

// Next returns the due date and reminder of the occurrence that follows a
// task with recurrence r, due date due (the zero Due for none) and reminder
// remindAt (nil for none) when it is completed at completedAt. It reports
// false when r is RecurrenceNone, and when the next due date or reminder
// would fall after year 9999, which ends the series.
//
// The next due date is one period after due, and stays a date or a
// date-time as due was; a date-time keeps its time of day in UTC. With no
// due date, it is the date of completedAt in UTC plus one period, a date.
// Months and years clamp to the month's last day (January 31 plus a month is
// February 28 or 29; February 29 plus a year is February 28), and the period
// is always added to the date at hand, so the day once clamped stays: the
// month after February 28 is March 28.
//
// The reminder, when there is one, moves by as much as the deadline moved
// (see Due.Deadline), so it keeps its distance to the due date. With no due
// date it moves by one period itself, clamped in the same way. It is not
// brought forward to completedAt: completing a task long overdue gives an
// occurrence that is overdue as well.
func (r Recurrence) Next(due Due, remindAt *time.Time, completedAt time.Time) (Due, *time.Time, bool) {
	if r == RecurrenceNone || !r.Valid() {
		return Due{}, nil, false
	}
	var next Due
	if due.IsZero() {
		next = DueOn(completedAt.UTC().Date())
		next.at = r.advance(next.at)
	} else {
		next = due
		next.at = r.advance(due.at)
	}
	if !inYearRange(next.at) {
		return Due{}, nil, false
	}
	if remindAt == nil {
		return next, nil, true
	}
	remind := remindAt.UTC()
	if due.IsZero() {
		remind = r.advance(remind)
	} else {
		remind = remind.Add(next.Deadline().Sub(due.Deadline()))
	}
	if !inYearRange(remind) {
		return Due{}, nil, false
	}
	return next, &remind, true
}

// advance returns t, in UTC, one period of r later.
func (r Recurrence) advance(t time.Time) time.Time {
	switch r {
	case RecurrenceDaily:
		return t.AddDate(0, 0, 1)
	case RecurrenceWeekly:
		return t.AddDate(0, 0, 7)
	case RecurrenceMonthly:
		return addMonthsClamped(t, 1)
	case RecurrenceYearly:
		return addMonthsClamped(t, 12)
	}
	return t
}

// addMonthsClamped returns t, in UTC, n months later, on the same day of the
// month or that month's last day when it has fewer days; the time of day is
// kept. time.AddDate would roll January 31 over into March instead.
func addMonthsClamped(t time.Time, n int) time.Time {
	y, m, d := t.Date()
	first := time.Date(y, m+time.Month(n), 1, t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), time.UTC)
	last := time.Date(first.Year(), first.Month()+1, 0, 0, 0, 0, 0, time.UTC).Day()
	return first.AddDate(0, 0, min(d, last)-1)
}
