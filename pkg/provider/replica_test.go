package provider_test

import (
	"bytes"
	"fmt"
	"math/big"
	"testing"
	"time"

	"github.com/tender-market/tender/internal/markettest"
	"github.com/tender-market/tender/internal/testenv"
	"github.com/tender-market/tender/pkg/auction"
	"github.com/tender-market/tender/pkg/lease"
	"github.com/tender-market/tender/pkg/network"
	"github.com/tender-market/tender/pkg/tenant"
)

// TestReplicaPaidAfterRestart: the provider of a spot-checked order that
// was not checked reports its result; the group may settle only once the
// order expires, and the provider stops before then. Started again, it
// takes the held pay up from its record and settles the group itself, and
// is paid what its replica earned, no withdrawal ever made.
func TestReplicaPaidAfterRestart(t *testing.T) {
	m := markettest.New(t)
	p := m.NewProvider(markettest.ProviderSpec{Name: "provider", Machine: "dgxh100", Model: "H100", PricePerHour: fmt.Sprint(price)})
	p.Start()
	// The tenant's draw never checks: a spot check of 1 in 10,000 and
	// randomness that always says 9,999.
	ten := m.NewTenant("tenant", nil, []*network.Node{p.Node}, func(c *tenant.Config) {
		c.Rand, c.LeaseWindow = bytes.NewReader(bytes.Repeat([]byte{0x27, 0x0f}, 64)), 20*time.Second
	})
	defer m.SealBlocks()()
	job := testJob(t, "run=500ms", "out=result.txt:42")
	job.Verify = auction.Verify{Replicas: 1, Paths: []string{"result.txt"}, SpotCheckBps: 1}
	res, err := ten.Submit(timeout(t, time.Minute), job, tenant.Options{StartTimeout: 30 * time.Second})
	if err != nil {
		t.Fatalf("%v (replicas %+v)", err, res.Replicas)
	}
	if len(res.Replicas) != 1 || res.Settled {
		t.Fatalf("replicas %+v, settled %v: want one, left to its provider until the order expires", res.Replicas, res.Settled)
	}
	r := res.Replicas[0]
	p.WaitState(r.LeaseID, network.JobClosed)
	p.Stop()
	expiry := res.Transcript.Order.Order.Expiry
	testenv.Eventually(t, 30*time.Second, "the order's expiry on chain", func() (bool, string, error) {
		return uint64(m.Chain.Now(t).Unix()) > expiry, "", nil
	})
	if g, err := m.Chain.Client.Group(t.Context(), res.OrderHash); err != nil || g.Settled {
		t.Fatalf("group %+v, %v: settled while its provider was down", g, err)
	}
	before := m.Balance(p.Party.Addr)
	p.Start()
	testenv.Eventually(t, 30*time.Second, "the restarted provider settles the group", func() (bool, string, error) {
		g, err := m.Chain.Client.Group(t.Context(), res.OrderHash)
		return err == nil && g.Settled, fmt.Sprintf("%+v", g), err
	})
	if got := new(big.Int).Sub(m.Balance(p.Party.Addr), before); got.Cmp(r.Held) != 0 {
		t.Errorf("the provider was paid %s, its replica held %s", got, r.Held)
	}
	l, err := m.Chain.Client.Lease(t.Context(), r.LeaseID)
	if err != nil || l.State != lease.StateClosed || l.Paid.Cmp(r.Held) != 0 {
		t.Errorf("lease %+v, %v: want closed, paid what it held", l, err)
	}
}
