package jwtauth

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"time"

	"github.com/MicahParks/jwkset"

	"github.com/todoapi/todo/config"
	"github.com/todoapi/todo/ports"
)

// Defaults for the zero values of Config. The refresh interval and the
// leeway are the service's AUTH_JWKS_REFRESH_INTERVAL and AUTH_CLOCK_SKEW
// defaults.
const (
	DefaultRefreshInterval = config.DefaultJWKSRefresh
	// One JWKS fetch per 2 s for unknown kids (after a burst of unknownKIDBurst)
	// keeps bogus kids from hammering the issuer (at most ~30 fetches a minute),
	// while a rotated key is still fetched within seconds of its first use.
	DefaultUnknownKIDInterval = 2 * time.Second
	// A request with an unknown kid waits at most this long for its turn; one
	// that would have to wait longer is refused at once instead of piling up.
	DefaultUnknownKIDWait = 8 * time.Second
	DefaultHTTPTimeout    = 5 * time.Second
	DefaultLeeway         = config.DefaultClockSkew
	DefaultCacheSize      = 10_000
)

const (
	// unknownKIDBurst lets a few unknown kids in a row refresh at once, so a
	// single bogus kid never delays the next legitimate rotation.
	unknownKIDBurst = 3
	// maxTokenBytes bounds the work an oversized header can cause. Better
	// Auth's tokens carry the user row, so leave room for a long image URL.
	maxTokenBytes = 16 << 10
	// maxKIDBytes: Better Auth's kids have 32 characters; far longer ones are
	// refused without a lookup.
	maxKIDBytes = 256
)

// Config says which tokens to trust. At least one of JWKSURL, Keys and Secret
// must be set. Zero durations and sizes mean the defaults above.
type Config struct {
	// JWKSURL is where the issuer publishes its public keys, e.g.
	// {BETTER_AUTH_URL}/api/auth/jwks.
	JWKSURL string
	// Keys are trusted like keys of the JWKS: alongside it, or instead of it
	// when JWKSURL is empty (the development issuer). Keys written to or
	// deleted from the storage later take effect at once. Private keys are
	// fine: only their public half is used.
	Keys jwkset.Storage
	// Secret (BETTER_AUTH_SECRET), when set, admits HS256 tokens signed with
	// it. HS256 is refused otherwise.
	Secret string

	// Issuer and Audience, when set, must match the iss and aud claims of
	// tokens verified by a key (the JWKS or Keys).
	Issuer   string
	Audience string
	// SecretIssuer and SecretAudience, when set, must match the iss and aud
	// claims of HS256 tokens. They are separate because frontends that mint
	// their own tokens with the shared secret often set neither claim,
	// while Better Auth's tokens always carry its base URL in both.
	SecretIssuer   string
	SecretAudience string

	// RefreshInterval is how often the JWKS is fetched again; a key removed
	// from it stops verifying within this interval.
	RefreshInterval time.Duration
	// UnknownKIDInterval and UnknownKIDWait rate-limit the extra fetches that
	// tokens with an unknown kid trigger.
	UnknownKIDInterval time.Duration
	UnknownKIDWait     time.Duration
	// HTTPTimeout bounds each JWKS fetch, including the first one in New.
	HTTPTimeout time.Duration
	// Transport makes the JWKS requests; nil means http.DefaultTransport.
	// Telemetry wraps it to count and trace the fetches.
	Transport http.RoundTripper

	// Leeway is the clock skew tolerated on exp, nbf and iat
	// (AUTH_CLOCK_SKEW); negative means none.
	Leeway time.Duration
	// CacheSize bounds the cache of verified tokens; negative disables it.
	CacheSize int
	// Clock tells the time; nil means the system clock.
	Clock ports.Clock
}

// withDefaults validates c and fills in its zero values.
func (c Config) withDefaults() (Config, error) {
	if c.JWKSURL == "" && c.Keys == nil && c.Secret == "" {
		return c, errors.New("jwtauth: no token source: set a JWKS URL, keys or a shared secret")
	}
	if c.JWKSURL != "" {
		if u, err := url.Parse(c.JWKSURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return c, fmt.Errorf("jwtauth: JWKS URL %q is not an http(s) URL", c.JWKSURL)
		}
	}
	for _, d := range []time.Duration{c.RefreshInterval, c.UnknownKIDInterval, c.UnknownKIDWait, c.HTTPTimeout} {
		if d < 0 {
			return c, fmt.Errorf("jwtauth: negative interval %v", d)
		}
	}
	c.RefreshInterval = orDefault(c.RefreshInterval, DefaultRefreshInterval)
	c.UnknownKIDInterval = orDefault(c.UnknownKIDInterval, DefaultUnknownKIDInterval)
	c.UnknownKIDWait = orDefault(c.UnknownKIDWait, DefaultUnknownKIDWait)
	c.HTTPTimeout = orDefault(c.HTTPTimeout, DefaultHTTPTimeout)
	c.Leeway = max(orDefault(c.Leeway, DefaultLeeway), 0)
	c.CacheSize = orDefault(c.CacheSize, DefaultCacheSize)
	if c.Clock == nil {
		c.Clock = systemClock{}
	}
	return c, nil
}

func orDefault[T comparable](v, def T) T {
	var zero T
	if v == zero {
		return def
	}
	return v
}

type systemClock struct{}

func (systemClock) Now() time.Time { return time.Now() }
