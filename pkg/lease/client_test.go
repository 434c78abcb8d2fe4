package lease_test

// Tests of the client: what it checks before sending, what it approves, and
// how it reports failures.

import (
	"context"
	"errors"
	"math/big"
	"strings"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/accounts/abi/bind/v2"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"

	"github.com/tender-market/tender/pkg/auction"
	"github.com/tender-market/tender/pkg/lease"
)

func (h *harness) nonce(p party) uint64 {
	h.t.Helper()
	n, err := h.backend.PendingNonceAt(h.ctx, p.addr)
	if err != nil {
		h.t.Fatal(err)
	}
	return n
}

func (h *harness) allowance(p party) *big.Int {
	h.t.Helper()
	v, err := bind.Call(h.tokenC, &bind.CallOpts{Context: h.ctx}, h.token.PackAllowance(p.addr, h.escrowC.Address()), h.token.UnpackAllowance)
	if err != nil {
		h.t.Fatal(err)
	}
	return v
}

// TestOpenChecksFirst: every problem the client can see before sending is
// reported without a transaction.
func TestOpenChecksFirst(t *testing.T) {
	h := newHarness(t, plainToken)
	used := h.open(1, price, deposit)
	tests := []struct {
		name    string
		from    party
		change  func(o *auction.Order, sb *auction.SignedBid)
		deposit *big.Int
		want    error
		text    string
	}{
		{"sender is not the tenant", h.stranger, nil, deposit, lease.ErrNotAllowed, "is not the order's tenant"},
		{"bid names another order", h.tenant, func(o *auction.Order, sb *auction.SignedBid) {
			o.Nonce++
		}, deposit, lease.ErrWrongOrder, ""},
		{"price above max", h.tenant, func(o *auction.Order, sb *auction.SignedBid) {
			sb.Bid.PricePerHour = new(big.Int).Add(maxPrice, big.NewInt(1))
			*sb = h.sign(sb.Bid, h.provider.signer)
		}, deposit, lease.ErrPriceAboveMax, ""},
		{"signed by a stranger", h.tenant, func(o *auction.Order, sb *auction.SignedBid) {
			*sb = h.sign(sb.Bid, h.stranger.signer)
		}, deposit, lease.ErrBadSignature, "bid signed by " + h.stranger.addr.Hex() + ", lease names " + h.provider.addr.Hex()},
		{"deposit too small", h.tenant, nil, big.NewInt(59_999), lease.ErrDepositTooSmall, "need at least 60000 (60 seconds at 3600000 per hour)"},
		{"no deposit", h.tenant, nil, nil, lease.ErrDepositTooSmall, ""},
		{"deposit too large", h.tenant, nil, new(big.Int).Lsh(big.NewInt(1), 104), lease.ErrDepositTooLarge, ""},
		{"order expired", h.tenant, func(o *auction.Order, sb *auction.SignedBid) {
			o.Expiry = h.now()
			sb.Bid.OrderHash = h.domain.OrderHash(o)
			*sb = h.sign(sb.Bid, h.provider.signer)
		}, deposit, lease.ErrOrderExpired, ""},
		{"bid expired", h.tenant, func(o *auction.Order, sb *auction.SignedBid) {
			sb.Bid.Expiry = h.now()
			*sb = h.sign(sb.Bid, h.provider.signer)
		}, deposit, lease.ErrBidExpired, ""},
		{"bid used", h.tenant, func(o *auction.Order, sb *auction.SignedBid) {
			*o, *sb = used.order, used.bid
		}, deposit, lease.ErrLeaseExists, ""},
		{"balance too low", h.tenant, nil, new(big.Int).Add(mintEach, big.NewInt(1)), lease.ErrBalanceTooLow, ""},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := h.on(t)
			o := h.order(uint64(100 + i))
			sb := h.bid(&o, price, h.provider.signer)
			if tt.change != nil {
				tt.change(&o, &sb)
			}
			n := h.nonce(tt.from)
			_, _, err := h.client.Open(h.ctx, tt.from.auth, &o, &sb, tt.deposit)
			wantErr(t, err, tt.want)
			if !strings.Contains(err.Error(), tt.text) {
				t.Errorf("error %q does not say %q", err, tt.text)
			}
			if got := h.nonce(tt.from); got != n {
				t.Errorf("%d transactions sent, want none", got-n)
			}
		})
	}
}

func TestOpenApprovesOnlyWhatIsMissing(t *testing.T) {
	h := newHarness(t, plainToken)
	n := h.nonce(h.tenant)
	h.open(1, price, deposit)
	if got := h.nonce(h.tenant) - n; got != 2 {
		t.Errorf("first open sent %d transactions, want 2 (approve, openLease)", got)
	}
	if got := h.allowance(h.tenant); got.Sign() != 0 {
		t.Errorf("allowance left after open: %s, want 0 (approve exactly the deposit)", got)
	}
	h.approve(h.tenant, new(big.Int).Mul(deposit, big.NewInt(3)))
	n = h.nonce(h.tenant)
	h.open(2, price, deposit)
	if got := h.nonce(h.tenant) - n; got != 1 {
		t.Errorf("open with enough allowance sent %d transactions, want 1", got)
	}
}

func TestClientChecksLeaseCalls(t *testing.T) {
	h := newHarness(t, plainToken)
	late := h.open(1, price, deposit)
	h.advance(startWindow + 2*time.Second)
	open := h.open(2, price, deposit)
	running := h.open(3, price, deposit)
	h.start(running)
	other := open.terms
	other.MaxDuration++

	c := h.client
	tests := []struct {
		name string
		from party
		call func(auth *bind.TransactOpts) error
		want error
	}{
		{"start after the deadline", h.provider, func(a *bind.TransactOpts) error {
			_, err := c.Start(h.ctx, a, late.id, late.terms)
			return err
		}, lease.ErrStartDeadlinePassed},
		{"start by the tenant", h.tenant, func(a *bind.TransactOpts) error {
			_, err := c.Start(h.ctx, a, open.id, open.terms)
			return err
		}, lease.ErrNotAllowed},
		{"start a running lease", h.provider, func(a *bind.TransactOpts) error {
			_, err := c.Start(h.ctx, a, running.id, running.terms)
			return err
		}, lease.ErrIllegalTransition},
		{"start with other terms", h.provider, func(a *bind.TransactOpts) error {
			_, err := c.Start(h.ctx, a, open.id, other)
			return err
		}, lease.ErrTermsMismatch},
		{"start an unknown lease", h.provider, func(a *bind.TransactOpts) error {
			_, err := c.Start(h.ctx, a, common.HexToHash("0xabc"), open.terms)
			return err
		}, lease.ErrUnknownLease},
		{"withdraw from an open lease", h.provider, func(a *bind.TransactOpts) error {
			_, err := c.Withdraw(h.ctx, a, open.id, open.terms)
			return err
		}, lease.ErrIllegalTransition},
		{"reclaim before the deadline", h.tenant, func(a *bind.TransactOpts) error {
			_, err := c.Reclaim(h.ctx, a, open.id, open.terms)
			return err
		}, lease.ErrStartDeadlineNotPassed},
		{"reclaim a running lease", h.tenant, func(a *bind.TransactOpts) error {
			_, err := c.Reclaim(h.ctx, a, running.id, running.terms)
			return err
		}, lease.ErrIllegalTransition},
		{"close by a stranger", h.stranger, func(a *bind.TransactOpts) error {
			_, err := c.Close(h.ctx, a, open.id, open.terms, 0, common.Hash{})
			return err
		}, lease.ErrNotAllowed},
		{"close overdrawn too early", h.stranger, func(a *bind.TransactOpts) error {
			_, err := c.CloseOverdrawn(h.ctx, a, running.id, running.terms)
			return err
		}, lease.ErrNotOverdrawn},
		{"top up nothing", h.tenant, func(a *bind.TransactOpts) error {
			_, err := c.TopUp(h.ctx, a, open.id, open.terms, new(big.Int))
			return err
		}, lease.ErrZeroAmount},
		{"top up beyond the balance", h.tenant, func(a *bind.TransactOpts) error {
			_, err := c.TopUp(h.ctx, a, open.id, open.terms, new(big.Int).Mul(mintEach, big.NewInt(2)))
			return err
		}, lease.ErrBalanceTooLow},
		{"claim nothing", h.provider, func(a *bind.TransactOpts) error {
			_, err := c.Claim(h.ctx, a, h.provider.addr)
			return err
		}, lease.ErrNothingToClaim},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := h.on(t)
			n := h.nonce(tt.from)
			wantErr(t, tt.call(tt.from.auth), tt.want)
			if got := h.nonce(tt.from); got != n {
				t.Errorf("%d transactions sent, want none", got-n)
			}
		})
	}
}

// lateBlock is a backend on which the block a transaction lands in comes
// later than the next one: the chain seals an empty block a few seconds on
// first, as a busy chain may.
type lateBlock struct {
	committer
	h *harness
}

func (b lateBlock) SendTransaction(ctx context.Context, tx *types.Transaction) error {
	b.h.advance(3 * time.Second)
	return b.committer.SendTransaction(ctx, tx)
}

// TestRevertOnChainIsExplained sends a start that passes the checks (the
// next block would be the deadline's own) and the gas estimate on the
// latest block but reverts in the later block it lands in, and expects the
// reason back.
func TestRevertOnChainIsExplained(t *testing.T) {
	h := newHarness(t, plainToken)
	l := h.open(1, price, deposit)
	h.advance(startWindow - time.Second) // the next block is stamped on the deadline
	c, err := lease.New(h.ctx, lateBlock{committer: h.backend, h: h}, h.escrowC.Address(), nil)
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.Start(h.ctx, h.provider.auth, l.id, l.terms)
	wantErr(t, err, lease.ErrStartDeadlinePassed)
	if !strings.Contains(err.Error(), "reverted") {
		t.Errorf("error %q does not say the transaction reverted on chain", err)
	}
	if got := h.lease(l.id).State; got != lease.StateOpen {
		t.Errorf("state %s, want open", got)
	}
}

func TestAccruedAndEvents(t *testing.T) {
	h := newHarness(t, plainToken)
	l := h.open(1, price, deposit)
	evs := l.receipt.Events
	if len(evs) != 1 || evs[0].Kind != lease.EventOpened || evs[0].LeaseID != l.id {
		t.Fatalf("events of openLease: %+v, want one LeaseOpened", evs)
	}
	if got, ok := evs[0].Terms(); !ok || got.Hash() != l.terms.Hash() {
		t.Errorf("LeaseOpened terms %+v, want %+v", got, l.terms)
	}
	started := h.start(l)
	h.advance(7 * time.Minute)
	got, over, err := h.client.Accrued(h.ctx, l.id, l.terms)
	if err != nil {
		t.Fatal(err)
	}
	want, wantOver := l.terms.Earned(deposit, started, h.now())
	if got.Cmp(want) != 0 || over != wantOver {
		t.Errorf("Accrued = %s, %v; want %s, %v", got, over, want, wantOver)
	}
	other := l.terms
	other.Tenant = h.stranger.addr
	if _, _, err := h.client.Accrued(h.ctx, l.id, other); !errors.Is(err, lease.ErrTermsMismatch) {
		t.Errorf("Accrued with other terms: %v, want ErrTermsMismatch", err)
	}
}
