package ratelimit

import (
	"net/http"
	"net/netip"
	"strings"
)

// Proxies are the networks of the reverse proxies in front of the service
// (TRUSTED_PROXIES). Only a request that comes from one of them may name
// its client in a forwarding header.
type Proxies []netip.Prefix

// ClientAddr is the address a request is counted against: the peer's, or,
// when the peer is a trusted proxy, the last address in X-Forwarded-For
// (or, without one, Forwarded) that is not a trusted proxy: the one the
// outermost trusted proxy saw. Addresses to its left were written by the
// client and prove nothing. An IPv6 client is counted by its /64, which a
// single host can usually draw addresses from at will.
func (p Proxies) ClientAddr(r *http.Request) string {
	peer := hostAddr(r.RemoteAddr)
	addr := peer
	if peer.IsValid() && p.trusts(peer) {
		addr = p.forwarded(r.Header, peer)
	}
	if !addr.IsValid() {
		return r.RemoteAddr // not an IP (a unix socket, a test): count it as given
	}
	if addr.Is6() {
		net, _ := addr.WithZone("").Prefix(64) // never fails for an IPv6 address and 64
		return net.String()
	}
	return addr.String()
}

func (p Proxies) trusts(a netip.Addr) bool {
	for _, n := range p {
		if n.Contains(a) {
			return true
		}
	}
	return false
}

// forwarded walks the forwarding header from the right, past trusted
// proxies; all of them trusted (or a header that can't be read) leaves the
// leftmost readable address, or the peer.
func (p Proxies) forwarded(h http.Header, peer netip.Addr) netip.Addr {
	values, parse := h.Values("X-Forwarded-For"), xffAddr
	if len(values) == 0 {
		values, parse = h.Values("Forwarded"), forwardedAddr
	}
	addr := peer
	for i := len(values) - 1; i >= 0; i-- {
		items := strings.Split(values[i], ",")
		for j := len(items) - 1; j >= 0; j-- {
			a := parse(items[j])
			if !a.IsValid() {
				return addr // unreadable: stop at what the proxies vouch for
			}
			addr = a
			if !p.trusts(a) {
				return a
			}
		}
	}
	return addr
}

// xffAddr reads one X-Forwarded-For item: an address, perhaps with a port.
func xffAddr(item string) netip.Addr {
	return hostAddr(strings.TrimSpace(item))
}

// forwardedAddr reads the for= parameter of one Forwarded element (RFC 7239):
// for=192.0.2.60, for="[2001:db8::1]:4711"; obfuscated or unknown ones
// are not addresses.
func forwardedAddr(element string) netip.Addr {
	for _, pair := range strings.Split(element, ";") {
		k, v, _ := strings.Cut(strings.TrimSpace(pair), "=")
		if strings.EqualFold(k, "for") {
			return hostAddr(strings.Trim(v, `"`))
		}
	}
	return netip.Addr{}
}

// hostAddr reads "ip", "ip:port", "[ipv6]" or "[ipv6]:port".
func hostAddr(s string) netip.Addr {
	if ap, err := netip.ParseAddrPort(s); err == nil {
		return ap.Addr().Unmap()
	}
	a, err := netip.ParseAddr(strings.TrimSuffix(strings.TrimPrefix(s, "["), "]"))
	if err != nil {
		return netip.Addr{}
	}
	return a.Unmap()
}
