package config_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/spf13/pflag"

	"github.com/todoapi/todo/config"
	"github.com/todoapi/todo/core/task"
)

// clearEnv empties every variable the config reads, so the machine's own
// environment cannot leak into a test.
func clearEnv(t *testing.T) {
	t.Helper()
	for _, name := range []string{"PORT", "NEON_DB_URL", "CONFIG"} {
		t.Setenv(name, "")
		os.Unsetenv(name)
	}
	for _, s := range config.Settings {
		t.Setenv(strings.ToUpper(s.Key), "")
		os.Unsetenv(strings.ToUpper(s.Key))
	}
}

func MustLoad(t *testing.T, args ...string) config.Config {
	t.Helper()
	c, err := load(t, args...)
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	return c
}

func load(t *testing.T, args ...string) (config.Config, error) {
	t.Helper()
	fs := pflag.NewFlagSet("test", pflag.ContinueOnError)
	config.BindFlags(fs, config.Settings)
	if err := fs.Parse(args); err != nil {
		t.Fatalf("flags: %v", err)
	}
	v, err := config.New(fs)
	if err != nil {
		return config.Config{}, err
	}
	return config.Load(v)
}

func TestDefaults(t *testing.T) {
	clearEnv(t)
	c := MustLoad(t)
	if c.Env != config.Development || c.HTTP.Addr != ":8080" || c.Database.URL != "sqlite:data/todo.db" {
		t.Fatalf("defaults: %+v", c)
	}
	if !c.Database.AutoMigrate || c.HTTP.BodyLimit != 64<<10 || c.Auth.RefreshInterval != 15*time.Minute {
		t.Fatalf("defaults: %+v", c)
	}
	if len(c.HTTP.AllowedOrigins) != 1 || c.HTTP.AllowedOrigins[0] != "http://localhost:3000" {
		t.Fatalf("origins = %v", c.HTTP.AllowedOrigins)
	}
	if !c.Auth.DevIssuer {
		t.Fatal("development without a token source should run the development issuer")
	}
	if !c.HTTP.AllowLoopbackOrigins {
		t.Fatal("development should allow pages on localhost, 127.0.0.1 and [::1]")
	}
	if c.Database.ListenURL != "" || c.Database.EventsPoll != time.Second {
		t.Fatalf("listen URL %q, events poll %v; want none and 1s", c.Database.ListenURL, c.Database.EventsPoll)
	}
}

func TestEnvironment(t *testing.T) {
	clearEnv(t)
	t.Setenv("PORT", "9000")
	t.Setenv("NEON_DB_URL", "postgresql://u:p@ep-x.neon.tech/db?sslmode=require")
	t.Setenv("CORS_ALLOWED_ORIGINS", "https://a.example.com, https://b.example.com/")
	t.Setenv("DB_AUTO_MIGRATE", "false")
	t.Setenv("LOG_LEVEL", "debug")
	c := MustLoad(t)
	if c.HTTP.Addr != ":9000" {
		t.Errorf("PORT: addr = %q", c.HTTP.Addr)
	}
	if c.Database.URL != "postgresql://u:p@ep-x.neon.tech/db?sslmode=require" {
		t.Errorf("NEON_DB_URL: url = %q", c.Database.URL)
	}
	if got := strings.Join(c.HTTP.AllowedOrigins, " "); got != "https://a.example.com https://b.example.com" {
		t.Errorf("origins = %q", got)
	}
	if c.Database.AutoMigrate || c.LogLevel.String() != "DEBUG" {
		t.Errorf("auto-migrate %v, level %v", c.Database.AutoMigrate, c.LogLevel)
	}

	t.Setenv("HTTP_ADDR", "127.0.0.1:7000")
	t.Setenv("DATABASE_URL", "postgres://localhost/todo")
	c = MustLoad(t)
	if c.HTTP.Addr != "127.0.0.1:7000" || c.Database.URL != "postgres://localhost/todo" {
		t.Errorf("HTTP_ADDR over PORT and DATABASE_URL over NEON_DB_URL: %q %q", c.HTTP.Addr, c.Database.URL)
	}

	t.Setenv("DATABASE_LISTEN_URL", "postgres://direct.example.com/todo")
	t.Setenv("EVENTS_POLL_INTERVAL", "250ms")
	c = MustLoad(t)
	if c.Database.ListenURL != "postgres://direct.example.com/todo" || c.Database.EventsPoll != 250*time.Millisecond {
		t.Errorf("DATABASE_LISTEN_URL %q, EVENTS_POLL_INTERVAL %v", c.Database.ListenURL, c.Database.EventsPoll)
	}
}

func TestBetterAuthDerivation(t *testing.T) {
	clearEnv(t)
	t.Setenv("BETTER_AUTH_URL", "http://127.0.0.1:3900/")
	c := MustLoad(t)
	if c.Auth.JWKSURL != "http://127.0.0.1:3900/api/auth/jwks" || c.Auth.Issuer != "http://127.0.0.1:3900" || c.Auth.Audience != "http://127.0.0.1:3900" {
		t.Fatalf("derived: %+v", c.Auth)
	}
	if c.Auth.DevIssuer {
		t.Fatal("development issuer must not run when a JWKS is configured")
	}
	if c.Auth.SecretIssuer != "" || c.Auth.SecretAudience != "" {
		t.Fatalf("the issuer derived from BETTER_AUTH_URL binds HS256 tokens too: %+v", c.Auth)
	}
	t.Setenv("AUTH_JWKS_URL", "https://keys.example.com/jwks.json")
	t.Setenv("AUTH_ISSUER", "https://issuer.example.com")
	t.Setenv("AUTH_AUDIENCE", "todo-api")
	c = MustLoad(t)
	if c.Auth.JWKSURL != "https://keys.example.com/jwks.json" || c.Auth.Issuer != "https://issuer.example.com" || c.Auth.Audience != "todo-api" {
		t.Fatalf("overrides: %+v", c.Auth)
	}
	if c.Auth.SecretIssuer != "https://issuer.example.com" || c.Auth.SecretAudience != "todo-api" {
		t.Fatalf("explicit AUTH_ISSUER/AUTH_AUDIENCE must bind HS256 tokens too: %+v", c.Auth)
	}
}

func TestPrecedence(t *testing.T) {
	clearEnv(t)
	file := filepath.Join(t.TempDir(), "todo.yaml")
	os.WriteFile(file, []byte("http_addr: \":7001\"\nlog_level: warn\ncors_allowed_origins: https://file.example.com\n"), 0o600)
	c := MustLoad(t, "--config", file)
	if c.HTTP.Addr != ":7001" || c.LogLevel.String() != "WARN" || c.HTTP.AllowedOrigins[0] != "https://file.example.com" {
		t.Fatalf("config file: %+v", c)
	}
	t.Setenv("HTTP_ADDR", ":7002")
	if c = MustLoad(t, "--config", file); c.HTTP.Addr != ":7002" {
		t.Fatalf("env over file: addr = %q", c.HTTP.Addr)
	}
	if c = MustLoad(t, "--config", file, "--http-addr", ":7003"); c.HTTP.Addr != ":7003" {
		t.Fatalf("flag over env: addr = %q", c.HTTP.Addr)
	}
	if _, err := load(t, "--config", filepath.Join(t.TempDir(), "missing.yaml")); err == nil {
		t.Fatal("a missing config file was accepted")
	}
}

func TestValidation(t *testing.T) {
	tests := []struct {
		name, env, value, wantInError string
	}{
		{"ErrDatabaseScheme", "DATABASE_URL", "mysql://localhost/db", "DATABASE_URL"},
		{"ErrDatabaseUnparseable", "DATABASE_URL", "postgres://user:secret@[::1/db", "DATABASE_URL"},
		{"ErrDatabaseNoPath", "DATABASE_URL", "sqlite:", "DATABASE_URL"},
		{"ErrEnv", "APP_ENV", "staging", "APP_ENV"},
		{"ErrLogLevel", "LOG_LEVEL", "loud", "LOG_LEVEL"},
		{"ErrOriginWildcard", "CORS_ALLOWED_ORIGINS", "*", "CORS_ALLOWED_ORIGINS"},
		{"ErrOriginPath", "CORS_ALLOWED_ORIGINS", "https://a.example.com/app", "CORS_ALLOWED_ORIGINS"},
		{"ErrAutoMigrate", "DB_AUTO_MIGRATE", "maybe", "DB_AUTO_MIGRATE"},
		{"ErrConnectRetry", "DB_CONNECT_RETRY", "-1s", "DB_CONNECT_RETRY"},
		{"ErrConnMaxIdleTime", "DB_CONN_MAX_IDLE_TIME", "0", "DB_CONN_MAX_IDLE_TIME"},
		{"ErrIdempotencyTTL", "IDEMPOTENCY_TTL", "0", "IDEMPOTENCY_TTL"},
		{"ErrIdempotencyTTLUnit", "IDEMPOTENCY_TTL", "24", "IDEMPOTENCY_TTL"},
		{"ErrPgBouncerFlag", "DATABASE_URL", "postgres://u:secret@db/todo?pgbouncer=maybe", "pgbouncer"},
		{"ErrMigrateURLScheme", "DATABASE_MIGRATE_URL", "mysql://u:secret@localhost/db", "DATABASE_MIGRATE_URL"},
		{"ErrMigrateURLBesideSQLite", "DATABASE_MIGRATE_URL", "postgres://owner:secret@db/todo", "DATABASE_MIGRATE_URL: SQLite has no roles"},
		{"ErrListenURLScheme", "DATABASE_LISTEN_URL", "mysql://u:secret@localhost/db", "DATABASE_LISTEN_URL"},
		{"ErrListenURLBesideSQLite", "DATABASE_LISTEN_URL", "postgres://u:secret@db/todo", "DATABASE_LISTEN_URL: SQLite needs no listening connection"},
		{"ErrEventsPoll", "EVENTS_POLL_INTERVAL", "0", "EVENTS_POLL_INTERVAL"},
		{"ErrAppRoleTooLong", "DB_APP_ROLE", strings.Repeat("r", 64), "DB_APP_ROLE"},
		{"ErrBetterAuthURL", "BETTER_AUTH_URL", "localhost:3000", "BETTER_AUTH_URL"},
		{"ErrDuration", "AUTH_JWKS_REFRESH_INTERVAL", "soon", "AUTH_JWKS_REFRESH_INTERVAL"},
		{"ErrBodyLimit", "HTTP_BODY_LIMIT", "64k", "HTTP_BODY_LIMIT"},
		{"ErrProductionWithoutTokenSource", "APP_ENV", "production", "needs a token source"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clearEnv(t)
			t.Setenv(tt.env, tt.value)
			_, err := load(t)
			if err == nil || !strings.Contains(err.Error(), tt.wantInError) {
				t.Fatalf("err = %v, want one naming %s", err, tt.wantInError)
			}
			if strings.Contains(err.Error(), "secret@") {
				t.Fatalf("the error shows a password: %v", err)
			}
		})
	}
}

func TestProductionWithTokenSource(t *testing.T) {
	clearEnv(t)
	t.Setenv("APP_ENV", "production")
	t.Setenv("BETTER_AUTH_SECRET", "a-shared-secret-of-enough-length-123")
	c := MustLoad(t)
	if !c.IsProduction() || c.Auth.DevIssuer || c.HTTP.AllowLoopbackOrigins || !strings.Contains(c.String(), "secret=(set)") || strings.Contains(c.String(), "a-shared-secret") {
		t.Fatalf("production config: %s", c)
	}
}

// The database pool and start-up settings, with the defaults a pooler or a
// sleeping serverless database needs.
func TestDatabaseSettings(t *testing.T) {
	clearEnv(t)
	c := MustLoad(t)
	d := c.Database
	if d.ConnectRetry != 30*time.Second || d.ConnMaxIdleTime != 4*time.Minute || d.ConnMaxLifetime != 30*time.Minute || d.MaxConns != 0 {
		t.Fatalf("defaults: %+v", d)
	}
	t.Setenv("DB_CONNECT_RETRY", "0")
	t.Setenv("DB_MAX_CONNS", "8")
	t.Setenv("DB_MAX_IDLE_CONNS", "2")
	t.Setenv("DB_CONN_MAX_LIFETIME", "10m")
	t.Setenv("DB_CONN_MAX_IDLE_TIME", "1m")
	t.Setenv("DATABASE_URL", "postgres://u@ep-x-pooler.neon.tech/db?sslmode=require&pgbouncer=true")
	d = MustLoad(t, "--db-connect-retry", "45s").Database
	if d.ConnectRetry != 45*time.Second || d.MaxConns != 8 || d.MaxIdleConns != 2 || d.ConnMaxLifetime != 10*time.Minute ||
		d.ConnMaxIdleTime != time.Minute || d.URL != "postgres://u@ep-x-pooler.neon.tech/db?sslmode=require&pgbouncer=true" {
		t.Fatalf("set: %+v", d)
	}
	if d = MustLoad(t).Database; d.ConnectRetry != 0 {
		t.Fatalf("DB_CONNECT_RETRY=0: %v, want 0 (one attempt)", d.ConnectRetry)
	}
}

func TestIdempotencyTTL(t *testing.T) {
	clearEnv(t)
	if got := MustLoad(t).Database.IdempotencyTTL; got != 24*time.Hour {
		t.Fatalf("default IDEMPOTENCY_TTL = %v, want 24h", got)
	}
	t.Setenv("IDEMPOTENCY_TTL", "90m")
	if got := MustLoad(t).Database.IdempotencyTTL; got != 90*time.Minute {
		t.Fatalf("IDEMPOTENCY_TTL=90m: %v", got)
	}
	if got := MustLoad(t, "--idempotency-ttl", "48h").Database.IdempotencyTTL; got != 48*time.Hour {
		t.Fatalf("--idempotency-ttl 48h: %v", got)
	}
}

// Flags have the type of their setting, so help says what a value looks
// like and a malformed one is refused while the command line is read.
func TestFlagTypes(t *testing.T) {
	clearEnv(t)
	fs := pflag.NewFlagSet("test", pflag.ContinueOnError)
	config.BindFlags(fs, config.Settings)
	for flag, want := range map[string]string{
		"db-auto-migrate": "bool", "db-max-conns": "int", "http-body-limit": "int",
		"db-connect-retry": "duration", "shutdown-timeout": "duration", "database-url": "string",
		"auth-clock-skew": "duration", "rate-limit-per-user": "int", "rate-limit-per-address": "int",
		"trusted-proxies": "string",
	} {
		if got := fs.Lookup(flag).Value.Type(); got != want {
			t.Errorf("--%s is a %s, want %s", flag, got, want)
		}
	}
	c := MustLoad(t, "--db-auto-migrate=false", "--db-max-conns", "8", "--shutdown-timeout", "2s", "--db-connect-retry", "0")
	if c.Database.AutoMigrate || c.Database.MaxConns != 8 || c.HTTP.ShutdownTimeout != 2*time.Second || c.Database.ConnectRetry != 0 {
		t.Fatalf("typed flags: %+v", c)
	}
	if err := fs.Parse([]string{"--http-body-limit", "64k"}); err == nil {
		t.Fatal("--http-body-limit 64k was accepted")
	}
}

// A command offers the flags of its sections only, yet the settings of the
// others still get their defaults.
func TestSettingsOf(t *testing.T) {
	clearEnv(t)
	fs := pflag.NewFlagSet("test", pflag.ContinueOnError)
	config.BindFlags(fs, config.SettingsOf(config.SectionGeneral, config.SectionAuth))
	if fs.Lookup("cors-allowed-origins") != nil || fs.Lookup("database-url") != nil || fs.Lookup("auth-dev-key-file") == nil {
		t.Fatal("flags of other sections were bound, or the auth ones were not")
	}
	v, err := config.New(fs)
	if err != nil {
		t.Fatal(err)
	}
	c, err := config.Load(v)
	if err != nil || c.Database.URL != config.DefaultDatabaseURL || c.HTTP.BodyLimit != config.DefaultBodyLimit {
		t.Fatalf("defaults without their flags: %+v, %v", c, err)
	}
}

// A shared secret is a real token source: the development issuer stops.
func TestSecretStopsDevelopmentIssuer(t *testing.T) {
	clearEnv(t)
	t.Setenv("BETTER_AUTH_SECRET", "a-shared-secret-of-enough-length-123")
	if c := MustLoad(t); c.Auth.DevIssuer {
		t.Fatal("the development issuer runs beside a shared secret")
	}
}

// An empty variable, as docker-compose.yml passes for one the shell does
// not set, means the default: the file need not repeat the defaults.
func TestEmptyVariableTakesDefault(t *testing.T) {
	clearEnv(t)
	t.Setenv("CORS_ALLOWED_ORIGINS", "")
	t.Setenv("APP_ENV", "")
	t.Setenv("LOG_LEVEL", "")
	c := MustLoad(t)
	if c.Env != config.DefaultEnv || c.LogLevel.String() != "INFO" || strings.Join(c.HTTP.AllowedOrigins, ",") != config.DefaultOrigins {
		t.Fatalf("empty variables: %+v", c)
	}
}

func TestClockSkew(t *testing.T) {
	clearEnv(t)
	if got := MustLoad(t).Auth.ClockSkew; got != config.DefaultClockSkew {
		t.Errorf("default AUTH_CLOCK_SKEW = %v, want %v", got, config.DefaultClockSkew)
	}
	t.Setenv("AUTH_CLOCK_SKEW", "0")
	if got := MustLoad(t).Auth.ClockSkew; got != 0 {
		t.Errorf("AUTH_CLOCK_SKEW=0: %v", got)
	}
	if got := MustLoad(t, "--auth-clock-skew", "2m").Auth.ClockSkew; got != 2*time.Minute {
		t.Errorf("--auth-clock-skew 2m: %v", got)
	}
	for _, bad := range []string{"-1s", "30"} {
		t.Setenv("AUTH_CLOCK_SKEW", bad)
		if _, err := load(t); err == nil || !strings.Contains(err.Error(), "AUTH_CLOCK_SKEW") {
			t.Errorf("AUTH_CLOCK_SKEW=%s: err = %v", bad, err)
		}
	}
}

// SHUTDOWN_DRAIN defaults to 5s in production, where a load balancer
// needs time to stop sending, and to 0 in development; either can be set.
func TestShutdownDrain(t *testing.T) {
	tests := []struct {
		name, env, drain string
		want             time.Duration
	}{
		{"DevelopmentDefault", "development", "", 0},
		{"ProductionDefault", "production", "", config.DefaultShutdownDrain},
		{"ProductionOff", "production", "0", 0},
		{"ProductionSet", "production", "20s", 20 * time.Second},
		{"DevelopmentSet", "development", "1500ms", 1500 * time.Millisecond},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clearEnv(t)
			t.Setenv("APP_ENV", tt.env)
			t.Setenv("BETTER_AUTH_SECRET", "a-shared-secret-of-enough-length-123")
			t.Setenv("SHUTDOWN_DRAIN", tt.drain)
			if got := MustLoad(t).HTTP.ShutdownDrain; got != tt.want {
				t.Errorf("SHUTDOWN_DRAIN=%q in %s: %v, want %v", tt.drain, tt.env, got, tt.want)
			}
		})
	}
	t.Run("Flag", func(t *testing.T) {
		clearEnv(t)
		t.Setenv("APP_ENV", "production")
		t.Setenv("BETTER_AUTH_SECRET", "a-shared-secret-of-enough-length-123")
		if got := MustLoad(t, "--shutdown-drain", "0s").HTTP.ShutdownDrain; got != 0 {
			t.Errorf("--shutdown-drain 0s in production: %v", got)
		}
	})
	for _, bad := range []string{"-1s", "5", "soon"} {
		t.Run("Err"+bad, func(t *testing.T) {
			clearEnv(t)
			t.Setenv("SHUTDOWN_DRAIN", bad)
			if _, err := load(t); err == nil || !strings.Contains(err.Error(), "SHUTDOWN_DRAIN") {
				t.Errorf("SHUTDOWN_DRAIN=%s: err = %v", bad, err)
			}
		})
	}
}

func TestRateLimitSettings(t *testing.T) {
	clearEnv(t)
	r := MustLoad(t).RateLimit
	if r.PerUser != config.DefaultRateLimitPerUser || r.PerAddress != config.DefaultRateLimitPerAddress || r.RedisURL != "" || len(r.TrustedProxies) != 0 {
		t.Fatalf("defaults: %+v", r)
	}
	t.Setenv("RATE_LIMIT_PER_USER", "0")
	t.Setenv("RATE_LIMIT_REDIS_URL", "redis://:pw@redis.internal:6379/2")
	t.Setenv("TRUSTED_PROXIES", "10.0.0.0/8, 192.168.1.7,fd00::/8")
	r = MustLoad(t, "--rate-limit-per-address", "60").RateLimit
	want := []string{"10.0.0.0/8", "192.168.1.7/32", "fd00::/8"}
	if r.PerUser != 0 || r.PerAddress != 60 || r.RedisURL != "redis://:pw@redis.internal:6379/2" || len(r.TrustedProxies) != len(want) {
		t.Fatalf("set: %+v", r)
	}
	for i, p := range r.TrustedProxies {
		if p.String() != want[i] {
			t.Errorf("TRUSTED_PROXIES[%d] = %s, want %s", i, p, want[i])
		}
	}
	for _, tc := range []struct{ env, value string }{
		{"RATE_LIMIT_PER_USER", "-1"},
		{"RATE_LIMIT_PER_ADDRESS", "lots"},
		{"RATE_LIMIT_REDIS_URL", "http://:secret@redis.internal"},
		{"TRUSTED_PROXIES", "10.0.0.0/33"},
		{"TRUSTED_PROXIES", "proxy.internal"},
	} {
		clearEnv(t)
		t.Setenv(tc.env, tc.value)
		_, err := load(t)
		if err == nil || !strings.Contains(err.Error(), tc.env) || strings.Contains(err.Error(), "secret") {
			t.Errorf("%s=%s: err = %v", tc.env, tc.value, err)
		}
	}
}

// Who migrates: DATABASE_MIGRATE_URL defaults to DATABASE_URL, and names
// another role on the same PostgreSQL database when set; SQLite, with no
// roles, takes none. DB_APP_ROLE is read as it is, surrounding space
// trimmed.
func TestMigrationSettings(t *testing.T) {
	clearEnv(t)
	if d := MustLoad(t).Database; d.MigrateURL != config.DefaultDatabaseURL || d.ForMigrations().URL != d.URL || d.AppRole != "" {
		t.Fatalf("defaults: migrate over %q, app role %q; want DATABASE_URL's and none", d.MigrateURL, d.AppRole)
	}
	const app, owner = "postgres://todo_app:a@db/todo", "postgres://todo_owner:o@db/todo"
	t.Setenv("DATABASE_URL", app)
	t.Setenv("DB_APP_ROLE", " todo_app ")
	d := MustLoad(t).Database
	if d.MigrateURL != app || d.AppRole != "todo_app" {
		t.Fatalf("DATABASE_MIGRATE_URL unset: %q, app role %q; want DATABASE_URL's, todo_app", d.MigrateURL, d.AppRole)
	}
	t.Setenv("DATABASE_MIGRATE_URL", owner)
	d = MustLoad(t).Database
	if m := d.ForMigrations(); d.URL != app || m.URL != owner || m.AppRole != "todo_app" || m.MaxConns != d.MaxConns {
		t.Fatalf("two roles: serve over %q, migrate over %q with role %q", d.URL, m.URL, m.AppRole)
	}
	t.Setenv("DATABASE_MIGRATE_URL", "sqlite:data/todo.db")
	if _, err := load(t); err == nil || !strings.Contains(err.Error(), "DATABASE_MIGRATE_URL: names a sqlite database and DATABASE_URL a postgres one") {
		t.Fatalf("a migrate URL of another dialect: %v; want it refused", err)
	}
	t.Setenv("DATABASE_URL", "sqlite:data/todo.db")
	t.Setenv("DATABASE_MIGRATE_URL", "sqlite:data/todo.db")
	if d := MustLoad(t).Database; d.MigrateURL != d.URL {
		t.Fatalf("the same SQLite URL twice: %q", d.MigrateURL)
	}
}

func TestRetentionSettings(t *testing.T) {
	clearEnv(t)
	if r := MustLoad(t).Retention; r.Trash != 720*time.Hour || r.Changes != 720*time.Hour {
		t.Fatalf("defaults: %+v", r)
	}
	t.Setenv("TRASH_RETENTION", "36h")
	if r := MustLoad(t, "--change-retention", "90m").Retention; r.Trash != 36*time.Hour || r.Changes != 90*time.Minute {
		t.Fatalf("set: %+v", r)
	}
	for _, tc := range []struct{ env, value string }{{"TRASH_RETENTION", "0"}, {"CHANGE_RETENTION", "30 days"}, {"CHANGE_RETENTION", "-1h"}} {
		clearEnv(t)
		t.Setenv(tc.env, tc.value)
		if _, err := load(t); err == nil || !strings.Contains(err.Error(), tc.env) {
			t.Errorf("%s=%s: err = %v", tc.env, tc.value, err)
		}
	}
}

// MAX_TASKS_PER_USER: the core's default, 0 for no limit, and a negative
// number or anything but a whole number refused at start, naming it.
func TestMaxTasksSetting(t *testing.T) {
	clearEnv(t)
	if got := MustLoad(t).Tasks.MaxPerUser; got != task.DefaultMaxTasks || config.DefaultMaxTasks != task.DefaultMaxTasks {
		t.Fatalf("default: %d (config's %d), want the core's %d", got, config.DefaultMaxTasks, task.DefaultMaxTasks)
	}
	t.Setenv("MAX_TASKS_PER_USER", "0")
	if got := MustLoad(t).Tasks.MaxPerUser; got != 0 {
		t.Fatalf("MAX_TASKS_PER_USER=0: %d, want 0 (no limit)", got)
	}
	if got := MustLoad(t, "--max-tasks-per-user", "250").Tasks.MaxPerUser; got != 250 {
		t.Fatalf("--max-tasks-per-user 250: %d", got)
	}
	for _, value := range []string{"-1", "ten", "1.5"} {
		t.Setenv("MAX_TASKS_PER_USER", value)
		if _, err := load(t); err == nil || !strings.Contains(err.Error(), "MAX_TASKS_PER_USER") {
			t.Errorf("MAX_TASKS_PER_USER=%s: err = %v, want it refused", value, err)
		}
	}
}
