package task_test

import (
	"strings"
	"testing"

	"github.com/todoapi/todo/core/apperr"
	"github.com/todoapi/todo/core/task"
)

// wantBadParam fails unless err is a listing parameter error with message
// msg: EINVALID with no field errors.
func wantBadParam(t *testing.T, err error, msg string) {
	t.Helper()
	if apperr.CodeOf(err) != apperr.EINVALID || apperr.FieldsOf(err) != nil {
		t.Fatalf("err = %v (fields %v), want EINVALID without fields", err, apperr.FieldsOf(err))
	}
	if got := apperr.MessageOf(err); got != msg {
		t.Fatalf("message = %q, want %q", got, msg)
	}
}

func TestParseStatus(t *testing.T) {
	tests := []struct {
		in      string
		want    task.Status
		wantErr bool
	}{
		{"all", task.StatusAll, false},
		{"pending", task.StatusPending, false},
		{"completed", task.StatusCompleted, false},
		{"open", task.StatusPending, false},
		{"incomplete", task.StatusPending, false},
		{"todo", task.StatusPending, false},
		{"done", task.StatusCompleted, false},
		{"complete", task.StatusCompleted, false},
		{"Completed", task.StatusCompleted, false},
		{" DONE ", task.StatusCompleted, false},
		{"", 0, true},
		{"closed", 0, true},
		{"true", 0, true},
		{"pending,completed", 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := task.ParseStatus(tt.in)
			if tt.wantErr {
				wantBadParam(t, err, "status: must be one of all, pending, completed")
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("ParseStatus(%q) = %v, %v; want %v", tt.in, got, err, tt.want)
			}
		})
	}
}

func TestParseCompleted(t *testing.T) {
	tests := []struct {
		in      string
		want    task.Status
		wantErr bool
	}{
		{"true", task.StatusCompleted, false},
		{"false", task.StatusPending, false},
		{"TRUE", task.StatusCompleted, false},
		{"", 0, true},
		{"1", 0, true},
		{"yes", 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := task.ParseCompleted(tt.in)
			if tt.wantErr {
				wantBadParam(t, err, "completed: must be true or false")
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("ParseCompleted(%q) = %v, %v; want %v", tt.in, got, err, tt.want)
			}
		})
	}
}

func TestStatusMatches(t *testing.T) {
	tests := []struct {
		s                 task.Status
		pending, complete bool
	}{
		{task.StatusAll, true, true},
		{task.StatusPending, true, false},
		{task.StatusCompleted, false, true},
	}
	for _, tt := range tests {
		if got := tt.s.Matches(false); got != tt.pending {
			t.Errorf("%v.Matches(false) = %v", tt.s, got)
		}
		if got := tt.s.Matches(true); got != tt.complete {
			t.Errorf("%v.Matches(true) = %v", tt.s, got)
		}
		if back, err := task.ParseStatus(tt.s.String()); err != nil || back != tt.s {
			t.Errorf("ParseStatus(%q) = %v, %v", tt.s, back, err)
		}
	}
}

func TestParseSort(t *testing.T) {
	tests := []struct {
		in       string
		want     task.SortField
		wantDesc bool
		wantErr  bool
	}{
		{"created", task.SortCreated, false, false},
		{"updated", task.SortUpdated, false, false},
		{"title", task.SortTitle, false, false},
		{"due_date", task.SortDueDate, false, false},
		{"priority", task.SortPriority, false, false},
		{"created_at", task.SortCreated, false, false},
		{"updated_at", task.SortUpdated, false, false},
		{"due_at", task.SortDueDate, false, false},
		{"due", task.SortDueDate, false, false},
		{"-created", task.SortCreated, true, false},
		{"-due", task.SortDueDate, true, false},
		{"-priority", task.SortPriority, true, false},
		{"Title", task.SortTitle, false, false},
		{" -Due_Date ", task.SortDueDate, true, false},
		{"", 0, false, true},
		{"-", 0, false, true},
		{"--title", 0, false, true},
		{"+title", 0, false, true},
		{"- title", 0, false, true},
		{"id", 0, false, true},
		{"description", 0, false, true},
		{"title,priority", 0, false, true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, desc, err := task.ParseSort(tt.in)
			if tt.wantErr {
				wantBadParam(t, err, "sort: must be one of created, updated, title, due_date, priority, each optionally after a -")
				return
			}
			if err != nil || got != tt.want || desc != tt.wantDesc {
				t.Fatalf("ParseSort(%q) = %v, %v, %v; want %v, %v", tt.in, got, desc, err, tt.want, tt.wantDesc)
			}
			if back, _, err := task.ParseSort(got.String()); err != nil || back != got {
				t.Fatalf("ParseSort(%q) = %v, %v", got, back, err)
			}
		})
	}
}

func TestParseOrder(t *testing.T) {
	tests := []struct {
		in      string
		want    task.Order
		wantErr bool
	}{
		{"asc", task.OrderAsc, false},
		{"desc", task.OrderDesc, false},
		{"DESC", task.OrderDesc, false},
		{"", 0, true},
		{"ascending", 0, true},
		{"default", 0, true},
		{"-1", 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := task.ParseOrder(tt.in)
			if tt.wantErr {
				wantBadParam(t, err, "order: must be one of asc, desc")
				return
			}
			if err != nil || got != tt.want || got.String() != keywordOf(tt.in) {
				t.Fatalf("ParseOrder(%q) = %v, %v; want %v", tt.in, got, err, tt.want)
			}
		})
	}
}

// keywordOf is what the parsers match: the input in ASCII lower case.
func keywordOf(s string) string {
	b := []byte(strings.TrimSpace(s))
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}

func TestResolveOrder(t *testing.T) {
	tests := []struct {
		name  string
		field task.SortField
		dash  bool
		order task.Order
		want  task.Order
	}{
		{"CreatedDefault", task.SortCreated, false, task.OrderDefault, task.OrderDesc},
		{"UpdatedDefault", task.SortUpdated, false, task.OrderDefault, task.OrderDesc},
		{"TitleDefault", task.SortTitle, false, task.OrderDefault, task.OrderAsc},
		{"DueDateDefault", task.SortDueDate, false, task.OrderDefault, task.OrderAsc},
		{"PriorityDefault", task.SortPriority, false, task.OrderDefault, task.OrderDesc},
		{"OrderAscOverridesDefault", task.SortCreated, false, task.OrderAsc, task.OrderAsc},
		{"OrderDescOverridesDefault", task.SortTitle, false, task.OrderDesc, task.OrderDesc},
		{"DashOnAscendingField", task.SortTitle, true, task.OrderDefault, task.OrderDesc},
		{"DashWinsOverOrderAsc", task.SortDueDate, true, task.OrderAsc, task.OrderDesc},
		{"DashAgreesWithOrderDesc", task.SortPriority, true, task.OrderDesc, task.OrderDesc},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := task.ResolveOrder(tt.field, tt.dash, tt.order); got != tt.want {
				t.Fatalf("ResolveOrder(%v, %v, %v) = %v, want %v", tt.field, tt.dash, tt.order, got, tt.want)
			}
		})
	}
}

func TestDefaultOrder(t *testing.T) {
	want := map[task.SortField]task.Order{
		task.SortCreated: task.OrderDesc, task.SortUpdated: task.OrderDesc, task.SortTitle: task.OrderAsc,
		task.SortDueDate: task.OrderAsc, task.SortPriority: task.OrderDesc,
	}
	for f, o := range want {
		if got := task.DefaultOrder(f); got != o {
			t.Errorf("DefaultOrder(%v) = %v, want %v", f, got, o)
		}
	}
}

func TestListingLimits(t *testing.T) {
	if task.MaxListLimit != 1000 || task.DefaultListLimit != 1000 || task.MaxPageOffset != 10000 || task.MaxSearchLength != 200 {
		t.Fatalf("limits = %d %d %d %d", task.MaxListLimit, task.DefaultListLimit, task.MaxPageOffset, task.MaxSearchLength)
	}
}
