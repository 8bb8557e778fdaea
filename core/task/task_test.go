package task_test

import (
	"strings"
	"testing"
	"time"

	"github.com/todoapi/todo/core/apperr"
	"github.com/todoapi/todo/core/task"
)

var (
	now    = time.Date(2026, 11, 25, 19, 40, 0, 123456789, time.UTC)
	someID = task.ID{0x01, 0x93, 0xb5, 0xc2, 0x6a, 0x4e, 0x7c, 0x1e, 0x9f, 0x7a, 0x2b, 0x1f, 0x0c, 0x9d, 0x8e, 0x7a}
)

func ptr(s string) *string { return &s }

func fieldsOf(err error) []string {
	var names []string
	for _, f := range apperr.FieldsOf(err) {
		names = append(names, f.Field)
	}
	return names
}

func TestNew(t *testing.T) {
	tests := []struct {
		name      string
		draft     task.Draft
		wantTitle string
		wantErr   []string // fields named by EINVALID; nil means valid
	}{
		{"OK", task.Draft{Title: "Buy milk"}, "Buy milk", nil},
		{"TrimsTitle", task.Draft{Title: " \t Buy milk \n"}, "Buy milk", nil},
		{"TitleMaxCodePoints", task.Draft{Title: strings.Repeat("😀", 200)}, strings.Repeat("😀", 200), nil},
		{"TitleMaxAfterTrim", task.Draft{Title: "  " + strings.Repeat("a", 200) + "  "}, strings.Repeat("a", 200), nil},
		{"ErrTitleEmpty", task.Draft{Title: ""}, "", []string{"title"}},
		{"ErrTitleBlank", task.Draft{Title: " \u00a0\t\n "}, "", []string{"title"}},
		{"ErrTitleTooLong", task.Draft{Title: strings.Repeat("😀", 201)}, "", []string{"title"}},
		{"DescriptionMax", task.Draft{Title: "t", Description: ptr(strings.Repeat("é", 1000))}, "t", nil},
		{"DescriptionEmpty", task.Draft{Title: "t", Description: ptr("")}, "t", nil},
		{"ErrDescriptionTooLong", task.Draft{Title: "t", Description: ptr(strings.Repeat("é", 1001))}, "", []string{"description"}},
		{"ErrBoth", task.Draft{Title: "", Description: ptr(strings.Repeat("x", 1001))}, "", []string{"title", "description"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := task.New(someID, "alice", tt.draft, now)
			if tt.wantErr != nil {
				if apperr.CodeOf(err) != apperr.EINVALID {
					t.Fatalf("err = %v, want EINVALID", err)
				}
				if g, w := strings.Join(fieldsOf(err), ","), strings.Join(tt.wantErr, ","); g != w {
					t.Fatalf("fields = %s, want %s", g, w)
				}
				return
			}
			if err != nil {
				t.Fatalf("New: %v", err)
			}
			if got.Title() != tt.wantTitle {
				t.Fatalf("title = %q, want %q", got.Title(), tt.wantTitle)
			}
		})
	}
}

func TestNewSetsFields(t *testing.T) {
	desc := "two litres"
	got, err := task.New(someID, "alice", task.Draft{Title: "Buy milk", Description: &desc, Completed: true}, now.In(time.FixedZone("X", 3600)))
	if err != nil {
		t.Fatal(err)
	}
	desc = "changed after New"
	s := got.Snapshot()
	want := now.Truncate(time.Microsecond)
	if s.ID != someID || s.Owner != "alice" || !s.Completed || *s.Description != "two litres" {
		t.Fatalf("snapshot = %+v", s)
	}
	if !s.CreatedAt.Equal(want) || !s.UpdatedAt.Equal(want) || s.CreatedAt.Location() != time.UTC {
		t.Fatalf("times = %v %v, want %v in UTC", s.CreatedAt, s.UpdatedAt, want)
	}
}

func TestNewRequiresOwner(t *testing.T) {
	_, err := task.New(someID, "", task.Draft{Title: "t"}, now)
	if apperr.CodeOf(err) != apperr.EINVALID {
		t.Fatalf("err = %v, want EINVALID", err)
	}
}

func mustNew(t *testing.T) *task.Task {
	t.Helper()
	tk, err := task.New(someID, "alice", task.Draft{Title: "original", Description: ptr("desc")}, now)
	if err != nil {
		t.Fatal(err)
	}
	return tk
}

func TestApply(t *testing.T) {
	later := now.Add(time.Minute)
	tests := []struct {
		name      string
		patch     task.Patch
		wantTitle string
		wantDesc  *string
		wantDone  bool
		wantMoved bool
		wantErr   []string
	}{
		{"Empty", task.Patch{}, "original", ptr("desc"), false, false, nil},
		{"TitleOnly", task.Patch{Title: task.Set("  new  ")}, "new", ptr("desc"), false, true, nil},
		{"SameValues", task.Patch{Title: task.Set("original"), Description: task.Set("desc"), Completed: task.Set(false)}, "original", ptr("desc"), false, false, nil},
		{"ClearDescription", task.Patch{Description: task.Null[string]()}, "original", nil, false, true, nil},
		{"Complete", task.Patch{Completed: task.Set(true)}, "original", ptr("desc"), true, true, nil},
		{"ErrTitleNull", task.Patch{Title: task.Null[string]()}, "", nil, false, false, []string{"title"}},
		{"ErrTitleBlank", task.Patch{Title: task.Set("   ")}, "", nil, false, false, []string{"title"}},
		{"ErrCompletedNull", task.Patch{Completed: task.Null[bool]()}, "", nil, false, false, []string{"completed"}},
		{"ErrNothingAppliedWhenOneFieldBad", task.Patch{Title: task.Set("fine"), Description: task.Set(strings.Repeat("x", 1001))}, "", nil, false, false, []string{"description"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tk := mustNew(t)
			before := tk.Snapshot()
			err := tk.Apply(tt.patch, later)
			if tt.wantErr != nil {
				if apperr.CodeOf(err) != apperr.EINVALID || strings.Join(fieldsOf(err), ",") != strings.Join(tt.wantErr, ",") {
					t.Fatalf("err = %v (fields %v), want EINVALID on %v", err, fieldsOf(err), tt.wantErr)
				}
				if after := tk.Snapshot(); after.Title != before.Title || *after.Description != *before.Description || after.UpdatedAt != before.UpdatedAt {
					t.Fatalf("a refused patch changed the task: %+v", after)
				}
				return
			}
			if err != nil {
				t.Fatalf("Apply: %v", err)
			}
			if tk.Title() != tt.wantTitle || tk.Completed() != tt.wantDone {
				t.Fatalf("task = %+v", tk.Snapshot())
			}
			if d := tk.Description(); (d == nil) != (tt.wantDesc == nil) || (d != nil && *d != *tt.wantDesc) {
				t.Fatalf("description = %v, want %v", d, tt.wantDesc)
			}
			if moved := tk.UpdatedAt().After(before.UpdatedAt); moved != tt.wantMoved {
				t.Fatalf("updated_at moved = %v, want %v", moved, tt.wantMoved)
			}
			if !tk.CreatedAt().Equal(before.CreatedAt) {
				t.Fatal("created_at changed")
			}
		})
	}
}

func TestToggleAndSetCompleted(t *testing.T) {
	tk := mustNew(t)
	tk.Toggle(now.Add(time.Second))
	if !tk.Completed() || !tk.UpdatedAt().Equal(now.Add(time.Second).Truncate(time.Microsecond)) {
		t.Fatalf("after Toggle: %+v", tk.Snapshot())
	}
	tk.Toggle(now.Add(2 * time.Second))
	if tk.Completed() {
		t.Fatal("second Toggle did not flip back")
	}
	stamp := tk.UpdatedAt()
	tk.SetCompleted(false, now.Add(time.Hour))
	if !tk.UpdatedAt().Equal(stamp) {
		t.Fatal("SetCompleted to the same value moved updated_at")
	}
	tk.SetCompleted(true, now.Add(time.Hour))
	if !tk.Completed() || !tk.UpdatedAt().Equal(now.Add(time.Hour).Truncate(time.Microsecond)) {
		t.Fatalf("after SetCompleted(true): %+v", tk.Snapshot())
	}
}

// A clock that stands still or goes back must still move updated_at forward.
func TestUpdatedAtAlwaysMovesForward(t *testing.T) {
	tk := mustNew(t)
	prev := tk.UpdatedAt()
	for i := 0; i < 3; i++ {
		tk.Toggle(now.Add(-time.Hour))
		if !tk.UpdatedAt().After(prev) {
			t.Fatalf("change %d: updated_at %v not after %v", i, tk.UpdatedAt(), prev)
		}
		prev = tk.UpdatedAt()
	}
}

func TestSnapshotIsACopy(t *testing.T) {
	tk := mustNew(t)
	s := tk.Snapshot()
	*s.Description = "mutated"
	if *tk.Description() != "desc" {
		t.Fatal("changing a snapshot changed the task")
	}
	d := tk.Description()
	*d = "mutated"
	if *tk.Description() != "desc" {
		t.Fatal("changing Description()'s result changed the task")
	}
}

func TestParseID(t *testing.T) {
	canonical := "0193b5c2-6a4e-7c1e-9f7a-2b1f0c9d8e7a"
	id, err := task.ParseID(canonical)
	if err != nil || id != someID || id.String() != canonical {
		t.Fatalf("ParseID(%q) = %v, %v", canonical, id, err)
	}
	if id, err := task.ParseID(strings.ToUpper(canonical)); err != nil || id != someID {
		t.Fatalf("upper case: %v, %v", id, err)
	}
	for _, bad := range []string{"", "tasks", "123", canonical + "0", canonical[:35], "0193b5c2x6a4e-7c1e-9f7a-2b1f0c9d8e7a", "0193b5c2-6a4e-7c1e-9f7a-2b1f0c9d8e7g", "{0193b5c2-6a4e-7c1e-9f7a-2b1f0c9d8e7a}"} {
		if _, err := task.ParseID(bad); apperr.CodeOf(err) != apperr.ENOTFOUND {
			t.Errorf("ParseID(%q) err = %v, want ENOTFOUND", bad, err)
		}
	}
}
