package sqlstore

import (
	"fmt"
	"io"
	"syscall"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/todoapi/todo/core/apperr"
)

// TestRetryable: start-up waits out a database that is not there yet, but
// not one that refuses what it was given.
func TestRetryable(t *testing.T) {
	t.Parallel()
	pg := func(severity, code, msg string) error {
		return dbError(fmt.Errorf("connect: %w", &pgconn.PgError{Severity: severity, Code: code, Message: msg}))
	}
	tests := []struct {
		err  error
		want bool
	}{
		{dbError(syscall.ECONNREFUSED), true},
		{dbError(io.EOF), true},
		{pg("FATAL", "57P03", "the database system is starting up"), true},
		{pg("FATAL", "53300", "too many connections"), true},
		{pg("FATAL", "08P01", "query_wait_timeout"), true},
		{pg("FATAL", "28P01", "password authentication failed for user \"todo\""), false},
		{pg("FATAL", "3D000", "database \"todo\" does not exist"), false},
		{pg("FATAL", "08P01", "unsupported startup parameter: search_path"), false},
		{pg("FATAL", "08P01", "SASL authentication failed"), false},
		{pg("FATAL", "42704", "unrecognized configuration parameter \"search_pth\""), false},
		{pg("FATAL", "22023", "invalid value for parameter \"statement_timeout\": \"soon\""), false},
		{pg("FATAL", "42501", "permission denied to set parameter \"log_statement\""), false},
		{pg("FATAL", "3D000", "database \"todo\" does not exist"), false},
	}
	for _, tt := range tests {
		if got := apperr.CodeOf(tt.err) == apperr.EUNAVAILABLE && retryable(tt.err); got != tt.want {
			t.Errorf("retryable(%v) = %v, want %v", tt.err, got, tt.want)
		}
	}
}
