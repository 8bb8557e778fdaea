package jwtauth

import (
	"crypto"
	"sync"
	"time"

	"github.com/todoapi/todo/core/identity"
)

// tokenCache remembers verified tokens by the SHA-256 of the token, so a
// client sending the same token again costs a hash and a map lookup instead
// of JSON decoding and a signature check. An entry is used only before its
// token's exp (without leeway), not before its nbf and iat (with leeway, as
// they are checked), and only while the key that verified it is still in the
// key set (checked on every hit), so the cache never accepts what a fresh
// verification would refuse for time or key reasons. Only tokens that passed
// every check, subject rules included, are ever put in.
type tokenCache struct {
	mu  sync.RWMutex
	max int
	m   map[[32]byte]cacheEntry
}

type cacheEntry struct {
	principal identity.Principal
	exp       time.Time
	from      time.Time // the latest of nbf and iat, less the leeway; zero when neither
	// kid, alg and key name the JWKS key that verified the token; kid is ""
	// for HS256 tokens, whose secret can't change while the process runs.
	kid string
	alg string
	key crypto.PublicKey
}

func newTokenCache(size int) *tokenCache {
	if size <= 0 {
		return nil
	}
	return &tokenCache{max: size, m: make(map[[32]byte]cacheEntry)}
}

// get returns the entry for sum if its token is valid at now.
func (c *tokenCache) get(sum [32]byte, now time.Time) (cacheEntry, bool) {
	c.mu.RLock()
	e, ok := c.m[sum]
	c.mu.RUnlock()
	if !ok || !now.Before(e.exp) || now.Before(e.from) {
		return cacheEntry{}, false
	}
	return e, true
}

func (c *tokenCache) put(sum [32]byte, e cacheEntry, now time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.m) >= c.max {
		c.evict(now)
	}
	c.m[sum] = e
}

func (c *tokenCache) drop(sum [32]byte) {
	c.mu.Lock()
	delete(c.m, sum)
	c.mu.Unlock()
}

func (c *tokenCache) len() int {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return len(c.m)
}

// evict removes expired entries and, if that frees too little, an arbitrary
// eighth of the rest (map order is random), so a full cache costs one sweep
// per max/8 insertions rather than one per insertion.
func (c *tokenCache) evict(now time.Time) {
	for k, e := range c.m {
		if !now.Before(e.exp) {
			delete(c.m, k)
		}
	}
	for k := range c.m {
		if len(c.m) < c.max-c.max/8 {
			return
		}
		delete(c.m, k)
	}
}
