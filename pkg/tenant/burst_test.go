package tenant_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tender-market/tender/internal/chaintest"
	"github.com/tender-market/tender/internal/markettest"
	"github.com/tender-market/tender/pkg/auction"
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
	start := time.Now()
	for i, party := range m.Chain.Tenants[:jobs] {
		ten := m.NewTenant(fmt.Sprint("tenant-", i), nil, nodes[:3], markettest.As(party))
		wg.Go(func() {
			job := markettest.Job(t, "10m", "run=300ms")
			job.Requirements.GPUCount = 5
			job.MaxPricePerHour.SetInt64(5 * 3000000)
			// As long as a busy market may take: alone the burst settles
			// in 10-15 s (40-110 s before providers told held capacity
			// apart from busy), under CI's load in longer.
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
	t.Logf("%d jobs of 5 GPUs on %d providers of 8: all settled in %s, in %d auction rounds", jobs, providers, time.Since(start).Round(100*time.Millisecond), rounds)
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

// TestAttackHeldForever: a provider answers every order with a signed
// no-bid that says held (its capacity is held for other auctions about to
// close), falsely. The tenant auctions again at once only so many times,
// then waits longer each round, as it does while providers are busy: a
// liar cannot make tenants flood the market with orders.
func TestAttackHeldForever(t *testing.T) {
	m := markettest.New(t)
	liar := m.Node("liar", "")
	signer := auction.NewKeySigner(m.Chain.Providers[0].Key)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	orders := liar.Orders(ctx)
	go func() {
		for o := range orders {
			nb, err := m.Domain().SignNoBid(auction.NoBid{OrderHash: o.Hash, Provider: signer.Address(), PeerID: liar.ID().String(),
				Reason: auction.ReasonHeld, Detail: "has 0 free GPUs (the rest is held for bids on other orders, whose auctions close within 1s)"}, signer)
			if err != nil {
				t.Error(err)
				return
			}
			if err := liar.SendNoBid(ctx, &o, nb); err != nil && ctx.Err() == nil {
				t.Logf("no-bid not taken: %v", err)
			}
		}
	}()
	ten := m.NewTenant("tenant", nil, []*network.Node{liar})
	var mu sync.Mutex
	var waits []time.Duration
	_, err := ten.Submit(timeout(t, 2*time.Minute), markettest.Job(t, "10m"), tenant.Options{QueueTimeout: 45 * time.Second, Progress: func(p tenant.Progress) {
		_, wait, ok := strings.Cut(p.Message, "auctioning again in ")
		if d, perr := time.ParseDuration(wait); p.Step == tenant.StepQueued && ok && perr == nil {
			mu.Lock()
			waits = append(waits, d)
			mu.Unlock()
		}
	}})
	var none *tenant.NoWinnerError
	if !errors.As(err, &none) || !none.Soon() {
		t.Fatalf("submit: %v; want no winner, the liar's held no-bid given", err)
	}
	mu.Lock()
	defer mu.Unlock()
	soon, longest := 0, time.Duration(0)
	for _, w := range waits {
		if w < 2*time.Second {
			soon++
		}
		longest = max(longest, w)
	}
	if soon > 10 || longest < 4*time.Second {
		t.Errorf("waits between rounds %v: %d under 2 s, the longest %s; want at most 10 short ones, then longer and longer", waits, soon, longest)
	}
	t.Logf("%d rounds; waits between them %v", len(waits)+1, waits)
}
