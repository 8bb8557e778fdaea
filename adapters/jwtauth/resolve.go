package jwtauth

import (
	"context"
	"crypto"
	"errors"
	"fmt"

	"github.com/MicahParks/jwkset"
	"github.com/golang-jwt/jwt/v5"
)

// usedKey records which key verified a token, for the cache.
type usedKey struct {
	cacheable bool
	kid, alg  string
	key       crypto.PublicKey
}

// keyFor is the jwt.Keyfunc. jwt has already refused an alg outside
// validMethods (none, HS384, ...). keyfunc resolves a kid to its key; around
// it go the checks keyfunc doesn't make, so a token can never choose how its
// key is used:
//   - before: no crit; HS256 only ever with the secret; a sane kid.
//   - inside, through keyStore: the kid's JWK is meant for verifying, and an
//     unknown kid triggers one shared, rate-limited JWKS fetch.
//   - after: the key keyfunc returns is of the type alg needs.
func (v *TokenVerifier) keyFor(ctx context.Context, t *jwt.Token, used *usedKey) (any, error) {
	if _, ok := t.Header["crit"]; ok {
		return nil, errCritical
	}
	alg := t.Method.Alg()
	if alg == hs256 {
		// Decided by the alg alone, before any key lookup: keyfunc would
		// look a kid up in the key set (and fetch the JWKS for the random
		// kids some frontends send), and the secret kept there as an oct key
		// would also be offered to tokens without a kid.
		if v.secret == nil {
			return nil, errAlgorithm
		}
		*used = usedKey{cacheable: true}
		return v.secret, nil
	}
	kidValue, ok := t.Header[jwkset.HeaderKID]
	if !ok {
		return v.matching(ctx, alg) // not cached: the key that matched is unknown
	}
	kid, ok := kidValue.(string)
	if !ok || kid == "" || len(kid) > maxKIDBytes {
		return nil, errUnknownKey // and don't carry a huge kid into the logs
	}
	found, err := v.keyfunc.KeyfuncCtx(ctx)(t)
	if err != nil {
		return nil, keyfuncRefusal(kid, err)
	}
	key, err := fitting(found, alg, kid)
	if err != nil {
		return nil, err
	}
	*used = usedKey{cacheable: true, kid: kid, alg: alg, key: key}
	return key, nil
}

// keyfuncRefusal keeps the causes keyStore reports, which keyfunc wraps
// without losing them. keyfunc's own refusal, with the kid known to be a
// string, is that the JWK states another alg than the token: a mismatch.
func keyfuncRefusal(kid string, err error) error {
	if errors.Is(err, errUnknownKey) || errors.Is(err, errKeyMismatch) {
		return err
	}
	return fmt.Errorf("%w: key %q: %w", errKeyMismatch, kid, err)
}

// matching returns every known key that may verify alg, for tokens without a
// kid (issuers with a single key often omit it; Better Auth never does).
// keyfunc would answer such a token with every key in the set, stripped of
// the JWK's alg, so the JWKs are filtered here, from the same keyStore.
func (v *TokenVerifier) matching(ctx context.Context, alg string) (jwt.VerificationKeySet, error) {
	var set jwt.VerificationKeySet
	all, err := v.keys.KeyReadAll(ctx)
	if err != nil {
		return set, fmt.Errorf("%w: %w", errUnknownKey, err)
	}
	for _, jwk := range all {
		if key, err := publicKey(jwk, alg); err == nil {
			set.Keys = append(set.Keys, key)
		}
	}
	if len(set.Keys) == 0 {
		return set, fmt.Errorf("%w: no key for %s", errUnknownKey, alg)
	}
	return set, nil
}
