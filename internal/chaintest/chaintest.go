// Package chaintest runs a real EVM in process for tests:
// go-ethereum's simulated backend with the test token and the escrow
// deployed (package devchain), funded dev accounts, and a lease client that
// seals a block after every transaction.
package chaintest

import (
	"context"
	"crypto/ecdsa"
	"errors"
	"fmt"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/accounts/abi/bind/v2"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/ethclient/simulated"
	"go.uber.org/goleak"

	"github.com/tender-market/tender/internal/testenv"
	"github.com/tender-market/tender/pkg/deployment"
	"github.com/tender-market/tender/pkg/devchain"
	"github.com/tender-market/tender/pkg/lease"
	"github.com/tender-market/tender/pkg/lease/token"
)

// IgnoreLeaks are the goroutines of the simulated chain that outlive it,
// for goleak: go-ethereum's process-wide transaction sender cache (started
// when its core package loads), and the drain of the in-memory node
// database its simulated backend opens and does not close. Neither is the
// market's code.
func IgnoreLeaks() []goleak.Option {
	return []goleak.Option{
		goleak.IgnoreTopFunction("github.com/ethereum/go-ethereum/core.(*txSenderCacher).cache"),
		goleak.IgnoreTopFunction("github.com/syndtr/goleveldb/leveldb.(*DB).mpoolDrain"),
	}
}

// StartWindow is how long providers have to start a lease on this chain.
const StartWindow = 10 * time.Minute

// Backend sends like the simulated client and seals blocks until one
// holds the transaction, so lease.Client's calls return at once. Any
// number of goroutines may send at once, and seal (Chain.Commit) between.
type Backend struct {
	simulated.Client
	c *Chain
}

// SendTransaction sends tx and seals blocks until its receipt is there.
func (b Backend) SendTransaction(ctx context.Context, tx *types.Transaction) error {
	if err := b.Client.SendTransaction(ctx, tx); err != nil {
		return err
	}
	// The pool admits a transaction in the background: a block sealed at
	// once may miss it.
	for range 100 {
		b.c.Commit(1)
		if _, err := b.Client.TransactionReceipt(ctx, tx.Hash()); err == nil {
			return nil
		}
		t := time.NewTimer(5 * time.Millisecond)
		select {
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		case <-t.C:
		}
	}
	return fmt.Errorf("transaction %s not mined after 100 blocks", tx.Hash().Hex())
}

// Party is a funded dev account.
type Party struct {
	Key  *ecdsa.PrivateKey
	Addr common.Address
	Auth *bind.TransactOpts
}

// Chain is a simulated chain with the market's contracts. Dev account 1 is
// the tenant, accounts 2 to 4 are providers, and accounts 5 to 12 more
// tenants.
type Chain struct {
	// seal guards sealing: the simulated beacon is not safe for
	// concurrent use.
	seal      sync.Mutex
	Sim       *simulated.Backend
	Backend   Backend
	Client    *lease.Client
	Contracts devchain.Contracts
	ChainID   *big.Int
	Tenant    Party
	Providers []Party
	// Tenants are Tenant and eight more (more on a chain made with
	// NewSized).
	Tenants []Party
}

// Size is how many parties a chain funds beyond the defaults.
type Size struct {
	// Providers and Tenants are how many of each the chain has in all, at
	// least the defaults (3 providers, 9 tenants). The parties past the
	// defaults are dev accounts 13 and up, providers first.
	Providers, Tenants int
}

// New starts a chain for t; it stops when t ends.
func New(t testing.TB) *Chain {
	t.Helper()
	return NewSized(t, Size{})
}

// NewSized starts a chain for t with the parties size asks for.
func NewSized(t testing.TB, size Size) *Chain {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	chainID := big.NewInt(devchain.ChainID)
	party := func(n int) Party {
		k := deployment.DevKey(n)
		return Party{Key: k, Addr: crypto.PubkeyToAddress(k.PublicKey), Auth: bind.NewKeyedTransactor(k, chainID)}
	}
	c := &Chain{ChainID: chainID, Tenant: party(1), Providers: []Party{party(2), party(3), party(4)}}
	c.Tenants = []Party{c.Tenant}
	for n := 5; n <= 12; n++ {
		c.Tenants = append(c.Tenants, party(n))
	}
	next := 13
	for len(c.Providers) < size.Providers {
		c.Providers = append(c.Providers, party(next))
		next++
	}
	for len(c.Tenants) < size.Tenants {
		c.Tenants = append(c.Tenants, party(next))
		next++
	}
	holders := []common.Address{deployment.DevAddress(0)}
	for _, p := range append(c.Tenants, c.Providers...) {
		holders = append(holders, p.Addr)
	}
	c.Sim = devchain.NewBackend(devchain.ChainID, holders)
	t.Cleanup(func() { c.Sim.Close() })
	c.Backend = Backend{Client: c.Sim.Client(), c: c}
	var err error
	c.Contracts, err = devchain.Deploy(ctx, c.Sim, deployment.DevKey(0), StartWindow, devchain.TokenDecimals, holders, big.NewInt(1_000_000_000_000))
	if err != nil {
		t.Fatalf("deploy contracts: %v", err)
	}
	c.Client, err = lease.New(ctx, c.Backend, c.Contracts.Escrow, nil)
	if err != nil {
		t.Fatalf("lease client: %v", err)
	}
	return c
}

// Advance moves chain time forward by d in a new empty block.
func (c *Chain) Advance(t testing.TB, d time.Duration) {
	t.Helper()
	// The pool drops mined transactions in the background; until it has,
	// AdjustTime sees them as pending and refuses.
	testenv.Eventually(t, 2*time.Second, "the transaction pool empty, to move chain time", func() (bool, string, error) {
		c.seal.Lock()
		err := c.Sim.AdjustTime(d)
		c.seal.Unlock()
		if err != nil && strings.Contains(err.Error(), "non-empty block") {
			return false, err.Error(), nil
		}
		return err == nil, "", err
	})
}

// Commit seals n blocks.
func (c *Chain) Commit(n int) {
	c.seal.Lock()
	defer c.seal.Unlock()
	for range n {
		c.Sim.Commit()
	}
}

// SealEvery seals a block every period until t ends or stop is called, as
// a chain does: a running lease accrues pay only as blocks pass (the
// simulated chain seals none by itself). Chain time then runs ahead of
// the wall clock, at least a second a block.
func (c *Chain) SealEvery(t testing.TB, period time.Duration) (stop func()) {
	return testenv.Background(t, "sealer", func(ctx context.Context) error {
		tick := time.NewTicker(period)
		defer tick.Stop()
		for {
			select {
			case <-ctx.Done():
				return nil
			case <-tick.C:
				c.Commit(1)
			}
		}
	}).Stop
}

// TokenOnly is a fresh account that holds tokens and no ETH: a tenant
// that can pay deposits but no gas.
func (c *Chain) TokenOnly(t testing.TB, tokens *big.Int) Party {
	t.Helper()
	key, err := crypto.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	p := Party{Key: key, Addr: crypto.PubkeyToAddress(key.PublicKey), Auth: bind.NewKeyedTransactor(key, c.ChainID)}
	tok := token.NewTestToken()
	opts := *bind.NewKeyedTransactor(deployment.DevKey(0), c.ChainID)
	opts.Context = t.Context()
	tx, err := bind.Transact(tok.Instance(c.Backend, c.Contracts.Token), &opts, tok.PackMint(p.Addr, tokens))
	if err != nil {
		t.Fatalf("mint tokens for a token-only account: %v", err)
	}
	if r, err := bind.WaitMined(t.Context(), c.Backend, tx.Hash()); err != nil || r.Status != types.ReceiptStatusSuccessful {
		t.Fatalf("mint tokens for a token-only account: %v", err)
	}
	return p
}

// Head is the latest block's number.
func (c *Chain) Head(t testing.TB) uint64 {
	t.Helper()
	n, err := c.Backend.BlockNumber(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// Now is the latest block's time.
func (c *Chain) Now(t testing.TB) time.Time {
	t.Helper()
	h, err := c.Backend.HeaderByNumber(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	return time.Unix(int64(h.Time), 0).UTC()
}

// Serve runs a dev chain (package devchain) serving JSON-RPC on a free
// loopback port until t ends, and returns its deployment and the file it
// wrote it to, once written. cfg's address and state file are set here.
// At cleanup it checks that the chain stopped cleanly and removed its file.
func Serve(t testing.TB, cfg devchain.Config) (deployment.Deployment, string) {
	t.Helper()
	cfg.Addr = "127.0.0.1:0"
	cfg.StateFile = filepath.Join(t.TempDir(), "deployment.json")
	t.Cleanup(func() {
		if _, err := os.Stat(cfg.StateFile); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("deployment file after the chain stopped: stat error %v, want not exist", err)
		}
	})
	chain := testenv.Background(t, "dev chain", func(ctx context.Context) error { return devchain.Run(ctx, cfg) })
	var d deployment.Deployment
	testenv.Eventually(t, time.Minute, "the dev chain's deployment file", func() (bool, string, error) {
		select {
		case <-chain.Done():
			return false, "", fmt.Errorf("dev chain stopped: %v", chain.Err())
		default:
		}
		var err error
		d, err = deployment.Load(cfg.StateFile)
		return err == nil, fmt.Sprint(err), nil
	})
	return d, cfg.StateFile
}
