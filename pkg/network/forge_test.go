package network

import (
	"bytes"
	"crypto/ecdsa"
	"fmt"
	"math/big"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	pubsub "github.com/libp2p/go-libp2p-pubsub"
	"github.com/libp2p/go-libp2p/core/peer"

	"github.com/tender-market/tender/internal/testenv"
	"github.com/tender-market/tender/pkg/auction"
)

// forgery is an invalid order as a peer might gossip it.
type forgery struct {
	name string
	make func(t testing.TB, tenant *ecdsa.PrivateKey, auctioneer peer.ID, now time.Time) []byte
}

// forgeries are orders every node must reject (and score against their
// sender).
func forgeries() []forgery {
	encode := func(t testing.TB, so auction.SignedOrder) []byte {
		t.Helper()
		data, err := auction.EncodeOrder(so)
		if err != nil {
			t.Fatal(err)
		}
		return data
	}
	return []forgery{
		{"signed by another key", func(t testing.TB, tenant *ecdsa.PrivateKey, a peer.ID, now time.Time) []byte {
			stranger := testKey(t, 666)
			so := signOrder(t, testOrder(t, stranger, a, now, time.Minute), stranger)
			so.Order.Tenant = addrOf(tenant) // claims to be the tenant
			return encode(t, so)
		}},
		{"tampered after signing", func(t testing.TB, tenant *ecdsa.PrivateKey, a peer.ID, now time.Time) []byte {
			so := signOrder(t, testOrder(t, tenant, a, now, time.Minute), tenant)
			so.Order.MaxPricePerHour = big.NewInt(1)
			return encode(t, so)
		}},
		{"expired", func(t testing.TB, tenant *ecdsa.PrivateKey, a peer.ID, now time.Time) []byte {
			return encode(t, signOrder(t, testOrder(t, tenant, a, now.Add(-time.Hour), time.Minute), tenant))
		}},
		{"unknown version", func(t testing.TB, tenant *ecdsa.PrivateKey, a peer.ID, now time.Time) []byte {
			data := encode(t, signOrder(t, testOrder(t, tenant, a, now, time.Minute), tenant))
			return bytes.Replace(data, []byte(`"v":1`), []byte(`"v":2`), 1)
		}},
		{"malformed", func(t testing.TB, tenant *ecdsa.PrivateKey, a peer.ID, now time.Time) []byte {
			data := encode(t, signOrder(t, testOrder(t, tenant, a, now, time.Minute), tenant))
			return data[:len(data)/2]
		}},
		{"waits too long for its lease", func(t testing.TB, tenant *ecdsa.PrivateKey, a peer.ID, now time.Time) []byte {
			return encode(t, longLived(t, tenant, a, now))
		}},
		{"oversize", func(t testing.TB, tenant *ecdsa.PrivateKey, a peer.ID, now time.Time) []byte {
			return []byte(fmt.Sprintf(`{"v":1,"nonce":%d,"pad":"%s"}`, rand.Uint64(), strings.Repeat("x", auction.MaxOrderBytes)))
		}},
	}
}

// longLived is an order, signed, that may wait a year for its lease: what
// a throwaway tenant would post to make providers hold their GPUs. Our own
// SignOrder refuses it, so it is signed by hand.
func longLived(t testing.TB, tenant *ecdsa.PrivateKey, a peer.ID, now time.Time) auction.SignedOrder {
	t.Helper()
	o := testOrder(t, tenant, a, now, time.Minute)
	o.Expiry = o.BidDeadline + 365*24*3600
	sig, err := auction.NewKeySigner(tenant).SignHash(testDomain.OrderHash(&o))
	if err != nil {
		t.Fatal(err)
	}
	return auction.SignedOrder{Order: o, Signature: sig}
}

// TestAttackLongLivedOrder: an order that may wait far longer than the
// market allows for its lease is dropped by the first node it reaches, with
// the reason, and costs its sender score; providers never see it.
func TestAttackLongLivedOrder(t *testing.T) {
	relay := startNode(t, testConfig(t, "relay"))
	forger := newRawPeer(t)
	forger.connect(t, relay)
	tenant := testKey(t, 1)
	now := time.Now()
	so := longLived(t, tenant, relay.ID(), now)
	if _, err := testDomain.SignOrder(so.Order, auction.NewKeySigner(tenant)); err == nil || !strings.Contains(err.Error(), "expiry") {
		t.Errorf("SignOrder of a year-long order: %v, want it refused for its expiry", err)
	}
	data, err := auction.EncodeOrder(so)
	if err != nil {
		t.Fatal(err)
	}
	if _, res, err := relay.checkOrder(data, true); res != pubsub.ValidationReject || err == nil || !strings.Contains(err.Error(), "at most 3600 s") {
		t.Errorf("the validator says %v, %v; want a rejection naming the maximum", res, err)
	}
	if err := forger.topic.Publish(ctxTimeout(t, waitLong), data); err != nil {
		t.Fatal(err)
	}
	waitFor(t, waitLong, "the forger's score to sink", func() bool {
		s, ok := relay.PeerScore(forger.h.ID())
		return ok && s < 0
	})
	if open := relay.store.open(now); len(open) != 0 {
		t.Errorf("the relay holds %d orders, want none", len(open))
	}
}

func TestCheckOrder(t *testing.T) {
	tenant := testKey(t, 1)
	auctioneer, err := peer.Decode("12D3KooWDpJ7As7BWAwRMfu1VU2WCqNjvq387JEYKDBj4kx6nXTN")
	if err != nil {
		t.Fatal(err)
	}
	now := time.Unix(1_800_000_000, 0)
	n := &Node{domain: testDomain, now: func() time.Time { return now }, store: newOrderStore(16), log: testenv.Logger(t, "checker")}
	encode := func(o auction.Order) []byte {
		data, err := auction.EncodeOrder(signOrder(t, o, tenant))
		if err != nil {
			t.Fatal(err)
		}
		return data
	}
	valid := encode(testOrder(t, tenant, auctioneer, now, time.Minute))
	justExpired := testOrder(t, tenant, auctioneer, now, time.Minute)
	justExpired.BidDeadline = uint64(now.Add(-20 * time.Second).Unix())
	justExpired.Expiry = uint64(now.Add(-10 * time.Second).Unix())
	closed := testOrder(t, tenant, auctioneer, now, time.Minute)
	closed.BidDeadline = uint64(now.Add(-time.Second).Unix())

	type tc struct {
		name string
		data []byte
		want pubsub.ValidationResult
	}
	tests := []tc{
		{"valid", valid, pubsub.ValidationAccept},
		{"duplicate", valid, pubsub.ValidationIgnore},
		{"just expired", encode(justExpired), pubsub.ValidationIgnore},
		{"window closed", encode(closed), pubsub.ValidationIgnore},
	}
	for _, f := range forgeries() {
		tests = append(tests, tc{f.name, f.make(t, tenant, auctioneer, now), pubsub.ValidationReject})
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, got, err := n.checkOrder(tt.data, true)
			if got != tt.want {
				t.Fatalf("checkOrder: got %v (%v), want %v", got, err, tt.want)
			}
			if (err == nil) != (tt.want == pubsub.ValidationAccept) {
				t.Errorf("checkOrder: error %v with result %v", err, got)
			}
		})
	}
}

func TestOrderStoreBounded(t *testing.T) {
	tenant := testKey(t, 1)
	auctioneer, err := peer.Decode("12D3KooWDpJ7As7BWAwRMfu1VU2WCqNjvq387JEYKDBj4kx6nXTN")
	if err != nil {
		t.Fatal(err)
	}
	now := time.Unix(1_800_000_000, 0)
	s := newOrderStore(2)
	add := func(window time.Duration) bool {
		relay, deliver := s.record(verifyOrder(t, signOrder(t, testOrder(t, tenant, auctioneer, now, window), tenant)), nil, now, true)
		return relay && deliver
	}
	if !add(time.Minute) || !add(time.Minute) {
		t.Fatal("record in a store with room: got false, want true")
	}
	if add(time.Minute) {
		t.Error("record in a full store of open orders: got true, want false")
	}
	// Later, the first two windows have closed: they make room.
	now = now.Add(2 * time.Minute)
	if !add(time.Minute) {
		t.Error("record when the stored windows have closed: got false, want true")
	}
	if got := len(s.open(now)); got != 1 {
		t.Errorf("open orders = %d, want 1", got)
	}
}

// TestOrderStoreForgetsExpired: a store far from full still forgets the
// orders that expired, so that it holds what is alive, not all it saw.
func TestOrderStoreForgetsExpired(t *testing.T) {
	tenant := testKey(t, 1)
	auctioneer, err := peer.Decode("12D3KooWDpJ7As7BWAwRMfu1VU2WCqNjvq387JEYKDBj4kx6nXTN")
	if err != nil {
		t.Fatal(err)
	}
	now := time.Unix(1_800_000_000, 0)
	s := newOrderStore(1000)
	for range 10 {
		s.record(verifyOrder(t, signOrder(t, testOrder(t, tenant, auctioneer, now, time.Minute), tenant)), nil, now, true)
	}
	now = now.Add(2 * time.Hour) // past any order's expiry
	s.record(verifyOrder(t, signOrder(t, testOrder(t, tenant, auctioneer, now, time.Minute), tenant)), nil, now, true)
	s.mu.Lock()
	n := len(s.m)
	s.mu.Unlock()
	if n != 1 {
		t.Errorf("the store holds %d orders, want 1: the 10 expired ones forgotten", n)
	}
}

// TestOrderStoreRecord: an order known by sync is still relayed when it
// comes by gossip, but handed to subscribers once.
func TestOrderStoreRecord(t *testing.T) {
	tenant := testKey(t, 1)
	auctioneer, err := peer.Decode("12D3KooWDpJ7As7BWAwRMfu1VU2WCqNjvq387JEYKDBj4kx6nXTN")
	if err != nil {
		t.Fatal(err)
	}
	now := time.Unix(1_800_000_000, 0)
	vo := verifyOrder(t, signOrder(t, testOrder(t, tenant, auctioneer, now, time.Minute), tenant))
	s := newOrderStore(8)
	steps := []struct {
		via                      string
		wantRelay, wantDelivered bool
	}{
		{"sync", true, true},
		{"sync", false, false},
		{"gossip", true, false},
		{"gossip", false, false},
		{"sync", false, false},
	}
	for i, st := range steps {
		relay, deliver := s.record(vo, nil, now, st.via == "gossip")
		if relay != st.wantRelay || deliver != st.wantDelivered {
			t.Errorf("step %d (%s): record = (relay %v, deliver %v), want (%v, %v)", i, st.via, relay, deliver, st.wantRelay, st.wantDelivered)
		}
	}
}

func TestCheckTranscript(t *testing.T) {
	tenant, provider := testKey(t, 1), testKey(t, 2)
	auctioneer, err := peer.Decode("12D3KooWDpJ7As7BWAwRMfu1VU2WCqNjvq387JEYKDBj4kx6nXTN")
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	vo := verifyOrder(t, signOrder(t, testOrder(t, tenant, auctioneer, now, time.Minute), tenant))
	a, err := auction.NewAuction(testDomain, vo, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.Add(signBid(t, testBid(&vo, addrOf(provider), auctioneer, 500_000), provider), now); err != nil {
		t.Fatal(err)
	}
	tr, err := a.Close(now.Add(time.Second), auction.NewKeySigner(tenant))
	if err != nil {
		t.Fatal(err)
	}
	encode := func(tr auction.Transcript) []byte {
		data, err := auction.EncodeTranscript(tr)
		if err != nil {
			t.Fatal(err)
		}
		return data
	}
	valid := encode(tr)
	wrongWinner := tr
	wrongWinner.Winner = common.Hash{1}
	signedByOther := tr
	signedByOther.Signature[5] ^= 1
	n := &Node{domain: testDomain, seenResults: newSeenSet(16), log: testenv.Logger(t, "checker")}
	tests := []struct {
		name string
		data []byte
		want pubsub.ValidationResult
	}{
		{"valid", valid, pubsub.ValidationAccept},
		{"duplicate", valid, pubsub.ValidationIgnore},
		{"wrong winner", encode(wrongWinner), pubsub.ValidationReject},
		{"bad signature", encode(signedByOther), pubsub.ValidationReject},
		{"malformed", valid[:len(valid)/2], pubsub.ValidationReject},
		{"oversize", []byte(`{"v":1,"pad":"` + strings.Repeat("x", auction.MaxTranscriptBytes) + `"}`), pubsub.ValidationReject},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			vt, got, err := n.checkTranscript(tt.data, true)
			if got != tt.want {
				t.Fatalf("checkTranscript: got %v (%v), want %v", got, err, tt.want)
			}
			if got == pubsub.ValidationAccept && (vt.Winner == nil || vt.Order.Hash != vo.Hash) {
				t.Errorf("accepted transcript: order %s winner %v, want order %s with a winner", vt.Order.Hash.Hex(), vt.Winner, vo.Hash.Hex())
			}
		})
	}
}
