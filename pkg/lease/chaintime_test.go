package lease_test

import (
	"math/big"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/accounts/abi/bind/v2"

	"github.com/tender-market/tender/internal/chaintest"
	"github.com/tender-market/tender/internal/testenv"
	"github.com/tender-market/tender/pkg/deployment"
	"github.com/tender-market/tender/pkg/devchain"
	"github.com/tender-market/tender/pkg/lease"
)

// TestReclaimOnAnIdleChain: on a chain that seals a block only for a
// transaction, chain time stands still while nothing happens. Once the
// wall clock is past a lease's start deadline, the tenant's reclaim goes
// through: the pre-check judges by the next block, which the chain stamps
// by the wall clock, not by the stale head (which would say the provider
// may still start).
func TestReclaimOnAnIdleChain(t *testing.T) {
	dep, _ := chaintest.Serve(t, devchain.Config{Automine: true, StartWindow: 2 * time.Second})
	ctx := t.Context()
	c, err := lease.Dial(ctx, dep.RPCURL, dep.Escrow, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Disconnect()
	id, terms := chaintest.OpenLease(t, c, big.NewInt(3_600_000), big.NewInt(1_000_000))
	tenant := bind.NewKeyedTransactor(deployment.DevKey(1), c.ChainID())
	l, err := c.Lease(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	deadline := c.StartDeadline(l)
	testenv.Eventually(t, 10*time.Second, "the wall clock past the start deadline", func() (bool, string, error) {
		return time.Now().Unix() > int64(deadline), "", nil
	})
	ec, err := lease.DialRPC(ctx, dep.RPCURL)
	if err != nil {
		t.Fatal(err)
	}
	defer ec.Close()
	head, err := ec.HeaderByNumber(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	if head.Time > deadline {
		t.Fatalf("head block stamped %d, past the deadline %d: the chain was not idle", head.Time, deadline)
	}
	if _, err := c.Reclaim(ctx, tenant, id, terms); err != nil {
		t.Fatalf("reclaim past the deadline by the wall clock, with the head stamped %d: %v", head.Time, err)
	}
	if l, err := c.Lease(ctx, id); err != nil || l.State != lease.StateReclaimed {
		t.Errorf("lease after the reclaim: %+v, %v; want reclaimed", l, err)
	}
}

// TestChainLead: a chain ahead of this clock by no more than the allowance
// for skew is not ahead; past it, by the whole of its lead.
func TestChainLead(t *testing.T) {
	now := time.Unix(1_800_000_000, 0)
	wall := uint64(now.Unix()) + 1
	for _, c := range []struct {
		next, want uint64
	}{
		{wall - 100, 0}, // an idle chain's old head
		{wall, 0},
		{wall + lease.LeadAllowance, 0},
		{wall + lease.LeadAllowance + 1, lease.LeadAllowance + 1},
		{wall + 1200, 1200},
	} {
		if got := lease.ChainLead(c.next, now); got != c.want {
			t.Errorf("ChainLead(wall%+d) = %d, want %d", int64(c.next)-int64(wall), got, c.want)
		}
	}
}
