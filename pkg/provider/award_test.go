package provider_test

import (
	"context"
	"errors"
	"math/big"
	"strings"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"

	"github.com/tender-market/tender/internal/markettest"
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

// TestAwardedOpenAfterRestart: a provider stops after it took an award
// and before the lease was seen open (readying the job); its open, sent
// before the stop, lands after the restart. The restarted daemon, which
// no longer has the job's secrets, closes that lease at once for nothing:
// the tenant, who has no ETH to close it, gets its whole deposit back.
func TestAwardedOpenAfterRestart(t *testing.T) {
	m := markettest.New(t)
	p := m.NewProvider(markettest.ProviderSpec{Name: "h100", Party: 0, Machine: "dgxh100", Model: "H100", PricePerHour: "2000000", Stall: true})
	p.Start()
	ten := m.NewTenant("tenant", nil, []*network.Node{p.Node})
	run := publish(t, m, ten.Node, testJob(t), 10*time.Minute)
	bid := run.Bid().Bid
	order := &run.Order.Order
	id := m.Domain().BidHash(&bid.Bid)
	ctx := timeout(t, time.Minute)
	next, err := m.Chain.Client.NextBlockTime(ctx)
	if err != nil {
		t.Fatal(err)
	}
	deposit := lease.NewTerms(order, &bid.Bid).MaxCost()
	award, err := m.Chain.Client.Award(ctx, auction.NewKeySigner(m.Chain.Tenant.Key), order, &bid, deposit, min(next+300, bid.Bid.Expiry-1))
	if err != nil {
		t.Fatal(err)
	}
	lc := ten.Node.Lease(p.Node.AddrInfo(), id, auction.NewKeySigner(m.Chain.Tenant.Key))
	if err := lc.PutAward(ctx, award); err != nil {
		t.Fatal(err)
	}
	if err := lc.PutSecrets(ctx, map[string]string{"API_TOKEN": "s3cret"}); err != nil {
		t.Fatal(err)
	}
	p.WaitState(id, network.JobStarting) // readying the job: the runner stalls
	p.Stop()
	p.Runner.Stall = false // the daemon is down: nothing uses the runner
	p.Start()
	tenantBefore := m.Balance(m.Chain.Tenant.Addr)
	// The open the first daemon sent lands now.
	if _, _, err := m.Chain.Client.OpenAwarded(ctx, p.Party.Auth, order, &bid.Bid, &award); err != nil {
		t.Fatal(err)
	}
	s := settled(t, m, id)
	if s.Closed.By != p.Party.Addr || s.Closed.Paid.Sign() != 0 || s.Closed.Refunded.Cmp(deposit) != 0 || s.Closed.ExitCode.Reason() != lease.ExitProviderFailure {
		t.Errorf("closed %+v, want closed by the provider for nothing, the whole deposit %s back, as its failure", s.Closed, deposit)
	}
	if got := m.Balance(m.Chain.Tenant.Addr); got.Cmp(tenantBefore) != 0 {
		t.Errorf("the tenant's balance moved from %s to %s, want the deposit back whole", tenantBefore, got)
	}
	if n := len(p.Runner.Started()); n != 0 {
		t.Errorf("%d jobs started, want none: the secrets did not survive the restart", n)
	}
}

// TestAwardedLeaseOpenedByItsTenant: a tenant that awards its lease and
// then opens it itself, with another deposit, has its job run and billed
// against what the lease holds on chain: the provider's open finds the
// lease and starts it instead.
func TestAwardedLeaseOpenedByItsTenant(t *testing.T) {
	m, p, ten := setUp(t, 0)
	run := publish(t, m, ten.Node, testJob(t, "run=200ms"), 10*time.Minute)
	bid := run.Bid().Bid
	order := &run.Order.Order
	tenantKey := auction.NewKeySigner(m.Chain.Tenant.Key)
	ctx := timeout(t, time.Minute)
	next, err := m.Chain.Client.NextBlockTime(ctx)
	if err != nil {
		t.Fatal(err)
	}
	terms := lease.NewTerms(order, &bid.Bid)
	award, err := m.Chain.Client.Award(ctx, tenantKey, order, &bid, terms.MinimumDeposit(m.Chain.Client.MinDuration()), min(next+300, bid.Bid.Expiry-1))
	if err != nil {
		t.Fatal(err)
	}
	id := m.Domain().BidHash(&bid.Bid)
	lc := ten.Node.Lease(p.Node.AddrInfo(), id, tenantKey)
	if err := lc.PutAward(ctx, award); err != nil {
		t.Fatal(err)
	}
	opened, _ := run.Open(bid, nil) // the most the lease can cost
	if opened != id {
		t.Fatalf("opened %s, awarded %s", opened.Hex(), id.Hex())
	}
	if err := lc.PutSecrets(ctx, nil); err != nil {
		t.Fatal(err)
	}
	s := settled(t, m, id)
	if s.Started == nil || s.Closed.ExitCode != 0 || s.Closed.Paid.Sign() <= 0 {
		t.Fatalf("settled %+v, want the job run, started and paid", s.Closed)
	}
	if want := new(big.Int).Sub(terms.MaxCost(), s.Closed.Paid); s.Closed.Refunded.Cmp(want) != 0 {
		t.Errorf("refunded %s, want the tenant's own deposit %s less the pay %s", s.Closed.Refunded, terms.MaxCost(), s.Closed.Paid)
	}
	if n := len(p.Runner.Started()); n != 1 {
		t.Errorf("%d jobs started, want 1", n)
	}
}
