package main

import (
	"bytes"
	"math/big"
	"path/filepath"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/accounts/abi/bind/v2"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/ethclient"

	"github.com/tender-market/tender/internal/chaintest"
	"github.com/tender-market/tender/internal/cli"
	"github.com/tender-market/tender/internal/testenv"
	"github.com/tender-market/tender/pkg/deployment"
	"github.com/tender-market/tender/pkg/lease"
	"github.com/tender-market/tender/pkg/lease/token"
)

// TestLeaseRoundTripIndependentNode runs a lease's whole life against
// Hardhat's node, mining a block every 2 seconds besides automine: the
// test token deployed as any token would be, the escrow by broker deploy
// (waiting for a confirmation), then open, start, withdraw and close by the
// lease client, with every token base unit accounted for.
func TestLeaseRoundTripIndependentNode(t *testing.T) {
	rc, url := chaintest.HardhatNode(t)
	ctx := t.Context()
	ec := ethclient.NewClient(rc)
	chainID, err := ec.ChainID(ctx)
	if err != nil {
		t.Fatal(err)
	}
	auth := func(n int) *bind.TransactOpts { return bind.NewKeyedTransactor(deployment.DevKey(n), chainID) }
	tenant, provider := deployment.DevAddress(1), deployment.DevAddress(2)
	tokenAddr := chaintest.DeployTestToken(t, ec, 6, []common.Address{tenant}, big.NewInt(10_000_000))
	tokenABI := token.NewTestToken()
	token := tokenABI.Instance(ec, tokenAddr)

	out := filepath.Join(t.TempDir(), "deployment.json")
	var stdout, stderr bytes.Buffer
	if code := cli.Main(newRoot, []string{"deploy", "--rpc-url", url, "--token", tokenAddr.Hex(), "--dev-account", "0", "--dev-network",
		"--confirmations", "1", "--start-window", "5m", "--out", out}, &stdout, &stderr); code != 0 {
		t.Fatalf("broker deploy on Hardhat's node: exit %d\n%s%s", code, stdout.String(), stderr.String())
	}
	d, err := deployment.Load(out)
	if err != nil {
		t.Fatal(err)
	}
	esc, err := lease.Dial(ctx, d.RPCURL, d.Escrow, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer esc.Disconnect()
	balance := func(a common.Address) *big.Int {
		t.Helper()
		v, err := bind.Call(token, &bind.CallOpts{Context: ctx}, tokenABI.PackBalanceOf(a), tokenABI.UnpackBalanceOf)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}

	price, deposit := big.NewInt(3_600_000), big.NewInt(3_600_000) // 1000 base units a second, for an hour
	id, terms := chaintest.OpenLease(t, esc, price, deposit)
	if _, err := esc.Start(ctx, auth(2), id, terms); err != nil {
		t.Fatalf("start: %v", err)
	}
	started, err := esc.Lease(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	testenv.Eventually(t, 30*time.Second, "a few blocks of run time", func() (bool, string, error) {
		h, err := ec.HeaderByNumber(ctx, nil)
		return err == nil && h.Time >= started.Since+4, "", err
	})
	if _, err := esc.Withdraw(ctx, auth(2), id, terms); err != nil {
		t.Fatalf("withdraw: %v", err)
	}
	r, err := esc.Close(ctx, auth(2), id, terms, lease.NewExitCode(0, lease.ExitedByItself), common.Hash{1})
	if err != nil {
		t.Fatalf("close: %v", err)
	}
	closedAt, err := ec.HeaderByNumber(ctx, r.BlockNumber)
	if err != nil {
		t.Fatal(err)
	}
	ran := closedAt.Time - started.Since
	wantPaid := new(big.Int).Div(new(big.Int).Mul(price, new(big.Int).SetUint64(ran)), big.NewInt(3600))
	l, err := esc.Lease(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if l.State != lease.StateClosed || l.Paid.Cmp(wantPaid) != 0 {
		t.Errorf("lease %+v, want closed with %s paid for %d s", l, wantPaid, ran)
	}
	refund := new(big.Int).Sub(deposit, wantPaid)
	if got := balance(provider); got.Cmp(wantPaid) != 0 {
		t.Errorf("provider holds %s, want %s", got, wantPaid)
	}
	if got, want := balance(tenant), new(big.Int).Sub(big.NewInt(10_000_000), wantPaid); got.Cmp(want) != 0 {
		t.Errorf("tenant holds %s, want %s (refunded %s)", got, want, refund)
	}
	if got := balance(d.Escrow); got.Sign() != 0 {
		t.Errorf("escrow still holds %s", got)
	}
}
