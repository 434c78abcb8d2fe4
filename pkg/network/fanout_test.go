package network

import (
	"sync"
	"testing"
	"time"

	"github.com/tender-market/tender/pkg/auction"
)

// TestRequestsToOneAuctioneer: one tenant node auctions a sweep of 16
// orders at once, and a provider answers them all at once, bids and
// no-bids. The auctioneer takes a few streams of each kind from one peer
// at a time; the provider queues the rest for it instead of losing them.
func TestRequestsToOneAuctioneer(t *testing.T) {
	m := newMarket(t, 1)
	p, key := m.providers[0], m.provKeys[0]
	const sweep = 16
	var orders []auction.VerifiedOrder
	var srvs []*Auctioneer
	for range sweep {
		vo := verifyOrder(t, signOrder(t, testOrder(t, m.tenantKey, m.tenant.ID(), time.Now(), time.Minute), m.tenantKey))
		orders, srvs = append(orders, vo), append(srvs, m.serve(t, vo))
	}
	var wg sync.WaitGroup
	errs := make([]error, 2*sweep)
	for i := range orders {
		vo := &orders[i]
		wg.Go(func() {
			_, errs[i] = p.SendBid(ctxTimeout(t, waitLong), vo, signBid(t, testBid(vo, addrOf(key), p.ID(), 900_000), key))
		})
		wg.Go(func() {
			nb, err := testDomain.SignNoBid(auction.NoBid{OrderHash: vo.Hash, Provider: addrOf(key), PeerID: p.ID().String(),
				Reason: auction.ReasonHeld, Detail: "held for bids on other orders"}, auction.NewKeySigner(key))
			if err == nil {
				err = p.SendNoBid(ctxTimeout(t, waitLong), vo, nb)
			}
			errs[sweep+i] = err
		})
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("request %d of %d: %v", i, 2*sweep, err)
		}
	}
	for i, srv := range srvs {
		if n := len(srv.NoBids()); n != 1 {
			t.Errorf("auction %d took %d no-bids, want 1", i, n)
		}
	}
}
