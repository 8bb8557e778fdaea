// Package jwtauth verifies bearer tokens: those Better Auth (or any issuer
// publishing a JWKS) signs with EdDSA, RSA or ECDSA keys, and the HS256 tokens
// frontends mint themselves with BETTER_AUTH_SECRET.
package jwtauth

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"

	"github.com/MicahParks/keyfunc/v3"
	"github.com/golang-jwt/jwt/v5"

	"github.com/todoapi/todo/core/identity"
	"github.com/todoapi/todo/ports"
)

// TokenVerifier checks tokens against a JWKS, fixed keys and/or a shared
// secret. It is safe for concurrent use; Close stops its JWKS refreshes.
type TokenVerifier struct {
	cfg     Config
	keys    *keyStore
	keyfunc keyfunc.Keyfunc // resolves kids in keys
	secret  []byte          // nil: HS256 is refused
	methods []string
	parser  *jwt.Parser // tokens verified by a key
	hs256   *jwt.Parser // tokens verified by the secret; nil without one
	cache   *tokenCache // nil when disabled
	stop    context.CancelFunc
}

var _ ports.TokenVerifier = (*TokenVerifier)(nil)

// New fetches the JWKS once and starts refreshing it every
// cfg.RefreshInterval until Close. An unreachable JWKS is not an error: the
// verifier starts without keys, logs a warning and picks them up once the
// issuer answers. ctx only carries values: cancelling it stops nothing (fx
// cancels its start context as soon as start-up is over).
func New(ctx context.Context, cfg Config, logger *slog.Logger) (*TokenVerifier, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	if logger == nil {
		logger = slog.Default()
	}
	life, stop := context.WithCancel(context.WithoutCancel(ctx))
	keys, err := newKeyStore(life, cfg, logger)
	if err != nil {
		stop()
		return nil, err
	}
	kf, err := keyfunc.New(keyfunc.Options{Ctx: life, Storage: keys})
	if err != nil {
		stop()
		return nil, fmt.Errorf("jwtauth: %w", err)
	}
	v := &TokenVerifier{
		cfg:     cfg,
		keys:    keys,
		keyfunc: kf,
		methods: validMethods(cfg.Secret != ""),
		cache:   newTokenCache(cfg.CacheSize),
		stop:    stop,
	}
	if cfg.Secret != "" {
		v.secret = []byte(cfg.Secret)
	}
	v.parser = jwt.NewParser(v.parserOptions(cfg.Issuer, cfg.Audience)...)
	if v.secret != nil {
		v.hs256 = jwt.NewParser(v.parserOptions(cfg.SecretIssuer, cfg.SecretAudience)...)
	}
	v.warn(ctx, logger)
	return v, nil
}

func (v *TokenVerifier) parserOptions(issuer, audience string) []jwt.ParserOption {
	opts := []jwt.ParserOption{
		jwt.WithValidMethods(v.methods),
		jwt.WithExpirationRequired(),
		jwt.WithIssuedAt(), // an iat beyond the leeway in the future is refused
		jwt.WithLeeway(v.cfg.Leeway),
		jwt.WithTimeFunc(v.cfg.Clock.Now),
	}
	if issuer != "" {
		opts = append(opts, jwt.WithIssuer(issuer))
	}
	if audience != "" {
		opts = append(opts, jwt.WithAudience(audience))
	}
	return opts
}

func (v *TokenVerifier) warn(ctx context.Context, logger *slog.Logger) {
	if v.cfg.JWKSURL != "" && v.keys.count(ctx) == 0 {
		logger.WarnContext(ctx, "no token signing keys yet; tokens are refused until the JWKS answers",
			"url", v.cfg.JWKSURL)
	}
	if v.secret != nil && len(v.secret) < 32 {
		logger.WarnContext(ctx, "the shared token secret is shorter than 32 bytes")
	}
}

// Close stops the background JWKS refresh. It always returns nil.
func (v *TokenVerifier) Close() error {
	v.stop()
	return nil
}

// Verify returns the principal the token names. EUNAUTHORIZED, with a
// caller-safe message, for any token that is not acceptable.
func (v *TokenVerifier) Verify(ctx context.Context, token string) (identity.Principal, error) {
	if token == "" {
		return identity.Principal{}, refuse(msgMissing, nil)
	}
	if len(token) > maxTokenBytes {
		return identity.Principal{}, refuse(msgMalformed, errTooLarge)
	}
	sum := sha256.Sum256([]byte(token))
	if p, ok := v.cached(ctx, sum); ok {
		return p, nil
	}
	var c claims
	var used usedKey
	parser := v.parser
	if v.hs256 != nil && headerAlg(token) == jwt.SigningMethodHS256.Alg() {
		parser = v.hs256 // keyFor still decides, from the same header, which key verifies
	}
	tok, err := parser.ParseWithClaims(token, &c, func(t *jwt.Token) (any, error) {
		return v.keyFor(ctx, t, &used)
	})
	if err != nil {
		return identity.Principal{}, v.refusal(tok, &c, err)
	}
	p := identity.Principal{UserID: identity.UserID(c.Subject), Email: string(c.Email), Name: string(c.Name)}
	if c.ExpiresAt.set {
		p.Expires = c.ExpiresAt.Time
	}
	v.remember(sum, p, &c, used)
	return p, nil
}

func (v *TokenVerifier) cached(ctx context.Context, sum [32]byte) (identity.Principal, bool) {
	if v.cache == nil {
		return identity.Principal{}, false
	}
	e, ok := v.cache.get(sum, v.cfg.Clock.Now())
	if !ok {
		return identity.Principal{}, false
	}
	if e.kid != "" && !v.keys.stillTrusts(ctx, e.kid, e.alg, e.key) {
		v.cache.drop(sum)
		return identity.Principal{}, false
	}
	return e.principal, true
}

func (v *TokenVerifier) remember(sum [32]byte, p identity.Principal, c *claims, used usedKey) {
	if v.cache == nil || !used.cacheable || !c.ExpiresAt.set {
		return
	}
	now := v.cfg.Clock.Now()
	if !now.Before(c.ExpiresAt.Time) {
		return // accepted within the leeway: get would never serve it, so don't spend a slot
	}
	e := cacheEntry{principal: p, exp: c.ExpiresAt.Time, kid: used.kid, alg: used.alg, key: used.key}
	// nbf and iat bind from below with the leeway, as jwt checks them, so a
	// clock set back never finds a hit a fresh verification would refuse.
	for _, d := range []*numericDate{&c.NotBefore, &c.IssuedAt} {
		if d.set && d.Add(-v.cfg.Leeway).After(e.from) {
			e.from = d.Add(-v.cfg.Leeway)
		}
	}
	v.cache.put(sum, e, now)
}

// headerAlg reads the alg of a compact JWS's header without verifying
// anything; "" when it cannot. It only picks which claim checks apply: the
// signature check that follows uses the same header, so a lie gains nothing.
func headerAlg(token string) string {
	head, _, ok := strings.Cut(token, ".")
	if !ok || len(head) > 1024 {
		return ""
	}
	raw, err := base64.RawURLEncoding.DecodeString(head)
	if err != nil {
		return ""
	}
	var h struct {
		Alg string `json:"alg"`
	}
	if json.Unmarshal(raw, &h) != nil {
		return ""
	}
	return h.Alg
}
