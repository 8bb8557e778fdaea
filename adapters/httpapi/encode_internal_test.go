package httpapi

import (
	"encoding/json"
	"math/rand/v2"
	"testing"
	"time"
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
