package httpapi

import (
	"encoding/json"
	"math/rand/v2"
	"net/http/httptest"
	"strconv"
	"testing"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/todoapi/todo/core/task"
)

// appendTime must write exactly what time.AppendFormat writes with
// timeLayout, for any instant in any zone.
func TestAppendTime(t *testing.T) {
	times := []time.Time{
		time.Date(2026, 11, 25, 19, 40, 0, 123456000, time.UTC),
		time.Date(2026, 11, 25, 23, 59, 59, 999999999, time.FixedZone("W", -5*3600)), // another day in UTC
		time.Date(2024, 2, 29, 0, 0, 0, 0, time.UTC),
		time.Date(0, 1, 1, 0, 0, 0, 0, time.UTC),
		time.Date(9999, 12, 31, 23, 59, 59, 999999000, time.UTC),
		time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC), // the general path
		time.Date(-1, 1, 1, 0, 0, 0, 0, time.UTC),
		{},
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for range 10000 {
		times = append(times, time.Unix(rng.Int64N(1<<37)-1<<36, rng.Int64N(1e9)))
	}
	for _, tm := range times {
		want := tm.UTC().AppendFormat(nil, timeLayout)
		if got := appendTime([]byte("x"), tm); string(got) != "x"+string(want) {
			t.Fatalf("appendTime(%v) = %q, want %q", tm, got[1:], want)
		}
	}
}

// appendString must produce JSON that decodes back to the same string.
func FuzzAppendString(f *testing.F) {
	for _, s := range []string{"", "plain", "quote \" backslash \\ newline \n", "\u2028\u2029", "\xff\xfe", "日本語 😀", "\x00\x1f<>&"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		b := appendString(nil, s)
		var got string
		if err := json.Unmarshal(b, &got); err != nil {
			t.Fatalf("appendString(%q) = %s: not JSON: %v", s, b, err)
		}
		want, _ := json.Marshal(s) // encoding/json's reading of s (invalid UTF-8 as U+FFFD)
		var wantStr string
		_ = json.Unmarshal(want, &wantStr)
		if got != wantStr {
			t.Fatalf("appendString(%q) decodes to %q, want %q", s, got, wantStr)
		}
	})
}

// BenchmarkAppendTasks measures the task encoder alone: a list of 50 tasks,
// half of them with a description, into a reused buffer, as sendTasks
// writes it. The Planned variant gives every other task a plan (priority,
// two tags, a due date, a reminder, a recurrence) and every third one
// completed_at and a next occurrence. PlannedETag adds the list's ETag,
// which hashes what was encoded: the cost of the tag beside the encoding's.
func BenchmarkAppendTasks(b *testing.B) {
	b.Run("Plain", func(b *testing.B) { benchmarkAppendTasks(b, false, false) })
	b.Run("Planned", func(b *testing.B) { benchmarkAppendTasks(b, true, false) })
	b.Run("PlannedETag", func(b *testing.B) { benchmarkAppendTasks(b, true, true) })
}

func benchmarkAppendTasks(b *testing.B, planned, tagged bool) {
	now := time.Date(2026, 11, 25, 19, 40, 0, 123456000, time.UTC)
	desc := "Two litres, \"organic\" if they have it"
	remind := now.Add(24 * time.Hour)
	next := task.ID{0x01, 0x93, 0xb5, 0xc2, 0x6a, 0x4e, 0x7c, 0x1e, 0x9f, 0xff}
	tasks := make([]*task.Task, 50)
	for i := range tasks {
		s := task.Snapshot{
			ID: task.ID{0x01, 0x93, 0xb5, 0xc2, 0x6a, 0x4e, 0x7c, 0x1e, 0x9f, byte(i)}, Owner: "Xk3f9Qp2",
			Title: "Buy milk " + strconv.Itoa(i), Completed: i%3 == 0,
			CreatedAt: now.Add(time.Duration(i) * time.Second), UpdatedAt: now.Add(time.Duration(i) * time.Minute), Version: 1,
		}
		if i%2 == 0 {
			s.Description = &desc
		}
		if planned && i%2 == 0 {
			s.Plan = task.Plan{Priority: task.PriorityHigh, Tags: []string{"home", "errands"}, Due: task.DueOn(2026, 12, 24),
				RemindAt: &remind, Recurrence: task.RecurrenceWeekly}
		}
		if planned && i%3 == 0 {
			s.CompletedAt, s.Next = &now, &next
		}
		tasks[i] = task.FromSnapshot(s)
	}
	buf := make([]byte, 0, 64<<10)
	b.ReportAllocs()
	for b.Loop() {
		buf = append(buf[:0], '[')
		for i, t := range tasks {
			if i > 0 {
				buf = append(buf, ',')
			}
			buf = appendTask(buf, t)
		}
		buf = append(buf, ']')
		if tagged {
			_ = listETag(buf, nil, nil)
		}
	}
	if !json.Valid(buf) {
		b.Fatalf("not JSON: %s", buf)
	}
}

// BenchmarkDecodePatch measures reading a body into a patch, as create and
// update do: v1's members only, and every writable member.
func BenchmarkDecodePatch(b *testing.B) {
	gin.SetMode(gin.ReleaseMode)
	c, _ := gin.CreateTestContext(httptest.NewRecorder())
	for _, bc := range []struct{ name, body string }{
		{"V1", `{"title":"Buy milk","description":"Two litres","completed":true,"id":"ignored"}`},
		{"V2", `{"title":"Buy milk","description":"Two litres","completed":true,"id":"ignored",` +
			`"priority":"high","tags":["home","errands"],"due_date":"2026-12-24","remind_at":"2026-12-24T09:00:00Z","recurrence":"weekly"}`},
	} {
		body := []byte(bc.body)
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				m, ok := parseObject(c, body)
				if !ok {
					b.Fatal("parseObject failed")
				}
				if _, _, ok := decodePatch(c, m); !ok {
					b.Fatal("decodePatch failed")
				}
			}
		})
	}
}
