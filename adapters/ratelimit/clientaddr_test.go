package ratelimit

import (
	"net/http/httptest"
	"net/netip"
	"testing"
)

func TestClientAddr(t *testing.T) {
	t.Parallel()
	proxies := Proxies{netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("fd00::/8")}
	for _, tc := range []struct {
		name, remote, xff, fwd, want string
		trusted                      Proxies
	}{
		{"OKPeer", "192.0.2.1:5555", "", "", "192.0.2.1", proxies},
		{"OKPeerMappedIPv4", "[::ffff:192.0.2.1]:5555", "", "", "192.0.2.1", proxies},
		{"OKPeerIPv6By64", "[2001:db8:1:2:3:4:5:6]:5555", "", "", "2001:db8:1:2::/64", proxies},
		{"OKUntrustedPeerHeaderIgnored", "192.0.2.1:5555", "198.51.100.9", "for=198.51.100.9", "192.0.2.1", proxies},
		{"OKNoProxiesTrusted", "10.1.1.1:5555", "198.51.100.9", "", "10.1.1.1", nil},
		{"OKTrustedProxyXFF", "10.1.1.1:5555", "198.51.100.9", "", "198.51.100.9", proxies},
		{"OKRightmostUntrusted", "10.1.1.1:5555", "6.6.6.6, 198.51.100.9, 10.2.2.2", "", "198.51.100.9", proxies},
		{"OKXFFWithPort", "10.1.1.1:5555", "198.51.100.9:1234", "", "198.51.100.9", proxies},
		{"OKXFFIPv6", "10.1.1.1:5555", "2001:db8::1", "", "2001:db8::/64", proxies},
		{"OKAllTrusted", "10.1.1.1:5555", "10.3.3.3, 10.2.2.2", "", "10.3.3.3", proxies},
		{"OKUnreadableStopsAtProxy", "10.1.1.1:5555", "198.51.100.9, garbage", "", "10.1.1.1", proxies},
		{"OKForwarded", "10.1.1.1:5555", "", `for=6.6.6.6, for=198.51.100.9;proto=https;by=10.1.1.1`, "198.51.100.9", proxies},
		{"OKForwardedIPv6Quoted", "[fd00::1]:5555", "", `for="[2001:db8::7]:4711"`, "2001:db8::/64", proxies},
		{"OKForwardedObfuscated", "10.1.1.1:5555", "", `for=_hidden`, "10.1.1.1", proxies},
		{"OKXFFBeforeForwarded", "10.1.1.1:5555", "198.51.100.9", "for=6.6.6.6", "198.51.100.9", proxies},
		{"OKNotAnIP", "@", "198.51.100.9", "", "@", proxies},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := httptest.NewRequest("GET", "/api/u/tasks", nil)
			r.RemoteAddr = tc.remote
			if tc.xff != "" {
				r.Header.Set("X-Forwarded-For", tc.xff)
			}
			if tc.fwd != "" {
				r.Header.Set("Forwarded", tc.fwd)
			}
			if got := tc.trusted.ClientAddr(r); got != tc.want {
				t.Errorf("ClientAddr = %q, want %q", got, tc.want)
			}
		})
	}
}

// Two X-Forwarded-For headers read as one list, in order.
func TestClientAddr_SeveralHeaders(t *testing.T) {
	t.Parallel()
	r := httptest.NewRequest("GET", "/", nil)
	r.RemoteAddr = "10.1.1.1:5555"
	r.Header.Add("X-Forwarded-For", "6.6.6.6")
	r.Header.Add("X-Forwarded-For", "198.51.100.9, 10.9.9.9")
	if got := (Proxies{netip.MustParsePrefix("10.0.0.0/8")}).ClientAddr(r); got != "198.51.100.9" {
		t.Errorf("ClientAddr = %q", got)
	}
}
