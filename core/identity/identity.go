// Package identity says who is acting. It knows nothing of tokens: an adapter
// turns a verified credential into a Principal.
package identity

import "time"

// UserID is the opaque id of a user, as the identity provider issued it (the
// token's "sub"). It is compared byte for byte.
type UserID string

// Principal is the authenticated user on whose behalf a use case runs.
type Principal struct {
	UserID UserID
	// Email and Name are informational claims, when the token carries them.
	Email string
	Name  string
	// Expires is when the credential behind the principal stops being
	// valid (a bearer token's exp); the zero time when it never does.
	// Whatever the principal opened in the meantime, a live stream, ends
	// then.
	Expires time.Time
}

// Owns reports whether p is the user id.
func (p Principal) Owns(id UserID) bool { return p.UserID != "" && p.UserID == id }
