package network

import (
	"strings"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"

	"github.com/tender-market/tender/pkg/auction"
)

// TestNoBidsPublishedAfterClose: a provider's no-bid travels to the
// auctioneer alone during the window, and to every node once the auction
// closes.
func TestNoBidsPublishedAfterClose(t *testing.T) {
	m := newMarket(t, 2)
	feed := m.boot.NoBids(t.Context())
	vo := verifyOrder(t, signOrder(t, testOrder(t, m.tenantKey, m.tenant.ID(), time.Now(), time.Minute), m.tenantKey))
	if err := m.tenant.PublishOrder(ctxTimeout(t, waitLong), vo.SignedOrder); err != nil {
		t.Fatal(err)
	}
	for _, n := range append([]*Node{m.boot}, m.providers...) {
		waitFor(t, waitLong, "the order at every node", func() bool { return n.store.knows(vo.Hash) })
	}
	srv := m.serve(t, vo)
	bidder, sayer := m.providers[0], m.providers[1]
	if _, err := bidder.SendBid(ctxTimeout(t, waitLong), &vo, signBid(t, testBid(&vo, addrOf(m.provKeys[0]), bidder.ID(), 900_000), m.provKeys[0])); err != nil {
		t.Fatal(err)
	}
	nb, err := testDomain.SignNoBid(auction.NoBid{OrderHash: vo.Hash, Provider: addrOf(m.provKeys[1]), PeerID: sayer.ID().String(),
		Reason: auction.ReasonBusy, Detail: "all 8 GPUs leased"}, auction.NewKeySigner(m.provKeys[1]))
	if err != nil {
		t.Fatal(err)
	}
	if err := sayer.SendNoBid(ctxTimeout(t, waitLong), &vo, nb); err != nil {
		t.Fatal(err)
	}
	select {
	case got := <-feed:
		t.Fatalf("no-bid %+v gossiped before the auction closed", got)
	default:
	}
	if _, err := srv.Close(ctxTimeout(t, waitLong), time.Now(), auction.NewKeySigner(m.tenantKey)); err != nil {
		t.Fatal(err)
	}
	if got := recv(t, feed, waitLong, "the no-bid after the close"); got != nb {
		t.Errorf("got no-bid %+v, want %+v", got, nb)
	}
}

// TestAttackNoBidRelay: a peer publishes on the no-bids topic a forged
// no-bid, an oversize one, a real one for an order nobody knows, and a
// provider's second no-bid for the same order. The relay passes on only
// the first honest no-bid.
func TestAttackNoBidRelay(t *testing.T) {
	relay := startNode(t, testConfig(t, "relay"))
	forger, observer := newRawPeerOn(t, NoBidsTopic(testDomain)), newRawPeerOn(t, NoBidsTopic(testDomain))
	forger.connect(t, relay)
	observer.connect(t, relay)
	observer.waitMesh(t, relay.ID())
	got := observer.received(t)
	feed := relay.NoBids(t.Context())

	tenant, provider := testKey(t, 1), testKey(t, 100)
	now := time.Now()
	so := signOrder(t, testOrder(t, tenant, relay.ID(), now, time.Minute), tenant)
	vo := verifyOrder(t, so)
	raw, err := auction.EncodeOrder(so)
	if err != nil {
		t.Fatal(err)
	}
	relay.store.record(vo, raw, now, true)

	sign := func(order common.Hash, detail string) []byte {
		nb, err := testDomain.SignNoBid(auction.NoBid{OrderHash: order, Provider: addrOf(provider), PeerID: relay.ID().String(),
			Reason: auction.ReasonBusy, Detail: detail}, auction.NewKeySigner(provider))
		if err != nil {
			t.Fatal(err)
		}
		data, err := auction.EncodeNoBid(nb)
		if err != nil {
			t.Fatal(err)
		}
		return data
	}
	honest := sign(vo.Hash, "busy")
	forged := []byte(strings.Replace(string(sign(vo.Hash, "busy until noon")), "busy until noon", "busy until 1pm", 1))
	publish := func(msgs ...[]byte) {
		for _, msg := range msgs {
			if err := forger.topic.Publish(ctxTimeout(t, waitLong), msg); err != nil {
				t.Fatal(err)
			}
		}
	}
	publish(forged, []byte(string(honest[:len(honest)-1])+strings.Repeat(" ", auction.MaxNoBidBytes)+"}"), sign(common.Hash{0xee}, "busy"), honest)
	if first := recv(t, feed, waitLong, "the honest no-bid at the relay"); first.NoBid.OrderHash != vo.Hash || first.NoBid.Detail != "busy" {
		t.Errorf("relay delivered %+v, want the honest no-bid", first)
	}
	waitFor(t, waitLong, "the forger's score to sink for its two invalid messages", func() bool {
		s, ok := relay.PeerScore(forger.h.ID())
		return ok && s < invalidWeight
	})
	// The provider's second no-bid on the order, then another provider's
	// first: only the latter goes on.
	sentinel := func() []byte {
		other := testKey(t, 101)
		nb, err := testDomain.SignNoBid(auction.NoBid{OrderHash: vo.Hash, Provider: addrOf(other), PeerID: relay.ID().String(),
			Reason: auction.ReasonBusy, Detail: "busy too"}, auction.NewKeySigner(other))
		if err != nil {
			t.Fatal(err)
		}
		data, err := auction.EncodeNoBid(nb)
		if err != nil {
			t.Fatal(err)
		}
		return data
	}()
	publish(sign(vo.Hash, "busy, said twice"), sentinel)
	if next := recv(t, feed, waitLong, "the other provider's no-bid at the relay"); next.NoBid.Detail != "busy too" {
		t.Errorf("relay delivered %+v, want the other provider's no-bid", next)
	}
	waitFor(t, waitLong, "two no-bids at the observer", func() bool { return len(got()) >= 2 })
	if msgs := got(); len(msgs) != 2 || string(msgs[0]) != string(honest) || string(msgs[1]) != string(sentinel) {
		t.Errorf("observer received %d messages, want the honest no-bid and the other provider's", len(msgs))
	}

}
