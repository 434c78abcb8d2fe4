package network

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/libp2p/go-libp2p/core/discovery"
	"github.com/libp2p/go-libp2p/core/network"
	"github.com/libp2p/go-libp2p/core/peer"
	drouting "github.com/libp2p/go-libp2p/p2p/discovery/routing"
)

// discoveryLoop advertises the node under the market's rendezvous in the
// DHT and connects to market peers it finds there, every
// DiscoveryInterval. Until the first advertisement succeeds (the DHT needs
// a peer first) it retries sooner. Peers found by mDNS are connected as
// they come.
func (n *Node) discoveryLoop(ctx context.Context) {
	rd := drouting.NewRoutingDiscovery(n.dht)
	ns := Rendezvous(n.domain)
	const firstRetry = 100 * time.Millisecond
	retry := firstRetry
	var advertisedUntil time.Time
	t := time.NewTimer(0)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case ai := <-n.mdnsFound:
			n.connect(ctx, ai)
			continue
		case <-t.C:
		}
		wait := n.cfg.DiscoveryInterval
		if time.Now().After(advertisedUntil) {
			ttl, err := rd.Advertise(ctx, ns)
			if err != nil {
				n.log.Debug("advertise in the DHT", "err", err)
				wait = min(retry, wait)
				retry = min(2*retry, n.cfg.DiscoveryInterval)
			} else {
				advertisedUntil = time.Now().Add(ttl / 2)
				retry = firstRetry
			}
		}
		if n.dht.RoutingTable().Size() > 0 {
			n.findPeers(ctx, rd, ns)
		}
		t.Reset(wait)
	}
}

// findPeers connects to market peers advertised in the DHT, while the node
// has fewer connections than the connection manager's low water mark.
func (n *Node) findPeers(ctx context.Context, rd *drouting.RoutingDiscovery, ns string) {
	fctx, cancel := context.WithTimeout(ctx, n.cfg.StreamTimeout)
	defer cancel()
	found, err := rd.FindPeers(fctx, ns, discovery.Limit(n.cfg.ConnLow))
	if err != nil {
		n.log.Debug("find market peers", "err", err)
		return
	}
	var wg sync.WaitGroup
	defer wg.Wait()
	sem := make(chan struct{}, 8)
	for ai := range found {
		if len(n.host.Network().Peers()) >= n.cfg.ConnLow {
			return
		}
		if ai.ID == n.host.ID() || len(ai.Addrs) == 0 || n.host.Network().Connectedness(ai.ID) == network.Connected {
			continue
		}
		select {
		case sem <- struct{}{}:
		case <-fctx.Done():
			return
		}
		wg.Go(func() {
			defer func() { <-sem }()
			n.connect(fctx, ai)
		})
	}
}

func (n *Node) connect(ctx context.Context, ai peer.AddrInfo) {
	if ai.ID == n.host.ID() {
		return
	}
	cctx, cancel := context.WithTimeout(ctx, n.cfg.StreamTimeout)
	defer cancel()
	if err := n.host.Connect(cctx, ai); err != nil {
		n.log.Debug("connect to market peer", "peer", ai.ID, "err", err)
		return
	}
	n.log.Debug("connected to market peer", "peer", ai.ID)
}

// mdnsNotifee hands peers found on the LAN to the discovery loop.
type mdnsNotifee struct {
	found chan<- peer.AddrInfo
}

func (m mdnsNotifee) HandlePeerFound(ai peer.AddrInfo) {
	select {
	case m.found <- ai:
	default: // the loop is busy; the peer will announce itself again
	}
}

// MarketPeers looks up the peers advertised under the market's rendezvous
// in the DHT, up to limit of them, this node excluded.
func (n *Node) MarketPeers(ctx context.Context, limit int) ([]peer.AddrInfo, error) {
	rd := drouting.NewRoutingDiscovery(n.dht)
	found, err := rd.FindPeers(ctx, Rendezvous(n.domain), discovery.Limit(limit+1))
	if err != nil {
		return nil, fmt.Errorf("find market peers: %w", err)
	}
	var out []peer.AddrInfo
	for ai := range found {
		if ai.ID != n.host.ID() && len(out) < limit {
			out = append(out, ai)
		}
	}
	return out, ctx.Err()
}
