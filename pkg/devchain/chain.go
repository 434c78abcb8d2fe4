package devchain

import (
	"context"
	"crypto/ecdsa"
	"errors"
	"fmt"
	"math/big"
	"time"

	"github.com/ethereum/go-ethereum/accounts/abi/bind/v2"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/eth/ethconfig"
	"github.com/ethereum/go-ethereum/ethclient/simulated"
	"github.com/ethereum/go-ethereum/node"
	"github.com/ethereum/go-ethereum/params"

	"github.com/tender-market/tender/pkg/lease/escrow"
	"github.com/tender-market/tender/pkg/lease/token"
)

// Defaults of a dev chain.
const (
	// ChainID is the dev chain's chain ID (the one local Ethereum tools use).
	ChainID = 31337
	// DefaultAccounts is how many dev accounts are funded.
	DefaultAccounts = 10
	// DefaultStartWindow is how long a provider has to start a lease.
	DefaultStartWindow = 10 * time.Minute
)

// TokenDecimals is the number of decimals of the dev chain's test token
// unless Config.TokenDecimals says otherwise.
const TokenDecimals = 6

// Ether every dev account starts with (1,000,000 ETH).
var devEther = new(big.Int).Mul(big.NewInt(1_000_000), big.NewInt(params.Ether))

// ChainConfig returns the dev chain's rules: every fork up to Osaka (what
// Ethereum mainnet runs), so gas measured here is gas on mainnet. The
// simulated backend's own default also enables forks still in draft, whose
// gas schedule differs.
func ChainConfig(chainID uint64) *params.ChainConfig {
	cfg := *params.AllDevChainProtocolChanges
	cfg.ChainID = new(big.Int).SetUint64(chainID)
	cfg.AmsterdamTime = nil
	cfg.BogotaTime = nil
	return &cfg
}

// NewBackend returns an in-process simulated chain with ChainConfig(chainID)
// and funded accounts (1,000,000 ETH each). options change the node and
// Ethereum configuration further (for example to serve JSON-RPC). Blocks are
// made only on Commit. The caller closes it.
func NewBackend(chainID uint64, funded []common.Address, options ...func(*node.Config, *ethconfig.Config)) *simulated.Backend {
	alloc := make(types.GenesisAlloc, len(funded))
	for _, a := range funded {
		alloc[a] = types.Account{Balance: new(big.Int).Set(devEther)}
	}
	rules := func(_ *node.Config, ec *ethconfig.Config) { ec.Genesis.Config = ChainConfig(chainID) }
	return simulated.NewBackend(alloc, append([]func(*node.Config, *ethconfig.Config){rules}, options...)...)
}

// Contracts are the addresses of a deployment's contracts and the block that
// deployed them (where event scans begin).
type Contracts struct {
	Token  common.Address
	Escrow common.Address
	Block  uint64
}

// Deploy deploys a TestToken of decimals decimals and an Escrow paid in
// it from deployer, mints amount base units of the token to each of
// holders, and commits the block. With a fresh deployer (nonce 0) the token
// lands at CREATE(deployer, 0) and the escrow at CREATE(deployer, 1).
func Deploy(ctx context.Context, sim *simulated.Backend, deployer *ecdsa.PrivateKey, startWindow time.Duration, decimals uint8, holders []common.Address, amount *big.Int) (Contracts, error) {
	client := sim.Client()
	chainID, err := client.ChainID(ctx)
	if err != nil {
		return Contracts{}, fmt.Errorf("chain ID: %w", err)
	}
	if startWindow < time.Second {
		return Contracts{}, fmt.Errorf("start window %v: want at least a second", startWindow)
	}
	opts := bind.NewKeyedTransactor(deployer, chainID)
	opts.Context = ctx
	nonce, err := client.PendingNonceAt(ctx, opts.From)
	if err != nil {
		return Contracts{}, fmt.Errorf("nonce: %w", err)
	}
	var txs []*types.Transaction
	// No estimates: each transaction depends on an earlier one in the same
	// block. The limits are ample (the escrow's deployment takes ~2.6M).
	next := func(gas uint64) *bind.TransactOpts {
		o := *opts
		o.Nonce = new(big.Int).SetUint64(nonce)
		o.GasLimit = gas
		nonce++
		return &o
	}

	tokenABI := token.NewTestToken()
	tokenAddr, tx, err := bind.DeployContract(next(2_000_000), common.FromHex(token.TestTokenMetaData.Bin), client, tokenABI.PackConstructor(decimals))
	if err != nil {
		return Contracts{}, fmt.Errorf("deploy token: %w", err)
	}
	txs = append(txs, tx)
	escrowABI := escrow.NewEscrow()
	escrowAddr, tx, err := bind.DeployContract(next(5_000_000), common.FromHex(escrow.EscrowMetaData.Bin), client,
		escrowABI.PackConstructor(tokenAddr, uint64(startWindow/time.Second)))
	if err != nil {
		return Contracts{}, fmt.Errorf("deploy escrow: %w", err)
	}
	txs = append(txs, tx)
	token := tokenABI.Instance(client, tokenAddr)
	for _, h := range holders {
		tx, err := bind.Transact(token, next(100_000), tokenABI.PackMint(h, amount))
		if err != nil {
			return Contracts{}, fmt.Errorf("mint to %s: %w", h.Hex(), err)
		}
		txs = append(txs, tx)
	}
	hashes := make([]common.Hash, len(txs))
	for i, tx := range txs {
		hashes[i] = tx.Hash()
	}
	if err := Mine(ctx, sim, hashes...); err != nil {
		return Contracts{}, err
	}

	var block uint64
	for _, tx := range txs {
		// The receipt can take a moment to be indexed: WaitMined retries.
		r, err := bind.WaitMined(ctx, client, tx.Hash())
		if err != nil {
			return Contracts{}, fmt.Errorf("receipt of %s: %w", tx.Hash().Hex(), err)
		}
		if r.Status != types.ReceiptStatusSuccessful {
			return Contracts{}, errors.New("deployment transaction " + tx.Hash().Hex() + " reverted")
		}
		block = r.BlockNumber.Uint64()
	}
	return Contracts{Token: tokenAddr, Escrow: escrowAddr, Block: block}, nil
}

// Mine seals blocks until each of txs (sent to sim) is in one. The
// transaction pool admits transactions in the background, so a block sealed
// right after a send can miss it; Mine seals again until it does not (up to
// 100 blocks).
func Mine(ctx context.Context, sim *simulated.Backend, txs ...common.Hash) error {
	waiting := make(map[common.Hash]bool, len(txs))
	for _, h := range txs {
		waiting[h] = true
	}
	for attempt := 0; len(waiting) > 0; attempt++ {
		if attempt == 100 {
			return fmt.Errorf("%d transactions still not mined after %d blocks", len(waiting), attempt)
		}
		if attempt > 0 {
			t := time.NewTimer(5 * time.Millisecond)
			select {
			case <-ctx.Done():
				t.Stop()
				return ctx.Err()
			case <-t.C:
			}
		}
		sim.Commit()
		b, err := sim.Client().BlockByNumber(ctx, nil)
		if err != nil {
			return fmt.Errorf("read the sealed block: %w", err)
		}
		for _, tx := range b.Transactions() {
			delete(waiting, tx.Hash())
		}
	}
	return nil
}
