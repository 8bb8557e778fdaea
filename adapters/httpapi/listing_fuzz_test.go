package httpapi

import (
	"errors"
	"net/url"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/todoapi/todo/core/task"
)

// The fuzz targets of what a list request reads from a client: its query
// and its cursor. Their seeds are here and in testdata/fuzz; a crasher
// found is kept there as a seed.
//
//	go test -run '^$' -fuzz '^FuzzParseListing$' -fuzztime 2m ./adapters/httpapi/

// FuzzParseListing: whatever the query, the parser does not panic, and a
// query it accepts gives a sane Query whose Link leads to the same list.
func FuzzParseListing(f *testing.F) {
	for _, seed := range []string{
		"", "status=open&completed=false", "priority=high,,critical&priority=low", "tag=a,b&tags=c", "q=%00", "search=%FF",
		"due_after=2026-12-01&due_before=2026-12-01T10:00:00%2B01:00", "overdue=TRUE", "sort=-title&order=asc",
		"sort_by=due&sort_order=desc", "limit=1000&page=11", "page=2&cursor=", "cursor=AQA", "x=;y&&=&%zz=1",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		l, err := parseListing(mustParseQuery(t, raw))
		if err != nil {
			if pe := (*paramError)(nil); !errors.As(err, &pe) || !utf8.ValidString(err.Error()) {
				t.Fatalf("%q: error %T %q", raw, err, err)
			}
			return
		}
		q := l.q
		if q.Limit < 1 || q.Limit > task.MaxListLimit || q.Offset < 0 || q.Offset > task.MaxPageOffset || q.Offset%q.Limit != 0 ||
			q.Order == task.OrderDefault || l.page > 0 && l.cursor != "" || utf8.RuneCountInString(q.Search) > task.MaxSearchLength {
			t.Fatalf("%q: parsed %+v", raw, l)
		}
		fp := listFingerprint("u", q)
		link := nextLink(&url.URL{Path: "/api/u/tasks", RawQuery: raw}, l, encodeCursor(task.Position{Sort: q.Sort, ID: someID}, fp))
		m := linkRE.FindStringSubmatch(link)
		if m == nil {
			t.Fatalf("%q: Link %q", raw, link)
		}
		u, err := url.Parse(m[1])
		if err != nil {
			t.Fatalf("%q: Link %q: %v", raw, link, err)
		}
		again, err := parseListing(u.Query())
		if err != nil || listFingerprint("u", again.q) != fp || again.q.Limit != q.Limit {
			t.Fatalf("%q: the Link %q lists %+v, %v; want the same list", raw, link, again, err)
		}
	})
}

// FuzzDecodeCursor: whatever the string, decoding does not panic, and a
// cursor that decodes encodes back to itself, with a position that the
// list order can hold.
func FuzzDecodeCursor(f *testing.F) {
	for _, p := range positions {
		f.Add(encodeCursor(p, fingerprint{1, 2, 3}))
	}
	f.Add("")
	f.Add("AQ")
	f.Add("AQIEbWlsawGiNYLubH0XljvsBAHNPUxVRySnwue45Q")
	f.Fuzz(func(t *testing.T, s string) {
		p, fp, err := decodeCursor(s)
		if err != nil {
			return
		}
		if again := encodeCursor(p, fp); again != s {
			t.Fatalf("decodeCursor(%q) = %+v, which encodes as %q", s, p, again)
		}
		if p.Sort > task.SortPriority || p.Rank < 0 || p.Rank > task.PriorityUrgent.Rank() || !utf8.ValidString(p.Text) ||
			!p.Time.IsZero() && (p.Time.Year() < 1 || p.Time.Year() > 9999 || p.Time.Location() != time.UTC) {
			t.Fatalf("decodeCursor(%q) = %+v: not a position of a list", s, p)
		}
	})
}
