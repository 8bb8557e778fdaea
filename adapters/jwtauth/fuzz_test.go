package jwtauth

import (
	"bytes"
	"context"
	"encoding/json"
	"maps"
	"math"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/MicahParks/jwkset"

	"github.com/todoapi/todo/core/apperr"
)

// fuzzNow is the fuzz clock's fixed time, so the corpus means the same on
// every run: 2027-01-15T08:00:00Z.
var fuzzNow = time.Unix(1_800_000_000, 0)

// FuzzClaims signs arbitrary payloads with a trusted key and sends them
// through the real verifier, cache included. Whatever the payload, Verify
// must not panic, must refuse with EUNAUTHORIZED and a known message, and
// may accept only a payload whose claims, read again independently and
// strictly, are sane: sub a short printable string, exp a number in the
// future, nbf and iat not beyond the leeway, iss and aud as configured.
func FuzzClaims(f *testing.F) {
	k := newSigner(f, "EdDSA")
	store := jwkset.NewMemoryStorage()
	if err := store.KeyWrite(context.Background(), k.jwk(f)); err != nil {
		f.Fatal(err)
	}
	v := MustVerifier(f, Config{Keys: store, Clock: newFakeClock(fuzzNow), Issuer: testIssuer, Audience: testIssuer})
	seeds := fuzzSeeds()
	MustAccept(f, v, rawClaims(f, k, string(seeds[0]))) // else every input is refused and nothing is checked
	for _, seed := range seeds {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, payload []byte) {
		token := rawClaims(t, k, string(payload))
		p, err := v.Verify(context.Background(), token)
		if err != nil {
			if got := apperr.CodeOf(err); got != apperr.EUNAUTHORIZED {
				t.Fatalf("refused with code %q: %v", got, err)
			}
			if msg := apperr.MessageOf(err); !slices.Contains(knownMessages, msg) {
				t.Fatalf("refused with an unknown message %q: %v", msg, err)
			}
			return
		}
		mustBeSane(t, payload, string(p.UserID), v.cfg.Leeway)
		// The cache must answer as the verification did.
		again, err := v.Verify(context.Background(), token)
		if err != nil || again != p {
			t.Fatalf("second Verify = %+v, %v; first %+v", again, err, p)
		}
	})
}

// mustBeSane reads an accepted payload again, with a decoder that keeps
// numbers as written and names as spelled, and checks the claims.
func mustBeSane(t *testing.T, payload []byte, sub string, leeway time.Duration) {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(payload))
	dec.UseNumber()
	var m map[string]any
	if err := dec.Decode(&m); err != nil {
		t.Fatalf("accepted a payload that is no JSON object: %v", err)
	}
	if m["sub"] != sub || sub == "" || len(sub) > maxSubjectBytes || !utf8.ValidString(sub) || strings.ContainsFunc(sub, unicode.IsControl) {
		t.Fatalf("accepted sub %q (payload sub %#v)", sub, m["sub"])
	}
	exp, ok := seconds(m["exp"])
	if !ok || exp > maxNumericDate || !fuzzNow.Before(time.Unix(int64(exp), 0).Add(leeway+time.Second)) {
		t.Fatalf("accepted exp %#v at %v", m["exp"], fuzzNow)
	}
	for _, name := range []string{"nbf", "iat"} {
		if raw, present := m[name]; present {
			if at, ok := seconds(raw); !ok || fuzzNow.Add(leeway).Before(time.Unix(int64(at), 0)) {
				t.Fatalf("accepted %s %#v at %v", name, raw, fuzzNow)
			}
		}
	}
	if m["iss"] != testIssuer {
		t.Fatalf("accepted iss %#v", m["iss"])
	}
	switch aud := m["aud"].(type) {
	case string:
		if aud != testIssuer {
			t.Fatalf("accepted aud %q", aud)
		}
	case []any:
		if !slices.Contains(aud, any(testIssuer)) {
			t.Fatalf("accepted aud %v", aud)
		}
	default:
		t.Fatalf("accepted aud %#v", aud)
	}
}

// seconds reads a JSON number (never a string) of seconds.
func seconds(v any) (float64, bool) {
	n, ok := v.(json.Number)
	if !ok {
		return 0, false
	}
	f, err := n.Float64()
	return f, err == nil && !math.IsInf(f, 0) && f >= 0
}

// knownMessages are the reasons a caller may see for a signed token.
var knownMessages = []string{
	msgMalformed, msgExpired, msgNotYetValid, msgIssuedLater, msgTimeClaim, msgClaimName,
	msgNoExpiry, msgNoSubject, msgSubjectLong, msgSubjectCtrl, msgIssuer, msgAudience, msgInvalidOther,
}

// fuzzSeeds are Better Auth's payload and its near misses.
func fuzzSeeds() [][]byte {
	good := betterAuthClaims("ld9lkXk3f9Qp2", fuzzNow)
	seeds := [][]byte{mustJSON(good)}
	for _, change := range []map[string]any{
		{"exp": "1800000900"}, {"exp": 1e300}, {"exp": nil}, {"iat": fuzzNow.Add(time.Hour).Unix()},
		{"nbf": fuzzNow.Unix()}, {"sub": "a\x00b"}, {"sub": strings.Repeat("s", 256)}, {"aud": []string{"x", testIssuer}},
		{"exp": float64(fuzzNow.Unix()) + 0.5}, {"sub": 42},
	} {
		c := maps.Clone(good)
		for name, value := range change {
			if value == nil {
				delete(c, name)
			} else {
				c[name] = value
			}
		}
		seeds = append(seeds, mustJSON(c))
	}
	return append(seeds,
		[]byte(`{"sub":"u","Sub":"v","iss":"`+testIssuer+`","aud":"`+testIssuer+`","exp":1800000900}`),
		[]byte(`{"sub":"u","iss":"`+testIssuer+`","aud":"`+testIssuer+`","exp":1800000900,"\u0065xp":1}`),
		[]byte(`{"sub":"u","iss":"`+testIssuer+`","aud":"`+testIssuer+`","exp":18000009e-1,"x":[{"sub":1}]}`),
		[]byte(`[]`), []byte(`null`), []byte(`{`), []byte(``),
	)
}

func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return b
}
