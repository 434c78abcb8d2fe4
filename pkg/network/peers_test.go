package network

import (
	"crypto/rand"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/libp2p/go-libp2p/core/crypto"
	"github.com/libp2p/go-libp2p/core/peer"

	"github.com/tender-market/tender/internal/testenv"
	"github.com/tender-market/tender/pkg/auction"
)

// restartable is a node config that a test closes and starts again with
// the same identity, listen address and known peers.
func restartable(t *testing.T, name string, bootstrap ...*Node) Config {
	cfg := testConfig(t, name, bootstrap...)
	cfg.ListenAddrs = cfg.ListenAddrs[:1] // TCP only: its port is kept across restarts
	cfg.PeersFile = filepath.Join(filepath.Dir(cfg.KeyFile), name+".peers")
	return cfg
}

// again is cfg to start running node n again where it is: same identity,
// same TCP address. Take it before n closes.
func again(t *testing.T, cfg Config, n *Node) Config {
	t.Helper()
	cfg.ListenAddrs = nil
	for _, a := range n.host.Network().ListenAddresses() {
		cfg.ListenAddrs = append(cfg.ListenAddrs, a.String())
	}
	if len(cfg.ListenAddrs) == 0 {
		t.Fatal("the node listens nowhere")
	}
	return cfg
}

// hears waits until an order published by from reaches to.
func hears(t *testing.T, from *Node, key int, to <-chan auction.VerifiedOrder) {
	t.Helper()
	k := testKey(t, key)
	so := signOrder(t, testOrder(t, k, from.ID(), time.Now(), time.Minute), k)
	want := verifyOrder(t, so).Hash
	// The mesh may still be forming: publish again until it arrives.
	testenv.Eventually(t, waitLong, "the order across the market", func() (bool, string, error) {
		if err := from.PublishOrder(ctxTimeout(t, waitLong), so); err != nil {
			return false, "", err
		}
		for {
			select {
			case o := <-to:
				if o.Hash == want {
					return true, "", nil
				}
			case <-time.After(200 * time.Millisecond):
				return false, "not yet", nil
			}
		}
	})
}

// TestRestartedBootstrapPeerRejoined: a broker everyone bootstraps from
// restarts; it keeps its identity and address, so the provider that knew
// only it finds it again, says at WARN that it was alone meanwhile, and
// hears orders through it again.
func TestRestartedBootstrapPeerRejoined(t *testing.T) {
	brokerCfg := restartable(t, "broker")
	broker := startNode(t, brokerCfg)
	var logs testenv.Buffer
	provCfg := restartable(t, "provider", broker)
	provCfg.Logger = slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	defer func() {
		if t.Failed() {
			t.Logf("provider's log:\n%s", logs.String())
		}
	}()
	prov := startNode(t, provCfg)
	orders := prov.Orders(t.Context())
	hears(t, broker, 1, orders)

	brokerAgain := again(t, brokerCfg, broker)
	if err := broker.Close(); err != nil {
		t.Fatal(err)
	}
	testenv.Eventually(t, waitLong, "the provider to say it is alone", func() (bool, string, error) {
		return strings.Contains(logs.String(), "lost every market peer"), "", nil
	})
	restarted := startNode(t, brokerAgain)
	if restarted.ID() != broker.ID() {
		t.Fatalf("restarted broker is %s, was %s: its identity did not survive", restarted.ID(), broker.ID())
	}
	testenv.Eventually(t, waitLong, "the provider back in the market", func() (bool, string, error) {
		return strings.Contains(logs.String(), "back in the market"), "", nil
	})
	hears(t, restarted, 2, orders)
}

// TestBrieflyMetPeerMissed: a market peer that dials the provider and
// leaves again between two of its connection checks still counts, so the
// provider says at WARN that it is alone afterwards.
func TestBrieflyMetPeerMissed(t *testing.T) {
	var logs testenv.Buffer
	provCfg := testConfig(t, "provider")
	provCfg.BootstrapInterval = 3 * time.Second // the visit fits between two checks
	provCfg.Logger = slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	defer func() {
		if t.Failed() {
			t.Logf("provider's log:\n%s", logs.String())
		}
	}()
	prov := startNode(t, provCfg)
	visitor := startNode(t, testConfig(t, "visitor"))
	if err := visitor.host.Connect(ctxTimeout(t, waitLong), prov.AddrInfo()); err != nil {
		t.Fatal(err)
	}
	waitFor(t, waitLong, "the provider to identify the visitor", prov.metPeer.Load)
	if err := visitor.Close(); err != nil {
		t.Fatal(err)
	}
	testenv.Eventually(t, waitLong, "the provider to say it is alone", func() (bool, string, error) {
		return strings.Contains(logs.String(), "lost every market peer"), "", nil
	})
}

// TestKnownPeersOutliveBootstrap: a provider restarts while the broker it
// bootstrapped from is gone for good; it comes back into the market
// through a peer it met before, kept in its peers file, past garbage
// lines in that file.
func TestKnownPeersOutliveBootstrap(t *testing.T) {
	broker := startNode(t, restartable(t, "broker"))
	other := startNode(t, restartable(t, "other", broker))
	provCfg := restartable(t, "provider", broker)
	prov := startNode(t, provCfg)
	// Known as a market peer once identified (its protocols seen), not
	// when merely connected: only then does it go in the peers file.
	waitFor(t, waitLong, "the provider to meet the other peer through the broker", func() bool {
		return slices.ContainsFunc(prov.known.list(), func(ai peer.AddrInfo) bool { return ai.ID == other.ID() })
	})
	if err := prov.Close(); err != nil {
		t.Fatal(err)
	}
	if err := broker.Close(); err != nil {
		t.Fatal(err)
	}
	kept, err := os.ReadFile(provCfg.PeersFile)
	if err != nil {
		t.Fatalf("the provider kept no peers: %v", err)
	}
	if !strings.Contains(string(kept), other.ID().String()) {
		t.Fatalf("peers file lacks the other peer %s:\n%s", other.ID(), kept)
	}
	// Garbage an attacker with the file, or a bad disk, might leave: it is
	// skipped, and the file is read no further than its cap.
	junk := "not a multiaddr\n/ip4/127.0.0.1/tcp/1\n" + strings.Repeat("#", 1000) + "\n"
	if err := os.WriteFile(provCfg.PeersFile, []byte(junk+string(kept)), 0o600); err != nil {
		t.Fatal(err)
	}

	// On a new port, so the other peer, which knows the old one, cannot
	// be the one that dials.
	prov = startNode(t, provCfg)
	waitFor(t, waitLong, "the restarted provider back with the other peer", func() bool {
		return containsPeer(prov.Peers(), other.ID())
	})
	hears(t, other, 3, prov.Orders(t.Context()))
}

// TestPeersFileCapped: a peers file past its cap is read up to the cap,
// and a node keeps at most maxKnownPeers.
func TestPeersFileCapped(t *testing.T) {
	n := startNode(t, testConfig(t, "n"))
	path := filepath.Join(t.TempDir(), "peers")
	var b strings.Builder
	for range 3 * maxKnownPeers {
		other := nodelessPeer(t)
		b.WriteString("/ip4/127.0.0.1/tcp/9/p2p/" + other.String() + "\n")
	}
	b.WriteString(strings.Repeat("x", maxPeersFileBytes))
	if err := os.WriteFile(path, []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	got, err := n.readPeersFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != maxKnownPeers {
		t.Errorf("read %d peers, want the cap %d", len(got), maxKnownPeers)
	}
	var k knownPeers
	for i, ai := range got {
		k.note(ai.ID, ai.Addrs, time.Unix(int64(i), 0))
	}
	newest := nodelessPeer(t)
	k.note(newest, got[0].Addrs, time.Unix(1000, 0))
	l := k.list()
	if len(l) != maxKnownPeers || l[0].ID != newest {
		t.Errorf("known peers: %d, newest %s; want %d, newest %s", len(l), l[0].ID, maxKnownPeers, newest)
	}
	for _, ai := range l {
		if ai.ID == got[0].ID {
			t.Errorf("the least recently seen peer %s is still known", ai.ID)
		}
	}
}

// nodelessPeer is a new peer ID with no node behind it.
func nodelessPeer(t *testing.T) peer.ID {
	t.Helper()
	key, _, err := crypto.GenerateEd25519Key(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	id, err := peer.IDFromPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// TestIdentityHeldByOneNode: a second node refuses an identity file a
// running node holds, and takes it once that node has closed.
func TestIdentityHeldByOneNode(t *testing.T) {
	cfg := testConfig(t, "first")
	first := startNode(t, cfg)
	if _, err := New(t.Context(), cfg); err == nil || !strings.Contains(err.Error(), "in use by another running node") {
		t.Fatalf("second node on the same identity: %v, want it refused", err)
	}
	if err := first.Close(); err != nil {
		t.Fatal(err)
	}
	second := startNode(t, cfg)
	if second.ID() != first.ID() {
		t.Errorf("second node is %s, want the identity %s", second.ID(), first.ID())
	}
}
