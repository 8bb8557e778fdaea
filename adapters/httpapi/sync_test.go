package httpapi_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/todoapi/todo/ports"
)

// trashedJSON is a task of the trash, as a client reads it.
type trashedJSON struct {
	taskJSON
	DeletedAt string `json:"deleted_at"`
}

// changeJSON and changesJSON are the feed, as a client reads it.
type changeJSON struct {
	Cursor string          `json:"cursor"`
	Op     string          `json:"op"`
	TaskID string          `json:"task_id"`
	Task   json.RawMessage `json:"task"`
	At     string          `json:"at"`
}

type changesJSON struct {
	Changes []changeJSON `json:"changes"`
	Next    string       `json:"next"`
	HasMore bool         `json:"has_more"`
}

func trashPath(user string) string       { return "/api/" + user + "/trash" }
func trashItem(user, id string) string   { return "/api/" + user + "/trash/" + id }
func restorePath(user, id string) string { return "/api/" + user + "/trash/" + id + "/restore" }
func changesPath(user string) string     { return "/api/" + user + "/changes" }

// MustTrash reads a page of the user's trash at path (query included).
func MustTrash(t *testing.T, s *Server, user, path string) ([]trashedJSON, Resp) {
	t.Helper()
	r := s.MustDo(t, Req{Method: "GET", Path: path, Token: Token(user)})
	MustStatus(t, r, http.StatusOK)
	var raws []json.RawMessage
	if err := json.Unmarshal(r.Body, &raws); err != nil || raws == nil {
		t.Fatalf("trash %s is not a JSON array: %v", r.Body, err)
	}
	var out []trashedJSON
	for _, raw := range raws {
		var m map[string]json.RawMessage
		_ = json.Unmarshal(raw, &m)
		at := m["deleted_at"]
		delete(m, "deleted_at")
		rest, _ := json.Marshal(m)
		tr := trashedJSON{taskJSON: mustTaskObject(t, rest)}
		if err := json.Unmarshal(at, &tr.DeletedAt); err != nil || !timeFormat.MatchString(tr.DeletedAt) {
			t.Fatalf("trashed task %s: deleted_at %s", raw, at)
		}
		out = append(out, tr)
	}
	return out, r
}

// MustChanges reads the user's feed at query ("since=...&limit=...").
func MustChanges(t *testing.T, s *Server, user, query string) changesJSON {
	t.Helper()
	r := s.MustDo(t, Req{Method: "GET", Path: changesPath(user) + "?" + query, Token: Token(user)})
	MustStatus(t, r, http.StatusOK)
	MustContentType(t, r, "application/json")
	var page changesJSON
	if err := json.Unmarshal(r.Body, &page); err != nil || page.Changes == nil || page.Next == "" {
		t.Fatalf("changes %s: %v", r.Body, err)
	}
	for _, c := range page.Changes {
		if c.Cursor == "" || !uuidFormat.MatchString(c.TaskID) || !timeFormat.MatchString(c.At) {
			t.Fatalf("change %+v: no cursor, or a malformed id or time", c)
		}
		if (string(c.Task) == "null") != (c.Op == "deleted" || c.Op == "purged") {
			t.Fatalf("change %s carries task %s", c.Op, c.Task)
		}
		if string(c.Task) != "null" {
			if tk := mustTaskObject(t, c.Task); tk.ID != c.TaskID {
				t.Fatalf("change of %s carries task %s", c.TaskID, tk.ID)
			}
		}
	}
	return page
}

// changeCursor returns a list's X-Change-Cursor.
func changeCursor(t *testing.T, s *Server, user string) string {
	t.Helper()
	r := s.MustDo(t, Req{Method: "GET", Path: tasksPaths.Collection(user), Token: Token(user)})
	MustStatus(t, r, http.StatusOK)
	c := r.Header.Get("X-Change-Cursor")
	if c == "" {
		t.Fatal("a list without X-Change-Cursor")
	}
	return c
}

func ops(page changesJSON) []string {
	var out []string
	for _, c := range page.Changes {
		out = append(out, c.Op)
	}
	return out
}

// TestTrash deletes through both families: the task leaves its GET, the
// lists and the count, waits in the trash with deleted_at, comes back one
// version on, and once purged is gone for good.
func TestTrash(t *testing.T) {
	t.Parallel()
	s := MustServer(t)
	for _, f := range families {
		user := NewUser()
		tk := MustCreate(t, s, f, user, `{"title":"to the trash"}`)
		MustCreate(t, s, f, user, `{"title":"stays"}`)
		MustStatus(t, s.MustDo(t, Req{Method: "DELETE", Path: f.Item(user, tk.ID), Token: Token(user)}), http.StatusNoContent)
		for _, r := range []Req{
			{Method: "GET", Path: f.Item(user, tk.ID)}, {Method: "PATCH", Path: f.Item(user, tk.ID), Body: `{"title":"x"}`},
			{Method: "PATCH", Path: f.Flip(user, tk.ID)}, {Method: "DELETE", Path: f.Item(user, tk.ID)},
		} {
			r.Token = Token(user)
			MustProblem(t, s.MustDo(t, r), http.StatusNotFound)
		}
		r := s.MustDo(t, Req{Method: "GET", Path: f.Collection(user), Token: Token(user), Header: map[string]string{"Prefer": "count=exact"}})
		if list := MustTasks(t, r); len(list) != 1 || list[0].Title != "stays" || r.Header.Get("X-Total-Count") != "1" {
			t.Fatalf("%s: list with a task in the trash: %s, count %s", f.name, r.Body, r.Header.Get("X-Total-Count"))
		}

		trash, _ := MustTrash(t, s, user, trashPath(user))
		if len(trash) != 1 || trash[0].ID != tk.ID || trash[0].Title != "to the trash" || trash[0].Version != 1 {
			t.Fatalf("%s: trash = %+v", f.name, trash)
		}
		back := MustTask(t, s.MustDo(t, Req{Method: "POST", Path: restorePath(user, tk.ID), Token: Token(user)}), http.StatusOK)
		if back.ID != tk.ID || back.Version != 2 || back.Title != "to the trash" {
			t.Fatalf("%s: restored %+v, want the task at version 2", f.name, back)
		}
		MustTask(t, s.MustDo(t, Req{Method: "GET", Path: f.Item(user, tk.ID), Token: Token(user)}), http.StatusOK)
		if trash, _ := MustTrash(t, s, user, trashPath(user)); len(trash) != 0 {
			t.Fatalf("%s: trash after the restore = %+v", f.name, trash)
		}
		// Restore or purge of a task that is not in the trash: 404.
		MustProblem(t, s.MustDo(t, Req{Method: "POST", Path: restorePath(user, tk.ID), Token: Token(user)}), http.StatusNotFound)
		MustProblem(t, s.MustDo(t, Req{Method: "DELETE", Path: trashItem(user, tk.ID), Token: Token(user)}), http.StatusNotFound)

		MustStatus(t, s.MustDo(t, Req{Method: "DELETE", Path: f.Item(user, tk.ID), Token: Token(user)}), http.StatusNoContent)
		MustStatus(t, s.MustDo(t, Req{Method: "DELETE", Path: trashItem(user, tk.ID), Token: Token(user)}), http.StatusNoContent)
		MustProblem(t, s.MustDo(t, Req{Method: "DELETE", Path: trashItem(user, tk.ID), Token: Token(user)}), http.StatusNotFound)
		MustProblem(t, s.MustDo(t, Req{Method: "POST", Path: restorePath(user, tk.ID), Token: Token(user)}), http.StatusNotFound)
		if trash, _ := MustTrash(t, s, user, trashPath(user)); len(trash) != 0 {
			t.Fatalf("%s: trash after the purge = %+v", f.name, trash)
		}
	}
}

// TestTrashPages pages through the trash by Link and by page: every task
// once, the most recently deleted first.
func TestTrashPages(t *testing.T) {
	t.Parallel()
	s, user := MustServer(t), NewUser()
	var deleted []string
	for i := range 5 {
		tk := MustCreate(t, s, shortPaths, user, fmt.Sprintf(`{"title":"task %d"}`, i))
		MustStatus(t, s.MustDo(t, Req{Method: "DELETE", Path: shortPaths.Item(user, tk.ID), Token: Token(user)}), http.StatusNoContent)
		deleted = append([]string{tk.ID}, deleted...)
	}
	var byLink []string
	path := trashPath(user) + "?limit=2&unknown=kept"
	for path != "" {
		page, r := MustTrash(t, s, user, path)
		for _, tr := range page {
			byLink = append(byLink, tr.ID)
		}
		path = MustNext(t, r)
		if path != "" && !strings.Contains(path, "unknown=kept") {
			t.Fatalf("Link %s lost the query", path)
		}
	}
	var byPage []string
	for p := 1; p <= 3; p++ {
		page, _ := MustTrash(t, s, user, fmt.Sprintf("%s?limit=2&page=%d", trashPath(user), p))
		for _, tr := range page {
			byPage = append(byPage, tr.ID)
		}
	}
	if !slices.Equal(byLink, deleted) || !slices.Equal(byPage, deleted) {
		t.Fatalf("by Link %v, by page %v; want %v", byLink, byPage, deleted)
	}
	// A cursor of another user's trash, or of a list, is no cursor of this trash.
	other := NewUser()
	_, r := MustTrash(t, s, user, trashPath(user)+"?limit=1")
	next, _ := url.Parse(MustNext(t, r))
	for _, bad := range []string{next.Query().Get("cursor") + "x", "bm90IGEgY3Vyc29y"} {
		MustProblem(t, s.MustDo(t, Req{Method: "GET", Path: trashPath(other) + "?cursor=" + bad, Token: Token(other)}), http.StatusBadRequest)
	}
	MustProblem(t, s.MustDo(t, Req{Method: "GET", Path: trashPath(other) + "?" + next.RawQuery, Token: Token(other)}), http.StatusBadRequest)
	for _, q := range []string{"limit=0", "limit=1001", "page=0", "page=2&cursor=" + next.Query().Get("cursor")} {
		MustProblem(t, s.MustDo(t, Req{Method: "GET", Path: trashPath(user) + "?" + q, Token: Token(user)}), http.StatusBadRequest)
	}
}

// TestChangesFeed syncs as the docs say: list once, keep X-Change-Cursor,
// read the changes from there, in pages, and poll on from next.
func TestChangesFeed(t *testing.T) {
	t.Parallel()
	s, user := MustServer(t), NewUser()
	MustCreate(t, s, tasksPaths, user, `{"title":"before the list"}`)
	since := changeCursor(t, s, user)
	if page := MustChanges(t, s, user, "since="+since); len(page.Changes) != 0 || page.HasMore || page.Next != since {
		t.Fatalf("right after the list: %+v; want nothing, next = since", page)
	}
	tk := MustCreate(t, s, tasksPaths, user, `{"title":"after the list"}`)
	for _, r := range []Req{
		{Method: "PATCH", Path: tasksPaths.Item(user, tk.ID), Body: `{"title":"renamed"}`},
		{Method: "PATCH", Path: tasksPaths.Flip(user, tk.ID), Body: `{"completed":true}`},
		{Method: "PATCH", Path: shortPaths.Flip(user, tk.ID)},
		{Method: "DELETE", Path: shortPaths.Item(user, tk.ID)},
		{Method: "POST", Path: restorePath(user, tk.ID)},
		{Method: "DELETE", Path: tasksPaths.Item(user, tk.ID)},
		{Method: "DELETE", Path: trashItem(user, tk.ID)},
	} {
		r.Token = Token(user)
		if resp := s.MustDo(t, r); resp.Status >= 300 {
			t.Fatalf("%s %s: %d %s", r.Method, r.Path, resp.Status, resp.Body)
		}
	}
	want := []string{"created", "updated", "updated", "updated", "deleted", "restored", "deleted", "purged"}
	all := MustChanges(t, s, user, "since="+since)
	if got := ops(all); !slices.Equal(got, want) || all.HasMore || all.Next != all.Changes[len(all.Changes)-1].Cursor {
		t.Fatalf("changes = %v (more %v), want %v", got, all.HasMore, want)
	}
	var renamed taskJSON
	_ = json.Unmarshal(all.Changes[1].Task, &renamed)
	if renamed.Title != "renamed" || renamed.Version != 2 {
		t.Fatalf("the update's task = %+v, want the task as that change left it", renamed)
	}
	// In pages of 3: the same changes, each once.
	var paged []string
	for cursor, more := since, true; more; {
		page := MustChanges(t, s, user, "limit=3&since="+url.QueryEscape(cursor))
		paged, cursor, more = append(paged, ops(page)...), page.Next, page.HasMore
	}
	if !slices.Equal(paged, want) {
		t.Fatalf("paged: %v, want %v", paged, want)
	}
	// From a change's own cursor: what follows it. Without since: from the oldest kept.
	if rest := MustChanges(t, s, user, "since="+all.Changes[5].Cursor); !slices.Equal(ops(rest), want[6:]) {
		t.Fatalf("after the 6th: %v", ops(rest))
	}
	if from := MustChanges(t, s, user, "limit=1000"); len(from.Changes) != 1+len(want) || from.Changes[0].Op != "created" {
		t.Fatalf("without since: %v", ops(from))
	}
	if empty := MustChanges(t, s, user, "since="); len(empty.Changes) != 1+len(want) {
		t.Fatalf("an empty since: %v, want all", ops(empty))
	}
}

// TestChangesGone: a cursor never issued for this user, or older than the
// changes kept, is a 410 telling the client to list again; a bad limit is
// a 400.
func TestChangesGone(t *testing.T) {
	t.Parallel()
	s, alice, bob := MustServer(t), NewUser(), NewUser()
	for range 3 {
		MustCreate(t, s, shortPaths, alice, `{"title":"a"}`)
	}
	MustCreate(t, s, shortPaths, bob, `{"title":"b"}`)
	bobs := changeCursor(t, s, bob)
	page := MustChanges(t, s, alice, "limit=1")
	for name, since := range map[string]string{
		"garbage":           "not-a-cursor",
		"another user's":    bobs,
		"past the end":      strings.Repeat("A", 20),
		"a list's cursor":   "AQABCQ",
		"tampered":          page.Next[:len(page.Next)-1] + "x",
		"padded base64":     page.Next + "=",
		"another encoding!": strings.ToUpper(page.Next),
	} {
		r := s.MustDo(t, Req{Method: "GET", Path: changesPath(alice) + "?since=" + url.QueryEscape(since), Token: Token(alice)})
		if p := MustProblem(t, r, http.StatusGone); !strings.Contains(p.Detail, "list the tasks again") {
			t.Errorf("%s: detail %q", name, p.Detail)
		}
	}
	for _, q := range []string{"limit=0", "limit=1001", "limit=ten", "limit=1&limit=2", "since=a&since=b"} {
		MustProblem(t, s.MustDo(t, Req{Method: "GET", Path: changesPath(alice) + "?" + q, Token: Token(alice)}), http.StatusBadRequest)
	}
	// Retention removes alice's old changes: a cursor from before them is gone.
	h := s.repo.TaskRepository.(ports.Housekeeper)
	if _, err := h.PruneChanges(context.Background(), time.Now().Add(time.Hour), 1000); err != nil {
		t.Fatal(err)
	}
	MustProblem(t, s.MustDo(t, Req{Method: "GET", Path: changesPath(alice) + "?since=" + page.Next, Token: Token(alice)}), http.StatusGone)
	// Listing again gives a cursor to read on from.
	fresh := changeCursor(t, s, alice)
	if again := MustChanges(t, s, alice, "since="+fresh); len(again.Changes) != 0 {
		t.Fatalf("from a fresh list's cursor: %v", ops(again))
	}
}

// TestSyncIsolation: the trash and the feed are the user's. Another user's
// path is a 403; a stranger's task id through one's own path is the same
// 404 as an id that exists nowhere; no feed shows another user's change.
func TestSyncIsolation(t *testing.T) {
	t.Parallel()
	s, alice, bob := MustServer(t), NewUser(), NewUser()
	secret := MustCreate(t, s, shortPaths, alice, `{"title":"alice's secret"}`)
	MustStatus(t, s.MustDo(t, Req{Method: "DELETE", Path: shortPaths.Item(alice, secret.ID), Token: Token(alice)}), http.StatusNoContent)
	const nowhere = "01a2145b-4e72-7c0f-8345-41e37133067a"
	routes := func(user, id string) []Req {
		return []Req{{Method: "GET", Path: trashPath(user)}, {Method: "GET", Path: changesPath(user)},
			{Method: "POST", Path: restorePath(user, id)}, {Method: "DELETE", Path: trashItem(user, id)}}
	}
	for _, id := range []string{secret.ID, nowhere} {
		for _, r := range routes(alice, id) {
			r.Token = Token(bob)
			resp := s.MustDo(t, r)
			if MustProblem(t, resp, http.StatusForbidden); strings.Contains(string(resp.Body), secret.ID) {
				t.Fatalf("%s %s: the 403 names the task", r.Method, r.Path)
			}
		}
	}
	for i, r := range routes(bob, secret.ID)[2:] {
		r.Token = Token(bob)
		resp := s.MustDo(t, r)
		MustProblem(t, resp, http.StatusNotFound)
		ref := routes(bob, nowhere)[2+i]
		ref.Token = Token(bob)
		if other := s.MustDo(t, ref); string(other.Body) != string(resp.Body) {
			t.Fatalf("%s %s: %s differs from the answer for no task: %s", r.Method, r.Path, resp.Body, other.Body)
		}
	}
	if trash, _ := MustTrash(t, s, bob, trashPath(bob)); len(trash) != 0 {
		t.Fatalf("bob's trash shows %d tasks", len(trash))
	}
	if page := MustChanges(t, s, bob, ""); len(page.Changes) != 0 {
		t.Fatalf("bob's feed shows %v", ops(page))
	}
	if trash, _ := MustTrash(t, s, alice, trashPath(alice)); len(trash) != 1 {
		t.Fatalf("alice's trash holds %d tasks, want 1", len(trash))
	}
}

// TestReminderInTheFeed: a reminder that fired is a change of op reminder
// carrying the task, whose version did not move, as the document says.
func TestReminderInTheFeed(t *testing.T) {
	t.Parallel()
	s, user := MustServer(t), NewUser()
	// Already past on the server's clock: armed when set, so it fires at
	// the next look.
	tk := MustCreate(t, s, tasksPaths, user, `{"title":"call","remind_at":"2026-11-25T19:00:00Z"}`)
	since := changeCursor(t, s, user)
	fired, err := s.svc.FireReminders(context.Background(), s.mem)
	if err != nil || len(fired) != 1 {
		t.Fatalf("FireReminders = %+v, %v; want the one reminder", fired, err)
	}
	page := MustChanges(t, s, user, "since="+since)
	if got := ops(page); !slices.Equal(got, []string{"reminder"}) {
		t.Fatalf("changes = %v, want [reminder]", got)
	}
	var reminded taskJSON
	if err := json.Unmarshal(page.Changes[0].Task, &reminded); err != nil || reminded.ID != tk.ID || reminded.Version != 1 ||
		page.Changes[0].TaskID != tk.ID {
		t.Fatalf("the reminder's task = %+v, %v; want the task at version 1", reminded, err)
	}
	if again, _ := s.svc.FireReminders(context.Background(), s.mem); len(again) != 0 {
		t.Fatalf("fired again: %+v", again)
	}
}
