package network

import (
	"time"

	"github.com/libp2p/go-libp2p/core/network"
	"github.com/libp2p/go-libp2p/p2p/net/swarm"
	ma "github.com/multiformats/go-multiaddr"
	manet "github.com/multiformats/go-multiaddr/net"
)

// quicAfterTCP is how long a dial waits for TCP before it tries a peer's
// QUIC addresses too.
const quicAfterTCP = 250 * time.Millisecond

// tcpFirst ranks a peer's addresses for dialing. Private ones (loopback
// and local networks) go TCP first, QUIC a little later, where libp2p
// prefers QUIC: the market's path, an order gossiped to every provider and
// a bid back from each, had a lower p99 on TCP than on QUIC on a busy
// machine (BenchmarkOrderToBids, README). QUIC runs its congestion control
// and acknowledgements in the process, and a busy node has no CPU to
// spare. Public addresses keep libp2p's order, QUIC first: across the
// Internet its one-round-trip handshake counts for more, and a node behind
// NAT learns its QUIC address from its connections to public peers, which
// hole punching needs (it gets through NATs far more often over QUIC than
// over TCP). A peer with QUIC addresses alone is dialed at once, and hole
// punching dials every address at once whatever the ranking.
func tcpFirst(addrs []ma.Multiaddr) []network.AddrDelay {
	var quic, rest, public []ma.Multiaddr
	for _, a := range addrs {
		switch {
		case !manet.IsPrivateAddr(a) || isRelay(a):
			public = append(public, a)
		case isQUIC(a):
			quic = append(quic, a)
		default:
			rest = append(rest, a)
		}
	}
	if len(rest) == 0 || len(quic) == 0 {
		return swarm.DefaultDialRanker(addrs)
	}
	ranked := swarm.DefaultDialRanker(rest)
	var last time.Duration
	for _, r := range ranked {
		last = max(last, r.Delay)
	}
	for _, r := range swarm.DefaultDialRanker(quic) {
		r.Delay += last + quicAfterTCP
		ranked = append(ranked, r)
	}
	if len(public) > 0 {
		ranked = append(ranked, swarm.DefaultDialRanker(public)...)
	}
	return ranked
}

// isQUIC reports whether a is a direct QUIC address (not through a relay).
func isQUIC(a ma.Multiaddr) bool {
	quic := false
	for _, c := range a {
		if c.Protocol().Code == ma.P_QUIC_V1 || c.Protocol().Code == ma.P_QUIC {
			quic = true
		}
	}
	return quic && !isRelay(a)
}

// isRelay reports whether a goes through a relay.
func isRelay(a ma.Multiaddr) bool {
	for _, c := range a {
		if c.Protocol().Code == ma.P_CIRCUIT {
			return true
		}
	}
	return false
}
