package jwtauth

import (
	"context"
	"sync"

	"github.com/MicahParks/jwkset"
)

// flights coalesces concurrent lookups of the same unknown kid. Right after a
// rotation a frontend sends many requests with the new kid at once; without
// this each would spend a token of the unknown-kid limiter, and those past
// its burst would be refused although the key is there.
type flights struct {
	mu sync.Mutex
	m  map[string]*flight
}

type flight struct {
	done chan struct{}
	jwk  jwkset.JWK
	err  error
}

// do runs fn once for all callers asking for kid at the same time. A caller
// whose ctx ends stops waiting; the fetch goes on for the others.
func (g *flights) do(ctx context.Context, kid string, fn func() (jwkset.JWK, error)) (jwkset.JWK, error) {
	g.mu.Lock()
	f, ok := g.m[kid]
	if !ok {
		if g.m == nil {
			g.m = make(map[string]*flight)
		}
		f = &flight{done: make(chan struct{})}
		g.m[kid] = f
		go g.run(kid, f, fn)
	}
	g.mu.Unlock()

	select {
	case <-f.done:
		return f.jwk, f.err
	case <-ctx.Done():
		return jwkset.JWK{}, ctx.Err()
	}
}

func (g *flights) run(kid string, f *flight, fn func() (jwkset.JWK, error)) {
	f.jwk, f.err = fn()
	g.mu.Lock()
	delete(g.m, kid)
	g.mu.Unlock()
	close(f.done)
}
