package httpapi

import (
	"encoding/base64"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/todoapi/todo/core/task"
)

var (
	someID   = task.ID{0x01, 0x93, 0xb5, 0xc2, 0x6a, 0x4e, 0x7c, 0x1e, 0x9f, 0x7a, 0x2b, 0x1f, 0x0c, 0x9d, 0x8e, 0x7a}
	someTime = time.Date(2026, 11, 25, 19, 40, 0, 123456000, time.UTC)
	linkRE   = regexp.MustCompile(`^<(/[^<>\s]*)>; rel="next"$`)
)

// positions are one of every kind a cursor holds, at the edges of what a
// position can hold.
var positions = []task.Position{
	{Sort: task.SortCreated, Time: someTime, ID: someID},
	{Sort: task.SortCreated, Time: time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC), ID: someID},
	{Sort: task.SortUpdated, Time: time.Date(9999, 12, 31, 23, 59, 59, 999999000, time.UTC)},
	{Sort: task.SortTitle, Text: "milk", ID: someID},
	{Sort: task.SortTitle, Text: strings.Repeat("ä", task.MaxTitleLength), ID: someID},
	{Sort: task.SortTitle, Text: "", ID: someID},
	{Sort: task.SortDueDate, Time: someTime, ID: someID},
	{Sort: task.SortDueDate, None: true, ID: someID},
	{Sort: task.SortPriority, Rank: task.PriorityUrgent.Rank(), ID: someID},
	{Sort: task.SortPriority, Rank: task.PriorityLow.Rank()},
}

// A cursor decodes to the position and fingerprint it was made of.
func TestCursorRoundTrip(t *testing.T) {
	fp := fingerprint{1, 2, 3, 4, 5, 6, 7, 8}
	for _, p := range positions {
		s := encodeCursor(p, fp)
		got, gotFP, err := decodeCursor(s)
		if err != nil || gotFP != fp || !got.Time.Equal(p.Time) || got.Time.Location() != time.UTC {
			t.Fatalf("decodeCursor(encodeCursor(%+v)) = %+v, %v, %v", p, got, gotFP, err)
		}
		got.Time = p.Time
		if got != p {
			t.Fatalf("decodeCursor(encodeCursor(%+v)) = %+v", p, got)
		}
		if len(s) > maxCursor {
			t.Fatalf("a cursor of %d characters, above maxCursor %d", len(s), maxCursor)
		}
	}
}

// Anything but a cursor the server made is refused: other encodings,
// values no position holds, another version, trailing bytes.
func TestCursorRefusesOthers(t *testing.T) {
	fp := fingerprint{}
	good := encodeCursor(positions[0], fp)
	for name, s := range map[string]string{
		"empty":          "",
		"not base64":     "!!!!",
		"padded":         good + "=",
		"std alphabet":   strings.NewReplacer("-", "+", "_", "/").Replace(encodeCursor(task.Position{Sort: task.SortTitle, Text: "~~~~~~~~~"}, fp)),
		"truncated":      good[:len(good)-2],
		"longer":         good + "AA",
		"version 2":      reencode(good, func(b []byte) { b[0] = 2 }),
		"sort 5":         reencode(good, func(b []byte) { b[1] = 5 }),
		"non-minimal":    rawCursor(1, byte(task.SortTitle), 0x81, 0x00, 'a'),
		"no key":         rawCursor(1, byte(task.SortCreated)),
		"rank and more":  rawCursor(1, byte(task.SortPriority), 1, 1),
		"none and time":  rawCursor(1, byte(task.SortDueDate), 1, 2),
		"flag 2":         rawCursor(1, byte(task.SortDueDate), 2, 2),
		"year 10000":     encodeCursor(task.Position{Sort: task.SortCreated, Time: time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)}, fp),
		"year 0":         encodeCursor(task.Position{Sort: task.SortCreated, Time: time.Date(0, 12, 31, 0, 0, 0, 0, time.UTC)}, fp),
		"rank 4":         encodeCursor(task.Position{Sort: task.SortPriority, Rank: 4}, fp),
		"control char":   encodeCursor(task.Position{Sort: task.SortTitle, Text: "a\x00b"}, fp),
		"invalid UTF-8":  encodeCursor(task.Position{Sort: task.SortTitle, Text: "a\xffb"}, fp),
		"title too long": encodeCursor(task.Position{Sort: task.SortTitle, Text: strings.Repeat("a", 4*task.MaxTitleLength+1)}, fp),
		"huge":           strings.Repeat("A", maxCursor+1),
	} {
		if _, _, err := decodeCursor(s); err == nil {
			t.Errorf("%s: decodeCursor(%q) accepted it", name, s)
		}
	}
}

// reencode changes the bytes of a cursor.
func reencode(s string, change func([]byte)) string {
	b, _ := base64.RawURLEncoding.DecodeString(s)
	change(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// rawCursor is a cursor of the bytes given, an id and a fingerprint.
func rawCursor(b ...byte) string {
	b = append(b, someID[:]...)
	return base64.RawURLEncoding.EncodeToString(append(b, make([]byte, 8)...))
}

// The Link of an offset page names the next page, until that page would
// skip more than task.MaxPageOffset tasks: then it names a cursor.
func TestNextLink(t *testing.T) {
	fp := fingerprint{9}
	next := task.Position{Sort: task.SortTitle, Text: "milk", ID: someID}
	for _, c := range []struct {
		query, want string
	}{
		{"", "?cursor=" + encodeCursor(next, fp)},
		{"limit=10&page=3&sort=title", "?limit=10&sort=title&page=4"},
		{"limit=1000&page=10", "?limit=1000&page=11"},
		{"limit=1000&page=11", "?limit=1000&cursor=" + encodeCursor(next, fp)},
		{"page=2&cursor=&q=a+b%26c&x=%3C%3E&bad=%zz&semi=a;b&&", "?q=a+b%26c&x=%3C%3E&page=3"},
	} {
		l, err := parseListing(mustParseQuery(t, c.query))
		if err != nil {
			t.Fatalf("%q: %v", c.query, err)
		}
		got := nextLink(&url.URL{Path: "/api/ä b/tasks", RawQuery: c.query}, l, encodeCursor(next, fp))
		if want := `</api/%C3%A4%20b/tasks` + c.want + `>; rel="next"`; got != want {
			t.Errorf("%q: Link %s, want %s", c.query, got, want)
		}
	}
}

func mustParseQuery(t testing.TB, q string) url.Values {
	t.Helper()
	v, _ := url.ParseQuery(q) // as net/http's Request.URL.Query does: bad pairs are dropped
	return v
}

// Keywords are read as the core reads them: in any case, trimmed.
func TestParseListingKeywords(t *testing.T) {
	l, err := parseListing(mustParseQuery(t, "status=%20DONE%20&sort_by=-Due_At&priority=High,CRITICAL&overdue=True&q=%20milk%20&tag=A,b,a"))
	if err != nil {
		t.Fatal(err)
	}
	q := l.q
	if q.Status != task.StatusCompleted || q.Sort != task.SortDueDate || q.Order != task.OrderDesc || !q.Overdue || q.Search != "milk" ||
		len(q.Priorities) != 2 || len(q.Tags) != 2 || q.Limit != task.DefaultListLimit {
		t.Fatalf("parsed %+v", q)
	}
}
