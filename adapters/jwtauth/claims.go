package jwtauth

import (
	"encoding/json"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/golang-jwt/jwt/v5"
)

// maxSubjectBytes bounds the subject, which becomes the owner of every row
// the user writes and appears in logs. Better Auth's ids are 32 characters.
const maxSubjectBytes = 255

// maxNumericDate is 9999-12-31T23:59:59Z. Larger seconds (or 1e300) would
// overflow time.Time's arithmetic in jwt's comparisons.
const maxNumericDate = 253402300799

// claims is what the verifier reads from a token. Better Auth sends the whole
// user row as well; the rest is ignored. It implements jwt.Claims itself,
// rather than embedding jwt.RegisteredClaims, because jwt.NumericDate also
// accepts a number inside a JSON string ("exp":"1800000000").
type claims struct {
	Subject   string           `json:"sub"`
	Issuer    string           `json:"iss"`
	Audience  jwt.ClaimStrings `json:"aud"`
	ExpiresAt numericDate      `json:"exp"`
	NotBefore numericDate      `json:"nbf"`
	IssuedAt  numericDate      `json:"iat"`
	Email     text             `json:"email"`
	Name      text             `json:"name"`
}

var _ jwt.ClaimsValidator = (*claims)(nil)

func (c *claims) GetExpirationTime() (*jwt.NumericDate, error) { return c.ExpiresAt.get(), nil }
func (c *claims) GetNotBefore() (*jwt.NumericDate, error)      { return c.NotBefore.get(), nil }
func (c *claims) GetIssuedAt() (*jwt.NumericDate, error)       { return c.IssuedAt.get(), nil }
func (c *claims) GetIssuer() (string, error)                   { return c.Issuer, nil }
func (c *claims) GetSubject() (string, error)                  { return c.Subject, nil }
func (c *claims) GetAudience() (jwt.ClaimStrings, error)       { return c.Audience, nil }

// Validate runs after the signature and the registered claims are checked
// (jwt.ClaimsValidator): the subject is who acts, so it can't be missing,
// and it is stored and logged, so it must be short, printable text.
func (c *claims) Validate() error {
	switch {
	case c.Subject == "":
		return errNoSubject
	case len(c.Subject) > maxSubjectBytes:
		return errSubjectTooLong
	case strings.ContainsFunc(c.Subject, unicode.IsControl): // C0 (NUL too), DEL and C1
		return errSubjectControl
	}
	return nil
}

// numericDate is exp, nbf or iat: when present it must be a JSON number of
// seconds between 0 and maxNumericDate. Absent leaves it unset; anything else,
// null and strings included, fails decoding with errTimeClaim.
type numericDate struct {
	set bool
	jwt.NumericDate
}

func (d *numericDate) get() *jwt.NumericDate {
	if !d.set {
		return nil
	}
	return &d.NumericDate
}

func (d *numericDate) UnmarshalJSON(b []byte) error {
	// The decoder has checked b is one JSON value; a number starts so.
	if len(b) == 0 || (b[0] != '-' && (b[0] < '0' || b[0] > '9')) {
		return errTimeClaim
	}
	f, err := strconv.ParseFloat(string(b), 64)
	if err != nil || math.IsNaN(f) || f < 0 || f > maxNumericDate {
		return errTimeClaim
	}
	// As jwt.NumericDate does: whole seconds at jwt.TimePrecision.
	sec, frac := math.Modf(f)
	d.NumericDate = jwt.NumericDate{Time: time.Unix(int64(sec), int64(frac*1e9)).Truncate(jwt.TimePrecision)}
	d.set = true
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
