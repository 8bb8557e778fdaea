package jwtauth

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/todoapi/todo/core/identity"
)

// betterAuthVerifier serves keys in a JWKS and returns a verifier that
// expects Better Auth's iss and aud.
func betterAuthVerifier(t *testing.T, keys ...signer) *TokenVerifier {
	t.Helper()
	srv := MustJWKSServer(t, keys...)
	return MustVerifier(t, Config{JWKSURL: srv.url(), Issuer: testIssuer, Audience: testIssuer})
}

func TestVerify_Algorithms(t *testing.T) {
	t.Parallel()
	for _, alg := range []string{"EdDSA", "RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512"} {
		t.Run(alg, func(t *testing.T) {
			t.Parallel()
			k := newSigner(t, alg)
			v := betterAuthVerifier(t, k)
			now := time.Now()
			p := MustAccept(t, v, k.sign(t, betterAuthClaims("user-"+alg, now)))
			want := identity.Principal{UserID: identity.UserID("user-" + alg), Email: "alice@example.test", Name: "alice",
				Expires: time.Unix(now.Add(15*time.Minute).Unix(), 0)}
			if p.Expires.Equal(want.Expires) {
				p.Expires = want.Expires // the same instant, whatever its location
			}
			if p != want {
				t.Errorf("principal = %+v, want %+v", p, want)
			}
		})
	}
}

func TestVerify_BetterAuthToken(t *testing.T) {
	t.Parallel()
	k := newSigner(t, "EdDSA")
	v := betterAuthVerifier(t, k)
	now := time.Now()
	token := k.sign(t, betterAuthClaims("ld9lkXk3f9Qp2", now))

	// The test is only worth something if the token really has Better
	// Auth's header: alg and a 32-character kid, no typ.
	var header map[string]any
	encoded, _, _ := strings.Cut(token, ".")
	raw, _ := base64.RawURLEncoding.DecodeString(encoded)
	if err := json.Unmarshal(raw, &header); err != nil {
		t.Fatal(err)
	}
	if got, want := len(header), 2; got != want || header["alg"] != "EdDSA" || len(header["kid"].(string)) != 32 {
		t.Fatalf("header = %v, want only alg EdDSA and a 32-char kid", header)
	}
	// The second time from the cache, which must say the same. Expires is
	// the token's exp: a live stream opened with it ends then.
	exp := time.Unix(now.Add(15*time.Minute).Unix(), 0)
	for range 2 {
		p := MustAccept(t, v, token)
		if !p.Expires.Equal(exp) {
			t.Errorf("Expires = %v, want the token's exp %v", p.Expires, exp)
		}
		p.Expires = time.Time{}
		if got, want := p, (identity.Principal{UserID: "ld9lkXk3f9Qp2", Email: "alice@example.test", Name: "alice"}); got != want {
			t.Errorf("principal = %+v, want %+v", got, want)
		}
	}
}

func TestVerify_HS256WithSecret(t *testing.T) {
	t.Parallel()
	const secret = "better-auth-secret-of-at-least-32-bytes"
	v := MustVerifier(t, Config{Secret: secret, Issuer: testIssuer, Audience: testIssuer})
	c := betterAuthClaims("hs-user", time.Now())
	t.Run("OK", func(t *testing.T) { // as jose's SignJWT makes it: {"alg":"HS256"}
		t.Parallel()
		MustAccept(t, v, signWith(t, jwt.SigningMethodHS256, []byte(secret), nil, c))
	})
	t.Run("OKWithTypAndKid", func(t *testing.T) { // a kid never sends HS256 to a key set
		t.Parallel()
		header := map[string]any{"typ": "JWT", "kid": newKID()}
		MustAccept(t, v, signWith(t, jwt.SigningMethodHS256, []byte(secret), header, c))
	})
	t.Run("ErrWrongSecret", func(t *testing.T) {
		t.Parallel()
		token := signWith(t, jwt.SigningMethodHS256, []byte(secret+"x"), nil, c)
		MustRefuse(t, v, token, msgSignature)
	})
	t.Run("ErrNoKeySet", func(t *testing.T) { // a secret alone trusts no public key
		t.Parallel()
		MustRefuse(t, v, newSigner(t, "EdDSA").sign(t, c), msgUnknownKey)
	})
	t.Run("ErrHS512", func(t *testing.T) { // only HS256 is allowed
		t.Parallel()
		MustRefuse(t, v, signWith(t, jwt.SigningMethodHS512, []byte(secret), nil, c), msgAlgorithm)
	})
}

func TestVerify_Claims(t *testing.T) {
	t.Parallel()
	k := newSigner(t, "EdDSA")
	v := betterAuthVerifier(t, k)
	now := time.Now()
	with := func(changes jwt.MapClaims) string {
		c := betterAuthClaims("claims-user", now)
		for name, value := range changes {
			if value == nil {
				delete(c, name)
			} else {
				c[name] = value
			}
		}
		return k.sign(t, c)
	}
	later := fmt.Sprint(now.Add(time.Hour).Unix())
	for _, tc := range []struct {
		name, token, wantMsg string
	}{
		{"OKAudArray", with(jwt.MapClaims{"aud": []string{"other", testIssuer}}), ""},
		{"OKExpiredWithinLeeway", with(jwt.MapClaims{"exp": now.Add(-10 * time.Second).Unix()}), ""},
		{"OKNotBeforeWithinLeeway", with(jwt.MapClaims{"nbf": now.Add(10 * time.Second).Unix()}), ""},
		{"OKOddInformationalClaims", with(jwt.MapClaims{"email": 42, "name": map[string]any{"x": 1}}), ""},
		{"ErrExpired", with(jwt.MapClaims{"exp": now.Add(-time.Hour).Unix()}), msgExpired},
		{"ErrNotYetValid", with(jwt.MapClaims{"nbf": now.Add(time.Hour).Unix()}), msgNotYetValid},
		{"ErrNoExp", with(jwt.MapClaims{"exp": nil}), msgNoExpiry},
		{"ErrWrongIssuer", with(jwt.MapClaims{"iss": "https://evil.example"}), msgIssuer},
		{"ErrNoIssuer", with(jwt.MapClaims{"iss": nil}), msgIssuer},
		{"ErrWrongAudString", with(jwt.MapClaims{"aud": "https://other.example"}), msgAudience},
		{"ErrWrongAudArray", with(jwt.MapClaims{"aud": []string{"a", "b"}}), msgAudience},
		{"ErrNoAud", with(jwt.MapClaims{"aud": nil}), msgAudience},
		{"ErrNoSubject", with(jwt.MapClaims{"sub": nil}), msgNoSubject},
		{"ErrEmptySubject", with(jwt.MapClaims{"sub": ""}), msgNoSubject},
		{"ErrSubjectNotString", with(jwt.MapClaims{"sub": 42}), msgMalformed},
		// exp, nbf and iat: JSON numbers only, as RFC 7519 says; jwt alone
		// reads a number inside a string.
		{"OKFractionalExp", with(jwt.MapClaims{"exp": float64(now.Add(time.Minute).Unix()) + 0.5}), ""},
		{"ErrExpString", with(jwt.MapClaims{"exp": fmt.Sprint(now.Add(time.Hour).Unix())}), msgTimeClaim},
		{"ErrNbfString", with(jwt.MapClaims{"nbf": fmt.Sprint(now.Unix())}), msgTimeClaim},
		{"ErrIatString", with(jwt.MapClaims{"iat": fmt.Sprint(now.Unix())}), msgTimeClaim},
		{"ErrExpNull", rawClaims(t, k, `{"sub":"u","iss":"`+testIssuer+`","aud":"`+testIssuer+`","exp":null}`), msgTimeClaim},
		{"ErrIatBool", with(jwt.MapClaims{"iat": true}), msgTimeClaim},
		{"ErrExpArray", with(jwt.MapClaims{"exp": []int64{now.Add(time.Hour).Unix()}}), msgTimeClaim},
		{"ErrExpHuge", with(jwt.MapClaims{"exp": 1e300}), msgTimeClaim},
		{"ErrExpPastYear9999", with(jwt.MapClaims{"exp": maxNumericDate + 1}), msgTimeClaim},
		{"ErrNbfNegative", with(jwt.MapClaims{"nbf": -1}), msgTimeClaim},
		// Claim names are case-sensitive, and ours appear once.
		{"ErrExpInUpperCase", rawClaims(t, k, `{"sub":"u","iss":"`+testIssuer+`","aud":"`+testIssuer+`","EXP":`+later+`}`), msgClaimName},
		{"ErrSubInOtherCase", rawClaims(t, k, `{"sub":"u","Sub":"admin","iss":"`+testIssuer+`","aud":"`+testIssuer+`","exp":`+later+`}`), msgClaimName},
		{"ErrSubWithLongS", rawClaims(t, k, `{"ſub":"admin","iss":"`+testIssuer+`","aud":"`+testIssuer+`","exp":`+later+`}`), msgClaimName},
		{"ErrEscapedUpperCase", rawClaims(t, k, `{"sub":"u","iss":"`+testIssuer+`","aud":"`+testIssuer+`","exp":`+later+`,"\u0045xp":1}`), msgClaimName},
		{"ErrSubTwice", rawClaims(t, k, `{"sub":"admin","iss":"`+testIssuer+`","aud":"`+testIssuer+`","exp":`+later+`,"sub":"u"}`), msgClaimName},
		{"OKOtherNamesAnyCaseAndTwice", rawClaims(t, k, `{"sub":"u","iss":"`+testIssuer+`","aud":"`+testIssuer+`","exp":`+later+`,`+
			`"ID":1,"id":2,"id":3,"user":{"SUB":"x","sub":"y","sub":"z"},"list":["EXP",{"Exp":1}],"big":1e400}`), ""},
		// iat: within the clock skew in the future is fine, beyond it is not.
		{"OKIssuedWithinSkew", with(jwt.MapClaims{"iat": now.Add(20 * time.Second).Unix()}), ""},
		{"ErrIssuedInFuture", with(jwt.MapClaims{"iat": now.Add(time.Minute).Unix()}), msgIssuedLater},
		// sub: at most 255 bytes, no control characters.
		{"OKSubject255Bytes", with(jwt.MapClaims{"sub": strings.Repeat("a", 255)}), ""},
		{"OKSubjectUnicode", with(jwt.MapClaims{"sub": "zoë-✓"}), ""},
		{"ErrSubject256Bytes", with(jwt.MapClaims{"sub": strings.Repeat("a", 256)}), msgSubjectLong},
		{"ErrSubjectMultibyteOver255", with(jwt.MapClaims{"sub": strings.Repeat("é", 128)}), msgSubjectLong},
		{"ErrSubjectNUL", with(jwt.MapClaims{"sub": "alice\x00"}), msgSubjectCtrl},
		{"ErrSubjectNewline", with(jwt.MapClaims{"sub": "alice\nadmin"}), msgSubjectCtrl},
		{"ErrSubjectEscape", with(jwt.MapClaims{"sub": "\x1b[31malice"}), msgSubjectCtrl},
		{"ErrSubjectDEL", with(jwt.MapClaims{"sub": "alice\x7f"}), msgSubjectCtrl},
		{"ErrSubjectC1", with(jwt.MapClaims{"sub": "alice\u0085"}), msgSubjectCtrl},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if tc.wantMsg == "" {
				MustAccept(t, v, tc.token)
				return
			}
			MustRefuse(t, v, tc.token, tc.wantMsg)
		})
	}
}

func TestVerify_IssuerAndAudienceOptional(t *testing.T) {
	t.Parallel()
	k := newSigner(t, "ES256")
	srv := MustJWKSServer(t, k)
	v := MustVerifier(t, Config{JWKSURL: srv.url()})
	c := betterAuthClaims("anyone", time.Now())
	c["iss"], c["aud"] = "https://elsewhere.example", []string{"x", "y"}
	MustAccept(t, v, k.sign(t, c))
	delete(c, "iss")
	delete(c, "aud")
	MustAccept(t, v, k.sign(t, c))
}

func TestVerify_NoLeeway(t *testing.T) {
	t.Parallel()
	k := newSigner(t, "EdDSA")
	srv := MustJWKSServer(t, k)
	v := MustVerifier(t, Config{JWKSURL: srv.url(), Leeway: -1})
	c := betterAuthClaims("strict", time.Now())
	c["exp"] = time.Now().Add(-10 * time.Second).Unix()
	MustRefuse(t, v, k.sign(t, c), msgExpired)
}

func TestVerify_NoKID(t *testing.T) {
	t.Parallel()
	ed, es := newSigner(t, "EdDSA"), newSigner(t, "ES256")
	v := betterAuthVerifier(t, ed, es)
	c := betterAuthClaims("no-kid", time.Now())
	noKID := map[string]any{"kid": nil}
	t.Run("OK", func(t *testing.T) {
		t.Parallel()
		MustAccept(t, v, signWith(t, ed.method, ed.priv, noKID, c))
		MustAccept(t, v, signWith(t, es.method, es.priv, noKID, c))
	})
	t.Run("ErrNoKeyForAlg", func(t *testing.T) {
		t.Parallel()
		MustRefuse(t, v, signWith(t, jwt.SigningMethodRS256, rsaKey(), noKID, c), msgUnknownKey)
	})
	t.Run("ErrOtherKey", func(t *testing.T) {
		t.Parallel()
		MustRefuse(t, v, signWith(t, ed.method, newSigner(t, "EdDSA").priv, noKID, c), msgSignature)
	})
}

// Issuer and Audience bind tokens signed by a key; SecretIssuer and
// SecretAudience bind HS256 tokens. A frontend minting its own tokens with
// the shared secret (no iss, no aud) keeps working beside Better Auth.
func TestVerify_IssuerAudiencePerSource(t *testing.T) {
	t.Parallel()
	const secret = "better-auth-secret-of-at-least-32-bytes"
	k := newSigner(t, "EdDSA")
	jwks := MustJWKSServer(t, k)
	bare := betterAuthClaims("hs-user", time.Now())
	delete(bare, "iss")
	delete(bare, "aud")
	hsBare := signWith(t, jwt.SigningMethodHS256, []byte(secret), nil, bare)

	v := MustVerifier(t, Config{JWKSURL: jwks.url(), Secret: secret, Issuer: testIssuer, Audience: testIssuer})
	MustAccept(t, v, hsBare)
	MustAccept(t, v, k.sign(t, betterAuthClaims("key-user", time.Now())))
	MustRefuse(t, v, k.sign(t, bare), msgIssuer) // a key-signed token must still name the issuer

	strict := MustVerifier(t, Config{JWKSURL: jwks.url(), Secret: secret, Issuer: testIssuer, Audience: testIssuer,
		SecretIssuer: testIssuer, SecretAudience: "todo-api"})
	MustRefuse(t, strict, hsBare, msgIssuer)
	withClaims := betterAuthClaims("hs-user", time.Now())
	withClaims["aud"] = "todo-api"
	MustAccept(t, strict, signWith(t, jwt.SigningMethodHS256, []byte(secret), nil, withClaims))
	withClaims["aud"] = testIssuer
	MustRefuse(t, strict, signWith(t, jwt.SigningMethodHS256, []byte(secret), nil, withClaims), msgAudience)
}

// rawClaims signs a literal JSON payload with k, for payloads a map can't
// express (a null claim).
func rawClaims(t testing.TB, k signer, payload string) string {
	t.Helper()
	head := b64(`{"alg":"` + k.method.Alg() + `","kid":"` + k.kid + `"}`)
	signing := head + "." + b64(payload)
	sig, err := k.method.Sign(signing, k.priv)
	if err != nil {
		t.Fatal(err)
	}
	return signing + "." + base64.RawURLEncoding.EncodeToString(sig)
}

// TestVerify_ClockSkew: the leeway applies to exp, nbf and iat alike.
func TestVerify_ClockSkew(t *testing.T) {
	t.Parallel()
	k := newSigner(t, "EdDSA")
	srv := MustJWKSServer(t, k)
	now := time.Now()
	c := betterAuthClaims("skewed", now)
	c["iat"] = now.Add(90 * time.Second).Unix()
	token := k.sign(t, c)
	MustRefuse(t, MustVerifier(t, Config{JWKSURL: srv.url()}), token, msgIssuedLater)
	MustAccept(t, MustVerifier(t, Config{JWKSURL: srv.url(), Leeway: 2 * time.Minute}), token)
	c["iat"] = now.Add(5 * time.Second).Unix()
	MustRefuse(t, MustVerifier(t, Config{JWKSURL: srv.url(), Leeway: -1}), k.sign(t, c), msgIssuedLater)
}
