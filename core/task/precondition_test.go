package task_test

import (
	"testing"

	"github.com/todoapi/todo/core/apperr"
	"github.com/todoapi/todo/core/task"
)

func TestPrecondition(t *testing.T) {
	tk := task.FromSnapshot(task.Snapshot{ID: someID, Owner: "alice", Title: "versioned", Version: 3})
	versions := func(v ...int64) *task.Versions { return &task.Versions{List: v} }
	anyVersion := &task.Versions{Any: true}
	tests := []struct {
		name          string
		pre           task.Precondition
		fails         bool
		wantUnchanged bool
	}{
		{"None", task.Precondition{}, false, false},
		{"IfMatchCurrent", task.Precondition{IfMatch: versions(3)}, false, false},
		{"IfMatchOneOfSeveral", task.Precondition{IfMatch: versions(1, 3, 7)}, false, false},
		{"IfMatchAny", task.Precondition{IfMatch: anyVersion}, false, false},
		{"ErrIfMatchStale", task.Precondition{IfMatch: versions(2)}, true, false},
		{"ErrIfMatchNothing", task.Precondition{IfMatch: versions()}, true, false},
		{"IfNoneMatchOther", task.Precondition{IfNoneMatch: versions(2)}, false, false},
		{"ErrIfNoneMatchCurrent", task.Precondition{IfNoneMatch: versions(2, 3)}, true, true},
		{"ErrIfNoneMatchAny", task.Precondition{IfNoneMatch: anyVersion}, true, true},
		{"BothHold", task.Precondition{IfMatch: versions(3), IfNoneMatch: versions(2)}, false, false},
		// RFC 9110 §13.2.2: If-Match is evaluated first.
		{"ErrIfMatchBeforeIfNoneMatch", task.Precondition{IfMatch: versions(2), IfNoneMatch: versions(3)}, true, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.pre.Check(tk)
			if !tt.fails {
				if err != nil {
					t.Fatalf("Check = %v, want nil", err)
				}
				return
			}
			if got := apperr.CodeOf(err); got != apperr.EPRECONDITION {
				t.Fatalf("Check = %v (code %q), want %q", err, got, apperr.EPRECONDITION)
			}
			pf := task.PreconditionFailedOf(err)
			if pf == nil || pf.Version != 3 || pf.Unchanged != tt.wantUnchanged {
				t.Fatalf("PreconditionFailedOf = %+v, want version 3, unchanged %v", pf, tt.wantUnchanged)
			}
		})
	}
	if task.PreconditionFailedOf(task.ErrNotFound()) != nil {
		t.Fatal("PreconditionFailedOf found a cause in ENOTFOUND")
	}
}
