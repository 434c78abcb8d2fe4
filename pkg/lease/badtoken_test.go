package lease_test

// The escrow against tokens that misbehave: one that calls back into the
// escrow in the middle of a transfer, one that refuses transfers by returning
// false, one that burns all the gas it gets.

import (
	"bytes"
	"math/big"
	"strings"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/accounts/abi/bind/v2"
	"github.com/ethereum/go-ethereum/common"

	"github.com/tender-market/tender/pkg/lease"
	"github.com/tender-market/tender/pkg/lease/escrow"
	"github.com/tender-market/tender/pkg/lease/internal/testtokens"
)

// attack is what the reentrant token did during the last transfer.
type attack struct {
	attempted, succeeded bool
	result               []byte
}

func (h *harness) arm(payload []byte) {
	h.t.Helper()
	rt := testtokens.NewReentrantToken()
	h.mustSend(h.deployer, rt.Instance(h.backend, h.tokenAdr), rt.PackArm(h.escrowC.Address(), payload))
}

func (h *harness) lastAttack() attack {
	h.t.Helper()
	rt := testtokens.NewReentrantToken()
	c := rt.Instance(h.backend, h.tokenAdr)
	opts := &bind.CallOpts{Context: h.ctx}
	var a attack
	var err error
	if a.attempted, err = bind.Call(c, opts, rt.PackAttempted(), rt.UnpackAttempted); err != nil {
		h.t.Fatal(err)
	}
	if a.succeeded, err = bind.Call(c, opts, rt.PackSucceeded(), rt.UnpackSucceeded); err != nil {
		h.t.Fatal(err)
	}
	if a.result, err = bind.Call(c, opts, rt.PackResult(), rt.UnpackResult); err != nil {
		h.t.Fatal(err)
	}
	return a
}

// TestReentrantToken has the token call back into the escrow during every
// token movement the escrow makes. Each callback must be refused by the
// reentrancy guard, and the outer call must move exactly what it should.
func TestReentrantToken(t *testing.T) {
	h := newHarness(t, reentrantToken)
	reentered := escrow.EscrowReentrancyGuardReentrantCallErrorID().Bytes()[:4]

	victim := h.open(1, price, deposit)
	h.start(victim)
	h.advance(30 * time.Minute) // half its deposit spent
	victimArgs := victim.terms.Args()

	// run arms the token with payload right before the call outer makes
	// (outer calls arm), and checks that the callback was refused.
	run := func(name string, payload []byte, outer func(t *testing.T, h *harness, arm func([]byte))) {
		t.Run(name, func(t *testing.T) {
			h := h.on(t)
			outer(t, h, func(p []byte) {
				if p == nil {
					p = payload
				}
				h.arm(p)
			})
			a := h.lastAttack()
			if !a.attempted {
				t.Fatal("the token never called back")
			}
			if a.succeeded || !bytes.Equal(a.result[:min(4, len(a.result))], reentered) {
				t.Fatalf("callback succeeded=%v with %x, want a ReentrancyGuardReentrantCall revert (%x)", a.succeeded, a.result, reentered)
			}
		})
	}

	run("withdraw during withdraw", h.escrow.PackWithdraw(victim.id, victimArgs), func(t *testing.T, h *harness, arm func([]byte)) {
		l := h.open(2, price, deposit)
		started := h.start(l)
		h.advance(10 * time.Minute)
		before := h.snapshot()
		arm(nil)
		r := h.mustSend(h.provider, h.escrowC, h.escrow.PackWithdraw(l.id, l.terms.Args()))
		pay := earned(price, h.blockTime(r)-started)
		h.wantMoved(t, before, map[common.Address]*big.Int{h.provider.addr: pay, h.escrowC.Address(): neg(pay)})
	})
	run("closeOverdrawn during close", h.escrow.PackCloseOverdrawn(victim.id, victimArgs), func(t *testing.T, h *harness, arm func([]byte)) {
		l := h.open(3, price, deposit)
		before := h.snapshot()
		arm(nil)
		h.mustSend(h.tenant, h.escrowC, h.escrow.PackClose(l.id, l.terms.Args(), -1, common.Hash{}, untilNow))
		h.wantMoved(t, before, map[common.Address]*big.Int{h.tenant.addr: deposit, h.escrowC.Address(): neg(deposit)})
	})
	run("close during topUp", h.escrow.PackClose(victim.id, victimArgs, 0, common.Hash{}, untilNow), func(t *testing.T, h *harness, arm func([]byte)) {
		h.approve(h.tenant, deposit)
		before := h.snapshot()
		arm(nil)
		h.mustSend(h.tenant, h.escrowC, h.escrow.PackTopUp(victim.id, victimArgs, deposit))
		h.wantMoved(t, before, map[common.Address]*big.Int{h.tenant.addr: neg(deposit), h.escrowC.Address(): deposit})
	})
	run("openLease during openLease", nil, func(t *testing.T, h *harness, arm func([]byte)) {
		o := h.order(50)
		sb := h.bid(&o, price, h.provider.signer)
		reopen := h.openData(&o, &sb, deposit)
		h.approve(h.tenant, new(big.Int).Mul(deposit, big.NewInt(2)))
		before := h.snapshot()
		arm(reopen)
		h.mustSend(h.tenant, h.escrowC, reopen)
		h.wantMoved(t, before, map[common.Address]*big.Int{h.tenant.addr: neg(deposit), h.escrowC.Address(): deposit})
	})
	run("withdraw during reclaim", h.escrow.PackWithdraw(victim.id, victimArgs), func(t *testing.T, h *harness, arm func([]byte)) {
		l := h.open(4, price, deposit)
		h.advance(startWindow + 2*time.Second)
		before := h.snapshot()
		arm(nil)
		h.mustSend(h.tenant, h.escrowC, h.escrow.PackReclaim(l.id, l.terms.Args()))
		h.wantMoved(t, before, map[common.Address]*big.Int{h.tenant.addr: deposit, h.escrowC.Address(): neg(deposit)})
	})

	// What a callback reads mid-close is the settled lease: the escrow
	// writes its state before it moves tokens.
	t.Run("getLease during close sees the settled lease", func(t *testing.T) {
		h := h.on(t)
		l := h.open(5, price, deposit)
		h.arm(h.escrow.PackGetLease(l.id))
		h.mustSend(h.tenant, h.escrowC, h.escrow.PackClose(l.id, l.terms.Args(), -1, common.Hash{}, untilNow))
		a := h.lastAttack()
		if !a.attempted || !a.succeeded {
			t.Fatalf("callback attempted=%v succeeded=%v, want a successful read", a.attempted, a.succeeded)
		}
		seen, err := h.escrow.UnpackGetLease(a.result)
		if err != nil {
			t.Fatal(err)
		}
		if lease.State(seen.State) != lease.StateClosed {
			t.Errorf("mid-transfer the lease was %s, want closed", lease.State(seen.State))
		}
	})
}

func (h *harness) refuse(a common.Address, on bool) {
	h.t.Helper()
	ft := testtokens.NewFalseToken()
	h.mustSend(h.deployer, ft.Instance(h.backend, h.tokenAdr), ft.PackSetRefused(a, on))
}

func (h *harness) owed(a common.Address) *big.Int {
	h.t.Helper()
	v, err := h.client.Owed(h.ctx, a)
	if err != nil {
		h.t.Fatal(err)
	}
	return v
}

// TestFalseToken has the token return false instead of moving tokens for
// refused accounts (as a blocklisting stablecoin might). Pulls must fail;
// a refused payout must wait in owed for its owner to claim, never block the
// other party's money.
func TestFalseToken(t *testing.T) {
	t.Run("openLease from a refused tenant", func(t *testing.T) {
		h := newHarness(t, falseToken)
		o := h.order(1)
		sb := h.bid(&o, price, h.provider.signer)
		h.approve(h.tenant, deposit)
		h.refuse(h.tenant.addr, true)
		before := h.snapshot()
		_, err := h.send(h.tenant, h.escrowC, h.openData(&o, &sb, deposit))
		wantErr(t, err, lease.ErrTokenTransfer)
		h.wantMoved(t, before, nil)
		if st := h.lease(h.domain.BidHash(&sb.Bid)).State; st != lease.StateNone {
			t.Errorf("lease state %s after a refused pull, want none", st)
		}
	})
	t.Run("topUp from a refused tenant", func(t *testing.T) {
		h := newHarness(t, falseToken)
		l := h.open(1, price, deposit)
		h.approve(h.tenant, deposit)
		h.refuse(h.tenant.addr, true)
		_, err := h.send(h.tenant, h.escrowC, h.escrow.PackTopUp(l.id, l.terms.Args(), deposit))
		wantErr(t, err, lease.ErrTokenTransfer)
		wantAmount(t, "deposit", h.lease(l.id).Deposit, deposit)
	})
	t.Run("close pays the tenant when the provider is refused", func(t *testing.T) {
		h := newHarness(t, falseToken)
		l := h.open(1, price, deposit)
		started := h.start(l)
		h.advance(10 * time.Minute)
		h.refuse(h.provider.addr, true)
		before := h.snapshot()
		r := h.mustSend(h.tenant, h.escrowC, h.escrow.PackClose(l.id, l.terms.Args(), -1, common.Hash{}, untilNow))
		pay := earned(price, h.blockTime(r)-started)
		refund := diff(pay, deposit)
		h.wantMoved(t, before, map[common.Address]*big.Int{h.tenant.addr: refund, h.escrowC.Address(): neg(refund)})
		wantAmount(t, "owed to the provider", h.owed(h.provider.addr), pay)
		ev := payloadOf[*lease.PaymentDeferred](t, h, r)
		if ev.Account != h.provider.addr || ev.Amount.Cmp(pay) != 0 {
			t.Errorf("PaymentDeferred = %+v, want %s to the provider", ev, pay)
		}

		// Claiming to the refused address fails and keeps the debt; to
		// another address it pays.
		_, err := h.send(h.provider, h.escrowC, h.escrow.PackClaim(h.provider.addr))
		wantErr(t, err, lease.ErrTokenTransfer)
		wantAmount(t, "owed after a refused claim", h.owed(h.provider.addr), pay)
		before = h.snapshot()
		c := h.mustSend(h.provider, h.escrowC, h.escrow.PackClaim(h.stranger.addr))
		h.wantMoved(t, before, map[common.Address]*big.Int{h.stranger.addr: pay, h.escrowC.Address(): neg(pay)})
		cl := payloadOf[*lease.Claimed](t, h, c)
		if cl.Account != h.provider.addr || cl.To != h.stranger.addr || cl.Amount.Cmp(pay) != 0 {
			t.Errorf("Claimed = %+v, want %s from the provider to the stranger", cl, pay)
		}
		wantAmount(t, "owed after the claim", h.owed(h.provider.addr), new(big.Int))
		_, err = h.send(h.provider, h.escrowC, h.escrow.PackClaim(h.stranger.addr))
		wantErr(t, err, lease.ErrNothingToClaim)
	})
	t.Run("close pays the provider when the tenant is refused", func(t *testing.T) {
		h := newHarness(t, falseToken)
		l := h.open(1, price, deposit)
		started := h.start(l)
		h.advance(10 * time.Minute)
		h.refuse(h.tenant.addr, true)
		before := h.snapshot()
		r := h.mustSend(h.provider, h.escrowC, h.escrow.PackClose(l.id, l.terms.Args(), 0, common.Hash{}, untilNow))
		pay := earned(price, h.blockTime(r)-started)
		h.wantMoved(t, before, map[common.Address]*big.Int{h.provider.addr: pay, h.escrowC.Address(): neg(pay)})
		wantAmount(t, "owed to the tenant", h.owed(h.tenant.addr), diff(pay, deposit))
		wantAmount(t, "escrow balance", h.balance(h.escrowC.Address()), diff(pay, deposit))
	})
	t.Run("withdraw to a refused provider waits in owed", func(t *testing.T) {
		h := newHarness(t, falseToken)
		l := h.open(1, price, deposit)
		started := h.start(l)
		h.advance(10 * time.Minute)
		h.refuse(h.provider.addr, true)
		r := h.mustSend(h.provider, h.escrowC, h.escrow.PackWithdraw(l.id, l.terms.Args()))
		wantAmount(t, "owed", h.owed(h.provider.addr), earned(price, h.blockTime(r)-started))
	})
	t.Run("a transfer starved of gas fails the call", func(t *testing.T) {
		h := newHarness(t, falseToken)
		l := h.open(1, price, deposit)
		ft := testtokens.NewFalseToken()
		h.mustSend(h.deployer, ft.Instance(h.backend, h.tokenAdr), ft.PackSetExhaust(true))
		before := h.snapshot()
		_, err := h.send(h.tenant, h.escrowC, h.escrow.PackClose(l.id, l.terms.Args(), -1, common.Hash{}, untilNow))
		wantErr(t, err, lease.ErrTokenTransfer)
		if !strings.Contains(err.Error(), "ran out of gas") {
			t.Errorf("error %q, want the escrow's TransferOutOfGas", err)
		}
		h.wantMoved(t, before, nil)
		if got := h.lease(l.id).State; got != lease.StateOpen {
			t.Errorf("state %s, want still open", got)
		}
		wantAmount(t, "owed", h.owed(h.tenant.addr), new(big.Int))
	})
}
