package tenant_test

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/tender-market/tender/internal/chaintest"
	"github.com/tender-market/tender/internal/markettest"
	"github.com/tender-market/tender/pkg/network"
	"github.com/tender-market/tender/pkg/tenant"
)

// TestAttackBurstAtScale: sixteen tenants submit at once to fourteen
// providers of eight GPUs each, every job asking for five: the market can
// run fourteen at a time and every provider sees the same orders in the
// same sequence. Holding GPUs for bids on orders they then lose once left
// orders without a single bid; now every order gets bids, as rounds go,
// and every job settles.
func TestAttackBurstAtScale(t *testing.T) {
	const providers, jobs = 14, 16
	m := markettest.NewSized(t, chaintest.Size{Providers: providers, Tenants: jobs})
	var nodes []*network.Node
	for i := range providers {
		p := m.NewProvider(markettest.ProviderSpec{Name: fmt.Sprint("provider-", i), Party: i, Machine: "dgxh100", Model: "H100", PricePerHour: fmt.Sprint(2000000 + i)})
		// Each joins through the first few, as a market grows.
		p.Start(nodes[:min(len(nodes), 3)]...)
		nodes = append(nodes, p.Node)
	}
	results := make([]*tenant.Result, jobs)
	errs := make([]error, jobs)
	var wg sync.WaitGroup
	for i, party := range m.Chain.Tenants[:jobs] {
		ten := m.NewTenant(fmt.Sprint("tenant-", i), nil, nodes[:3], markettest.As(party))
		wg.Go(func() {
			job := markettest.Job(t, "10m", "run=300ms")
			job.Requirements.GPUCount = 5
			job.MaxPricePerHour.SetInt64(5 * 3000000)
			// As long as a busy market may take: alone the burst settles
			// in under two minutes, under CI's load in three or more.
			results[i], errs[i] = ten.Submit(timeout(t, 7*time.Minute), job, tenant.Options{QueueTimeout: 6 * time.Minute})
		})
	}
	wg.Wait()
	rounds := 0
	for i, res := range results {
		if settled(t, i, res, errs[i]) {
			rounds += res.Rounds
		}
	}
	t.Logf("%d jobs of 5 GPUs on %d providers of 8: all settled, in %d auction rounds", jobs, providers, rounds)
}

// settled reports whether job i of a burst settled with exit 0, and says
// why not when it did not.
func settled(t *testing.T, i int, res *tenant.Result, err error) bool {
	t.Helper()
	switch {
	case err != nil:
		t.Errorf("job %d: %v", i, err)
	case !res.Settled || res.ExitCode != 0:
		t.Errorf("job %d: %+v, want it settled with exit 0", i, res)
	default:
		return true
	}
	return false
}
