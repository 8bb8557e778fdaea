package sqlstore

import (
	"database/sql"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
)

// openPostgres opens a pool of pgx connections through database/sql.
//
// pgx won over Bun's pgdriver (BenchmarkDriver): pgdriver always writes the
// values into the SQL text and sends it with the simple protocol, so
// PostgreSQL parses and plans every call, while pgx prepares each of the
// repository's constant statements once per connection and then only binds
// parameters, nearly doubling throughput on a direct connection. pgx also
// bounds the whole connection setup by connect_timeout (pgdriver only the
// dial) and understands libpq parameters such as channel_binding, which
// pgdriver would forward to the server as unknown settings.
//
// pgx's default statement mode, cache_statement (named prepared
// statements), suits a direct connection. Through a transaction-mode pooler
// without prepared-statement support (PgBouncer before 1.21) it fails, so
// pgbouncer=true in the URL, or a Neon "-pooler" host, selects exec mode
// instead (see statementMode); default_query_exec_mode in the URL overrides
// both. Every statement here runs unchanged in each mode.
func openPostgres(dsn string, opts Options) (*sql.DB, StatementMode, error) {
	dsn, mode, err := statementMode(dsn)
	if err != nil {
		return nil, mode, err
	}
	cfg, err := pgx.ParseConfig(dsn)
	if err != nil {
		return nil, mode, fmt.Errorf("postgres: %w", redacted(err))
	}
	if m, ok := execModes[mode.Mode]; ok && !urlHas(dsn, execModeParam) {
		cfg.DefaultQueryExecMode = m
	}
	if !urlHas(dsn, "connect_timeout") {
		cfg.ConnectTimeout = opts.ConnectTimeout
	}
	return stdlib.OpenDB(*cfg), mode, nil
}

var execModes = map[string]pgx.QueryExecMode{
	"cache_statement": pgx.QueryExecModeCacheStatement,
	"exec":            pgx.QueryExecModeExec,
}
