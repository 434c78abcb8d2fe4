package network

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/libp2p/go-libp2p/core/event"
	"github.com/libp2p/go-libp2p/core/network"
	"github.com/libp2p/go-libp2p/core/peer"
	"github.com/libp2p/go-libp2p/core/peerstore"
	"github.com/libp2p/go-libp2p/p2p/net/swarm"
	ma "github.com/multiformats/go-multiaddr"
)

// Known peers: the market peers a node has been connected to, kept in
// Config.PeersFile across restarts, so that a node finds its way back into
// the market when its bootstrap peers are gone or have moved, as long as
// one peer it knew is up.

const (
	// maxKnownPeers caps the peers a node remembers; the least recently
	// seen go first.
	maxKnownPeers = 64
	// maxPeersFileBytes caps what a node reads of its peers file.
	maxPeersFileBytes = 64 << 10
	// aloneBackoff is how far re-dialing slows, in BootstrapIntervals,
	// while the node has no peer.
	aloneBackoff = 4
)

// knownPeers are the market peers a node remembers, with their addresses.
type knownPeers struct {
	mu      sync.Mutex
	peers   map[peer.ID]knownPeer
	changed bool
}

type knownPeer struct {
	addrs []ma.Multiaddr
	seen  time.Time
}

// note remembers p at addrs, seen at now, dropping the least recently seen
// peer beyond maxKnownPeers.
func (k *knownPeers) note(p peer.ID, addrs []ma.Multiaddr, now time.Time) {
	if len(addrs) == 0 {
		return
	}
	// In a fixed order, so that the same addresses are not news.
	addrs = slices.SortedFunc(slices.Values(addrs), func(a, b ma.Multiaddr) int { return strings.Compare(a.String(), b.String()) })
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.peers == nil {
		k.peers = map[peer.ID]knownPeer{}
	}
	old, ok := k.peers[p]
	k.changed = k.changed || !ok || !slices.EqualFunc(old.addrs, addrs, ma.Multiaddr.Equal)
	k.peers[p] = knownPeer{addrs: addrs, seen: now}
	for len(k.peers) > maxKnownPeers {
		var oldest peer.ID
		var at time.Time
		for id, kp := range k.peers {
			if oldest == "" || kp.seen.Before(at) {
				oldest, at = id, kp.seen
			}
		}
		delete(k.peers, oldest)
		k.changed = true
	}
}

// list is the known peers, most recently seen first.
func (k *knownPeers) list() []peer.AddrInfo {
	k.mu.Lock()
	defer k.mu.Unlock()
	ids := make([]peer.ID, 0, len(k.peers))
	for id := range k.peers {
		ids = append(ids, id)
	}
	slices.SortFunc(ids, func(a, b peer.ID) int { return k.peers[b].seen.Compare(k.peers[a].seen) })
	out := make([]peer.AddrInfo, len(ids))
	for i, id := range ids {
		out[i] = peer.AddrInfo{ID: id, Addrs: k.peers[id].addrs}
	}
	return out
}

// encode writes the known peers one multiaddr a line (ending in /p2p/<ID>),
// most recently seen first, and clears the changed mark.
func (k *knownPeers) encode() []byte {
	var b bytes.Buffer
	b.WriteString("# market peers this node has known, most recently seen first; rewritten by the node\n")
	for _, ai := range k.list() {
		addrs, err := peer.AddrInfoToP2pAddrs(&ai)
		if err != nil {
			continue
		}
		for _, a := range addrs {
			b.WriteString(a.String())
			b.WriteByte('\n')
		}
	}
	k.mu.Lock()
	k.changed = false
	k.mu.Unlock()
	return b.Bytes()
}

// readPeersFile reads the peers a node kept in path: none when the file
// does not exist. Lines that are not a multiaddr ending in /p2p/<ID> are
// skipped with a warning; past maxPeersFileBytes the file is not read.
func (n *Node) readPeersFile(path string) ([]peer.AddrInfo, error) {
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read known peers: %w", err)
	}
	defer f.Close()
	var addrs []ma.Multiaddr
	sc := bufio.NewScanner(io.LimitReader(f, maxPeersFileBytes))
	for line := 1; sc.Scan(); line++ {
		text := strings.TrimSpace(sc.Text())
		if text == "" || strings.HasPrefix(text, "#") {
			continue
		}
		a, err := ma.NewMultiaddr(text)
		if err == nil {
			_, err = peer.AddrInfoFromP2pAddr(a)
		}
		if err != nil {
			n.log.Warn("known peers file: skipping a line that is not a multiaddr ending in /p2p/<peer ID>", "path", path, "line", line, "err", err)
			continue
		}
		addrs = append(addrs, a)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read known peers %s: %w", path, err)
	}
	infos, err := peer.AddrInfosFromP2pAddrs(addrs...)
	if err != nil {
		return nil, fmt.Errorf("read known peers %s: %w", path, err)
	}
	infos = slices.DeleteFunc(infos, func(ai peer.AddrInfo) bool { return ai.ID == n.host.ID() })
	if len(infos) > maxKnownPeers {
		infos = infos[:maxKnownPeers]
	}
	return infos, nil
}

// writePeersFile replaces path with data, atomically (mode 0600).
func writePeersFile(path string, data []byte) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return fmt.Errorf("write known peers: %w", err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), filepath.Base(path)+".*")
	if err != nil {
		return fmt.Errorf("write known peers: %w", err)
	}
	_, err = tmp.Write(data)
	if err == nil {
		err = tmp.Chmod(0o600)
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	if err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("write known peers: %w", err)
	}
	return nil
}

// savePeers writes the known peers to Config.PeersFile when they changed.
func (n *Node) savePeers() {
	if n.cfg.PeersFile == "" {
		return
	}
	n.known.mu.Lock()
	changed := n.known.changed
	n.known.mu.Unlock()
	if !changed {
		return
	}
	if err := writePeersFile(n.cfg.PeersFile, n.known.encode()); err != nil {
		n.log.Warn("could not keep the known peers", "path", n.cfg.PeersFile, "err", err)
	}
}

// watchPeers remembers each market peer (one that speaks the market's bid
// protocol) as the node identifies it, with the addresses it has for it,
// until ctx ends: no polling of every peer.
func (n *Node) watchPeers(ctx context.Context, sub event.Subscription) {
	defer sub.Close()
	for {
		select {
		case <-ctx.Done():
			return
		case e, ok := <-sub.Out():
			if !ok {
				return
			}
			ev := e.(event.EvtPeerIdentificationCompleted)
			if slices.Contains(ev.Protocols, ProtocolBid) {
				n.known.note(ev.Peer, n.host.Peerstore().Addrs(ev.Peer), n.now())
				n.metPeer.Store(true)
			}
		}
	}
}

// notePeers remembers the market peers the node is connected to (those
// that speak the market's bid protocol) with the addresses it has for them,
// as seen now: when the node closes.
func (n *Node) notePeers() int {
	now := n.now()
	peers := n.host.Network().Peers()
	for _, p := range peers {
		if ok, err := n.host.Peerstore().SupportsProtocols(p, ProtocolBid); err != nil || len(ok) == 0 {
			continue
		}
		n.known.note(p, n.host.Peerstore().Addrs(p), now)
	}
	return len(peers)
}

// keepConnected keeps the node in the market. At start it dials its
// bootstrap peers and the peers it knew before (Config.PeersFile); then,
// every BootstrapInterval, it re-dials the bootstrap peers it is not
// connected to and remembers the market peers it is connected to. A node
// that loses every peer says so at WARN and dials every market peer it
// knows, bootstrap or not, backing off up to aloneBackoff
// BootstrapIntervals, until one answers.
func (n *Node) keepConnected(ctx context.Context) {
	defer n.savePeers()
	boot := n.bootstrapPeers()
	if n.cfg.PeersFile != "" {
		kept, err := n.readPeersFile(n.cfg.PeersFile)
		if err != nil {
			n.log.Warn("could not read the known peers", "err", err)
		}
		for _, ai := range kept {
			n.host.Peerstore().AddAddrs(ai.ID, ai.Addrs, peerstore.RecentlyConnectedAddrTTL)
			n.known.note(ai.ID, ai.Addrs, time.Time{})
		}
		if len(kept) > 0 {
			n.log.Info("dialing the market peers known from before", "peers", len(kept))
		}
	}
	wait, alone, hadPeers := n.cfg.BootstrapInterval, false, false
	t := time.NewTimer(0)
	defer t.Stop()
	for first := true; ; first = false {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		hadPeers = hadPeers || n.metPeer.Load()
		switch connected := len(n.host.Network().Peers()); {
		case connected > 0:
			if alone {
				n.log.Info("back in the market", "peers", connected)
			}
			alone, wait = false, n.cfg.BootstrapInterval
			n.dial(ctx, boot)
		case first:
			n.dial(ctx, mergePeers(boot, n.known.list()))
		default:
			candidates := mergePeers(boot, n.known.list())
			if hadPeers && !alone {
				n.log.Warn("lost every market peer; re-dialing the peers it knows", "known", len(candidates))
			}
			alone = true
			n.dial(ctx, candidates)
		}
		if len(n.host.Network().Peers()) > 0 {
			hadPeers = true
		} else if !first {
			wait = min(2*wait, aloneBackoff*n.cfg.BootstrapInterval)
		}
		n.savePeers()
		t.Reset(wait)
	}
}

// mergePeers is a then those of b not in a.
func mergePeers(a, b []peer.AddrInfo) []peer.AddrInfo {
	out := slices.Clone(a)
	for _, ai := range b {
		if !slices.ContainsFunc(a, func(x peer.AddrInfo) bool { return x.ID == ai.ID }) {
			out = append(out, ai)
		}
	}
	return out
}

// dial connects to those of peers the node is not connected to, at once.
func (n *Node) dial(ctx context.Context, peers []peer.AddrInfo) {
	var wg sync.WaitGroup
	defer wg.Wait()
	for _, p := range peers {
		if p.ID == n.host.ID() || n.host.Network().Connectedness(p.ID) == network.Connected {
			continue
		}
		// These peers are configured or known, not discovered: retry them
		// on our period, not the swarm's growing dial backoff.
		if sw, ok := n.host.Network().(*swarm.Swarm); ok {
			sw.Backoff().Clear(p.ID)
		}
		wg.Go(func() {
			dctx, cancel := context.WithTimeout(ctx, n.cfg.StreamTimeout)
			defer cancel()
			if err := n.host.Connect(dctx, p); err != nil {
				n.log.Debug("market peer unreachable", "peer", p.ID, "err", err)
				return
			}
			n.log.Debug("connected to market peer", "peer", p.ID)
		})
	}
}
