package jwtauth

import (
	"errors"
	"slices"

	"github.com/golang-jwt/jwt/v5"

	"github.com/todoapi/todo/core/apperr"
)

// Causes the key lookup and claim checks report; refusal turns them, and
// jwt's own errors, into caller-safe messages.
var (
	errAlgorithm      = errors.New("algorithm not allowed")
	errKeyMismatch    = errors.New("algorithm does not fit the key")
	errUnknownKey     = errors.New("signing key not found")
	errCritical       = errors.New("critical header parameters are not supported")
	errNoSubject      = errors.New("sub claim is required")
	errSubjectTooLong = errors.New("sub claim is longer than 255 bytes")
	errSubjectControl = errors.New("sub claim contains control characters")
	errTimeClaim      = errors.New("exp, nbf and iat must be JSON numbers of seconds")
	errClaimName      = errors.New("a claim name is repeated or not in lower case")
	errTooLarge       = errors.New("token is too large")
)

// The messages a caller may see. They name the rule broken, never the token.
const (
	msgMissing      = "Token is missing."
	msgMalformed    = "Token is malformed."
	msgAlgorithm    = "Token algorithm is not allowed."
	msgKeyMismatch  = "Token algorithm does not match its key."
	msgUnknownKey   = "Token signing key is unknown."
	msgCritical     = "Token has unsupported critical headers."
	msgSignature    = "Token signature is invalid."
	msgExpired      = "Token expired."
	msgNotYetValid  = "Token is not valid yet."
	msgIssuedLater  = "Token is issued in the future."
	msgTimeClaim    = "Token exp, nbf and iat must be JSON numbers."
	msgClaimName    = "Token repeats a claim or spells its name in another case."
	msgNoExpiry     = "Token has no expiry."
	msgNoSubject    = "Token has no subject."
	msgSubjectLong  = "Token subject is longer than 255 bytes."
	msgSubjectCtrl  = "Token subject contains control characters."
	msgIssuer       = "Token issuer is not accepted."
	msgAudience     = "Token audience is not accepted."
	msgInvalidOther = "Token is invalid."
)

// refuse returns the EUNAUTHORIZED error for msg; cause is for the log only
// and never contains the token.
func refuse(msg string, cause error) *apperr.Error {
	return apperr.Wrap(apperr.EUNAUTHORIZED, cause, msg)
}

// refusal explains why ParseWithClaims refused tok. Checks run in the order
// jwt applies them, so a forged token is reported as forged, not as expired.
func (v *TokenVerifier) refusal(tok *jwt.Token, c *claims, err error) *apperr.Error {
	if msg := headerReason(err); msg != "" {
		return refuse(msg, err)
	}
	// jwt reports an alg outside WithValidMethods as a bad signature, and an
	// alg it doesn't know as unverifiable; both are the algorithm's fault.
	if tok == nil || tok.Method == nil || !slices.Contains(v.methods, tok.Method.Alg()) {
		return refuse(msgAlgorithm, err)
	}
	return refuse(v.claimReason(c, err), err)
}

func headerReason(err error) string {
	switch {
	case errors.Is(err, errTimeClaim): // jwt reports these two as malformed
		return msgTimeClaim
	case errors.Is(err, errClaimName):
		return msgClaimName
	case errors.Is(err, jwt.ErrTokenMalformed):
		return msgMalformed
	case errors.Is(err, errAlgorithm):
		return msgAlgorithm
	case errors.Is(err, errCritical):
		return msgCritical
	case errors.Is(err, errKeyMismatch):
		return msgKeyMismatch
	case errors.Is(err, errUnknownKey):
		return msgUnknownKey
	}
	return ""
}

func (v *TokenVerifier) claimReason(c *claims, err error) string {
	switch {
	case errors.Is(err, jwt.ErrTokenSignatureInvalid):
		return msgSignature
	case errors.Is(err, jwt.ErrTokenExpired):
		return msgExpired
	case errors.Is(err, jwt.ErrTokenNotValidYet):
		return msgNotYetValid
	case errors.Is(err, jwt.ErrTokenUsedBeforeIssued):
		return msgIssuedLater
	case !c.ExpiresAt.set && errors.Is(err, jwt.ErrTokenRequiredClaimMissing):
		return msgNoExpiry
	case errors.Is(err, jwt.ErrTokenInvalidIssuer),
		v.cfg.Issuer != "" && c.Issuer == "" && errors.Is(err, jwt.ErrTokenRequiredClaimMissing):
		return msgIssuer
	case errors.Is(err, jwt.ErrTokenInvalidAudience), errors.Is(err, jwt.ErrTokenRequiredClaimMissing):
		return msgAudience // the only other claim jwt requires is aud
	case errors.Is(err, errNoSubject):
		return msgNoSubject
	case errors.Is(err, errSubjectTooLong):
		return msgSubjectLong
	case errors.Is(err, errSubjectControl):
		return msgSubjectCtrl
	}
	return msgInvalidOther
}
