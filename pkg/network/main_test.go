package network

import (
	"context"
	"crypto/ecdsa"
	"fmt"
	"math/big"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/libp2p/go-libp2p/core/peer"
	"go.uber.org/goleak"

	"github.com/tender-market/tender/internal/testenv"
	"github.com/tender-market/tender/pkg/auction"
)

// Tests run many real libp2p hosts in one process, on loopback only, with
// mDNS off. Set TENDER_TEST_LOG=debug to see the nodes' logs.

func TestMain(m *testing.M) {
	if role := os.Getenv(natRoleEnv); role != "" {
		os.Exit(natNodeMain(role)) // a node of TestNATTraversal
	}
	// The mock network's streams (BenchmarkMarketScaleMock) each keep a
	// goroutine that outlives the network's Close by a moment.
	goleak.VerifyTestMain(m, goleak.IgnoreTopFunction("github.com/libp2p/go-libp2p/p2p/net/mock.(*stream).transport"))
}

var testDomain = auction.NewDomain(31337, common.HexToAddress("0x5FbDB2315678afecb367f032d93F642f64180aa3"))

// testKey is test account n's key: keccak256("tender test key n").
func testKey(t testing.TB, n int) *ecdsa.PrivateKey {
	t.Helper()
	k, err := crypto.ToECDSA(crypto.Keccak256([]byte(fmt.Sprintf("tender test key %d", n))))
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func addrOf(k *ecdsa.PrivateKey) common.Address { return crypto.PubkeyToAddress(k.PublicKey) }

// testConfig is a node on loopback with short periods.
func testConfig(t testing.TB, name string, bootstrap ...*Node) Config {
	cfg := Config{
		Domain:            testDomain,
		KeyFile:           filepath.Join(t.TempDir(), name+".key"),
		ListenAddrs:       []string{"/ip4/127.0.0.1/tcp/0", "/ip4/127.0.0.1/udp/0/quic-v1"},
		BootstrapInterval: 200 * time.Millisecond,
		DiscoveryInterval: time.Second,
		StreamTimeout:     10 * time.Second,
		ScoreInterval:     100 * time.Millisecond,
		Logger:            testenv.Logger(t, name),
	}
	for _, b := range bootstrap {
		cfg.Bootstrap = append(cfg.Bootstrap, b.AddrInfo())
	}
	return cfg
}

// startNode starts a node that the test closes when it ends.
func startNode(t testing.TB, cfg Config) *Node {
	t.Helper()
	n, err := New(t.Context(), cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	t.Cleanup(func() {
		if err := n.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return n
}

// waitFor polls cond until it holds, failing the test after timeout.
func waitFor(t testing.TB, timeout time.Duration, what string, cond func() bool) {
	t.Helper()
	testenv.Eventually(t, timeout, what, func() (bool, string, error) { return cond(), "", nil })
}

// recv reads one value from ch, failing the test after timeout.
func recv[T any](t testing.TB, ch <-chan T, timeout time.Duration, what string) T {
	t.Helper()
	timer := time.NewTimer(timeout)
	defer timer.Stop()
	select {
	case v, ok := <-ch:
		if !ok {
			t.Fatalf("waiting for %s: channel closed", what)
		}
		return v
	case <-timer.C:
		t.Fatalf("after %s: got no %s", timeout, what)
	}
	var zero T
	return zero
}

const waitLong = 20 * time.Second

// market is a bootstrap node, a tenant that is the auctioneer, and
// providers, all bootstrapped from the first.
type market struct {
	boot      *Node
	tenant    *Node
	tenantKey *ecdsa.PrivateKey
	providers []*Node
	provKeys  []*ecdsa.PrivateKey
}

func newMarket(t testing.TB, providers int) *market {
	t.Helper()
	m := &market{tenantKey: testKey(t, 1)}
	m.boot = startNode(t, testConfig(t, "boot"))
	m.tenant = startNode(t, testConfig(t, "tenant", m.boot))
	for i := range providers {
		name := fmt.Sprintf("provider%d", i)
		m.providers = append(m.providers, startNode(t, testConfig(t, name, m.boot)))
		m.provKeys = append(m.provKeys, testKey(t, 100+i))
	}
	m.waitMesh(t)
	return m
}

// waitMesh waits until every node sees a peer on the orders topic.
func (m *market) waitMesh(t testing.TB) {
	t.Helper()
	for _, n := range m.all() {
		waitFor(t, waitLong, "a peer on the orders topic", func() bool { return len(n.orders.ListPeers()) > 0 })
	}
}

func (m *market) all() []*Node { return append([]*Node{m.boot, m.tenant}, m.providers...) }

// serve has the tenant serve an auction of vo until the test ends.
func (m *market) serve(t testing.TB, vo auction.VerifiedOrder) *Auctioneer {
	t.Helper()
	a, err := auction.NewAuction(testDomain, vo, nil)
	if err != nil {
		t.Fatal(err)
	}
	srv, err := m.tenant.ServeAuction(a, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Stop)
	return srv
}

// testOrder is a CPU-only order by key, auctioned at auctioneer, with a bid
// window of window from now.
func testOrder(t testing.TB, key *ecdsa.PrivateKey, auctioneer peer.ID, now time.Time, window time.Duration) auction.Order {
	t.Helper()
	return auction.Order{
		Tenant:          addrOf(key),
		Auctioneer:      auctioneer.String(),
		MaxPricePerHour: big.NewInt(1_000_000),
		MaxDuration:     3600,
		BidDeadline:     uint64(now.Add(window).Unix()),
		Expiry:          uint64(now.Add(window + 10*time.Minute).Unix()),
		Nonce:           rand.Uint64(), // keeps orders distinct
		Requirements:    auction.Requirements{CPUMillis: 2000, MemoryMiB: 4096, DiskMiB: 10_000},
		Job:             auction.Job{Image: "tender/test:dev", Command: []string{"/run"}},
	}
}

func signOrder(t testing.TB, o auction.Order, key *ecdsa.PrivateKey) auction.SignedOrder {
	t.Helper()
	so, err := testDomain.SignOrder(o, auction.NewKeySigner(key))
	if err != nil {
		t.Fatalf("SignOrder: %v", err)
	}
	return so
}

func verifyOrder(t testing.TB, so auction.SignedOrder) auction.VerifiedOrder {
	t.Helper()
	vo, err := testDomain.VerifyOrder(so)
	if err != nil {
		t.Fatalf("VerifyOrder: %v", err)
	}
	return vo
}

// testBid is a CPU offer for the order at price.
func testBid(order *auction.VerifiedOrder, provider common.Address, p peer.ID, price int64) auction.Bid {
	return auction.Bid{
		OrderHash:    order.Hash,
		Provider:     provider,
		PeerID:       p.String(),
		PricePerHour: big.NewInt(price),
		Offer:        auction.Offer{CPUMillis: 4000, MemoryMiB: 8192, DiskMiB: 20_000},
		Expiry:       order.Order.Expiry,
		Nonce:        1,
	}
}

func signBid(t testing.TB, b auction.Bid, key *ecdsa.PrivateKey) auction.SignedBid {
	t.Helper()
	sb, err := testDomain.SignBid(b, auction.NewKeySigner(key))
	if err != nil {
		t.Fatalf("SignBid: %v", err)
	}
	return sb
}

// ctxTimeout is a context for one step of a test.
func ctxTimeout(t testing.TB, d time.Duration) context.Context {
	ctx, cancel := context.WithTimeout(t.Context(), d)
	t.Cleanup(cancel)
	return ctx
}
