package lease_test

// Tests of the escrow contract itself: every call, its events and exact token
// movements, and every revert, sent without the client's checks.

import (
	"errors"
	"math/big"
	"strings"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/tender-market/tender/pkg/auction"
	"github.com/tender-market/tender/pkg/lease"
)

// eventOf returns the one escrow event in r whose payload is a T, and the
// payload.
func eventOf[T lease.Payload](t *testing.T, h *harness, r *types.Receipt) (lease.Event, T) {
	t.Helper()
	var found lease.Event
	var p T
	n := 0
	for _, ev := range h.client.Events(r) {
		if q, ok := ev.Payload.(T); ok {
			found, p = ev, q
			n++
		}
	}
	if n != 1 {
		t.Fatalf("%d %T events in the transaction, want 1", n, p)
	}
	return found, p
}

// payloadOf returns the payload of the one T event in r.
func payloadOf[T lease.Payload](t *testing.T, h *harness, r *types.Receipt) T {
	t.Helper()
	_, p := eventOf[T](t, h, r)
	return p
}

// snapshot records the token balances a test watches.
type snapshot map[common.Address]*big.Int

func (h *harness) snapshot() snapshot {
	s := make(snapshot)
	for _, a := range []common.Address{h.tenant.addr, h.provider.addr, h.stranger.addr, h.escrowC.Address()} {
		s[a] = h.balance(a)
	}
	return s
}

// wantMoved checks that each balance moved by delta since s (others: not at
// all).
func (h *harness) wantMoved(t *testing.T, s snapshot, delta map[common.Address]*big.Int) {
	t.Helper()
	names := map[common.Address]string{h.tenant.addr: "tenant", h.provider.addr: "provider", h.stranger.addr: "stranger", h.escrowC.Address(): "escrow"}
	for a, before := range s {
		want := new(big.Int)
		if d, ok := delta[a]; ok {
			want.Set(d)
		}
		wantAmount(t, names[a]+" balance change", diff(before, h.balance(a)), want)
	}
}

func neg(v *big.Int) *big.Int { return new(big.Int).Neg(v) }

func TestOpenLease(t *testing.T) {
	h := newHarness(t, plainToken)
	o := h.order(1)
	sb := h.bid(&o, price, h.provider.signer)
	h.approve(h.tenant, deposit)
	before := h.snapshot()

	r := h.mustSend(h.tenant, h.escrowC, h.openData(&o, &sb, deposit))

	id := h.domain.BidHash(&sb.Bid)
	e, ev := eventOf[*lease.Opened](t, h, r)
	if e.LeaseID != id || ev.Tenant != h.tenant.addr || ev.Provider != h.provider.addr ||
		ev.OrderHash != h.domain.OrderHash(&o) || ev.PricePerHour.Cmp(price) != 0 || ev.MaxDuration != o.MaxDuration || ev.Deposit.Cmp(deposit) != 0 {
		t.Errorf("LeaseOpened = %+v, want lease %s, tenant, provider, order %s, price %s, max duration %d, deposit %s",
			ev, id.Hex(), h.domain.OrderHash(&o).Hex(), price, o.MaxDuration, deposit)
	}
	l := h.lease(id)
	terms := lease.NewTerms(&o, &sb.Bid)
	if l.State != lease.StateOpen || l.TermsHash != terms.Hash() || l.Deposit.Cmp(deposit) != 0 || l.Paid.Sign() != 0 || l.Since != h.blockTime(r) {
		t.Errorf("lease = %+v, want open, terms %s, deposit %s, nothing paid, since %d", l, terms.Hash().Hex(), deposit, h.blockTime(r))
	}
	h.wantMoved(t, before, map[common.Address]*big.Int{h.tenant.addr: neg(deposit), h.escrowC.Address(): deposit})
}

func TestOpenLeaseMinimumDeposit(t *testing.T) {
	tests := []struct {
		name        string
		maxDuration uint64
		price       *big.Int
		want        *big.Int
	}{
		{"one minute at the price", 3600, price, big.NewInt(60_000)},
		{"max duration shorter than a minute", 30, price, big.NewInt(30_000)},
		{"rounds down", 3600, big.NewInt(3599), big.NewInt(59)},
		{"at least one unit", 3600, big.NewInt(1), big.NewInt(1)},
	}
	h := newHarness(t, plainToken)
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := h.on(t)
			if got := (lease.Terms{PricePerHour: tt.price, MaxDuration: tt.maxDuration}).MinimumDeposit(h.client.MinDuration()); got.Cmp(tt.want) != 0 {
				t.Fatalf("MinimumDeposit = %s, want %s", got, tt.want)
			}
			o := h.order(uint64(100 + i))
			o.MaxDuration = tt.maxDuration
			sb := h.bid(&o, tt.price, h.provider.signer)
			h.approve(h.tenant, tt.want)
			short := new(big.Int).Sub(tt.want, big.NewInt(1))
			_, err := h.send(h.tenant, h.escrowC, h.openData(&o, &sb, short))
			wantErr(t, err, lease.ErrDepositTooSmall)
			h.mustSend(h.tenant, h.escrowC, h.openData(&o, &sb, tt.want))
		})
	}
}

func TestOpenLeaseRefusals(t *testing.T) {
	h := newHarness(t, plainToken)
	used := h.open(1, price, deposit)

	// highS turns a signature into the other valid ECDSA form (n - s).
	highS := func(sig auction.Signature) []byte {
		out := append([]byte(nil), sig[:]...)
		s := new(big.Int).SetBytes(sig[32:64])
		s.Sub(crypto.S256().Params().N, s)
		s.FillBytes(out[32:64])
		out[64] ^= 1 // 27 <-> 28
		return out
	}
	type call struct {
		from    party
		order   auction.Order
		bid     auction.SignedBid
		sig     []byte
		deposit *big.Int
		approve *big.Int
	}
	base := func(nonce uint64) call {
		o := h.order(nonce)
		sb := h.bid(&o, price, h.provider.signer)
		return call{from: h.tenant, order: o, bid: sb, sig: sb.Signature[:], deposit: deposit, approve: deposit}
	}
	resign := func(c *call) {
		c.bid = h.sign(c.bid.Bid, h.provider.signer)
		c.sig = c.bid.Signature[:]
	}
	tests := []struct {
		name   string
		change func(c *call)
		want   error
		text   string
	}{
		{"a stranger opens the tenant's order", func(c *call) { c.from = h.stranger }, lease.ErrNotAllowed, "is not the tenant"},
		{"order expired", func(c *call) {
			c.order.Expiry = h.now()
			c.bid.Bid.OrderHash = h.domain.OrderHash(&c.order)
			resign(c)
		}, lease.ErrOrderExpired, ""},
		{"bid expired", func(c *call) { c.bid.Bid.Expiry = h.now(); resign(c) }, lease.ErrBidExpired, ""},
		{"price above the order's max", func(c *call) {
			c.bid.Bid.PricePerHour = new(big.Int).Add(maxPrice, big.NewInt(1))
			resign(c)
		}, lease.ErrPriceAboveMax, ""},
		{"price beyond 128 bits", func(c *call) {
			c.order.MaxPricePerHour = new(big.Int).Lsh(big.NewInt(1), 200)
			c.bid.Bid.OrderHash = h.domain.OrderHash(&c.order)
			c.bid.Bid.PricePerHour = new(big.Int).Lsh(big.NewInt(1), 128)
			resign(c)
		}, lease.ErrPriceTooHigh, ""},
		{"zero max duration", func(c *call) {
			c.order.MaxDuration = 0
			c.bid.Bid.OrderHash = h.domain.OrderHash(&c.order)
			resign(c)
		}, lease.ErrZeroMaxDuration, ""},
		{"bid names another order", func(c *call) {
			other := h.order(999)
			c.bid.Bid.OrderHash = h.domain.OrderHash(&other)
			resign(c)
		}, lease.ErrWrongOrder, ""},
		{"bid signed by a stranger", func(c *call) {
			c.bid = h.sign(c.bid.Bid, h.stranger.signer)
			c.sig = c.bid.Signature[:]
		}, lease.ErrBadSignature, "bid signed by " + h.stranger.addr.Hex() + ", lease names " + h.provider.addr.Hex()},
		{"bid altered after signing", func(c *call) { c.bid.Bid.Offer.Simulated = false }, lease.ErrBadSignature, "bid signed by"},
		{"signature with high s", func(c *call) { c.sig = highS(c.bid.Signature) }, lease.ErrBadSignature, "malformed"},
		{"signature with v 29", func(c *call) { c.sig[64] = 29 }, lease.ErrBadSignature, "malformed"},
		{"64-byte signature", func(c *call) { c.sig = c.sig[:64] }, lease.ErrBadSignature, "malformed"},
		{"zero deposit", func(c *call) { c.deposit = big.NewInt(0) }, lease.ErrDepositTooSmall, "need at least 60000"},
		{"deposit below a minute", func(c *call) { c.deposit = big.NewInt(59_999) }, lease.ErrDepositTooSmall, "need at least 60000"},
		{"deposit beyond 104 bits", func(c *call) { c.deposit = new(big.Int).Lsh(big.NewInt(1), 104) }, lease.ErrDepositTooLarge, ""},
		{"allowance too low", func(c *call) { c.approve = new(big.Int).Sub(deposit, big.NewInt(1)) }, lease.ErrAllowanceTooLow, ""},
		{"balance too low", func(c *call) {
			c.deposit = new(big.Int).Add(mintEach, big.NewInt(1))
			c.approve = c.deposit
		}, lease.ErrBalanceTooLow, ""},
		{"bid already used", func(c *call) {
			c.order, c.bid = used.order, used.bid
			c.sig = c.bid.Signature[:]
		}, lease.ErrLeaseExists, used.id.Hex()},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := h.on(t)
			c := base(uint64(10 + i))
			c.sig = append([]byte(nil), c.sig...)
			tt.change(&c)
			h.approve(c.from, c.approve)
			before := h.snapshot()
			data := h.escrow.PackOpenLease(lease.OrderArgs(&c.order), lease.BidArgs(&c.bid.Bid), c.sig, c.deposit)
			_, err := h.send(c.from, h.escrowC, data)
			wantErr(t, err, tt.want)
			if !strings.Contains(err.Error(), tt.text) {
				t.Errorf("error %q does not say %q", err, tt.text)
			}
			h.wantMoved(t, before, nil)
			if id := h.domain.BidHash(&c.bid.Bid); id != used.id && h.lease(id).State != lease.StateNone {
				t.Errorf("a refused openLease left lease %s behind", id.Hex())
			}
		})
	}
}

func TestStart(t *testing.T) {
	h := newHarness(t, plainToken)
	l := h.open(1, price, deposit)
	h.advance(startWindow - time.Second) // the start block lands on the deadline itself
	r := h.mustSend(h.provider, h.escrowC, h.escrow.PackStart(l.id, l.terms.Args()))
	at := h.blockTime(r)
	if deadline := h.client.StartDeadline(lease.Lease{Since: h.blockTime(l.receipt.Receipt)}); at != deadline {
		t.Fatalf("started at %d, want exactly the deadline %d", at, deadline)
	}
	if e, ev := eventOf[*lease.Started](t, h, r); e.LeaseID != l.id || ev.StartedAt != at {
		t.Errorf("Started = %+v, want lease %s at %d", ev, l.id.Hex(), at)
	}
	if got := h.lease(l.id); got.State != lease.StateRunning || got.Since != at || got.Deposit.Cmp(deposit) != 0 {
		t.Errorf("lease = %+v, want running since %d with deposit %s", got, at, deposit)
	}
}

func TestStartRefusals(t *testing.T) {
	h := newHarness(t, plainToken)
	late := h.open(1, price, deposit)
	h.advance(startWindow + time.Second)
	running := h.open(2, price, deposit)
	h.start(running)
	closed := h.open(3, price, deposit)
	if _, err := h.client.Close(h.ctx, h.tenant.auth, closed.id, closed.terms, -1, common.Hash{}); err != nil {
		t.Fatal(err)
	}
	open := h.open(4, price, deposit)
	wrongTerms := open.terms
	wrongTerms.PricePerHour = new(big.Int).Add(price, big.NewInt(1))

	tests := []struct {
		name  string
		from  party
		id    common.Hash
		terms lease.Terms
		want  error
	}{
		{"after the deadline", h.provider, late.id, late.terms, lease.ErrStartDeadlinePassed},
		{"by the tenant", h.tenant, open.id, open.terms, lease.ErrNotAllowed},
		{"by a stranger", h.stranger, open.id, open.terms, lease.ErrNotAllowed},
		{"twice", h.provider, running.id, running.terms, lease.ErrIllegalTransition},
		{"after close", h.provider, closed.id, closed.terms, lease.ErrIllegalTransition},
		{"with other terms", h.provider, open.id, wrongTerms, lease.ErrTermsMismatch},
		{"unknown lease", h.provider, common.HexToHash("0x1234"), open.terms, lease.ErrUnknownLease},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := h.on(t)
			_, err := h.send(tt.from, h.escrowC, h.escrow.PackStart(tt.id, tt.terms.Args()))
			wantErr(t, err, tt.want)
		})
	}
}

func TestWithdraw(t *testing.T) {
	h := newHarness(t, plainToken)
	l := h.open(1, price, deposit)
	started := h.start(l)

	// Right after the start nothing has accrued (calls run on the latest block).
	_, err := h.send(h.provider, h.escrowC, h.escrow.PackWithdraw(l.id, l.terms.Args()))
	wantErr(t, err, lease.ErrNothingToWithdraw)

	h.advance(10 * time.Minute)
	before := h.snapshot()
	r := h.mustSend(h.provider, h.escrowC, h.escrow.PackWithdraw(l.id, l.terms.Args()))
	first := earned(price, h.blockTime(r)-started)
	wantAmount(t, "Withdrawn amount", payloadOf[*lease.Withdrawn](t, h, r).Amount, first)
	h.wantMoved(t, before, map[common.Address]*big.Int{h.provider.addr: first, h.escrowC.Address(): neg(first)})

	// A second withdrawal pays only what accrued since the first.
	h.advance(5 * time.Minute)
	before = h.snapshot()
	r = h.mustSend(h.provider, h.escrowC, h.escrow.PackWithdraw(l.id, l.terms.Args()))
	second := diff(first, earned(price, h.blockTime(r)-started))
	wantAmount(t, "second Withdrawn amount", payloadOf[*lease.Withdrawn](t, h, r).Amount, second)
	h.wantMoved(t, before, map[common.Address]*big.Int{h.provider.addr: second, h.escrowC.Address(): neg(second)})
	wantAmount(t, "paid", h.lease(l.id).Paid, new(big.Int).Add(first, second))

	_, err = h.send(h.provider, h.escrowC, h.escrow.PackWithdraw(l.id, l.terms.Args()))
	wantErr(t, err, lease.ErrNothingToWithdraw) // same block time as the last withdrawal
}

func TestWithdrawCaps(t *testing.T) {
	t.Run("at the deposit", func(t *testing.T) {
		h := newHarness(t, plainToken)
		l := h.open(1, price, deposit)
		h.start(l)
		h.advance(2 * time.Hour)
		before := h.snapshot()
		h.mustSend(h.provider, h.escrowC, h.escrow.PackWithdraw(l.id, l.terms.Args()))
		h.wantMoved(t, before, map[common.Address]*big.Int{h.provider.addr: deposit, h.escrowC.Address(): neg(deposit)})
		h.advance(time.Hour)
		_, err := h.send(h.provider, h.escrowC, h.escrow.PackWithdraw(l.id, l.terms.Args()))
		wantErr(t, err, lease.ErrNothingToWithdraw)
		if got := h.lease(l.id); got.State != lease.StateRunning || got.Paid.Cmp(deposit) != 0 {
			t.Errorf("lease = %+v, want running with all %s paid", got, deposit)
		}
	})
	t.Run("at max duration", func(t *testing.T) {
		h := newHarness(t, plainToken)
		o := h.order(1)
		o.MaxDuration = 600
		sb := h.bid(&o, price, h.provider.signer)
		id, _, err := h.client.Open(h.ctx, h.tenant.auth, &o, &sb, deposit)
		if err != nil {
			t.Fatal(err)
		}
		l := opened{id: id, terms: lease.NewTerms(&o, &sb.Bid)}
		h.start(l)
		h.advance(2 * time.Hour)
		before := h.snapshot()
		h.mustSend(h.provider, h.escrowC, h.escrow.PackWithdraw(l.id, l.terms.Args()))
		capped := earned(price, 600)
		h.wantMoved(t, before, map[common.Address]*big.Int{h.provider.addr: capped, h.escrowC.Address(): neg(capped)})
		_, err = h.send(h.stranger, h.escrowC, h.escrow.PackCloseOverdrawn(l.id, l.terms.Args()))
		wantErr(t, err, lease.ErrNotOverdrawn) // the deposit outlasts max duration
		before = h.snapshot()
		h.mustSend(h.tenant, h.escrowC, h.escrow.PackClose(l.id, l.terms.Args(), -1, common.Hash{}, untilNow))
		refund := diff(capped, deposit)
		h.wantMoved(t, before, map[common.Address]*big.Int{h.tenant.addr: refund, h.escrowC.Address(): neg(refund)})
	})
}

func TestWithdrawRefusals(t *testing.T) {
	h := newHarness(t, plainToken)
	open := h.open(1, price, deposit)
	running := h.open(2, price, deposit)
	h.start(running)
	h.advance(time.Minute)
	tests := []struct {
		name string
		from party
		l    opened
		want error
	}{
		{"by the tenant", h.tenant, running, lease.ErrNotAllowed},
		{"by a stranger", h.stranger, running, lease.ErrNotAllowed},
		{"before the start", h.provider, open, lease.ErrIllegalTransition},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := h.on(t)
			_, err := h.send(tt.from, h.escrowC, h.escrow.PackWithdraw(tt.l.id, tt.l.terms.Args()))
			wantErr(t, err, tt.want)
		})
	}
}

// TestAttackTopUpAfterExhaustion: a top-up that lands after the deposit
// ran out would pay the provider at once for the seconds since, during
// which its daemon had already stopped the job. The escrow refuses it; the
// lease can only be closed, for what the deposit paid.
func TestAttackTopUpAfterExhaustion(t *testing.T) {
	h := newHarness(t, plainToken)
	l := h.open(1, price, deposit)
	h.start(l)
	h.advance(2 * time.Hour) // the deposit bought one
	h.approve(h.tenant, deposit)
	before := h.snapshot()
	_, err := h.send(h.tenant, h.escrowC, h.escrow.PackTopUp(l.id, l.terms.Args(), deposit))
	wantErr(t, err, lease.ErrDepositExhausted)
	h.wantMoved(t, before, nil)
	if _, err := h.client.TopUp(h.ctx, h.tenant.auth, l.id, l.terms, deposit); !errors.Is(err, lease.ErrDepositExhausted) {
		t.Errorf("client TopUp of a spent lease: %v, want ErrDepositExhausted", err)
	}
	r, err := h.client.CloseOverdrawn(h.ctx, h.stranger.auth, l.id, l.terms)
	if err != nil {
		t.Fatal(err)
	}
	wantAmount(t, "paid", payloadOf[*lease.Overdrawn](t, h, r.Receipt).Paid, deposit)
}

func TestTopUp(t *testing.T) {
	h := newHarness(t, plainToken)
	l := h.open(1, price, deposit)
	h.start(l)
	h.advance(30 * time.Minute) // half the deposit spent: a top-up extends it
	h.approve(h.tenant, deposit)
	before := h.snapshot()
	r := h.mustSend(h.tenant, h.escrowC, h.escrow.PackTopUp(l.id, l.terms.Args(), deposit))
	total := new(big.Int).Add(deposit, deposit)
	ev := payloadOf[*lease.ToppedUp](t, h, r)
	wantAmount(t, "ToppedUp amount", ev.Amount, deposit)
	wantAmount(t, "ToppedUp deposit", ev.Deposit, total)
	wantAmount(t, "lease deposit", h.lease(l.id).Deposit, total)
	h.wantMoved(t, before, map[common.Address]*big.Int{h.tenant.addr: neg(deposit), h.escrowC.Address(): deposit})

	_, err := h.send(h.stranger, h.escrowC, h.escrow.PackCloseOverdrawn(l.id, l.terms.Args()))
	wantErr(t, err, lease.ErrNotOverdrawn)

	closed := h.open(2, price, deposit)
	if _, err := h.client.Close(h.ctx, h.provider.auth, closed.id, closed.terms, 0, common.Hash{}); err != nil {
		t.Fatal(err)
	}
	h.approve(h.tenant, new(big.Int).Lsh(big.NewInt(1), 105))
	tests := []struct {
		name   string
		from   party
		l      opened
		amount *big.Int
		want   error
	}{
		{"by the provider", h.provider, l, deposit, lease.ErrNotAllowed},
		{"by a stranger", h.stranger, l, deposit, lease.ErrNotAllowed},
		{"nothing", h.tenant, l, big.NewInt(0), lease.ErrZeroAmount},
		{"past 104 bits", h.tenant, l, new(big.Int).Lsh(big.NewInt(1), 104), lease.ErrDepositTooLarge},
		{"a closed lease", h.tenant, closed, deposit, lease.ErrIllegalTransition},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := h.on(t)
			_, err := h.send(tt.from, h.escrowC, h.escrow.PackTopUp(tt.l.id, tt.l.terms.Args(), tt.amount))
			wantErr(t, err, tt.want)
		})
	}
	t.Run("without allowance", func(t *testing.T) {
		h := h.on(t)
		h.approve(h.tenant, big.NewInt(0))
		_, err := h.send(h.tenant, h.escrowC, h.escrow.PackTopUp(l.id, l.terms.Args(), deposit))
		wantErr(t, err, lease.ErrAllowanceTooLow)
	})
}

func TestClose(t *testing.T) {
	resultHash := crypto.Keccak256Hash([]byte("results.tar"))
	tests := []struct {
		name     string
		by       func(h *harness) party
		start    bool
		run      time.Duration
		exitCode lease.ExitCode
	}{
		{"provider, job done", func(h *harness) party { return h.provider }, true, 20 * time.Minute, 0},
		{"provider, job failed", func(h *harness) party { return h.provider }, true, 20 * time.Minute, 137},
		{"tenant cancels a running lease", func(h *harness) party { return h.tenant }, true, 20 * time.Minute, -1},
		{"tenant cancels before the start", func(h *harness) party { return h.tenant }, false, 0, -1},
		{"provider declines before the start", func(h *harness) party { return h.provider }, false, 0, -1},
		{"provider, deposit spent", func(h *harness) party { return h.provider }, true, 3 * time.Hour, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, plainToken)
			l := h.open(1, price, deposit)
			var started uint64
			if tt.start {
				started = h.start(l)
				h.advance(tt.run)
				h.mustSend(h.provider, h.escrowC, h.escrow.PackWithdraw(l.id, l.terms.Args()))
				h.advance(time.Minute)
			}
			paidBefore := h.lease(l.id).Paid
			before := h.snapshot()
			r := h.mustSend(tt.by(h), h.escrowC, h.escrow.PackClose(l.id, l.terms.Args(), int32(tt.exitCode), resultHash, untilNow))

			total := new(big.Int)
			if tt.start {
				total, _ = l.terms.Earned(deposit, started, h.blockTime(r))
			}
			refund := diff(total, deposit)
			pay := diff(paidBefore, total)
			ev := payloadOf[*lease.Closed](t, h, r)
			if ev.ExitCode != tt.exitCode || ev.ResultHash != resultHash || ev.Paid.Cmp(total) != 0 || ev.Refunded.Cmp(refund) != 0 {
				t.Errorf("Closed = %+v, want exit %d, result %s, paid %s, refunded %s", ev, tt.exitCode, resultHash.Hex(), total, refund)
			}
			h.wantMoved(t, before, map[common.Address]*big.Int{
				h.provider.addr: pay, h.tenant.addr: refund, h.escrowC.Address(): neg(new(big.Int).Add(pay, refund)),
			})
			if got := h.lease(l.id); got.State != lease.StateClosed || got.Paid.Cmp(total) != 0 {
				t.Errorf("lease = %+v, want closed with %s paid", got, total)
			}
			_, err := h.send(tt.by(h), h.escrowC, h.escrow.PackClose(l.id, l.terms.Args(), 0, resultHash, untilNow))
			wantErr(t, err, lease.ErrIllegalTransition)
		})
	}
	t.Run("by a stranger", func(t *testing.T) {
		h := newHarness(t, plainToken)
		l := h.open(1, price, deposit)
		_, err := h.send(h.stranger, h.escrowC, h.escrow.PackClose(l.id, l.terms.Args(), 0, resultHash, untilNow))
		wantErr(t, err, lease.ErrNotAllowed)
		if !strings.Contains(err.Error(), "neither the tenant nor the provider") {
			t.Errorf("error %q does not say who may close", err)
		}
	})
}

// TestAttackBillingDowntime: a provider's job ends while its daemon is
// down; closing later would bill the downtime (pay accrued up to the
// closing block). The provider states when the job ended and is paid up to
// then: never past the closing block, never before the start, never less
// than it withdrew; a tenant's stated end counts for nothing.
func TestAttackBillingDowntime(t *testing.T) {
	tests := []struct {
		name string
		by   func(h *harness) party
		// withdrawAt and ended are seconds after the start (0: none).
		withdrawAt, ended uint64
		// paidUntil is seconds after the start, or 0 for the closing block.
		paidUntil uint64
	}{
		{"the job ended 100 s in, closed 600 s in", func(h *harness) party { return h.provider }, 0, 100, 100},
		{"an end after the closing block", func(h *harness) party { return h.provider }, 0, 1 << 40, 0},
		{"an end before the start", func(h *harness) party { return h.provider }, 0, 1, 0},
		{"an end before a withdrawal", func(h *harness) party { return h.provider }, 300, 100, 300},
		{"the tenant's word", func(h *harness) party { return h.tenant }, 0, 100, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, plainToken)
			l := h.open(1, price, deposit)
			started := h.start(l)
			var withdrewAt uint64
			if tt.withdrawAt > 0 {
				h.advance(time.Duration(tt.withdrawAt-1) * time.Second)
				withdrewAt = h.blockTime(h.mustSend(h.provider, h.escrowC, h.escrow.PackWithdraw(l.id, l.terms.Args())))
			}
			h.advance(10 * time.Minute)
			ended := started + tt.ended
			if tt.name == "an end before the start" {
				ended = started - 1000
			}
			before := h.snapshot()
			r := h.mustSend(tt.by(h), h.escrowC, h.escrow.PackClose(l.id, l.terms.Args(), 0, common.Hash{1}, ended))
			until := h.blockTime(r)
			switch {
			case tt.name == "an end before the start":
				until = started
			case withdrewAt > 0:
				until = withdrewAt
			case tt.paidUntil > 0:
				until = started + tt.paidUntil
			}
			total, _ := l.terms.Earned(deposit, started, until)
			ev := payloadOf[*lease.Closed](t, h, r)
			if ev.Paid.Cmp(total) != 0 || ev.By != tt.by(h).addr {
				t.Errorf("paid %s by %s, want %s (up to %d s after the start) by %s", ev.Paid, ev.By.Hex(), total, until-started, tt.by(h).addr.Hex())
			}
			paidBefore := new(big.Int)
			if withdrewAt > 0 {
				paidBefore, _ = l.terms.Earned(deposit, started, withdrewAt)
			}
			refund := diff(total, deposit)
			pay := diff(paidBefore, total)
			h.wantMoved(t, before, map[common.Address]*big.Int{
				h.provider.addr: pay, h.tenant.addr: refund, h.escrowC.Address(): neg(new(big.Int).Add(pay, refund)),
			})
		})
	}
}

func TestCloseOverdrawn(t *testing.T) {
	h := newHarness(t, plainToken)
	l := h.open(1, price, deposit)
	started := h.start(l)
	h.advance(30 * time.Minute)
	_, err := h.send(h.stranger, h.escrowC, h.escrow.PackCloseOverdrawn(l.id, l.terms.Args()))
	wantErr(t, err, lease.ErrNotOverdrawn)

	w := h.mustSend(h.provider, h.escrowC, h.escrow.PackWithdraw(l.id, l.terms.Args()))
	withdrawn := earned(price, h.blockTime(w)-started)
	// The deposit runs out at exactly one hour: one second before, not yet.
	h.advance(time.Duration(3600-(h.now()-started)-1) * time.Second)
	_, err = h.send(h.stranger, h.escrowC, h.escrow.PackCloseOverdrawn(l.id, l.terms.Args()))
	wantErr(t, err, lease.ErrNotOverdrawn)

	h.advance(time.Second)
	before := h.snapshot()
	r := h.mustSend(h.stranger, h.escrowC, h.escrow.PackCloseOverdrawn(l.id, l.terms.Args()))
	wantAmount(t, "Overdrawn paid", payloadOf[*lease.Overdrawn](t, h, r).Paid, deposit)
	rest := diff(withdrawn, deposit)
	h.wantMoved(t, before, map[common.Address]*big.Int{h.provider.addr: rest, h.escrowC.Address(): neg(rest)})
	if got := h.lease(l.id); got.State != lease.StateOverdrawn || got.Paid.Cmp(deposit) != 0 {
		t.Errorf("lease = %+v, want overdrawn with all paid", got)
	}
	_, err = h.send(h.stranger, h.escrowC, h.escrow.PackCloseOverdrawn(l.id, l.terms.Args()))
	wantErr(t, err, lease.ErrIllegalTransition)

	open := h.open(2, price, deposit)
	h.advance(3 * time.Hour)
	_, err = h.send(h.stranger, h.escrowC, h.escrow.PackCloseOverdrawn(open.id, open.terms.Args()))
	wantErr(t, err, lease.ErrIllegalTransition) // never started: nothing accrues
}

func TestReclaim(t *testing.T) {
	h := newHarness(t, plainToken)
	l := h.open(1, price, deposit)
	_, err := h.send(h.tenant, h.escrowC, h.escrow.PackReclaim(l.id, l.terms.Args()))
	wantErr(t, err, lease.ErrStartDeadlineNotPassed)
	h.advance(startWindow - time.Second) // the next block is the deadline itself: still the provider's
	_, err = h.send(h.tenant, h.escrowC, h.escrow.PackReclaim(l.id, l.terms.Args()))
	wantErr(t, err, lease.ErrStartDeadlineNotPassed)

	h.advance(2 * time.Second) // calls run on the latest block, which must be past the deadline
	_, err = h.send(h.provider, h.escrowC, h.escrow.PackReclaim(l.id, l.terms.Args()))
	wantErr(t, err, lease.ErrNotAllowed)
	before := h.snapshot()
	r := h.mustSend(h.tenant, h.escrowC, h.escrow.PackReclaim(l.id, l.terms.Args()))
	wantAmount(t, "Reclaimed refunded", payloadOf[*lease.Reclaimed](t, h, r).Refunded, deposit)
	h.wantMoved(t, before, map[common.Address]*big.Int{h.tenant.addr: deposit, h.escrowC.Address(): neg(deposit)})
	if got := h.lease(l.id).State; got != lease.StateReclaimed {
		t.Errorf("state %s, want reclaimed", got)
	}
	_, err = h.send(h.provider, h.escrowC, h.escrow.PackStart(l.id, l.terms.Args()))
	wantErr(t, err, lease.ErrIllegalTransition)

	started := h.open(2, price, deposit)
	h.start(started)
	h.advance(startWindow + time.Minute)
	_, err = h.send(h.tenant, h.escrowC, h.escrow.PackReclaim(started.id, started.terms.Args()))
	wantErr(t, err, lease.ErrIllegalTransition)
}

func TestClaimRefusals(t *testing.T) {
	h := newHarness(t, plainToken)
	_, err := h.send(h.provider, h.escrowC, h.escrow.PackClaim(h.provider.addr))
	wantErr(t, err, lease.ErrNothingToClaim)
	_, err = h.send(h.provider, h.escrowC, h.escrow.PackClaim(common.Address{}))
	wantErr(t, err, lease.ErrReverted)
}
