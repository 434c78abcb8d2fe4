package store_test

import (
	"fmt"
	"math/big"
	"slices"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/tender-market/tender/pkg/lease"
	"github.com/tender-market/tender/pkg/store"
	"github.com/tender-market/tender/pkg/store/storetest"
)

// life is one lease's life as the escrow logs it.
type life struct {
	tenant, provider common.Address
	// price is per hour, in token base units.
	price int64
	// ran is how long the provider was paid for; 0: never started.
	ran time.Duration
	// end is store.KindClosed, KindOverdrawn or KindReclaimed; "" leaves
	// the lease open (or running when ran > 0).
	end    string
	closer common.Address
	exit   lease.ExitCode
}

// ledger lays out lease lives on a chain, one event per block.
type ledger struct {
	leases int
	block  uint64
	events []store.ChainEvent
}

// add appends l's events and returns its lease ID.
func (c *ledger) add(l life) common.Hash {
	c.leases++
	id := crypto.Keccak256Hash([]byte("reputation test lease"), big.NewInt(int64(c.leases)).Bytes())
	ev := func(kind string) *store.ChainEvent {
		c.block++
		c.events = append(c.events, store.ChainEvent{
			Kind: kind, LeaseID: id, Block: c.block, BlockHash: common.BigToHash(new(big.Int).SetUint64(c.block)),
			BlockTime: t0.Add(time.Duration(c.block) * time.Second), TxHash: crypto.Keccak256Hash(id[:], []byte(kind)),
		})
		return &c.events[len(c.events)-1]
	}
	// The tenant deposits an hour, or what the run costs if more.
	price := big.NewInt(l.price)
	paid := new(big.Int).Div(new(big.Int).Mul(price, big.NewInt(int64(l.ran/time.Second))), big.NewInt(3600))
	deposit := new(big.Int).Set(price)
	if paid.Cmp(deposit) > 0 {
		deposit.Set(paid)
	}
	if deposit.Sign() == 0 {
		deposit.SetInt64(1)
	}
	o := ev(store.KindLeaseOpened)
	o.Tenant, o.Provider, o.OrderHash = l.tenant, l.provider, crypto.Keccak256Hash(id[:])
	o.PricePerHour, o.MaxDuration, o.Deposit = price, 36_000, deposit
	if l.ran > 0 {
		s := ev(store.KindStarted)
		s.StartedAt = s.BlockTime
	}
	switch l.end {
	case store.KindClosed:
		e := ev(store.KindClosed)
		e.TxFrom, e.ExitCode, e.Paid, e.Refunded = l.closer, int32(l.exit), paid, new(big.Int).Sub(deposit, paid)
	case store.KindOverdrawn:
		e := ev(store.KindOverdrawn)
		e.TxFrom, e.Paid = l.closer, deposit
	case store.KindReclaimed:
		e := ev(store.KindReclaimed)
		e.TxFrom, e.Refunded = l.tenant, deposit
	}
	return id
}

// apply stores the ledger's events.
func (c *ledger) apply(t *testing.T, s *store.Store) {
	t.Helper()
	if _, err := s.ApplyChainEvents(testContext(t), "escrow", c.events, store.ChainPosition{Block: c.block + 1}); err != nil {
		t.Fatal(err)
	}
}

// freshKey is the address of the nth throwaway key of who.
func freshKey(who string, n int) common.Address {
	return common.BytesToAddress(crypto.Keccak256([]byte(fmt.Sprintf("%s fresh key %d", who, n))))
}

// reputationOf is addr's reputation as the broker serves it.
func reputationOf(t *testing.T, s *store.Store, addr common.Address) store.Reputation {
	t.Helper()
	p, err := s.Provider(testContext(t), addr)
	if err != nil {
		t.Fatal(err)
	}
	return p.Reputation
}

// scoreOf is the score the auction would use for addr.
func scoreOf(t *testing.T, s *store.Store, addr common.Address) uint64 {
	t.Helper()
	score, err := s.ReputationFunc(testContext(t))
	if err != nil {
		t.Fatal(err)
	}
	return score(addr)
}

const price = 3_600_000 // 3.6 tUSD an hour: 1,000 base units a second

// TestAttackReputationFarming: a provider buys reputation by leasing to
// itself, with its own key as the tenant or through fresh tenant keys it
// controls, each lease costing it only gas. No credit may come of it,
// while an honest provider serving distinct tenants for an hour each is
// credited.
func TestAttackReputationFarming(t *testing.T) {
	farmer, honest := storetest.Address(2), storetest.Address(3)

	t.Run("leasing to itself", func(t *testing.T) {
		s, _ := storetest.New(t)
		var c ledger
		for range 20 {
			c.add(life{tenant: farmer, provider: farmer, price: price, ran: time.Hour, end: store.KindClosed, closer: farmer})
			c.add(life{tenant: farmer, provider: farmer, price: price, ran: 2 * time.Hour, end: store.KindOverdrawn, closer: farmer})
		}
		c.apply(t, s)
		if got := scoreOf(t, s, farmer); got != 0 {
			t.Errorf("score after 40 leases to itself: %d, want 0", got)
		}
		if r := reputationOf(t, s, farmer); r.SelfDealt != 40 || r.Credit != 0 {
			t.Errorf("reputation %+v; want 40 leases to itself, no credit", r)
		}
	})

	t.Run("fifty fresh tenant keys, one second each", func(t *testing.T) {
		s, _ := storetest.New(t)
		var c ledger
		for i := range 50 {
			c.add(life{tenant: freshKey("farmer", i), provider: farmer, price: price, ran: time.Second, end: store.KindClosed, closer: farmer})
		}
		c.apply(t, s)
		if got := scoreOf(t, s, farmer); got != 0 {
			t.Errorf("score after 50 one-second leases from fresh keys: %d, want 0", got)
		}
		if r := reputationOf(t, s, farmer); r.Completed != 50 || r.PayingTenants != 0 {
			t.Errorf("reputation %+v; want 50 completed leases and no paying tenant", r)
		}
	})

	t.Run("fresh keys at a price of zero", func(t *testing.T) {
		s, _ := storetest.New(t)
		var c ledger
		for i := range 10 {
			c.add(life{tenant: freshKey("farmer", i), provider: farmer, price: 0, ran: 10 * time.Hour, end: store.KindClosed, closer: farmer})
		}
		c.apply(t, s)
		if got := scoreOf(t, s, farmer); got != 0 {
			t.Errorf("score after 10 free leases from fresh keys: %d, want 0", got)
		}
	})

	t.Run("one tenant, many leases", func(t *testing.T) {
		s, _ := storetest.New(t)
		var c ledger
		for range 30 {
			c.add(life{tenant: storetest.Address(1), provider: farmer, price: price, ran: time.Hour, end: store.KindClosed, closer: farmer})
		}
		c.apply(t, s)
		if got := scoreOf(t, s, farmer); got != 10 {
			t.Errorf("score after 30 hour-long leases of one tenant: %d, want 10 (one tenant's most)", got)
		}
	})

	t.Run("honest provider", func(t *testing.T) {
		s, _ := storetest.New(t)
		var c ledger
		for i := range 5 {
			c.add(life{tenant: freshKey("customer", i), provider: honest, price: price, ran: time.Hour, end: store.KindClosed, closer: honest})
		}
		// Half an hour paid by a sixth tenant: five points.
		c.add(life{tenant: freshKey("customer", 5), provider: honest, price: price, ran: 30 * time.Minute, end: store.KindClosed, closer: honest})
		c.apply(t, s)
		if got := scoreOf(t, s, honest); got != 55 {
			t.Errorf("score after serving 5 tenants an hour and one half an hour: %d, want 55", got)
		}
		if r := reputationOf(t, s, honest); r.PayingTenants != 6 || r.Credit != 55 || len(r.TopTenants) != store.TopTenantsShown {
			t.Errorf("reputation %+v; want credit 55 from 6 paying tenants, the top %d listed", r, store.TopTenantsShown)
		}
	})

	// Fresh keys that each pay a whole hour do raise the score that counts
	// every tenant; the score as trusted tenants see it counts only their
	// leases, which the farmer's keys are not.
	t.Run("fresh keys paying whole hours, as trusted tenants see it", func(t *testing.T) {
		s, _ := storetest.New(t)
		var c ledger
		for i := range 10 {
			c.add(life{tenant: freshKey("farmer", i), provider: farmer, price: price, ran: time.Hour, end: store.KindClosed, closer: farmer})
		}
		customers := []common.Address{freshKey("customer", 0), freshKey("customer", 1)}
		c.add(life{tenant: customers[0], provider: honest, price: price, ran: time.Hour, end: store.KindClosed, closer: honest})
		// A griefer the customers do not know reclaims a lease of the
		// honest provider: as they see it, that costs nothing either.
		c.add(life{tenant: freshKey("griefer", 0), provider: honest, price: price, end: store.KindReclaimed})
		c.apply(t, s)
		if got := scoreOf(t, s, farmer); got != 100 {
			t.Errorf("score counting every tenant after 10 fresh keys paid an hour each: %d, want 100", got)
		}
		for _, tt := range []struct {
			who  common.Address
			want uint64
		}{{farmer, 0}, {honest, 10}} {
			p, err := s.Provider(testContext(t), tt.who, customers...)
			if err != nil {
				t.Fatal(err)
			}
			if got := p.Reputation.Score(); got != tt.want || !slices.Equal(p.Reputation.Trusted, customers) {
				t.Errorf("%s as the customers see it: score %d, trusted %v; want %d, counted among %v", tt.who.Hex(), got, p.Reputation.Trusted, tt.want, customers)
			}
		}
		// The providers at a floor of 10, counting every tenant and as the
		// customers see it.
		for _, tt := range []struct {
			trusted []common.Address
			limit   int
			want    []common.Address
			more    bool
		}{
			{nil, 10, []common.Address{farmer}, false}, // the griefer's reclaim counts
			{customers, 10, []common.Address{honest}, false},
			{append(slices.Clone(customers), freshKey("farmer", 0), freshKey("farmer", 1)), 1, []common.Address{farmer}, true},
		} {
			got, more, err := s.Qualified(testContext(t), 10, tt.trusted, tt.limit)
			if err != nil || !slices.Equal(got, tt.want) || more != tt.more {
				t.Errorf("qualified at 10 among %v, at most %d: %v, more %v, %v; want %v, more %v", tt.trusted, tt.limit, got, more, err, tt.want, tt.more)
			}
		}
		if _, err := s.Provider(testContext(t), honest, make([]common.Address, store.MaxTrusted+1)...); err == nil {
			t.Errorf("a score asked for with %d trusted tenants was given, want it refused", store.MaxTrusted+1)
		}
	})
}

// TestAttackReclaimGriefing: a competitor opens leases from a victim's
// bids, withholds the job, and takes the deposit back, each lease costing
// it only gas. A victim that declined such a lease on chain (ExitNoJob)
// loses nothing; a provider that neither started nor declined is
// penalised.
func TestAttackReclaimGriefing(t *testing.T) {
	victim, griefer := storetest.Address(2), storetest.Address(5)
	record := func(c *ledger) {
		for i := range 3 {
			c.add(life{tenant: freshKey("customer", i), provider: victim, price: price, ran: time.Hour, end: store.KindClosed, closer: victim})
		}
	}
	declined := lease.NewExitCode(-1, lease.ExitNoJob)
	tests := []struct {
		name  string
		grief func(c *ledger, i int)
		want  uint64
	}{
		{"declined with no job", func(c *ledger, i int) {
			c.add(life{tenant: freshKey("griefer", i), provider: victim, price: price, end: store.KindClosed, closer: victim, exit: declined})
		}, 30},
		{"cancelled before start, blaming the provider", func(c *ledger, i int) {
			c.add(life{tenant: griefer, provider: victim, price: price, end: store.KindClosed, closer: griefer,
				exit: lease.NewExitCode(-1, lease.ExitProviderFailure)})
		}, 30},
		{"left open", func(c *ledger, i int) {
			c.add(life{tenant: freshKey("griefer", i), provider: victim, price: price})
		}, 30},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, _ := storetest.New(t)
			var c ledger
			record(&c)
			for i := range 5 {
				tt.grief(&c, i)
			}
			c.apply(t, s)
			if got := scoreOf(t, s, victim); got != tt.want {
				t.Errorf("victim's score after 5 griefing leases: %d, want %d (unchanged)", got, tt.want)
			}
		})
	}

	t.Run("reclaimed, never declined", func(t *testing.T) {
		s, _ := storetest.New(t)
		var c ledger
		record(&c)
		c.add(life{tenant: griefer, provider: victim, price: price, end: store.KindReclaimed})
		c.apply(t, s)
		if got := scoreOf(t, s, victim); got != 10 {
			t.Errorf("score of a provider that neither started nor declined a lease: %d, want 30 - 20 = 10", got)
		}
	})
}

// TestReputation holds the rule tender-reputation/3 to its figures: each
// lease in one category, credit by the hours paid, capped per lease and
// per tenant, penalties for reclaimed and failed leases; and the exit
// reasons the SQL decodes in step with package lease's.
func TestReputation(t *testing.T) {
	ctx := testContext(t)
	s, _ := storetest.New(t)
	good, bad, busy := storetest.Address(2), storetest.Address(3), storetest.Address(4)
	tenant := func(i int) common.Address { return common.BigToAddress(big.NewInt(int64(100 + i))) }
	var c ledger
	for _, l := range []life{
		// Tenant 1: three hours over two leases, capped at 10.
		{tenant: tenant(1), ran: time.Hour, end: store.KindClosed, closer: good},
		{tenant: tenant(1), ran: 2 * time.Hour, end: store.KindClosed, closer: good},
		// Tenant 2: cancelled after 30 and 15 minutes (by the tenant, and
		// by the provider for it): 5 + 2.
		{tenant: tenant(2), ran: 30 * time.Minute, end: store.KindClosed, closer: tenant(2)},
		{tenant: tenant(2), ran: 15 * time.Minute, end: store.KindClosed, closer: good, exit: lease.NewExitCode(143, lease.ExitCancelled)},
		// Tenant 3: overdrawn after an hour: 10.
		{tenant: tenant(3), ran: time.Hour, end: store.KindOverdrawn, closer: tenant(3)},
		// Tenant 4: still running, nothing yet.
		{tenant: tenant(4), ran: time.Hour},
		// Tenant 5: no job sent, declined: neutral.
		{tenant: tenant(5), end: store.KindClosed, closer: good, exit: lease.NewExitCode(-1, lease.ExitNoJob)},
		// Tenants 6 and 7: the provider failed, and said "no job" after
		// starting: no credit, 5 off each.
		{tenant: tenant(6), ran: time.Hour, end: store.KindClosed, closer: good, exit: lease.NewExitCode(-1, lease.ExitProviderFailure)},
		{tenant: tenant(7), ran: time.Hour, end: store.KindClosed, closer: good, exit: lease.NewExitCode(-1, lease.ExitNoJob)},
		// To itself: neutral.
		{tenant: good, ran: time.Hour, end: store.KindClosed, closer: good},
		// Tenant 8: reclaimed, 20 off.
		{tenant: tenant(8), end: store.KindReclaimed},
		// Tenant 9 cancelled before the start, naming no job: neutral.
		{tenant: tenant(9), end: store.KindClosed, closer: tenant(9), exit: lease.NewExitCode(-1, lease.ExitNoJob)},
		// Tenant 10 paid nothing for ten hours at a price of zero.
		{tenant: tenant(10), ran: 10 * time.Hour, end: store.KindClosed, closer: good},
		// Tenant 11: an hour, 10.
		{tenant: tenant(11), ran: time.Hour, end: store.KindClosed, closer: good},
	} {
		l.provider, l.price = good, price
		if l.tenant == tenant(10) {
			l.price = 0
		}
		c.add(l)
	}
	c.add(life{tenant: tenant(1), provider: bad, price: price, end: store.KindReclaimed})
	for i := range 7 {
		c.add(life{tenant: tenant(20 + i), provider: busy, price: price, ran: time.Duration(i+1) * 10 * time.Minute, end: store.KindClosed, closer: busy})
	}
	c.apply(t, s)

	reps, err := s.Reputations(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want := store.Reputation{
		Leases: 14, Running: 1, Completed: 4, ClosedByTenant: 3, Overdrawn: 1, Reclaimed: 1, Declined: 1, Failed: 2, SelfDealt: 1,
		// The rule's constants, which the SQL writes as literals: tenant 1
		// capped, tenant 2's half and quarter hour, tenants 3 and 11 an hour.
		Credit:        store.TenantCreditCap + (store.CreditPerHour/2 + store.CreditPerHour/4) + 2*store.CreditPerHour,
		PayingTenants: 4, Earned: big.NewInt(31_500_000),
	}
	if want.Credit != 37 || store.LeaseCreditCap != store.CreditPerHour {
		t.Fatalf("credit %d by the rule's constants, want 37 (10 + 5 + 2 + 10 + 10): the SQL writes them as literals", want.Credit)
	}
	if d := cmp.Diff(want, reps[good], cmp.Comparer(func(a, b *big.Int) bool { return a.Cmp(b) == 0 })); d != "" {
		t.Errorf("good provider's reputation (-want +got):\n%s", d)
	}
	if r := reps[good]; r.Penalty() != store.ReclaimPenalty+2*store.FailurePenalty || r.Penalty() != 30 || r.Score() != 7 {
		t.Errorf("good provider: penalty %d, score %d; want 30 and 37 - 30 = 7", r.Penalty(), r.Score())
	}

	score, err := s.ReputationFunc(ctx)
	if err != nil {
		t.Fatal(err)
	}
	// busy: 1 + 3 + 5 + 6 + 8 + 10 + 10 (10 to 70 minutes).
	for _, tt := range []struct {
		who  common.Address
		want uint64
	}{{good, 7}, {bad, 0}, {busy, 43}, {storetest.Address(8), 0}} {
		if got := score(tt.who); got != tt.want {
			t.Errorf("score(%s) = %d, want %d", tt.who.Hex(), got, tt.want)
		}
	}

	// One provider's answer names the tenants that added most.
	p, err := s.Provider(ctx, good)
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(want, p.Reputation, cmp.Comparer(func(a, b *big.Int) bool { return a.Cmp(b) == 0 }), cmpopts.IgnoreFields(store.Reputation{}, "TopTenants")); d != "" {
		t.Errorf("Provider's reputation (-want +got):\n%s", d)
	}
	top := []store.TenantCredit{
		{Tenant: tenant(1), Leases: 2, Paid: big.NewInt(10_800_000), Credit: 10},
		{Tenant: tenant(3), Leases: 1, Paid: big.NewInt(3_600_000), Credit: 10},
		{Tenant: tenant(11), Leases: 1, Paid: big.NewInt(3_600_000), Credit: 10},
		{Tenant: tenant(2), Leases: 2, Paid: big.NewInt(2_700_000), Credit: 7},
	}
	if d := cmp.Diff(top, p.Reputation.TopTenants, cmp.Comparer(func(a, b *big.Int) bool { return a.Cmp(b) == 0 })); d != "" {
		t.Errorf("top tenants (-want +got):\n%s", d)
	}
	p, err = s.Provider(ctx, busy)
	if err != nil {
		t.Fatal(err)
	}
	if r := p.Reputation; len(r.TopTenants) != store.TopTenantsShown || r.PayingTenants != 7 || r.TopTenants[0].Credit != 10 || r.TopTenants[4].Credit != 5 {
		t.Errorf("busy provider: %d top tenants %+v of %d paying; want the %d that added most, 10 down to 5, of 7",
			len(r.TopTenants), r.TopTenants, r.PayingTenants, store.TopTenantsShown)
	}
	p, err = s.Provider(ctx, bad)
	if err != nil {
		t.Fatal(err)
	}
	if r := p.Reputation; r.TopTenants == nil || len(r.TopTenants) != 0 || r.Reclaimed != 1 || r.Penalty() != 20 || r.Score() != 0 {
		t.Errorf("bad provider: %+v; want no top tenants (an empty list), 1 reclaimed, penalty 20, score 0", r)
	}
}
