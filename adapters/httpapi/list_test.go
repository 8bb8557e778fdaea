package httpapi_test

import (
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// MustListFixture creates one user's varied tasks, oldest first, and
// changes "apple" last, so it is the most recently updated. The test clock
// reads 2026-11-25 throughout.
func MustListFixture(t *testing.T, s *Server) string {
	t.Helper()
	user := NewUser()
	for _, body := range []string{
		`{"title":"Milk run","priority":"high","tags":["Home","errand"],"due_date":"2026-12-01"}`,
		`{"title":"bread","description":"Buy MILK and bread","completed":true,"priority":"low","tags":["home"],"due_date":"2026-11-20T10:00:00Z"}`,
		`{"title":"Ärger","priority":"urgent","tags":["Work"]}`,
		`{"title":"apple","due_date":"2026-11-20"}`,
		`{"title":"zebra","completed":true,"priority":"urgent","tags":["work","home"],"due_date":"2026-11-20"}`,
		`{"title":"Milk","priority":"high"}`,
	} {
		MustCreate(t, s, tasksPaths, user, body)
	}
	MustCreate(t, s, tasksPaths, NewUser(), `{"title":"Milk for someone else","priority":"high","tags":["home"]}`)
	list := MustTasks(t, s.MustDo(t, Req{Method: "GET", Path: tasksPaths.Collection(user) + "?search=apple", Token: Token(user)}))
	MustTask(t, s.MustDo(t, Req{Method: "PATCH", Path: tasksPaths.Item(user, list[0].ID), Token: Token(user), Body: `{"description":"green"}`}), http.StatusOK)
	return user
}

func titles(list []taskJSON) []string {
	out := make([]string, len(list))
	for i, tk := range list {
		out[i] = tk.Title
	}
	return out
}

// MustList lists with the query and returns the titles, in order.
func MustList(t *testing.T, s *Server, f family, user, query string) ([]string, Resp) {
	t.Helper()
	r := s.MustDo(t, Req{Method: "GET", Path: f.Collection(user) + query, Token: Token(user)})
	return titles(MustTasks(t, r)), r
}

// TestListFilters runs each filter of the contract, with its aliases,
// through both route families.
func TestListFilters(t *testing.T) {
	t.Parallel()
	s := MustServer(t)
	user := MustListFixture(t, s)
	all := []string{"Milk", "zebra", "apple", "Ärger", "bread", "Milk run"}
	pending := []string{"Milk", "apple", "Ärger", "Milk run"}
	done := []string{"zebra", "bread"}
	for query, want := range map[string][]string{
		"":                                all,
		"?status=all":                     all,
		"?status=pending":                 pending,
		"?status=open":                    pending,
		"?status=Incomplete":              pending,
		"?status=todo":                    pending,
		"?completed=false":                pending,
		"?status=completed":               done,
		"?status=done":                    done,
		"?status=complete":                done,
		"?completed=TRUE":                 done,
		"?status=done&completed=true":     done,
		"?priority=high,urgent":           {"Milk", "zebra", "Ärger", "Milk run"},
		"?priority=critical":              {"zebra", "Ärger"},
		"?priority=low&priority=Medium":   {"apple", "bread"},
		"?priority=high,,":                {"Milk", "Milk run"},
		"?tag=home":                       {"zebra", "bread", "Milk run"},
		"?tags=home,work":                 {"zebra"},
		"?tag=HOME&tag=Work":              {"zebra"},
		"?tag=home&tags=errand":           {"Milk run"},
		"?tag=nothing":                    {},
		"?search=milk":                    {"Milk", "bread", "Milk run"},
		"?q=%C3%84RG":                     {"Ärger"},
		"?search=":                        all,
		"?due_after=2026-11-21":           {"Milk run"},
		"?due_before=2026-11-20":          {"zebra", "apple", "bread"},
		"?due_after=2026-11-20T12:00:00Z": {"zebra", "apple", "Milk run"},
		"?due_after=2026-11-20&due_before=2026-11-20T11:00:00%2B01:00": {"bread"},
		"?overdue=true":                             {"apple"},
		"?overdue=false":                            all,
		"?status=pending&priority=high&tag=home":    {"Milk run"},
		"?unknown=1&Status=bogus&sort_direction=up": all, // unknown parameters (names are case-sensitive)
	} {
		for _, f := range families {
			if got, _ := MustList(t, s, f, user, query); !slices.Equal(got, want) {
				t.Errorf("%s%s = %q, want %q", f.name, query, got, want)
			}
		}
	}
}

// TestListSort runs each sort field in each direction: ties break on the
// id, and tasks without a due date come last either way.
func TestListSort(t *testing.T) {
	t.Parallel()
	s := MustServer(t)
	user := MustListFixture(t, s)
	byTitle := []string{"apple", "bread", "Milk", "Milk run", "zebra", "Ärger"}
	byDue := []string{"bread", "apple", "zebra", "Milk run", "Ärger", "Milk"}
	byPriority := []string{"zebra", "Ärger", "Milk", "Milk run", "apple", "bread"}
	for query, want := range map[string][]string{
		"?sort=created":                      {"Milk", "zebra", "apple", "Ärger", "bread", "Milk run"},
		"?sort=created_at&order=asc":         {"Milk run", "bread", "Ärger", "apple", "zebra", "Milk"},
		"?sort=updated":                      {"apple", "Milk", "zebra", "Ärger", "bread", "Milk run"},
		"?sort_by=updated_at&sort_order=asc": {"Milk run", "bread", "Ärger", "zebra", "Milk", "apple"},
		"?sort=title":                        byTitle,
		"?sort=-title":                       reversed(byTitle),
		"?sort_by=TITLE&sort_order=desc":     reversed(byTitle),
		"?sort=-title&order=asc":             reversed(byTitle), // the "-" was written on the field itself
		"?sort=due_date":                     byDue,
		"?sort=due_at":                       byDue,
		"?sort=-due":                         {"Milk run", "zebra", "apple", "bread", "Milk", "Ärger"},
		"?sort=due&order=desc":               {"Milk run", "zebra", "apple", "bread", "Milk", "Ärger"},
		"?sort=priority":                     byPriority,
		"?sort=-priority":                    byPriority,
		"?sort=priority&order=asc":           reversed(byPriority),
		"?sort=priority&status=pending":      {"Ärger", "Milk", "Milk run", "apple"},
	} {
		if got, _ := MustList(t, s, shortPaths, user, query); !slices.Equal(got, want) {
			t.Errorf("%s = %q, want %q", query, got, want)
		}
	}
}

func reversed(s []string) []string {
	out := slices.Clone(s)
	slices.Reverse(out)
	return out
}

// TestListBadParameters: a known parameter with a value outside its set
// is a 400 naming it as sent and what it allows.
func TestListBadParameters(t *testing.T) {
	t.Parallel()
	s, user := MustServer(t), NewUser()
	for query, want := range map[string][]string{
		"?status=bogus":                        {`"status"`, "all, pending, completed"},
		"?status=":                             {`"status"`, "all, pending, completed"},
		"?completed=yes":                       {`"completed"`, "true or false"},
		"?status=pending&completed=true":       {`"status"`, `"completed"`},
		"?status=open&status=done":             {`"status"`, "twice"},
		"?priority=high,top":                   {`"priority"`, "low, medium, high, urgent"},
		"?tag=a%01b":                           {`"tag"`, "control"},
		"?tags=" + strings.Repeat("x", 51):     {`"tags"`, "50"},
		"?search=" + strings.Repeat("é", 201):  {`"search"`, "200"},
		"?q=a%00":                              {`"q"`, "control"},
		"?search=a&q=b":                        {`"search"`, `"q"`},
		"?due_after=tomorrow":                  {`"due_after"`, "YYYY-MM-DD"},
		"?due_before=2026-02-30":               {`"due_before"`, "RFC 3339"},
		"?overdue=yes":                         {`"overdue"`, "true or false"},
		"?sort=size":                           {`"sort"`, "created, updated, title, due_date, priority"},
		"?sort_by=-":                           {`"sort_by"`, "created, updated, title, due_date, priority"},
		"?sort=title&sort_by=created":          {`"sort"`, `"sort_by"`},
		"?order=up":                            {`"order"`, "asc, desc"},
		"?sort_order=Up":                       {`"sort_order"`, "asc, desc"},
		"?limit=0":                             {`"limit"`, "1 to 1000"},
		"?limit=1001":                          {`"limit"`, "1 to 1000"},
		"?limit=ten":                           {`"limit"`, "1 to 1000"},
		"?page=0":                              {`"page"`, "1 or more"},
		"?page=12&limit=1000":                  {`"page"`, "10000"},
		"?page=2&cursor=abc":                   {`"page"`, `"cursor"`},
		"?cursor=abc":                          {`"cursor"`, "Link"},
		"?cursor=" + strings.Repeat("A", 5000): {`"cursor"`, "Link"},
	} {
		for _, f := range families {
			r := s.MustDo(t, Req{Method: "GET", Path: f.Collection(user) + query, Token: Token(user)})
			p := MustProblem(t, r, http.StatusBadRequest)
			for _, w := range want {
				if !strings.Contains(p.Detail, w) {
					t.Errorf("%s%s: detail %q does not say %s", f.name, query, p.Detail, w)
				}
			}
		}
	}
	// The largest offset page is fine, and so is an empty cursor.
	for _, query := range []string{"?page=11&limit=1000", "?page=10001&limit=1", "?cursor=", "?limit=1000&page=1"} {
		MustTasks(t, s.MustDo(t, Req{Method: "GET", Path: tasksPaths.Collection(user) + query, Token: Token(user)}))
	}
}

// linkRE is RFC 8288's Link with one relative URI reference and rel="next".
var linkRE = regexp.MustCompile(`^<(/[^<>\s]*)>; rel="next"$`)

// MustNext returns the target of a response's Link rel="next", "" when it
// has none.
func MustNext(t *testing.T, r Resp) string {
	t.Helper()
	links := r.Header.Values("Link")
	if len(links) == 0 {
		return ""
	}
	m := linkRE.FindStringSubmatch(links[0])
	if len(links) != 1 || m == nil {
		t.Fatalf("Link = %q, want one <relative URL>; rel=\"next\"", links)
	}
	return m[1]
}

// TestListCursorPages follows Link headers through a filtered, sorted
// list: every task once, in order, with the filters, sort, limit and
// unknown parameters kept and the cursor replaced.
func TestListCursorPages(t *testing.T) {
	t.Parallel()
	s := MustServer(t)
	user := MustListFixture(t, s)
	for _, c := range []struct{ query string }{
		{"?limit=2"},
		{"?sort=title&limit=1&foo=bar"},
		{"?sort_by=-due&limit=2"},
		{"?sort=priority&order=asc&limit=4"},
		{"?sort=updated&limit=5"},
		{"?status=open&tag=home&q=milk&limit=1"},
		{"?priority=high,urgent&sort=due_date&limit=1"},
	} {
		for _, f := range families {
			whole := mustQuery(t, c.query)
			whole.Set("limit", "1000")
			want, _ := MustList(t, s, f, user, "?"+whole.Encode())
			path := f.Collection(user) + c.query
			var got []string
			for range 10 {
				r := s.MustDo(t, Req{Method: "GET", Path: path, Token: Token(user)})
				got = append(got, titles(MustTasks(t, r))...)
				next := MustNext(t, r)
				if next == "" {
					break
				}
				u, _ := url.Parse(next)
				if u.Path != f.Collection(user) || u.Query().Get("cursor") == "" {
					t.Fatalf("%s: next %s, want the same path with a cursor", path, next)
				}
				for k, v := range mustQuery(t, c.query) {
					if k != "cursor" && !slices.Equal(u.Query()[k], v) {
						t.Fatalf("%s: next %s lost %s=%v", path, next, k, v)
					}
				}
				path = next
			}
			if !slices.Equal(got, want) {
				t.Errorf("%s%s by cursor = %q, want %q", f.name, c.query, got, want)
			}
		}
	}
}

func mustQuery(t *testing.T, q string) url.Values {
	t.Helper()
	v, err := url.ParseQuery(strings.TrimPrefix(q, "?"))
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// TestListCursorMismatch: a cursor goes with its list's filters and sort
// only; another page size, another spelling of the same filters and the
// other route family are fine.
func TestListCursorMismatch(t *testing.T) {
	t.Parallel()
	s := MustServer(t)
	user := MustListFixture(t, s)
	_, r := MustList(t, s, shortPaths, user, "?status=pending&sort=title&limit=1")
	cursor := mustQuery(t, strings.SplitN(MustNext(t, r), "?", 2)[1]).Get("cursor")
	for query, want := range map[string][]string{
		"?status=pending&sort=title&limit=1":           {"Milk"},
		"?status=open&sort_by=TITLE&order=asc&limit=2": {"Milk", "Milk run"},
		"?completed=false&sort=title":                  {"Milk", "Milk run", "Ärger"},
	} {
		got, _ := MustList(t, s, tasksPaths, user, query+"&cursor="+cursor)
		if !slices.Equal(got, want) {
			t.Errorf("%s with the cursor = %q, want %q", query, got, want)
		}
	}
	for _, query := range []string{"?sort=title&limit=1", "?status=pending&sort=-title", "?status=pending&sort=created",
		"?status=pending&sort=title&tag=home", "?status=pending&sort=title&q=milk", "?status=pending&sort=title&overdue=true"} {
		p := MustProblem(t, s.MustDo(t, Req{Method: "GET", Path: shortPaths.Collection(user) + query + "&cursor=" + cursor, Token: Token(user)}), http.StatusBadRequest)
		if !strings.Contains(p.Detail, `"cursor"`) || !strings.Contains(p.Detail, "other filters or another sort") {
			t.Errorf("%s with another list's cursor: %q", query, p.Detail)
		}
	}
	// Another user's cursor is another list's.
	other := NewUser()
	MustProblem(t, s.MustDo(t, Req{Method: "GET", Path: shortPaths.Collection(other) + "?status=pending&sort=title&cursor=" + cursor, Token: Token(other)}), http.StatusBadRequest)
	// A cursor changed by one character is malformed.
	bad := []byte(cursor)
	bad[3] ^= 1
	p := MustProblem(t, s.MustDo(t, Req{Method: "GET", Path: shortPaths.Collection(user) + "?status=pending&sort=title&cursor=" + string(bad), Token: Token(user)}), http.StatusBadRequest)
	if !strings.Contains(p.Detail, `"cursor"`) {
		t.Errorf("a tampered cursor: %q", p.Detail)
	}
}

// TestListOffsetPages: page and limit give offset pages, each with a Link
// to the next while there is one.
func TestListOffsetPages(t *testing.T) {
	t.Parallel()
	s := MustServer(t)
	user := MustListFixture(t, s)
	var got []string
	path := tasksPaths.Collection(user) + "?sort=title&page=1&limit=4&x=%3C%3E"
	for i := 1; path != ""; i++ {
		r := s.MustDo(t, Req{Method: "GET", Path: path, Token: Token(user)})
		got = append(got, titles(MustTasks(t, r))...)
		path = MustNext(t, r)
		if path != "" && mustQuery(t, strings.SplitN(path, "?", 2)[1]).Get("page") != strconv.Itoa(i+1) {
			t.Fatalf("page %d: next %s, want page %d", i, path, i+1)
		}
	}
	if want := []string{"apple", "bread", "Milk", "Milk run", "zebra", "Ärger"}; !slices.Equal(got, want) {
		t.Fatalf("by page = %q, want %q", got, want)
	}
	if got, r := MustList(t, s, tasksPaths, user, "?page=3&limit=3"); len(got) != 0 || MustNext(t, r) != "" {
		t.Fatalf("a page past the end = %q, Link %q", got, r.Header.Get("Link"))
	}
}

// TestListDefaultPage: a client that sends no parameter gets the newest
// 1000 tasks and a Link to the rest.
func TestListDefaultPage(t *testing.T) {
	t.Parallel()
	s, user := MustServer(t), NewUser()
	MustSeed(t, s, user, 1001)
	r := s.MustDo(t, Req{Method: "GET", Path: shortPaths.Collection(user), Token: Token(user)})
	first := MustTasks(t, r)
	next := MustNext(t, r)
	if len(first) != 1000 || first[0].Title != "seeded 1000" || next == "" {
		t.Fatalf("first page: %d tasks from %q, Link %q", len(first), first[0].Title, next)
	}
	r = s.MustDo(t, Req{Method: "GET", Path: next, Token: Token(user)})
	if rest := MustTasks(t, r); len(rest) != 1 || rest[0].Title != "seeded 0" || MustNext(t, r) != "" {
		t.Fatalf("second page: %+v, Link %q", rest, r.Header.Get("Link"))
	}
}

// TestListCount: Prefer: count=exact adds X-Total-Count, all pages
// together, and says it applied the preference.
func TestListCount(t *testing.T) {
	t.Parallel()
	s := MustServer(t)
	user := MustListFixture(t, s)
	for prefer, want := range map[string]string{
		"count=exact":                 "4",
		"return=minimal, count=exact": "4",
		`Count="exact"; x=1`:          "4",
		"count=planned":               "",
		"":                            "",
	} {
		r := s.MustDo(t, Req{Method: "GET", Path: tasksPaths.Collection(user) + "?status=pending&limit=1", Token: Token(user),
			Header: map[string]string{"Prefer": prefer}})
		MustTasks(t, r)
		if got := r.Header.Get("X-Total-Count"); got != want {
			t.Errorf("Prefer %q: X-Total-Count %q, want %q", prefer, got, want)
		}
		if applied := r.Header.Get("Preference-Applied"); (applied == "count=exact") != (want != "") || applied != "" && want == "" {
			t.Errorf("Prefer %q: Preference-Applied %q", prefer, applied)
		}
		if !slices.Contains(r.Header.Values("Vary"), "Prefer") {
			t.Errorf("Prefer %q: Vary %q does not name Prefer", prefer, r.Header.Values("Vary"))
		}
	}
	// A later page counts the same.
	_, r := MustList(t, s, shortPaths, user, "?status=pending&limit=3")
	r = s.MustDo(t, Req{Method: "GET", Path: MustNext(t, r), Token: Token(user), Header: map[string]string{"Prefer": "count=exact"}})
	if got := r.Header.Get("X-Total-Count"); len(MustTasks(t, r)) != 1 || got != "4" {
		t.Errorf("second page: X-Total-Count %q, want 4", got)
	}
}
