package network

import (
	"context"
	"encoding/binary"
	"fmt"
	"math"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	corecm "github.com/libp2p/go-libp2p/core/connmgr"
	"github.com/libp2p/go-libp2p/p2p/net/connmgr"

	"github.com/libp2p/go-libp2p/core/crypto"
	"github.com/libp2p/go-libp2p/core/host"
	"github.com/libp2p/go-libp2p/core/network"
	"github.com/libp2p/go-libp2p/core/peer"
	"github.com/libp2p/go-libp2p/core/protocol"
	mocknet "github.com/libp2p/go-libp2p/p2p/net/mock"
	ma "github.com/multiformats/go-multiaddr"

	pubsub "github.com/libp2p/go-libp2p-pubsub"
	"github.com/libp2p/go-libp2p/core/metrics"

	"github.com/tender-market/tender/pkg/auction"
)

// BenchmarkOrderToBids measures, with 50 provider nodes on loopback, the
// time from publishing an order to the auctioneer holding every provider's
// bid, next to bare GossipSub's publish-to-every-subscriber time for a
// message of the same size over the same hosts in the same run (the rounds
// alternate). The target is a p99 ratio ("ratio") of at most 3. order-*-ms
// is when the last provider had the order.
//
// It runs with the nodes' default transports (both; on loopback TCP is
// dialed first),
// with QUIC only and with TCP only: the default is chosen from these. Each runs at least minRounds rounds of
// each kind whatever b.N, so the percentiles mean something; ns/op is the
// mean market round.
func BenchmarkOrderToBids(b *testing.B) {
	for _, tt := range []struct {
		name   string
		listen []string
	}{
		{"transport=default", nil},
		{"transport=quic", []string{"/ip4/127.0.0.1/udp/0/quic-v1"}},
		{"transport=tcp", []string{"/ip4/127.0.0.1/tcp/0"}},
	} {
		b.Run(tt.name, func(b *testing.B) { benchOrderToBids(b, tt.listen) })
	}
}

func benchOrderToBids(b *testing.B, listen []string) {
	const (
		providers = 50
		warmup    = 20
		minRounds = 200
	)
	bm := newBenchMarket(b, providers, func(c *Config) {
		if listen != nil {
			c.ListenAddrs = listen
		}
	})
	for range warmup {
		bm.marketRound(b)
		bm.bareRound(b)
	}
	rounds := max(b.N, minRounds)
	var market, orders, bare []time.Duration
	b.ResetTimer()
	for range rounds {
		m, o := bm.marketRound(b)
		market, orders = append(market, m), append(orders, o)
		bare = append(bare, bm.bareRound(b))
	}
	b.StopTimer()
	mp50, mp99 := percentile(market, 50), percentile(market, 99)
	gp50, gp99 := percentile(bare, 50), percentile(bare, 99)
	var sum time.Duration
	for _, d := range market {
		sum += d
	}
	b.ReportMetric(float64(sum.Nanoseconds())/float64(len(market)), "ns/op")
	b.ReportMetric(ms(mp50), "market-p50-ms")
	b.ReportMetric(ms(mp99), "market-p99-ms")
	b.ReportMetric(ms(percentile(orders, 50)), "order-p50-ms")
	b.ReportMetric(ms(percentile(orders, 99)), "order-p99-ms")
	b.ReportMetric(ms(gp50), "gossip-p50-ms")
	b.ReportMetric(ms(gp99), "gossip-p99-ms")
	b.ReportMetric(float64(mp99)/float64(gp99), "ratio")
	b.Logf("%d rounds, %d providers: order->all bids p50 %.1f p95 %.1f p99 %.1f ms; bare gossip p50 %.1f p95 %.1f p99 %.1f ms; p99 ratio %.2f, p50 ratio %.2f",
		len(market), providers, ms(mp50), ms(percentile(market, 95)), ms(mp99), ms(gp50), ms(percentile(bare, 95)), ms(gp99),
		float64(mp99)/float64(gp99), float64(mp50)/float64(gp50))
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// percentile is the p-th percentile (nearest rank) of ds.
func percentile(ds []time.Duration, p float64) time.Duration {
	s := slices.Clone(ds)
	slices.Sort(s)
	i := int(math.Ceil(p/100*float64(len(s)))) - 1
	return s[max(i, 0)]
}

// benchMarket is a market whose providers bid on every order they get, and
// whose nodes also subscribe to a bare topic with no validator.
type benchMarket struct {
	*market
	bareTopic *pubsub.Topic
	orderSize int // bytes of an encoded order: the bare messages' size

	// The round in flight: its id, how many deliveries it still awaits,
	// and when the last provider got its order (unix nanoseconds).
	round     atomic.Uint64
	remaining atomic.Int64
	lastOrder atomic.Int64
	done      chan struct{}
}

// newBenchMarket starts the market; every node counts its traffic in
// bandwidth when it is set.
func newBenchMarket(b *testing.B, providers int, configure func(*Config)) *benchMarket {
	b.Helper()
	m := &market{tenantKey: testKey(b, 1)}
	cfg := func(name string, boot ...*Node) Config {
		c := testConfig(b, name, boot...)
		c.DiscoveryInterval = 30 * time.Second
		c.ScoreInterval = 10 * time.Second
		configure(&c)
		return c
	}
	m.boot = startNode(b, cfg("boot"))
	m.tenant = startNode(b, cfg("tenant", m.boot))
	for i := range providers {
		m.providers = append(m.providers, startNode(b, cfg(fmt.Sprintf("provider%d", i), m.boot)))
		m.provKeys = append(m.provKeys, testKey(b, 100+i))
	}
	// Hundreds of nodes take a while to find the mesh.
	wait := waitLong * time.Duration(1+providers/50)
	for _, n := range m.all() {
		waitFor(b, wait, "a peer on the orders topic", func() bool { return len(n.orders.ListPeers()) > 0 })
	}
	// Let the DHT settle: a long-running market is what is measured, not
	// its nodes filling their routing tables at once. All refresh at once.
	var refreshed []<-chan error
	for _, n := range m.all() {
		refreshed = append(refreshed, n.dht.RefreshRoutingTable())
	}
	for _, r := range refreshed {
		recv(b, r, wait, "DHT refresh")
	}
	sample, err := auction.EncodeOrder(signOrder(b, testOrder(b, m.tenantKey, m.tenant.ID(), time.Now(), time.Minute), m.tenantKey))
	if err != nil {
		b.Fatal(err)
	}
	bm := &benchMarket{market: m, done: make(chan struct{}, 1), orderSize: len(sample)}

	const bareName = "/tender/bench/bare"
	var wg sync.WaitGroup
	ctx, cancel := context.WithCancel(context.Background())
	b.Cleanup(func() { cancel(); wg.Wait() })
	for i, p := range m.providers {
		t, err := p.ps.Join(bareName)
		if err != nil {
			b.Fatal(err)
		}
		sub, err := t.Subscribe()
		if err != nil {
			b.Fatal(err)
		}
		wg.Go(func() {
			defer sub.Cancel()
			for {
				msg, err := sub.Next(ctx)
				if err != nil {
					return
				}
				if binary.BigEndian.Uint64(msg.Data) == bm.round.Load() {
					bm.arrived()
				}
			}
		})
		// Each provider bids on every order it gets.
		key, orders := m.provKeys[i], p.Orders(ctx)
		wg.Go(func() {
			for vo := range orders {
				bm.orderArrived(time.Now())
				sb, err := testDomain.SignBid(testBid(&vo, addrOf(key), p.ID(), 500_000), auction.NewKeySigner(key))
				if err != nil {
					b.Error(err)
					return
				}
				if _, err := p.SendBid(ctx, &vo, sb); err != nil && ctx.Err() == nil {
					b.Errorf("provider %d: SendBid: %v", i, err)
				}
			}
		})
	}
	for _, n := range []*Node{m.boot, m.tenant} {
		t, err := n.ps.Join(bareName)
		if err != nil {
			b.Fatal(err)
		}
		if n == m.tenant {
			bm.bareTopic = t
		} else if _, err := t.Subscribe(); err != nil { // the bootstrap node relays
			b.Fatal(err)
		}
	}
	waitFor(b, waitLong, "peers on the bare topic", func() bool { return len(bm.bareTopic.ListPeers()) > 0 })
	return bm
}

func (bm *benchMarket) start(id uint64) {
	bm.remaining.Store(int64(len(bm.providers)))
	bm.lastOrder.Store(0)
	bm.round.Store(id)
}

func (bm *benchMarket) arrived() {
	if bm.remaining.Add(-1) == 0 {
		bm.done <- struct{}{}
	}
}

func (bm *benchMarket) orderArrived(at time.Time) {
	for {
		last := bm.lastOrder.Load()
		if at.UnixNano() <= last || bm.lastOrder.CompareAndSwap(last, at.UnixNano()) {
			return
		}
	}
}

// marketRound publishes an order and waits until every provider's bid is
// in; it returns that time and the time until the last provider had the
// order.
func (bm *benchMarket) marketRound(b *testing.B) (allBids, allOrders time.Duration) {
	so := signOrder(b, testOrder(b, bm.tenantKey, bm.tenant.ID(), time.Now(), time.Minute), bm.tenantKey)
	a, err := auction.NewAuction(testDomain, verifyOrder(b, so), nil)
	if err != nil {
		b.Fatal(err)
	}
	bm.start(bm.round.Load() + 1)
	srv, err := bm.tenant.ServeAuction(a, func(BidReceipt) { bm.arrived() })
	if err != nil {
		b.Fatal(err)
	}
	defer srv.Stop()
	start := time.Now()
	if err := bm.tenant.PublishOrder(b.Context(), so); err != nil {
		b.Fatal(err)
	}
	recv(b, bm.done, waitLong, "every bid")
	allBids = time.Since(start)
	return allBids, time.Unix(0, bm.lastOrder.Load()).Sub(start)
}

// bareRound publishes a message of an order's size on the bare topic and
// waits until every provider has it.
func (bm *benchMarket) bareRound(b *testing.B) time.Duration {
	id := bm.round.Load() + 1
	msg := make([]byte, bm.orderSize)
	binary.BigEndian.PutUint64(msg, id)
	bm.start(id)
	start := time.Now()
	if err := bm.bareTopic.Publish(b.Context(), msg); err != nil {
		b.Fatal(err)
	}
	recv(b, bm.done, waitLong, "the message at every provider")
	return time.Since(start)
}

// BenchmarkMarketScale runs the market path (an order published to every
// provider's bid at the auctioneer) with 50 providers in this process,
// over TCP, and reports order-to-all-bids p50/p99 and the bytes each node
// sends per order, the gossip's and DHT's background included
// (bytes-per-node), and that over log2 of the node count
// (bytes-per-node-per-log2n): a cost that grows as log N keeps the latter
// flat. TENDER_BENCH_PROVIDERS adds a size. 200 providers in one process
// break it: on 2 cores some had no peer on the orders topic after 100 s;
// on 16 cores they joined, but their connections, both ends in one
// process, ran out of file descriptors. BenchmarkMarketScaleMock goes past.
func BenchmarkMarketScale(b *testing.B) {
	sizes := []int{50}
	if n, err := strconv.Atoi(os.Getenv("TENDER_BENCH_PROVIDERS")); err == nil && n > 0 {
		sizes = append(sizes, n)
	}
	for _, n := range sizes {
		b.Run(fmt.Sprintf("providers=%d", n), func(b *testing.B) {
			var bw sentBytes
			bm := newBenchMarket(b, n, func(c *Config) {
				c.ListenAddrs, c.BandwidthReporter = []string{"/ip4/127.0.0.1/tcp/0"}, &bw
			})
			measureScale(b, bm, n, func() { bw.n.Store(0) }, bw.n.Load)
		})
	}
}

// sentBytes counts the bytes the nodes' streams send, exactly and at
// once. libp2p's BandwidthCounter totals only what its sweeper has seen
// (once a second), so it read 0 for rounds shorter than that, and its
// sweeper outlives the benchmark.
type sentBytes struct{ n atomic.Int64 }

func (c *sentBytes) LogSentMessage(n int64)                              { c.n.Add(n) }
func (*sentBytes) LogRecvMessage(int64)                                  {}
func (*sentBytes) LogSentMessageStream(int64, protocol.ID, peer.ID)      {}
func (*sentBytes) LogRecvMessageStream(int64, protocol.ID, peer.ID)      {}
func (*sentBytes) GetBandwidthForPeer(peer.ID) metrics.Stats             { return metrics.Stats{} }
func (*sentBytes) GetBandwidthForProtocol(protocol.ID) metrics.Stats     { return metrics.Stats{} }
func (c *sentBytes) GetBandwidthTotals() metrics.Stats                   { return metrics.Stats{TotalOut: c.n.Load()} }
func (*sentBytes) GetBandwidthByPeer() map[peer.ID]metrics.Stats         { return nil }
func (*sentBytes) GetBandwidthByProtocol() map[protocol.ID]metrics.Stats { return nil }
func (c *sentBytes) Reset()                                              { c.n.Store(0) }
func (*sentBytes) TrimIdle(time.Time)                                    {}

// BenchmarkMarketScaleMock is BenchmarkMarketScale on a libp2p mock
// network: the same nodes, gossip, DHT and streams, over in-memory
// connections without sockets, TLS or a muxer, so that far more nodes fit
// in one process. Bytes are what the market's streams (gossip, DHT, bids)
// write, without transport framing or identify. Sizes: 50 and 200, or
// TENDER_BENCH_MOCK_PROVIDERS (comma-separated, e.g. 50,200,1000).
func BenchmarkMarketScaleMock(b *testing.B) {
	sizes := []int{50, 200}
	if env := os.Getenv("TENDER_BENCH_MOCK_PROVIDERS"); env != "" {
		sizes = nil
		for _, f := range strings.Split(env, ",") {
			n, err := strconv.Atoi(strings.TrimSpace(f))
			if err != nil || n <= 0 {
				b.Fatalf("TENDER_BENCH_MOCK_PROVIDERS: %q is not a provider count", f)
			}
			sizes = append(sizes, n)
		}
	}
	for _, n := range sizes {
		b.Run(fmt.Sprintf("providers=%d", n), func(b *testing.B) {
			mock := newMockNet(b)
			start := time.Now()
			bm := newBenchMarket(b, n, func(c *Config) { c.newHost = mock.host })
			b.Logf("%d providers on the mock network joined the market in %s", n, time.Since(start).Round(time.Second))
			rounds := measureScale(b, bm, n, mock.reset, mock.total)
			// Where the bytes go, per node per order.
			per := func(k streamKind) float64 { return float64(mock.sent[k].Load()) / float64(n+2) / float64(rounds) }
			b.ReportMetric(per(gossipStreams), "gossip-bytes-per-node")
			b.ReportMetric(per(dhtStreams), "dht-bytes-per-node")
			b.ReportMetric(per(marketStreams), "market-bytes-per-node")
		})
	}
}

// measureScale runs market rounds on bm (n providers) and reports their
// order-to-all-bids p50/p99 and the bytes sent per node per order, as
// sent reads them from after reset; it returns how many rounds it ran.
func measureScale(b *testing.B, bm *benchMarket, n int, reset func(), sent func() int64) int {
	const warmup, minRounds = 5, 30
	for range warmup {
		bm.marketRound(b)
	}
	rounds := max(b.N, minRounds)
	reset()
	var took []time.Duration
	b.ResetTimer()
	for range rounds {
		d, _ := bm.marketRound(b)
		took = append(took, d)
	}
	b.StopTimer()
	nodes := float64(n + 2)
	perNode := float64(sent()) / nodes / float64(rounds)
	ms := func(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
	b.ReportMetric(ms(percentile(took, 50)), "p50-ms")
	b.ReportMetric(ms(percentile(took, 99)), "p99-ms")
	b.ReportMetric(perNode, "bytes-per-node")
	b.ReportMetric(perNode/math.Log2(nodes), "bytes-per-node-per-log2n")
	b.Logf("%d providers, %d rounds: order->all bids p50 %.1f p99 %.1f ms; %.0f bytes sent per node per order (%.0f per log2 N)",
		n, rounds, ms(percentile(took, 50)), ms(percentile(took, 99)), perNode, perNode/math.Log2(nodes))
	return rounds
}

// mockNet is a libp2p mock network whose hosts count the bytes their
// streams write, by kind. Every host is linked to every other as it joins.
type mockNet struct {
	mn   mocknet.Mocknet
	sent [streamKinds]atomic.Int64
	mu   sync.Mutex
	port int
}

// streamKind sorts streams by what they carry.
type streamKind int

const (
	gossipStreams streamKind = iota // GossipSub
	dhtStreams                      // the market's DHT
	marketStreams                   // bids, no-bids, syncs, leases
	streamKinds
)

func kindOf(p protocol.ID) streamKind {
	switch {
	case strings.HasPrefix(string(p), "/meshsub/"):
		return gossipStreams
	case strings.HasPrefix(string(p), string(dhtPrefix)+"/kad/"):
		return dhtStreams
	}
	return marketStreams
}

func (m *mockNet) reset() {
	for i := range m.sent {
		m.sent[i].Store(0)
	}
}

func (m *mockNet) total() int64 {
	var t int64
	for i := range m.sent {
		t += m.sent[i].Load()
	}
	return t
}

func newMockNet(b *testing.B) *mockNet {
	m := &mockNet{mn: mocknet.New()}
	b.Cleanup(func() { m.mn.Close() })
	return m
}

// host adds a host with key to the network (a Config.newHost).
func (m *mockNet) host(key crypto.PrivKey) (host.Host, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.port++
	h, err := m.mn.AddPeer(key, ma.StringCast(fmt.Sprintf("/ip4/127.0.0.1/tcp/%d", 20000+m.port)))
	if err != nil {
		return nil, err
	}
	for _, p := range m.mn.Peers() {
		if p == h.ID() {
			continue
		}
		if _, err := m.mn.LinkPeers(h.ID(), p); err != nil {
			return nil, err
		}
	}
	// A mock host manages no connections: give it the node's manager, with
	// the node's default water marks, as libp2p.New would.
	cm, err := connmgr.NewConnManager(64, 256, connmgr.WithGracePeriod(time.Minute))
	if err != nil {
		return nil, err
	}
	h.Network().Notify(cm.Notifee())
	return &countingHost{Host: h, cm: cm, sent: &m.sent}, nil
}

// countingHost adds what its streams write to sent, by kind.
type countingHost struct {
	host.Host
	cm   *connmgr.BasicConnMgr
	sent *[streamKinds]atomic.Int64
}

func (h *countingHost) ConnManager() corecm.ConnManager { return h.cm }

func (h *countingHost) Close() error {
	h.cm.Close()
	return h.Host.Close()
}

func (h *countingHost) NewStream(ctx context.Context, p peer.ID, pids ...protocol.ID) (network.Stream, error) {
	s, err := h.Host.NewStream(ctx, p, pids...)
	if err != nil {
		return nil, err
	}
	return &countedStream{Stream: s, sent: h.sent}, nil
}

func (h *countingHost) SetStreamHandler(pid protocol.ID, handler network.StreamHandler) {
	h.Host.SetStreamHandler(pid, func(s network.Stream) { handler(&countedStream{Stream: s, sent: h.sent}) })
}

func (h *countingHost) SetStreamHandlerMatch(pid protocol.ID, match func(protocol.ID) bool, handler network.StreamHandler) {
	h.Host.SetStreamHandlerMatch(pid, match, func(s network.Stream) { handler(&countedStream{Stream: s, sent: h.sent}) })
}

type countedStream struct {
	network.Stream
	sent *[streamKinds]atomic.Int64
}

func (s *countedStream) Write(p []byte) (int, error) {
	n, err := s.Stream.Write(p)
	s.sent[kindOf(s.Protocol())].Add(int64(n))
	return n, err
}
