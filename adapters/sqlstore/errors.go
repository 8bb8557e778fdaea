package sqlstore

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"strings"
	"syscall"

	"github.com/jackc/pgx/v5/pgconn"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/todoapi/todo/core/apperr"
	"github.com/todoapi/todo/core/idempotency"
)

// dbError turns a driver error into a coded one: ECANCELED when the
// caller's context was cancelled (the caller left: nothing is wrong with
// the database), EUNAVAILABLE when the database could not be reached (the
// caller may retry later), EINTERNAL for anything else. The cause stays
// wrapped so the log shows it.
func dbError(err error) error {
	var coded *apperr.Error
	switch {
	case err == nil:
		return nil
	case errors.As(err, &coded):
		return err // decided already, by a check or a rule
	case errors.Is(err, context.Canceled):
		return apperr.Wrap(apperr.ECANCELED, err, "The request was cancelled.")
	case limitReached(err):
		return apperr.Wrap(apperr.ELIMIT, err, "The task limit is reached.")
	case uniqueViolation(err) && onKeys(err):
		return apperr.Wrap(apperr.ECONFLICT, err, apperr.MessageOf(idempotency.ErrTaken()))
	case uniqueViolation(err):
		return apperr.Wrap(apperr.ECONFLICT, err, "A task with this id already exists.")
	case keyHeld(err):
		return apperr.Wrap(apperr.ECONFLICT, err, apperr.MessageOf(idempotency.ErrInFlight()))
	case unavailable(err):
		return apperr.Wrap(apperr.EUNAVAILABLE, err, "The database is unavailable.")
	case lostPreparedStatement(err):
		return apperr.Wrap(apperr.EINTERNAL, fmt.Errorf("%w (%s)", err, poolerHint), "Internal error.")
	default:
		return apperr.Wrap(apperr.EINTERNAL, err, "Internal error.")
	}
}

// onKeys reports whether a constraint that err broke is the idempotency
// keys' table's.
func onKeys(err error) bool {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		return pgErr.TableName == "idempotency_keys"
	}
	return strings.Contains(err.Error(), "idempotency_keys.")
}

// limitReached reports whether err is the refusal of countUp: the
// constraint task_counts_limit broken.
func limitReached(err error) bool {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		return pgErr.Code == "23514" && pgErr.ConstraintName == taskLimitConstraint
	}
	var liteErr *sqlite.Error
	return errors.As(err, &liteErr) && liteErr.Code() == sqlite3.SQLITE_CONSTRAINT_CHECK &&
		strings.Contains(liteErr.Error(), taskLimitConstraint)
}

// taskLimitConstraint is the constraint of task_counts that countUp breaks
// at the limit (migrations 20261207000001_task_counts).
const taskLimitConstraint = "task_counts_limit"

// keyHeld reports whether err is claim_idempotency_key's: another
// transaction holds the key.
func keyHeld(err error) bool {
	var pgErr *pgconn.PgError
	return errors.As(err, &pgErr) && pgErr.Code == "55P03"
}

// uniqueViolation reports whether err is a taken key: a task's id, or an
// owner's idempotency key.
func uniqueViolation(err error) bool {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		return pgErr.Code == "23505"
	}
	var liteErr *sqlite.Error
	if errors.As(err, &liteErr) {
		return liteErr.Code() == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY || liteErr.Code() == sqlite3.SQLITE_CONSTRAINT_UNIQUE
	}
	return false
}

// unavailable reports whether err means the database cannot be reached or
// cannot serve now, as opposed to a bug in a query.
func unavailable(err error) bool {
	// A deadline covers a dead host, a pool exhausted by hung connections
	// and a database too slow to answer. (A cancellation is the caller
	// leaving, which dbError tells apart first.)
	if errors.Is(err, context.DeadlineExceeded) ||
		errors.Is(err, driver.ErrBadConn) || errors.Is(err, sql.ErrConnDone) ||
		errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) ||
		errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, syscall.ECONNRESET) ||
		errors.Is(err, syscall.EPIPE) {
		return true
	}
	var netErr net.Error
	if errors.As(err, &netErr) {
		return true
	}
	var pathErr *fs.PathError // an SQLite file or directory that cannot be opened
	if errors.As(err, &pathErr) {
		return true
	}
	var connectErr *pgconn.ConnectError
	if errors.As(err, &connectErr) || pgconn.Timeout(err) {
		return true
	}
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		return pgUnavailable(pgErr.Severity, pgErr.Code)
	}
	var liteErr *sqlite.Error
	if errors.As(err, &liteErr) {
		return sqliteUnavailable(liteErr.Code())
	}
	return false
}

// pgUnavailable reads a PostgreSQL error: FATAL ones end the session
// (shutdown, auth, too many clients); class 08 is a connection exception;
// 57P0x is a server shutting down or starting; 53300 too many connections.
func pgUnavailable(severity, code string) bool {
	switch {
	case severity == "FATAL" || severity == "PANIC":
		return true
	case strings.HasPrefix(code, "08"), strings.HasPrefix(code, "57P0"), code == "53300":
		return true
	}
	return false
}

// sqliteUnavailable reads an SQLite result code: a lock held too long by
// another process, or a file that cannot be read or written. A corrupt file
// is not something a retry fixes: that stays EINTERNAL.
func sqliteUnavailable(code int) bool {
	switch code & 0xff { // primary code of an extended one
	case sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED, sqlite3.SQLITE_IOERR,
		sqlite3.SQLITE_CANTOPEN, sqlite3.SQLITE_FULL, sqlite3.SQLITE_READONLY,
		sqlite3.SQLITE_PROTOCOL:
		return true
	}
	return false
}
