package provider_test

import (
	"context"
	"fmt"
	"math/big"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"go.uber.org/goleak"

	"github.com/tender-market/tender/internal/chaintest"
	"github.com/tender-market/tender/internal/markettest"
	"github.com/tender-market/tender/internal/testenv"
	"github.com/tender-market/tender/pkg/auction"
	"github.com/tender-market/tender/pkg/jobspec"
	"github.com/tender-market/tender/pkg/lease"
	"github.com/tender-market/tender/pkg/network"
)

// The daemon's tests run it on the market in one process (package
// markettest): a simulated chain with the escrow, libp2p nodes on
// loopback, simulated GPUs (dgxh100: 8 H100s) and an in-memory runner
// whose jobs do what their command words say. A test reaches the daemon's
// GPU allocator and moves its clock through markettest.Provider. Set
// TENDER_TEST_LOG=debug to see what each part does.

// TestMain checks that no goroutine outlives the tests. The simulated
// chain leaves two that are not the market's (see chaintest.IgnoreLeaks).
func TestMain(m *testing.M) { goleak.VerifyTestMain(m, chaintest.IgnoreLeaks()...) }

const (
	// price is what the provider asks per H100 hour, in base units.
	price = 2_000_000
	// gpus is how many GPUs the simulated machine has.
	gpus = 8
)

// setUp is a market with a running provider and a tenant (dev account 1)
// joined to it.
func setUp(t *testing.T, secretsTimeout time.Duration) (*markettest.Market, *markettest.Provider, *markettest.Tenant) {
	t.Helper()
	m := markettest.New(t)
	p := m.NewProvider(markettest.ProviderSpec{
		Name: "provider", Machine: "dgxh100", Model: "H100", PricePerHour: fmt.Sprint(price), SecretsTimeout: secretsTimeout,
	})
	p.Start()
	return m, p, m.NewTenant("tenant", nil, []*network.Node{p.Node})
}

// testJob is a job of one H100 for at most 10 minutes, doing what words
// say (see markettest.Runner). Its bid window is 2 s: an order's deadline
// is a whole second, so a 1 s window may leave the bids a few
// milliseconds.
func testJob(t *testing.T, words ...string) *jobspec.Job {
	t.Helper()
	j := markettest.Job(t, "10m", words...)
	j.BidWindow = 2 * time.Second
	return j
}

// fiveGPUJob is a test job for five of the machine's eight GPUs (so one
// bid's hold leaves too few for another), with a bid window of window.
func fiveGPUJob(t *testing.T, window time.Duration) *jobspec.Job {
	t.Helper()
	j := testJob(t)
	j.Requirements.GPUCount = 5
	j.MaxPricePerHour = big.NewInt(5 * price)
	j.BidWindow = window
	return j
}

func timeout(t *testing.T, d time.Duration) context.Context {
	ctx, cancel := context.WithTimeout(t.Context(), d)
	t.Cleanup(cancel)
	return ctx
}

// auctionRun is an order the test published from a tenant's node, which
// serves its auction.
type auctionRun struct {
	t       *testing.T
	m       *markettest.Market
	Order   auction.VerifiedOrder
	Auction *auction.Auction
	Srv     *network.Auctioneer
	bids    chan network.BidReceipt
}

// publish signs job's order as the tenant, serves its auction on node and
// publishes it. The order lapses leaseWindow after its bid window; the
// test decides when to close the auction.
func publish(t *testing.T, m *markettest.Market, node *network.Node, job *jobspec.Job, leaseWindow time.Duration) *auctionRun {
	t.Helper()
	order := job.Order(m.Chain.Tenant.Addr, node.ID().String(), time.Now(), rand.Uint64(), leaseWindow)
	so, err := m.Domain().SignOrder(order, auction.NewKeySigner(m.Chain.Tenant.Key))
	if err != nil {
		t.Fatal(err)
	}
	vo, err := m.Domain().VerifyOrder(so)
	if err != nil {
		t.Fatal(err)
	}
	a, err := auction.NewAuction(m.Domain(), vo, nil)
	if err != nil {
		t.Fatal(err)
	}
	r := &auctionRun{t: t, m: m, Order: vo, Auction: a, bids: make(chan network.BidReceipt, 8)}
	r.Srv, err = node.ServeAuction(a, func(b network.BidReceipt) { r.bids <- b })
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(r.Srv.Stop)
	if err := node.PublishOrder(timeout(t, 10*time.Second), so); err != nil {
		t.Fatal(err)
	}
	return r
}

// Bid waits for a bid.
func (r *auctionRun) Bid() network.BidReceipt {
	r.t.Helper()
	var b network.BidReceipt
	testenv.Eventually(r.t, 20*time.Second, "a bid on order "+r.Order.Hash.Hex(), func() (bool, string, error) {
		select {
		case b = <-r.bids:
			return true, "", nil
		default:
		}
		if nb := r.Srv.NoBids(); len(nb) > 0 {
			return false, "", fmt.Errorf("a no-bid came instead: %+v", nb[0].NoBid)
		}
		return false, "none yet", nil
	})
	return b
}

// WaitClosed waits until the order's bid window has closed: no node hands
// the order out any more.
func (r *auctionRun) WaitClosed() {
	r.t.Helper()
	deadline := time.Unix(int64(r.Order.Order.BidDeadline), 0)
	testenv.Eventually(r.t, 10*time.Second, "the bid window's end", func() (bool, string, error) {
		return !time.Now().Before(deadline), "", nil
	})
}

// NoBid waits for a no-bid.
func (r *auctionRun) NoBid() auction.NoBid {
	r.t.Helper()
	var got []auction.SignedNoBid
	testenv.Eventually(r.t, 20*time.Second, "a no-bid on order "+r.Order.Hash.Hex(), func() (bool, string, error) {
		got = r.Srv.NoBids()
		select {
		case b := <-r.bids:
			return false, "", fmt.Errorf("a bid came instead: %+v", b.Bid.Bid)
		default:
		}
		return len(got) > 0, "none yet", nil
	})
	return got[0].NoBid
}

// Open opens a lease from bid as the tenant, depositing deposit (nil: the
// most the lease can cost), and returns its ID and terms.
func (r *auctionRun) Open(bid auction.SignedBid, deposit *big.Int) (common.Hash, lease.Terms) {
	r.t.Helper()
	terms := lease.NewTerms(&r.Order.Order, &bid.Bid)
	if deposit == nil {
		deposit = terms.MaxCost()
	}
	id, _, err := r.m.Chain.Client.Open(timeout(r.t, 30*time.Second), r.m.Chain.Tenant.Auth, &r.Order.Order, &bid, deposit)
	if err != nil {
		r.t.Fatal(err)
	}
	return id, terms
}

// settlement is how a lease settled on chain.
type settlement struct {
	ID      common.Hash
	Closed  *lease.Closed
	Started *lease.Started // nil: never started
	// ClosedAt is the closing block's time (unix seconds).
	ClosedAt uint64
	// Withdrawn are the provider's withdrawals, in order.
	Withdrawn []*big.Int
}

// settled waits until lease id is closed on chain and reads how.
func settled(t *testing.T, m *markettest.Market, id common.Hash) settlement {
	t.Helper()
	m.Lease(id, lease.StateClosed, 30*time.Second)
	ctx := timeout(t, 10*time.Second)
	evs, err := m.Chain.Client.History(ctx, id, 0)
	if err != nil {
		t.Fatal(err)
	}
	s := settlement{ID: id}
	for _, ev := range evs {
		switch p := ev.Payload.(type) {
		case *lease.Started:
			s.Started = p
		case *lease.Withdrawn:
			s.Withdrawn = append(s.Withdrawn, p.Amount)
		case *lease.Closed:
			if s.Closed != nil {
				t.Fatalf("lease %s closed twice", id.Hex())
			}
			s.Closed = p
			h, err := m.Chain.Backend.HeaderByNumber(ctx, new(big.Int).SetUint64(ev.Log.BlockNumber))
			if err != nil {
				t.Fatal(err)
			}
			s.ClosedAt = h.Time
		}
	}
	return s
}

// checkPaid checks the money of a closed lease to the base unit: the
// provider was paid the price for each second from the start block to the
// job's end as p recorded it, or to the closing block when that is sooner
// or the end is not known (nothing when it never started), but never less
// than it withdrew; the tenant got the rest of deposit back.
func checkPaid(t *testing.T, p *markettest.Provider, s settlement, deposit *big.Int) {
	t.Helper()
	withdrawn := new(big.Int)
	for _, w := range s.Withdrawn {
		withdrawn.Add(withdrawn, w)
	}
	want := new(big.Int)
	if s.Started != nil {
		until := s.ClosedAt
		if rec, ok := p.Record(s.ID); ok && rec.EndedAt > 0 && rec.EndedAt < until {
			until = max(rec.EndedAt, s.Started.StartedAt)
		}
		secs := int64(until - s.Started.StartedAt)
		want.Mul(big.NewInt(price), big.NewInt(secs)).Quo(want, big.NewInt(3600))
		if want.Cmp(withdrawn) < 0 {
			want.Set(withdrawn)
		}
	}
	if s.Closed.Paid.Cmp(want) != 0 {
		t.Errorf("paid %s, want %s (%d per hour from the start to the job's end)", s.Closed.Paid, want, price)
	}
	if sum := new(big.Int).Add(s.Closed.Paid, s.Closed.Refunded); sum.Cmp(deposit) != 0 {
		t.Errorf("paid %s + refunded %s = %s, want the deposit %s", s.Closed.Paid, s.Closed.Refunded, sum, deposit)
	}
	if withdrawn.Cmp(s.Closed.Paid) > 0 {
		t.Errorf("withdrew %s in all, more than the %s paid", withdrawn, s.Closed.Paid)
	}
}
