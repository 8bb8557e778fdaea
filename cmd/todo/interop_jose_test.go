package main

import (
	"net/http"
	"strings"
	"testing"
)

// HS256 tokens that a Next.js frontend mints itself with jose and
// BETTER_AUTH_SECRET are accepted by an API given the same secret, and by no
// other: not one without a secret (development issuer, or a JWKS), nor one
// with a different secret.
func TestSharedSecretInterop(t *testing.T) {
	t.Parallel()
	secret := randomSecret(t)
	const user = "jose_user_7Qm2"
	token := MustSignHS256(t, secret, user)
	if alg, _ := tokenHeader(t, token); alg != "HS256" {
		t.Fatalf("jose signed with %q, want HS256", alg)
	}

	t.Run("Accepted", func(t *testing.T) {
		t.Parallel()
		srv := MustStart(t, t.TempDir(), cleanEnv("APP_ENV=production", "BETTER_AUTH_SECRET="+secret))
		created := mustTask(t, http.StatusCreated, "POST", srv.URL+"/api/"+user+"/tasks", token, `{"title":"signed by jose"}`)
		mustList(t, srv.URL, user, token, created.ID)
		mustTask(t, http.StatusOK, "PATCH", srv.URL+"/api/"+user+"/"+created.ID+"/toggle", token, "")
		if status, _, _ := Do(t, "GET", srv.URL+"/api/someone_else/tasks", token, ""); status != http.StatusForbidden {
			t.Errorf("jose token on another user's path: %d, want 403", status)
		}
		srv.Stop(t)
	})

	// Next.js apps often set both in one .env: the issuer derived from
	// BETTER_AUTH_URL binds Better Auth's tokens, not the frontend's own.
	fake := newFakeBetterAuth(t)
	t.Run("AcceptedBesideBetterAuthURL", func(t *testing.T) {
		t.Parallel()
		srv := MustStart(t, t.TempDir(), cleanEnv("APP_ENV=production", "BETTER_AUTH_SECRET="+secret, "BETTER_AUTH_URL="+fake.URL))
		mustTask(t, http.StatusCreated, "POST", srv.URL+"/api/"+user+"/tasks", token, `{"title":"jose beside Better Auth"}`)
		srv.Stop(t)
	})

	for _, tt := range []struct {
		name string
		env  []string
	}{
		{"RefusedInDevelopment", cleanEnv()},
		{"RefusedWithJWKSOnly", cleanEnv("APP_ENV=production", "BETTER_AUTH_URL="+fake.URL)},
		{"RefusedWithOtherSecret", cleanEnv("APP_ENV=production", "BETTER_AUTH_SECRET="+randomSecret(t))},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := MustStart(t, t.TempDir(), tt.env)
			status, hdr, body := Do(t, "POST", srv.URL+"/api/"+user+"/tasks", token, `{"title":"must not land"}`)
			if status != http.StatusUnauthorized || !strings.HasPrefix(hdr.Get("WWW-Authenticate"), "Bearer") {
				t.Errorf("%d %q %s; want 401 with a Bearer challenge", status, hdr.Get("WWW-Authenticate"), body)
			}
			srv.Stop(t)
		})
	}
}
