package tenant_test

import (
	"fmt"
	"math/big"
	"sync"
	"testing"
	"time"

	"github.com/tender-market/tender/internal/markettest"
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
		if errs[i] != nil {
			t.Errorf("job %d: %v", i, errs[i])
			continue
		}
		if !res.Settled || res.ExitCode != 0 {
			t.Errorf("job %d: %+v, want it settled with exit 0", i, res)
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
