package task_test

import (
	"testing"
	"time"

	"github.com/todoapi/todo/core/task"
)

func TestParseRecurrence(t *testing.T) {
	tests := []struct {
		in      string
		want    task.Recurrence
		wantErr bool
	}{
		{"none", task.RecurrenceNone, false},
		{"daily", task.RecurrenceDaily, false},
		{"weekly", task.RecurrenceWeekly, false},
		{"monthly", task.RecurrenceMonthly, false},
		{"yearly", task.RecurrenceYearly, false},
		{" Weekly ", task.RecurrenceWeekly, false},
		{"YEARLY", task.RecurrenceYearly, false},
		{"", 0, true},
		{"annually", 0, true},
		{"hourly", 0, true},
		{"FREQ=WEEKLY", 0, true},
		{"wee\u212Aly", 0, true}, // a Kelvin sign is no k here
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := task.ParseRecurrence(tt.in)
			if tt.wantErr {
				wantInvalid(t, err, "recurrence", "must be one of none, daily, weekly, monthly, yearly")
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("ParseRecurrence(%q) = %v, %v; want %v", tt.in, got, err, tt.want)
			}
		})
	}
}

func TestParseRRule(t *testing.T) {
	tests := []struct {
		in      string
		want    task.Recurrence
		wantErr bool
	}{
		{"FREQ=DAILY", task.RecurrenceDaily, false},
		{"FREQ=WEEKLY", task.RecurrenceWeekly, false},
		{"FREQ=MONTHLY", task.RecurrenceMonthly, false},
		{"FREQ=YEARLY", task.RecurrenceYearly, false},
		{"freq=weekly", task.RecurrenceWeekly, false},
		{"RRULE:FREQ=WEEKLY", task.RecurrenceWeekly, false},
		{"rrule:Freq=Monthly", task.RecurrenceMonthly, false},
		{" FREQ=DAILY\n", task.RecurrenceDaily, false},
		{"", 0, true},
		{"weekly", 0, true},
		{"RRULE:", 0, true},
		{"FREQ=", 0, true},
		{"FREQ=NONE", 0, true},
		{"FREQ=HOURLY", 0, true},
		{"FREQ=SECONDLY", 0, true},
		{"FREQ=WEEKLY;INTERVAL=2", 0, true},
		{"FREQ=WEEKLY;INTERVAL=1", 0, true},
		{"FREQ=WEEKLY;BYDAY=MO,WE", 0, true},
		{"FREQ=MONTHLY;COUNT=3", 0, true},
		{"INTERVAL=1;FREQ=DAILY", 0, true},
		{"FREQ=DAILY;FREQ=DAILY", 0, true},
		{"FREQ=WEEKLY;", 0, true},
		{"FREQ = WEEKLY", 0, true},
		{"RRULE:RRULE:FREQ=DAILY", 0, true},
		{"DTSTART:20260101T000000Z\nRRULE:FREQ=DAILY", 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := task.ParseRRule(tt.in)
			if tt.wantErr {
				wantInvalid(t, err, "recurrence_rule", "must be an RRULE with FREQ only (DAILY, WEEKLY, MONTHLY or YEARLY), e.g. FREQ=WEEKLY")
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("ParseRRule(%q) = %v, %v; want %v", tt.in, got, err, tt.want)
			}
		})
	}
}

func TestRecurrenceNames(t *testing.T) {
	all := []task.Recurrence{task.RecurrenceNone, task.RecurrenceDaily, task.RecurrenceWeekly, task.RecurrenceMonthly, task.RecurrenceYearly}
	names := []string{"none", "daily", "weekly", "monthly", "yearly"}
	for i, r := range all {
		if r.String() != names[i] || !r.Valid() {
			t.Errorf("%d: String %q, Valid %v; want %q", r, r.String(), r.Valid(), names[i])
		}
		if back, err := task.ParseRecurrence(r.String()); err != nil || back != r {
			t.Errorf("ParseRecurrence(%q) = %v, %v", r, back, err)
		}
	}
	var zero task.Recurrence
	if zero != task.RecurrenceNone || zero.String() != "none" {
		t.Fatalf("zero value = %v, want none", zero)
	}
	bad := task.RecurrenceYearly + 1
	if bad.Valid() || bad.String() != "Recurrence(5)" {
		t.Fatalf("out of range: Valid %v, String %q", bad.Valid(), bad.String())
	}
}

func utc(y int, m time.Month, d, h, min int) time.Time {
	return time.Date(y, m, d, h, min, 0, 0, time.UTC)
}

// at returns a pointer to utc(...), for an optional reminder.
func at(y int, m time.Month, d, h, min int) *time.Time {
	t := utc(y, m, d, h, min)
	return &t
}

func TestRecurrenceNext(t *testing.T) {
	done := utc(2026, 3, 10, 15, 30) // when the task is completed
	tests := []struct {
		name       string
		r          task.Recurrence
		due        task.Due
		remind     *time.Time
		wantDue    string
		wantRemind *time.Time
	}{
		{"DailyDate", task.RecurrenceDaily, task.DueOn(2026, 2, 28), nil, "2026-03-01", nil},
		{"DailyDateLeap", task.RecurrenceDaily, task.DueOn(2024, 2, 28), nil, "2024-02-29", nil},
		{"DailyDateTime", task.RecurrenceDaily, task.DueAt(utc(2026, 12, 31, 23, 0)), nil, "2027-01-01T23:00:00.000000Z", nil},
		{"WeeklyDate", task.RecurrenceWeekly, task.DueOn(2026, 12, 29), nil, "2027-01-05", nil},
		{"WeeklyDateTime", task.RecurrenceWeekly, task.DueAt(utc(2026, 3, 28, 9, 15)), nil, "2026-04-04T09:15:00.000000Z", nil},
		{"MonthlyDate", task.RecurrenceMonthly, task.DueOn(2026, 1, 15), nil, "2026-02-15", nil},
		{"MonthlyJan31NonLeap", task.RecurrenceMonthly, task.DueOn(2026, 1, 31), nil, "2026-02-28", nil},
		{"MonthlyJan31Leap", task.RecurrenceMonthly, task.DueOn(2024, 1, 31), nil, "2024-02-29", nil},
		{"MonthlyClampedDayStays", task.RecurrenceMonthly, task.DueOn(2026, 2, 28), nil, "2026-03-28", nil},
		{"MonthlyMar31ToApr30", task.RecurrenceMonthly, task.DueOn(2026, 3, 31), nil, "2026-04-30", nil},
		{"MonthlyDecember", task.RecurrenceMonthly, task.DueOn(2026, 12, 31), nil, "2027-01-31", nil},
		{"MonthlyDateTimeClamped", task.RecurrenceMonthly, task.DueAt(utc(2026, 1, 31, 18, 45)), nil, "2026-02-28T18:45:00.000000Z", nil},
		{"YearlyDate", task.RecurrenceYearly, task.DueOn(2026, 7, 4), nil, "2027-07-04", nil},
		{"YearlyFeb29", task.RecurrenceYearly, task.DueOn(2024, 2, 29), nil, "2025-02-28", nil},
		{"YearlyFeb29DateTime", task.RecurrenceYearly, task.DueAt(utc(2024, 2, 29, 6, 0)), nil, "2025-02-28T06:00:00.000000Z", nil},
		{"YearlyFeb28ToLeapStays", task.RecurrenceYearly, task.DueOn(2027, 2, 28), nil, "2028-02-28", nil},
		// The reminder keeps its distance to the deadline.
		{"DailyDateRemind", task.RecurrenceDaily, task.DueOn(2026, 3, 1), at(2026, 2, 28, 20, 0), "2026-03-02", at(2026, 3, 1, 20, 0)},
		{"WeeklyDateTimeRemind", task.RecurrenceWeekly, task.DueAt(utc(2026, 3, 28, 9, 0)), at(2026, 3, 28, 8, 30), "2026-04-04T09:00:00.000000Z", at(2026, 4, 4, 8, 30)},
		{"MonthlyClampedRemindMovesWithDue", task.RecurrenceMonthly, task.DueOn(2026, 1, 31), at(2026, 1, 30, 9, 0), "2026-02-28", at(2026, 2, 27, 9, 0)},
		{"MonthlyDateTimeRemindAfterDue", task.RecurrenceMonthly, task.DueAt(utc(2024, 1, 31, 12, 0)), at(2024, 2, 1, 12, 0), "2024-02-29T12:00:00.000000Z", at(2024, 3, 1, 12, 0)},
		{"YearlyFeb29Remind", task.RecurrenceYearly, task.DueOn(2024, 2, 29), at(2024, 2, 22, 7, 0), "2025-02-28", at(2025, 2, 21, 7, 0)},
		// No due date: the completion day in UTC plus one period, a date.
		{"NoneDueDaily", task.RecurrenceDaily, task.Due{}, nil, "2026-03-11", nil},
		{"NoneDueWeekly", task.RecurrenceWeekly, task.Due{}, nil, "2026-03-17", nil},
		{"NoneDueMonthly", task.RecurrenceMonthly, task.Due{}, nil, "2026-04-10", nil},
		{"NoneDueYearly", task.RecurrenceYearly, task.Due{}, nil, "2027-03-10", nil},
		{"NoneDueRemindMovesOnePeriod", task.RecurrenceMonthly, task.Due{}, at(2026, 1, 31, 8, 0), "2026-04-10", at(2026, 2, 28, 8, 0)},
		{"NoneDueRemindDaily", task.RecurrenceDaily, task.Due{}, at(2026, 3, 10, 8, 0), "2026-03-11", at(2026, 3, 11, 8, 0)},
		// An overdue task's next occurrence is one period after the old due date,
		// not after the completion.
		{"OverdueStaysOnItsSchedule", task.RecurrenceWeekly, task.DueOn(2026, 1, 1), nil, "2026-01-08", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			due, remind, ok := tt.r.Next(tt.due, tt.remind, done)
			if !ok {
				t.Fatal("no next occurrence")
			}
			if due.String() != tt.wantDue || due.IsDate() != (len(tt.wantDue) == 10) {
				t.Fatalf("due = %q (date %v), want %q", due, due.IsDate(), tt.wantDue)
			}
			if (remind == nil) != (tt.wantRemind == nil) || remind != nil && *remind != *tt.wantRemind {
				t.Fatalf("remind = %v, want %v", remind, tt.wantRemind)
			}
		})
	}
}

// The completion day is taken in UTC, whatever zone the clock reports in.
func TestRecurrenceNextCompletionDayInUTC(t *testing.T) {
	done := time.Date(2026, 3, 10, 23, 30, 0, 0, time.FixedZone("UTC-2", -2*3600)) // 2026-03-11 01:30 UTC
	due, _, ok := task.RecurrenceDaily.Next(task.Due{}, nil, done)
	if !ok || due.String() != "2026-03-12" {
		t.Fatalf("next = %q, %v; want 2026-03-12", due, ok)
	}
}

func TestRecurrenceNextEnds(t *testing.T) {
	done := utc(2026, 3, 10, 0, 0)
	tests := []struct {
		name   string
		r      task.Recurrence
		due    task.Due
		remind *time.Time
	}{
		{"None", task.RecurrenceNone, task.DueOn(2026, 1, 1), nil},
		{"NoneWithoutDue", task.RecurrenceNone, task.Due{}, nil},
		{"Invalid", task.RecurrenceYearly + 1, task.DueOn(2026, 1, 1), nil},
		{"DueAfterYear9999", task.RecurrenceDaily, task.DueOn(9999, 12, 31), nil},
		{"DateTimeAfterYear9999", task.RecurrenceYearly, task.DueAt(utc(9999, 6, 1, 0, 0)), nil},
		{"RemindAfterYear9999", task.RecurrenceYearly, task.Due{}, at(9999, 6, 1, 0, 0)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if due, remind, ok := tt.r.Next(tt.due, tt.remind, done); ok {
				t.Fatalf("next = %v, %v; want none", due, remind)
			}
		})
	}
}
