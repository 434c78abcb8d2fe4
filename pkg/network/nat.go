package network

import (
	"fmt"
	"time"

	"github.com/libp2p/go-libp2p"
	"github.com/libp2p/go-libp2p/core/peer"
	relayv2 "github.com/libp2p/go-libp2p/p2p/protocol/circuitv2/relay"
	ma "github.com/multiformats/go-multiaddr"
)

// A node behind NAT is reached through a relay: it learns that it is
// private (AutoNAT, or Config.Reachability), reserves a slot on its relays
// (circuit relay v2: its bootstrap peers and Config.Relays) and advertises
// the relayed address; peers that dial it there try to upgrade to a direct
// connection by hole punching (DCUtR), and otherwise stay relayed. Every
// market stream may run on a relayed connection (openStream allows
// limited connections).

// Reachability is whether others can dial a node directly.
type Reachability string

// Reachabilities a node may be told it has.
const (
	ReachabilityPublic  Reachability = "public"
	ReachabilityPrivate Reachability = "private"
)

// ParseReachability reads "", "auto", "public" or "private".
func ParseReachability(s string) (Reachability, error) {
	switch s {
	case "", "auto":
		return "", nil
	case string(ReachabilityPublic), string(ReachabilityPrivate):
		return Reachability(s), nil
	}
	return "", fmt.Errorf("reachability %q: want auto, public or private", s)
}

// RelayLimits are what a relay offered with Config.RelayService carries
// for one relayed connection, and how many it holds. A relayed lease
// stream carries a job's input and output, so the data limit is generous;
// the counts are strict.
var RelayLimits = relayv2.Resources{
	Limit:                  &relayv2.RelayLimit{Duration: time.Hour, Data: 1 << 30},
	ReservationTTL:         time.Hour,
	MaxReservations:        256,
	MaxCircuits:            16,
	BufferSize:             32 << 10,
	MaxReservationsPerPeer: 1,
	MaxReservationsPerIP:   8,
	MaxReservationsPerASN:  32,
}

// parseAddrs reads multiaddrs.
func parseAddrs(addrs []string) ([]ma.Multiaddr, error) {
	out := make([]ma.Multiaddr, 0, len(addrs))
	for _, a := range addrs {
		m, err := ma.NewMultiaddr(a)
		if err != nil {
			return nil, fmt.Errorf("announce address %q: %w", a, err)
		}
		out = append(out, m)
	}
	return out, nil
}

// RelayLimitsText says RelayLimits in words, for help texts.
func RelayLimitsText() string {
	r := RelayLimits
	return fmt.Sprintf("at most %d reservations, %d circuits a peer, %d reservations an IP, each relayed connection at most %d MiB each way and %s",
		r.MaxReservations, r.MaxCircuits, r.MaxReservationsPerIP, r.Limit.Data>>20, r.Limit.Duration)
}

// natOptions are the host's options for NAT traversal.
func (n *Node) natOptions() []libp2p.Option {
	opts := []libp2p.Option{libp2p.EnableRelay(), libp2p.EnableHolePunching()}
	relays := append([]peer.AddrInfo(nil), n.cfg.Bootstrap...)
	relays = append(relays, n.cfg.Relays...)
	if len(relays) > 0 {
		opts = append(opts, libp2p.EnableAutoRelayWithStaticRelays(relays))
	}
	if n.cfg.RelayService {
		opts = append(opts, libp2p.EnableRelayService(relayv2.WithResources(RelayLimits)), libp2p.EnableNATService())
	}
	reach := n.cfg.Reachability
	if reach == "" && n.cfg.RelayService {
		// A relay is public by its operator's word; libp2p runs its
		// relay service only on a node it takes for public.
		reach = ReachabilityPublic
	}
	switch reach {
	case ReachabilityPrivate:
		opts = append(opts, libp2p.ForceReachabilityPrivate())
	case ReachabilityPublic:
		opts = append(opts, libp2p.ForceReachabilityPublic())
	}
	return opts
}
