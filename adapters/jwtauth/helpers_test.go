package jwtauth

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"encoding/hex"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/MicahParks/jwkset"
	"github.com/golang-jwt/jwt/v5"

	"github.com/todoapi/todo/core/apperr"
	"github.com/todoapi/todo/core/identity"
)

const testIssuer = "http://127.0.0.1:3900" // Better Auth's base URL is both iss and aud

// RSA keys are slow to make under -race, so the tests share them.
var (
	rsaKey     = sync.OnceValue(func() *rsa.PrivateKey { return mustRSA(2048) })
	rsaWeakKey = sync.OnceValue(func() *rsa.PrivateKey { return mustRSA(1024) })
)

func mustRSA(bits int) *rsa.PrivateKey {
	k, err := rsa.GenerateKey(rand.Reader, bits) //nolint:gosec // 1024 only to prove it is refused
	if err != nil {
		panic(err)
	}
	return k
}

// signer is a key the tests sign with and publish in a JWKS.
type signer struct {
	kid    string
	method jwt.SigningMethod
	priv   crypto.Signer
	jwkAlg string // the alg the published JWK states; "" for none
}

// newSigner makes a key for alg with a fresh 32-character kid, like Better
// Auth's, whose JWK states alg.
func newSigner(t testing.TB, alg string) signer {
	t.Helper()
	s := signer{kid: newKID(), method: jwt.GetSigningMethod(alg), jwkAlg: alg}
	var err error
	switch alg {
	case "EdDSA":
		_, s.priv, err = ed25519.GenerateKey(rand.Reader)
	case "RS256", "RS384", "RS512", "PS256", "PS384", "PS512":
		s.priv = rsaKey()
	case "ES256":
		s.priv, err = ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	case "ES384":
		s.priv, err = ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	case "ES512":
		s.priv, err = ecdsa.GenerateKey(elliptic.P521(), rand.Reader)
	default:
		t.Fatalf("no key for %s", alg)
	}
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func newKID() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// jwk returns the public JWK as an issuer publishes it.
func (s signer) jwk(t testing.TB) jwkset.JWK {
	t.Helper()
	meta := jwkset.JWKMetadataOptions{KID: s.kid, ALG: jwkset.ALG(s.jwkAlg)}
	j, err := jwkset.NewJWKFromKey(s.priv.Public(), jwkset.JWKOptions{Metadata: meta})
	if err != nil {
		t.Fatal(err)
	}
	return j
}

// sign returns a token with the header {"alg":…,"kid":…} and no typ, as
// Better Auth sends it.
func (s signer) sign(t testing.TB, c jwt.MapClaims) string {
	t.Helper()
	return signWith(t, s.method, s.priv, map[string]any{"kid": s.kid}, c)
}

// signWith signs c with key under method; header adds to or (with nil
// values) removes from the header.
func signWith(t testing.TB, method jwt.SigningMethod, key any, header map[string]any, c jwt.MapClaims) string {
	t.Helper()
	tok := jwt.NewWithClaims(method, c)
	delete(tok.Header, "typ")
	for k, v := range header {
		if v == nil {
			delete(tok.Header, k)
		} else {
			tok.Header[k] = v
		}
	}
	s, err := tok.SignedString(key)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// betterAuthClaims is the payload Better Auth's JWT plugin sends: the whole
// user row plus sub, iss, aud, iat and a 15-minute exp.
func betterAuthClaims(sub string, now time.Time) jwt.MapClaims {
	return jwt.MapClaims{
		"iat": now.Unix(), "exp": now.Add(15 * time.Minute).Unix(),
		"name": "alice", "email": "alice@example.test", "emailVerified": false, "image": nil,
		"createdAt": "2026-11-25T19:40:00.123Z", "updatedAt": "2026-11-25T19:40:00.123Z",
		"id": sub, "sub": sub, "iss": testIssuer, "aud": testIssuer,
	}
}

// jwksServer serves a JWKS the test can change, or make fail, at run time.
type jwksServer struct {
	*httptest.Server
	mu      sync.Mutex
	keys    []jwkset.JWKMarshal
	failing bool
	delay   time.Duration
	fetches atomic.Int64
}

// MustJWKSServer serves keys, until the test ends.
func MustJWKSServer(t testing.TB, keys ...signer) *jwksServer {
	t.Helper()
	s := &jwksServer{}
	for _, k := range keys {
		s.publish(t, k)
	}
	s.Server = httptest.NewServer(http.HandlerFunc(s.serve))
	t.Cleanup(s.Close)
	return s
}

func (s *jwksServer) serve(w http.ResponseWriter, _ *http.Request) {
	s.fetches.Add(1)
	s.mu.Lock()
	failing, delay := s.failing, s.delay
	body, _ := json.Marshal(jwkset.JWKSMarshal{Keys: append([]jwkset.JWKMarshal{}, s.keys...)})
	s.mu.Unlock()
	time.Sleep(delay)
	if failing {
		http.Error(w, "down", http.StatusServiceUnavailable)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write(body)
}

func (s *jwksServer) publish(t testing.TB, k signer) {
	m := k.jwk(t).Marshal()
	s.mu.Lock()
	s.keys = append(s.keys, m)
	s.mu.Unlock()
}

func (s *jwksServer) withdraw(kid string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i, m := range s.keys {
		if m.KID == kid {
			s.keys = append(s.keys[:i], s.keys[i+1:]...)
			return
		}
	}
}

func (s *jwksServer) setFailing(failing bool) {
	s.mu.Lock()
	s.failing = failing
	s.mu.Unlock()
}

// setDelay makes each answer take d, so concurrent requests overlap a fetch.
func (s *jwksServer) setDelay(d time.Duration) {
	s.mu.Lock()
	s.delay = d
	s.mu.Unlock()
}

func (s *jwksServer) url() string { return s.URL + "/api/auth/jwks" }

// MustVerifier returns a verifier for cfg, closed when the test ends.
func MustVerifier(t testing.TB, cfg Config) *TokenVerifier {
	t.Helper()
	v, err := New(t.Context(), cfg, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = v.Close() })
	return v
}

// MustAccept verifies token and returns its principal.
func MustAccept(t testing.TB, v *TokenVerifier, token string) identity.Principal {
	t.Helper()
	p, err := v.Verify(context.Background(), token)
	if err != nil {
		t.Fatalf("Verify refused a good token: %v", err)
	}
	return p
}

// MustRefuse checks that token is refused with EUNAUTHORIZED and wantMsg, and
// that the error does not give the token away.
func MustRefuse(t testing.TB, v *TokenVerifier, token, wantMsg string) {
	t.Helper()
	p, err := v.Verify(context.Background(), token)
	if err == nil {
		t.Fatalf("Verify accepted a bad token as %+v", p)
	}
	if got, want := apperr.CodeOf(err), apperr.EUNAUTHORIZED; got != want {
		t.Errorf("code = %q, want %q (%v)", got, want, err)
	}
	if got := apperr.MessageOf(err); got != wantMsg {
		t.Errorf("message = %q, want %q (%v)", got, wantMsg, err)
	}
	if p != (identity.Principal{}) {
		t.Errorf("principal = %+v, want zero", p)
	}
	if token != "" && strings.Contains(err.Error(), token) {
		t.Errorf("error contains the token: %v", err)
	}
	if parts := strings.Split(token, "."); len(parts) == 3 && len(parts[2]) > 8 && strings.Contains(err.Error(), parts[2]) {
		t.Errorf("error contains the token's signature: %v", err)
	}
}

// fakeClock is a ports.Clock the test moves by hand.
type fakeClock struct{ ns atomic.Int64 }

func newFakeClock(now time.Time) *fakeClock {
	c := &fakeClock{}
	c.ns.Store(now.UnixNano())
	return c
}

func (c *fakeClock) Now() time.Time          { return time.Unix(0, c.ns.Load()) }
func (c *fakeClock) Advance(d time.Duration) { c.ns.Add(int64(d)) }
