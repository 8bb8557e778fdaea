// Package config reads the service's settings from flags, the environment and
// an optional config file (in that order of precedence) into typed sections,
// and validates them. It is the only package that reads the environment.
package config

import (
	"fmt"
	"log/slog"
	"net/netip"
	"strings"
	"time"
)

// Environments the service knows.
const (
	Development = "development"
	Production  = "production"
)

// Config is the whole of the service's settings. Each adapter gets only its
// section (HTTP, Database, Auth, RateLimit, Telemetry or Retention), so that what it
// depends on is plain.
type Config struct {
	Env       string
	LogLevel  slog.Level
	HTTP      HTTP
	Database  Database
	Auth      Auth
	RateLimit RateLimit
	Telemetry Telemetry
	Retention Retention
	Tasks     Tasks
}

// HTTP configures the listener and the HTTP adapter.
type HTTP struct {
	Addr           string
	AllowedOrigins []string
	// AllowLoopbackOrigins admits any http(s) origin on localhost,
	// 127.0.0.1 or [::1], on any port, beside AllowedOrigins: set in
	// development, where a frontend's dev server may run on any port.
	AllowLoopbackOrigins bool
	BodyLimit            int64
	ShutdownTimeout      time.Duration
	// ShutdownDrain is how long the server keeps answering after SIGTERM,
	// with /readyz failing and Connection: close on every response, before
	// it stops accepting connections (SHUTDOWN_DRAIN).
	ShutdownDrain time.Duration
}

// Database configures the store.
type Database struct {
	URL string // postgres://…, postgresql://… or sqlite:PATH
	// MigrateURL is the database migrations run over
	// (DATABASE_MIGRATE_URL): on PostgreSQL, as the role that owns the
	// tables, while URL connects as the service's role. It is URL unless
	// set, and always names the same dialect.
	MigrateURL string
	// AppRole is the service's PostgreSQL role (DB_APP_ROLE), which
	// migrations grant what serving needs; empty: none is granted.
	AppRole         string
	AutoMigrate     bool
	MaxConns        int
	MaxIdleConns    int
	ConnMaxLifetime time.Duration
	ConnMaxIdleTime time.Duration
	// ConnectRetry bounds how long serve and migrate wait at start for the
	// database to answer; 0 tries once.
	ConnectRetry time.Duration
	// IdempotencyTTL is how long the store keeps an idempotency key and
	// the response under it (IDEMPOTENCY_TTL).
	IdempotencyTTL time.Duration
	// ListenURL is a direct connection to the same PostgreSQL database for
	// LISTEN (DATABASE_LISTEN_URL), when URL goes through a transaction
	// pooler; empty: URL, unless that is pooled.
	ListenURL string
	// EventsPoll is how often the feeds of this replica's live streams are
	// read when no connection can LISTEN (EVENTS_POLL_INTERVAL).
	EventsPoll time.Duration
}

// Auth configures where tokens come from.
type Auth struct {
	JWKSURL string
	// Issuer and Audience are expected of tokens signed by a JWKS key:
	// derived from BETTER_AUTH_URL, or set by AUTH_ISSUER / AUTH_AUDIENCE.
	Issuer   string
	Audience string
	// SecretIssuer and SecretAudience are expected of HS256 tokens: set only
	// by AUTH_ISSUER / AUTH_AUDIENCE, since frontends minting their own
	// tokens with the secret rarely set iss or aud.
	SecretIssuer    string
	SecretAudience  string
	Secret          string // HS256 shared secret; empty means HS256 is refused
	RefreshInterval time.Duration
	// DevKeyFile holds the development issuer's signing key. It is used only
	// in development when no other token source is configured.
	DevKeyFile string
	// DevIssuer is set when the development token issuer runs: in
	// development, and only when no real token source is configured.
	DevIssuer bool
	// ClockSkew is tolerated on exp, nbf and iat (AUTH_CLOCK_SKEW); 0: none.
	ClockSkew time.Duration
}

// RateLimit configures adapters/ratelimit.
type RateLimit struct {
	PerUser, PerAddress int    // requests a minute; 0: no limit
	RedisURL            string // empty: each replica limits on its own
	// TrustedProxies may name the client in X-Forwarded-For or Forwarded.
	TrustedProxies []netip.Prefix
}

// ForMigrations returns the settings migrations open the database with:
// URL is MigrateURL.
func (d Database) ForMigrations() Database {
	d.URL = d.MigrateURL
	return d
}

// Retention says how long the housekeeping keeps what it removes in time.
type Retention struct {
	Trash   time.Duration // TRASH_RETENTION: a deleted task, in the trash
	Changes time.Duration // CHANGE_RETENTION: a change, in the feed
}

// Tasks says what one user may keep.
type Tasks struct {
	// MaxPerUser is MAX_TASKS_PER_USER: how many tasks one user may keep,
	// the trash not counted; 0: no limit. Never negative.
	MaxPerUser int
}

// IsProduction reports whether the service runs in production.
func (c Config) IsProduction() bool { return c.Env == Production }

// HasTokenSource reports whether a JWKS or a shared secret is configured.
func (a Auth) HasTokenSource() bool { return a.JWKSURL != "" || a.Secret != "" }

// String describes the configuration for the log, with secrets masked.
func (c Config) String() string {
	secret := ""
	if c.Auth.Secret != "" {
		secret = "(set)"
	}
	return fmt.Sprintf("env=%s addr=%s database=%s jwks=%q issuer=%q audience=%q secret=%s origins=%s",
		c.Env, c.HTTP.Addr, RedactURL(c.Database.URL), c.Auth.JWKSURL, c.Auth.Issuer, c.Auth.Audience,
		secret, strings.Join(c.HTTP.AllowedOrigins, ","))
}
