// Package idempotency holds what the core keeps of a write made under an
// idempotency key, so that a client retrying the write gets the first
// answer again instead of a second effect. It imports only the standard
// library and the domain's error package.
package idempotency

import (
	"time"

	"github.com/todoapi/todo/core/apperr"
)

// MaxKeyLength is the longest key a client may send, in bytes.
const MaxKeyLength = 255

// Record is what a store keeps of a write made under a key, written in the
// same transaction as the write itself: whoever sees the write sees the
// record, and the other way round.
type Record struct {
	// Key is the client's key, unique per owner.
	Key string
	// Fingerprint identifies the request the key was first used with; a
	// request with another fingerprint under the same key is refused.
	Fingerprint string
	// Response is the answer to the write, as the adapter that served it
	// rendered it. The core keeps it and gives it back, and never reads it.
	Response []byte
	// CreatedAt is when the write was made; a key expires a fixed time
	// after it.
	CreatedAt time.Time
}

// ErrInFlight returns the error of a key that another transaction holds
// now: the client's first request is still running.
func ErrInFlight() error {
	return apperr.Errorf(apperr.ECONFLICT,
		"A request with this Idempotency-Key is still being processed; retry once it has been answered.")
}

// ErrTaken returns the error of storing a record under a key that holds
// one already.
func ErrTaken() error {
	return apperr.Errorf(apperr.ECONFLICT, "This Idempotency-Key has been used already.")
}

// ErrReused returns the error of a key sent again with another request.
func ErrReused() error {
	return apperr.Invalid(apperr.FieldError{Field: "Idempotency-Key",
		Message: "was used for a different request (method, path or body); use a new key for a new request"})
}
