package lease

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/ethereum/go-ethereum"
	"github.com/ethereum/go-ethereum/accounts/abi/bind/v2"
	"github.com/ethereum/go-ethereum/common"

	"github.com/tender-market/tender/pkg/lease/escrow"
	"github.com/tender-market/tender/pkg/lease/token"
)

// Token is what a deployment needs to know of its payment token.
type Token struct {
	Address  common.Address
	Decimals uint8
	// Symbol is empty when the token does not say it.
	Symbol string
	// OpenMint: anyone may mint it, as the dev chain's test token lets
	// anyone. Such a token has no value: a market paid in it is a test.
	OpenMint bool
}

// ErrNotAToken: an address holds no ERC-20 that can pay a market.
var ErrNotAToken = errors.New("not a token the escrow can be paid in")

// CheckToken reads the ERC-20 at addr: its decimals (required: amounts
// in whole tokens depend on them), its symbol, and whether a stranger may
// mint it.
func CheckToken(ctx context.Context, backend Backend, addr common.Address) (Token, error) {
	code, err := backend.CodeAt(ctx, addr, nil)
	if err != nil {
		return Token{}, fmt.Errorf("read the code at %s: %w", addr.Hex(), err)
	}
	if len(code) == 0 {
		return Token{}, fmt.Errorf("%w: %s is not a contract", ErrNotAToken, addr.Hex())
	}
	abi := token.NewTestToken()
	c := abi.Instance(backend, addr)
	opts := &bind.CallOpts{Context: ctx}
	t := Token{Address: addr}
	if t.Decimals, err = bind.Call(c, opts, abi.PackDecimals(), abi.UnpackDecimals); err != nil {
		return Token{}, fmt.Errorf("%w: %s does not say its decimals (%v)", ErrNotAToken, addr.Hex(), err)
	}
	if s, err := bind.Call(c, opts, abi.PackSymbol(), abi.UnpackSymbol); err == nil && len(s) <= 32 {
		t.Symbol = s
	}
	stranger := common.HexToAddress("0x000000000000000000000000000000000000dEaD")
	_, err = backend.CallContract(ctx, ethereum.CallMsg{From: stranger, To: &addr, Data: abi.PackMint(stranger, common.Big1)}, nil)
	t.OpenMint = err == nil
	return t, nil
}

// Deploy deploys an escrow paid in token, whose providers have
// startWindow to start a lease, from auth; waits until its block is
// confirmations deep (progress hears how far it is); and checks the
// contract there: it names the token and start window it was given, and
// computes the EIP-712 domain package auction signs in. It returns a
// client of the new escrow and the block that deployed it.
func Deploy(ctx context.Context, backend Backend, auth *bind.TransactOpts, token common.Address, startWindow time.Duration, confirmations uint64, progress func(string)) (*Client, uint64, error) {
	if startWindow < time.Second {
		return nil, 0, fmt.Errorf("deploy escrow: start window %v: want at least a second", startWindow)
	}
	if progress == nil {
		progress = func(string) {}
	}
	abi := escrow.NewEscrow()
	opts := *auth
	opts.Context = ctx
	addr, tx, err := bind.DeployContract(&opts, common.FromHex(escrow.EscrowMetaData.Bin), backend,
		abi.PackConstructor(token, uint64(startWindow/time.Second)))
	if err != nil {
		return nil, 0, fmt.Errorf("deploy escrow: %w", err)
	}
	progress(fmt.Sprintf("sent transaction %s; escrow at %s once mined", tx.Hash().Hex(), addr.Hex()))
	r, err := bind.WaitMined(ctx, backend, tx.Hash())
	if err != nil {
		return nil, 0, fmt.Errorf("deploy escrow: wait for transaction %s: %w", tx.Hash().Hex(), err)
	}
	if r.Status != 1 {
		return nil, 0, fmt.Errorf("deploy escrow: transaction %s reverted (gas used %d of %d)", tx.Hash().Hex(), r.GasUsed, tx.Gas())
	}
	block := r.BlockNumber.Uint64()
	progress(fmt.Sprintf("mined in block %d, gas used %d", block, r.GasUsed))
	for shown := uint64(0); ; {
		head, err := backend.BlockNumber(ctx)
		if err != nil {
			return nil, 0, fmt.Errorf("deploy escrow: read the chain head: %w", err)
		}
		if head >= block+confirmations {
			break
		}
		if deep := head - block; deep != shown || shown == 0 {
			progress(fmt.Sprintf("%d of %d confirmations", deep, confirmations))
			shown = deep
		}
		t := time.NewTimer(time.Second)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil, 0, ctx.Err()
		case <-t.C:
		}
	}
	// The block may have been replaced meanwhile: the receipt is asked again.
	if r, err = backend.TransactionReceipt(ctx, tx.Hash()); err != nil || r.BlockNumber.Uint64() != block {
		return nil, 0, fmt.Errorf("deploy escrow: transaction %s left block %d (a reorg?): deploy again", tx.Hash().Hex(), block)
	}
	c, err := New(ctx, backend, addr, nil)
	if err != nil {
		return nil, 0, fmt.Errorf("deploy escrow: the contract at %s: %w", addr.Hex(), err)
	}
	if c.Token() != token || c.StartWindow() != uint64(startWindow/time.Second) {
		return nil, 0, fmt.Errorf("deploy escrow: the contract at %s names token %s and a start window of %d s, not %s and %d s",
			addr.Hex(), c.Token().Hex(), c.StartWindow(), token.Hex(), uint64(startWindow/time.Second))
	}
	return c, block, nil
}
