package jwtauth

import (
	"encoding/json"

	"github.com/golang-jwt/jwt/v5"
)

// claims is what the verifier reads from a token. Better Auth sends the whole
// user row as well; the rest is ignored.
type claims struct {
	jwt.RegisteredClaims
	Email text `json:"email"`
	Name  text `json:"name"`
}

// Validate runs after the signature and the registered claims are checked
// (jwt.ClaimsValidator): the subject is who acts, so it can't be missing.
func (c *claims) Validate() error {
	if c.Subject == "" {
		return errNoSubject
	}
	return nil
}

// text is an informational claim that should be a string. Anything else
// (null, a number, an object) reads as "", so an odd email or name never
// makes an otherwise valid token unusable.
type text string

func (t *text) UnmarshalJSON(b []byte) error {
	if len(b) == 0 || b[0] != '"' {
		*t = ""
		return nil
	}
	return json.Unmarshal(b, (*string)(t))
}
