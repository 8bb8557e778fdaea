package sqlstore

import (
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/todoapi/todo/core/task"
)

// The types SQLite's rows are scanned into (see sqliteRow). They also take
// the other forms a database/sql driver may hand over for these columns
// (16 raw bytes, time.Time, PostgreSQL's text).

// rowID is a task id: a uuid in PostgreSQL, and in SQLite canonical
// lower-case UUID text, whose byte order is the ids' byte order, so ORDER BY
// id agrees with task.ID on both.
type rowID task.ID

// errNoTask is what scanning a NULL id gives: the row of an empty counted
// page, which carries only the count (see listQuery).
var errNoTask = errors.New("sqlstore: a row without a task")

func (id *rowID) Scan(src any) error {
	var s string
	switch v := src.(type) {
	case nil:
		return errNoTask
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

// timestamp is a time as read back through database/sql, in UTC.
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
	if v, ok := parseTimestamp(s); ok {
		*t = timestamp(v)
		return nil
	}
	for _, layout := range []string{time.RFC3339Nano, pgTextLayout} {
		if v, err := time.Parse(layout, s); err == nil {
			*t = timestamp(v.UTC())
			return nil
		}
	}
	return fmt.Errorf("sqlstore: bad timestamp %q in the database", s)
}

// parseTimestamp parses timestampLayout, the only form the store writes,
// without time.Parse's general machinery (which showed up in profiles of a
// list); anything else is left to time.Parse.
func parseTimestamp(s string) (time.Time, bool) {
	if len(s) != len(timestampLayout) || s[4] != '-' || s[7] != '-' || s[10] != 'T' ||
		s[13] != ':' || s[16] != ':' || s[19] != '.' || s[26] != 'Z' {
		return time.Time{}, false
	}
	year, ok1 := digits(s[0:4])
	month, ok2 := digits(s[5:7])
	day, ok3 := digits(s[8:10])
	hour, ok4 := digits(s[11:13])
	minute, ok5 := digits(s[14:16])
	sec, ok6 := digits(s[17:19])
	micro, ok7 := digits(s[20:26])
	if !ok1 || !ok2 || !ok3 || !ok4 || !ok5 || !ok6 || !ok7 ||
		month < 1 || month > 12 || hour > 23 || minute > 59 || sec > 59 {
		return time.Time{}, false
	}
	t := time.Date(year, time.Month(month), day, hour, minute, sec, micro*1000, time.UTC)
	if t.Day() != day { // day 0, or past the end of its month: time.Date would normalise it
		return time.Time{}, false
	}
	return t, true
}

// digits parses a string of ASCII digits.
func digits(s string) (int, bool) {
	n := 0
	for i := 0; i < len(s); i++ {
		c := s[i] - '0'
		if c > 9 {
			return 0, false
		}
		n = n*10 + int(c)
	}
	return n, true
}

// nullRowID is a task id that may be NULL.
type nullRowID struct {
	id    rowID
	valid bool
}

func (n *nullRowID) Scan(src any) error {
	n.valid = src != nil
	if !n.valid {
		return nil
	}
	return n.id.Scan(src)
}

// ptr returns the id, nil for NULL.
func (n *nullRowID) ptr() *task.ID {
	if !n.valid {
		return nil
	}
	id := task.ID(n.id)
	return &id
}

// nullTimestamp is a timestamp that may be NULL.
type nullTimestamp struct {
	t     timestamp
	valid bool
}

func (n *nullTimestamp) Scan(src any) error {
	n.valid = src != nil
	if !n.valid {
		return nil
	}
	return n.t.Scan(src)
}

// ptr returns the time, nil for NULL.
func (n *nullTimestamp) ptr() *time.Time {
	if !n.valid {
		return nil
	}
	t := time.Time(n.t)
	return &t
}

// jsonStrings decodes a JSON array of strings, as SQLite keeps tags.
func jsonStrings(s string) ([]string, error) {
	if s == "[]" {
		return nil, nil
	}
	var out []string
	if err := json.Unmarshal([]byte(s), &out); err != nil {
		return nil, fmt.Errorf("sqlstore: bad tags %q in the database: %w", s, err)
	}
	return out, nil
}

// storedPlan rebuilds a plan from its columns: the priority's rank, the
// tags, the due instant (Due.Instant, nil for none) and whether it was a
// date, the reminder and the recurrence's name.
func storedPlan(rank int, tags []string, due *time.Time, dueIsDate bool, remindAt *time.Time, recurrence string) (task.Plan, error) {
	priority, ok := task.PriorityFromRank(rank)
	if !ok {
		return task.Plan{}, fmt.Errorf("sqlstore: bad priority %d in the database", rank)
	}
	rec, err := task.ParseRecurrence(recurrence)
	if err != nil {
		return task.Plan{}, fmt.Errorf("sqlstore: bad recurrence %q in the database", recurrence)
	}
	pl := task.Plan{Priority: priority, Tags: tags, Recurrence: rec}
	if due != nil {
		at := due.UTC()
		pl.Due = task.DueAt(at)
		if dueIsDate { // the instant is the date's last microsecond
			pl.Due = task.DueOn(at.Year(), at.Month(), at.Day())
		}
	}
	if remindAt != nil {
		at := remindAt.UTC()
		pl.RemindAt = &at
	}
	return pl, nil
}
