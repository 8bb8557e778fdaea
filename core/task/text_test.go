package task_test

import (
	"strings"
	"testing"

	"github.com/todoapi/todo/core/apperr"
	"github.com/todoapi/todo/core/task"
)

// wantInvalid fails unless err is EINVALID with exactly one field error, on
// field, saying message.
func wantInvalid(t *testing.T, err error, field, message string) {
	t.Helper()
	if apperr.CodeOf(err) != apperr.EINVALID {
		t.Fatalf("err = %v, want EINVALID", err)
	}
	fs := apperr.FieldsOf(err)
	if len(fs) != 1 || fs[0].Field != field || fs[0].Message != message {
		t.Fatalf("fields = %+v, want one {%s %s}", fs, field, message)
	}
}

const (
	control          = "must not contain control characters"
	controlMultiline = "must not contain control characters other than tab, line feed and carriage return"
	badUTF8          = "must be valid UTF-8"
)

func TestTitleTextRules(t *testing.T) {
	tests := []struct {
		name    string
		title   string
		want    string // the stored title when valid
		wantMsg string // the message on "title" when invalid
	}{
		{"OK", "Buy milk", "Buy milk", ""},
		{"DELAllowed", "a\x7fb", "a\x7fb", ""},
		{"C1Allowed", "a\u0085b\u009fc", "a\u0085b\u009fc", ""},
		{"TrimmedControlsAreGone", "\t\n\v\f\r Buy milk \r\n", "Buy milk", ""},
		{"ReplacementCharAllowed", "a\uFFFDb", "a\uFFFDb", ""},
		{"ErrNULStart", "\x00Buy milk", "", control},
		{"ErrNULMiddle", "Buy\x00milk", "", control},
		{"ErrNULEnd", "Buy milk\x00", "", control},
		{"ErrOnlyNUL", "\x00", "", control},
		{"ErrTab", "Buy\tmilk", "", control},
		{"ErrLineFeed", "Buy\nmilk", "", control},
		{"ErrCarriageReturn", "Buy\rmilk", "", control},
		{"ErrEscape", "Buy \x1b[31mmilk", "", control},
		{"ErrUnitSeparator", "Buy\x1fmilk", "", control},
		{"ErrVerticalTabInside", "Buy\vmilk", "", control},
		{"ErrInvalidUTF8", "Buy \xff milk", "", badUTF8},
		{"ErrTruncatedUTF8", "Buy milk \xe2\x82", "", badUTF8},
		{"ErrSurrogateUTF8", "a\xed\xa0\x80b", "", badUTF8},
		{"ErrEmptyWins", "   ", "", "must not be empty"},
		{"ErrControlBeforeLength", strings.Repeat("a", 300) + "\x00", "", control},
		{"ErrTooLong", strings.Repeat("a", 201), "", "must be at most 200 characters"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := task.New(someID, "alice", task.Draft{Title: tt.title}, now)
			if tt.wantMsg != "" {
				wantInvalid(t, err, "title", tt.wantMsg)
				return
			}
			if err != nil {
				t.Fatalf("New: %v", err)
			}
			if got.Title() != tt.want {
				t.Fatalf("title = %q, want %q", got.Title(), tt.want)
			}
		})
	}
}

func TestDescriptionTextRules(t *testing.T) {
	tests := []struct {
		name    string
		desc    string
		wantMsg string // the message on "description"; "" means valid
	}{
		{"OK", "two litres", ""},
		{"Empty", "", ""},
		{"TabLineFeedCarriageReturn", "line one\r\n\tline two\n", ""},
		{"DELAllowed", "a\x7fb", ""},
		{"ErrNULStart", "\x00two litres", controlMultiline},
		{"ErrNULMiddle", "two\x00litres", controlMultiline},
		{"ErrNULEnd", "two litres\x00", controlMultiline},
		{"ErrBell", "ding\x07", controlMultiline},
		// The description is kept untrimmed, so the rule covers its ends too.
		{"ErrVerticalTabAtEnd", "two litres\v", controlMultiline},
		{"ErrFormFeed", "page\fbreak", controlMultiline},
		{"ErrInvalidUTF8", "two \xc3 litres", badUTF8},
		{"ErrControlBeforeLength", strings.Repeat("a", 2000) + "\x01", controlMultiline},
		{"ErrTooLong", strings.Repeat("a", 1001), "must be at most 1000 characters"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			desc := tt.desc
			got, err := task.New(someID, "alice", task.Draft{Title: "t", Description: &desc}, now)
			if tt.wantMsg != "" {
				wantInvalid(t, err, "description", tt.wantMsg)
				return
			}
			if err != nil {
				t.Fatalf("New: %v", err)
			}
			if d := got.Description(); d == nil || *d != tt.desc {
				t.Fatalf("description = %v, want %q", d, tt.desc)
			}
		})
	}
}

// A patch follows the same text rules as a draft.
func TestApplyTextRules(t *testing.T) {
	tests := []struct {
		name    string
		patch   task.Patch
		field   string
		wantMsg string
	}{
		{"ErrTitleNUL", task.Patch{Title: task.Set("new\x00")}, "title", control},
		{"ErrTitleInvalidUTF8", task.Patch{Title: task.Set("\xfe")}, "title", badUTF8},
		{"ErrDescriptionNUL", task.Patch{Description: task.Set("\x00")}, "description", controlMultiline},
		{"ErrDescriptionInvalidUTF8", task.Patch{Description: task.Set("\x80")}, "description", badUTF8},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tk := mustNew(t)
			wantInvalid(t, tk.Apply(tt.patch, now), tt.field, tt.wantMsg)
			if tk.Title() != "original" || *tk.Description() != "desc" {
				t.Fatalf("a refused patch changed the task: %+v", tk.Snapshot())
			}
		})
	}
}
