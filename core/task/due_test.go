package task_test

import (
	"testing"
	"time"

	"github.com/todoapi/todo/core/task"
)

const (
	badDue      = "must be a date (YYYY-MM-DD) or an RFC 3339 date-time"
	badDateTime = "must be an RFC 3339 date-time"
	badYear     = "must be between years 1 and 9999 in UTC"
)

func TestParseDue(t *testing.T) {
	tests := []struct {
		in       string
		want     string // String() of the result
		wantDate bool
		wantMsg  string // the message on "due_date"; "" means valid
	}{
		{"2026-11-25", "2026-11-25", true, ""},
		{" 2026-11-25\n", "2026-11-25", true, ""},
		{"2024-02-29", "2024-02-29", true, ""},
		{"0001-01-01", "0001-01-01", true, ""},
		{"9999-12-31", "9999-12-31", true, ""},
		{"2026-11-25T19:40:00Z", "2026-11-25T19:40:00.000000Z", false, ""},
		{"2026-11-25T19:40:00.123456Z", "2026-11-25T19:40:00.123456Z", false, ""},
		{"2026-11-25T19:40:00.1234569Z", "2026-11-25T19:40:00.123456Z", false, ""}, // truncated, not rounded
		{"2026-11-25T19:40:00.5+01:00", "2026-11-25T18:40:00.500000Z", false, ""},
		{"2026-11-25T23:30:00-05:00", "2026-11-26T04:30:00.000000Z", false, ""},
		{"2026-11-25t19:40:00z", "2026-11-25T19:40:00.000000Z", false, ""},
		{"2026-11-25T19:40:00-00:00", "2026-11-25T19:40:00.000000Z", false, ""},
		{"", "", false, badDue},
		{"null", "", false, badDue},
		{"2026-02-29", "", false, badDue},
		{"2026-13-01", "", false, badDue},
		{"2026-1-5", "", false, badDue},
		{"26-11-25", "", false, badDue},
		{"2026/11/25", "", false, badDue},
		{"20261125", "", false, badDue},
		{"2026-11-25T19:40:00", "", false, badDue},
		{"2026-11-25T19:40Z", "", false, badDue},
		{"2026-11-25 19:40:00Z", "", false, badDue},
		{"2026-11-25T19:40:00,5Z", "", false, badDue},
		{"2026-11-25T24:00:00Z", "", false, badDue},
		{"2026-12-31T23:59:60Z", "", false, badDue},
		{"2026-11-25T19:40:00+0100", "", false, badDue},
		{"Wed, 25 Nov 2026 19:40:00 GMT", "", false, badDue},
		{"1764099600", "", false, badDue},
		{"0000-12-31", "", false, badYear},
		{"0001-01-01T00:30:00+01:00", "", false, badYear},
		{"9999-12-31T23:30:00-01:00", "", false, badYear},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := task.ParseDue(tt.in)
			if tt.wantMsg != "" {
				wantInvalid(t, err, "due_date", tt.wantMsg)
				return
			}
			if err != nil {
				t.Fatalf("ParseDue: %v", err)
			}
			if got.String() != tt.want || got.IsDate() != tt.wantDate || got.IsZero() {
				t.Fatalf("ParseDue(%q) = %q (date %v)", tt.in, got, got.IsDate())
			}
			// What the API writes, it reads back the same.
			if back, err := task.ParseDue(got.String()); err != nil || back != got {
				t.Fatalf("read back %q = %v, %v", got, back, err)
			}
		})
	}
}

func TestParseRemindAt(t *testing.T) {
	tests := []struct {
		in      string
		want    time.Time
		wantMsg string
	}{
		{"2026-11-25T19:40:00.123456789+02:00", time.Date(2026, 11, 25, 17, 40, 0, 123456000, time.UTC), ""},
		{"2026-11-25T19:40:00Z", time.Date(2026, 11, 25, 19, 40, 0, 0, time.UTC), ""},
		{"2026-11-25", time.Time{}, badDateTime},
		{"", time.Time{}, badDateTime},
		{"tomorrow", time.Time{}, badDateTime},
		{"10000-01-01T00:00:00Z", time.Time{}, badDateTime},
		{"9999-12-31T23:00:00-05:00", time.Time{}, badYear},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := task.ParseRemindAt(tt.in)
			if tt.wantMsg != "" {
				wantInvalid(t, err, "remind_at", tt.wantMsg)
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("ParseRemindAt(%q) = %v, %v; want %v", tt.in, got, err, tt.want)
			}
		})
	}
}

func TestDueTimes(t *testing.T) {
	at := time.Date(2026, 11, 25, 19, 40, 0, 123456789, time.FixedZone("X", 3600))
	tests := []struct {
		name                          string
		due                           task.Due
		wantTime, wantDeadline, wantI time.Time
		wantString                    string
	}{
		{
			"Date", task.DueOn(2026, 11, 25),
			time.Date(2026, 11, 25, 0, 0, 0, 0, time.UTC),
			time.Date(2026, 11, 26, 0, 0, 0, 0, time.UTC),
			time.Date(2026, 11, 25, 23, 59, 59, 999999000, time.UTC),
			"2026-11-25",
		},
		{
			"EndOfYear", task.DueOn(2026, 12, 31),
			time.Date(2026, 12, 31, 0, 0, 0, 0, time.UTC),
			time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC),
			time.Date(2026, 12, 31, 23, 59, 59, 999999000, time.UTC),
			"2026-12-31",
		},
		{
			"DateTime", task.DueAt(at),
			time.Date(2026, 11, 25, 18, 40, 0, 123456000, time.UTC),
			time.Date(2026, 11, 25, 18, 40, 0, 123456000, time.UTC),
			time.Date(2026, 11, 25, 18, 40, 0, 123456000, time.UTC),
			"2026-11-25T18:40:00.123456Z",
		},
		{"None", task.Due{}, time.Time{}, time.Time{}, time.Time{}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := tt.due
			if d.Time() != tt.wantTime || d.Deadline() != tt.wantDeadline || d.Instant() != tt.wantI {
				t.Fatalf("Time %v, Deadline %v, Instant %v; want %v, %v, %v",
					d.Time(), d.Deadline(), d.Instant(), tt.wantTime, tt.wantDeadline, tt.wantI)
			}
			if d.String() != tt.wantString {
				t.Fatalf("String = %q, want %q", d.String(), tt.wantString)
			}
		})
	}
}

func TestDueZero(t *testing.T) {
	if !(task.Due{}).IsZero() {
		t.Fatal("no due date is not zero")
	}
	if task.DueOn(1, 1, 1).IsZero() || task.DueAt(time.Time{}).IsZero() {
		t.Fatal("a due date in the first instant of year 1 reads as no due date")
	}
	if d, err := task.ParseDue("0001-01-01T00:00:00Z"); err != nil || d.IsZero() || d.IsDate() {
		t.Fatalf("ParseDue of the first instant = %v, %v", d, err)
	}
	if task.DueOn(2026, 1, 32) != task.DueOn(2026, 2, 1) {
		t.Fatal("DueOn does not normalize")
	}
}

// A date is due before an instant exactly from the next day's 00:00 UTC, and
// Instant keeps that with a plain comparison.
func TestDueDateIsOverdueFromTheNextDay(t *testing.T) {
	d := task.DueOn(2026, 11, 25)
	tests := []struct {
		now  time.Time
		want bool
	}{
		{time.Date(2026, 11, 25, 0, 0, 0, 0, time.UTC), false},
		{time.Date(2026, 11, 25, 23, 59, 59, 999999000, time.UTC), false},
		{time.Date(2026, 11, 26, 0, 0, 0, 0, time.UTC), true},
		{time.Date(2026, 11, 26, 0, 0, 0, 1000, time.UTC), true},
	}
	for _, tt := range tests {
		if got := d.Instant().Before(tt.now); got != tt.want {
			t.Errorf("due %v before %v = %v, want %v", d, tt.now, got, tt.want)
		}
	}
}
