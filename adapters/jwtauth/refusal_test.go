package jwtauth

import (
	"crypto/ed25519"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"strings"
	"testing"
	"time"

	"github.com/MicahParks/jwkset"
	"github.com/golang-jwt/jwt/v5"
)

// TestVerify_Refused covers tokens an attacker or a broken client might send.
func TestVerify_Refused(t *testing.T) {
	t.Parallel()
	ed, es := newSigner(t, "EdDSA"), newSigner(t, "ES256")
	rsPinned := signer{kid: newKID(), method: jwt.SigningMethodRS256, priv: rsaKey(), jwkAlg: "RS256"}
	weak := signer{kid: newKID(), method: jwt.SigningMethodRS256, priv: rsaWeakKey(), jwkAlg: "RS256"}
	v := betterAuthVerifier(t, ed, es, rsPinned, weak)
	c := betterAuthClaims("victim", time.Now())
	good := ed.sign(t, c)
	edPub := []byte(ed.priv.Public().(ed25519.PublicKey))

	for _, tc := range []struct {
		name, token, wantMsg string
	}{
		{"ErrEmpty", "", msgMissing},
		{"ErrGarbage", "not a token", msgMalformed},
		{"ErrThreeDots", "a.b.c", msgMalformed},
		{"ErrTwoSegments", strings.Join(strings.Split(good, ".")[:2], "."), msgMalformed},
		{"ErrTooLarge", good + strings.Repeat("A", maxTokenBytes), msgMalformed},
		{"ErrAlgNone", noneToken(t, map[string]any{"kid": ed.kid}, c), msgAlgorithm},
		{"ErrAlgNoneNoKID", noneToken(t, nil, c), msgAlgorithm},
		{"ErrAlgUnknown", rawToken(`{"alg":"XY512","kid":"`+ed.kid+`"}`, c), msgAlgorithm},
		{"ErrNoAlg", rawToken(`{"kid":"`+ed.kid+`"}`, c), msgAlgorithm},
		{"ErrHS256NoSecretConfigured", signWith(t, jwt.SigningMethodHS256, []byte("some secret"), nil, c), msgAlgorithm},
		// Algorithm confusion: an HMAC keyed with the public key's bytes.
		{"ErrHS256WithEd25519PublicKey", signWith(t, jwt.SigningMethodHS256, edPub, map[string]any{"kid": ed.kid}, c), msgAlgorithm},
		{"ErrHS256WithRSAPublicKeyPEM", signWith(t, jwt.SigningMethodHS256, rsaPublicPEM(t), map[string]any{"kid": rsPinned.kid}, c), msgAlgorithm},
		// The header's alg must fit the key its kid names.
		{"ErrES256HeaderEd25519Key", signWith(t, es.method, es.priv, map[string]any{"kid": ed.kid}, c), msgKeyMismatch},
		{"ErrEdDSAHeaderRSAKey", signWith(t, ed.method, ed.priv, map[string]any{"kid": rsPinned.kid}, c), msgKeyMismatch},
		// jwt alone would accept this one: same RSA key, other padding.
		{"ErrPS256WithRS256PinnedKey", signWith(t, jwt.SigningMethodPS256, rsaKey(), map[string]any{"kid": rsPinned.kid}, c), msgKeyMismatch},
		{"ErrRSAKeyUnder2048Bits", weak.sign(t, c), msgKeyMismatch},
		{"ErrCriticalHeader", signWith(t, ed.method, ed.priv, map[string]any{"kid": ed.kid, "crit": []string{"b64"}, "b64": false}, c), msgCritical},
		{"ErrUnknownKID", signWith(t, ed.method, ed.priv, map[string]any{"kid": newKID()}, c), msgUnknownKey},
		{"ErrKIDTooLong", signWith(t, ed.method, ed.priv, map[string]any{"kid": strings.Repeat("k", maxKIDBytes+1)}, c), msgUnknownKey},
		{"ErrKIDNotString", signWith(t, ed.method, ed.priv, map[string]any{"kid": 42}, c), msgUnknownKey},
		{"ErrOtherKeySameKID", signWith(t, ed.method, newSigner(t, "EdDSA").priv, map[string]any{"kid": ed.kid}, c), msgSignature},
		{"ErrTamperedPayload", tamper(t, good), msgSignature},
		{"ErrTamperedSignature", flipLastSignatureByte(good), msgSignature},
		// A forged token is reported as forged, whatever its claims say.
		{"ErrForgedAndExpired", signWith(t, ed.method, newSigner(t, "EdDSA").priv, map[string]any{"kid": ed.kid},
			jwt.MapClaims{"sub": "x", "exp": time.Now().Add(-time.Hour).Unix()}), msgSignature},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			MustRefuse(t, v, tc.token, tc.wantMsg)
		})
	}
	t.Run("OKControl", func(t *testing.T) { // the fixture itself accepts a good token
		t.Parallel()
		MustAccept(t, v, good)
	})
}

// TestVerify_ConfusionWithSecret: with a secret configured HS256 is allowed,
// but only ever keyed with the secret, never with a key of the key set.
func TestVerify_ConfusionWithSecret(t *testing.T) {
	t.Parallel()
	ed := newSigner(t, "EdDSA")
	srv := MustJWKSServer(t, ed)
	v := MustVerifier(t, Config{JWKSURL: srv.url(), Secret: "the-real-secret-of-at-least-32-bytes"})
	c := betterAuthClaims("victim", time.Now())
	edPub := []byte(ed.priv.Public().(ed25519.PublicKey))
	MustRefuse(t, v, signWith(t, jwt.SigningMethodHS256, edPub, map[string]any{"kid": ed.kid}, c), msgSignature)
	MustRefuse(t, v, signWith(t, jwt.SigningMethodHS256, edPub, nil, c), msgSignature)
	MustAccept(t, v, ed.sign(t, c))
}

// noneToken is an unsigned token with alg "none".
func noneToken(t *testing.T, header map[string]any, c jwt.MapClaims) string {
	return signWith(t, jwt.SigningMethodNone, jwt.UnsafeAllowNoneSignatureType, header, c)
}

// rawToken builds a token from a literal header, with a dummy signature.
func rawToken(header string, c jwt.MapClaims) string {
	payload, _ := jwt.NewWithClaims(jwt.SigningMethodNone, c).SigningString()
	_, claimsPart, _ := strings.Cut(payload, ".")
	return b64(header) + "." + claimsPart + "." + b64("signature")
}

// tamper rewrites the token's sub and keeps its signature.
func tamper(t *testing.T, token string) string {
	parts := strings.Split(token, ".")
	raw, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		t.Fatal(err)
	}
	changed := strings.Replace(string(raw), `"sub":"victim"`, `"sub":"attacker"`, 1)
	if changed == string(raw) {
		t.Fatal("tamper: no sub to change")
	}
	return parts[0] + "." + b64(changed) + "." + parts[2]
}

func flipLastSignatureByte(token string) string {
	i := strings.LastIndexByte(token, '.')
	sig, _ := base64.RawURLEncoding.DecodeString(token[i+1:])
	sig[len(sig)-1] ^= 0xff
	return token[:i+1] + base64.RawURLEncoding.EncodeToString(sig)
}

func rsaPublicPEM(t *testing.T) []byte {
	der, err := x509.MarshalPKIXPublicKey(rsaKey().Public())
	if err != nil {
		t.Fatal(err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})
}

func b64(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }

// TestVerify_KeyNotForVerifying: a JWK its issuer marked for encryption, or
// for operations other than verify, verifies nothing, with or without a kid.
func TestVerify_KeyNotForVerifying(t *testing.T) {
	t.Parallel()
	enc, signOnly, sig, verify := newSigner(t, "EdDSA"), newSigner(t, "ES256"), newSigner(t, "ES384"), newSigner(t, "ES512")
	srv := MustJWKSServer(t)
	for _, k := range []struct {
		signer
		use jwkset.USE
		ops []jwkset.KEYOPS
	}{
		{enc, jwkset.UseEnc, nil},
		{signOnly, "", []jwkset.KEYOPS{jwkset.KeyOpsSign}},
		{sig, jwkset.UseSig, nil},
		{verify, "", []jwkset.KEYOPS{jwkset.KeyOpsVerify}},
	} {
		m := k.jwk(t).Marshal()
		m.USE, m.KEYOPS = k.use, k.ops
		srv.mu.Lock()
		srv.keys = append(srv.keys, m)
		srv.mu.Unlock()
	}
	v := MustVerifier(t, Config{JWKSURL: srv.url()})
	c := betterAuthClaims("u", time.Now())
	noKID := map[string]any{"kid": nil}
	MustRefuse(t, v, enc.sign(t, c), msgKeyMismatch)
	MustRefuse(t, v, signOnly.sign(t, c), msgKeyMismatch)
	MustRefuse(t, v, signWith(t, enc.method, enc.priv, noKID, c), msgUnknownKey)
	MustRefuse(t, v, signWith(t, signOnly.method, signOnly.priv, noKID, c), msgUnknownKey)
	MustAccept(t, v, sig.sign(t, c))
	MustAccept(t, v, verify.sign(t, c))
	MustAccept(t, v, signWith(t, verify.method, verify.priv, noKID, c))
}
