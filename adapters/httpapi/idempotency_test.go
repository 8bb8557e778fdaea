package httpapi_test

import (
	"bytes"
	"crypto/rand"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/todoapi/todo/internal/testkit"
)

// withKey returns r with an Idempotency-Key and the user's token.
func withKey(r Req, user, key string) Req {
	r.Token = Token(user)
	h := map[string]string{"Idempotency-Key": key}
	for k, v := range r.Header {
		h[k] = v
	}
	r.Header = h
	return r
}

// MustReplay fails unless again is first replayed: the same status, body,
// Location and ETag, and Idempotent-Replayed: true, which first lacks.
func MustReplay(t *testing.T, first, again Resp) {
	t.Helper()
	if first.Header.Get("Idempotent-Replayed") != "" {
		t.Fatalf("the first response says Idempotent-Replayed: %q", first.Header.Get("Idempotent-Replayed"))
	}
	if again.Header.Get("Idempotent-Replayed") != "true" {
		t.Fatalf("the retry: %d %s without Idempotent-Replayed: true", again.Status, again.Body)
	}
	if again.Status != first.Status || !bytes.Equal(again.Body, first.Body) {
		t.Fatalf("the retry answered %d %s, the first %d %s", again.Status, again.Body, first.Status, first.Body)
	}
	for _, h := range []string{"Location", "ETag", "Content-Type"} {
		if again.Header.Get(h) != first.Header.Get(h) {
			t.Fatalf("the retry's %s = %q, the first's %q", h, again.Header.Get(h), first.Header.Get(h))
		}
	}
}

func newKey() string { return rand.Text() }

// A create retried with its key gets the first response, whichever form
// of the key it sends, and makes no second task.
func TestCreateWithKey(t *testing.T) {
	t.Parallel()
	for _, f := range families {
		t.Run(f.name, func(t *testing.T) {
			t.Parallel()
			s, user, key := MustServer(t), NewUser(), newKey()
			req := withKey(Req{Method: "POST", Path: f.Collection(user), Body: `{"title":"once","tags":["a"]}`}, user, key)
			first := s.MustDo(t, req)
			tk := MustTask(t, first, http.StatusCreated)
			if first.Header.Get("Location") != f.Item(user, tk.ID) {
				t.Fatalf("Location = %q", first.Header.Get("Location"))
			}
			MustReplay(t, first, s.MustDo(t, req))
			req.Header["Idempotency-Key"] = `"` + key + `"` // the draft's structured-field string
			MustReplay(t, first, s.MustDo(t, req))
			if n := len(MustTasks(t, s.MustDo(t, Req{Method: "GET", Path: f.Collection(user), Token: Token(user)}))); n != 1 {
				t.Fatalf("%d tasks after a create and its retries, want 1", n)
			}
		})
	}
}

// The same key with another request (body, path, method) is a 422 naming
// the header, and changes nothing; another user's same key is theirs.
func TestKeyReusedForAnotherRequest(t *testing.T) {
	t.Parallel()
	s, user, key := MustServer(t), NewUser(), newKey()
	tk := MustTask(t, s.MustDo(t, withKey(Req{Method: "POST", Path: tasksPaths.Collection(user), Body: `{"title":"a"}`}, user, key)), http.StatusCreated)
	before := MustGet(t, s, user, tk.ID)
	for _, r := range []Req{
		{Method: "POST", Path: tasksPaths.Collection(user), Body: `{"title":"b"}`},
		{Method: "POST", Path: tasksPaths.Collection(user), Body: `{"title": "a"}`},
		{Method: "POST", Path: shortPaths.Collection(user), Body: `{"title":"a"}`},
		{Method: "PATCH", Path: tasksPaths.Item(user, tk.ID), Body: `{"title":"a"}`},
		{Method: "DELETE", Path: tasksPaths.Item(user, tk.ID)},
	} {
		MustFields(t, s.MustDo(t, withKey(r, user, key)), "Idempotency-Key")
	}
	if after := MustGet(t, s, user, tk.ID); after != before {
		t.Fatalf("a reused key changed the task:\n%s\n%s", before, after)
	}
	if n := len(MustTasks(t, s.MustDo(t, Req{Method: "GET", Path: tasksPaths.Collection(user), Token: Token(user)}))); n != 1 {
		t.Fatalf("%d tasks, want 1", n)
	}
	other := NewUser()
	MustTask(t, s.MustDo(t, withKey(Req{Method: "POST", Path: tasksPaths.Collection(other), Body: `{"title":"b"}`}, other, key)), http.StatusCreated)
}

// Every write on a task retried with its key replays its first response
// and has its effect once: a toggle flips once, a delete answers 204
// again, not 404.
func TestWritesWithKey(t *testing.T) {
	t.Parallel()
	for i, route := range writeRoutes("u", "id") {
		t.Run(fmt.Sprint(i, route.Method, route.Path), func(t *testing.T) {
			t.Parallel()
			s, user, key := MustServer(t), NewUser(), newKey()
			tk := MustCreate(t, s, shortPaths, user, `{"title":"a"}`)
			req := withKey(writeRoutes(user, tk.ID)[i], user, key)
			first := s.MustDo(t, req)
			if first.Status >= 300 {
				t.Fatalf("first: %d %s", first.Status, first.Body)
			}
			var after string
			if route.Method != "DELETE" {
				after = MustGet(t, s, user, tk.ID)
			}
			for range 2 {
				MustReplay(t, first, s.MustDo(t, req))
			}
			if route.Method == "DELETE" {
				MustProblem(t, s.MustDo(t, Req{Method: "GET", Path: shortPaths.Item(user, tk.ID), Token: Token(user)}), http.StatusNotFound)
				return
			}
			if again := MustGet(t, s, user, tk.ID); again != after {
				t.Fatalf("the retries changed the task:\n%s\n%s", after, again)
			}
			// The replay is the task as it was, whatever changed since.
			s.MustDo(t, Req{Method: "PUT", Path: shortPaths.Item(user, tk.ID), Token: Token(user), Body: `{"title":"later"}`})
			MustReplay(t, first, s.MustDo(t, req))
		})
	}
}

// A keyed write that failed stored nothing: the same key works for the
// request corrected (after a 422 or a 412), and after a 5xx for the same
// request, which then takes effect.
func TestFailedWriteKeepsKeyFree(t *testing.T) {
	t.Parallel()
	s, user, key := MustServer(t), NewUser(), newKey()
	tk := MustCreate(t, s, shortPaths, user, `{"title":"a"}`)
	item := shortPaths.Item(user, tk.ID)
	MustFields(t, s.MustDo(t, withKey(Req{Method: "PATCH", Path: item, Body: `{"title":null}`}, user, key)), "title")
	stale := withKey(Req{Method: "PATCH", Path: item, Body: `{"title":"b"}`, Header: map[string]string{"If-Match": `"9"`}}, user, key)
	MustProblem(t, s.MustDo(t, stale), http.StatusPreconditionFailed)
	s.repo.Set(unavailable)
	MustProblem(t, s.MustDo(t, withKey(Req{Method: "PATCH", Path: item, Body: `{"title":"b"}`}, user, key)), http.StatusServiceUnavailable)
	s.repo.Set(healthy)
	ok := s.MustDo(t, withKey(Req{Method: "PATCH", Path: item, Body: `{"title":"b"}`}, user, key))
	if got := MustTask(t, ok, http.StatusOK); got.Title != "b" || ok.Header.Get("Idempotent-Replayed") != "" {
		t.Fatalf("the write after the failures: %s, replayed %q", ok.Body, ok.Header.Get("Idempotent-Replayed"))
	}
}

// While another request holds the key, a request with it answers 409.
func TestKeyInFlight(t *testing.T) {
	t.Parallel()
	s, user := MustServer(t), NewUser()
	tk := MustCreate(t, s, shortPaths, user, `{"title":"a"}`)
	s.repo.Set(keyHeld)
	for _, r := range []Req{
		{Method: "POST", Path: shortPaths.Collection(user), Body: `{"title":"b"}`},
		{Method: "DELETE", Path: shortPaths.Item(user, tk.ID)},
	} {
		p := MustProblem(t, s.MustDo(t, withKey(r, user, newKey())), http.StatusConflict)
		if !strings.Contains(p.Detail, "Idempotency-Key") {
			t.Fatalf("409's detail %q does not name the key", p.Detail)
		}
	}
	s.repo.Set(healthy)
	MustGet(t, s, user, tk.ID)
}

// Many creates with one key at once: one task; every answer is its 201,
// one fresh and the others replayed.
func TestCreateWithKeyConcurrently(t *testing.T) {
	t.Parallel()
	const n = 12
	s, user, key := MustServer(t), NewUser(), newKey()
	resps := make([]Resp, n)
	testkit.AllAtOnce(n, func(i int) {
		req := httptest.NewRequest("POST", tasksPaths.Collection(user), strings.NewReader(`{"title":"twin"}`))
		req.Header.Set("Authorization", "Bearer "+Token(user))
		req.Header.Set("Idempotency-Key", key)
		resps[i] = serve(s, req)
	})
	var fresh []int
	for i, r := range resps {
		if r.Status != http.StatusCreated || !bytes.Equal(r.Body, resps[0].Body) {
			t.Fatalf("twin %d: %d %s; twin 0: %s", i, r.Status, r.Body, resps[0].Body)
		}
		if r.Header.Get("Idempotent-Replayed") == "" {
			fresh = append(fresh, i)
		}
	}
	if len(fresh) != 1 {
		t.Fatalf("twins %v answered fresh, want one", fresh)
	}
	if got := len(MustTasks(t, s.MustDo(t, Req{Method: "GET", Path: tasksPaths.Collection(user), Token: Token(user)}))); got != 1 {
		t.Fatalf("%d tasks, want 1", got)
	}
}

// A key must be 1 to 255 visible ASCII characters, bare or quoted, and
// sent once: else 400, before anything changes.
func TestMalformedKey(t *testing.T) {
	t.Parallel()
	s, user := MustServer(t), NewUser()
	tk := MustCreate(t, s, shortPaths, user, `{"title":"a"}`)
	long := strings.Repeat("k", 256)
	for _, key := range []string{`""`, long, `"` + long + `"`, "a b", "ключ", `"a"b"`, `"a\"`, "a\tb"} {
		for _, r := range append(writeRoutes(user, tk.ID), Req{Method: "POST", Path: shortPaths.Collection(user), Body: `{"title":"b"}`}) {
			p := MustProblem(t, s.MustDo(t, withKey(r, user, key)), http.StatusBadRequest)
			if !strings.Contains(p.Detail, "Idempotency-Key") {
				t.Fatalf("%s %s with key %q: detail %q", r.Method, r.Path, key, p.Detail)
			}
		}
	}
	twice := httptest.NewRequest("DELETE", shortPaths.Item(user, tk.ID), nil)
	twice.Header.Set("Authorization", "Bearer "+Token(user))
	twice.Header.Add("Idempotency-Key", "a")
	twice.Header.Add("Idempotency-Key", "a")
	MustProblem(t, serve(s, twice), http.StatusBadRequest)
	MustGet(t, s, user, tk.ID)
	// The longest key, and escapes in the quoted form, are fine.
	for _, key := range []string{strings.Repeat("k", 255), `"a\"b\\c"`, "!#$%&'()*+,-./:;<=>?@[]^_`{|}~"} {
		MustTask(t, s.MustDo(t, withKey(Req{Method: "POST", Path: shortPaths.Collection(user), Body: `{"title":"b"}`}, user, key)), http.StatusCreated)
	}
}

// A browser page on an allowed origin may send the headers and read the
// answers' ETag and Idempotent-Replayed.
func TestCORSConditionalAndKeys(t *testing.T) {
	t.Parallel()
	s, user := MustServer(t), NewUser()
	tk := MustCreate(t, s, shortPaths, user, `{"title":"a"}`)
	pre := preflight(shortPaths.Item(user, tk.ID), allowedOrigin, "PATCH")
	pre.Header["Access-Control-Request-Headers"] = "authorization,content-type,idempotency-key,if-match"
	resp := s.MustDo(t, pre)
	MustStatus(t, resp, http.StatusNoContent)
	mustInclude(t, "Access-Control-Allow-Headers", resp.Header.Get("Access-Control-Allow-Headers"),
		[]string{"Idempotency-Key", "If-Match", "If-None-Match"})
	req := withKey(Req{Method: "PATCH", Path: shortPaths.Item(user, tk.ID), Body: `{"title":"b"}`,
		Header: map[string]string{"Origin": allowedOrigin, "If-Match": `"1"`}}, user, newKey())
	s.MustDo(t, req)
	replay := s.MustDo(t, req)
	if replay.Header.Get("Idempotent-Replayed") != "true" || replay.Header.Get("ETag") != etagOf(2) {
		t.Fatalf("replay: %d, headers %v", replay.Status, replay.Header)
	}
	exposed := headerSet(replay.Header.Get("Access-Control-Expose-Headers"))
	for _, h := range []string{"ETag", "Idempotent-Replayed", "Location"} {
		if !slices.ContainsFunc(exposed, func(e string) bool { return strings.EqualFold(e, h) }) {
			t.Fatalf("Access-Control-Expose-Headers %v lacks %s", exposed, h)
		}
	}
}

// A restore retried with its key replays its first answer and restores
// once: the task deleted again in between stays in the trash, and the
// key sent with another request is a 422.
func TestRestoreWithKey(t *testing.T) {
	t.Parallel()
	s, user, key := MustServer(t), NewUser(), newKey()
	tk := MustCreate(t, s, tasksPaths, user, `{"title":"undo me"}`)
	del := Req{Method: "DELETE", Path: tasksPaths.Item(user, tk.ID), Token: Token(user)}
	if r := s.MustDo(t, del); r.Status != http.StatusNoContent {
		t.Fatalf("delete: %d %s", r.Status, r.Body)
	}
	restore := withKey(Req{Method: "POST", Path: restorePath(user, tk.ID)}, user, key)
	first := s.MustDo(t, restore)
	if first.Status != http.StatusOK {
		t.Fatalf("restore: %d %s", first.Status, first.Body)
	}
	MustReplay(t, first, s.MustDo(t, restore))
	if r := s.MustDo(t, del); r.Status != http.StatusNoContent {
		t.Fatalf("delete again: %d %s", r.Status, r.Body)
	}
	MustReplay(t, first, s.MustDo(t, restore))
	if trash, _ := MustTrash(t, s, user, "/api/"+user+"/trash"); len(trash) != 1 || trash[0].ID != tk.ID {
		t.Fatalf("the trash after the replay = %+v, want the task still in it (restored once)", trash)
	}
	MustFields(t, s.MustDo(t, withKey(Req{Method: "DELETE", Path: tasksPaths.Item(user, tk.ID)}, user, key)), "Idempotency-Key")
}
