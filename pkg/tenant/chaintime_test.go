package tenant

import (
	"math/big"
	"strings"
	"testing"
	"time"

	"github.com/tender-market/tender/internal/chaintest"
	"github.com/tender-market/tender/pkg/auction"
	"github.com/tender-market/tender/pkg/jobspec"
)

// TestOrderFollowsAChainAhead: after the chain's time jumped 20 minutes
// ahead of the wall clock, an order made by the wall clock alone would be
// expired on chain when its lease opens. The tenant moves the order's
// expiry by the chain's lead, and the lease opens; a lead past what an
// order's lease window may hold is refused with the reason.
func TestOrderFollowsAChainAhead(t *testing.T) {
	c := chaintest.New(t)
	c.Advance(t, 20*time.Minute)
	cl := &Client{cfg: Config{Escrow: c.Client}}
	job := &jobspec.Job{
		MaxPricePerHour: big.NewInt(3_600_000), MaxDuration: time.Hour, BidWindow: 5 * time.Second,
		Requirements: auction.Requirements{CPUMillis: 500, MemoryMiB: 256}, Job: auction.Job{Image: "tender/fake:dev"},
	}
	open := func(order auction.Order) error {
		provider := c.Providers[0]
		bid, err := c.Client.Domain().SignBid(auction.Bid{
			OrderHash: c.Client.Domain().OrderHash(&order), Provider: provider.Addr, PeerID: order.Auctioneer,
			PricePerHour: big.NewInt(3_600_000), Offer: auction.Offer{CPUMillis: 500, MemoryMiB: 256}, Expiry: order.Expiry, Nonce: 1,
		}, auction.NewKeySigner(provider.Key))
		if err != nil {
			t.Fatal(err)
		}
		auth := *c.Tenant.Auth
		_, _, err = c.Client.Open(t.Context(), &auth, &order, &bid, big.NewInt(1_000_000))
		return err
	}
	const peer = "12D3KooWH3uVF6wv47WnArKHk5p6cvgCJEb74UTmxztmQDc298L3"

	now := time.Now()
	byWall := job.Order(c.Tenant.Addr, peer, now, 1, 10*time.Minute)
	if err := open(byWall); err == nil || !strings.Contains(err.Error(), "expired") {
		t.Fatalf("an order by the wall clock alone on a chain 20 min ahead: %v, want expired", err)
	}
	order := job.Order(c.Tenant.Addr, peer, now, 2, 10*time.Minute)
	if err := cl.followChain(t.Context(), &order, now); err != nil {
		t.Fatal(err)
	}
	// The chain's blocks carry whole seconds, and the block that time was
	// moved from may be stamped a second before this one: the lead is
	// 1200 s give or take a few.
	if lead := order.Expiry - byWall.Expiry; lead < 20*60-3 || lead > 20*60+5 {
		t.Errorf("expiry moved by %d s, want the chain's lead of about 1200", lead)
	}
	if order.BidDeadline != byWall.BidDeadline {
		t.Errorf("bid deadline %d, want it on the wall clock %d", order.BidDeadline, byWall.BidDeadline)
	}
	if err := open(order); err != nil {
		t.Fatalf("an order that follows the chain: %v", err)
	}

	c.Advance(t, time.Hour)
	far := job.Order(c.Tenant.Addr, peer, now, 3, 10*time.Minute)
	if err := cl.followChain(t.Context(), &far, now); err == nil || !strings.Contains(err.Error(), "check this machine's clock") {
		t.Errorf("a chain 80 min ahead: %v, want refused", err)
	}
}
