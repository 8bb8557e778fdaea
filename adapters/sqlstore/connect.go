package sqlstore

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/todoapi/todo/core/apperr"
)

// Backoff between attempts to reach the database: doubling from the first
// delay up to the last, each drawn at random between half and all of it so
// that servers restarted together do not retry in step. A sleeping Neon
// compute wakes in a few hundred milliseconds to a few seconds, which the
// first few short delays catch.
const (
	firstRetryDelay = 250 * time.Millisecond
	maxRetryDelay   = 5 * time.Second
)

// Connect readies an open database for serving: it waits until the
// database answers (see WaitReady), checks that the statement mode suits
// the pooler in between, if any, and, when migrate is set, applies pending
// migrations, retrying them too while the database is unavailable, all
// within the one bound. Each retry is logged at warn.
func Connect(ctx context.Context, db *DB, within time.Duration, migrate bool, logger *slog.Logger) error {
	deadline := time.Now().Add(within)
	err := db.retry(ctx, deadline, logger, func(ctx context.Context) error {
		if err := db.Ping(ctx); err != nil {
			return err
		}
		return db.checkPooler(ctx)
	})
	if err != nil || !migrate {
		return err
	}
	return db.retry(ctx, deadline, logger, func(ctx context.Context) error {
		_, err := Migrate(ctx, db, logger)
		return err
	})
}

// WaitReady pings the database until it answers, for at most within (plus
// the one attempt under way then, which the connect timeout bounds). Only a
// failure that waiting may cure is retried, such as a refused connection
// or a server starting up; a server that rejects what it was given (a wrong
// password, an unknown database, a misspelt URL parameter) fails at once.
// SQLite is tried once: a local file does not wake up later.
func WaitReady(ctx context.Context, db *DB, within time.Duration, logger *slog.Logger) error {
	return db.retry(ctx, time.Now().Add(within), logger, db.Ping)
}

// retry calls try until it succeeds or fails for good, backing off between
// attempts until the deadline. Its error names the database and the last
// failure in one line.
func (db *DB) retry(ctx context.Context, deadline time.Time, logger *slog.Logger, try func(context.Context) error) error {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	start, delay := time.Now(), firstRetryDelay
	for attempt := 1; ; attempt++ {
		err := try(ctx)
		if err == nil {
			return nil
		}
		left := time.Until(deadline)
		switch code := apperr.CodeOf(err); {
		case code != apperr.EUNAVAILABLE && code != apperr.ECANCELED: // ECANCELED: ctx ended, below
			return err
		case !retryable(err):
			return fmt.Errorf("database %s rejected the connection: %w", db.name, unavailableError{err})
		case db.dialect == SQLite:
			return fmt.Errorf("database %s: %w", db.name, unavailableError{err})
		case left <= 0 || ctx.Err() != nil:
			return fmt.Errorf("database %s unreachable after %s in %v: %w", db.name,
				plural(attempt, "attempt"), time.Since(start).Round(time.Millisecond), unavailableError{err})
		}
		wait := min(delay/2+rand.N(delay/2+1), left)
		logger.WarnContext(ctx, "database not reachable yet, retrying", "database", db.name,
			"attempt", attempt, "retry_in", wait.Round(time.Millisecond).String(), "error", oneLine.Replace(cause(err).Error()))
		select {
		case <-ctx.Done():
		case <-time.After(wait):
		}
		delay = min(2*delay, maxRetryDelay)
	}
}

// retryable reports whether waiting may cure an EUNAVAILABLE error: not
// when the server is there but rejects what the URL gave it. That is the
// credentials (class 28, or PgBouncer's 08P01 "SASL authentication
// failed"), the database (3D000 no such database), a setting passed as a
// URL parameter (class 42: 42704 an unknown one such as search_pth, 42501
// one the user may not set; class 22: 22023 a bad value), or a URL
// parameter PgBouncer does not pass on. Only the operator can fix those,
// so waiting for them would only delay the message.
func retryable(err error) bool {
	var pgErr *pgconn.PgError
	if !errors.As(err, &pgErr) {
		return true
	}
	for _, rejected := range []string{"28", "3D000", "42", "22"} {
		if strings.HasPrefix(pgErr.Code, rejected) {
			return false
		}
	}
	return !strings.Contains(pgErr.Message, "authentication failed") &&
		!strings.HasPrefix(pgErr.Message, "unsupported startup parameter")
}

// unavailableError shows the driver's error without the coded wrapper's
// text, so the message reads as the driver's reason, and on one line: pgx
// lists each address or TLS fallback it tried on a line of its own. The
// code stays reachable through Unwrap.
type unavailableError struct{ err error }

func (e unavailableError) Error() string { return oneLine.Replace(cause(e.err).Error()) }
func (e unavailableError) Unwrap() error { return e.err }

var oneLine = strings.NewReplacer(":\n\t", ": ", "\n\t", "; ", "\n", " ")

func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// cause returns the error inside the outermost coded error, if any.
func cause(err error) error {
	var coded *apperr.Error
	if errors.As(err, &coded) && coded.Err != nil {
		return coded.Err
	}
	return err
}
