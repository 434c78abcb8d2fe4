package lease_test

import (
	"errors"
	"math/big"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"

	"github.com/tender-market/tender/pkg/auction"
	"github.com/tender-market/tender/pkg/lease"
	"github.com/tender-market/tender/pkg/lease/escrow"
)

// Result digests the replicas report: agree is the honest one.
var (
	agree    = common.HexToHash("0xa9")
	disagree = common.HexToHash("0xd1")
	other    = common.HexToHash("0x07")
)

// replicaPrice is every replica's price per hour; replicaDeposit pays for
// the order's whole hour.
var (
	replicaPrice   = big.NewInt(3_600_000)
	replicaDeposit = big.NewInt(3_600_000)
)

// verifiedOrder is h.order with v.
func (h *harness) verifiedOrder(nonce uint64, v auction.Verify) auction.Order {
	o := h.order(nonce)
	o.Verify = v
	return o
}

// replicated asks for n replicas compared over model.json.
func replicated(n uint8) auction.Verify {
	return auction.Verify{Replicas: n, Paths: []string{"model.json"}}
}

// openReplica opens a lease of o from p's bid at replicaPrice.
func (h *harness) openReplica(o *auction.Order, p party) (opened, error) {
	h.t.Helper()
	b := auction.Bid{
		OrderHash:    h.domain.OrderHash(o),
		Provider:     p.addr,
		PeerID:       testPeer,
		PricePerHour: new(big.Int).Set(replicaPrice),
		Offer:        auction.Offer{GPUs: []auction.GPU{{Model: "NVIDIA H100 80GB HBM3", VRAMMiB: 81_559, ComputeCapability: 90, Count: 1}}, CPUMillis: 4000, MemoryMiB: 16_000},
		Expiry:       h.now() + 3000,
		Nonce:        o.Nonce,
	}
	sb := h.sign(b, p.signer)
	id, r, err := h.client.Open(h.ctx, h.tenant.auth, o, &sb, replicaDeposit)
	return opened{id: id, terms: lease.NewTerms(o, &sb.Bid), order: *o, bid: sb, receipt: r}, err
}

func (h *harness) mustOpenReplica(o *auction.Order, p party) opened {
	h.t.Helper()
	l, err := h.openReplica(o, p)
	if err != nil {
		h.t.Fatal(err)
	}
	return l
}

// startAs starts l as its provider p; it returns the start time.
func (h *harness) startAs(l opened, p party) uint64 {
	h.t.Helper()
	r, err := h.client.Start(h.ctx, p.auth, l.id, l.terms)
	if err != nil {
		h.t.Fatal(err)
	}
	return h.blockTime(r.Receipt)
}

// report closes l as its provider p with digest; it returns the close's
// block time.
func (h *harness) report(l opened, p party, digest common.Hash) uint64 {
	h.t.Helper()
	r, err := h.client.Close(h.ctx, p.auth, l.id, l.terms, 0, digest)
	if err != nil {
		h.t.Fatal(err)
	}
	return h.blockTime(r.Receipt)
}

func (h *harness) settle(o *auction.Order) (*lease.Receipt, error) {
	h.t.Helper()
	return h.client.Settle(h.ctx, h.stranger.auth, h.domain.OrderHash(o), 0)
}

// balances is a snapshot of the token balances of the tenant, every
// provider and the escrow.
type balances map[common.Address]*big.Int

func (h *harness) balances() balances {
	h.t.Helper()
	b := balances{}
	for _, p := range append([]party{h.tenant, h.provider, h.stranger}, h.others...) {
		b[p.addr] = h.balance(p.addr)
	}
	b[h.escrowC.Address()] = h.balance(h.escrowC.Address())
	return b
}

// wantGained checks that each account in want gained exactly that much
// since before, every other one nothing, and that tokens were only moved.
func (h *harness) wantGained(before balances, want map[common.Address]*big.Int) {
	h.t.Helper()
	after := h.balances()
	sum := new(big.Int)
	for a, v := range after {
		got := diff(before[a], v)
		sum.Add(sum, got)
		w := want[a]
		if w == nil {
			w = new(big.Int)
		}
		if got.Cmp(w) != 0 {
			h.t.Errorf("%s gained %s, want %s", a.Hex(), got, w)
		}
	}
	if sum.Sign() != 0 {
		h.t.Errorf("tokens created or destroyed: the balances moved by %s in all", sum)
	}
}

func sum(vs ...*big.Int) *big.Int {
	out := new(big.Int)
	for _, v := range vs {
		out.Add(out, v)
	}
	return out
}

// TestReplicasAgree: two replicas report the same digest. Their pay is
// held (no withdraw, no payment at the report), the unused deposit goes
// back at once, and the settlement pays each provider exactly what it
// earned; nobody is paid twice.
func TestReplicasAgree(t *testing.T) {
	h := newHarness(t, plainToken)
	o := h.verifiedOrder(1, replicated(2))
	before := h.balances()
	a := h.mustOpenReplica(&o, h.provider)
	b := h.mustOpenReplica(&o, h.others[0])
	if l := h.lease(a.id); !l.Held {
		t.Fatal("a replica's lease is not held")
	}
	sa := h.startAs(a, h.provider)
	sb := h.startAs(b, h.others[0])
	h.advance(10 * time.Minute)
	if _, err := h.client.Withdraw(h.ctx, h.provider.auth, a.id, a.terms); err == nil {
		t.Fatal("a replica withdrew its pay before its group settled")
	} else {
		wantErr(t, err, lease.ErrHeld)
	}
	if _, err := h.send(h.provider, h.escrowC, h.escrow.PackWithdraw(a.id, a.terms.Args())); err == nil {
		t.Fatal("the escrow let a replica withdraw")
	} else {
		wantErr(t, err, lease.ErrHeld)
	}
	ea := earned(replicaPrice, h.report(a, h.provider, agree)-sa)
	eb := earned(replicaPrice, h.report(b, h.others[0], agree)-sb)
	if l := h.lease(a.id); l.State != lease.StateReported || l.Paid.Cmp(ea) != 0 {
		t.Fatalf("reported replica: %s, holding %s; want reported, holding %s", l.State, l.Paid, ea)
	}
	// Reported: the providers have nothing yet, the tenant has the unused
	// deposit back.
	h.wantGained(before, map[common.Address]*big.Int{
		h.tenant.addr:       neg(sum(ea, eb)),
		h.escrowC.Address(): sum(ea, eb),
	})

	mid := h.balances()
	r, err := h.settle(&o)
	if err != nil {
		t.Fatal(err)
	}
	h.wantGained(mid, map[common.Address]*big.Int{
		h.provider.addr:     ea,
		h.others[0].addr:    eb,
		h.escrowC.Address(): neg(sum(ea, eb)),
	})
	g, ok := lease.Find[*lease.GroupSettled](h.client.Events(r.Receipt))
	if !ok || g.Majority != agree || g.Paid.Cmp(sum(ea, eb)) != 0 || g.Refunded.Sign() != 0 {
		t.Fatalf("GroupSettled = %+v, want majority %s, paid %s", g, agree.Hex(), sum(ea, eb))
	}
	for _, l := range []opened{a, b} {
		if got := h.lease(l.id); got.State != lease.StateClosed {
			t.Errorf("settled replica is %s, want closed", got.State)
		}
	}
	if _, err := h.settle(&o); err == nil {
		t.Fatal("a group settled twice")
	} else {
		wantErr(t, err, lease.ErrGroupSettled)
	}
	if _, err := h.send(h.stranger, h.escrowC, h.escrow.PackSettle(h.domain.OrderHash(&o), []escrow.EscrowTerms{a.terms.Args(), b.terms.Args()})); err == nil {
		t.Fatal("the escrow settled a group twice")
	} else {
		wantErr(t, err, lease.ErrGroupSettled)
	}
}

// TestReplicaCheaterNotPaid: of three replicas, one reports a digest of its
// own. The two that agree are paid what they earned; the cheater's held
// pay goes back to the tenant, so the tenant pays for two runs.
func TestReplicaCheaterNotPaid(t *testing.T) {
	h := newHarness(t, plainToken)
	o := h.verifiedOrder(1, replicated(3))
	ps := []party{h.provider, h.others[0], h.others[1]}
	var ls []opened
	var starts []uint64
	for _, p := range ps {
		ls = append(ls, h.mustOpenReplica(&o, p))
	}
	for i, p := range ps {
		starts = append(starts, h.startAs(ls[i], p))
	}
	h.advance(20 * time.Minute)
	before := h.balances()
	e0 := earned(replicaPrice, h.report(ls[0], ps[0], agree)-starts[0])
	e1 := earned(replicaPrice, h.report(ls[1], ps[1], disagree)-starts[1])
	e2 := earned(replicaPrice, h.report(ls[2], ps[2], agree)-starts[2])
	r, err := h.settle(&o)
	if err != nil {
		t.Fatal(err)
	}
	refunds := sum(diff(e0, replicaDeposit), diff(e1, replicaDeposit), diff(e2, replicaDeposit))
	h.wantGained(before, map[common.Address]*big.Int{
		h.tenant.addr:       sum(refunds, e1),
		ps[0].addr:          e0,
		ps[2].addr:          e2,
		h.escrowC.Address(): neg(sum(replicaDeposit, replicaDeposit, replicaDeposit)),
	})
	evs := h.client.Events(r.Receipt)
	for _, ev := range evs {
		if s, ok := ev.Payload.(*lease.ReplicaSettled); ok && ev.LeaseID == ls[1].id && (s.Agreed || s.Paid.Sign() != 0 || s.Refunded.Cmp(e1) != 0) {
			t.Errorf("the cheater's settlement: %+v, want not agreed, refunded %s", s, e1)
		}
	}
}

// TestReplicaRefereeSettlesMismatch: two replicas disagree; the group
// waits for a referee, which the tenant opens from a third provider; its
// digest decides.
func TestReplicaRefereeSettlesMismatch(t *testing.T) {
	h := newHarness(t, plainToken)
	o := h.verifiedOrder(1, replicated(2))
	a := h.mustOpenReplica(&o, h.provider)
	b := h.mustOpenReplica(&o, h.others[0])
	if _, err := h.openReplica(&o, h.others[1]); err == nil {
		t.Fatal("a third replica joined a group of two before any disagreement")
	} else {
		wantErr(t, err, lease.ErrGroupFull)
	}
	sa, sb := h.startAs(a, h.provider), h.startAs(b, h.others[0])
	h.advance(5 * time.Minute)
	ea := earned(replicaPrice, h.report(a, h.provider, agree)-sa)
	eb := earned(replicaPrice, h.report(b, h.others[0], disagree)-sb)
	if _, err := h.settle(&o); err == nil {
		t.Fatal("a mismatched pair settled while the referee window was open")
	} else {
		wantErr(t, err, lease.ErrRefereeWindowOpen)
	}
	c := h.mustOpenReplica(&o, h.others[1])
	if _, err := h.openReplica(&o, h.others[2]); err == nil {
		t.Fatal("a second referee joined")
	} else {
		wantErr(t, err, lease.ErrGroupFull)
	}
	sc := h.startAs(c, h.others[1])
	if _, err := h.settle(&o); err == nil {
		t.Fatal("the group settled while its referee ran")
	} else {
		wantErr(t, err, lease.ErrReplicaNotEnded)
	}
	h.advance(5 * time.Minute)
	before := h.balances()
	ec := earned(replicaPrice, h.report(c, h.others[1], agree)-sc)
	if _, err := h.settle(&o); err != nil {
		t.Fatal(err)
	}
	h.wantGained(before, map[common.Address]*big.Int{
		h.tenant.addr:       sum(diff(ec, replicaDeposit), eb),
		h.provider.addr:     ea,
		h.others[1].addr:    ec,
		h.escrowC.Address(): neg(sum(ea, eb, replicaDeposit)),
	})
	g, err := h.client.Group(h.ctx, h.domain.OrderHash(&o))
	if err != nil {
		t.Fatal(err)
	}
	if !g.Settled || !g.Referee || len(g.Leases) != 3 || g.Digests[1] != disagree {
		t.Errorf("group after the referee: %+v", g)
	}
}

// TestReplicaMismatchWithoutReferee: two replicas disagree and no referee
// comes; once the window has passed, neither is paid.
func TestReplicaMismatchWithoutReferee(t *testing.T) {
	h := newHarness(t, plainToken)
	o := h.verifiedOrder(1, replicated(2))
	a := h.mustOpenReplica(&o, h.provider)
	b := h.mustOpenReplica(&o, h.others[0])
	h.startAs(a, h.provider)
	h.startAs(b, h.others[0])
	h.advance(5 * time.Minute)
	before := h.balances()
	h.report(a, h.provider, agree)
	h.report(b, h.others[0], disagree)
	h.advance(startWindow + time.Second)
	if _, err := h.openReplica(&o, h.others[1]); err == nil {
		t.Fatal("a referee joined after its window")
	} else {
		wantErr(t, err, lease.ErrGroupFull)
	}
	r, err := h.settle(&o)
	if err != nil {
		t.Fatal(err)
	}
	h.wantGained(before, map[common.Address]*big.Int{
		h.tenant.addr:       sum(replicaDeposit, replicaDeposit),
		h.escrowC.Address(): neg(sum(replicaDeposit, replicaDeposit)),
	})
	if g, ok := lease.Find[*lease.GroupSettled](h.client.Events(r.Receipt)); !ok || g.Majority != (common.Hash{}) || g.Paid.Sign() != 0 {
		t.Errorf("GroupSettled = %+v, want no majority, nothing paid", g)
	}
}

// TestReplicaSilentTenantCannotWithhold: the tenant never closes and one
// replica never reports. Deadlines settle it: the silent one, once its
// time ran out a start window ago, gets nothing; the one that reported is
// paid; anyone may settle.
func TestReplicaSilentTenantCannotWithhold(t *testing.T) {
	h := newHarness(t, plainToken)
	o := h.verifiedOrder(1, replicated(2))
	o.MaxDuration = 1200
	a := h.mustOpenReplica(&o, h.provider)
	b := h.mustOpenReplica(&o, h.others[0])
	sa := h.startAs(a, h.provider)
	h.startAs(b, h.others[0])
	h.advance(10 * time.Minute)
	ea := earned(replicaPrice, h.report(a, h.provider, agree)-sa)
	if _, err := h.settle(&o); err == nil {
		t.Fatal("settled while a replica still ran")
	} else {
		wantErr(t, err, lease.ErrReplicaNotEnded)
	}
	h.advance(10*time.Minute + startWindow + time.Second)
	before := h.balances()
	if _, err := h.settle(&o); err != nil {
		t.Fatal(err)
	}
	h.wantGained(before, map[common.Address]*big.Int{
		h.tenant.addr:       replicaDeposit,
		h.provider.addr:     ea,
		h.escrowC.Address(): neg(sum(ea, replicaDeposit)),
	})
	if _, err := h.client.Close(h.ctx, h.others[0].auth, b.id, b.terms, 0, agree); err == nil {
		t.Fatal("a replica reported after its group settled it as silent")
	}
}

// TestReplicaReplacedAfterReclaim: a replica that never starts is
// reclaimed and its place goes to the next bid; a provider cannot hold two
// places, even after leaving; the tenant's cancel pays what ran and frees
// the place too.
func TestReplicaReplacedAfterReclaim(t *testing.T) {
	h := newHarness(t, plainToken)
	o := h.verifiedOrder(1, replicated(2))
	a := h.mustOpenReplica(&o, h.provider)
	b := h.mustOpenReplica(&o, h.others[0])
	if _, err := h.openReplica(&o, h.provider); err == nil {
		t.Fatal("one provider holds two replicas of an order")
	} else {
		wantErr(t, err, lease.ErrProviderInGroup)
	}
	sb := h.startAs(b, h.others[0])
	h.advance(startWindow + time.Second)
	if _, err := h.client.Reclaim(h.ctx, h.tenant.auth, a.id, a.terms); err != nil {
		t.Fatal(err)
	}
	if _, err := h.openReplica(&o, h.provider); err == nil {
		t.Fatal("a provider came back to a group it left")
	} else {
		wantErr(t, err, lease.ErrProviderInGroup)
	}
	c := h.mustOpenReplica(&o, h.others[1])
	sc := h.startAs(c, h.others[1])
	h.advance(time.Minute)
	// The tenant cancels b: its provider is paid what ran, at once, and a
	// fourth provider takes the place.
	before := h.balances()
	r, err := h.client.Close(h.ctx, h.tenant.auth, b.id, b.terms, lease.NoExitCode, common.Hash{})
	if err != nil {
		t.Fatal(err)
	}
	eb := earned(replicaPrice, h.blockTime(r.Receipt)-sb)
	h.wantGained(before, map[common.Address]*big.Int{
		h.tenant.addr:       diff(eb, replicaDeposit),
		h.others[0].addr:    eb,
		h.escrowC.Address(): neg(replicaDeposit),
	})
	d := h.mustOpenReplica(&o, h.others[2])
	sd := h.startAs(d, h.others[2])
	h.advance(time.Minute)
	before = h.balances()
	ec := earned(replicaPrice, h.report(c, h.others[1], agree)-sc)
	ed := earned(replicaPrice, h.report(d, h.others[2], agree)-sd)
	if _, err := h.settle(&o); err != nil {
		t.Fatal(err)
	}
	h.wantGained(before, map[common.Address]*big.Int{
		h.tenant.addr:       sum(diff(ec, replicaDeposit), diff(ed, replicaDeposit)),
		h.others[1].addr:    ec,
		h.others[2].addr:    ed,
		h.escrowC.Address(): neg(sum(replicaDeposit, replicaDeposit)),
	})
}

// TestReplicaSpotCheck: a spot-checked order's single replica is held until
// the order expires (the tenant's check may still join until then), then
// paid; with the check, the two are compared like a pair.
func TestReplicaSpotCheck(t *testing.T) {
	h := newHarness(t, plainToken)
	spot := auction.Verify{Replicas: 1, Paths: []string{"model.json"}, SpotCheckBps: 1000}
	o := h.verifiedOrder(1, spot)
	a := h.mustOpenReplica(&o, h.provider)
	sa := h.startAs(a, h.provider)
	h.advance(time.Minute)
	ea := earned(replicaPrice, h.report(a, h.provider, agree)-sa)
	if _, err := h.settle(&o); err == nil {
		t.Fatal("a spot-checked order settled before it expired")
	} else {
		wantErr(t, err, lease.ErrGroupStillOpen)
	}
	h.advance(time.Hour)
	before := h.balances()
	if _, err := h.settle(&o); err != nil {
		t.Fatal(err)
	}
	h.wantGained(before, map[common.Address]*big.Int{h.provider.addr: ea, h.escrowC.Address(): neg(ea)})

	// Checked: the second replica disagrees, the window passes, nobody is
	// paid.
	o2 := h.verifiedOrder(2, spot)
	a2 := h.mustOpenReplica(&o2, h.provider)
	b2 := h.mustOpenReplica(&o2, h.others[0])
	if _, err := h.openReplica(&o2, h.others[1]); err == nil {
		t.Fatal("a third replica joined a spot check")
	} else {
		wantErr(t, err, lease.ErrGroupFull)
	}
	h.startAs(a2, h.provider)
	h.startAs(b2, h.others[0])
	h.advance(time.Minute)
	before = h.balances()
	h.report(a2, h.provider, agree)
	h.report(b2, h.others[0], other)
	h.advance(startWindow + time.Second)
	if _, err := h.settle(&o2); err != nil {
		t.Fatal(err)
	}
	h.wantGained(before, map[common.Address]*big.Int{
		h.tenant.addr:       sum(replicaDeposit, replicaDeposit),
		h.escrowC.Address(): neg(sum(replicaDeposit, replicaDeposit)),
	})
}

// TestReplicaAttacks: what the escrow refuses of a replicated order.
func TestReplicaAttacks(t *testing.T) {
	h := newHarness(t, plainToken)
	h.approve(h.tenant, new(big.Int).Mul(replicaDeposit, big.NewInt(100)))
	raw := func(o *auction.Order, p party) error {
		b := auction.Bid{OrderHash: h.domain.OrderHash(o), Provider: p.addr, PeerID: testPeer, PricePerHour: replicaPrice, Expiry: h.now() + 600, Nonce: o.Nonce}
		sb := h.sign(b, p.signer)
		_, err := h.send(h.tenant, h.escrowC, h.openData(o, &sb, replicaDeposit))
		return err
	}
	for _, tt := range []struct {
		name string
		v    auction.Verify
	}{
		{"four replicas", auction.Verify{Replicas: 4, Paths: []string{"a"}}},
		{"one replica, no spot check", auction.Verify{Replicas: 1, Paths: []string{"a"}}},
		{"a spot check above 100%", auction.Verify{Replicas: 1, Paths: []string{"a"}, SpotCheckBps: 10_001}},
		{"replicas and a spot check", auction.Verify{Replicas: 2, Paths: []string{"a"}, SpotCheckBps: 100}},
		{"a spot check without replicas", auction.Verify{Paths: []string{"a"}, SpotCheckBps: 100}},
	} {
		o := h.verifiedOrder(uint64(len(tt.name)), tt.v)
		if err := raw(&o, h.provider); err == nil {
			t.Errorf("%s: the escrow opened it", tt.name)
		} else if !errors.Is(err, lease.ErrInvalidVerify) {
			t.Errorf("%s: %v, want %v", tt.name, err, lease.ErrInvalidVerify)
		}
	}

	// Settling what is not a group, or with forged terms.
	o := h.verifiedOrder(100, replicated(2))
	if _, err := h.settle(&o); err == nil {
		t.Fatal("settled a group that was never opened")
	} else {
		wantErr(t, err, lease.ErrUnknownGroup)
	}
	a := h.mustOpenReplica(&o, h.provider)
	b := h.mustOpenReplica(&o, h.others[0])
	h.startAs(a, h.provider)
	h.startAs(b, h.others[0])
	h.advance(time.Minute)
	h.report(a, h.provider, agree)
	h.report(b, h.others[0], agree)
	oh := h.domain.OrderHash(&o)
	forged := b.terms.Args()
	forged.Provider = h.stranger.addr
	for _, tt := range []struct {
		name  string
		terms []escrow.EscrowTerms
		want  error
	}{
		{"one member's terms", []escrow.EscrowTerms{a.terms.Args()}, lease.ErrTermsMismatch},
		{"a member twice", []escrow.EscrowTerms{a.terms.Args(), a.terms.Args()}, lease.ErrTermsMismatch},
		{"terms paying a stranger", []escrow.EscrowTerms{a.terms.Args(), forged}, lease.ErrTermsMismatch},
		{"an extra member", []escrow.EscrowTerms{a.terms.Args(), b.terms.Args(), b.terms.Args()}, lease.ErrTermsMismatch},
	} {
		if _, err := h.send(h.stranger, h.escrowC, h.escrow.PackSettle(oh, tt.terms)); err == nil {
			t.Errorf("%s: settled", tt.name)
		} else if !errors.Is(err, tt.want) {
			t.Errorf("%s: %v, want %v", tt.name, err, tt.want)
		}
	}
	if _, err := h.send(h.provider, h.escrowC, h.escrow.PackCloseOverdrawn(a.id, a.terms.Args())); err == nil {
		t.Error("a reported replica was closed as overdrawn")
	}
	if _, err := h.settle(&o); err != nil {
		t.Fatal(err)
	}
}

// TestReplicaAwardsUnderOnePermit: a tenant without ETH awards two
// replicas under one permit for both deposits. Whichever provider opens
// first uses the permit; the allowance it set pays for the other. A permit
// whose value was raised after signing is refused.
func TestReplicaAwardsUnderOnePermit(t *testing.T) {
	h := newHarness(t, plainToken)
	tenant := h.freshTenant()
	o := h.verifiedOrder(1, replicated(2))
	o.Tenant = tenant.addr
	deadline := h.now() + uint64(awardWindow/time.Second)
	permit, err := h.client.SignPermit(h.ctx, tenant.signer, sum(replicaDeposit, replicaDeposit), deadline)
	if err != nil {
		t.Fatal(err)
	}
	ps := []party{h.provider, h.others[0]}
	var awards []auction.SignedAward
	var bids []auction.SignedBid
	for _, p := range ps {
		b := auction.Bid{OrderHash: h.domain.OrderHash(&o), Provider: p.addr, PeerID: testPeer, PricePerHour: replicaPrice, Expiry: h.now() + 3000, Nonce: o.Nonce}
		sb := h.sign(b, p.signer)
		sa, err := h.client.AwardUnderPermit(h.ctx, tenant.signer, &o, &sb, replicaDeposit, deadline, permit)
		if err != nil {
			t.Fatal(err)
		}
		awards, bids = append(awards, sa), append(bids, sb)
	}
	if _, err := h.client.AwardUnderPermit(h.ctx, tenant.signer, &o, &bids[0], sum(replicaDeposit, replicaDeposit, big.NewInt(1)), deadline, permit); err == nil {
		t.Error("an award for more than its permit lets the escrow take")
	}
	forged := awards[0]
	raised := *forged.Permit
	raised.Value = sum(replicaDeposit, replicaDeposit, replicaDeposit)
	forged.Permit = &raised
	if err := h.client.CheckAward(h.ctx, h.provider.addr, &o, &bids[0].Bid, &forged); err == nil {
		t.Error("a permit whose value was raised passed the award's check")
	}
	// The second provider opens first.
	for _, i := range []int{1, 0} {
		if err := h.client.CheckAward(h.ctx, ps[i].addr, &o, &bids[i].Bid, &awards[i]); err != nil {
			t.Fatalf("check award %d: %v", i, err)
		}
		if _, _, err := h.client.OpenAwarded(h.ctx, ps[i].auth, &o, &bids[i].Bid, &awards[i]); err != nil {
			t.Fatalf("open award %d: %v", i, err)
		}
	}
	wantAmount(t, "tenant's tokens", h.balance(tenant.addr), diff(sum(replicaDeposit, replicaDeposit), mintEach))
	g, err := h.client.Group(h.ctx, h.domain.OrderHash(&o))
	if err != nil || g.Active != 2 {
		t.Fatalf("group %+v, %v; want two replicas", g, err)
	}
}
