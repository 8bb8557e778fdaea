package jwtauth

import (
	"fmt"
	"testing"
	"time"

	"github.com/MicahParks/jwkset"

	"github.com/todoapi/todo/internal/testkit"
)

// The limiter lets unknownKIDBurst unknown kids refresh at once; spend that
// burst with bogus kids so the next unknown kid has to wait for the limiter.
func spendUnknownKIDBurst(t *testing.T, v *TokenVerifier, k signer) {
	t.Helper()
	for range unknownKIDBurst {
		bogus := k
		bogus.kid = newKID()
		MustRefuse(t, v, bogus.sign(t, betterAuthClaims("u", time.Now())), msgUnknownKey)
	}
}

func TestJWKS_KeyAddedAfterBogusKIDs(t *testing.T) {
	t.Parallel()
	old := newSigner(t, "EdDSA")
	srv := MustJWKSServer(t, old)
	v := MustVerifier(t, Config{JWKSURL: srv.url(), UnknownKIDInterval: 50 * time.Millisecond, UnknownKIDWait: 5 * time.Second})
	spendUnknownKIDBurst(t, v, old)

	rotated := newSigner(t, "EdDSA")
	srv.publish(t, rotated)
	// The limiter is empty: this waits about one UnknownKIDInterval for its
	// turn, then fetches the JWKS and finds the key.
	MustAccept(t, v, rotated.sign(t, betterAuthClaims("u", time.Now())))
	MustAccept(t, v, old.sign(t, betterAuthClaims("u", time.Now())))
}

// The scenario with the default limiter: a rotated key is accepted
// right after a bogus kid was refused (well within 10 s: at once).
func TestJWKS_KeyAddedRightAfterBogusKIDWithDefaults(t *testing.T) {
	t.Parallel()
	old := newSigner(t, "EdDSA")
	srv := MustJWKSServer(t, old)
	v := MustVerifier(t, Config{JWKSURL: srv.url()})
	bogus := old
	bogus.kid = newKID()
	MustRefuse(t, v, bogus.sign(t, betterAuthClaims("u", time.Now())), msgUnknownKey)

	rotated := newSigner(t, "EdDSA")
	srv.publish(t, rotated)
	start := time.Now()
	MustAccept(t, v, rotated.sign(t, betterAuthClaims("u", time.Now())))
	if took := time.Since(start); took > 10*time.Second {
		t.Errorf("rotated key accepted after %v, want within 10s", took)
	}
}

func TestJWKS_UnknownKIDsCannotHammerIssuer(t *testing.T) {
	t.Parallel()
	k := newSigner(t, "EdDSA")
	srv := MustJWKSServer(t, k)
	v := MustVerifier(t, Config{JWKSURL: srv.url(), UnknownKIDInterval: time.Hour, UnknownKIDWait: 100 * time.Millisecond})
	before := srv.fetches.Load()

	for range 20 {
		bogus := k
		bogus.kid = newKID()
		MustRefuse(t, v, bogus.sign(t, betterAuthClaims("u", time.Now())), msgUnknownKey)
	}
	// The burst fetches; the rest would wait an hour, past UnknownKIDWait,
	// so they are refused at once without a fetch.
	if got, want := srv.fetches.Load()-before, int64(unknownKIDBurst); got != want {
		t.Errorf("JWKS fetches for 20 bogus kids = %d, want %d", got, want)
	}
}

func TestJWKS_ConcurrentRequestsWithNewKIDShareOneFetch(t *testing.T) {
	t.Parallel()
	old := newSigner(t, "EdDSA")
	srv := MustJWKSServer(t, old)
	// One limiter token left and no more for an hour: only a shared fetch
	// can let every request through.
	v := MustVerifier(t, Config{JWKSURL: srv.url(), UnknownKIDInterval: time.Hour, UnknownKIDWait: 2 * time.Second})
	for range unknownKIDBurst - 1 {
		bogus := old
		bogus.kid = newKID()
		MustRefuse(t, v, bogus.sign(t, betterAuthClaims("u", time.Now())), msgUnknownKey)
	}
	rotated := newSigner(t, "EdDSA")
	srv.publish(t, rotated)
	srv.setDelay(100 * time.Millisecond) // so the requests overlap the fetch

	tokens := make([]string, 20)
	for i := range tokens {
		tokens[i] = rotated.sign(t, betterAuthClaims(fmt.Sprint("user-", i), time.Now()))
	}
	testkit.AllAtOnce(len(tokens), func(i int) {
		if _, err := v.Verify(t.Context(), tokens[i]); err != nil {
			t.Errorf("request %d refused: %v", i, err)
		}
	})
}

func TestJWKS_RemovedKeyRefusedAfterRefresh(t *testing.T) {
	t.Parallel()
	for name, cacheSize := range map[string]int{"Cached": 0, "Uncached": -1} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			kept, removed := newSigner(t, "EdDSA"), newSigner(t, "ES256")
			srv := MustJWKSServer(t, kept, removed)
			v := MustVerifier(t, Config{JWKSURL: srv.url(), RefreshInterval: 20 * time.Millisecond, CacheSize: cacheSize})
			token := removed.sign(t, betterAuthClaims("u", time.Now()))
			MustAccept(t, v, token)

			srv.withdraw(removed.kid)
			testkit.Eventually(t, 10*time.Second, "the withdrawn key is refused", func() bool {
				_, err := v.Verify(t.Context(), token)
				return err != nil
			})
			MustRefuse(t, v, token, msgUnknownKey)
			MustAccept(t, v, kept.sign(t, betterAuthClaims("u", time.Now())))
		})
	}
}

func TestJWKS_EndpointFailingKeepsKnownKeys(t *testing.T) {
	t.Parallel()
	k := newSigner(t, "EdDSA")
	srv := MustJWKSServer(t, k)
	v := MustVerifier(t, Config{JWKSURL: srv.url(), RefreshInterval: 10 * time.Millisecond, CacheSize: -1})
	MustAccept(t, v, k.sign(t, betterAuthClaims("u", time.Now())))

	srv.setFailing(true)
	failedFrom := srv.fetches.Load()
	testkit.Eventually(t, 10*time.Second, "several refreshes have failed", func() bool { return srv.fetches.Load() >= failedFrom+3 })
	MustAccept(t, v, k.sign(t, betterAuthClaims("u", time.Now())))
}

func TestJWKS_StartsWhileEndpointDown(t *testing.T) {
	t.Parallel()
	k := newSigner(t, "EdDSA")
	srv := MustJWKSServer(t, k)
	srv.setFailing(true)
	v := MustVerifier(t, Config{JWKSURL: srv.url(), UnknownKIDInterval: 10 * time.Millisecond})
	token := k.sign(t, betterAuthClaims("u", time.Now()))
	MustRefuse(t, v, token, msgUnknownKey)

	srv.setFailing(false)
	MustAccept(t, v, token) // the unknown kid fetches the JWKS, now up
}

func TestJWKS_UnreachableAtStart(t *testing.T) {
	t.Parallel()
	srv := MustJWKSServer(t)
	srv.Close() // nothing listens there any more
	v := MustVerifier(t, Config{JWKSURL: srv.url(), HTTPTimeout: time.Second})
	k := newSigner(t, "EdDSA")
	MustRefuse(t, v, k.sign(t, betterAuthClaims("u", time.Now())), msgUnknownKey)
}

// TestKeys_InMemory is the development issuer's path: its key comes as a
// jwkset.Storage (here holding the private key) instead of a JWKS URL.
func TestKeys_InMemory(t *testing.T) {
	t.Parallel()
	k := newSigner(t, "EdDSA")
	store := jwkset.NewMemoryStorage()
	private, err := jwkset.NewJWKFromKey(k.priv, jwkset.JWKOptions{
		Metadata: jwkset.JWKMetadataOptions{KID: k.kid, ALG: jwkset.AlgEdDSA},
		Marshal:  jwkset.JWKMarshalOptions{Private: true},
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := store.KeyWrite(t.Context(), private); err != nil {
		t.Fatal(err)
	}
	v := MustVerifier(t, Config{Keys: store, Issuer: testIssuer, Audience: testIssuer})
	token := k.sign(t, betterAuthClaims("dev-user", time.Now()))
	if got := MustAccept(t, v, token); got.UserID != "dev-user" {
		t.Errorf("UserID = %q, want dev-user", got.UserID)
	}
	es := newSigner(t, "ES256")
	es.kid = k.kid
	MustRefuse(t, v, es.sign(t, betterAuthClaims("dev-user", time.Now())), msgKeyMismatch)

	later := newSigner(t, "EdDSA")
	if err := store.KeyWrite(t.Context(), later.jwk(t)); err != nil {
		t.Fatal(err)
	}
	MustAccept(t, v, later.sign(t, betterAuthClaims("dev-user", time.Now())))

	if _, err := store.KeyDelete(t.Context(), k.kid); err != nil {
		t.Fatal(err)
	}
	MustRefuse(t, v, token, msgUnknownKey) // at once, though the token was cached
}

func TestKeys_InMemoryAlongsideJWKS(t *testing.T) {
	t.Parallel()
	remote, local := newSigner(t, "RS256"), newSigner(t, "EdDSA")
	srv := MustJWKSServer(t, remote)
	store := jwkset.NewMemoryStorage()
	if err := store.KeyWrite(t.Context(), local.jwk(t)); err != nil {
		t.Fatal(err)
	}
	v := MustVerifier(t, Config{JWKSURL: srv.url(), Keys: store})
	MustAccept(t, v, remote.sign(t, betterAuthClaims("u", time.Now())))
	MustAccept(t, v, local.sign(t, betterAuthClaims("u", time.Now())))
}
