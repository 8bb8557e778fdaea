package task_test

import (
	"testing"

	"github.com/todoapi/todo/core/task"
)

func TestParsePriority(t *testing.T) {
	tests := []struct {
		in      string
		want    task.Priority
		wantErr bool
	}{
		{"low", task.PriorityLow, false},
		{"medium", task.PriorityMedium, false},
		{"high", task.PriorityHigh, false},
		{"urgent", task.PriorityUrgent, false},
		{"URGENT", task.PriorityUrgent, false},
		{"High", task.PriorityHigh, false},
		{" low\t", task.PriorityLow, false},
		{"critical", task.PriorityUrgent, false},
		{"Critical", task.PriorityUrgent, false},
		{"", 0, true},
		{"none", 0, true},
		{"normal", 0, true},
		{"1", 0, true},
		{"lo w", 0, true},
		{"urgent!", 0, true},
		{"low\x00", 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := task.ParsePriority(tt.in)
			if tt.wantErr {
				wantInvalid(t, err, "priority", "must be one of low, medium, high, urgent")
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("ParsePriority(%q) = %v, %v; want %v", tt.in, got, err, tt.want)
			}
		})
	}
}

func TestPriorityOrderAndNames(t *testing.T) {
	all := []task.Priority{task.PriorityLow, task.PriorityMedium, task.PriorityHigh, task.PriorityUrgent}
	names := []string{"low", "medium", "high", "urgent"}
	for i, p := range all {
		if got := p.String(); got != names[i] {
			t.Errorf("%d.String() = %q, want %q", p, got, names[i])
		}
		if got := p.Rank(); got != i {
			t.Errorf("%v.Rank() = %d, want %d", p, got, i)
		}
		if back, ok := task.PriorityFromRank(i); !ok || back != p {
			t.Errorf("PriorityFromRank(%d) = %v, %v", i, back, ok)
		}
		if back, err := task.ParsePriority(p.String()); err != nil || back != p {
			t.Errorf("ParsePriority(%q) = %v, %v", p, back, err)
		}
		if !p.Valid() {
			t.Errorf("%v is not valid", p)
		}
		if i > 0 && !(all[i-1] < p) {
			t.Errorf("%v is not below %v", all[i-1], p)
		}
	}
	var zero task.Priority
	if zero != task.PriorityMedium || task.DefaultPriority != task.PriorityMedium {
		t.Fatalf("zero value %v, default %v: want medium", zero, task.DefaultPriority)
	}
}

func TestPriorityOutOfRange(t *testing.T) {
	for _, r := range []int{-1, 4, 100} {
		if p, ok := task.PriorityFromRank(r); ok {
			t.Errorf("PriorityFromRank(%d) = %v, true", r, p)
		}
	}
	bad := task.PriorityUrgent + 1
	if bad.Valid() || bad.String() != "Priority(3)" {
		t.Fatalf("out of range: Valid %v, String %q", bad.Valid(), bad.String())
	}
}
