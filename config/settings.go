package config

import "github.com/spf13/pflag"

// Keys are the environment variable names, lower-cased: viper matches the
// key "database_url" to DATABASE_URL, to a "database_url:" line in a config
// file, and to the flag bound to it.
const (
	KeyConfigFile      = "config"
	KeyHTTPAddr        = "http_addr"
	KeyPort            = "port"
	KeyDatabaseURL     = "database_url"
	KeyAutoMigrate     = "db_auto_migrate"
	KeyMaxConns        = "db_max_conns"
	KeyMaxIdleConns    = "db_max_idle_conns"
	KeyConnMaxLifetime = "db_conn_max_lifetime"
	KeyConnMaxIdleTime = "db_conn_max_idle_time"
	KeyConnectRetry    = "db_connect_retry"
	KeyBetterAuthURL   = "better_auth_url"
	KeyJWKSURL         = "auth_jwks_url"
	KeyIssuer          = "auth_issuer"
	KeyAudience        = "auth_audience"
	KeySecret          = "better_auth_secret"
	KeyJWKSRefresh     = "auth_jwks_refresh_interval"
	KeyDevKeyFile      = "auth_dev_key_file"
	KeyCORSOrigins     = "cors_allowed_origins"
	KeyBodyLimit       = "http_body_limit"
	KeyShutdownTimeout = "shutdown_timeout"
	KeyEnv             = "app_env"
	KeyLogLevel        = "log_level"
	KeyClockSkew       = "auth_clock_skew"
	// Rate limits (adapters/ratelimit).
	KeyRateLimitUser    = "rate_limit_per_user"
	KeyRateLimitAddress = "rate_limit_per_address"
	KeyRateLimitRedis   = "rate_limit_redis_url"
	KeyTrustedProxies   = "trusted_proxies"
)

// Defaults, as the contract states them.
const (
	DefaultDatabaseURL = "sqlite:data/todo.db"
	DefaultHTTPAddr    = ":8080"
	DefaultOrigins     = "http://localhost:3000"
	DefaultDevKeyFile  = "data/dev-signing-key.json"
)

// Setting describes one setting for flags and help text.
type Setting struct {
	Key, Flag, Default, Usage string
}

// Settings lists every setting the service reads, in the order help shows.
var Settings = []Setting{
	{KeyHTTPAddr, "http-addr", "", "listen address (default :8080, or :$PORT when PORT is set)"},
	{KeyDatabaseURL, "database-url", DefaultDatabaseURL, "postgres://…, postgresql://… or sqlite:PATH (alias NEON_DB_URL)"},
	{KeyAutoMigrate, "db-auto-migrate", "true", "apply pending migrations when serve starts"},
	{KeyMaxConns, "db-max-conns", "0", "most open database connections (0: the store's default)"},
	{KeyMaxIdleConns, "db-max-idle-conns", "0", "most idle database connections (0: the store's default)"},
	{KeyConnMaxLifetime, "db-conn-max-lifetime", "30m", "close database connections older than this"},
	{KeyConnMaxIdleTime, "db-conn-max-idle-time", "4m", "close database connections idle this long"},
	{KeyConnectRetry, "db-connect-retry", "30s", "how long to retry reaching the database at start (0: try once)"},
	{KeyBetterAuthURL, "better-auth-url", "", "Better Auth base URL: JWKS at /api/auth/jwks, expected iss and aud"},
	{KeyJWKSURL, "auth-jwks-url", "", "JWKS URL, overriding the one derived from BETTER_AUTH_URL"},
	{KeyIssuer, "auth-issuer", "", "expected iss, overriding the derived one"},
	{KeyAudience, "auth-audience", "", "expected aud, overriding the derived one"},
	{KeySecret, "better-auth-secret", "", "also accept HS256 tokens signed with this shared secret"},
	{KeyJWKSRefresh, "auth-jwks-refresh-interval", "15m", "how often the JWKS is fetched again"},
	{KeyDevKeyFile, "auth-dev-key-file", DefaultDevKeyFile, "development issuer's signing key (development only)"},
	{KeyCORSOrigins, "cors-allowed-origins", DefaultOrigins, "comma-separated origins allowed to call from a browser"},
	{KeyBodyLimit, "http-body-limit", "65536", "largest request body in bytes"},
	{KeyShutdownTimeout, "shutdown-timeout", "15s", "how long in-flight requests may finish on shutdown"},
	{KeyEnv, "app-env", Development, "development or production"},
	{KeyLogLevel, "log-level", "info", "debug, info, warn or error"},
	{KeyClockSkew, "auth-clock-skew", "30s", "clock skew tolerated on token exp, nbf and iat (0: none)"},
	{KeyRateLimitUser, "rate-limit-per-user", "1200", "requests a minute per user (0: no limit)"},
	{KeyRateLimitAddress, "rate-limit-per-address", "300", "requests a minute per client address without a valid token (0: no limit)"},
	{KeyRateLimitRedis, "rate-limit-redis-url", "", "redis://… to share the rate limits across replicas (default: per replica)"},
	{KeyTrustedProxies, "trusted-proxies", "", "comma-separated CIDRs of proxies whose X-Forwarded-For or Forwarded names the client"},
}

// envNames maps keys to the environment variables that set them, first wins.
var envNames = map[string][]string{
	KeyDatabaseURL: {"DATABASE_URL", "NEON_DB_URL"},
}

// BindFlags adds a flag for every setting (plus --config) to fs.
func BindFlags(fs *pflag.FlagSet) {
	fs.String("config", "", "config file (YAML, TOML or JSON) with the same keys as the environment, lower-cased")
	for _, s := range Settings {
		fs.String(s.Flag, s.Default, s.Usage)
	}
}
