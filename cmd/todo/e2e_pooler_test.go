package main

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/todoapi/todo/adapters/sqlstore/sqlstoretest"
	"github.com/todoapi/todo/internal/testkit"
)

// The real binary on PostgreSQL through PgBouncer in transaction mode, as
// behind Neon's pooled endpoint: it migrates through the pooler at start,
// then serves every route of both families to two users, each kept from
// the other's tasks.
func TestServeThroughPgBouncer(t *testing.T) {
	t.Parallel()
	pooled := sqlstoretest.MustStartPgBouncer(t, sqlstoretest.MustCreatePostgresDB(t))
	dir := t.TempDir()
	env := cleanEnv("DATABASE_URL=" + withQuery(t, pooled, "pgbouncer", "true"))
	srv := MustStart(t, dir, env)
	if logs := srv.logs.String(); !strings.Contains(logs, "statement_mode=exec") || !strings.Contains(logs, "migration applied") {
		t.Fatalf("start-up log does not show exec mode and the migration:\n%s", logs)
	}
	if logs := srv.logs.String(); !strings.Contains(logs, "DATABASE_LISTEN_URL") || !strings.Contains(logs, "polls the feeds of its streams every 1s") {
		t.Errorf("start-up log does not warn that live events are polled, naming DATABASE_LISTEN_URL:\n%s", logs)
	}
	alice, bob := MustToken(t, dir, env, "alice"), MustToken(t, dir, env, "bob")
	for _, family := range []routeFamily{seedRoutes, specRoutes} {
		t.Run(family.name, func(t *testing.T) {
			assertCRUD(t, srv.URL, family, "alice", alice)
			assertIsolation(t, srv.URL, family, "alice", alice, "bob", bob)
		})
	}
	if status, _, _ := Do(t, "GET", srv.URL+"/readyz", "", ""); status != http.StatusOK {
		t.Errorf("/readyz through the pooler: %d", status)
	}
	if code := srv.Stop(t); code != 0 {
		t.Errorf("exit %d\n%s", code, srv.logs)
	}
}

// Through a transaction pooler with nothing in the URL about it, serve
// refuses to start and says what to add.
func TestServeRefusesPoolerWithoutHint(t *testing.T) {
	t.Parallel()
	pooled := sqlstoretest.MustStartPgBouncer(t, sqlstoretest.MustCreatePostgresDB(t))
	_, errOut, code := Cmd(t, t.TempDir(), cleanEnv("DATABASE_URL="+pooled), "serve", "--http-addr", testkit.FreeAddr(t))
	last := lastLine(errOut)
	if code != exitFailure || !strings.Contains(last, "transaction-mode pooler") || !strings.Contains(last, "add pgbouncer=true to DATABASE_URL") {
		t.Fatalf("exit %d, last line %q; want exit 1 asking for pgbouncer=true\n%s", code, last, errOut)
	}
}

// routeFamily builds the paths of one of the two route families.
type routeFamily struct {
	name       string
	collection func(user string) string
	item       func(user, id string) string
	flip       func(user, id string) string // PATCH with no body flips completed
}

var (
	seedRoutes = routeFamily{
		name:       "seed",
		collection: func(u string) string { return "/api/" + u + "/" },
		item:       func(u, id string) string { return "/api/" + u + "/" + id },
		flip:       func(u, id string) string { return "/api/" + u + "/" + id + "/toggle" },
	}
	specRoutes = routeFamily{
		name:       "spec",
		collection: func(u string) string { return "/api/" + u + "/tasks" },
		item:       func(u, id string) string { return "/api/" + u + "/tasks/" + id },
		flip:       func(u, id string) string { return "/api/" + u + "/tasks/" + id + "/complete" },
	}
)

// assertCRUD creates, reads, lists, updates, flips and deletes a task.
func assertCRUD(t *testing.T, api string, f routeFamily, user, token string) {
	t.Helper()
	created := wantTask(t, http.StatusCreated, "POST", api+f.collection(user), token, `{"title":"through the pooler","description":"d"}`)
	item := api + f.item(user, created.ID)
	if got := wantTask(t, http.StatusOK, "GET", item, token, ""); got.Title != "through the pooler" || got.UserID != user {
		t.Errorf("get: %+v", got)
	}
	if status, _, body := Do(t, "GET", api+f.collection(user), token, ""); status != http.StatusOK || !strings.Contains(string(body), created.ID) {
		t.Errorf("list: %d %s", status, body)
	}
	if got := wantTask(t, http.StatusOK, "PATCH", item, token, `{"title":"renamed"}`); got.Title != "renamed" || got.Desc == nil {
		t.Errorf("patch: %+v", got)
	}
	if got := wantTask(t, http.StatusOK, "PUT", item, token, `{"description":null}`); got.Desc != nil || got.Title != "renamed" {
		t.Errorf("put: %+v", got)
	}
	if got := wantTask(t, http.StatusOK, "PATCH", api+f.flip(user, created.ID), token, ""); !got.Completed {
		t.Errorf("flip: %+v", got)
	}
	if status, _, body := Do(t, "DELETE", item, token, ""); status != http.StatusNoContent {
		t.Errorf("delete: %d %s", status, body)
	}
	if status, _, _ := Do(t, "GET", item, token, ""); status != http.StatusNotFound {
		t.Errorf("get after delete: %d, want 404", status)
	}
}

// assertIsolation: the other user can neither reach the owner's path nor
// find the owner's task from their own.
func assertIsolation(t *testing.T, api string, f routeFamily, owner, ownerToken, other, otherToken string) {
	t.Helper()
	task := wantTask(t, http.StatusCreated, "POST", api+f.collection(owner), ownerToken, `{"title":"private"}`)
	if status, _, _ := Do(t, "GET", api+f.collection(owner), otherToken, ""); status != http.StatusForbidden {
		t.Errorf("%s lists %s's tasks: %d, want 403", other, owner, status)
	}
	for _, r := range []struct{ method, path, body string }{
		{"GET", f.item(other, task.ID), ""},
		{"PUT", f.item(other, task.ID), `{"title":"taken"}`},
		{"PATCH", f.item(other, task.ID), `{"title":"taken"}`},
		{"PATCH", f.flip(other, task.ID), ""},
		{"DELETE", f.item(other, task.ID), ""},
	} {
		if status, _, body := Do(t, r.method, api+r.path, otherToken, r.body); status != http.StatusNotFound {
			t.Errorf("%s %s as %s: %d %s, want 404", r.method, r.path, other, status, body)
		}
	}
	if status, _, body := Do(t, "GET", api+f.collection(other), otherToken, ""); status != http.StatusOK || strings.Contains(string(body), task.ID) {
		t.Errorf("%s's list: %d %s; must not hold %s's task", other, status, body, owner)
	}
	if got := wantTask(t, http.StatusOK, "GET", api+f.item(owner, task.ID), ownerToken, ""); got.Title != "private" || got.Completed {
		t.Errorf("%s's task after %s's attempts: %+v", owner, other, got)
	}
}

func wantTask(t *testing.T, want int, method, url, token, body string) taskJSON {
	t.Helper()
	status, _, b := Do(t, method, url, token, body)
	var tk taskJSON
	if status != want || json.Unmarshal(b, &tk) != nil {
		t.Fatalf("%s %s: %d %s, want %d with a task", method, url, status, b, want)
	}
	return tk
}

// withQuery returns u with the query parameter key set to value.
func withQuery(t *testing.T, u, key, value string) string {
	t.Helper()
	parsed, err := url.Parse(u)
	if err != nil {
		t.Fatal(err)
	}
	q := parsed.Query()
	q.Set(key, value)
	parsed.RawQuery = q.Encode()
	return parsed.String()
}

func lastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return lines[len(lines)-1]
}
