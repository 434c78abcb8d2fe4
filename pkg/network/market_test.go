package network

import (
	"encoding/binary"
	"errors"
	"math/big"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	pubsub "github.com/libp2p/go-libp2p-pubsub"
	"github.com/libp2p/go-libp2p/core/network"
	"github.com/libp2p/go-libp2p/core/peer"
	"github.com/libp2p/go-libp2p/core/protocol"

	"github.com/tender-market/tender/pkg/auction"
)

func TestDiscoveryThroughBootstrapAndDHT(t *testing.T) {
	boot := startNode(t, testConfig(t, "boot"))
	var nodes []*Node
	for _, name := range []string{"a", "b", "c"} {
		nodes = append(nodes, startNode(t, testConfig(t, name, boot)))
	}
	// Each node was given only the bootstrap peer; it must find the others
	// under the market's rendezvous in the DHT.
	for _, n := range nodes {
		for _, other := range nodes {
			if n == other {
				continue
			}
			waitFor(t, waitLong, "connection found by discovery", func() bool {
				return n.host.Network().Connectedness(other.ID()) == network.Connected
			})
		}
	}
	// And the rendezvous lists every other market node.
	waitFor(t, waitLong, "all market peers advertised", func() bool {
		found, err := nodes[0].MarketPeers(ctxTimeout(t, waitLong), 10)
		if err != nil {
			return false
		}
		var ids []peer.ID
		for _, ai := range found {
			ids = append(ids, ai.ID)
		}
		return slices.Contains(ids, boot.ID()) && slices.Contains(ids, nodes[1].ID()) && slices.Contains(ids, nodes[2].ID())
	})
	waitFor(t, waitLong, "the other nodes in a's DHT routing table", func() bool {
		rt := nodes[0].dht.RoutingTable().ListPeers()
		return slices.Contains(rt, boot.ID()) && slices.Contains(rt, nodes[1].ID()) && slices.Contains(rt, nodes[2].ID())
	})
}

// TestAuctionRound runs one auction over the network: the order reaches
// every provider, each sends a sealed bid that only the auctioneer sees,
// and the transcript reaches every node, verified.
func TestAuctionRound(t *testing.T) {
	m := newMarket(t, 5)

	// Watch everything each provider receives on the market's topics, and
	// any bid stream opened to it.
	var bidStreamsAtProviders atomic.Int64
	type seen struct {
		topic string
		data  []byte
		at    time.Time
	}
	var (
		mu       sync.Mutex
		received = map[peer.ID][]seen{}
		wg       sync.WaitGroup
	)
	for _, p := range m.providers {
		p.host.SetStreamHandler(ProtocolBid, func(s network.Stream) {
			bidStreamsAtProviders.Add(1)
			s.Reset()
		})
		for _, topic := range []*pubsub.Topic{p.orders, p.results} {
			sub, err := topic.Subscribe()
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { sub.Cancel(); wg.Wait() })
			wg.Go(func() {
				for {
					msg, err := sub.Next(t.Context())
					if err != nil {
						return
					}
					mu.Lock()
					received[p.ID()] = append(received[p.ID()], seen{topic.String(), msg.Data, time.Now()})
					mu.Unlock()
				}
			})
		}
	}
	var ordersCh []<-chan auction.VerifiedOrder
	var transcriptsCh []<-chan VerifiedTranscript
	for _, n := range m.all() {
		ordersCh = append(ordersCh, n.Orders(t.Context()))
		transcriptsCh = append(transcriptsCh, n.Transcripts(t.Context()))
	}

	now := time.Now()
	so := signOrder(t, testOrder(t, m.tenantKey, m.tenant.ID(), now, time.Minute), m.tenantKey)
	vo := verifyOrder(t, so)
	a, err := auction.NewAuction(testDomain, vo, nil)
	if err != nil {
		t.Fatal(err)
	}
	bids := make(chan BidReceipt, len(m.providers))
	srv, err := m.tenant.ServeAuction(a, func(r BidReceipt) { bids <- r })
	if err != nil {
		t.Fatalf("ServeAuction: %v", err)
	}
	if err := m.tenant.PublishOrder(ctxTimeout(t, waitLong), so); err != nil {
		t.Fatalf("PublishOrder: %v", err)
	}

	// The order reaches every node, once.
	for i, ch := range ordersCh {
		got := recv(t, ch, waitLong, "order")
		if got.Hash != vo.Hash {
			t.Fatalf("node %d got order %s, want %s", i, got.Hash.Hex(), vo.Hash.Hex())
		}
	}

	// Every provider bids; prices differ so the cheapest wins.
	for i, p := range m.providers {
		price := int64(900_000 - 1000*i)
		sb := signBid(t, testBid(&vo, addrOf(m.provKeys[i]), p.ID(), price), m.provKeys[i])
		v, err := p.SendBid(ctxTimeout(t, waitLong), &vo, sb)
		if err != nil {
			t.Fatalf("provider %d: SendBid: %v", i, err)
		}
		if v.Reason != auction.ReasonEligible {
			t.Errorf("provider %d: verdict %+v, want eligible", i, v)
		}
	}
	for range m.providers {
		recv(t, bids, waitLong, "bid at the auctioneer")
	}
	if got := a.Len(); got != len(m.providers) {
		t.Fatalf("auction holds %d bids, want %d", got, len(m.providers))
	}

	// Sealed: during the window no provider got a bid stream, and nothing
	// but the order itself came by gossip (a provider may also have got the
	// order by sync, which carries only orders).
	if n := bidStreamsAtProviders.Load(); n != 0 {
		t.Errorf("providers received %d bid streams, want 0", n)
	}
	orderBytes, err := auction.EncodeOrder(so)
	if err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	for p, msgs := range received {
		for _, s := range msgs {
			if s.topic != OrdersTopic(testDomain) || string(s.data) != string(orderBytes) {
				t.Errorf("provider %s received %d bytes on %s during the window, want only the order", p, len(s.data), s.topic)
			}
		}
	}
	mu.Unlock()

	// Closing publishes the transcript; every node gets it verified.
	closedAt := time.Now()
	tr, err := srv.Close(ctxTimeout(t, waitLong), closedAt, auction.NewKeySigner(m.tenantKey))
	if err != nil {
		t.Fatalf("Close: %v", err)
	}
	cheapest := signBid(t, testBid(&vo, addrOf(m.provKeys[len(m.providers)-1]), m.providers[len(m.providers)-1].ID(), int64(900_000-1000*(len(m.providers)-1))), m.provKeys[len(m.providers)-1])
	wantWinner := testDomain.BidHash(&cheapest.Bid)
	if tr.Winner != wantWinner {
		t.Errorf("transcript winner %s, want %s (the cheapest bid)", tr.Winner.Hex(), wantWinner.Hex())
	}
	for i, ch := range transcriptsCh {
		got := recv(t, ch, waitLong, "transcript")
		if got.Order.Hash != vo.Hash || got.Winner == nil || got.Winner.Hash != wantWinner {
			t.Errorf("node %d got transcript of order %s won by %v, want order %s won by %s", i, got.Order.Hash.Hex(), got.Winner, vo.Hash.Hex(), wantWinner.Hex())
		}
	}
	// After the close, bids are refused.
	late := signBid(t, testBid(&vo, addrOf(m.provKeys[0]), m.providers[0].ID(), 1), m.provKeys[0])
	if _, err := m.providers[0].SendBid(ctxTimeout(t, waitLong), &vo, late); !errors.Is(err, ErrNoAuction) {
		t.Errorf("SendBid after close: got %v, want ErrNoAuction", err)
	}
}

func TestBidsRefused(t *testing.T) {
	m := newMarket(t, 1)
	p, pkey := m.providers[0], m.provKeys[0]
	now := time.Now()
	vo := verifyOrder(t, signOrder(t, testOrder(t, m.tenantKey, m.tenant.ID(), now, time.Minute), m.tenantKey))
	srv := m.serve(t, vo)
	other := verifyOrder(t, signOrder(t, testOrder(t, m.tenantKey, m.tenant.ID(), now, time.Minute), m.tenantKey))
	stranger := testKey(t, 99)

	tests := []struct {
		name  string
		order *auction.VerifiedOrder
		bid   func() auction.SignedBid
		want  error
	}{
		{"signed by another key", &vo, func() auction.SignedBid {
			sb := signBid(t, testBid(&vo, addrOf(stranger), p.ID(), 500_000), stranger)
			sb.Bid.Provider = addrOf(pkey) // claims to be the provider
			return sb
		}, auction.ErrBadSignature},
		{"tampered price", &vo, func() auction.SignedBid {
			sb := signBid(t, testBid(&vo, addrOf(pkey), p.ID(), 500_000), pkey)
			sb.Bid.PricePerHour = big.NewInt(900_000)
			return sb
		}, auction.ErrBadSignature},
		{"names another peer", &vo, func() auction.SignedBid {
			return signBid(t, testBid(&vo, addrOf(pkey), m.boot.ID(), 500_000), pkey)
		}, ErrPeerMismatch},
		{"expired", &vo, func() auction.SignedBid {
			b := testBid(&vo, addrOf(pkey), p.ID(), 500_000)
			b.Expiry = uint64(now.Add(-time.Minute).Unix())
			return signBid(t, b, pkey)
		}, auction.ErrExpired},
		{"order not auctioned here", &other, func() auction.SignedBid {
			return signBid(t, testBid(&other, addrOf(pkey), p.ID(), 500_000), pkey)
		}, ErrNoAuction},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := p.SendBid(ctxTimeout(t, waitLong), tt.order, tt.bid())
			if !errors.Is(err, tt.want) {
				t.Fatalf("SendBid: got %v, want %v", err, tt.want)
			}
			var re *RemoteError
			if !errors.As(err, &re) {
				t.Errorf("SendBid: got %T, want a *RemoteError", err)
			}
		})
	}
	if got := srv.a.Len(); got != 0 {
		t.Fatalf("auction recorded %d refused bids, want 0", got)
	}

	// The honest bid lands; its replay and a second bid are refused.
	sb := signBid(t, testBid(&vo, addrOf(pkey), p.ID(), 500_000), pkey)
	if _, err := p.SendBid(ctxTimeout(t, waitLong), &vo, sb); err != nil {
		t.Fatalf("SendBid: %v", err)
	}
	if _, err := p.SendBid(ctxTimeout(t, waitLong), &vo, sb); !errors.Is(err, auction.ErrReplayed) {
		t.Errorf("replayed bid: got %v, want ErrReplayed", err)
	}
	b2 := testBid(&vo, addrOf(pkey), p.ID(), 400_000)
	b2.Nonce = 2
	if _, err := p.SendBid(ctxTimeout(t, waitLong), &vo, signBid(t, b2, pkey)); !errors.Is(err, auction.ErrDuplicate) {
		t.Errorf("second bid: got %v, want ErrDuplicate", err)
	}
	if got := srv.a.Len(); got != 1 {
		t.Errorf("auction holds %d bids, want 1", got)
	}
}

func TestNoBids(t *testing.T) {
	m := newMarket(t, 1)
	p, pkey := m.providers[0], m.provKeys[0]
	vo := verifyOrder(t, signOrder(t, testOrder(t, m.tenantKey, m.tenant.ID(), time.Now(), time.Minute), m.tenantKey))
	srv := m.serve(t, vo)
	sign := func(peerID peer.ID, reason auction.Reason, detail string) auction.SignedNoBid {
		nb, err := testDomain.SignNoBid(auction.NoBid{OrderHash: vo.Hash, Provider: addrOf(pkey), PeerID: peerID.String(), Reason: reason, Detail: detail}, auction.NewKeySigner(pkey))
		if err != nil {
			t.Fatal(err)
		}
		return nb
	}
	if err := p.SendNoBid(ctxTimeout(t, waitLong), &vo, sign(m.boot.ID(), auction.ReasonBusy, "all GPUs leased")); !errors.Is(err, ErrPeerMismatch) {
		t.Errorf("no-bid naming another peer: got %v, want ErrPeerMismatch", err)
	}
	want := sign(p.ID(), auction.ReasonBusy, "all GPUs leased until 14:00")
	if err := p.SendNoBid(ctxTimeout(t, waitLong), &vo, want); err != nil {
		t.Fatalf("SendNoBid: %v", err)
	}
	got := srv.NoBids()
	if len(got) != 1 || got[0] != want {
		t.Errorf("NoBids() = %+v, want [%+v]", got, want)
	}
}

// TestOversizeMessagesReset checks that a stream announcing a message over
// the protocol's cap is reset at once, before the body is read.
func TestOversizeMessagesReset(t *testing.T) {
	boot := startNode(t, testConfig(t, "boot"))
	client := startNode(t, testConfig(t, "client", boot))
	waitFor(t, waitLong, "connection", func() bool { return client.host.Network().Connectedness(boot.ID()) == network.Connected })
	boot.ServeLeases(newMemLeaseHost())
	tests := []struct {
		proto  protocol.ID
		length int
	}{
		{ProtocolBid, auction.MaxBidBytes + 1},
		{ProtocolNoBid, auction.MaxNoBidBytes + 1},
		{ProtocolLease, maxLeaseRequestBytes + 1},
	}
	for _, tt := range tests {
		t.Run(string(tt.proto), func(t *testing.T) {
			ctx := ctxTimeout(t, waitLong)
			s, err := client.host.NewStream(ctx, boot.ID(), tt.proto)
			if err != nil {
				t.Fatal(err)
			}
			defer s.Reset()
			if _, err := s.Write(binary.AppendUvarint(nil, uint64(tt.length))); err != nil {
				t.Fatal(err)
			}
			s.SetReadDeadline(time.Now().Add(5 * time.Second))
			buf := make([]byte, 1)
			_, err = s.Read(buf)
			if !errors.Is(err, network.ErrReset) {
				t.Fatalf("read after an oversize header: got %v, want the stream reset", err)
			}
		})
	}
}

// TestLateJoinerGetsOpenOrders: a provider that joins after an order was
// published gets it by order sync while its window is open, and does not
// get an order whose window has closed by its clock.
func TestLateJoinerGetsOpenOrders(t *testing.T) {
	m := newMarket(t, 0)
	now := time.Now()
	short := signOrder(t, testOrder(t, m.tenantKey, m.tenant.ID(), now, 5*time.Second), m.tenantKey)
	long := signOrder(t, testOrder(t, m.tenantKey, m.tenant.ID(), now, 2*time.Minute), m.tenantKey)
	bootOrders := m.boot.Orders(t.Context())
	for _, so := range []auction.SignedOrder{short, long} {
		if err := m.tenant.PublishOrder(ctxTimeout(t, waitLong), so); err != nil {
			t.Fatalf("PublishOrder: %v", err)
		}
		recv(t, bootOrders, waitLong, "order at the bootstrap node")
	}

	// The late joiner's clock is 10s ahead: the short window has closed.
	cfg := testConfig(t, "late", m.boot)
	cfg.Now = func() time.Time { return time.Now().Add(10 * time.Second) }
	late := startNode(t, cfg)
	got := recv(t, late.Orders(t.Context()), waitLong, "open order at the late joiner")
	if want := verifyOrder(t, long).Hash; got.Hash != want {
		t.Fatalf("late joiner got order %s, want %s (the one still open)", got.Hash.Hex(), want.Hex())
	}
	open := late.store.open(cfg.Now())
	if len(open) != 1 {
		t.Errorf("late joiner holds %d open orders, want 1", len(open))
	}
}

// TestProviderRestartMidAuction: a provider goes down after seeing an
// order, comes back with the same key, gets the still-open order by sync
// and its bid lands.
func TestProviderRestartMidAuction(t *testing.T) {
	m := newMarket(t, 0)
	cfg := testConfig(t, "provider", m.boot)
	pkey := testKey(t, 100)
	p1 := startNode(t, cfg)
	waitFor(t, waitLong, "provider on the orders topic", func() bool { return len(p1.orders.ListPeers()) > 0 })
	so := signOrder(t, testOrder(t, m.tenantKey, m.tenant.ID(), time.Now(), time.Minute), m.tenantKey)
	vo := verifyOrder(t, so)
	a, err := auction.NewAuction(testDomain, vo, nil)
	if err != nil {
		t.Fatal(err)
	}
	bids := make(chan BidReceipt, 1)
	srv, err := m.tenant.ServeAuction(a, func(r BidReceipt) { bids <- r })
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Stop()
	if err := m.tenant.PublishOrder(ctxTimeout(t, waitLong), so); err != nil {
		t.Fatal(err)
	}
	recv(t, p1.Orders(t.Context()), waitLong, "order before the restart")
	id := p1.ID()
	if err := p1.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}

	p2 := startNode(t, cfg) // same key file: same peer ID
	if p2.ID() != id {
		t.Fatalf("restarted provider is %s, want %s (its key is kept)", p2.ID(), id)
	}
	got := recv(t, p2.Orders(t.Context()), waitLong, "open order after the restart")
	if got.Hash != vo.Hash {
		t.Fatalf("got order %s, want %s", got.Hash.Hex(), vo.Hash.Hex())
	}
	sb := signBid(t, testBid(&got, addrOf(pkey), p2.ID(), 700_000), pkey)
	if _, err := p2.SendBid(ctxTimeout(t, waitLong), &got, sb); err != nil {
		t.Fatalf("SendBid after the restart: %v", err)
	}
	r := recv(t, bids, waitLong, "bid at the auctioneer")
	if r.Bid.Bid.PeerID != id.String() {
		t.Errorf("bid from %s, want %s", r.Bid.Bid.PeerID, id)
	}
}

func TestServeAuctionChecksAuctioneer(t *testing.T) {
	n := startNode(t, testConfig(t, "n"))
	key := testKey(t, 1)
	elsewhere, err := peer.Decode("12D3KooWDpJ7As7BWAwRMfu1VU2WCqNjvq387JEYKDBj4kx6nXTN")
	if err != nil {
		t.Fatal(err)
	}
	vo := verifyOrder(t, signOrder(t, testOrder(t, key, elsewhere, time.Now(), time.Minute), key))
	a, err := auction.NewAuction(testDomain, vo, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := n.ServeAuction(a, nil); err == nil {
		t.Fatal("ServeAuction of an order auctioned by another peer: got nil error, want one")
	}
}

// TestReconnectAfterBootstrapRestart: when the bootstrap peer goes down and
// comes back at its address, the node dials it again by itself.
func TestReconnectAfterBootstrapRestart(t *testing.T) {
	bootCfg := testConfig(t, "boot")
	boot := startNode(t, bootCfg)
	n := startNode(t, testConfig(t, "node", boot))
	connected := func() bool { return n.host.Network().Connectedness(boot.ID()) == network.Connected }
	waitFor(t, waitLong, "connection to the bootstrap peer", connected)

	bootCfg.ListenAddrs = nil
	for _, a := range boot.host.Addrs() {
		bootCfg.ListenAddrs = append(bootCfg.ListenAddrs, a.String())
	}
	if err := boot.Close(); err != nil {
		t.Fatal(err)
	}
	waitFor(t, waitLong, "the node to see the bootstrap peer gone", func() bool { return !connected() })
	startNode(t, bootCfg) // same key, same addresses
	waitFor(t, waitLong, "reconnection to the restarted bootstrap peer", connected)
}
