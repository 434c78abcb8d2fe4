package provider_test

import (
	"context"
	"crypto/rand"
	"fmt"
	"math/big"
	"strings"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/libp2p/go-libp2p/core/crypto"
	"github.com/libp2p/go-libp2p/core/peer"

	"github.com/tender-market/tender/internal/markettest"
	"github.com/tender-market/tender/pkg/auction"
	"github.com/tender-market/tender/pkg/jobspec"
	"github.com/tender-market/tender/pkg/network"
	"github.com/tender-market/tender/pkg/provider"
	"github.com/tender-market/tender/pkg/tenant"
)

// TestBid: the provider answers an order it can serve with a bid signed by
// its account, from its peer, at its price, offering the GPU it holds for
// the bid.
func TestBid(t *testing.T) {
	m, p, ten := setUp(t, 0)
	o := publish(t, m, ten.Node, testJob(t), 10*time.Minute)
	r := o.Bid()
	b := r.Bid.Bid
	if r.Verdict.Reason != auction.ReasonEligible {
		t.Errorf("verdict %+v, want the bid eligible", r.Verdict)
	}
	expiry := min(o.Order.Order.Expiry, o.Order.Order.BidDeadline+uint64(provider.DefaultBidHold/time.Second))
	if b.Provider != p.Party.Addr || b.PeerID != p.Node.ID().String() || b.OrderHash != o.Order.Hash || b.Expiry != expiry {
		t.Errorf("bid from %s at peer %s for order %s expiring %d; want %s at %s for %s expiring %d",
			b.Provider.Hex(), b.PeerID, b.OrderHash.Hex(), b.Expiry, p.Party.Addr.Hex(), p.Node.ID(), o.Order.Hash.Hex(), expiry)
	}
	if b.PricePerHour.Cmp(big.NewInt(price)) != 0 {
		t.Errorf("bid at %s per hour, want %d (one H100)", b.PricePerHour, price)
	}
	signer, err := auction.Recover(m.Domain().BidHash(&b), r.Bid.Signature)
	if err != nil || signer != p.Party.Addr {
		t.Errorf("the bid's signature recovers %s, %v; want the provider %s", signer.Hex(), err, p.Party.Addr.Hex())
	}
	if n := b.Offer.GPUCount(); n != 1 || !strings.Contains(b.Offer.GPUs[0].Model, "H100") || !b.Offer.Simulated {
		t.Errorf("offer %+v, want one simulated H100", b.Offer)
	}
	// The GPU offered is held for the bid, under the bid's hash.
	claims := p.GPUs.Claims()
	if len(claims) != 1 || claims[0].BidID != m.Domain().BidHash(&b).Hex() {
		t.Errorf("claims %+v, want one GPU held for bid %s", claims, m.Domain().BidHash(&b).Hex())
	}
}

// TestNoBid: an order the provider cannot serve gets a signed no-bid that
// says why, and leaves no GPU held.
func TestNoBid(t *testing.T) {
	tests := []struct {
		name string
		job  func(*jobspec.Job)
		// holdAll holds every GPU for another bid first.
		holdAll    bool
		want       auction.Reason
		wantDetail string
	}{
		{"another GPU model", func(j *jobspec.Job) { j.Requirements.GPUModels = []string{"A100"} }, false,
			auction.ReasonGPUModel, "has 0 free GPUs of model A100, the order needs 1"},
		{"price above the order's max", func(j *jobspec.Job) { j.MaxPricePerHour = big.NewInt(price - 1) }, false,
			auction.ReasonPriceBelowFloor, fmt.Sprintf("asks %d per hour, the order pays at most %d", price, price-1)},
		{"more GPUs than the machine has", func(j *jobspec.Job) { j.Requirements.GPUCount = gpus + 1 }, false,
			auction.ReasonGPUCount, "has 8 free GPUs, the order needs 9"},
		{"every GPU held", func(*jobspec.Job) {}, true,
			auction.ReasonBusy, "has 0 free GPUs, the order needs 1 (the rest is leased, held for other bids or not for rent)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, p, ten := setUp(t, 0)
			free := gpus
			if tt.holdAll {
				var all []string
				for _, d := range p.GPUs.Free() {
					all = append(all, d.UUID)
				}
				if err := p.GPUs.Reserve("another bid", all, time.Now().Add(time.Hour)); err != nil {
					t.Fatal(err)
				}
				free = 0
			}
			job := testJob(t)
			tt.job(job)
			o := publish(t, m, ten.Node, job, 10*time.Minute)
			nb := o.NoBid()
			if nb.Reason != tt.want || nb.Detail != tt.wantDetail {
				t.Errorf("no-bid %s: %q; want %s: %q", nb.Reason, nb.Detail, tt.want, tt.wantDetail)
			}
			if nb.Provider != p.Party.Addr || nb.PeerID != p.Node.ID().String() || nb.OrderHash != o.Order.Hash {
				t.Errorf("no-bid from %s at %s for %s, want %s at %s for %s", nb.Provider.Hex(), nb.PeerID, nb.OrderHash.Hex(), p.Party.Addr.Hex(), p.Node.ID(), o.Order.Hash.Hex())
			}
			// The no-bid is sent after anything held for the order is
			// let go.
			if got := p.Free(); got != free {
				t.Errorf("%d GPUs free after the no-bid, want %d", got, free)
			}
		})
	}
}

// TestLostBidReleasesGPUs: when the auction's transcript names another
// provider's bid, the GPU held for the provider's bid is free again.
func TestLostBidReleasesGPUs(t *testing.T) {
	m, p, ten := setUp(t, 0)
	o := publish(t, m, ten.Node, testJob(t), 10*time.Minute)
	mine := o.Bid()
	if got := p.Free(); got != gpus-1 {
		t.Fatalf("%d GPUs free after the bid, want %d", got, gpus-1)
	}
	// A cheaper bid from another provider, for the same offer, wins.
	key, _, err := crypto.GenerateEd25519Key(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	otherPeer, err := peer.IDFromPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	other := mine.Bid.Bid
	other.Provider, other.PeerID, other.PricePerHour = m.Chain.Providers[1].Addr, otherPeer.String(), big.NewInt(price/2)
	sb, err := m.Domain().SignBid(other, auction.NewKeySigner(m.Chain.Providers[1].Key))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := o.Auction.Add(sb, time.Now()); err != nil {
		t.Fatal(err)
	}
	tr, err := o.Srv.Close(timeout(t, 10*time.Second), time.Now(), auction.NewKeySigner(m.Chain.Tenant.Key))
	if err != nil {
		t.Fatal(err)
	}
	if tr.Winner != m.Domain().BidHash(&other) {
		t.Fatalf("the transcript names %s as the winner, want the cheaper bid %s", tr.Winner.Hex(), m.Domain().BidHash(&other).Hex())
	}
	p.WaitFree(gpus)
}

// TestLapsedOrderReleasesGPUs: what the provider held for an order that
// never got a transcript nor a lease is let go once the order lapses; the
// provider finds out when the next order comes.
func TestLapsedOrderReleasesGPUs(t *testing.T) {
	m, p, ten := setUp(t, 0)
	first := publish(t, m, ten.Node, testJob(t), time.Second)
	first.Bid()
	if got := p.Free(); got != gpus-1 {
		t.Fatalf("%d GPUs free after the first bid, want %d", got, gpus-1)
	}
	// The first order lapses (a minute of grace after its expiry) on the
	// daemon's clock; the allocator's own hold on the GPU lasts as long on
	// the wall clock, which does not move.
	p.Clock.Advance(time.Until(time.Unix(int64(first.Order.Order.Expiry), 0)) + 2*time.Minute)
	second := publish(t, m, ten.Node, testJob(t), 10*time.Minute)
	b := second.Bid()
	claims := p.GPUs.Claims()
	if len(claims) != 1 || claims[0].BidID != m.Domain().BidHash(&b.Bid.Bid).Hex() {
		t.Errorf("GPUs held %+v, want one, for the second order's bid only", claims)
	}
}

// TestBidWithItsVerdictLost: the auctioneer takes the provider's bid, but
// the verdict never reaches the provider (the stream dies, the deadline
// passes while the auctioneer is busy). The bid may win, so the provider
// keeps what it holds for it and serves the lease when it opens.
func TestBidWithItsVerdictLost(t *testing.T) {
	m := markettest.New(t)
	p := m.NewProvider(markettest.ProviderSpec{
		Name: "provider", Machine: "dgxh100", Model: "H100", PricePerHour: fmt.Sprint(price),
		Market: func(mk provider.Market) provider.Market { return verdictLost{mk} },
	})
	p.Start()
	ten := m.NewTenant("tenant", nil, []*network.Node{p.Node})
	res, err := ten.Submit(timeout(t, time.Minute), testJob(t, "run=100ms"), tenant.Options{})
	if err != nil || !res.Settled || res.ExitCode != 0 {
		t.Fatalf("submit: %+v, %v; want the job run and settled by the provider whose verdict was lost", res, err)
	}
	if n := len(p.Runner.Started()); n != 1 {
		t.Errorf("%d jobs started, want 1", n)
	}
}

// verdictLost sends bids and reports that no verdict came.
type verdictLost struct{ provider.Market }

func (v verdictLost) SendBid(ctx context.Context, o *auction.VerifiedOrder, sb auction.SignedBid) (auction.Verdict, error) {
	if _, err := v.Market.SendBid(ctx, o, sb); err != nil {
		return auction.Verdict{}, err
	}
	return auction.Verdict{}, fmt.Errorf("send bid: read auctioneer's reply: %w", context.DeadlineExceeded)
}

// TestBidNotSent: a bid that never left the provider (no stream to the
// auctioneer) cannot win: what it held is let go at once, not kept until
// the auction's outcome.
func TestBidNotSent(t *testing.T) {
	m := markettest.New(t)
	sent := make(chan struct{}, 1)
	p := m.NewProvider(markettest.ProviderSpec{
		Name: "provider", Machine: "dgxh100", Model: "H100", PricePerHour: fmt.Sprint(price),
		Market: func(mk provider.Market) provider.Market { return notSent{mk, sent} },
	})
	p.Start()
	ten := m.NewTenant("tenant", nil, []*network.Node{p.Node})
	publish(t, m, ten.Node, testJob(t), 10*time.Minute)
	select {
	case <-sent:
	case <-time.After(20 * time.Second):
		t.Fatal("the provider tried no bid")
	}
	p.WaitFree(gpus)
}

// notSent fails every bid before it leaves, as a node with no stream to
// the auctioneer does.
type notSent struct {
	provider.Market
	tried chan<- struct{}
}

func (n notSent) SendBid(context.Context, *auction.VerifiedOrder, auction.SignedBid) (auction.Verdict, error) {
	select {
	case n.tried <- struct{}{}:
	default:
	}
	return auction.Verdict{}, fmt.Errorf("send bid: %w: open stream to auctioneer: connection refused", network.ErrNotSent)
}

// TestNoBidBusySlices: an order for MIG slices of a profile the provider
// has, all held for other bids, is told busy (it may come back), not that
// the provider lacks them; one for a profile it has none of is not.
func TestNoBidBusySlices(t *testing.T) {
	m := markettest.New(t)
	p := m.NewProvider(markettest.ProviderSpec{Name: "provider", Machine: "dgxh100-mig", Model: "MIG", PricePerHour: fmt.Sprint(price)})
	p.Start()
	ten := m.NewTenant("tenant", nil, []*network.Node{p.Node})
	var slices []string
	for _, d := range p.GPUs.Free() {
		if d.MIGProfile != "" {
			slices = append(slices, d.UUID)
		}
	}
	if len(slices) == 0 {
		t.Fatal("the simulated machine has no MIG slices")
	}
	if err := p.GPUs.Reserve("another bid", slices, time.Now().Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	job := testJob(t)
	job.Requirements.GPUModels = []string{"H100 MIG 1g.10gb"}
	nb := publish(t, m, ten.Node, job, 10*time.Minute).NoBid()
	if nb.Reason != auction.ReasonBusy {
		t.Errorf("no-bid %s: %q; want %s", nb.Reason, nb.Detail, auction.ReasonBusy)
	}
	job.Requirements.GPUModels = []string{"H100 MIG 7g.80gb"} // a profile it has none of
	if nb := publish(t, m, ten.Node, job, 10*time.Minute).NoBid(); nb.Reason == auction.ReasonBusy {
		t.Errorf("no-bid %s: %q; want a reason that lasts", nb.Reason, nb.Detail)
	}
}

// TestNoBidHeld: a provider whose GPUs are held for its bid on another
// order, whose auction closes within seconds, waits for that auction while
// the new order's window allows: when its bid loses, it bids on the new
// order; when the window is about to close first, it says held (the
// tenant may try again in a moment: a burst's orders all came at once).
// Held for an auction that closes later than that, or for a bid that won
// (its lease may open any moment), it says busy.
func TestNoBidHeld(t *testing.T) {
	m, p, ten := setUp(t, 0)
	defer func() {
		if t.Failed() {
			t.Logf("GPUs held: %+v", p.GPUs.Claims())
		}
	}()
	lose := func(r *auctionRun, mine network.BidReceipt) {
		t.Helper()
		other := mine.Bid.Bid
		other.Provider, other.PricePerHour = m.Chain.Providers[1].Addr, big.NewInt(price/2)
		sb, err := m.Domain().SignBid(other, auction.NewKeySigner(m.Chain.Providers[1].Key))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := r.Auction.Add(sb, time.Now()); err != nil {
			t.Fatal(err)
		}
		if _, err := r.Srv.Close(timeout(t, 10*time.Second), time.Now(), auction.NewKeySigner(m.Chain.Tenant.Key)); err != nil {
			t.Fatal(err)
		}
	}

	// Auctions the test closes long before their deadlines: what the
	// provider does comes from their outcomes, not the clock.

	// Held for an auction that closes in a minute: busy.
	long := publish(t, m, ten.Node, fiveGPUJob(t, time.Minute), 10*time.Minute)
	mine := long.Bid()
	if nb := publish(t, m, ten.Node, fiveGPUJob(t, 2*time.Second), 10*time.Minute).NoBid(); nb.Reason != auction.ReasonBusy {
		t.Errorf("no-bid while an auction that closes in a minute holds the GPUs: %s: %q; want %s", nb.Reason, nb.Detail, auction.ReasonBusy)
	}
	lose(long, mine)
	p.WaitFree(gpus)

	first := publish(t, m, ten.Node, fiveGPUJob(t, 20*time.Second), 10*time.Minute)
	mine = first.Bid()
	nb := publish(t, m, ten.Node, fiveGPUJob(t, 2*time.Second), 10*time.Minute).NoBid()
	if nb.Reason != auction.ReasonHeld || !strings.HasPrefix(nb.Detail, "has 3 free GPUs, the order needs 5 (the rest is held for bids on other orders, whose auctions close within ") {
		t.Errorf("no-bid while the first auction is open: %s: %q; want %s, saying why", nb.Reason, nb.Detail, auction.ReasonHeld)
	}

	// An order comes while the first auction is open; the first bid
	// loses: the provider bids on the waiting order.
	waiting := publish(t, m, ten.Node, fiveGPUJob(t, 20*time.Second), 10*time.Minute)
	lose(first, mine)
	waiting.Bid()

	// That bid wins: what it holds is for a lease that may open any
	// moment, not for an auction about to close.
	if tr, err := waiting.Srv.Close(timeout(t, 10*time.Second), time.Now(), auction.NewKeySigner(m.Chain.Tenant.Key)); err != nil || tr.Winner == (common.Hash{}) {
		t.Fatalf("close the waiting order's auction: %v, %v; want the provider's bid to win", tr, err)
	}
	if nb := publish(t, m, ten.Node, fiveGPUJob(t, 20*time.Second), 10*time.Minute).NoBid(); nb.Reason != auction.ReasonBusy {
		t.Errorf("no-bid once the provider's bid won: %s: %q; want %s", nb.Reason, nb.Detail, auction.ReasonBusy)
	}
}
