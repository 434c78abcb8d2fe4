package network

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/libp2p/go-libp2p"
	pubsub "github.com/libp2p/go-libp2p-pubsub"
	"github.com/libp2p/go-libp2p/core/host"
	"github.com/libp2p/go-libp2p/core/peer"

	"github.com/tender-market/tender/internal/testenv"
	"github.com/tender-market/tender/pkg/auction"
)

// rawPeer is a libp2p host with plain GossipSub on the orders topic: no
// validation, no scoring. It plays a misbehaving or naive peer.
type rawPeer struct {
	h      host.Host
	topic  *pubsub.Topic
	sub    *pubsub.Subscription
	grafts chan peer.ID // peers that joined its orders mesh
}

func newRawPeer(t *testing.T) *rawPeer {
	t.Helper()
	return newRawPeerOn(t, OrdersTopic(testDomain))
}

// newRawPeerOn is a raw peer on the market topic named topic. Its
// messages follow the pubsub spec's StrictNoSign, as the market's do,
// unless opts say otherwise.
func newRawPeerOn(t *testing.T, topicName string, opts ...pubsub.Option) *rawPeer {
	t.Helper()
	h, err := libp2p.New(libp2p.ListenAddrStrings("/ip4/127.0.0.1/tcp/0"), libp2p.DisableMetrics())
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(func() {
		cancel()
		h.Close()
	})
	grafts := make(chan peer.ID, 64)
	ps, err := pubsub.NewGossipSub(ctx, h, append([]pubsub.Option{
		pubsub.WithMessageIdFn(contentID), pubsub.WithMaxMessageSize(maxGossipBytes),
		pubsub.WithMessageSignaturePolicy(pubsub.StrictNoSign), pubsub.WithNoAuthor(),
		pubsub.WithFloodPublish(true), pubsub.WithPeerOutboundQueueSize(1024), // it floods
		pubsub.WithRawTracer(meshTracer{topic: topicName, grafts: grafts}),
	}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	topic, err := ps.Join(topicName)
	if err != nil {
		t.Fatal(err)
	}
	sub, err := topic.Subscribe()
	if err != nil {
		t.Fatal(err)
	}
	return &rawPeer{h: h, topic: topic, sub: sub, grafts: grafts}
}

// waitMesh waits until p joins the raw peer's mesh: from then on,
// what p relays on the topic reaches it.
func (r *rawPeer) waitMesh(t *testing.T, p peer.ID) {
	t.Helper()
	for {
		if recv(t, r.grafts, waitLong, "graft") == p {
			return
		}
	}
}

func (r *rawPeer) connect(t *testing.T, n *Node) {
	t.Helper()
	if err := r.h.Connect(ctxTimeout(t, waitLong), n.AddrInfo()); err != nil {
		t.Fatalf("connect: %v", err)
	}
	on := map[string]*pubsub.Topic{n.orders.String(): n.orders, n.results.String(): n.results, n.nobids.String(): n.nobids}[r.topic.String()]
	waitFor(t, waitLong, "the raw peer and the node on each other's topic", func() bool {
		return containsPeer(on.ListPeers(), r.h.ID()) && containsPeer(r.topic.ListPeers(), n.ID())
	})
}

func containsPeer(ps []peer.ID, p peer.ID) bool {
	for _, q := range ps {
		if q == p {
			return true
		}
	}
	return false
}

// received collects what the raw peer gets on its topic.
func (r *rawPeer) received(t *testing.T) func() [][]byte {
	var (
		mu  sync.Mutex
		got [][]byte
		wg  sync.WaitGroup
	)
	ctx, cancel := context.WithCancel(context.Background())
	wg.Go(func() {
		for {
			m, err := r.sub.Next(ctx)
			if err != nil {
				return
			}
			if m.ReceivedFrom == r.h.ID() {
				continue
			}
			mu.Lock()
			got = append(got, m.Data)
			mu.Unlock()
		}
	})
	t.Cleanup(func() { cancel(); wg.Wait() })
	return func() [][]byte {
		mu.Lock()
		defer mu.Unlock()
		return append([][]byte(nil), got...)
	}
}

// TestForgedOrdersDroppedBeforeRelay: a relay between a forger and a naive
// observer passes the honest order and none of the forged ones, and the
// forger's score at the relay sinks with each.
func TestForgedOrdersDroppedBeforeRelay(t *testing.T) {
	relay := startNode(t, testConfig(t, "relay"))
	forger, observer := newRawPeer(t), newRawPeer(t)
	forger.connect(t, relay)
	observer.connect(t, relay)
	observer.waitMesh(t, relay.ID())
	got := observer.received(t)

	tenant := testKey(t, 1)
	now := time.Now()
	honest, err := auction.EncodeOrder(signOrder(t, testOrder(t, tenant, relay.ID(), now, time.Minute), tenant))
	if err != nil {
		t.Fatal(err)
	}
	if err := forger.topic.Publish(ctxTimeout(t, waitLong), honest); err != nil {
		t.Fatal(err)
	}
	fs := forgeries()
	for _, f := range fs {
		if err := forger.topic.Publish(ctxTimeout(t, waitLong), f.make(t, tenant, relay.ID(), now)); err != nil {
			t.Fatalf("publish %s: %v", f.name, err)
		}
	}
	waitFor(t, waitLong, "the honest order at the observer", func() bool { return len(got()) > 0 })
	// n rejected orders cost the forger invalidWeight*n*n in all: wait
	// until all of them but one (the oversize one may be dropped before
	// validation) are counted. The count decays a little each second, and
	// the honest order earned a point: half an order's margin covers both.
	k := float64(len(fs)-1) - 0.5
	testenv.Eventually(t, waitLong, "the forger's score to sink", func() (bool, string, error) {
		s, ok := relay.PeerScore(forger.h.ID())
		return ok && s < invalidWeight*k*k, fmt.Sprintf("score %.0f, want below %.0f", s, invalidWeight*k*k), nil
	})
	if msgs := got(); len(msgs) != 1 || string(msgs[0]) != string(honest) {
		t.Errorf("observer received %d messages, want only the honest order", len(msgs))
	}
	if open := relay.store.open(now); len(open) != 1 {
		t.Errorf("relay holds %d orders, want 1 (the honest one)", len(open))
	}
}

// TestGossipWithoutAuthor: as the pubsub spec's StrictNoSign policy asks,
// which other implementations enforce, an order a node publishes carries no
// author, sequence number, key or signature; an order that carries an
// author and sequence number is refused, not relayed, and costs its sender
// score, even though the order itself is honest.
func TestGossipWithoutAuthor(t *testing.T) {
	relay := startNode(t, testConfig(t, "relay"))
	observer := newRawPeer(t)
	// An implementation that signs nothing but still names itself.
	authored := newRawPeerOn(t, OrdersTopic(testDomain), pubsub.WithMessageAuthor(""))
	observer.connect(t, relay)
	authored.connect(t, relay)
	observer.waitMesh(t, relay.ID())

	tenant := testKey(t, 1)
	now := time.Now()
	so := signOrder(t, testOrder(t, tenant, relay.ID(), now, time.Minute), tenant)
	if err := relay.PublishOrder(ctxTimeout(t, waitLong), so); err != nil {
		t.Fatal(err)
	}
	m, err := observer.sub.Next(ctxTimeout(t, waitLong))
	if err != nil {
		t.Fatalf("the relay's order at the observer: %v", err)
	}
	if m.From != nil || m.Seqno != nil || m.Key != nil || m.Signature != nil {
		t.Errorf("published order carries from %x, seqno %x, key %x, signature %x; want none", m.From, m.Seqno, m.Key, m.Signature)
	}

	got := observer.received(t)
	other, err := auction.EncodeOrder(signOrder(t, testOrder(t, tenant, relay.ID(), now.Add(time.Second), time.Minute), tenant))
	if err != nil {
		t.Fatal(err)
	}
	if err := authored.topic.Publish(ctxTimeout(t, waitLong), other); err != nil {
		t.Fatal(err)
	}
	testenv.Eventually(t, waitLong, "the authored message to cost its sender score", func() (bool, string, error) {
		s, ok := relay.PeerScore(authored.h.ID())
		return ok && s < 0, fmt.Sprintf("score %.1f", s), nil
	})
	if msgs := got(); len(msgs) != 0 {
		t.Errorf("observer received %d authored messages, want none", len(msgs))
	}
	if open := relay.store.open(now); len(open) != 1 {
		t.Errorf("relay holds %d orders, want 1 (its own)", len(open))
	}
}

// TestSpammerLosesScore: one peer floods the orders topic with invalid
// orders while the tenant publishes honest ones. Every provider gets every
// honest order and no other, and every honest node connected to the
// spammer scores it below the gossip threshold.
func TestSpammerLosesScore(t *testing.T) {
	m := newMarket(t, 4)
	spammer := newRawPeer(t)
	honest := append([]*Node{m.boot}, m.providers...)
	for _, n := range honest {
		spammer.connect(t, n)
	}
	var ordersCh []<-chan auction.VerifiedOrder
	for _, p := range m.providers {
		ordersCh = append(ordersCh, p.Orders(t.Context()))
	}

	const floodCount, honestCount = 300, 3
	fs := forgeries()
	now := time.Now()
	want := map[string]bool{}
	deadline := time.Now().Add(10 * time.Second) // bounded in count and time
	for i := 0; i < floodCount && time.Now().Before(deadline); i++ {
		f := fs[i%len(fs)]
		if err := spammer.topic.Publish(ctxTimeout(t, waitLong), f.make(t, m.tenantKey, m.tenant.ID(), now)); err != nil {
			t.Fatalf("flood %d (%s): %v", i, f.name, err)
		}
		if i%(floodCount/honestCount) == floodCount/honestCount/2 {
			so := signOrder(t, testOrder(t, m.tenantKey, m.tenant.ID(), now, time.Minute), m.tenantKey)
			if err := m.tenant.PublishOrder(ctxTimeout(t, waitLong), so); err != nil {
				t.Fatalf("PublishOrder: %v", err)
			}
			want[verifyOrder(t, so).Hash.Hex()] = true
		}
	}
	if len(want) != honestCount {
		t.Fatalf("published %d honest orders, want %d", len(want), honestCount)
	}
	for i, ch := range ordersCh {
		for range honestCount {
			o := recv(t, ch, waitLong, fmt.Sprintf("honest order at provider %d", i))
			if !want[o.Hash.Hex()] {
				t.Errorf("provider %d got order %s, want only the honest ones", i, o.Hash.Hex())
			}
		}
	}
	for i, n := range honest {
		waitFor(t, waitLong, fmt.Sprintf("node %d to score the spammer below the gossip threshold", i), func() bool {
			s, ok := n.PeerScore(spammer.h.ID())
			return ok && s < gossipThreshold
		})
		s, _ := n.PeerScore(spammer.h.ID())
		t.Logf("node %d scores the spammer %.0f (gossip threshold %d, graylist %d)", i, s, gossipThreshold, graylistThreshold)
	}
	for i, p := range m.providers {
		if open := p.store.open(time.Now()); len(open) != honestCount {
			t.Errorf("provider %d holds %d orders, want the %d honest ones", i, len(open), honestCount)
		}
	}
}
