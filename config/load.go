package config

import (
	"errors"
	"fmt"
	"net/netip"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/pflag"
	"github.com/spf13/viper"
)

// New returns a viper that reads the environment and the flags in fs.
func New(fs *pflag.FlagSet) (*viper.Viper, error) {
	v := viper.New()
	v.AutomaticEnv()
	for key, names := range envNames {
		if err := v.BindEnv(append([]string{key}, names...)...); err != nil {
			return nil, err
		}
	}
	_ = v.BindEnv(KeyPort, "PORT")
	if fs != nil {
		if f := fs.Lookup("config"); f != nil {
			_ = v.BindPFlag(KeyConfigFile, f)
		}
		for _, s := range Settings {
			if f := fs.Lookup(s.Flag); f != nil {
				if err := v.BindPFlag(s.Key, f); err != nil {
					return nil, err
				}
			}
		}
	}
	for _, s := range Settings {
		if d := defaultString(s.Default); d != "" {
			v.SetDefault(s.Key, d)
		}
	}
	emptyTurnsOff(v, fs)
	if file := v.GetString(KeyConfigFile); file != "" {
		v.SetConfigFile(file)
		if err := v.ReadInConfig(); err != nil {
			return nil, fmt.Errorf("config file %s: %w", file, err)
		}
	}
	return v, nil
}

// Load reads and validates the configuration. Its error names every setting
// that is wrong, in one message.
func Load(v *viper.Viper) (Config, error) {
	var errs []error
	bad := func(key string, format string, args ...any) {
		errs = append(errs, fmt.Errorf("%s: %s", strings.ToUpper(key), fmt.Sprintf(format, args...)))
	}
	c := Config{
		Env: strings.ToLower(strings.TrimSpace(v.GetString(KeyEnv))),
		HTTP: HTTP{
			Addr:           httpAddr(v),
			AllowedOrigins: splitList(v.GetString(KeyCORSOrigins)),
		},
		Database: Database{URL: strings.TrimSpace(v.GetString(KeyDatabaseURL))},
		Auth: Auth{
			Secret:     v.GetString(KeySecret),
			DevKeyFile: v.GetString(KeyDevKeyFile),
		},
	}
	if c.Env != Development && c.Env != Production {
		bad(KeyEnv, "%q is neither %q nor %q", c.Env, Development, Production)
	}
	if err := c.LogLevel.UnmarshalText([]byte(v.GetString(KeyLogLevel))); err != nil {
		bad(KeyLogLevel, "%q is not one of debug, info, warn, error", v.GetString(KeyLogLevel))
	}
	c.Database.AutoMigrate = parseBool(v, KeyAutoMigrate, bad)
	c.Database.MaxConns = parseInt(v, KeyMaxConns, 0, bad)
	c.Database.MaxIdleConns = parseInt(v, KeyMaxIdleConns, 0, bad)
	c.Database.ConnMaxLifetime = parseDuration(v, KeyConnMaxLifetime, bad)
	c.Database.ConnMaxIdleTime = parseDuration(v, KeyConnMaxIdleTime, bad)
	c.Database.ConnectRetry = parseDurationMin(v, KeyConnectRetry, 0, bad)
	c.Database.IdempotencyTTL = parseDuration(v, KeyIdempotencyTTL, bad)
	c.Auth.RefreshInterval = parseDuration(v, KeyJWKSRefresh, bad)
	c.Auth.ClockSkew = parseDurationMin(v, KeyClockSkew, 0, bad)
	c.HTTP.ShutdownTimeout = parseDuration(v, KeyShutdownTimeout, bad)
	c.HTTP.ShutdownDrain = shutdownDrain(v, c.IsProduction(), bad)
	c.HTTP.BodyLimit = int64(parseInt(v, KeyBodyLimit, 1, bad))
	loadMigrations(v, &c.Database, bad)
	c.Retention.Trash = parseDuration(v, KeyTrashRetention, bad)
	c.Retention.Changes = parseDuration(v, KeyChangeRetention, bad)
	c.Tasks.MaxPerUser = parseInt(v, KeyMaxTasks, 0, bad)
	for _, o := range c.HTTP.AllowedOrigins {
		if err := checkOrigin(o); err != nil {
			bad(KeyCORSOrigins, "%v", err)
		}
	}
	deriveAuth(v, &c.Auth, bad)
	c.Auth.DevIssuer = !c.IsProduction() && !c.Auth.HasTokenSource()
	c.HTTP.AllowLoopbackOrigins = !c.IsProduction()
	loadRateLimit(v, &c.RateLimit, bad)
	loadTelemetry(v, os.Getenv, &c, bad)
	if c.IsProduction() && !c.Auth.HasTokenSource() {
		errs = append(errs, errors.New("APP_ENV=production needs a token source: set BETTER_AUTH_URL, AUTH_JWKS_URL or BETTER_AUTH_SECRET"))
	}
	return c, errors.Join(errs...)
}

// deriveAuth fills the JWKS URL, issuer and audience from BETTER_AUTH_URL,
// letting the explicit settings override each.
func deriveAuth(v *viper.Viper, a *Auth, bad func(string, string, ...any)) {
	base := strings.TrimRight(strings.TrimSpace(v.GetString(KeyBetterAuthURL)), "/")
	if base != "" {
		if err := checkHTTPURL(base); err != nil {
			bad(KeyBetterAuthURL, "%v", err)
		}
		a.JWKSURL, a.Issuer, a.Audience = base+"/api/auth/jwks", base, base
	}
	if s := strings.TrimSpace(v.GetString(KeyJWKSURL)); s != "" {
		if err := checkHTTPURL(s); err != nil {
			bad(KeyJWKSURL, "%v", err)
		}
		a.JWKSURL = s
	}
	if s := strings.TrimSpace(v.GetString(KeyIssuer)); s != "" {
		a.Issuer, a.SecretIssuer = s, s
	}
	if s := strings.TrimSpace(v.GetString(KeyAudience)); s != "" {
		a.Audience, a.SecretAudience = s, s
	}
}

// loadMigrations reads who migrates: DATABASE_MIGRATE_URL, which defaults
// to DATABASE_URL and must name a database of the same dialect, and
// DB_APP_ROLE, a PostgreSQL role name (at most 63 bytes: PostgreSQL would
// cut a longer one short, and grant a name nobody chose).
func loadMigrations(v *viper.Viper, d *Database, bad func(string, string, ...any)) {
	dialect, _, err := ParseDatabaseURL(d.URL)
	if err != nil {
		bad(KeyDatabaseURL, "%v", err)
	}
	d.MigrateURL = strings.TrimSpace(v.GetString(KeyMigrateURL))
	switch mdialect, _, merr := ParseDatabaseURL(d.MigrateURL); {
	case d.MigrateURL == "" || d.MigrateURL == d.URL:
		d.MigrateURL = d.URL
	case merr != nil:
		bad(KeyMigrateURL, "%v", merr)
	case err == nil && dialect == DialectSQLite:
		bad(KeyMigrateURL, "SQLite has no roles: migrations run over DATABASE_URL; leave it unset")
	case err == nil && mdialect != dialect:
		bad(KeyMigrateURL, "names a %s database and DATABASE_URL a %s one: both must name the same database", mdialect, dialect)
	}
	d.ListenURL = strings.TrimSpace(v.GetString(KeyListenURL))
	switch ldialect, _, lerr := ParseDatabaseURL(d.ListenURL); {
	case d.ListenURL == "":
	case lerr != nil:
		bad(KeyListenURL, "%v", lerr)
	case err == nil && dialect == DialectSQLite:
		bad(KeyListenURL, "SQLite needs no listening connection: changes reach live streams within the process; leave it unset")
	case ldialect != DialectPostgres:
		bad(KeyListenURL, "names a %s database: want a postgres:// URL", ldialect)
	}
	d.EventsPoll = parseDuration(v, KeyEventsPoll, bad)
	d.AppRole = strings.TrimSpace(v.GetString(KeyAppRole))
	if len(d.AppRole) > 63 {
		bad(KeyAppRole, "%q is longer than PostgreSQL's 63 bytes for a role name", d.AppRole)
	}
}

func loadRateLimit(v *viper.Viper, r *RateLimit, bad func(string, string, ...any)) {
	r.PerUser = parseInt(v, KeyRateLimitUser, 0, bad)
	r.PerAddress = parseInt(v, KeyRateLimitAddress, 0, bad)
	r.RedisURL = strings.TrimSpace(v.GetString(KeyRateLimitRedis))
	if u, err := url.Parse(r.RedisURL); r.RedisURL != "" && (err != nil || (u.Scheme != "redis" && u.Scheme != "rediss" && u.Scheme != "unix")) {
		bad(KeyRateLimitRedis, "%s is not a redis://, rediss:// or unix:// URL", RedactURL(r.RedisURL))
	}
	for _, s := range splitList(v.GetString(KeyTrustedProxies)) {
		p, err := netip.ParsePrefix(s)
		if a, aerr := netip.ParseAddr(s); err != nil && aerr == nil {
			p, err = a.Prefix(a.BitLen()) // a single address
		}
		if err != nil {
			bad(KeyTrustedProxies, "%q is not a CIDR such as 10.0.0.0/8 or an IP address", s)
			continue
		}
		r.TrustedProxies = append(r.TrustedProxies, p.Masked())
	}
}

// shutdownDrain reads SHUTDOWN_DRAIN, whose default depends on APP_ENV.
func shutdownDrain(v *viper.Viper, production bool, bad func(string, string, ...any)) time.Duration {
	if strings.TrimSpace(v.GetString(KeyShutdownDrain)) != "" {
		return parseDurationMin(v, KeyShutdownDrain, 0, bad)
	}
	if production {
		return DefaultShutdownDrain
	}
	return 0
}

func httpAddr(v *viper.Viper) string {
	if addr := strings.TrimSpace(v.GetString(KeyHTTPAddr)); addr != "" {
		return addr
	}
	if port := strings.TrimSpace(v.GetString(KeyPort)); port != "" {
		return ":" + port
	}
	return DefaultHTTPAddr
}

// RedactURL hides the password in a database URL, for messages and logs.
func RedactURL(s string) string {
	u, err := url.Parse(s)
	if err != nil || u.User == nil {
		if i := strings.Index(s, "@"); err != nil && i > 0 {
			return "…" + s[i:]
		}
		return s
	}
	return u.Redacted()
}

func checkHTTPURL(s string) error {
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("%q is not an absolute http(s) URL", s)
	}
	return nil
}

func checkOrigin(o string) error {
	u, err := url.Parse(o)
	if o == "*" || err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || (u.Path != "" && u.Path != "/") || u.RawQuery != "" {
		return fmt.Errorf("%q is not an origin such as https://app.example.com (a wildcard is not allowed)", o)
	}
	return nil
}

func splitList(s string) []string {
	var out []string
	for _, part := range strings.Split(s, ",") {
		if part = strings.TrimRight(strings.TrimSpace(part), "/"); part != "" {
			out = append(out, part)
		}
	}
	return out
}

func parseBool(v *viper.Viper, key string, bad func(string, string, ...any)) bool {
	switch strings.ToLower(strings.TrimSpace(v.GetString(key))) {
	case "1", "t", "true", "yes", "on":
		return true
	case "0", "f", "false", "no", "off":
		return false
	}
	bad(key, "%q is not true or false", v.GetString(key))
	return false
}

func parseInt(v *viper.Viper, key string, min int, bad func(string, string, ...any)) int {
	n, err := strconv.Atoi(strings.TrimSpace(v.GetString(key)))
	if err != nil || n < min {
		bad(key, "%q is not a whole number of at least %d", v.GetString(key), min)
	}
	return n
}

func parseDuration(v *viper.Viper, key string, bad func(string, string, ...any)) time.Duration {
	return parseDurationMin(v, key, 1, bad)
}

// parseDurationMin reads a duration of at least min; with min 0, "0" is
// accepted too.
func parseDurationMin(v *viper.Viper, key string, min time.Duration, bad func(string, string, ...any)) time.Duration {
	d, err := time.ParseDuration(strings.TrimSpace(v.GetString(key)))
	if err != nil || d < min {
		kind := "a positive duration such as 30s or 15m"
		if min == 0 {
			kind = "a duration such as 0, 30s or 2m"
		}
		bad(key, "%q is not %s", v.GetString(key), kind)
	}
	return d
}
