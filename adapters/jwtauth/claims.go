package jwtauth

import (
	"bytes"
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

// UnmarshalJSON decodes as encoding/json does, once the names are checked:
// encoding/json matches names without regard to case ("EXP", even "ſub"),
// but claim names are case-sensitive (RFC 7519 4), so a token without "exp"
// must not pass on an "Exp".
func (c *claims) UnmarshalJSON(b []byte) error {
	if err := checkClaimNames(b); err != nil {
		return err
	}
	type plain claims // the same fields without this method
	return json.Unmarshal(b, (*plain)(c))
}

// claimNames are the members claims reads.
var claimNames = [...]string{"sub", "iss", "aud", "exp", "nbf", "iat", "email", "name"}

// checkClaimNames refuses a payload whose top-level names include one of
// claimNames spelled in another case, or one of them twice. It walks the
// bytes rather than json.Decoder's tokens, which cost an allocation each:
// it runs for every token verified.
func checkClaimNames(b []byte) error {
	b = bytes.TrimLeft(b, " \t\r\n")
	if len(b) == 0 || b[0] != '{' {
		return nil // not an object: decoding refuses it
	}
	var seen [len(claimNames)]bool
	depth, key := 0, false
	for i := 0; i < len(b); i++ {
		switch b[i] {
		case '"':
			end := stringEnd(b, i)
			if end < 0 {
				return nil // unterminated: decoding refuses it
			}
			if depth == 1 && key {
				if err := checkName(b[i:end+1], &seen); err != nil {
					return err
				}
				key = false
			}
			i = end
		case '{', '[':
			depth++
			key = depth == 1
		case '}', ']':
			depth--
		case ',':
			key = depth == 1
		}
	}
	return nil
}

// stringEnd returns the index of the quote closing the JSON string that
// opens at b[start], or -1.
func stringEnd(b []byte, start int) int {
	for j := start + 1; j < len(b); j++ {
		switch b[j] {
		case '\\':
			j++
		case '"':
			return j
		}
	}
	return -1
}

// checkName checks one quoted top-level name against claimNames.
func checkName(quoted []byte, seen *[len(claimNames)]bool) error {
	if bytes.IndexByte(quoted, '\\') >= 0 { // rare: unescape into a string of its own
		var name string
		if json.Unmarshal(quoted, &name) != nil {
			return nil // decoding refuses it
		}
		return matchName(name, seen)
	}
	return matchName(string(quoted[1:len(quoted)-1]), seen)
}

func matchName(name string, seen *[len(claimNames)]bool) error {
	for i, want := range claimNames {
		if strings.EqualFold(name, want) {
			if name != want || seen[i] {
				return errClaimName
			}
			seen[i] = true
		}
	}
	return nil
}

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
