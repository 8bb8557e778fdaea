package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// A transaction-mode pooler (PgBouncer, and Neon's pooled endpoint, which is
// PgBouncer) gives a client connection a server session for one transaction
// at a time. Whatever lives in a session outside a transaction is then lost
// or shared: prepared statements, SET, LISTEN, session advisory locks,
// temporary tables. The store keeps none of these except pgx's statement
// cache, named prepared statements per connection, which is pgx's default
// (cache_statement). So through such a pooler pgx must run in exec mode
// (one round trip, nothing kept on the server), which the URL asks for
// with pgbouncer=true or by pointing at Neon's "-pooler" host. The
// migration lock is a transaction-scoped advisory lock for the same reason.

const (
	execModeParam = "default_query_exec_mode"
	poolerParam   = "pgbouncer" // the name Prisma users know
)

// StatementMode says how pgx sends statements to PostgreSQL, and why.
type StatementMode struct {
	// Mode is pgx's default_query_exec_mode: cache_statement, cache_describe,
	// describe_exec, exec or simple_protocol.
	Mode string
	// Reason says where Mode comes from, for the start-up log.
	Reason string
	// Pooled is set when the URL says a transaction pooler is in between
	// (pgbouncer=true, or a Neon "-pooler" host): it can carry NOTIFY but
	// not LISTEN, so live events need another way (see ListenPlan).
	Pooled bool
	// explicit is set when the URL chose the mode (default_query_exec_mode,
	// or pgbouncer=true|false), which the pooler check then trusts.
	explicit bool
}

// statementMode reads a PostgreSQL URL's pooler hints. It returns the URL
// pgx should see, which is dsn itself unless dsn has a pgbouncer parameter,
// which is taken out (PostgreSQL would refuse it as an unknown setting);
// every other parameter is left as it is.
func statementMode(dsn string) (string, StatementMode, error) {
	u, err := url.Parse(dsn)
	if err != nil {
		return "", StatementMode{}, fmt.Errorf("postgres: %w", redacted(err))
	}
	q := u.Query()
	neon := strings.Contains(u.Host, "-pooler.")
	if mode := q.Get(execModeParam); mode != "" {
		dsn, flag, err := withoutPoolerParam(u, dsn)
		return dsn, StatementMode{Mode: mode, Reason: execModeParam + " in DATABASE_URL", explicit: true,
			Pooled: flag == "true" || (flag == "" && neon)}, err
	}
	dsn, flag, err := withoutPoolerParam(u, dsn)
	switch {
	case err != nil:
		return "", StatementMode{}, err
	case flag == "true":
		return dsn, StatementMode{Mode: "exec", Reason: "pgbouncer=true in DATABASE_URL", explicit: true, Pooled: true}, nil
	case flag == "false":
		return dsn, StatementMode{Mode: "cache_statement", Reason: "pgbouncer=false in DATABASE_URL", explicit: true}, nil
	case neon:
		return dsn, StatementMode{Mode: "exec", Reason: "Neon pooled endpoint (-pooler host)", Pooled: true}, nil
	}
	return dsn, StatementMode{Mode: "cache_statement", Reason: "pgx default, for a direct connection"}, nil
}

// withoutPoolerParam removes the pgbouncer parameter from the URL and
// returns its value as "true", "false" or "" when absent.
func withoutPoolerParam(u *url.URL, dsn string) (string, string, error) {
	if !u.Query().Has(poolerParam) {
		return dsn, "", nil
	}
	var kept []string
	flag := ""
	for _, kv := range strings.Split(u.RawQuery, "&") {
		k, v, _ := strings.Cut(kv, "=")
		if key, _ := url.QueryUnescape(k); key != poolerParam {
			if kv != "" {
				kept = append(kept, kv)
			}
			continue
		}
		val, _ := url.QueryUnescape(v)
		b, err := strconv.ParseBool(val)
		if err != nil {
			return "", "", fmt.Errorf("DATABASE_URL: pgbouncer=%q: want true or false", val)
		}
		flag = strconv.FormatBool(b)
	}
	stripped := *u
	stripped.RawQuery = strings.Join(kept, "&")
	return stripped.String(), flag, nil
}

// errPooler is the start-up failure when pgx's default meets a pooler.
var errPooler = errors.New("DATABASE_URL leads to a transaction-mode pooler (two connections shared one server session), " +
	"where pgx's cached prepared statements fail: add pgbouncer=true to DATABASE_URL")

// checkPooler fails with errPooler when the URL left pgx's default mode,
// cache_statement, and the connections go through a transaction-mode
// pooler: a clear error at start rather than failing requests later. It
// needs two connections at once, so a pool of one is not checked (a request
// then fails with the hint of poolerHint instead).
func (db *DB) checkPooler(ctx context.Context) error {
	if db.dialect != Postgres || db.mode.explicit || db.mode.Mode != "cache_statement" ||
		db.write.Stats().MaxOpenConnections == 1 {
		return nil
	}
	shared, err := sharesSessions(ctx, db.write.DB)
	if err != nil {
		return dbError(err)
	}
	if shared {
		return errPooler
	}
	return nil
}

// sharesSessions tells a transaction pooler from a direct connection by the
// server process behind two connections: directly, each connection keeps
// its own for its life. Through a transaction pooler the second connection
// is handed the session the first just left (PgBouncer reuses the most
// recent one), or, if not, the first finds itself on another session while
// the second holds its transaction open. The queries use the simple
// protocol, which prepares nothing that could collide.
func sharesSessions(ctx context.Context, db *sql.DB) (bool, error) {
	first, err := db.Conn(ctx)
	if err != nil {
		return false, err
	}
	defer first.Close()
	pid, err := backendPID(ctx, first)
	if err != nil {
		return false, err
	}
	second, err := db.Conn(ctx)
	if err != nil {
		return false, err
	}
	defer second.Close()
	tx, err := second.BeginTx(ctx, nil)
	if err != nil {
		return false, err
	}
	defer tx.Rollback()
	other, err := backendPID(ctx, tx)
	if err != nil {
		return false, err
	}
	again, err := backendPID(ctx, first)
	if err != nil {
		return false, err
	}
	return other == pid || again != pid, nil
}

func backendPID(ctx context.Context, q interface {
	QueryRowContext(context.Context, string, ...any) *sql.Row
}) (int64, error) {
	var pid int64
	err := q.QueryRowContext(ctx, "SELECT pg_backend_pid()", pgx.QueryExecModeSimpleProtocol).Scan(&pid)
	return pid, err
}

// poolerHint explains the errors pgx's statement cache meets behind a
// transaction pooler that the start-up check could not see coming.
const poolerHint = "prepared statements do not survive a transaction-mode pooler such as PgBouncer: add pgbouncer=true to DATABASE_URL"

// lostPreparedStatement reports whether err is a pgx cached statement that
// another session already has (42P05) or that this one lacks (26000).
func lostPreparedStatement(err error) bool {
	var pgErr *pgconn.PgError
	return errors.As(err, &pgErr) && (pgErr.Code == "42P05" || pgErr.Code == "26000") &&
		strings.Contains(pgErr.Message, "stmtcache_")
}

// poolerQueueTimeout reports whether PgBouncer gave up waiting for a free
// server connection for this client (query_wait_timeout).
func poolerQueueTimeout(err error) bool {
	var pgErr *pgconn.PgError
	return errors.As(err, &pgErr) && pgErr.Message == "query_wait_timeout"
}
