package main

import (
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/todoapi/todo/adapters/sqlstore/sqlstoretest"
)

// fakeBetterAuth serves a JWKS at /api/auth/jwks the way Better Auth does,
// and signs tokens shaped like its /api/auth/token answers.
type fakeBetterAuth struct {
	*httptest.Server
	kid  string
	priv ed25519.PrivateKey
}

func newFakeBetterAuth(t *testing.T) *fakeBetterAuth {
	t.Helper()
	pub, priv, _ := ed25519.GenerateKey(rand.Reader)
	f := &fakeBetterAuth{kid: "Qm9ndXNLaWRGb3JUZXN0aW5nT25seTEy", priv: priv}
	jwks, _ := json.Marshal(map[string]any{"keys": []any{map[string]string{
		"alg": "EdDSA", "crv": "Ed25519", "x": base64.RawURLEncoding.EncodeToString(pub), "kty": "OKP", "kid": f.kid,
	}}})
	mux := http.NewServeMux()
	mux.HandleFunc("GET /api/auth/jwks", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Write(jwks)
	})
	f.Server = httptest.NewServer(mux)
	t.Cleanup(f.Close)
	return f
}

func (f *fakeBetterAuth) token(t *testing.T, user, iss string) string {
	t.Helper()
	now := time.Now()
	tk := jwt.NewWithClaims(jwt.SigningMethodEdDSA, jwt.MapClaims{
		"iat": now.Unix(), "name": user, "email": user + "@example.test", "emailVerified": false, "image": nil,
		"createdAt": now.Format(time.RFC3339), "updatedAt": now.Format(time.RFC3339),
		"id": user, "sub": user, "exp": now.Add(15 * time.Minute).Unix(), "iss": iss, "aud": iss,
	})
	tk.Header = map[string]any{"alg": "EdDSA", "kid": f.kid}
	s, err := tk.SignedString(f.priv)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// With BETTER_AUTH_URL set, the server verifies Better Auth's tokens through
// its JWKS (issuer and audience derived from the URL) and refuses
// development tokens.
func TestBetterAuthURL(t *testing.T) {
	t.Parallel()
	ba := newFakeBetterAuth(t)
	dir := t.TempDir()
	devToken := MustToken(t, dir, cleanEnv(), "alice") // made before a real source is set
	env := cleanEnv("BETTER_AUTH_URL=" + ba.URL)
	srv := MustStart(t, dir, env)
	if strings.Contains(srv.logs.String(), "development tokens are enabled") {
		t.Error("the development issuer runs although BETTER_AUTH_URL is set")
	}

	good := ba.token(t, "ld9lkAlice", ba.URL)
	if status, _, body := Do(t, "POST", srv.URL+"/api/ld9lkAlice/", good, `{"title":"from Better Auth"}`); status != http.StatusCreated {
		t.Fatalf("Better Auth token: %d %s", status, body)
	}
	for name, token := range map[string]string{
		"wrong issuer":      ba.token(t, "ld9lkAlice", "http://elsewhere.example"),
		"development token": devToken,
	} {
		status, hdr, _ := Do(t, "GET", srv.URL+"/api/ld9lkAlice/", token, "")
		if status != http.StatusUnauthorized || !strings.HasPrefix(hdr.Get("WWW-Authenticate"), "Bearer") {
			t.Errorf("%s: %d, WWW-Authenticate %q; want 401 with a Bearer challenge", name, status, hdr.Get("WWW-Authenticate"))
		}
	}
	srv.Stop(t)
}

// The whole service on PostgreSQL: migrations at start, CRUD, readiness,
// and, as it connects as a superuser, the warning that row-level security
// is bypassed.
func TestServeOnPostgres(t *testing.T) {
	t.Parallel()
	dbURL := sqlstoretest.MustCreatePostgresDB(t)
	dir := t.TempDir()
	env := cleanEnv("DATABASE_URL=" + dbURL)
	srv := MustStart(t, dir, env)
	if logs := srv.logs.String(); strings.Count(logs, "row-level security is bypassed") != 1 {
		t.Errorf("start-up log as a superuser: want one warning that row-level security is bypassed:\n%s", logs)
	}
	token := MustToken(t, dir, env, "alice")

	status, _, body := Do(t, "POST", srv.URL+"/api/alice/tasks", token, `{"title":"on postgres","description":"d"}`)
	var created taskJSON
	if json.Unmarshal(body, &created); status != http.StatusCreated {
		t.Fatalf("create: %d %s", status, body)
	}
	if status, _, body := Do(t, "PATCH", srv.URL+"/api/alice/tasks/"+created.ID+"/complete", token, ""); status != http.StatusOK || !strings.Contains(string(body), `"completed":true`) {
		t.Fatalf("complete: %d %s", status, body)
	}
	if status, _, body := Do(t, "PUT", srv.URL+"/api/alice/"+created.ID, token, `{"description":null}`); status != http.StatusOK || !strings.Contains(string(body), `"description":null`) {
		t.Fatalf("update: %d %s", status, body)
	}
	if status, _, _ := Do(t, "GET", srv.URL+"/readyz", "", ""); status != http.StatusOK {
		t.Fatalf("readyz: %d", status)
	}
	if status, _, _ := Do(t, "DELETE", srv.URL+"/api/alice/"+created.ID, token, ""); status != http.StatusNoContent {
		t.Fatalf("delete: %d", status)
	}
	if code := srv.Stop(t); code != 0 {
		t.Fatalf("exit %d\n%s", code, srv.logs)
	}
	out, errOut, code := Cmd(t, dir, env, "migrate", "status")
	if code != 0 || !strings.Contains(out, allApplied(t)) {
		t.Fatalf("migrate status after serve: %d\n%s%s", code, out, errOut)
	}
}
