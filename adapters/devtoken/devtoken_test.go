package devtoken_test

import (
	"crypto/ed25519"
	"encoding/base64"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/todoapi/todo/adapters/devtoken"
	"github.com/todoapi/todo/internal/testkit"
)

func MustKey(t *testing.T) (*devtoken.Key, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "data", "dev-signing-key.json")
	k, created, err := devtoken.LoadOrCreate(path)
	if err != nil || !created {
		t.Fatalf("LoadOrCreate = %v, created %v", err, created)
	}
	return k, path
}

func TestLoadOrCreateKeepsTheKey(t *testing.T) {
	k, path := MustKey(t)
	info, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if mode := info.Mode().Perm(); mode != 0o600 {
		t.Fatalf("key file mode = %o, want 600", mode)
	}
	again, created, err := devtoken.LoadOrCreate(path)
	if err != nil || created || again.KID() != k.KID() {
		t.Fatalf("second LoadOrCreate: kid %q (want %q), created %v, %v", again.KID(), k.KID(), created, err)
	}
}

func TestConcurrentCreateAgreesOnOneKey(t *testing.T) {
	path := filepath.Join(t.TempDir(), "key.json")
	kids := make(chan string, 8)
	testkit.AllAtOnce(cap(kids), func(int) {
		k, _, err := devtoken.LoadOrCreate(path)
		if err != nil {
			t.Error(err)
			return
		}
		kids <- k.KID()
	})
	close(kids)
	first := <-kids
	for kid := range kids {
		if kid != first {
			t.Fatalf("two keys were made: %s and %s", first, kid)
		}
	}
}

func TestDamagedKeyFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "key.json")
	os.WriteFile(path, []byte(`{"kty":"OKP","crv":"Ed25519","d":"short"}`), 0o600)
	if _, _, err := devtoken.LoadOrCreate(path); err == nil || !strings.Contains(err.Error(), "delete it") {
		t.Fatalf("err = %v, want advice to delete the file", err)
	}
}

func TestMintVerifiesWithTheJWKS(t *testing.T) {
	k, _ := MustKey(t)
	var set struct {
		Keys []struct{ Kty, Crv, Alg, Kid, X, D string }
	}
	if err := json.Unmarshal(k.JWKS(), &set); err != nil || len(set.Keys) != 1 {
		t.Fatalf("JWKS = %s, %v", k.JWKS(), err)
	}
	jwk := set.Keys[0]
	if jwk.D != "" {
		t.Fatal("the JWKS publishes the private key")
	}
	x, _ := base64.RawURLEncoding.DecodeString(jwk.X)

	now := time.Now()
	token, err := k.Mint(devtoken.Claims{UserID: "alice", Email: "alice@example.test", TTL: time.Hour}, now)
	if err != nil {
		t.Fatal(err)
	}
	parsed, err := jwt.Parse(token, func(tk *jwt.Token) (any, error) {
		if tk.Header["kid"] != jwk.Kid {
			t.Errorf("kid = %v, want %s", tk.Header["kid"], jwk.Kid)
		}
		return ed25519.PublicKey(x), nil
	}, jwt.WithValidMethods([]string{"EdDSA"}), jwt.WithIssuer(devtoken.Issuer), jwt.WithAudience(devtoken.Audience), jwt.WithExpirationRequired())
	if err != nil {
		t.Fatalf("token does not verify: %v", err)
	}
	if _, hasTyp := parsed.Header["typ"]; hasTyp {
		t.Error("header has typ; Better Auth sends none")
	}
	claims := parsed.Claims.(jwt.MapClaims)
	if claims["sub"] != "alice" || claims["email"] != "alice@example.test" {
		t.Fatalf("claims = %v", claims)
	}
	if exp, _ := claims.GetExpirationTime(); exp.Unix() != now.Add(time.Hour).Unix() {
		t.Fatalf("exp = %v", exp)
	}
}

func TestMintRefusesBadClaims(t *testing.T) {
	k, _ := MustKey(t)
	if _, err := k.Mint(devtoken.Claims{TTL: time.Hour}, time.Now()); err == nil {
		t.Error("minted a token without a user")
	}
	if _, err := k.Mint(devtoken.Claims{UserID: "a"}, time.Now()); err == nil {
		t.Error("minted a token without a lifetime")
	}
}
