package jwtauth

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/MicahParks/jwkset"
	"github.com/golang-jwt/jwt/v5"
)

// inMemoryVerifier trusts k through a key storage the test can change, on a
// clock the test moves.
func inMemoryVerifier(t *testing.T, k signer, clock *fakeClock, cacheSize int) (*TokenVerifier, *jwkset.MemoryJWKSet) {
	t.Helper()
	store := jwkset.NewMemoryStorage()
	if err := store.KeyWrite(t.Context(), k.jwk(t)); err != nil {
		t.Fatal(err)
	}
	return MustVerifier(t, Config{Keys: store, Clock: clock, CacheSize: cacheSize}), store
}

func TestCache_NeverPastExpiry(t *testing.T) {
	t.Parallel()
	start := time.Unix(1_800_000_000, 0)
	clock := newFakeClock(start)
	k := newSigner(t, "EdDSA")
	v, _ := inMemoryVerifier(t, k, clock, 0)
	c := jwt.MapClaims{"sub": "u", "exp": start.Add(time.Minute).Unix()}
	token := k.sign(t, c)
	MustAccept(t, v, token)
	if got := v.cache.len(); got != 1 {
		t.Fatalf("cache holds %d tokens, want 1", got)
	}

	clock.Advance(time.Minute + 10*time.Second) // past exp, within the leeway
	MustAccept(t, v, token)
	clock.Advance(time.Minute) // past exp and leeway
	MustRefuse(t, v, token, msgExpired)
}

// A clock set back (NTP stepping, a VM resumed) must not let the cache serve
// a token whose nbf or iat a fresh verification now finds in the future.
func TestCache_ClockSetBack(t *testing.T) {
	t.Parallel()
	start := time.Unix(1_800_000_000, 0)
	for _, claim := range []string{"nbf", "iat"} {
		t.Run(claim, func(t *testing.T) {
			t.Parallel()
			clock := newFakeClock(start)
			k := newSigner(t, "EdDSA")
			v, _ := inMemoryVerifier(t, k, clock, 0)
			token := k.sign(t, jwt.MapClaims{"sub": "u", "exp": start.Add(time.Hour).Unix(), claim: start.Add(20 * time.Second).Unix()})
			MustAccept(t, v, token) // 20 s ahead: within the 30 s leeway
			if got := v.cache.len(); got != 1 {
				t.Fatalf("cache holds %d tokens, want 1", got)
			}
			clock.Advance(-time.Minute)
			want := map[string]string{"nbf": msgNotYetValid, "iat": msgIssuedLater}[claim]
			MustRefuse(t, v, token, want)
			clock.Advance(time.Minute)
			MustAccept(t, v, token)
		})
	}
}

// Tokens refused for their claims never enter the cache, so the same token
// sent again is refused again, for the same reason.
func TestCache_RefusedNeverCached(t *testing.T) {
	t.Parallel()
	start := time.Unix(1_800_000_000, 0)
	clock := newFakeClock(start)
	k := newSigner(t, "EdDSA")
	v, _ := inMemoryVerifier(t, k, clock, 0)
	exp := start.Add(time.Hour).Unix()
	for _, tc := range []struct {
		c       jwt.MapClaims
		wantMsg string
	}{
		{jwt.MapClaims{"sub": "u", "exp": fmt.Sprint(exp)}, msgTimeClaim},
		{jwt.MapClaims{"sub": "u\x00", "exp": exp}, msgSubjectCtrl},
		{jwt.MapClaims{"sub": strings.Repeat("u", 300), "exp": exp}, msgSubjectLong},
		{jwt.MapClaims{"sub": "u", "exp": exp, "iat": start.Add(time.Hour).Unix()}, msgIssuedLater},
	} {
		token := k.sign(t, tc.c)
		MustRefuse(t, v, token, tc.wantMsg)
		MustRefuse(t, v, token, tc.wantMsg)
	}
	if got := v.cache.len(); got != 0 {
		t.Errorf("cache holds %d refused tokens", got)
	}
}

func TestCache_KeyReplacedUnderSameKID(t *testing.T) {
	t.Parallel()
	clock := newFakeClock(time.Now())
	k := newSigner(t, "EdDSA")
	v, store := inMemoryVerifier(t, k, clock, 0)
	token := k.sign(t, betterAuthClaims("u", clock.Now()))
	MustAccept(t, v, token)

	other := newSigner(t, "EdDSA")
	other.kid = k.kid
	if err := store.KeyReplaceAll(t.Context(), []jwkset.JWK{other.jwk(t)}); err != nil {
		t.Fatal(err)
	}
	MustRefuse(t, v, token, msgSignature)
}

func TestCache_Bounded(t *testing.T) {
	t.Parallel()
	clock := newFakeClock(time.Now())
	k := newSigner(t, "EdDSA")
	v, _ := inMemoryVerifier(t, k, clock, 8)
	for i := range 50 {
		MustAccept(t, v, k.sign(t, betterAuthClaims(fmt.Sprint("u", i), clock.Now())))
	}
	if got := v.cache.len(); got > 8 {
		t.Errorf("cache holds %d tokens, want at most 8", got)
	}
}

func TestCache_Disabled(t *testing.T) {
	t.Parallel()
	k := newSigner(t, "EdDSA")
	v, _ := inMemoryVerifier(t, k, newFakeClock(time.Now()), -1)
	MustAccept(t, v, k.sign(t, betterAuthClaims("u", time.Now())))
	if v.cache != nil {
		t.Error("cache exists with CacheSize -1")
	}
}

func BenchmarkVerify(b *testing.B) {
	for name, cacheSize := range map[string]int{"Cached": 0, "Uncached": -1} {
		b.Run(name, func(b *testing.B) {
			k := newSigner(b, "EdDSA")
			srv := MustJWKSServer(b, k)
			v := MustVerifier(b, Config{JWKSURL: srv.url(), Issuer: testIssuer, Audience: testIssuer, CacheSize: cacheSize})
			token := k.sign(b, betterAuthClaims("bench-user", time.Now()))
			b.ReportAllocs()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					if _, err := v.Verify(b.Context(), token); err != nil {
						b.Fatal(err)
					}
				}
			})
		})
	}
}
