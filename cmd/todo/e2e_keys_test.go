package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/todoapi/todo/adapters/sqlstore/sqlstoretest"
	"github.com/todoapi/todo/internal/testkit"
)

// doKeyed sends a request with a bearer token and an Idempotency-Key.
func doKeyed(t *testing.T, method, url, token, key, body string) (int, http.Header, []byte) {
	t.Helper()
	req, _ := http.NewRequest(method, url, strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Idempotency-Key", key)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header, b
}

// kill stops the server with SIGKILL: no shutdown, no flush.
func (p *Process) kill(t *testing.T) {
	t.Helper()
	_ = p.cmd.Process.Kill()
	select {
	case <-p.done:
	case <-time.After(10 * time.Second):
		t.Fatal("the server did not die on SIGKILL")
	}
}

func mustCount(t *testing.T, url, token string, want int) {
	t.Helper()
	status, _, body := Do(t, "GET", url, token, "")
	var list []taskJSON
	if err := json.Unmarshal(body, &list); status != http.StatusOK || err != nil || len(list) != want {
		t.Fatalf("GET %s: %d, %d tasks (%v), want %d: %s", url, status, len(list), err, want, body)
	}
}

// A create that committed before the server was killed is replayed by the
// server started after it, on the same database: the retry gets the first
// 201, with its Location and ETag, and there is one task. A create sent
// just before the kill, its answer never read, becomes one task whether
// the kill came before or after its commit: its retry is then replayed or
// made anew.
func TestKeyedCreateSurvivesKill(t *testing.T) {
	t.Parallel()
	for _, store := range []string{"sqlite", "postgres"} {
		t.Run(store, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			env := cleanEnv()
			if store == "postgres" {
				env = cleanEnv("DATABASE_URL=" + sqlstoretest.MustCreatePostgresDB(t))
			}
			srv := MustStart(t, dir, env)
			token := MustToken(t, dir, env, "alice")
			create := srv.URL + "/api/alice/tasks"
			status, first, body := doKeyed(t, "POST", create, token, "order-1", `{"title":"pay once"}`)
			if status != http.StatusCreated {
				t.Fatalf("create: %d %s", status, body)
			}
			lost := sendUnread(t, srv.URL, token, "order-2", `{"title":"answer lost"}`)
			srv.kill(t)

			again := MustStart(t, dir, env)
			create = again.URL + "/api/alice/tasks"
			status, hdr, replay := doKeyed(t, "POST", create, token, "order-1", `{"title":"pay once"}`)
			if status != http.StatusCreated || hdr.Get("Idempotent-Replayed") != "true" || !bytes.Equal(replay, body) ||
				hdr.Get("Location") != first.Get("Location") || hdr.Get("ETag") != first.Get("ETag") {
				t.Fatalf("the retry after the kill: %d %v %s; want the first answer, replayed: %v %s", status, hdr, replay, first, body)
			}
			status, _, body = doKeyed(t, "POST", create, token, "order-2", `{"title":"answer lost"}`)
			if status != http.StatusCreated {
				t.Fatalf("the retry of the request in flight at the kill (sent: %v): %d %s", lost, status, body)
			}
			mustCount(t, create, token, 2)
			again.Stop(t)
		})
	}
}

// sendUnread writes a keyed create on a connection of its own and returns
// without reading the answer, as a client whose server dies under it.
func sendUnread(t *testing.T, base, token, key, body string) error {
	t.Helper()
	conn, err := net.Dial("tcp", strings.TrimPrefix(base, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	_, err = fmt.Fprintf(conn, "POST /api/alice/tasks HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\nIdempotency-Key: %s\r\n"+
		"Content-Type: application/json\r\nContent-Length: %d\r\n\r\n%s", token, key, len(body), body)
	return err
}

// Keys expire IDEMPOTENCY_TTL after their write: the same request then
// makes a new task.
func TestKeysExpire(t *testing.T) {
	t.Parallel()
	dir, env := t.TempDir(), cleanEnv("IDEMPOTENCY_TTL=1s")
	srv := MustStart(t, dir, env)
	token := MustToken(t, dir, env, "alice")
	create := srv.URL + "/api/alice/tasks"
	if status, _, body := doKeyed(t, "POST", create, token, "k", `{"title":"again and again"}`); status != http.StatusCreated {
		t.Fatalf("create: %d %s", status, body)
	}
	testkit.Eventually(t, 15*time.Second, "the key to expire", func() bool {
		status, hdr, _ := doKeyed(t, "POST", create, token, "k", `{"title":"again and again"}`)
		return status == http.StatusCreated && hdr.Get("Idempotent-Replayed") == ""
	})
	mustCount(t, create, token, 2)
	srv.Stop(t)
}
