package httpapi

import (
	"encoding/json"
	"net/http/httptest"
	"reflect"
	"testing"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/todoapi/todo/core/task"
)

// What appendTask writes, decodePatch reads back: every writable member of
// the table goes both ways, so a member added to one side only is caught.
// A task made from the patch has the same writable state as the original.
func TestWireRoundTrip(t *testing.T) {
	gin.SetMode(gin.ReleaseMode)
	desc := "Two litres"
	now := time.Date(2026, 11, 25, 19, 40, 0, 123456000, time.UTC)
	remind := now.Add(36 * time.Hour)
	for _, s := range []task.Snapshot{
		{Owner: "alice", Title: "Buy milk", Description: &desc, Completed: true, CreatedAt: now, UpdatedAt: now, Version: 1, CompletedAt: &now},
		{Owner: "bob", Title: `quote " and \ and 😀`, CreatedAt: now, UpdatedAt: now.Add(time.Second), Version: 2},
		{Owner: "carol", Title: "plan", CreatedAt: now, UpdatedAt: now, Version: 3, Plan: task.Plan{
			Priority: task.PriorityUrgent, Tags: []string{"Home", `"quoted"`}, Due: task.DueOn(2026, 2, 28),
			RemindAt: &remind, Recurrence: task.RecurrenceMonthly}},
		{Owner: "dave", Title: "at", CreatedAt: now, UpdatedAt: now, Version: 1, Plan: task.Plan{
			Priority: task.PriorityLow, Due: task.DueAt(now.Add(time.Hour)), Recurrence: task.RecurrenceYearly}},
	} {
		tk := task.FromSnapshot(s)
		b := appendTask(nil, tk)
		var m map[string]json.RawMessage
		if err := json.Unmarshal(b, &m); err != nil {
			t.Fatalf("%s: %v", b, err)
		}
		if len(m) != len(taskFields) {
			t.Fatalf("%s has %d members, the table %d", b, len(m), len(taskFields))
		}
		c, _ := gin.CreateTestContext(httptest.NewRecorder())
		p, _, ok := decodePatch(c, m)
		if !ok {
			t.Fatalf("decodePatch(%s) refused it", b)
		}
		back, err := task.NewFromPatch(tk.ID(), tk.Owner(), p, now)
		if err != nil {
			t.Fatalf("NewFromPatch(decodePatch(%s)): %v", b, err)
		}
		got, want := back.Snapshot(), tk.Snapshot()
		if got.Title != want.Title || !reflect.DeepEqual(got.Description, want.Description) || got.Completed != want.Completed {
			t.Fatalf("%s read back as %+v", b, got)
		}
		if len(got.Plan.Tags)+len(want.Plan.Tags) == 0 { // nil and empty alike
			got.Plan.Tags, want.Plan.Tags = nil, nil
		}
		if !reflect.DeepEqual(got.Plan, want.Plan) {
			t.Fatalf("%s: plan read back as %#v, want %#v", b, got.Plan, want.Plan)
		}
	}
}

// appendDue writes what Due.String says, quoted, for every kind of due
// date, without allocating.
func TestAppendDue(t *testing.T) {
	for _, d := range []task.Due{
		{}, task.DueOn(2026, 2, 28), task.DueOn(1, 1, 1), task.DueOn(9999, 12, 31),
		task.DueAt(time.Date(2026, 11, 25, 19, 40, 0, 123456789, time.FixedZone("X", 3600))),
	} {
		want := "null"
		if !d.IsZero() {
			want = `"` + d.String() + `"`
		}
		if got := string(appendDue(nil, d)); got != want {
			t.Errorf("appendDue(%v) = %s, want %s", d, got, want)
		}
		buf := make([]byte, 0, 64)
		if n := testing.AllocsPerRun(10, func() { buf = appendDue(buf[:0], d) }); n != 0 {
			t.Errorf("appendDue(%v) allocates %v times", d, n)
		}
	}
}
