package lease_test

import (
	"math/big"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/accounts/abi/bind/v2"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/tender-market/tender/pkg/auction"
	"github.com/tender-market/tender/pkg/devchain"
	"github.com/tender-market/tender/pkg/lease"
)

// awardWindow is how long the tests' awards stay valid.
const awardWindow = 5 * time.Minute

// freshTenant is a new account that holds mintEach tokens and no ETH.
func (h *harness) freshTenant() party {
	h.t.Helper()
	key, err := crypto.GenerateKey()
	if err != nil {
		h.t.Fatal(err)
	}
	p := newParty(h.t, key, big.NewInt(devchain.ChainID))
	h.mustSend(h.deployer, h.tokenC, h.token.PackMint(p.addr, mintEach))
	return p
}

// awardedBid is an order of tenant with the provider's bid on it at price.
func (h *harness) awardedBid(tenant party, nonce uint64) (auction.Order, auction.SignedBid) {
	h.t.Helper()
	o := h.order(nonce)
	o.Tenant = tenant.addr
	return o, h.bid(&o, price, h.provider.signer)
}

// award is tenant's award of sb with dep, through the client.
func (h *harness) award(tenant party, o *auction.Order, sb *auction.SignedBid, dep *big.Int) auction.SignedAward {
	h.t.Helper()
	sa, err := h.client.Award(h.ctx, tenant.signer, o, sb, dep, h.now()+uint64(awardWindow/time.Second))
	if err != nil {
		h.t.Fatal(err)
	}
	return sa
}

// awardData packs openAwarded without the client's checks.
func (h *harness) awardData(o *auction.Order, b *auction.Bid, sa *auction.SignedAward) []byte {
	return h.escrow.PackOpenAwarded(lease.OrderArgs(o), lease.BidArgs(b), sa.Award.Deposit, sa.Award.Deadline, sa.Signature[:], lease.PermitArgs(sa.Permit, sa.Award.Deposit))
}

func (h *harness) ethBalance(a common.Address) *big.Int {
	h.t.Helper()
	v, err := h.backend.BalanceAt(h.ctx, a, nil)
	if err != nil {
		h.t.Fatal(err)
	}
	return v
}

// TestOpenAwardedZeroETH: a tenant that holds tokens and no ETH awards
// its lease (award and permit, both signatures); the winner opens and
// starts it in one transaction and later closes it; the tenant pays
// exactly the seconds run and never needs ETH.
func TestOpenAwardedZeroETH(t *testing.T) {
	h := newHarness(t, plainToken)
	tenant := h.freshTenant()
	o, sb := h.awardedBid(tenant, 1)
	sa := h.award(tenant, &o, &sb, deposit)
	if sa.Permit == nil {
		t.Fatal("the test token takes permits, but the award carries none")
	}
	if err := h.client.CheckAward(h.ctx, h.provider.addr, &o, &sb.Bid, &sa); err != nil {
		t.Fatalf("check award: %v", err)
	}
	id, r, err := h.client.OpenAwarded(h.ctx, h.provider.auth, &o, &sb.Bid, &sa)
	if err != nil {
		t.Fatal(err)
	}
	if id != h.domain.BidHash(&sb.Bid) {
		t.Errorf("lease ID %s, want the bid's digest", id.Hex())
	}
	opened, ok := lease.Find[*lease.Opened](r.Events)
	if !ok || opened.Tenant != tenant.addr || opened.Deposit.Cmp(deposit) != 0 {
		t.Fatalf("LeaseOpened %+v, want the tenant's with the deposit", opened)
	}
	started, ok := lease.Find[*lease.Started](r.Events)
	if !ok || started.StartedAt != h.blockTime(r.Receipt) {
		t.Fatalf("Started %+v, want it at the opening block's time %d", started, h.blockTime(r.Receipt))
	}
	l := h.lease(id)
	if l.State != lease.StateRunning || l.Since != started.StartedAt {
		t.Fatalf("lease %s since %d, want running since %d", l.State, l.Since, started.StartedAt)
	}
	wantAmount(t, "tenant's tokens after the open", h.balance(tenant.addr), diff(deposit, mintEach))

	h.advance(10 * time.Minute)
	terms := lease.NewTerms(&o, &sb.Bid)
	before := h.balance(h.provider.addr)
	cr, err := h.client.Close(h.ctx, h.provider.auth, id, terms, 0, common.HexToHash("0x5e5"))
	if err != nil {
		t.Fatal(err)
	}
	ran := h.blockTime(cr.Receipt) - started.StartedAt
	wantAmount(t, "provider's pay", diff(before, h.balance(h.provider.addr)), earned(price, ran))
	wantAmount(t, "tenant's tokens after the close", h.balance(tenant.addr), diff(earned(price, ran), mintEach))
	if eth := h.ethBalance(tenant.addr); eth.Sign() != 0 {
		t.Errorf("the tenant holds %s wei, want none ever", eth)
	}
}

// TestAttackAwards: what a provider, a stranger or a front-runner can do
// with an award they hold or see. None opens a lease the tenant did not
// award, takes more than it permitted, or opens one twice.
func TestAttackAwards(t *testing.T) {
	h := newHarness(t, plainToken)
	tenant := h.freshTenant()
	nonce := uint64(100)
	next := func() (auction.Order, auction.SignedBid) { nonce++; return h.awardedBid(tenant, nonce) }

	t.Run("forged award", func(t *testing.T) {
		h := h.on(t)
		o, sb := next()
		forged := h.award(tenant, &o, &sb, deposit)
		sig, err := h.stranger.signer.SignHash(h.domain.AwardHash(&forged.Award))
		if err != nil {
			t.Fatal(err)
		}
		forged.Signature = sig
		wantErr(t, h.client.CheckAward(h.ctx, h.provider.addr, &o, &sb.Bid, &forged), lease.ErrNotAwarded)
		_, err = h.send(h.provider, h.escrowC, h.awardData(&o, &sb.Bid, &forged))
		wantErr(t, err, lease.ErrNotAwarded)
	})
	t.Run("deposit raised by the provider", func(t *testing.T) {
		h := h.on(t)
		o, sb := next()
		sa := h.award(tenant, &o, &sb, deposit)
		sa.Award.Deposit = new(big.Int).Mul(deposit, big.NewInt(10))
		wantErr(t, h.client.CheckAward(h.ctx, h.provider.addr, &o, &sb.Bid, &sa), lease.ErrNotAwarded)
		_, err := h.send(h.provider, h.escrowC, h.awardData(&o, &sb.Bid, &sa))
		wantErr(t, err, lease.ErrNotAwarded)
		wantAmount(t, "tenant's tokens", h.balance(tenant.addr), mintEach)
	})
	t.Run("award for another bid", func(t *testing.T) {
		h := h.on(t)
		o, sb := next()
		sa := h.award(tenant, &o, &sb, deposit)
		other := sb.Bid
		other.PricePerHour = maxPrice // the same provider, a dearer bid
		wantErr(t, h.client.CheckAward(h.ctx, h.provider.addr, &o, &other, &sa), lease.ErrNotAwarded)
		_, err := h.send(h.provider, h.escrowC, h.awardData(&o, &other, &sa))
		wantErr(t, err, lease.ErrNotAwarded)
	})
	t.Run("opened by a stranger", func(t *testing.T) {
		h := h.on(t)
		o, sb := next()
		sa := h.award(tenant, &o, &sb, deposit)
		wantErr(t, h.client.CheckAward(h.ctx, h.stranger.addr, &o, &sb.Bid, &sa), lease.ErrNotAllowed)
		_, err := h.send(h.stranger, h.escrowC, h.awardData(&o, &sb.Bid, &sa))
		wantErr(t, err, lease.ErrNotAllowed)
	})
	t.Run("replayed", func(t *testing.T) {
		h := h.on(t)
		o, sb := next()
		sa := h.award(tenant, &o, &sb, deposit)
		if _, _, err := h.client.OpenAwarded(h.ctx, h.provider.auth, &o, &sb.Bid, &sa); err != nil {
			t.Fatal(err)
		}
		before := h.balance(tenant.addr)
		_, _, err := h.client.OpenAwarded(h.ctx, h.provider.auth, &o, &sb.Bid, &sa)
		wantErr(t, err, lease.ErrLeaseExists)
		_, err = h.send(h.provider, h.escrowC, h.awardData(&o, &sb.Bid, &sa))
		wantErr(t, err, lease.ErrLeaseExists)
		wantAmount(t, "tenant's tokens", h.balance(tenant.addr), before)
	})
	t.Run("front-run permit", func(t *testing.T) {
		h := h.on(t)
		o, sb := next()
		sa := h.award(tenant, &o, &sb, deposit)
		// A watcher of the pool submits the permit first: the open
		// still goes through on the allowance it set.
		p := lease.PermitArgs(sa.Permit, sa.Award.Deposit)
		h.mustSend(h.stranger, h.tokenC, h.token.PackPermit(tenant.addr, h.escrowC.Address(), deposit, p.Deadline, p.V, p.R, p.S))
		before := h.balance(tenant.addr)
		if _, _, err := h.client.OpenAwarded(h.ctx, h.provider.auth, &o, &sb.Bid, &sa); err != nil {
			t.Fatalf("open after the permit was front-run: %v", err)
		}
		wantAmount(t, "tenant's tokens", diff(h.balance(tenant.addr), before), deposit)
	})
	t.Run("permit for less than the deposit", func(t *testing.T) {
		h := h.on(t)
		o, sb := next()
		sa := h.award(tenant, &o, &sb, deposit)
		small := h.award(tenant, &o, &sb, lease.Terms{PricePerHour: price, MaxDuration: 3600}.MinimumDeposit(h.client.MinDuration()))
		sa.Permit = small.Permit
		wantErr(t, h.client.CheckAward(h.ctx, h.provider.addr, &o, &sb.Bid, &sa), lease.ErrAllowanceTooLow)
		_, err := h.send(h.provider, h.escrowC, h.awardData(&o, &sb.Bid, &sa))
		wantErr(t, err, lease.ErrAllowanceTooLow)
	})
	t.Run("expired", func(t *testing.T) {
		h := h.on(t)
		o, sb := next()
		sa := h.award(tenant, &o, &sb, deposit)
		h.advance(awardWindow + time.Second)
		_, _, err := h.client.OpenAwarded(h.ctx, h.provider.auth, &o, &sb.Bid, &sa)
		wantErr(t, err, lease.ErrAwardExpired)
		_, err = h.send(h.provider, h.escrowC, h.awardData(&o, &sb.Bid, &sa))
		wantErr(t, err, lease.ErrAwardExpired)
	})
	if eth := h.ethBalance(tenant.addr); eth.Sign() != 0 {
		t.Errorf("the tenant holds %s wei, want none ever", eth)
	}
}

// TestAwardWithoutPermit: with a token that takes no permits an award
// needs the escrow's allowance to cover the deposit, and says so when it
// does not; with it, the winner opens as with a permit.
func TestAwardWithoutPermit(t *testing.T) {
	h := newHarness(t, falseToken)
	o, sb := h.awardedBid(h.tenant, 1)
	_, err := h.client.Award(h.ctx, h.tenant.signer, &o, &sb, deposit, h.now()+60)
	wantErr(t, err, lease.ErrNoPermit)

	h.approve(h.tenant, deposit)
	sa := h.award(h.tenant, &o, &sb, deposit)
	if sa.Permit != nil {
		t.Fatal("an award carries a permit for a token that takes none")
	}
	id, _, err := h.client.OpenAwarded(h.ctx, h.provider.auth, &o, &sb.Bid, &sa)
	if err != nil {
		t.Fatal(err)
	}
	if l := h.lease(id); l.State != lease.StateRunning || l.Deposit.Cmp(deposit) != 0 {
		t.Fatalf("lease %s with %s, want running with %s", l.State, l.Deposit, deposit)
	}
	allowed, err := bind.Call(h.tokenC, nil, h.token.PackAllowance(h.tenant.addr, h.escrowC.Address()), h.token.UnpackAllowance)
	if err != nil || allowed.Sign() != 0 {
		t.Fatalf("allowance after the open %v (%v), want 0", allowed, err)
	}
}
