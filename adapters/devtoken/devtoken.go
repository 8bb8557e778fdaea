// Package devtoken is the development token issuer: an Ed25519 key kept in a
// local file, a JWKS that publishes its public half, and tokens shaped like
// Better Auth's. The server trusts the JWKS through the same verifier as a
// real one; nothing else knows development tokens exist.
package devtoken

import (
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// Issuer and Audience are the iss and aud of development tokens, which the
// server expects when it runs the development issuer.
const (
	Issuer   = "todo-dev-issuer"
	Audience = "todo-api"
)

// Key is the development signing key.
type Key struct {
	kid     string
	private ed25519.PrivateKey
}

// keyFile is the on-disk form: a private JWK (RFC 8037).
type keyFile struct {
	Kty string `json:"kty"`
	Crv string `json:"crv"`
	Alg string `json:"alg"`
	Kid string `json:"kid"`
	X   string `json:"x"`
	D   string `json:"d"`
}

// LoadOrCreate reads the key at path, creating it (and its directory) when
// there is none, with mode 0600. A server and a `todo token` starting at once
// agree on one key.
func LoadOrCreate(path string) (*Key, bool, error) {
	k, err := Load(path)
	if err == nil || !errors.Is(err, fs.ErrNotExist) {
		return k, false, err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, false, fmt.Errorf("development key directory: %w", err)
	}
	_, private, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return nil, false, err
	}
	k = newKey(private)
	b, _ := json.MarshalIndent(k.file(), "", "  ")
	switch err := publish(path, append(b, '\n')); {
	case errors.Is(err, fs.ErrExist):
		k, err = Load(path) // another process made one first: use theirs
		return k, false, err
	case err != nil:
		return nil, false, fmt.Errorf("development key: %w", err)
	}
	return k, true, nil
}

// publish writes b to a private temporary file and links it to path, which
// fails if path exists: readers never see a half-written key, and of two
// processes creating one at once exactly one wins.
func publish(path string, b []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".dev-key-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(b); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Link(tmp.Name(), path)
}

// Load reads the key at path. The error wraps fs.ErrNotExist when there is
// no key yet.
func Load(path string) (*Key, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("development key: %w", err)
	}
	var f keyFile
	if err := json.Unmarshal(b, &f); err != nil || f.Kty != "OKP" || f.Crv != "Ed25519" {
		return nil, fmt.Errorf("development key %s is not an Ed25519 JWK; delete it to make a new one", path)
	}
	seed, err := base64.RawURLEncoding.DecodeString(f.D)
	if err != nil || len(seed) != ed25519.SeedSize {
		return nil, fmt.Errorf("development key %s is damaged; delete it to make a new one", path)
	}
	return newKey(ed25519.NewKeyFromSeed(seed)), nil
}

func newKey(private ed25519.PrivateKey) *Key {
	public := private.Public().(ed25519.PublicKey)
	// RFC 7638 thumbprint: the kid changes exactly when the key does.
	thumb := fmt.Sprintf(`{"crv":"Ed25519","kty":"OKP","x":"%s"}`, base64.RawURLEncoding.EncodeToString(public))
	sum := sha256.Sum256([]byte(thumb))
	return &Key{kid: base64.RawURLEncoding.EncodeToString(sum[:]), private: private}
}

func (k *Key) file() keyFile {
	public := k.private.Public().(ed25519.PublicKey)
	return keyFile{
		Kty: "OKP", Crv: "Ed25519", Alg: "EdDSA", Kid: k.kid,
		X: base64.RawURLEncoding.EncodeToString(public),
		D: base64.RawURLEncoding.EncodeToString(k.private.Seed()),
	}
}

// PublicKey returns the key that verifies development tokens.
func (k *Key) PublicKey() ed25519.PublicKey { return k.private.Public().(ed25519.PublicKey) }

// KID returns the key id tokens carry in their header.
func (k *Key) KID() string { return k.kid }

// JWKS returns the public key set, as Better Auth's /api/auth/jwks serves it.
func (k *Key) JWKS() []byte {
	f := k.file()
	b, _ := json.Marshal(map[string]any{"keys": []map[string]string{
		{"kty": f.Kty, "crv": f.Crv, "alg": f.Alg, "kid": f.Kid, "x": f.X},
	}})
	return b
}

// Claims are what a development token says about its user.
type Claims struct {
	UserID string
	Email  string
	Name   string
	TTL    time.Duration
}

// Mint signs a token shaped like Better Auth's: header {alg, kid} without
// typ, and sub, iss, aud, iat, exp plus the user's fields.
func (k *Key) Mint(c Claims, now time.Time) (string, error) {
	if c.UserID == "" {
		return "", errors.New("a token needs a user id")
	}
	if c.TTL <= 0 {
		return "", errors.New("a token needs a positive lifetime")
	}
	claims := jwt.MapClaims{
		"sub": c.UserID, "id": c.UserID, "iss": Issuer, "aud": Audience,
		"iat": now.Unix(), "exp": now.Add(c.TTL).Unix(),
	}
	if c.Email != "" {
		claims["email"] = c.Email
	}
	if c.Name != "" {
		claims["name"] = c.Name
	}
	t := jwt.NewWithClaims(jwt.SigningMethodEdDSA, claims)
	t.Header = map[string]any{"alg": "EdDSA", "kid": k.kid}
	return t.SignedString(k.private)
}
