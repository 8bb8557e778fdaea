package sqlstore

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"syscall"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/todoapi/todo/core/apperr"
)

// TestDBError pins which failures tell the caller to retry later (503),
// which are bugs (500) and which are the caller leaving, including through
// wrapping.
func TestDBError(t *testing.T) {
	t.Parallel()
	tests := []struct {
		err  error
		want apperr.Code
	}{
		{context.DeadlineExceeded, apperr.EUNAVAILABLE},
		{fmt.Errorf("query: %w", context.Canceled), apperr.ECANCELED},
		{fmt.Errorf("query: %w: %w", context.Canceled, io.ErrUnexpectedEOF), apperr.ECANCELED},
		{driver.ErrBadConn, apperr.EUNAVAILABLE},
		{sql.ErrConnDone, apperr.EUNAVAILABLE},
		{io.ErrUnexpectedEOF, apperr.EUNAVAILABLE},
		{fmt.Errorf("dial: %w", syscall.ECONNREFUSED), apperr.EUNAVAILABLE},
		{&pgconn.PgError{Severity: "FATAL", Code: "57P01", Message: "terminating connection due to administrator command"}, apperr.EUNAVAILABLE},
		{&pgconn.PgError{Severity: "ERROR", Code: "57P03", Message: "the database system is starting up"}, apperr.EUNAVAILABLE},
		{&pgconn.PgError{Severity: "ERROR", Code: "08006"}, apperr.EUNAVAILABLE},
		{&pgconn.PgError{Severity: "ERROR", Code: "53300"}, apperr.EUNAVAILABLE},
		{&pgconn.PgError{Severity: "ERROR", Code: "42P01", Message: `relation "tasks" does not exist`}, apperr.EINTERNAL},
		{&pgconn.PgError{Severity: "ERROR", Code: "23514", Message: "check constraint"}, apperr.EINTERNAL},
		{errors.New("sql: converting argument"), apperr.EINTERNAL},
	}
	for _, tt := range tests {
		err := dbError(tt.err)
		if got := apperr.CodeOf(err); got != tt.want {
			t.Errorf("dbError(%v) code = %q, want %q", tt.err, got, tt.want)
		}
		if !errors.Is(err, tt.err) {
			t.Errorf("dbError(%v) lost its cause", tt.err)
		}
	}
	if err := dbError(nil); err != nil {
		t.Errorf("dbError(nil) = %v", err)
	}
}

func TestSQLiteUnavailableCodes(t *testing.T) {
	t.Parallel()
	for code, want := range map[int]bool{
		5:    true,  // SQLITE_BUSY
		517:  true,  // SQLITE_BUSY_SNAPSHOT, an extended BUSY
		10:   true,  // SQLITE_IOERR
		3850: true,  // SQLITE_IOERR_LOCK
		14:   true,  // SQLITE_CANTOPEN
		13:   true,  // SQLITE_FULL
		19:   false, // SQLITE_CONSTRAINT: a bug, not an outage
		1:    false, // SQLITE_ERROR (syntax, missing table)
		11:   false, // SQLITE_CORRUPT: retrying won't help
	} {
		if got := sqliteUnavailable(code); got != want {
			t.Errorf("sqliteUnavailable(%d) = %v, want %v", code, got, want)
		}
	}
}
