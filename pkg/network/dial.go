package network

import (
	"time"

	"github.com/libp2p/go-libp2p/core/network"
	"github.com/libp2p/go-libp2p/p2p/net/swarm"
	ma "github.com/multiformats/go-multiaddr"
)

// quicAfterTCP is how long a dial waits for TCP before it tries a peer's
// QUIC addresses too.
const quicAfterTCP = 250 * time.Millisecond

// tcpFirst ranks a peer's addresses for dialing: TCP (and anything else
// but QUIC) as libp2p ranks them, then QUIC a little later, where libp2p
// prefers QUIC. The market's path, an order gossiped to every provider and
// a bid back from each, had a lower p99 on TCP than on QUIC on a busy
// machine (BenchmarkOrderToBids, README): QUIC runs its congestion control
// and acknowledgements in the process, and a busy node has no CPU to
// spare. A peer with QUIC addresses alone is dialed at once; hole punching
// dials every address at once whatever the ranking.
func tcpFirst(addrs []ma.Multiaddr) []network.AddrDelay {
	var quic, rest []ma.Multiaddr
	for _, a := range addrs {
		if isQUIC(a) {
			quic = append(quic, a)
		} else {
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
	return ranked
}

// isQUIC reports whether a is a direct QUIC address (not through a relay).
func isQUIC(a ma.Multiaddr) bool {
	quic, relay := false, false
	for _, c := range a {
		switch c.Protocol().Code {
		case ma.P_QUIC_V1, ma.P_QUIC:
			quic = true
		case ma.P_CIRCUIT:
			relay = true
		}
	}
	return quic && !relay
}
