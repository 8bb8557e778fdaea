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

func TestRecurrenceNext(t *testing.T) {
	done := utc(2026, 3, 10, 15, 30) // when the task is completed
	tests := []struct {
		name       string
		r          task.Recurrence
		due        task.Due
		remind     time.Time
		wantDue    string
		wantRemind time.Time
	}{
		{"DailyDate", task.RecurrenceDaily, task.DueOn(2026, 2, 28), time.Time{}, "2026-03-01", time.Time{}},
		{"DailyDateLeap", task.RecurrenceDaily, task.DueOn(2024, 2, 28), time.Time{}, "2024-02-29", time.Time{}},
		{"DailyDateTime", task.RecurrenceDaily, task.DueAt(utc(2026, 12, 31, 23, 0)), time.Time{}, "2027-01-01T23:00:00.000000Z", time.Time{}},
		{"WeeklyDate", task.RecurrenceWeekly, task.DueOn(2026, 12, 29), time.Time{}, "2027-01-05", time.Time{}},
		{"WeeklyDateTime", task.RecurrenceWeekly, task.DueAt(utc(2026, 3, 28, 9, 15)), time.Time{}, "2026-04-04T09:15:00.000000Z", time.Time{}},
		{"MonthlyDate", task.RecurrenceMonthly, task.DueOn(2026, 1, 15), time.Time{}, "2026-02-15", time.Time{}},
		{"MonthlyJan31NonLeap", task.RecurrenceMonthly, task.DueOn(2026, 1, 31), time.Time{}, "2026-02-28", time.Time{}},
		{"MonthlyJan31Leap", task.RecurrenceMonthly, task.DueOn(2024, 1, 31), time.Time{}, "2024-02-29", time.Time{}},
		{"MonthlyClampedDayStays", task.RecurrenceMonthly, task.DueOn(2026, 2, 28), time.Time{}, "2026-03-28", time.Time{}},
		{"MonthlyMar31ToApr30", task.RecurrenceMonthly, task.DueOn(2026, 3, 31), time.Time{}, "2026-04-30", time.Time{}},
		{"MonthlyDecember", task.RecurrenceMonthly, task.DueOn(2026, 12, 31), time.Time{}, "2027-01-31", time.Time{}},
		{"MonthlyDateTimeClamped", task.RecurrenceMonthly, task.DueAt(utc(2026, 1, 31, 18, 45)), time.Time{}, "2026-02-28T18:45:00.000000Z", time.Time{}},
		{"YearlyDate", task.RecurrenceYearly, task.DueOn(2026, 7, 4), time.Time{}, "2027-07-04", time.Time{}},
		{"YearlyFeb29", task.RecurrenceYearly, task.DueOn(2024, 2, 29), time.Time{}, "2025-02-28", time.Time{}},
		{"YearlyFeb29DateTime", task.RecurrenceYearly, task.DueAt(utc(2024, 2, 29, 6, 0)), time.Time{}, "2025-02-28T06:00:00.000000Z", time.Time{}},
		{"YearlyFeb28ToLeapStays", task.RecurrenceYearly, task.DueOn(2027, 2, 28), time.Time{}, "2028-02-28", time.Time{}},
		// The reminder keeps its distance to the deadline.
		{"DailyDateRemind", task.RecurrenceDaily, task.DueOn(2026, 3, 1), utc(2026, 2, 28, 20, 0), "2026-03-02", utc(2026, 3, 1, 20, 0)},
		{"WeeklyDateTimeRemind", task.RecurrenceWeekly, task.DueAt(utc(2026, 3, 28, 9, 0)), utc(2026, 3, 28, 8, 30), "2026-04-04T09:00:00.000000Z", utc(2026, 4, 4, 8, 30)},
		{"MonthlyClampedRemindMovesWithDue", task.RecurrenceMonthly, task.DueOn(2026, 1, 31), utc(2026, 1, 30, 9, 0), "2026-02-28", utc(2026, 2, 27, 9, 0)},
		{"MonthlyDateTimeRemindAfterDue", task.RecurrenceMonthly, task.DueAt(utc(2024, 1, 31, 12, 0)), utc(2024, 2, 1, 12, 0), "2024-02-29T12:00:00.000000Z", utc(2024, 3, 1, 12, 0)},
		{"YearlyFeb29Remind", task.RecurrenceYearly, task.DueOn(2024, 2, 29), utc(2024, 2, 22, 7, 0), "2025-02-28", utc(2025, 2, 21, 7, 0)},
		// No due date: the completion day in UTC plus one period, a date.
		{"NoneDueDaily", task.RecurrenceDaily, task.Due{}, time.Time{}, "2026-03-11", time.Time{}},
		{"NoneDueWeekly", task.RecurrenceWeekly, task.Due{}, time.Time{}, "2026-03-17", time.Time{}},
		{"NoneDueMonthly", task.RecurrenceMonthly, task.Due{}, time.Time{}, "2026-04-10", time.Time{}},
		{"NoneDueYearly", task.RecurrenceYearly, task.Due{}, time.Time{}, "2027-03-10", time.Time{}},
		{"NoneDueRemindMovesOnePeriod", task.RecurrenceMonthly, task.Due{}, utc(2026, 1, 31, 8, 0), "2026-04-10", utc(2026, 2, 28, 8, 0)},
		{"NoneDueRemindDaily", task.RecurrenceDaily, task.Due{}, utc(2026, 3, 10, 8, 0), "2026-03-11", utc(2026, 3, 11, 8, 0)},
		// An overdue task's next occurrence is one period after the old due date,
		// not after the completion.
		{"OverdueStaysOnItsSchedule", task.RecurrenceWeekly, task.DueOn(2026, 1, 1), time.Time{}, "2026-01-08", time.Time{}},
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
			if remind != tt.wantRemind {
				t.Fatalf("remind = %v, want %v", remind, tt.wantRemind)
			}
		})
	}
}

// The completion day is taken in UTC, whatever zone the clock reports in.
func TestRecurrenceNextCompletionDayInUTC(t *testing.T) {
	done := time.Date(2026, 3, 10, 23, 30, 0, 0, time.FixedZone("UTC-2", -2*3600)) // 2026-03-11 01:30 UTC
	due, _, ok := task.RecurrenceDaily.Next(task.Due{}, time.Time{}, done)
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
		remind time.Time
	}{
		{"None", task.RecurrenceNone, task.DueOn(2026, 1, 1), time.Time{}},
		{"NoneWithoutDue", task.RecurrenceNone, task.Due{}, time.Time{}},
		{"Invalid", task.RecurrenceYearly + 1, task.DueOn(2026, 1, 1), time.Time{}},
		{"DueAfterYear9999", task.RecurrenceDaily, task.DueOn(9999, 12, 31), time.Time{}},
		{"DateTimeAfterYear9999", task.RecurrenceYearly, task.DueAt(utc(9999, 6, 1, 0, 0)), time.Time{}},
		{"RemindAfterYear9999", task.RecurrenceYearly, task.Due{}, utc(9999, 6, 1, 0, 0)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if due, remind, ok := tt.r.Next(tt.due, tt.remind, done); ok {
				t.Fatalf("next = %v, %v; want none", due, remind)
			}
		})
	}
}
