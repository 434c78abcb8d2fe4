package network

import (
	"testing"
	"time"

	ma "github.com/multiformats/go-multiaddr"
)

func TestTCPFirstRanking(t *testing.T) {
	tcp := ma.StringCast("/ip4/127.0.0.1/tcp/4001")
	tcp6 := ma.StringCast("/ip6/::1/tcp/4001")
	quic := ma.StringCast("/ip4/127.0.0.1/udp/4001/quic-v1")
	relayed := ma.StringCast("/ip4/192.0.2.1/udp/4001/quic-v1/p2p/12D3KooWDpJ7As7BWAwRMfu1VU2WCqNjvq387JEYKDBj4kx6nXTN/p2p-circuit")
	delays := func(addrs ...ma.Multiaddr) map[string]time.Duration {
		d := map[string]time.Duration{}
		for _, r := range tcpFirst(addrs) {
			d[r.Addr.String()] = r.Delay
		}
		if len(d) != len(addrs) {
			t.Fatalf("ranked %d of %d addresses", len(d), len(addrs))
		}
		return d
	}
	d := delays(quic, tcp, tcp6)
	if d[tcp.String()] >= d[quic.String()] || d[tcp6.String()] >= d[quic.String()] {
		t.Errorf("delays %v: want every TCP address dialed before QUIC", d)
	}
	if d[quic.String()] < quicAfterTCP {
		t.Errorf("QUIC after %s, want at least %s", d[quic.String()], quicAfterTCP)
	}
	if d := delays(quic); d[quic.String()] != 0 {
		t.Errorf("a peer with QUIC alone waits %s, want 0", d[quic.String()])
	}
	// Public addresses keep libp2p's order, QUIC first: hole punching
	// needs the QUIC addresses that connections to public peers teach.
	pubTCP := ma.StringCast("/ip4/198.51.100.7/tcp/4001")
	pubQUIC := ma.StringCast("/ip4/198.51.100.7/udp/4001/quic-v1")
	if d := delays(pubTCP, pubQUIC, tcp, quic); d[pubQUIC.String()] >= d[pubTCP.String()] || d[tcp.String()] >= d[quic.String()] {
		t.Errorf("delays %v: want public QUIC before public TCP, and private TCP before private QUIC", d)
	}
	// A relay address over QUIC is a relay address: after the direct ones.
	public := ma.StringCast("/ip4/198.51.100.7/tcp/4001")
	if d := delays(relayed, public); d[relayed.String()] <= d[public.String()] {
		t.Errorf("delays %v: want the relay after the direct TCP address", d)
	}
}

// TestNodesConnectOverTCP: two nodes on loopback that both listen on TCP
// and QUIC end up on TCP, the market's measured choice there.
func TestNodesConnectOverTCP(t *testing.T) {
	a := startNode(t, testConfig(t, "a"))
	b := startNode(t, testConfig(t, "b", a))
	waitFor(t, waitLong, "a connection", func() bool { return len(b.host.Network().ConnsToPeer(a.ID())) > 0 })
	for _, c := range b.host.Network().ConnsToPeer(a.ID()) {
		if isQUIC(c.RemoteMultiaddr()) {
			t.Errorf("connection over %s, want TCP", c.RemoteMultiaddr())
		}
	}
}
