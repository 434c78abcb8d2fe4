package provider_test

import (
	"context"
	"errors"
	"math/big"
	"strings"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"

	"github.com/tender-market/tender/pkg/auction"
	"github.com/tender-market/tender/pkg/lease"
	"github.com/tender-market/tender/pkg/network"
)

// TestAttackAwards: what can be done to a provider with awards, the
// relayed opens of tenants without ETH. A stranger cannot hand one in, an
// award that is forged, too short to act on, or for a bid the provider
// never made is refused before the provider spends anything on it, and a
// lease is awarded once. The awarded lease then waits for its secrets;
// none ran and nothing is on chain until they come.
func TestAttackAwards(t *testing.T) {
	m, p, ten := setUp(t, 0)
	run := publish(t, m, ten.Node, testJob(t), 10*time.Minute)
	bid := run.Bid().Bid
	order := &run.Order.Order
	id := m.Domain().BidHash(&bid.Bid)
	tenantKey := auction.NewKeySigner(m.Chain.Tenant.Key)
	deposit := lease.NewTerms(order, &bid.Bid).MaxCost()
	ctx := timeout(t, time.Minute)
	next, err := m.Chain.Client.NextBlockTime(ctx)
	if err != nil {
		t.Fatal(err)
	}
	award := func(deadline uint64) auction.SignedAward {
		t.Helper()
		sa, err := m.Chain.Client.Award(ctx, tenantKey, order, &bid, deposit, deadline)
		if err != nil {
			t.Fatal(err)
		}
		return sa
	}
	put := func(signer auction.Signer, lease common.Hash, sa auction.SignedAward) error {
		return ten.Node.Lease(p.Node.AddrInfo(), lease, signer).PutAward(ctx, sa)
	}
	refused := func(what string, err error, want string) {
		t.Helper()
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %v, want refused (%s)", what, err, want)
		}
	}

	good := award(min(next+300, bid.Bid.Expiry-1))
	stranger := auction.NewKeySigner(m.Chain.Providers[1].Key)
	if err := put(stranger, id, good); !errors.Is(err, network.ErrLeaseDenied) {
		t.Errorf("a stranger hands in the tenant's award: %v, want %v", err, network.ErrLeaseDenied)
	}
	refused("an award that leaves the provider 10 s", put(tenantKey, id, award(next+10)), "at least")
	forged := good
	forged.Award.Deposit = new(big.Int).Mul(deposit, big.NewInt(2)) // more than signed for
	refused("an award whose deposit was changed", put(tenantKey, id, forged), lease.ErrNotAwarded.Error())
	other := good
	other.Award.Bid = common.HexToHash("0xb1d")
	if err := put(tenantKey, other.Award.Bid, other); !errors.Is(err, network.ErrLeaseNotServed) {
		t.Errorf("an award for a bid the provider never made: %v, want %v", err, network.ErrLeaseNotServed)
	}
	if n := len(p.Runner.Started()); n != 0 {
		t.Fatalf("%d jobs started from refused awards", n)
	}

	if err := put(tenantKey, id, good); err != nil {
		t.Fatalf("the tenant's award: %v", err)
	}
	refused("the same award again", put(tenantKey, id, good), "already awarded")
	st, err := ten.Node.Lease(p.Node.AddrInfo(), id, tenantKey).Status(ctx)
	if err != nil || st.State != network.JobAwaitingSecrets {
		t.Errorf("status of the awarded lease: %+v, %v; want it waiting for secrets", st, err)
	}
	if l, err := m.Chain.Client.Lease(context.Background(), id); err != nil || l.State != lease.StateNone {
		t.Errorf("the awarded lease on chain: %s, %v; want none before the job is ready", l.State, err)
	}
}
