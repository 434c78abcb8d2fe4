package lease_test

import (
	"fmt"
	"math/big"
	mrand "math/rand"
	"math/rand/v2"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/accounts/abi/bind/v2"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"

	"github.com/tender-market/tender/pkg/lease"
)

// modelLease is what the test expects of one lease.
type modelLease struct {
	id       common.Hash
	terms    lease.Terms
	state    lease.State
	deposit  *big.Int // everything paid in
	paid     *big.Int // everything the provider earned (paid out or owed)
	refunded *big.Int // everything refunded to the tenant (paid out or owed)
	since    uint64
}

// model is the test's own account of the escrow: leases, what every party
// should hold, what the escrow owes whom, and which accounts the token
// refuses.
type model struct {
	h       *harness
	leases  []*modelLease
	balance map[common.Address]*big.Int
	owed    map[common.Address]*big.Int
	refused map[common.Address]bool
	window  uint64
	// done counts the calls the contract accepted, by name.
	done map[string]int
}

func (m *model) move(a common.Address, v *big.Int) { m.balance[a].Add(m.balance[a], v) }

// pay is the escrow paying amount to `to`: a transfer, or a debt in owed
// when the token refuses `to`.
func (m *model) pay(to common.Address, amount *big.Int) {
	switch {
	case amount.Sign() == 0:
	case m.refused[to]:
		m.owed[to].Add(m.owed[to], amount)
	default:
		m.move(to, amount)
		m.move(m.h.escrowC.Address(), neg(amount))
	}
}

// TestInvariants runs seeded random sequences of escrow calls (valid and
// not, by any party) and time jumps against a model of the contract, with
// the plain test token and with one that refuses accounts at random. After
// every step: each call succeeded exactly when the model said it would; every
// lease on chain equals the model's; every party holds, and is owed, what the
// model says; the escrow holds exactly the unpaid part of the live deposits
// plus what it owes; no lease has paid out more than was paid in, and a
// settled lease has paid out exactly that (provider + tenant = deposit +
// top-ups).
//
// ESCROW_INVARIANT_STEPS sets the steps per seed (default 250).
func TestInvariants(t *testing.T) {
	steps := 250
	if s := os.Getenv("ESCROW_INVARIANT_STEPS"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil {
			t.Fatalf("ESCROW_INVARIANT_STEPS=%q: %v", s, err)
		}
		steps = n
	}
	done := make(map[string]int)
	for _, tt := range []struct {
		seed uint64
		kind tokenKind
	}{{1, plainToken}, {2, plainToken}, {3, falseToken}, {4, falseToken}} {
		name := fmt.Sprintf("seed %d", tt.seed)
		if tt.kind == falseToken {
			name += " refusing token"
		}
		t.Run(name, func(t *testing.T) {
			for k, n := range runInvariants(t, tt.seed, tt.kind, steps) {
				done[k] += n
			}
		})
	}
	if steps >= 200 {
		for _, name := range []string{"open", "start", "withdraw", "topUp", "close", "closeOverdrawn", "reclaim", "claim"} {
			if done[name] == 0 {
				t.Errorf("no %s succeeded in any sequence: they do not cover it", name)
			}
		}
	}
}

// runInvariants runs one sequence and returns how many calls of each kind
// the contract accepted.
func runInvariants(t *testing.T, seed uint64, kind tokenKind, steps int) map[string]int {
	h := newHarness(t, kind)
	r := rand.New(rand.NewPCG(seed, 0x7e4de7))
	m := &model{
		h: h, window: uint64(startWindow / time.Second),
		balance: make(map[common.Address]*big.Int), owed: make(map[common.Address]*big.Int),
		refused: make(map[common.Address]bool), done: make(map[string]int),
	}
	parties := []party{h.tenant, h.provider, h.stranger, h.deployer}
	for _, p := range append(parties, party{addr: h.escrowC.Address()}) {
		m.balance[p.addr] = h.balance(p.addr)
		m.owed[p.addr] = new(big.Int)
	}
	var nonce uint64

	for step := range steps {
		var what string
		switch k := r.IntN(100); {
		case k < 14 || len(m.leases) == 0:
			nonce++
			tenant, provider := parties[r.IntN(2)*2], parties[1+r.IntN(2)*2] // tenant or stranger; provider or deployer
			what = m.open(t, r, nonce, tenant, provider)
		case k < 30:
			d := time.Duration(r.IntN(300)) * time.Second
			if r.IntN(5) == 0 {
				d = time.Duration(r.IntN(3*int(m.window))) * time.Second
			}
			h.advance(d)
			what = fmt.Sprintf("advance %v", d)
		case k < 34 && kind == falseToken:
			// At most one account is refused at a time.
			p := parties[r.IntN(len(parties))]
			for a, on := range m.refused {
				if on {
					p = partyOf(parties, a)
				}
			}
			m.refused[p.addr] = !m.refused[p.addr]
			h.refuse(p.addr, m.refused[p.addr])
			what = fmt.Sprintf("token refuses %s: %v", p.addr.Hex()[:8], m.refused[p.addr])
		case k < 40 && kind == falseToken:
			caller := parties[r.IntN(len(parties))]
			for _, p := range parties {
				if m.owed[p.addr].Sign() > 0 && r.IntN(4) > 0 {
					caller = p // mostly someone who is owed
				}
			}
			what = m.claim(t, caller, parties[r.IntN(len(parties))])
		default:
			what = m.call(t, r, m.pickLease(r), parties)
		}
		if t.Failed() {
			t.Fatalf("step %d (%s) broke the model", step, what)
		}
		m.check(t)
		if t.Failed() {
			t.Fatalf("invariants broken after step %d: %s", step, what)
		}
	}
	var settled int
	for _, l := range m.leases {
		if l.state.Final() {
			settled++
		}
	}
	t.Logf("%d steps, %d leases, %d settled; accepted calls: %v", steps, len(m.leases), settled, m.done)
	return m.done
}

func partyOf(ps []party, a common.Address) party {
	for _, p := range ps {
		if p.addr == a {
			return p
		}
	}
	panic("unknown party " + a.Hex())
}

// open opens a lease between tenant and provider with random terms through
// the client; it fails only when the token refuses the tenant.
func (m *model) open(t *testing.T, r *rand.Rand, nonce uint64, tenant, provider party) string {
	h := m.h
	o := h.order(nonce)
	o.Tenant = tenant.addr
	o.MaxPricePerHour = big.NewInt(1 + r.Int64N(10_000_000))
	o.MaxDuration = uint64(1 + r.IntN(7200))
	p := new(big.Int).Rand(r0(r), o.MaxPricePerHour)
	p.Add(p, big.NewInt(1))
	sb := h.bid(&o, p, provider.signer)
	sb.Bid.Provider = provider.addr
	sb = h.sign(sb.Bid, provider.signer)
	least := lease.Terms{PricePerHour: p, MaxDuration: o.MaxDuration}.MinimumDeposit(h.client.MinDuration())
	span := o.MaxDuration // deposits from the minimum to all of max duration, often a few minutes' worth
	if r.IntN(2) == 0 {
		span = min(span, 600)
	}
	dep := new(big.Int).Add(least, new(big.Int).Rand(r0(r), new(big.Int).Add(earned(p, span), big.NewInt(1))))
	id, rc, err := h.client.Open(h.ctx, tenant.auth, &o, &sb, dep)
	if m.refused[tenant.addr] {
		wantErr(t, err, lease.ErrTokenTransfer)
		return "open refused by the token"
	}
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	l := &modelLease{id: id, terms: lease.NewTerms(&o, &sb.Bid), state: lease.StateOpen, deposit: dep, paid: new(big.Int), refunded: new(big.Int), since: h.blockTime(rc.Receipt)}
	m.leases = append(m.leases, l)
	m.move(tenant.addr, neg(dep))
	m.move(h.escrowC.Address(), dep)
	m.done["open"]++
	return fmt.Sprintf("open %s at %s/h, %d s, deposit %s", id.Hex()[:10], p, o.MaxDuration, dep)
}

// pickLease picks a lease, a live one four times in five when there is one.
func (m *model) pickLease(r *rand.Rand) *modelLease {
	if r.IntN(5) > 0 {
		var live []*modelLease
		for _, l := range m.leases {
			if l.state.Live() {
				live = append(live, l)
			}
		}
		if len(live) > 0 {
			return live[r.IntN(len(live))]
		}
	}
	return m.leases[r.IntN(len(m.leases))]
}

// call makes a random escrow call on l, mostly by the party it is meant for,
// sometimes by anyone. It is sent with a fixed gas limit so that it lands on
// chain whatever its fate, and its fate is checked against the model at the
// block's time.
func (m *model) call(t *testing.T, r *rand.Rand, l *modelLease, parties []party) string {
	h := m.h
	args := l.terms.Args()
	tenant, provider := partyOf(parties, l.terms.Tenant), partyOf(parties, l.terms.Provider)
	var (
		name   string
		data   []byte
		amount *big.Int
		caller party
	)
	switch k := r.IntN(100); {
	case k < 25:
		name, data, caller = "start", h.escrow.PackStart(l.id, args), provider
	case k < 45:
		name, data, caller = "withdraw", h.escrow.PackWithdraw(l.id, args), provider
	case k < 55:
		amount = big.NewInt(r.Int64N(2_000_000))
		name, data, caller = "topUp "+amount.String(), h.escrow.PackTopUp(l.id, args, amount), tenant
	case k < 67:
		name, data, caller = "close", h.escrow.PackClose(l.id, args, int32(r.IntN(256)-1), common.Hash{byte(r.Uint32())}, untilNow), tenant
		if r.IntN(2) == 0 {
			caller = provider
		}
	case k < 85:
		name, data, caller = "closeOverdrawn", h.escrow.PackCloseOverdrawn(l.id, args), parties[r.IntN(len(parties))]
	default:
		name, data, caller = "reclaim", h.escrow.PackReclaim(l.id, args), tenant
	}
	if r.IntN(5) == 0 {
		caller = parties[r.IntN(len(parties))]
	}
	if amount != nil {
		h.approve(caller, amount)
	}
	rc := h.sendFixed(caller, data)
	now := h.blockTime(rc)
	ok := m.apply(l, name, caller.addr, amount, now)
	if ok {
		m.done[strings.Fields(name)[0]]++
	}
	if got := rc.Status == types.ReceiptStatusSuccessful; got != ok {
		t.Errorf("%s on %s lease by %s at %d: succeeded=%v, the model says %v", name, l.state, caller.addr.Hex()[:8], now, got, ok)
	}
	return fmt.Sprintf("%s on %s by %s (ok=%v)", name, l.id.Hex()[:10], caller.addr.Hex()[:8], ok)
}

// claim has caller claim what it is owed to `to`.
func (m *model) claim(t *testing.T, caller, to party) string {
	rc := m.h.sendFixed(caller, m.h.escrow.PackClaim(to.addr))
	owed := m.owed[caller.addr]
	ok := owed.Sign() > 0 && !m.refused[to.addr]
	if ok {
		m.move(to.addr, owed)
		m.move(m.h.escrowC.Address(), neg(owed))
		m.owed[caller.addr] = new(big.Int)
		m.done["claim"]++
	}
	if got := rc.Status == types.ReceiptStatusSuccessful; got != ok {
		t.Errorf("claim of %s by %s to %s: succeeded=%v, the model says %v", owed, caller.addr.Hex()[:8], to.addr.Hex()[:8], got, ok)
	}
	return fmt.Sprintf("claim %s by %s to %s (ok=%v)", owed, caller.addr.Hex()[:8], to.addr.Hex()[:8], ok)
}

// apply plays a call on the model at time now and reports whether the
// contract should accept it.
func (m *model) apply(l *modelLease, name string, caller common.Address, amount *big.Int, now uint64) bool {
	t := l.terms
	live := l.state == lease.StateOpen || l.state == lease.StateRunning
	earnedNow := func() (*big.Int, bool) { return t.Earned(l.deposit, l.since, now) }
	switch {
	case name == "start":
		if caller != t.Provider || l.state != lease.StateOpen || now > l.since+m.window {
			return false
		}
		l.state, l.since = lease.StateRunning, now
	case name == "withdraw":
		if caller != t.Provider || l.state != lease.StateRunning {
			return false
		}
		e, _ := earnedNow()
		pay := diff(l.paid, e)
		if pay.Sign() == 0 {
			return false
		}
		l.paid = e
		m.pay(t.Provider, pay)
	case strings.HasPrefix(name, "topUp"):
		if caller != t.Tenant || !live || amount.Sign() == 0 || m.refused[t.Tenant] {
			return false
		}
		if _, spent := earnedNow(); l.state == lease.StateRunning && spent {
			return false // no top-up pays for seconds after the deposit ran out
		}
		l.deposit = new(big.Int).Add(l.deposit, amount)
		m.move(t.Tenant, neg(amount))
		m.move(m.h.escrowC.Address(), amount)
	case name == "close":
		if caller != t.Tenant && caller != t.Provider || !live {
			return false
		}
		e := new(big.Int)
		if l.state == lease.StateRunning {
			e, _ = earnedNow()
		}
		pay, refund := diff(l.paid, e), diff(e, l.deposit)
		l.paid, l.refunded, l.state = e, refund, lease.StateClosed
		m.pay(t.Provider, pay)
		m.pay(t.Tenant, refund)
	case name == "closeOverdrawn":
		if l.state != lease.StateRunning {
			return false
		}
		if _, over := earnedNow(); !over {
			return false
		}
		pay := diff(l.paid, l.deposit)
		l.paid, l.state = new(big.Int).Set(l.deposit), lease.StateOverdrawn
		m.pay(t.Provider, pay)
	case name == "reclaim":
		if caller != t.Tenant || l.state != lease.StateOpen || now <= l.since+m.window {
			return false
		}
		l.refunded, l.state = new(big.Int).Set(l.deposit), lease.StateReclaimed
		m.pay(t.Tenant, l.deposit)
	default:
		panic("unknown call " + name)
	}
	return true
}

// check compares the chain with the model and checks the invariants.
func (m *model) check(t *testing.T) {
	t.Helper()
	h := m.h
	for a, want := range m.balance {
		wantAmount(t, "balance of "+a.Hex(), h.balance(a), want)
	}
	held := new(big.Int)
	for a, want := range m.owed {
		wantAmount(t, "owed to "+a.Hex(), h.owed(a), want)
		held.Add(held, want)
	}
	for _, l := range m.leases {
		got := h.lease(l.id)
		if got.State != l.state || got.Deposit.Cmp(l.deposit) != 0 || got.Paid.Cmp(l.paid) != 0 || got.Since != l.since || got.TermsHash != l.terms.Hash() {
			t.Errorf("lease %s on chain %+v, model %+v", l.id.Hex(), got, *l)
		}
		if l.paid.Cmp(l.deposit) > 0 || l.refunded.Cmp(l.deposit) > 0 {
			t.Errorf("lease %s paid %s and refunded %s of a deposit of %s", l.id.Hex(), l.paid, l.refunded, l.deposit)
		}
		if l.state.Live() {
			held.Add(held, diff(l.paid, l.deposit))
		} else if out := new(big.Int).Add(l.paid, l.refunded); out.Cmp(l.deposit) != 0 {
			t.Errorf("settled lease %s paid out %s (provider %s + tenant %s), deposit %s", l.id.Hex(), out, l.paid, l.refunded, l.deposit)
		}
	}
	wantAmount(t, "escrow balance (live deposits - paid + owed)", h.balance(h.escrowC.Address()), held)
}

// sendFixed sends data from p with a fixed gas limit (no estimate), so the
// transaction is mined even when it reverts, and returns its receipt.
func (h *harness) sendFixed(p party, data []byte) *types.Receipt {
	h.t.Helper()
	opts := *p.auth
	opts.Context = h.ctx
	opts.GasLimit = 500_000
	tx, err := bind.Transact(h.escrowC, &opts, data)
	if err != nil {
		h.t.Fatal(err)
	}
	r, err := bind.WaitMined(h.ctx, h.backend, tx.Hash())
	if err != nil {
		h.t.Fatal(err)
	}
	return r
}

// r0 adapts a math/rand/v2 generator for big.Int.Rand.
func r0(r *rand.Rand) *mrand.Rand { return mrand.New(&legacyRand{r}) }

// legacyRand feeds big.Int.Rand from a math/rand/v2 generator.
type legacyRand struct{ r *rand.Rand }

func (l *legacyRand) Int63() int64   { return l.r.Int64() }
func (l *legacyRand) Uint64() uint64 { return l.r.Uint64() }
func (l *legacyRand) Seed(int64)     {}
