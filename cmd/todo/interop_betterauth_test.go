package main

import (
	"crypto/ed25519"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// baRotation is the harness's jwks.rotationInterval in seconds: long enough
// for the tokens minted at the start to share a key, short enough that the
// test waits little for the next one.
const baRotation = 5

// The API behind a real Better Auth: two users signed up with email and
// password, their JWTs from /api/auth/token, the API started with only
// BETTER_AUTH_URL (in production mode). Then Better Auth rotates its key,
// and then it goes away.
func TestBetterAuthInterop(t *testing.T) {
	t.Parallel()
	ba := MustStartBetterAuth(t, "", fmt.Sprintf("JWKS_ROTATION_INTERVAL=%d", baRotation), "JWKS_GRACE_PERIOD=3600")
	alice, bob := ba.MustSignUp(t, "alice"), ba.MustSignUp(t, "bob")
	aliceTok, bobTok := ba.MustToken(t, alice), ba.MustToken(t, bob)
	aliceSpare := ba.MustToken(t, alice) // shown to the API only after the rotation

	srv := MustStart(t, t.TempDir(), cleanEnv("APP_ENV=production", "BETTER_AUTH_URL="+ba.BaseURL))
	// The API fetched the JWKS at start; keys minted from now on are new to it.
	known := ba.MustKIDs(t)
	for _, tok := range []string{aliceTok, bobTok, aliceSpare} {
		if alg, kid := tokenHeader(t, tok); alg != "EdDSA" || !slices.Contains(known, kid) {
			t.Fatalf("token header alg %q kid %q; want EdDSA and a kid of the JWKS %v", alg, kid, known)
		}
	}

	var aliceTask, bobTask string
	t.Run("CRUD", func(t *testing.T) {
		aliceTask = MustCRUD(t, srv.URL, alice.ID, aliceTok)
		bobTask = MustCRUD(t, srv.URL, bob.ID, bobTok)
	})
	t.Run("Isolation", func(t *testing.T) {
		if aliceTask == "" || bobTask == "" {
			t.Fatal("not checked: CRUD failed, so there are no tasks to isolate")
		}
		checkIsolation(t, srv.URL, alice.ID, aliceTok, aliceTask, bob.ID, bobTok, bobTask)
	})

	var newTok string
	t.Run("KeyRotation", func(t *testing.T) {
		newTok = mustRotatedToken(t, ba, alice, known)
		_, newKID := tokenHeader(t, newTok)
		// Unknown to the running API: it must fetch the JWKS again to accept it.
		mustList(t, srv.URL, alice.ID, newTok, aliceTask)
		// The old key is expired for signing but published for the grace
		// period, so a token it signed, never seen by the API, still verifies
		// against the JWKS the API just fetched.
		mustList(t, srv.URL, alice.ID, aliceSpare, aliceTask)
		_, oldKID := tokenHeader(t, aliceSpare)
		if kids := ba.MustKIDs(t); !slices.Contains(kids, oldKID) || !slices.Contains(kids, newKID) {
			t.Errorf("JWKS after rotation %v; want both the old key %s and the new %s", kids, oldKID, newKID)
		}
	})

	t.Run("BetterAuthDown", func(t *testing.T) {
		if newTok == "" {
			t.Fatal("not checked: KeyRotation failed, so there is no token signed with the new key")
		}
		unseen := ba.MustToken(t, bob) // signed with the new key; the API has not seen this token
		if kid := kidOf(t, unseen); kid != kidOf(t, newTok) {
			t.Fatalf("Better Auth rotated again in the meantime (kid %s); raise baRotation", kid)
		}
		ba.Stop(t)

		mustList(t, srv.URL, alice.ID, newTok, aliceTask)
		mustList(t, srv.URL, bob.ID, unseen, bobTask)
		if status, _, body := Do(t, "POST", srv.URL+"/api/"+bob.ID+"/tasks", unseen, `{"title":"while Better Auth is down"}`); status != http.StatusCreated {
			t.Errorf("create while Better Auth is down: %d %s", status, body)
		}
		// A kid the API has never seen can't be fetched now: refused, quickly.
		start := time.Now()
		status, hdr, _ := Do(t, "GET", srv.URL+"/api/"+bob.ID+"/tasks", forgedToken(t, bob.ID, ba.BaseURL), "")
		if status != http.StatusUnauthorized || !strings.HasPrefix(hdr.Get("WWW-Authenticate"), "Bearer") {
			t.Errorf("unknown kid while Better Auth is down: %d %q; want 401 with a Bearer challenge", status, hdr.Get("WWW-Authenticate"))
		}
		if d := time.Since(start); d > 10*time.Second {
			t.Errorf("unknown kid while Better Auth is down took %v", d)
		}
		if status, _, _ := Do(t, "GET", srv.URL+"/readyz", "", ""); status != http.StatusOK {
			t.Errorf("readyz while Better Auth is down: %d; the database is what readiness checks", status)
		}
	})

	if code := srv.Stop(t); code != 0 {
		t.Errorf("API exit code %d", code)
	}
}

// mustRotatedToken waits for Better Auth's signing key to expire and returns
// the first token signed with a key not among known. Better Auth mints the
// new key lazily, on the first signing after the current key expires.
func mustRotatedToken(t *testing.T, ba *BetterAuth, u *baUser, known []string) string {
	t.Helper()
	deadline := time.Now().Add((baRotation + 15) * time.Second)
	for time.Now().Before(deadline) {
		tok := ba.MustToken(t, u)
		if !slices.Contains(known, kidOf(t, tok)) {
			return tok
		}
		time.Sleep(200 * time.Millisecond)
	}
	t.Fatalf("Better Auth kept signing with the keys %v past its rotation interval", known)
	return ""
}

func kidOf(t *testing.T, token string) string {
	t.Helper()
	_, kid := tokenHeader(t, token)
	return kid
}

// forgedToken is shaped like Better Auth's but signed by a key it never had.
func forgedToken(t *testing.T, sub, base string) string {
	t.Helper()
	_, priv, _ := ed25519.GenerateKey(rand.Reader)
	now := time.Now()
	tk := jwt.NewWithClaims(jwt.SigningMethodEdDSA, jwt.MapClaims{
		"sub": sub, "id": sub, "iat": now.Unix(), "exp": now.Add(15 * time.Minute).Unix(), "iss": base, "aud": base,
	})
	tk.Header = map[string]any{"alg": "EdDSA", "kid": "Zm9yZ2VkS2lkTmV2ZXJQdWJsaXNoZWQx"}
	s, err := tk.SignedString(priv)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// MustCRUD runs every route of both families as user and returns the id of
// the one task it leaves behind.
func MustCRUD(t *testing.T, api, user, token string) string {
	t.Helper()
	base := api + "/api/" + user
	first := mustTask(t, http.StatusCreated, "POST", base+"/tasks", token, `{"title":"  spec route  "}`)
	second := mustTask(t, http.StatusCreated, "POST", base+"/", token, `{"title":"seed route","description":"d"}`)
	if first.UserID != user || first.Title != "spec route" {
		t.Fatalf("created %+v; want user_id %q and the title trimmed", first, user)
	}
	for _, path := range []string{"/tasks", "/", "", "/tasks/"} {
		status, _, body := Do(t, "GET", base+path, token, "")
		var list []taskJSON
		if json.Unmarshal(body, &list); status != http.StatusOK || len(list) != 2 || list[0].ID != second.ID {
			t.Fatalf("GET %s: %d %s; want both tasks, newest first", path, status, body)
		}
	}
	mustTask(t, http.StatusOK, "GET", base+"/tasks/"+first.ID, token, "")
	mustTask(t, http.StatusOK, "GET", base+"/"+second.ID, token, "")
	if got := mustTask(t, http.StatusOK, "PUT", base+"/"+first.ID, token, `{"title":"renamed"}`); got.Title != "renamed" {
		t.Errorf("PUT: title %q", got.Title)
	}
	if got := mustTask(t, http.StatusOK, "PATCH", base+"/tasks/"+second.ID, token, `{"description":null}`); got.Desc != nil {
		t.Errorf("PATCH: description %q, want null", *got.Desc)
	}
	if got := mustTask(t, http.StatusOK, "PATCH", base+"/"+first.ID+"/toggle", token, ""); !got.Completed {
		t.Error("toggle did not complete the task")
	}
	if got := mustTask(t, http.StatusOK, "PATCH", base+"/tasks/"+first.ID+"/complete", token, `{"completed":false}`); got.Completed {
		t.Error("complete {completed:false} left the task completed")
	}
	if status, _, body := Do(t, "DELETE", base+"/tasks/"+second.ID, token, ""); status != http.StatusNoContent {
		t.Fatalf("DELETE: %d %s", status, body)
	}
	if status, _, _ := Do(t, "GET", base+"/"+second.ID, token, ""); status != http.StatusNotFound {
		t.Fatalf("GET after DELETE: %d, want 404", status)
	}
	return first.ID
}

func mustTask(t *testing.T, want int, method, url, token, body string) taskJSON {
	t.Helper()
	status, hdr, b := Do(t, method, url, token, body)
	var task taskJSON
	if err := json.Unmarshal(b, &task); status != want || err != nil || task.ID == "" {
		t.Fatalf("%s %s: %d %s; want %d and a task", method, url, status, b, want)
	}
	if want == http.StatusCreated && !strings.HasSuffix(hdr.Get("Location"), task.ID) {
		t.Errorf("%s %s: Location %q", method, url, hdr.Get("Location"))
	}
	return task
}

// mustList checks that token lists user's tasks and that they include id.
func mustList(t *testing.T, api, user, token, id string) {
	t.Helper()
	status, _, body := Do(t, "GET", api+"/api/"+user+"/tasks", token, "")
	if status != http.StatusOK || !strings.Contains(string(body), id) {
		t.Fatalf("list as %s: %d %s; want 200 with task %s", user, status, body, id)
	}
}

// checkIsolation: a's token on b's paths is 403; b's task through a's own
// path is 404 whatever the method; each list holds only its owner's tasks.
func checkIsolation(t *testing.T, api, a, aTok, aTask, b, bTok, bTask string) {
	t.Helper()
	for _, r := range []struct{ method, path, body string }{
		{"GET", "/api/" + b + "/tasks", ""},
		{"POST", "/api/" + b + "/tasks", `{"title":"intruder"}`},
		{"GET", "/api/" + b + "/" + bTask, ""},
		{"DELETE", "/api/" + b + "/tasks/" + bTask, ""},
	} {
		if status, _, body := Do(t, r.method, api+r.path, aTok, r.body); status != http.StatusForbidden {
			t.Errorf("a's token, %s %s: %d %s; want 403", r.method, r.path, status, body)
		}
	}
	for _, r := range []struct{ method, path, body string }{
		{"GET", "/api/" + a + "/tasks/" + bTask, ""},
		{"GET", "/api/" + a + "/" + bTask, ""},
		{"PUT", "/api/" + a + "/" + bTask, `{"title":"stolen"}`},
		{"PATCH", "/api/" + a + "/tasks/" + bTask, `{"title":"stolen"}`},
		{"PATCH", "/api/" + a + "/" + bTask + "/toggle", ""},
		{"PATCH", "/api/" + a + "/tasks/" + bTask + "/complete", ""},
		{"DELETE", "/api/" + a + "/tasks/" + bTask, ""},
	} {
		if status, _, body := Do(t, r.method, api+r.path, aTok, r.body); status != http.StatusNotFound {
			t.Errorf("b's task through a's path, %s %s: %d %s; want 404", r.method, r.path, status, body)
		}
	}
	for _, u := range []struct{ user, token, own, other string }{{a, aTok, aTask, bTask}, {b, bTok, bTask, aTask}} {
		status, _, body := Do(t, "GET", api+"/api/"+u.user+"/tasks", u.token, "")
		var list []taskJSON
		json.Unmarshal(body, &list)
		if status != http.StatusOK || len(list) != 1 || list[0].ID != u.own || list[0].UserID != u.user {
			t.Errorf("%s's list: %d %s; want only task %s", u.user, status, body, u.own)
		}
	}
	if got := mustTask(t, http.StatusOK, "GET", api+"/api/"+b+"/"+bTask, bTok, ""); got.Title != "renamed" || got.Completed {
		t.Errorf("b's task changed through a's requests: %+v", got)
	}
}
