package httpapi

import (
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/todoapi/todo/core/apperr"
	"github.com/todoapi/todo/core/identity"
)

// userKey is the gin.Context key under which the authenticated user id is
// kept for the access log.
const userKey = "httpapi.user_id"

// A handler that acts for a user gets the principal as an argument, so it
// cannot run without one.
type authedHandler func(c *gin.Context, p identity.Principal)

// authed authenticates the request before h runs; nothing of the request
// beyond its headers is read when that fails.
func (s *server) authed(h authedHandler) gin.HandlerFunc {
	return func(c *gin.Context) {
		if !s.admitAddress(c) { // rate limits: ratelimit.go
			return
		}
		p, ok := s.authenticate(c)
		if !ok {
			s.chargeAddress(c)
			return
		}
		c.Set(userKey, string(p.UserID))
		if !s.admitUser(c, p) {
			return
		}
		h(c, p)
	}
}

// authenticate returns the principal named by the bearer token, or writes
// the 401 (or the verifier's 503/500) and returns false.
func (s *server) authenticate(c *gin.Context) (identity.Principal, bool) {
	if len(c.Request.Header["Authorization"]) > 1 {
		// Servers and proxies differ on which of several they use, so a
		// second header could carry credentials past one of them.
		s.refuse(c, "Send one Authorization header, not several.")
		return identity.Principal{}, false
	}
	token, found := bearerToken(c.Request.Header.Get("Authorization"))
	switch {
	case !found:
		c.Header("WWW-Authenticate", `Bearer realm="todo"`)
		writeProblem(c, http.StatusUnauthorized, "A bearer token is required (Authorization: Bearer <token>).", nil)
		return identity.Principal{}, false
	case token == "":
		s.refuse(c, "The bearer token is malformed.")
		return identity.Principal{}, false
	}
	p, err := s.verifier.Verify(c.Request.Context(), token)
	if err != nil {
		if apperr.CodeOf(err) == apperr.EUNAUTHORIZED {
			s.refuse(c, apperr.MessageOf(err))
		} else {
			s.fail(c, err) // e.g. the key set cannot be fetched: 503
		}
		return identity.Principal{}, false
	}
	return p, true
}

// refuse answers 401 for a token that was sent but is not acceptable, with
// the RFC 6750 error attributes.
func (s *server) refuse(c *gin.Context, reason string) {
	c.Header("WWW-Authenticate", `Bearer realm="todo", error="invalid_token", error_description="`+headerSafe(reason)+`"`)
	writeProblem(c, http.StatusUnauthorized, reason, nil)
}

// bearerToken extracts the token from an Authorization header. found is
// false when no bearer credentials were sent at all (no header, or another
// scheme); token is "" when the bearer credentials are malformed.
func bearerToken(header string) (token string, found bool) {
	scheme, rest, _ := strings.Cut(header, " ")
	if !strings.EqualFold(scheme, "Bearer") {
		return "", false
	}
	rest = strings.Trim(rest, " ")
	if rest == "" || strings.ContainsAny(rest, " \t") {
		return "", true
	}
	return rest, true
}

// headerSafe makes text fit inside a quoted header parameter: RFC 6750 allows
// printable ASCII except '"' and '\' in error_description.
func headerSafe(s string) string {
	b := []byte(s)
	for i, ch := range b {
		if ch < 0x20 || ch > 0x7e || ch == '"' || ch == '\\' {
			b[i] = '?'
		}
	}
	return string(b)
}
