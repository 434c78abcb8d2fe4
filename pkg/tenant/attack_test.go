package tenant_test

import (
	"context"
	"errors"
	"fmt"
	"math/big"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/libp2p/go-libp2p/core/peer"

	"github.com/tender-market/tender/internal/markettest"
	"github.com/tender-market/tender/pkg/auction"
	"github.com/tender-market/tender/pkg/lease"
	"github.com/tender-market/tender/pkg/network"
	"github.com/tender-market/tender/pkg/tenant"
)

// TestAttackBurst: eight tenants submit at once to two providers with room
// for two jobs each (two CPUs, a CPU a job). Providers hold CPU for bids on
// orders they then lose, so most first auctions find everyone busy. Every
// tenant queues instead of failing, auctions again until a bid wins, and
// every job settles, with exact balances.
func TestAttackBurst(t *testing.T) {
	m := markettest.New(t)
	var nodes []*network.Node
	var providers []*markettest.Provider
	for i := range 2 {
		p := m.NewProvider(markettest.ProviderSpec{Name: fmt.Sprint("provider-", i), Party: i, Machine: "dgxh100", Model: "H100", PricePerHour: "2000000", CPUMillis: 2000})
		p.Start(nodes...)
		nodes, providers = append(nodes, p.Node), append(providers, p)
	}
	const jobs = 8
	before := make(map[[20]byte]*big.Int)
	for _, party := range m.Chain.Tenants[:jobs] {
		before[party.Addr] = m.Balance(party.Addr)
	}
	for _, p := range providers {
		before[p.Party.Addr] = m.Balance(p.Party.Addr)
	}
	results := make([]*tenant.Result, jobs)
	errs := make([]error, jobs)
	var wg sync.WaitGroup
	for i, party := range m.Chain.Tenants[:jobs] {
		ten := m.NewTenant(fmt.Sprint("tenant-", i), nil, nodes, markettest.As(party))
		wg.Go(func() {
			job := markettest.Job(t, "10m", "run=300ms", "out=result.txt:"+fmt.Sprint(i))
			job.Requirements.CPUMillis = 1000
			results[i], errs[i] = ten.Submit(timeout(t, 3*time.Minute), job, tenant.Options{QueueTimeout: 2 * time.Minute})
		})
	}
	wg.Wait()
	paidTo := make(map[[20]byte]*big.Int)
	queued := 0
	for i, res := range results {
		if !settled(t, i, res, errs[i]) {
			continue
		}
		if res.Rounds > 1 {
			queued++
		}
		party := m.Chain.Tenants[i]
		if got := new(big.Int).Sub(before[party.Addr], m.Balance(party.Addr)); got.Cmp(res.Paid) != 0 {
			t.Errorf("job %d: the tenant's balance fell by %s, want what it paid, %s", i, got, res.Paid)
		}
		w := res.Winner.Provider
		if paidTo[w] == nil {
			paidTo[w] = new(big.Int)
		}
		paidTo[w].Add(paidTo[w], res.Paid)
	}
	for _, p := range providers {
		want := paidTo[p.Party.Addr]
		if want == nil {
			want = new(big.Int)
		}
		if got := new(big.Int).Sub(m.Balance(p.Party.Addr), before[p.Party.Addr]); got.Cmp(want) != 0 {
			t.Errorf("provider %s: balance rose by %s, want what its leases paid, %s", p.Spec.Name, got, want)
		}
	}
	t.Logf("%d of %d jobs won at their first auction; %d queued", jobs-queued, jobs, queued)
}

// endedConn is a provider's line that says the job has ended, whatever it
// does: a provider that stops the job but never closes the lease.
type endedConn struct{ tenant.LeaseConn }

func (endedConn) Status(context.Context) (network.LeaseStatus, error) {
	return network.LeaseStatus{State: network.JobExited, Detail: "exit 0"}, nil
}

type endedMarket struct{ tenant.Market }

func (m endedMarket) Lease(p peer.AddrInfo, id common.Hash, s auction.Signer) tenant.LeaseConn {
	return endedConn{m.Market.Lease(p, id, s)}
}

// TestAttackBillingAfterTheJob: the provider says the job ended but never
// closes the lease, to bill on. Submit closes it itself a grace period
// after, paying only for the seconds until then. A provider that gives the
// job up has its lease closed at once, the deposit back.
func TestAttackBillingAfterTheJob(t *testing.T) {
	t.Run("ended, not closed", func(t *testing.T) {
		m, _, ten := setUp(t, func(c *tenant.Config) {
			c.Market = endedMarket{c.Market}
			c.CancelGrace = 2 * time.Second
		})
		res, err := ten.Submit(timeout(t, time.Minute), markettest.Job(t, "10m"), tenant.Options{})
		if err != nil {
			t.Fatal(err)
		}
		if res.Ending != "Closed" || !res.Cancelled || res.ExitCode != lease.NoExitCode {
			t.Errorf("result %+v, want the lease closed by the tenant", res)
		}
		if l := m.Lease(res.LeaseID, lease.StateClosed, 10*time.Second); new(big.Int).Add(res.Paid, res.Refunded).Cmp(l.Deposit) != 0 {
			t.Errorf("paid %s + refunded %s, want the deposit %s", res.Paid, res.Refunded, l.Deposit)
		}
	})
	t.Run("given up", func(t *testing.T) {
		_, _, ten := setUp(t)
		res, err := ten.Submit(timeout(t, time.Minute), markettest.Job(t, "10m", "no-such-word"), tenant.Options{})
		if !errors.Is(err, tenant.ErrProviderFailed) {
			t.Fatalf("Submit: %v, want ErrProviderFailed", err)
		}
		if !res.Settled || res.Paid.Sign() != 0 || res.Refunded.Cmp(res.Deposit) != 0 {
			t.Errorf("result %+v, want the lease closed with the whole deposit back", res)
		}
	})
}

// TestAttackWinnerNeverStarts: a provider bids the lowest price, wins and
// never starts the job: it goes away, or takes the job and sits on it. The
// tenant closes that lease (the whole deposit back) and opens the lease
// with the next bid of the same auction, which runs the job. A gasless
// tenant (no ETH) lets the faker's award lapse, paying nothing, and
// awards the next bid.
func TestAttackWinnerNeverStarts(t *testing.T) {
	for _, tt := range []struct {
		name    string
		stall   bool
		goAway  bool
		gasless bool
	}{{"goes away", false, true, false}, {"never starts", true, false, false}, {"goes away, gasless", false, true, true}, {"never starts, gasless", true, false, true}} {
		t.Run(tt.name, func(t *testing.T) {
			m := markettest.New(t)
			faker := m.NewProvider(markettest.ProviderSpec{Name: "faker", Party: 0, Machine: "dgxh100", Model: "H100", PricePerHour: "1000000", Stall: tt.stall, MinAwardWindow: time.Second})
			faker.Start()
			honest := m.NewProvider(markettest.ProviderSpec{Name: "honest", Party: 1, Machine: "dgxh100", Model: "H100", PricePerHour: "2000000", MinAwardWindow: time.Second})
			honest.Start(faker.Node)
			payer := m.Chain.Tenant
			if tt.gasless {
				payer = m.Chain.TokenOnly(t, big.NewInt(1_000_000_000))
			}
			ten := m.NewTenant("tenant", nil, []*network.Node{faker.Node, honest.Node}, markettest.As(payer), func(c *tenant.Config) { c.PeerTimeout = 2 * time.Second })
			tenantBefore, fakerBefore := m.Balance(payer.Addr), m.Balance(faker.Party.Addr)
			var fellBack bool
			res, err := ten.Submit(timeout(t, 2*time.Minute), markettest.Job(t, "10m", "run=200ms", "out=r.txt:done"), tenant.Options{
				Gasless:      tt.gasless,
				StartTimeout: 3 * time.Second,
				Progress: func(pr tenant.Progress) {
					switch pr.Step {
					case tenant.StepClosed:
						if tt.goAway {
							faker.Stop()
						}
					case tenant.StepFallback:
						fellBack = true
					}
				},
			})
			if err != nil {
				t.Fatal(err)
			}
			if !fellBack || res.Winner.Provider != honest.Party.Addr || !res.Settled || res.ExitCode != 0 {
				t.Fatalf("result %+v (fell back: %v), want the job run by the honest provider", res, fellBack)
			}
			if got := new(big.Int).Sub(tenantBefore, m.Balance(payer.Addr)); got.Cmp(res.Paid) != 0 {
				t.Errorf("the tenant's balance fell by %s, want only what the job paid, %s", got, res.Paid)
			}
			if got := m.Balance(faker.Party.Addr); got.Cmp(fakerBefore) != 0 {
				t.Errorf("the faker's balance moved from %s to %s, want no pay", fakerBefore, got)
			}
		})
	}
}

// scores is a broker at a true edge: fixed reputation scores, 0 for a
// provider it does not know.
type scores map[common.Address]uint64

var _ tenant.Reputation = scores(nil)

func (s scores) Qualified(_ context.Context, min uint64) ([]common.Address, bool, error) {
	var out []common.Address
	for p, score := range s {
		if score >= min {
			out = append(out, p)
		}
	}
	return out, true, nil
}

func (s scores) Scores(_ context.Context, providers []common.Address) (map[common.Address]uint64, error) {
	out := make(map[common.Address]uint64, len(providers))
	for _, p := range providers {
		out[p] = s[p]
	}
	return out, nil
}

// TestAttackNewcomerUndercuts: a provider with no record (reputation 0)
// bids the lowest price, as a throwaway key that would never start the job
// does. The job's minReputation keeps it from winning: the tenant leases
// from the qualifying provider, never falls back on the newcomer, and the
// transcript publishes the floor so anyone re-checks the winner with it.
// With the floor above everyone, no bid wins and the error says why; a
// floor without a broker to read scores from is refused before anything
// is published.
func TestAttackNewcomerUndercuts(t *testing.T) {
	m := markettest.New(t)
	newcomer := m.NewProvider(markettest.ProviderSpec{Name: "newcomer", Party: 0, Machine: "dgxh100", Model: "H100", PricePerHour: "1000000"})
	newcomer.Start()
	veteran := m.NewProvider(markettest.ProviderSpec{Name: "veteran", Party: 1, Machine: "dgxh100", Model: "H100", PricePerHour: "2000000"})
	veteran.Start(newcomer.Node)
	nodes := []*network.Node{newcomer.Node, veteran.Node}
	broker := scores{veteran.Party.Addr: 30}
	ten := m.NewTenant("tenant", nil, nodes, func(c *tenant.Config) { c.Reputation = broker })

	t.Run("floor above everyone", func(t *testing.T) {
		job := markettest.Job(t, "10m")
		job.MinReputation = 50
		_, err := ten.Submit(timeout(t, time.Minute), job, tenant.Options{})
		var nw *tenant.NoWinnerError
		if !errors.As(err, &nw) {
			t.Fatalf("Submit: %v, want a NoWinnerError", err)
		}
		if nw.ForNow() || nw.MinReputation != 50 || len(nw.Entries) != 2 {
			t.Errorf("no winner: %+v (for now: %v), want both bids refused for good under floor 50", nw, nw.ForNow())
		}
		for _, want := range []string{"reputation (score 30, the job's minReputation is 50)", "reputation (score 0, the job's minReputation is 50)", "2 of 2 bids are from providers below minReputation 50"} {
			if !strings.Contains(err.Error(), want) {
				t.Errorf("error %q does not say %q", err, want)
			}
		}
	})

	t.Run("floor keeps the newcomer out", func(t *testing.T) {
		job := markettest.Job(t, "10m", "run=200ms", "out=r.txt:done")
		job.MinReputation = 20
		var fellBack bool
		res, err := ten.Submit(timeout(t, 2*time.Minute), job, tenant.Options{
			StartTimeout: 10 * time.Second,
			Progress: func(pr tenant.Progress) {
				if pr.Step == tenant.StepFallback {
					fellBack = true
				}
			},
		})
		if err != nil {
			t.Fatal(err)
		}
		if fellBack || res.Winner.Provider != veteran.Party.Addr || !res.Settled || res.ExitCode != 0 {
			t.Fatalf("result %+v (fell back: %v), want the job run by the veteran at once", res, fellBack)
		}
		tr := &res.Transcript
		if tr.MinReputation != 20 || len(tr.Entries) != 2 {
			t.Fatalf("transcript floor %d with %d bids, want 20 with 2", tr.MinReputation, len(tr.Entries))
		}
		for _, e := range tr.Entries {
			want := auction.ReasonEligible
			if e.Bid.Bid.Provider == newcomer.Party.Addr {
				want = auction.ReasonReputation
			}
			if e.Reason != want {
				t.Errorf("%s's bid: reason %q, want %q", e.Bid.Bid.Provider.Hex(), e.Reason, want)
			}
		}
		if _, w, err := m.Domain().Verify(tr); err != nil || w == nil || w.Bid.Provider != veteran.Party.Addr {
			t.Errorf("the transcript re-checks to %v, %v; want the veteran's bid", w, err)
		}
		ranked, err := m.Domain().Ranked(tr)
		if err != nil || len(ranked) != 1 || ranked[0].Bid.Provider != veteran.Party.Addr {
			t.Errorf("fallback order %v, %v; want the veteran's bid alone", ranked, err)
		}
	})

	t.Run("floor without a broker", func(t *testing.T) {
		alone := m.NewTenant("no-broker", nil, nodes)
		job := markettest.Job(t, "10m")
		job.MinReputation = 1
		var steps []tenant.Step
		_, err := alone.Submit(timeout(t, time.Minute), job, tenant.Options{Progress: func(pr tenant.Progress) { steps = append(steps, pr.Step) }})
		if !errors.Is(err, tenant.ErrNoReputation) || len(steps) != 0 {
			t.Errorf("Submit: %v after %v, want ErrNoReputation before anything", err, steps)
		}
	})
}
