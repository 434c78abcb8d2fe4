package network

import (
	"bytes"
	"crypto/rand"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/libp2p/go-libp2p/core/network"
	"github.com/libp2p/go-libp2p/core/peer"
	ma "github.com/multiformats/go-multiaddr"

	"github.com/tender-market/tender/pkg/auction"
)

// relayed reports whether n advertises an address through a relay.
func relayed(n *Node) bool {
	return slices.ContainsFunc(n.host.Addrs(), func(a ma.Multiaddr) bool {
		_, err := a.ValueForProtocol(ma.P_CIRCUIT)
		return err == nil
	})
}

// relayMarket starts a relay on loopback that stands for a public host:
// it announces a name libp2p takes for a public address (.internal), and
// the others reach it on loopback through their bootstrap address. It
// returns how to start a node behind NAT: it listens nowhere and takes a
// slot on the relay.
func relayMarket(t testing.TB) (behindNAT func(name string) *Node) {
	t.Helper()
	port := freePort(t)
	cfg := testConfig(t, "relay")
	cfg.RelayService = true
	cfg.ListenAddrs = []string{fmt.Sprintf("/ip4/127.0.0.1/tcp/%d", port)}
	cfg.AnnounceAddrs = []string{fmt.Sprintf("/dns4/relay.internal/tcp/%d", port)}
	relay := startNode(t, cfg)
	addr := peer.AddrInfo{ID: relay.ID(), Addrs: []ma.Multiaddr{ma.StringCast(cfg.ListenAddrs[0])}}
	return func(name string) *Node {
		cfg := testConfig(t, name)
		cfg.Bootstrap = []peer.AddrInfo{addr}
		cfg.NoListen, cfg.ListenAddrs, cfg.Reachability = true, nil, ReachabilityPrivate
		n := startNode(t, cfg)
		waitFor(t, waitLong, name+"'s relayed address", func() bool { return relayed(n) })
		return n
	}
}

// TestRelayedMarket: a tenant and a provider that listen nowhere (others
// reach them only through a relay, as nodes behind NAT) each take a slot
// on the bootstrap peer's relay and advertise it; the whole market path
// works between them: the order by gossip, the sealed bid to the tenant's
// auction, a lease stream's 8 MiB output download and a forward, each
// over a relayed connection.
func TestRelayedMarket(t *testing.T) {
	behindNAT := relayMarket(t)
	tenant, provider := behindNAT("tenant"), behindNAT("provider")
	for _, n := range []*Node{tenant, provider} {
		waitFor(t, waitLong, "a peer on the orders topic", func() bool { return len(n.orders.ListPeers()) > 0 })
	}

	// The order by gossip, the bid to the tenant's auction.
	tenantKey, provKey := testKey(t, 1), testKey(t, 100)
	orders := provider.Orders(t.Context())
	so := signOrder(t, testOrder(t, tenantKey, tenant.ID(), time.Now(), time.Minute), tenantKey)
	vo := verifyOrder(t, so)
	a, err := auction.NewAuction(testDomain, vo, nil)
	if err != nil {
		t.Fatal(err)
	}
	srv, err := tenant.ServeAuction(a, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Stop()
	if err := tenant.PublishOrder(ctxTimeout(t, waitLong), so); err != nil {
		t.Fatal(err)
	}
	if got := recv(t, orders, waitLong, "the order at the provider"); got.Hash != vo.Hash {
		t.Fatalf("provider got order %s, want %s", got.Hash.Hex(), vo.Hash.Hex())
	}
	sb := signBid(t, testBid(&vo, addrOf(provKey), provider.ID(), 500_000), provKey)
	if v, err := provider.SendBid(ctxTimeout(t, waitLong), &vo, sb); err != nil || v.Reason != auction.ReasonEligible {
		t.Fatalf("bid through the relay: %+v, %v", v, err)
	}
	if conns := provider.host.Network().ConnsToPeer(tenant.ID()); len(conns) == 0 || !isRelayed(conns[0]) {
		t.Errorf("the provider's connections to the tenant: %v, want one through the relay", conns)
	}

	// A lease stream: the output, downloaded through the relay.
	host := newMemLeaseHost()
	provider.ServeLeases(host)
	id := common.HexToHash("0x4e1a7")
	output := make([]byte, 8<<20)
	rand.Read(output)
	echo := startEcho(t)
	host.add(id, &memLease{tenant: addrOf(tenantKey), status: LeaseStatus{State: JobClosed}, output: output, services: map[uint16]string{8000: echo.addr}})
	lc := tenant.Lease(provider.AddrInfo(), id, auction.NewKeySigner(tenantKey))
	f, err := os.Create(filepath.Join(t.TempDir(), "output"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := lc.DownloadOutput(ctxTimeout(t, waitLong), f); err != nil {
		t.Fatalf("download through the relay: %v", err)
	}
	got, _ := os.ReadFile(f.Name())
	if !bytes.Equal(got, output) {
		t.Fatalf("downloaded %d bytes, not the %d-byte output", len(got), len(output))
	}

	// A forward through the relay.
	tun, err := lc.Forward(ctxTimeout(t, waitLong), 8000)
	if err != nil {
		t.Fatalf("forward through the relay: %v", err)
	}
	defer tun.Close()
	go func() {
		io.WriteString(tun, "through the relay")
		tun.CloseWrite()
	}()
	if back, err := io.ReadAll(tun); err != nil || string(back) != "through the relay" {
		t.Errorf("forward through the relay: %q, %v", back, err)
	}
}

// freePort is a TCP port on loopback nothing listens on now.
func freePort(t testing.TB) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// isRelayed reports whether c runs through a relay.
func isRelayed(c network.Conn) bool {
	_, err := c.RemoteMultiaddr().ValueForProtocol(ma.P_CIRCUIT)
	return err == nil
}

// BenchmarkRelayedDownload measures a lease's 64 MiB output downloaded by
// its tenant from its provider through a relay (both behind NAT, on
// loopback), next to the same download over a direct connection, in the
// same run (ratio: relayed over direct).
func BenchmarkRelayedDownload(b *testing.B) {
	const size = 64 << 20
	output := make([]byte, size)
	rand.Read(output)
	key := testKey(b, 1)
	id := common.HexToHash("0xd0a1")
	lease := func(tenant, provider *Node) *LeaseClient {
		host := newMemLeaseHost()
		provider.ServeLeases(host)
		host.add(id, &memLease{tenant: addrOf(key), status: LeaseStatus{State: JobClosed}, output: output})
		return tenant.Lease(provider.AddrInfo(), id, auction.NewKeySigner(key))
	}
	dp := startNode(b, testConfig(b, "direct-provider"))
	direct := lease(startNode(b, testConfig(b, "direct-tenant", dp)), dp)
	behindNAT := relayMarket(b)
	relayedClient := lease(behindNAT("nat-tenant"), behindNAT("nat-provider"))
	dir := b.TempDir()
	fetch := func(c *LeaseClient) time.Duration {
		path := filepath.Join(dir, "output")
		os.Remove(path)
		f, err := os.Create(path)
		if err != nil {
			b.Fatal(err)
		}
		defer f.Close()
		start := time.Now()
		if _, err := c.DownloadOutput(ctxTimeout(b, 5*time.Minute), f); err != nil {
			b.Fatal(err)
		}
		return time.Since(start)
	}
	fetch(direct)
	fetch(relayedClient)
	var d, r time.Duration
	b.SetBytes(size)
	b.ResetTimer()
	for range b.N {
		d += fetch(direct)
		r += fetch(relayedClient)
	}
	b.StopTimer()
	mbps := func(t time.Duration) float64 { return float64(b.N) * size / t.Seconds() / (1 << 20) }
	b.ReportMetric(mbps(r), "relayed-MiB/s")
	b.ReportMetric(mbps(d), "direct-MiB/s")
	b.ReportMetric(mbps(r)/mbps(d), "ratio")
	b.Logf("%d downloads of %d MiB: relayed %.0f MiB/s, direct %.0f MiB/s, ratio %.2f", b.N, size>>20, mbps(r), mbps(d), mbps(r)/mbps(d))
}
