package e2e

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"

	"github.com/tender-market/tender/pkg/auction"
	"github.com/tender-market/tender/pkg/provider"
	"github.com/tender-market/tender/pkg/tenant"
)

// TestMIGSliceLease: a provider whose A100s are partly in MIG mode (a
// simulated DGX A100, one GPU carved into slices) and that prices only
// slices sells one to an order that asks for a 3g.20gb slice of an A100:
// the offer names the slice, the job runs with that slice's UUID alone,
// and the lease settles with exact amounts. An order for whole A100s gets
// no bid from it.
func TestMIGSliceLease(t *testing.T) {
	ex := needImage(t)
	dep := startChain(t)
	p := startProvider(t, dep, ex, providerSpec{name: "mig", machine: "dgxa100-mig", model: "A100 MIG", price: "600000", account: 2})
	ts := newTenantSide(t, dep, p.node)

	job := trainJob(t, 5, "5m")
	job.Requirements.GPUModels = []string{"A100 MIG 3g.20gb"}
	accounts := []common.Address{ts.key.Address(), p.addr, dep.Escrow}
	before := balances(t, ts.esc, accounts)
	ctx, cancel := context.WithTimeout(t.Context(), 3*time.Minute)
	defer cancel()
	var logs strings.Builder
	res, err := ts.client.Submit(ctx, job, tenant.Options{Logs: &logs})
	if err != nil {
		t.Fatalf("Submit: %v\nlogs:\n%s", err, logs.String())
	}
	if g := res.Winner.Offer.GPUs; len(g) != 1 || g[0].Count != 1 || !strings.HasSuffix(g[0].Model, auction.MIGModel("A100-SXM4-40GB", "3g.20gb")) || g[0].VRAMMiB >= 40_000 {
		t.Errorf("offer GPUs %+v, want one 3g.20gb slice of an A100, with the slice's memory", g)
	}
	if res.ExitCode != 0 || !res.Settled {
		t.Errorf("exit code %d, settled %v; want 0, true", res.ExitCode, res.Settled)
	}
	recs, err := provider.ReadLeases(p.workDir)
	if err != nil {
		t.Fatal(err)
	}
	i := slices.IndexFunc(recs, func(r provider.LeaseRecord) bool { return r.LeaseID == res.LeaseID })
	if i < 0 || len(recs[i].GPUs) != 1 || !strings.HasPrefix(recs[i].GPUs[0], "MIG-") {
		t.Fatalf("the provider's record of the lease: %+v, want one MIG device", recs)
	}
	checkMoney(t, dep, ts.esc, p, res, accounts, before)

	whole := trainJob(t, 5, "5m")
	whole.Requirements.GPUModels = []string{"A100"}
	whole.BidWindow = time.Second
	res, err = ts.client.Submit(ctx, whole, tenant.Options{QueueTimeout: time.Nanosecond})
	if err == nil {
		t.Fatalf("an order for a whole A100 won %+v from a provider that prices only slices", res.Winner.Offer.GPUs)
	}
	if !strings.Contains(err.Error(), string(auction.ReasonGPUModel)) {
		t.Errorf("an order for a whole A100: %v, want the provider's no-bid for the GPU model", err)
	}
}
