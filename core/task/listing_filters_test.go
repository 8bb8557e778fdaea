package task_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/todoapi/todo/core/task"
)

func TestParseSearch(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		want    string
		wantMsg string // the whole message; "" means valid
	}{
		{"OK", "milk", "milk", ""},
		{"Trimmed", "  two litres ", "two litres", ""},
		{"EmptyMeansNone", "", "", ""},
		{"BlankMeansNone", " \t ", "", ""},
		{"Max", strings.Repeat("é", 200), strings.Repeat("é", 200), ""},
		{"ErrTooLong", strings.Repeat("é", 201), "", "search: must be at most 200 characters"},
		{"ErrNUL", "mi\x00lk", "", "search: must not contain control characters"},
		{"ErrLineFeedInside", "two\nlitres", "", "search: must not contain control characters"},
		{"ErrInvalidUTF8", "mi\xfflk", "", "search: must be valid UTF-8"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := task.ParseSearch(tt.in)
			if tt.wantMsg != "" {
				wantBadParam(t, err, tt.wantMsg)
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("ParseSearch(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
			}
		})
	}
}

func TestParseTagFilter(t *testing.T) {
	tests := []struct {
		name    string
		in      []string
		want    []string
		wantMsg string
	}{
		{"None", nil, nil, ""},
		{"One", []string{"work"}, []string{"work"}, ""},
		{"CommaSeparated", []string{"work, Home"}, []string{"work", "home"}, ""},
		{"Repeated", []string{"work", "home"}, []string{"work", "home"}, ""},
		{"Both", []string{"a,b", "c"}, []string{"a", "b", "c"}, ""},
		{"FoldedAndOnce", []string{"Work,WORK", "work"}, []string{"work"}, ""},
		{"EmptyItemsSkipped", []string{",a,,", ""}, []string{"a"}, ""},
		{"MaxTags", []string{strings.Join(numbered(20), ",")}, numbered(20), ""},
		{"ErrTooLong", []string{strings.Repeat("x", 51)}, nil, "tag: each must be at most 50 characters"},
		{"ErrNUL", []string{"a", "b\x00"}, nil, "tag: each must not contain control characters"},
		{"ErrInvalidUTF8", []string{"\xc0"}, nil, "tag: each must be valid UTF-8"},
		{"ErrTooMany", []string{strings.Join(numbered(21), ",")}, nil, "tag: must name at most 20 distinct tags"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := task.ParseTagFilter(tt.in)
			if tt.wantMsg != "" {
				wantBadParam(t, err, tt.wantMsg)
				return
			}
			if err != nil || !slices.Equal(got, tt.want) {
				t.Fatalf("ParseTagFilter(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
			}
		})
	}
}

func TestParsePriorityFilter(t *testing.T) {
	const msg = "priority: each must be one of low, medium, high, urgent"
	tests := []struct {
		name    string
		in      []string
		want    []task.Priority
		wantMsg string
	}{
		{"None", nil, nil, ""},
		{"Empty", []string{""}, nil, ""},
		{"One", []string{"high"}, []task.Priority{task.PriorityHigh}, ""},
		{"LowestFirstOnce", []string{"urgent, low,HIGH", "critical"}, []task.Priority{task.PriorityLow, task.PriorityHigh, task.PriorityUrgent}, ""},
		{"EmptyItemsSkipped", []string{",medium,"}, []task.Priority{task.PriorityMedium}, ""},
		{"ErrUnknown", []string{"high,severe"}, nil, msg},
		{"ErrUnknownRepeated", []string{"high", "none"}, nil, msg},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := task.ParsePriorityFilter(tt.in)
			if tt.wantMsg != "" {
				wantBadParam(t, err, tt.wantMsg)
				return
			}
			if err != nil || !slices.Equal(got, tt.want) {
				t.Fatalf("ParsePriorityFilter(%q) = %v, %v; want %v", tt.in, got, err, tt.want)
			}
		})
	}
}

func TestParseDueBounds(t *testing.T) {
	tests := []struct {
		in                    string
		wantAfter, wantBefore time.Time
	}{
		{"2026-11-25", time.Date(2026, 11, 25, 0, 0, 0, 0, time.UTC), time.Date(2026, 11, 25, 23, 59, 59, 999999000, time.UTC)},
		{"2026-11-25T12:00:00+01:00", time.Date(2026, 11, 25, 11, 0, 0, 0, time.UTC), time.Date(2026, 11, 25, 11, 0, 0, 0, time.UTC)},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			after, err := task.ParseDueAfter(tt.in)
			if err != nil || after != tt.wantAfter {
				t.Fatalf("ParseDueAfter = %v, %v; want %v", after, err, tt.wantAfter)
			}
			before, err := task.ParseDueBefore(tt.in)
			if err != nil || before != tt.wantBefore {
				t.Fatalf("ParseDueBefore = %v, %v; want %v", before, err, tt.wantBefore)
			}
		})
	}
	for _, bad := range []string{"", "tomorrow", "2026-02-30", "2026-11-25T12:00"} {
		_, err := task.ParseDueAfter(bad)
		wantBadParam(t, err, "due_after: must be a date (YYYY-MM-DD) or an RFC 3339 date-time")
		_, err = task.ParseDueBefore(bad)
		wantBadParam(t, err, "due_before: must be a date (YYYY-MM-DD) or an RFC 3339 date-time")
	}
}

// A date bound means the whole day in UTC: matching Due.Instant against the
// bounds with plain comparisons selects tasks due on that day, whether their
// due date is a date or a date-time, and no others.
func TestDueBoundsSelectTheWholeDay(t *testing.T) {
	after, _ := task.ParseDueAfter("2026-11-25")
	before, _ := task.ParseDueBefore("2026-11-25")
	tests := []struct {
		due  string
		want bool
	}{
		{"2026-11-24", false},
		{"2026-11-25", true},
		{"2026-11-26", false},
		{"2026-11-24T23:59:59.999999Z", false},
		{"2026-11-25T00:00:00Z", true},
		{"2026-11-25T23:59:59.999999Z", true},
		{"2026-11-26T00:00:00Z", false},
		{"2026-11-25T23:30:00-01:00", false}, // 2026-11-26 00:30 UTC
	}
	for _, tt := range tests {
		d, err := task.ParseDue(tt.due)
		if err != nil {
			t.Fatal(err)
		}
		i := d.Instant()
		if got := !i.Before(after) && !i.After(before); got != tt.want {
			t.Errorf("due %s within the day = %v, want %v", tt.due, got, tt.want)
		}
	}
}

func TestParseLimit(t *testing.T) {
	const msg = "limit: must be a whole number from 1 to 1000"
	tests := []struct {
		in      string
		want    int
		wantErr bool
	}{
		{"1", 1, false},
		{"50", 50, false},
		{"1000", 1000, false},
		{" 20 ", 20, false},
		{"0", 0, true},
		{"-1", 0, true},
		{"1001", 0, true},
		{"", 0, true},
		{"ten", 0, true},
		{"1.5", 0, true},
		{"99999999999999999999", 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := task.ParseLimit(tt.in)
			if tt.wantErr {
				wantBadParam(t, err, msg)
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("ParseLimit(%q) = %d, %v; want %d", tt.in, got, err, tt.want)
			}
		})
	}
}

func TestParsePage(t *testing.T) {
	const (
		notPage = "page: must be a whole number of 1 or more"
		tooDeep = "page: must skip at most 10000 tasks: (page-1) * limit"
	)
	tests := []struct {
		name    string
		page    string
		limit   int
		want    int
		wantMsg string
	}{
		{"First", "1", 50, 0, ""},
		{"Second", "2", 50, 50, ""},
		{"LastAllowed", "201", 50, 10000, ""},
		{"LastAllowedBigPages", "11", 1000, 10000, ""},
		{"LastAllowedUnevenPages", "10", 1111, 9999, ""},
		{"ErrPastOffset", "202", 50, 0, tooDeep},
		{"ErrPastOffsetBigPages", "12", 1000, 0, tooDeep},
		{"ErrUnevenPastOffset", "11", 1111, 0, tooDeep},
		{"ErrHuge", "9223372036854775807", 1000, 0, tooDeep},
		{"ErrZero", "0", 50, 0, notPage},
		{"ErrNegative", "-3", 50, 0, notPage},
		{"ErrNotNumber", "two", 50, 0, notPage},
		{"ErrEmpty", "", 50, 0, notPage},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := task.ParsePage(tt.page, tt.limit)
			if tt.wantMsg != "" {
				wantBadParam(t, err, tt.wantMsg)
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("ParsePage(%q, %d) = %d, %v; want %d", tt.page, tt.limit, got, err, tt.want)
			}
		})
	}
}
