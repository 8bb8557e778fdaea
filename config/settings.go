package config

import (
	"fmt"
	"slices"
	"time"

	"github.com/spf13/pflag"
)

// Keys are the environment variable names, lower-cased: viper matches the
// key "database_url" to DATABASE_URL, to a "database_url:" line in a config
// file, and to the flag bound to it.
const (
	KeyConfigFile      = "config"
	KeyHTTPAddr        = "http_addr"
	KeyPort            = "port"
	KeyDatabaseURL     = "database_url"
	KeyMigrateURL      = "database_migrate_url"
	KeyAppRole         = "db_app_role"
	KeyAutoMigrate     = "db_auto_migrate"
	KeyMaxConns        = "db_max_conns"
	KeyMaxIdleConns    = "db_max_idle_conns"
	KeyConnMaxLifetime = "db_conn_max_lifetime"
	KeyConnMaxIdleTime = "db_conn_max_idle_time"
	KeyConnectRetry    = "db_connect_retry"
	KeyIdempotencyTTL  = "idempotency_ttl"
	KeyListenURL       = "database_listen_url"
	KeyEventsPoll      = "events_poll_interval"
	KeyBetterAuthURL   = "better_auth_url"
	KeyJWKSURL         = "auth_jwks_url"
	KeyIssuer          = "auth_issuer"
	KeyAudience        = "auth_audience"
	KeySecret          = "better_auth_secret"
	KeyJWKSRefresh     = "auth_jwks_refresh_interval"
	KeyDevKeyFile      = "auth_dev_key_file"
	KeyClockSkew       = "auth_clock_skew"
	KeyCORSOrigins     = "cors_allowed_origins"
	KeyBodyLimit       = "http_body_limit"
	KeyShutdownTimeout = "shutdown_timeout"
	KeyShutdownDrain   = "shutdown_drain"
	KeyEnv             = "app_env"
	KeyLogLevel        = "log_level"
	// Rate limits (adapters/ratelimit).
	KeyRateLimitUser    = "rate_limit_per_user"
	KeyRateLimitAddress = "rate_limit_per_address"
	KeyRateLimitRedis   = "rate_limit_redis_url"
	KeyTrustedProxies   = "trusted_proxies"
	// Telemetry (adapters/telemetry).
	KeyAdminAddr = "admin_addr"
	// How long deleted tasks and changes are kept (housekeeping).
	KeyTrashRetention  = "trash_retention"
	KeyChangeRetention = "change_retention"
	// What one user may keep (core/app).
	KeyMaxTasks = "max_tasks_per_user"
)

// Defaults, as the contract states them. Each is written here only: the
// flags show them, viper falls back to them, and the adapters fill the same
// values into zero fields.
const (
	DefaultHTTPAddr        = ":8080"
	DefaultDatabaseURL     = "sqlite:data/todo.db"
	DefaultOrigins         = "http://localhost:3000"
	DefaultDevKeyFile      = "data/dev-signing-key.json"
	DefaultBodyLimit       = 64 << 10
	DefaultShutdownTimeout = 15 * time.Second
	// DefaultShutdownDrain is SHUTDOWN_DRAIN's default in production; in
	// development, where no load balancer waits for /readyz, it is 0.
	DefaultShutdownDrain   = 5 * time.Second
	DefaultAutoMigrate     = true
	DefaultConnMaxLifetime = 30 * time.Minute
	DefaultConnMaxIdleTime = 4 * time.Minute
	DefaultConnectRetry    = 30 * time.Second
	DefaultIdempotencyTTL  = 24 * time.Hour
	DefaultEventsPoll      = time.Second // without LISTEN, how late at most another replica's change reaches a stream
	DefaultJWKSRefresh     = 15 * time.Minute
	DefaultClockSkew       = 30 * time.Second
	DefaultEnv             = Development
	DefaultLogLevel        = "info"
	// Requests a minute; 0 turns a limit off.
	DefaultRateLimitPerUser    = 1200
	DefaultRateLimitPerAddress = 300
	// The admin listener (/metrics, /debug/pprof/): loopback only, so it is
	// never public by accident; 9464 is the port OpenTelemetry's Prometheus
	// exporters use.
	DefaultAdminAddr = "127.0.0.1:9464"
	// Thirty days.
	DefaultTrashRetention  = 720 * time.Hour
	DefaultChangeRetention = 720 * time.Hour
	// Tasks one user may keep, the trash not counted (task.DefaultMaxTasks);
	// 0 turns the limit off.
	DefaultMaxTasks = 10000
)

// Section is the part of the service a setting configures. Each command
// offers the flags of the sections it reads, and no others.
type Section int

// The sections, in the order help shows them.
const (
	SectionGeneral   Section = iota // APP_ENV, LOG_LEVEL
	SectionHTTP                     // the listener and the HTTP adapter
	SectionDatabase                 // the store
	SectionAuth                     // where tokens come from
	SectionRateLimit                // the rate limits and the proxies trusted to name the client
	SectionTelemetry                // the admin listener (metrics, profiles)
	SectionRetention                // how long the trash and the change feed keep what they hold
	SectionTasks                    // what one user may keep
)

// Setting describes one setting for flags and help text. Default's type is
// the flag's: string, bool, int or time.Duration.
type Setting struct {
	Key, Flag string
	Section   Section
	Default   any
	Usage     string
}

// Settings lists every setting the service reads, in the order help shows.
var Settings = []Setting{
	{KeyEnv, "app-env", SectionGeneral, DefaultEnv, "development or production"},
	{KeyLogLevel, "log-level", SectionGeneral, DefaultLogLevel, "debug, info, warn or error"},
	{KeyHTTPAddr, "http-addr", SectionHTTP, "", "listen address (default " + DefaultHTTPAddr + ", or :$PORT when PORT is set)"},
	{KeyCORSOrigins, "cors-allowed-origins", SectionHTTP, DefaultOrigins, "comma-separated origins allowed to call from a browser"},
	{KeyBodyLimit, "http-body-limit", SectionHTTP, DefaultBodyLimit, "largest request body in bytes"},
	{KeyShutdownTimeout, "shutdown-timeout", SectionHTTP, DefaultShutdownTimeout, "how long in-flight requests may finish on shutdown"},
	{KeyShutdownDrain, "shutdown-drain", SectionHTTP, "", "after SIGTERM, how long to keep answering, with /readyz failing and Connection: close, " +
		"before refusing connections: a duration (default " + DefaultShutdownDrain.String() + " in production, 0s in development)"},
	{KeyDatabaseURL, "database-url", SectionDatabase, DefaultDatabaseURL, "postgres://…, postgresql://… or sqlite:PATH (alias NEON_DB_URL)"},
	{KeyMigrateURL, "database-migrate-url", SectionDatabase, "", "database URL that migrations run over, as the tables' owner (default: DATABASE_URL)"},
	{KeyAppRole, "db-app-role", SectionDatabase, "", "PostgreSQL role that migrations grant what serving needs (default: none)"},
	{KeyAutoMigrate, "db-auto-migrate", SectionDatabase, DefaultAutoMigrate, "apply pending migrations when serve starts"},
	{KeyMaxConns, "db-max-conns", SectionDatabase, 0, "most open database connections (0: the store's default)"},
	{KeyMaxIdleConns, "db-max-idle-conns", SectionDatabase, 0, "most idle database connections (0: the store's default)"},
	{KeyConnMaxLifetime, "db-conn-max-lifetime", SectionDatabase, DefaultConnMaxLifetime, "close database connections older than this"},
	{KeyConnMaxIdleTime, "db-conn-max-idle-time", SectionDatabase, DefaultConnMaxIdleTime, "close database connections idle this long"},
	{KeyConnectRetry, "db-connect-retry", SectionDatabase, DefaultConnectRetry, "how long to retry reaching the database at start (0: try once)"},
	{KeyIdempotencyTTL, "idempotency-ttl", SectionDatabase, DefaultIdempotencyTTL, "how long an Idempotency-Key and its response are kept"},
	{KeyListenURL, "database-listen-url", SectionDatabase, "", "direct PostgreSQL URL for LISTEN when DATABASE_URL goes through a transaction pooler (default: DATABASE_URL unless pooled)"},
	{KeyEventsPoll, "events-poll-interval", SectionDatabase, DefaultEventsPoll, "when no connection can LISTEN, how often the feeds of open live streams are polled"},
	{KeyBetterAuthURL, "better-auth-url", SectionAuth, "", "Better Auth base URL: JWKS at /api/auth/jwks, expected iss and aud"},
	{KeyJWKSURL, "auth-jwks-url", SectionAuth, "", "JWKS URL, overriding the one derived from BETTER_AUTH_URL"},
	{KeyIssuer, "auth-issuer", SectionAuth, "", "expected iss, overriding the derived one"},
	{KeyAudience, "auth-audience", SectionAuth, "", "expected aud, overriding the derived one"},
	{KeySecret, "better-auth-secret", SectionAuth, "", "also accept HS256 tokens signed with this shared secret"},
	{KeyJWKSRefresh, "auth-jwks-refresh-interval", SectionAuth, DefaultJWKSRefresh, "how often the JWKS is fetched again"},
	{KeyDevKeyFile, "auth-dev-key-file", SectionAuth, DefaultDevKeyFile, "development issuer's signing key (development only)"},
	{KeyClockSkew, "auth-clock-skew", SectionAuth, DefaultClockSkew, "clock skew tolerated on token exp, nbf and iat (0: none)"},
	{KeyRateLimitUser, "rate-limit-per-user", SectionRateLimit, DefaultRateLimitPerUser, "requests a minute per user (0: no limit)"},
	{KeyRateLimitAddress, "rate-limit-per-address", SectionRateLimit, DefaultRateLimitPerAddress, "requests a minute per client address without a valid token (0: no limit)"},
	{KeyRateLimitRedis, "rate-limit-redis-url", SectionRateLimit, "", "redis://… to share the rate limits across replicas (default: per replica)"},
	{KeyTrustedProxies, "trusted-proxies", SectionRateLimit, "", "comma-separated CIDRs of proxies whose X-Forwarded-For or Forwarded names the client"},
	{KeyAdminAddr, "admin-addr", SectionTelemetry, DefaultAdminAddr, "address serving /metrics and /debug/pprof/ (empty: no admin listener)"},
	{KeyTrashRetention, "trash-retention", SectionRetention, DefaultTrashRetention, "how long a deleted task stays in the trash before it is removed for good"},
	{KeyChangeRetention, "change-retention", SectionRetention, DefaultChangeRetention, "how long the change feed keeps a change (at least)"},
	{KeyMaxTasks, "max-tasks-per-user", SectionTasks, DefaultMaxTasks, "tasks one user may keep, the trash not counted (0: no limit)"},
}

// SettingsOf returns the settings of the given sections, in Settings' order.
func SettingsOf(sections ...Section) []Setting {
	var out []Setting
	for _, s := range Settings {
		if slices.Contains(sections, s.Section) {
			out = append(out, s)
		}
	}
	return out
}

// envNames maps keys to the environment variables that set them, first wins.
var envNames = map[string][]string{
	KeyDatabaseURL: {"DATABASE_URL", "NEON_DB_URL"},
}

// BindFlags adds --config and a flag of the setting's type for each of
// settings to fs. The flags show the defaults; Load applies them whether or
// not a command offers the flag.
func BindFlags(fs *pflag.FlagSet, settings []Setting) {
	fs.String("config", "", "config file (YAML, TOML or JSON) with the same keys as the environment, lower-cased")
	for _, s := range settings {
		switch d := s.Default.(type) {
		case bool:
			fs.Bool(s.Flag, d, s.Usage)
		case int:
			fs.Int(s.Flag, d, s.Usage)
		case time.Duration:
			fs.Duration(s.Flag, d, s.Usage)
		case string:
			fs.String(s.Flag, d, s.Usage)
		default:
			panic(fmt.Sprintf("config: setting %s has a default of type %T", s.Key, d))
		}
	}
}

// defaultString is a default as viper reads it back with GetString.
func defaultString(d any) string {
	if d, ok := d.(time.Duration); ok {
		return d.String()
	}
	return fmt.Sprint(d)
}
