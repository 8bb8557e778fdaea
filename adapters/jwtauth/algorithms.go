package jwtauth

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rsa"
	"fmt"
	"maps"
	"slices"

	"github.com/MicahParks/jwkset"
)

// hs256 is the only symmetric algorithm, and only with Config.Secret: a
// symmetric key is never looked up in a key set, so a public key can't be
// turned into an HMAC secret (algorithm confusion).
const hs256 = "HS256"

// minRSABits refuses RSA keys too short to be trusted; jwt does not check.
const minRSABits = 2048

// keyFits pins each asymmetric algorithm to the key type it needs. A token's
// alg outside this table (none, HS384, ...) is refused before any key lookup.
var keyFits = map[string]func(crypto.PublicKey) bool{
	"EdDSA": isEd25519,
	"RS256": isRSA, "RS384": isRSA, "RS512": isRSA,
	"PS256": isRSA, "PS384": isRSA, "PS512": isRSA,
	"ES256": isEC(elliptic.P256()),
	"ES384": isEC(elliptic.P384()),
	"ES512": isEC(elliptic.P521()),
}

// validMethods lists the algorithms accepted, for jwt.WithValidMethods.
func validMethods(withSecret bool) []string {
	algs := slices.Sorted(maps.Keys(keyFits))
	if withSecret {
		algs = append(algs, hs256)
	}
	return algs
}

func isEd25519(k crypto.PublicKey) bool {
	_, ok := k.(ed25519.PublicKey)
	return ok
}

func isRSA(k crypto.PublicKey) bool {
	rk, ok := k.(*rsa.PublicKey)
	return ok && rk.N.BitLen() >= minRSABits
}

func isEC(curve elliptic.Curve) func(crypto.PublicKey) bool {
	return func(k crypto.PublicKey) bool {
		ek, ok := k.(*ecdsa.PublicKey)
		return ok && ek.Curve == curve
	}
}

// verifiable refuses a JWK its issuer marked as not for verifying signatures
// (use other than "sig", key_ops without "verify"). keyStore applies it to
// every key it hands out, so keyfunc never sees such a key.
func verifiable(jwk jwkset.JWK) error {
	m := jwk.Marshal()
	if m.USE != "" && m.USE != jwkset.UseSig {
		return fmt.Errorf("%w: key %q is for use %q", errKeyMismatch, m.KID, m.USE)
	}
	if len(m.KEYOPS) > 0 && !slices.Contains(m.KEYOPS, jwkset.KeyOpsVerify) {
		return fmt.Errorf("%w: key %q may not verify", errKeyMismatch, m.KID)
	}
	return nil
}

// fitting returns key if it may verify a token signed with alg: of the type,
// curve and size alg needs. keyfunc compares alg with the JWK's alg when the
// JWK states one, but never looks at the key itself.
func fitting(key any, alg, kid string) (crypto.PublicKey, error) {
	fits, ok := keyFits[alg]
	if !ok || !fits(key) {
		return nil, fmt.Errorf("%w: key %q (%T) can't verify %s", errKeyMismatch, kid, key, alg)
	}
	return key, nil
}

// publicKey is what keyfunc and fitting together make of a JWK from
// keyStore, for the paths where keyfunc can't be asked (tokens without a kid,
// the cache's check): the key if it may verify alg, stating no other alg.
func publicKey(jwk jwkset.JWK, alg string) (crypto.PublicKey, error) {
	m := jwk.Marshal()
	if m.ALG != "" && string(m.ALG) != alg {
		return nil, fmt.Errorf("%w: key %q is for %s, token says %s", errKeyMismatch, m.KID, m.ALG, alg)
	}
	key := jwk.Key()
	// A key set handed over by the development issuer may hold private keys.
	if pk, ok := key.(interface{ Public() crypto.PublicKey }); ok {
		key = pk.Public()
	}
	return fitting(key, alg, m.KID)
}

// sameKey reports whether two public keys are equal; all the types keyFits
// accepts have an Equal method.
func sameKey(a, b crypto.PublicKey) bool {
	eq, ok := a.(interface{ Equal(crypto.PublicKey) bool })
	return ok && eq.Equal(b)
}
