package jwtauth

import (
	"context"
	"crypto"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"net/http"

	"github.com/MicahParks/jwkset"
	"golang.org/x/time/rate"
)

// keyStore is the jwkset.Storage keyfunc looks kids up in. It joins the JWKS
// and Config.Keys as keyfunc's own NewDefaultOverrideCtx would, with two
// differences: a kid is first looked up without fetching, and concurrent
// requests for the same unknown kid share one rate-limited fetch (flights),
// instead of each spending a token of the limiter. It hands out only keys
// meant to verify signatures.
type keyStore struct {
	// Storage reads the JWKS and Config.Keys without fetching (never nil).
	// JSON and Marshal pass through to it; reads and writes are overridden.
	jwkset.Storage
	refreshing jwkset.Storage // the same stores, fetching on a miss; nil without a JWKS URL
	life       context.Context
	flights    flights
}

var _ jwkset.Storage = (*keyStore)(nil)

var errReadOnly = errors.New("jwtauth: the verifier's key store is read-only")

func newKeyStore(life context.Context, cfg Config, logger *slog.Logger) (*keyStore, error) {
	given := cfg.Keys
	if given == nil {
		given = jwkset.NewMemoryStorage() // a secret alone: no key is ever found
	}
	s := &keyStore{Storage: given, life: life}
	if cfg.JWKSURL == "" {
		return s, nil
	}
	remote, err := newRemoteKeys(life, cfg, logger)
	if err != nil {
		return nil, err
	}
	urls := map[string]jwkset.Storage{cfg.JWKSURL: remote}
	// PrioritizeHTTP: look in the JWKS first, where production keys are, so
	// the hot path doesn't pay for a miss in the (usually empty) given keys.
	plain := jwkset.HTTPClientOptions{Given: given, HTTPURLs: maps.Clone(urls), PrioritizeHTTP: true}
	if s.Storage, err = jwkset.NewHTTPClient(plain); err != nil {
		return nil, fmt.Errorf("jwtauth: %w", err)
	}
	s.refreshing, err = jwkset.NewHTTPClient(jwkset.HTTPClientOptions{
		Given:             given,
		HTTPURLs:          urls,
		PrioritizeHTTP:    true,
		RateLimitWaitMax:  cfg.UnknownKIDWait,
		RefreshUnknownKID: rate.NewLimiter(rate.Every(cfg.UnknownKIDInterval), unknownKIDBurst),
	})
	if err != nil {
		return nil, fmt.Errorf("jwtauth: %w", err)
	}
	return s, nil
}

// newRemoteKeys fetches the JWKS now and every RefreshInterval until life
// ends. Each fetch replaces the whole set, so removed keys go; a failed fetch
// replaces nothing, so known keys keep working while the issuer is down.
func newRemoteKeys(life context.Context, cfg Config, logger *slog.Logger) (jwkset.Storage, error) {
	remote, err := jwkset.NewStorageFromHTTP(cfg.JWKSURL, jwkset.HTTPClientStorageOptions{
		Client:      &http.Client{Timeout: cfg.HTTPTimeout, Transport: cfg.Transport}, // also bounds fetches for unknown kids
		Ctx:         life,
		HTTPTimeout: cfg.HTTPTimeout,
		// The server must start while the issuer is down.
		NoErrorReturnFirstHTTPReq: true,
		RefreshErrorHandler: func(ctx context.Context, err error) {
			logger.WarnContext(ctx, "JWKS fetch failed; known keys stay in use", "url", cfg.JWKSURL, "error", err)
		},
		RefreshInterval: cfg.RefreshInterval,
	})
	if err != nil {
		return nil, fmt.Errorf("jwtauth: JWKS %q: %w", cfg.JWKSURL, err)
	}
	return remote, nil
}

// KeyRead returns the key with the id, fetching the JWKS again when it is
// not known yet (a rotated key, or keys not fetched because the issuer was
// down). Every failure is errUnknownKey or errKeyMismatch; keyfunc wraps
// them without losing either.
func (s *keyStore) KeyRead(ctx context.Context, kid string) (jwkset.JWK, error) {
	jwk, err := s.Storage.KeyRead(ctx, kid)
	if errors.Is(err, jwkset.ErrKeyNotFound) && s.refreshing != nil {
		jwk, err = s.flights.do(ctx, kid, func() (jwkset.JWK, error) {
			// The verifier's lifetime, not the request's: others may be
			// waiting on this fetch after the first caller has gone. jwkset
			// bounds it by UnknownKIDWait.
			return s.refreshing.KeyRead(s.life, kid)
		})
	}
	return checked(jwk, err)
}

// peek is KeyRead without fetching.
func (s *keyStore) peek(ctx context.Context, kid string) (jwkset.JWK, error) {
	return checked(s.Storage.KeyRead(ctx, kid))
}

func checked(jwk jwkset.JWK, err error) (jwkset.JWK, error) {
	if err != nil {
		return jwkset.JWK{}, fmt.Errorf("%w: %w", errUnknownKey, err)
	}
	if err := verifiable(jwk); err != nil {
		return jwkset.JWK{}, err
	}
	return jwk, nil
}

// KeyReadAll returns every known key meant to verify signatures, without
// fetching.
func (s *keyStore) KeyReadAll(ctx context.Context) ([]jwkset.JWK, error) {
	all, err := s.Storage.KeyReadAll(ctx)
	if err != nil {
		return nil, err
	}
	keep := make([]jwkset.JWK, 0, len(all))
	for _, jwk := range all {
		if verifiable(jwk) == nil {
			keep = append(keep, jwk)
		}
	}
	return keep, nil
}

// stillTrusts reports whether key is still the key kid names for alg, without
// fetching: a cached token stays good only while its key is in the key set.
func (s *keyStore) stillTrusts(ctx context.Context, kid, alg string, key crypto.PublicKey) bool {
	jwk, err := s.peek(ctx, kid)
	if err != nil {
		return false
	}
	current, err := publicKey(jwk, alg)
	return err == nil && sameKey(current, key)
}

// count returns how many keys are known, for the start-up warning.
func (s *keyStore) count(ctx context.Context) int {
	all, err := s.KeyReadAll(ctx)
	if err != nil {
		return 0
	}
	return len(all)
}

// The verifier only reads: Config.Keys belongs to whoever passed it in, and
// the JWKS to its issuer.

func (*keyStore) KeyWrite(context.Context, jwkset.JWK) error             { return errReadOnly }
func (*keyStore) KeyReplaceAll(context.Context, []jwkset.JWK) error      { return errReadOnly }
func (*keyStore) KeyDelete(context.Context, string) (ok bool, err error) { return false, errReadOnly }
