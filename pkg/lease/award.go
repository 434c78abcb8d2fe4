package lease

import (
	"context"
	"errors"
	"fmt"
	"math/big"

	"github.com/ethereum/go-ethereum"
	"github.com/ethereum/go-ethereum/accounts/abi/bind/v2"
	"github.com/ethereum/go-ethereum/common"

	"github.com/tender-market/tender/pkg/auction"
	"github.com/tender-market/tender/pkg/lease/escrow"
)

// A relayed open: the tenant signs an award of its lease to the winning bid
// (and, for a token with EIP-2612, a permit for the deposit) and hands it
// to the winner, which opens and starts the lease in one transaction
// (openAwarded) and pays its gas. The tenant needs tokens, and no ETH.

// Errors of relayed opens.
var (
	// ErrAwardExpired: the award's deadline has passed; its winner can no
	// longer open the lease with it.
	ErrAwardExpired = errors.New("award expired")
	// ErrNotAwarded: the award was not signed by the order's tenant, or
	// it names another bid.
	ErrNotAwarded = errors.New("not awarded by the order's tenant")
	// ErrNoPermit: the token takes no EIP-2612 permits, and the escrow's
	// allowance does not cover the deposit: the tenant must approve it
	// (which needs ETH for gas), or open the lease itself.
	ErrNoPermit = errors.New("the token takes no EIP-2612 permits and the escrow's allowance does not cover the deposit")
)

// Award signs, as the order's tenant (s), the award of its lease to bid
// with deposit, for the bid's provider to open until deadline (unix
// seconds, chain time), with a permit for the deposit when the token takes
// them (valid until the same deadline). It checks first what the escrow
// will (see Open), and, when the token takes no permits, that the
// escrow's allowance already covers the deposit.
func (c *Client) Award(ctx context.Context, s auction.Signer, order *auction.Order, bid *auction.SignedBid, deposit *big.Int, deadline uint64) (auction.SignedAward, error) {
	return c.award(ctx, s, order, bid, deposit, deadline, nil)
}

// AwardUnderPermit is Award with permit, which the tenant signed for
// several awards at once (SignPermit for the sum of their deposits: a
// verified order's replicas); it must let the escrow take at least the
// deposit.
func (c *Client) AwardUnderPermit(ctx context.Context, s auction.Signer, order *auction.Order, bid *auction.SignedBid, deposit *big.Int, deadline uint64, permit auction.Permit) (auction.SignedAward, error) {
	return c.award(ctx, s, order, bid, deposit, deadline, &permit)
}

func (c *Client) award(ctx context.Context, s auction.Signer, order *auction.Order, bid *auction.SignedBid, deposit *big.Int, deadline uint64, shared *auction.Permit) (auction.SignedAward, error) {
	id := c.domain.BidHash(&bid.Bid)
	if shared != nil && (shared.Value == nil || shared.Value.Cmp(deposit) < 0) {
		return auction.SignedAward{}, fmt.Errorf("award lease %s: the permit lets the escrow take %v, the deposit is %s", id.Hex(), shared.Value, deposit)
	}
	if err := c.checkOpen(ctx, s.Address(), order, bid, deposit, id); err != nil {
		return auction.SignedAward{}, fmt.Errorf("award lease %s: %w", id.Hex(), err)
	}
	sa, err := c.domain.SignAward(auction.Award{Bid: id, Deposit: new(big.Int).Set(deposit), Deadline: deadline}, order.Tenant, s)
	if err != nil {
		return auction.SignedAward{}, fmt.Errorf("award lease %s: %w", id.Hex(), err)
	}
	if shared != nil {
		sa.Permit = shared
		return sa, nil
	}
	permit, err := c.SignPermit(ctx, s, deposit, deadline)
	switch {
	case err == nil:
		sa.Permit = &permit
	case errors.Is(err, ErrNoPermit):
		allowed, aerr := c.allowance(ctx, order.Tenant)
		if aerr != nil {
			return auction.SignedAward{}, fmt.Errorf("award lease %s: %w", id.Hex(), aerr)
		}
		if allowed.Cmp(deposit) < 0 {
			return auction.SignedAward{}, fmt.Errorf("award lease %s: %w: it is %s, the deposit %s (approve the escrow, or open the lease yourself)", id.Hex(), ErrNoPermit, allowed, deposit)
		}
	default:
		return auction.SignedAward{}, fmt.Errorf("award lease %s: %w", id.Hex(), err)
	}
	return sa, nil
}

// SignPermit signs, as s, an EIP-2612 permit for the escrow to take value
// of s's tokens until deadline, with the token's current permit nonce for
// s; ErrNoPermit when the token takes no permits.
func (c *Client) SignPermit(ctx context.Context, s auction.Signer, value *big.Int, deadline uint64) (auction.Permit, error) {
	opts := &bind.CallOpts{Context: ctx}
	sep, err := bind.Call(c.token, opts, c.tokenABI.PackDOMAINSEPARATOR(), c.tokenABI.UnpackDOMAINSEPARATOR)
	if err != nil {
		return auction.Permit{}, fmt.Errorf("%w: token %s has no DOMAIN_SEPARATOR (%v)", ErrNoPermit, c.token.Address().Hex(), err)
	}
	nonce, err := bind.Call(c.token, opts, c.tokenABI.PackNonces(s.Address()), c.tokenABI.UnpackNonces)
	if err != nil {
		return auction.Permit{}, fmt.Errorf("%w: token %s has no permit nonces (%v)", ErrNoPermit, c.token.Address().Hex(), err)
	}
	digest := auction.TokenDomain(sep).PermitHash(s.Address(), c.address, value, nonce, deadline)
	sig, err := s.SignHash(digest)
	if err != nil {
		return auction.Permit{}, fmt.Errorf("sign permit: %w", err)
	}
	return auction.Permit{Value: new(big.Int).Set(value), Deadline: deadline, Signature: sig}, nil
}

// allowance is what the escrow may take from owner's tokens.
func (c *Client) allowance(ctx context.Context, owner common.Address) (*big.Int, error) {
	v, err := bind.Call(c.token, &bind.CallOpts{Context: ctx}, c.tokenABI.PackAllowance(owner, c.address), c.tokenABI.UnpackAllowance)
	if err != nil {
		return nil, fmt.Errorf("read allowance: %w", err)
	}
	return v, nil
}

// CheckAward tells whether provider may open (and start) the lease of bid
// with award now: everything OpenAwarded checks before it sends, and then
// the transaction itself, run on the latest block without being sent (the
// permit, the tenant's balance). It costs no gas: a provider checks an
// award when it arrives, before it spends anything on the job.
func (c *Client) CheckAward(ctx context.Context, provider common.Address, order *auction.Order, bid *auction.Bid, award *auction.SignedAward) error {
	id, data, err := c.awarded(ctx, provider, order, bid, award)
	if err != nil {
		return err
	}
	to := c.address
	if _, err := c.backend.CallContract(ctx, ethereum.CallMsg{From: provider, To: &to, Data: data}, nil); err != nil {
		return fmt.Errorf("open awarded lease %s: %w", id.Hex(), c.errs.explain(err))
	}
	return nil
}

// OpenAwarded opens the lease of bid its tenant awarded, as the bid's
// provider (auth.From), and starts it: billing runs from the block that
// includes it, so send it once the job is ready to run. The provider pays
// the gas. It returns the lease ID and the receipt, whose events hold the
// lease's LeaseOpened and Started.
func (c *Client) OpenAwarded(ctx context.Context, auth *bind.TransactOpts, order *auction.Order, bid *auction.Bid, award *auction.SignedAward) (common.Hash, *Receipt, error) {
	id, data, err := c.awarded(ctx, auth.From, order, bid, award)
	if err != nil {
		return common.Hash{}, nil, err
	}
	r, err := c.transact(ctx, auth, "open awarded lease", id, data, 0)
	return id, r, err
}

// awarded checks an award as OpenAwarded sends it and returns the lease
// ID and the transaction's data.
func (c *Client) awarded(ctx context.Context, provider common.Address, order *auction.Order, bid *auction.Bid, sa *auction.SignedAward) (common.Hash, []byte, error) {
	id := c.domain.BidHash(bid)
	fail := func(err error) (common.Hash, []byte, error) {
		return id, nil, fmt.Errorf("open awarded lease %s: %w", id.Hex(), err)
	}
	if provider != bid.Provider {
		return fail(fmt.Errorf("%w: sender %s is not the bid's provider %s", ErrNotAllowed, provider.Hex(), bid.Provider.Hex()))
	}
	a := &sa.Award
	if a.Bid != id {
		return fail(fmt.Errorf("%w: the award names bid %s", ErrNotAwarded, a.Bid.Hex()))
	}
	if err := c.domain.VerifyAward(sa, order.Tenant); err != nil {
		return fail(fmt.Errorf("%w: %v", ErrNotAwarded, err))
	}
	now, err := c.NextBlockTime(ctx)
	if err != nil {
		return fail(err)
	}
	if now > a.Deadline {
		return fail(fmt.Errorf("%w at unix %d (the next block is stamped %d or later)", ErrAwardExpired, a.Deadline, now))
	}
	if err := c.checkTerms(ctx, order, bid, a.Deposit, id); err != nil {
		return fail(err)
	}
	if p := sa.Permit; p != nil && p.Signature[64] == 0 {
		return fail(fmt.Errorf("%w: the permit's v is 0", ErrNotAwarded))
	}
	if p := sa.Permit; p != nil && p.Value != nil && (p.Value.Sign() <= 0 || p.Value.BitLen() > 256) {
		return fail(fmt.Errorf("%w: the permit's value is %s", ErrNotAwarded, p.Value))
	}
	return id, c.abi.PackOpenAwarded(OrderArgs(order), BidArgs(bid), a.Deposit, a.Deadline, sa.Signature[:], PermitArgs(sa.Permit, a.Deposit)), nil
}

// PermitArgs is p as openAwarded takes it, for an award of deposit: v 0
// for no permit (nil); the deposit as its value when p leaves it out.
func PermitArgs(p *auction.Permit, deposit *big.Int) escrow.EscrowPermit {
	if p == nil {
		return escrow.EscrowPermit{Value: new(big.Int), Deadline: new(big.Int)}
	}
	value := p.Value
	if value == nil {
		value = deposit
	}
	args := escrow.EscrowPermit{Value: new(big.Int).Set(value), Deadline: new(big.Int).SetUint64(p.Deadline), V: p.Signature[64]}
	copy(args.R[:], p.Signature[:32])
	copy(args.S[:], p.Signature[32:64])
	return args
}
