package e2e

import (
	"context"
	"crypto/sha256"
	"math/big"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/accounts/abi/bind/v2"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/ethclient"

	"github.com/tender-market/tender/internal/chaintest"
	"github.com/tender-market/tender/pkg/deployment"
	"github.com/tender-market/tender/pkg/devchain"
	"github.com/tender-market/tender/pkg/lease"
	"github.com/tender-market/tender/pkg/lease/token"
	"github.com/tender-market/tender/pkg/network"
	"github.com/tender-market/tender/pkg/tenant"
)

// gaslessTokens is what a gasless tenant holds: 1,000 tokens of 6
// decimals.
var gaslessTokens = big.NewInt(1_000_000_000)

// tokenOnlyTenant is a tenant with a fresh key that holds gaslessTokens
// (minted by dev account 0) and no ETH, joined to providers.
func tokenOnlyTenant(t testing.TB, dep deployment.Deployment, providers ...*network.Node) *tenantSide {
	t.Helper()
	key, err := crypto.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	ec, err := ethclient.DialContext(t.Context(), dep.RPCURL)
	if err != nil {
		t.Fatal(err)
	}
	defer ec.Close()
	auth := bind.NewKeyedTransactor(deployment.DevKey(0), new(big.Int).SetUint64(dep.ChainID))
	auth.Context = t.Context()
	tok := token.NewTestToken()
	tx, err := bind.Transact(tok.Instance(ec, dep.Token), auth, tok.PackMint(crypto.PubkeyToAddress(key.PublicKey), gaslessTokens))
	if err != nil {
		t.Fatal(err)
	}
	if r, err := bind.WaitMined(t.Context(), ec, tx.Hash()); err != nil || r.Status != types.ReceiptStatusSuccessful {
		t.Fatalf("mint the tenant's tokens: %v", err)
	}
	return newTenantSideAs(t, dep, key, providers...)
}

// runGasless runs the training job for a tenant without ETH on the
// market dep describes: the winner opens and starts the lease with the
// tenant's award and permit, runs the job in Docker and closes it; the
// tenant gets its output and pays exactly the seconds run, and never held
// any ETH.
func runGasless(t *testing.T, dep deployment.Deployment) {
	ex := needImage(t)
	spec := h100
	spec.price = "3600000" // 1000 base units a second
	p := newDaemon(t, dep, ex, spec)
	p.start()
	ts := tokenOnlyTenant(t, dep, p.node)
	providerBefore := balances(t, ts.esc, []common.Address{p.addr})[0]

	ctx, cancel := context.WithTimeout(t.Context(), 3*time.Minute)
	defer cancel()
	out := filepath.Join(t.TempDir(), "output.tar")
	res, err := ts.client.Submit(ctx, trainJob(t, 5, "10m"), tenant.Options{Gasless: true, OutputFile: out})
	if err != nil {
		t.Fatalf("gasless submit: %v", err)
	}
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if got := common.Hash(sha256.Sum256(data)); res.Ending != "Closed" || res.ExitCode != 0 || got != res.ResultHash {
		t.Fatalf("result %+v with output SHA-256 %s, want closed with exit 0 and the committed output", res, got.Hex())
	}
	l := waitLease(t, ts.esc, res.LeaseID, lease.StateClosed, time.Minute)
	if l.Paid.Sign() <= 0 || l.Paid.Cmp(res.Paid) != 0 {
		t.Errorf("the provider was paid %s, the tenant saw %s", l.Paid, res.Paid)
	}
	after := balances(t, ts.esc, []common.Address{ts.key.Address(), p.addr})
	if spent := new(big.Int).Sub(gaslessTokens, after[0]); spent.Cmp(l.Paid) != 0 {
		t.Errorf("the tenant spent %s tokens, want what the provider was paid %s", spent, l.Paid)
	}
	if earned := new(big.Int).Sub(after[1], providerBefore); earned.Cmp(l.Paid) != 0 {
		t.Errorf("the provider earned %s tokens, want %s", earned, l.Paid)
	}
	ec, err := ethclient.DialContext(t.Context(), dep.RPCURL)
	if err != nil {
		t.Fatal(err)
	}
	defer ec.Close()
	if eth, err := ec.BalanceAt(t.Context(), ts.key.Address(), nil); err != nil || eth.Sign() != 0 {
		t.Errorf("the tenant holds %v wei (%v), want none", eth, err)
	}
	if n, err := ec.NonceAt(t.Context(), ts.key.Address(), nil); err != nil || n != 0 {
		t.Errorf("the tenant sent %d transactions (%v), want none", n, err)
	}
}

// TestGaslessTenant: runGasless on a dev chain.
func TestGaslessTenant(t *testing.T) {
	runGasless(t, startChainWith(t, devchain.Config{}))
}

// TestGaslessTenantIndependentNode: runGasless on Hardhat's EDR node (a
// block every 2 s besides automine): its EIP-2612 permit, ecrecover and
// transient storage, not go-ethereum's.
func TestGaslessTenantIndependentNode(t *testing.T) {
	runGasless(t, chaintest.HardhatMarket(t, 10*time.Minute))
}
