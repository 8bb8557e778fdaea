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
func TestWireRoundTrip(t *testing.T) {
	gin.SetMode(gin.ReleaseMode)
	desc := "Two litres"
	now := time.Date(2026, 11, 25, 19, 40, 0, 123456000, time.UTC)
	for _, s := range []task.Snapshot{
		{Owner: "alice", Title: "Buy milk", Description: &desc, Completed: true, CreatedAt: now, UpdatedAt: now, Version: 1},
		{Owner: "bob", Title: `quote " and \ and 😀`, CreatedAt: now, UpdatedAt: now.Add(time.Second), Version: 2},
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
		p, ok := decodePatch(c, m)
		if !ok {
			t.Fatalf("decodePatch(%s) refused it", b)
		}
		want := task.Patch{Title: task.Set(s.Title), Description: task.Null[string](), Completed: task.Set(s.Completed)}
		if s.Description != nil {
			want.Description = task.Set(*s.Description)
		}
		if !reflect.DeepEqual(p, want) {
			t.Fatalf("decodePatch(%s) = %+v, want %+v", b, p, want)
		}
	}
}
