package sqlstore

import (
	"testing"
	"time"
)

func TestTimestampScan(t *testing.T) {
	want := time.Date(2026, 11, 25, 19, 40, 0, 123456000, time.UTC)
	for _, src := range []any{
		"2026-11-25T19:40:00.123456Z", // what the store writes
		[]byte("2026-11-25T19:40:00.123456Z"),
		"2026-11-25T20:40:00.123456+01:00", // RFC 3339 from elsewhere
		"2026-11-25 19:40:00.123456+00",    // PostgreSQL's text form
		want.In(time.FixedZone("X", 3600)),
	} {
		var ts timestamp
		if err := ts.Scan(src); err != nil {
			t.Fatalf("Scan(%v): %v", src, err)
		}
		if got := time.Time(ts); !got.Equal(want) || got.Location() != time.UTC {
			t.Errorf("Scan(%v) = %v, want %v in UTC", src, got, want)
		}
	}
	for _, bad := range []any{
		"2026-02-30T00:00:00.000000Z", // no such day
		"2026-13-01T00:00:00.000000Z",
		"2026-11-25T24:00:00.000000Z",
		"2026-11-25T19:60:00.000000Z",
		"2026-11-25T19:40:00.12345xZ",
		"2026-11-25T19:40:00.123456",
		"",
		int64(0),
	} {
		var ts timestamp
		if err := ts.Scan(bad); err == nil {
			t.Errorf("Scan(%v) = %v, want an error", bad, time.Time(ts))
		}
	}
}

// parseTimestamp, the fast path, must agree with time.Parse wherever it
// answers, and timestamp.Scan as a whole must read everything time.Parse
// reads in the store's layout.
func FuzzParseTimestamp(f *testing.F) {
	f.Add("2026-11-25T19:40:00.123456Z")
	f.Add("2024-02-29T23:59:59.999999Z")
	f.Add("2023-02-29T00:00:00.000000Z")
	f.Add("0000-01-01T00:00:00.000000Z")
	f.Fuzz(func(t *testing.T, s string) {
		got, ok := parseTimestamp(s)
		want, err := time.Parse(timestampLayout, s)
		if ok && (err != nil || !got.Equal(want)) {
			t.Fatalf("parseTimestamp(%q) = %v; time.Parse: %v, %v", s, got, want, err)
		}
		var ts timestamp
		if serr := ts.Scan(s); err == nil && (serr != nil || !time.Time(ts).Equal(want)) {
			t.Fatalf("Scan(%q) = %v, %v; time.Parse reads %v", s, time.Time(ts), serr, want)
		}
	})
}
