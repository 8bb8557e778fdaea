package httpapi

import (
	"context"
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/todoapi/todo/adapters/ratelimit"
	"github.com/todoapi/todo/core/identity"
)

// RateLimiter applies the rate limits; *ratelimit.Limiter is one.
type RateLimiter interface {
	// ClientAddr is the address the request counts against.
	ClientAddr(r *http.Request) string
	// Address looks at (take false) or takes one request from (take true)
	// an address's bucket.
	Address(ctx context.Context, addr string, take bool) ratelimit.Decision
	// User takes one request from a user's bucket.
	User(ctx context.Context, user string) ratelimit.Decision
}

// admitAddress runs before the token is looked at: an address whose bucket
// is empty (it sent too many requests without a valid token) gets a 429,
// so a flood of bad tokens costs no verification. Otherwise the response
// says what is left should this request be charged.
func (s *server) admitAddress(c *gin.Context) bool {
	if s.limiter == nil {
		return true
	}
	d := s.limiter.Address(c.Request.Context(), s.limiter.ClientAddr(c.Request), false)
	if !d.Allowed {
		s.tooMany(c, d, "Too many requests without a valid token from this address.")
		return false
	}
	d.Remaining = max(d.Remaining-1, 0)
	setRateLimit(c, d)
	return true
}

// chargeAddress takes a request from the address's bucket when its token
// was missing or refused (401); other failures (503) are not the client's.
func (s *server) chargeAddress(c *gin.Context) {
	if s.limiter != nil && c.Writer.Status() == http.StatusUnauthorized {
		s.limiter.Address(c.Request.Context(), s.limiter.ClientAddr(c.Request), true)
	}
}

// admitUser takes a request from the user's bucket, after authentication.
func (s *server) admitUser(c *gin.Context, p identity.Principal) bool {
	if s.limiter == nil {
		return true
	}
	d := s.limiter.User(c.Request.Context(), string(p.UserID))
	if !d.Allowed {
		s.tooMany(c, d, "Too many requests for this user.")
		return false
	}
	setRateLimit(c, d) // replaces the address's headers: this request is the user's
	return true
}

func (s *server) tooMany(c *gin.Context, d ratelimit.Decision, what string) {
	setRateLimit(c, d)
	retry := max(ratelimit.Seconds(d.RetryAfter), 1)
	c.Writer.Header()["Retry-After"] = []string{strconv.Itoa(retry)}
	writeProblem(c, http.StatusTooManyRequests, what+" The limit is "+strconv.Itoa(d.Policy.Quota)+
		" a minute; retry in "+strconv.Itoa(retry)+" s.", nil)
}

// setRateLimit writes the RateLimit-Policy and RateLimit headers (IETF
// draft syntax) for d, or removes them when d's limit is off.
func setRateLimit(c *gin.Context, d ratelimit.Decision) {
	h := c.Writer.Header()
	if d.Policy == nil {
		delete(h, "Ratelimit-Policy")
		delete(h, "Ratelimit")
		return
	}
	h["Ratelimit-Policy"] = d.Policy.Field()
	h["Ratelimit"] = []string{d.Field()}
}
