package devchain_test

import (
	"context"
	"errors"
	"log/slog"
	"math/big"
	"os"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/accounts/abi/bind/v2"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/ethclient"

	"github.com/tender-market/tender/internal/chaintest"
	"github.com/tender-market/tender/pkg/auction"
	"github.com/tender-market/tender/pkg/deployment"
	"github.com/tender-market/tender/pkg/devchain"
	"github.com/tender-market/tender/pkg/lease"
)

const testPeer = "12D3KooWDpJ7As7BWAwRMfu1VU2WCqNjvq387JEYKDBj4kx6nXTN"

// startChain runs a dev chain on a free loopback port and returns its
// deployment; the chain stops at cleanup.
func startChain(t *testing.T, cfg devchain.Config) deployment.Deployment {
	t.Helper()
	cfg.Logger = slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelInfo}))
	d, _ := chaintest.Serve(t, cfg)
	return d
}

// watch runs c.Watch in the background; stop cancels it and waits (bounded)
// for it to return.
func watch(t *testing.T, ctx context.Context, c *lease.Client, opts lease.WatchOptions) (<-chan lease.Event, func()) {
	ctx, cancel := context.WithCancel(ctx)
	events := make(chan lease.Event, 32)
	done := make(chan error, 1)
	go func() {
		done <- c.Watch(ctx, opts, func(ev lease.Event) error {
			select {
			case events <- ev:
				return nil
			case <-ctx.Done():
				return ctx.Err()
			}
		})
	}()
	return events, func() {
		cancel()
		select {
		case err := <-done:
			if !errors.Is(err, context.Canceled) {
				t.Errorf("Watch returned %v, want context.Canceled", err)
			}
		case <-time.After(10 * time.Second):
			t.Error("Watch did not stop within 10 s of cancellation")
		}
	}
}

// TestLeaseOverJSONRPC runs a dev chain, then opens, starts, withdraws from
// and closes a lease through the lease client over HTTP JSON-RPC, while a
// polling watcher sees every event.
// TestLeaseOverJSONRPC opens, starts, withdraws and closes a lease over
// JSON-RPC. It runs against its own chain, or against a running one (such as
// the local market's) when TENDER_DEPLOYMENT names its state file:
//
//	TENDER_DEPLOYMENT=$PWD/.devnet/deployment.json go test ./pkg/devchain -run TestLeaseOverJSONRPC -v
func TestLeaseOverJSONRPC(t *testing.T) {
	var d deployment.Deployment
	if path := os.Getenv("TENDER_DEPLOYMENT"); path != "" {
		var err error
		if d, err = deployment.Load(path); err != nil {
			t.Fatalf("TENDER_DEPLOYMENT: %v", err)
		}
		t.Logf("using the running chain at %s", d.RPCURL)
	} else {
		d = startChain(t, devchain.Config{})
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()

	if d.ChainID != devchain.ChainID || len(d.Accounts) != devchain.DefaultAccounts {
		t.Fatalf("deployment: chain %d with %d accounts, want %d with %d", d.ChainID, len(d.Accounts), devchain.ChainID, devchain.DefaultAccounts)
	}
	c, err := lease.Dial(ctx, d.RPCURL, d.Escrow, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Disconnect()
	if d.Token != common.HexToAddress(tokenAddress) || d.Escrow != common.HexToAddress(escrowAddress) {
		t.Errorf("deployed token %s and escrow %s, want %s and %s", d.Token.Hex(), d.Escrow.Hex(), tokenAddress, escrowAddress)
	}
	if c.Token() != d.Token {
		t.Fatalf("escrow's token is %s, the deployment says %s", c.Token().Hex(), d.Token.Hex())
	}

	events, stopWatch := watch(t, ctx, c, lease.WatchOptions{From: lease.Cursor{Block: d.DeployedAt}, PollInterval: 100 * time.Millisecond})
	defer stopWatch()

	tenantKey, err := d.Key(1)
	if err != nil {
		t.Fatal(err)
	}
	providerKey, err := d.Key(2)
	if err != nil {
		t.Fatal(err)
	}
	chainID := new(big.Int).SetUint64(d.ChainID)
	tenant := bind.NewKeyedTransactor(tenantKey, chainID)
	provider := bind.NewKeyedTransactor(providerKey, chainID)

	head, err := c.Balance(ctx, tenant.From) // also proves the mint
	if err != nil {
		t.Fatal(err)
	}
	if head.Sign() == 0 {
		t.Fatal("tenant holds no test tokens")
	}
	now := uint64(time.Now().Unix())
	nonce := uint64(time.Now().UnixNano()) // a fresh lease ID on a chain that is reused
	order := auction.Order{
		Tenant: tenant.From, Auctioneer: testPeer, MaxPricePerHour: big.NewInt(3_600_000), MaxDuration: 3600,
		BidDeadline: now + 60, Expiry: now + 3600, Nonce: nonce,
		Requirements: auction.Requirements{CPUMillis: 1000, MemoryMiB: 1024},
		Job:          auction.Job{Image: "tender/hello:dev"},
	}
	bid, err := c.Domain().SignBid(auction.Bid{
		OrderHash: c.Domain().OrderHash(&order), Provider: provider.From, PeerID: testPeer,
		PricePerHour: big.NewInt(3_600_000), Offer: auction.Offer{CPUMillis: 1000, MemoryMiB: 1024, Simulated: true},
		Expiry: now + 600, Nonce: nonce,
	}, auction.NewKeySigner(providerKey))
	if err != nil {
		t.Fatal(err)
	}
	deposit := big.NewInt(3_600_000)
	id, _, err := c.Open(ctx, tenant, &order, &bid, deposit)
	if err != nil {
		t.Fatal(err)
	}
	terms := lease.NewTerms(&order, &bid.Bid)
	started, err := c.Start(ctx, provider, id, terms)
	if err != nil {
		t.Fatal(err)
	}
	// Calls and estimates run on the latest block: wait for one after the
	// start, or nothing has accrued yet.
	waitForBlock(t, ctx, d.RPCURL, started.BlockNumber.Uint64()+1)
	if _, err := c.Withdraw(ctx, provider, id, terms); err != nil {
		t.Fatal(err)
	}
	resultHash := crypto.Keccak256Hash([]byte("result archive"))
	if _, err := c.Close(ctx, provider, id, terms, 0, resultHash); err != nil {
		t.Fatal(err)
	}

	want := []lease.EventKind{lease.EventOpened, lease.EventStarted, lease.EventWithdrawn, lease.EventClosed}
	var withdrawn *big.Int
	for i, kind := range want {
		select {
		case ev := <-events:
			if ev.Kind != kind || ev.LeaseID != id {
				t.Fatalf("event %d: %s of lease %s, want %s of %s", i, ev.Kind, ev.LeaseID.Hex(), kind, id.Hex())
			}
			switch p := ev.Payload.(type) {
			case *lease.Opened:
				if got, _ := ev.Terms(); got.Hash() != terms.Hash() {
					t.Errorf("LeaseOpened terms %+v, want %+v", got, terms)
				}
			case *lease.Withdrawn:
				withdrawn = p.Amount
			case *lease.Closed:
				if p.ResultHash != resultHash || p.ExitCode != 0 {
					t.Errorf("Closed: exit %d, result %x; want 0, %x", p.ExitCode, p.ResultHash, resultHash)
				}
				if sum := new(big.Int).Add(p.Paid, p.Refunded); sum.Cmp(deposit) != 0 {
					t.Errorf("Closed: paid %s + refunded %s = %s, want the deposit %s", p.Paid, p.Refunded, sum, deposit)
				}
				if withdrawn == nil || p.Paid.Cmp(withdrawn) < 0 {
					t.Errorf("Closed: paid %s, less than the %v already withdrawn", p.Paid, withdrawn)
				}
			}
		case <-time.After(20 * time.Second):
			t.Fatalf("event %d (%s) not seen within 20 s", i, kind)
		}
	}
	l, err := c.Lease(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if l.State != lease.StateClosed {
		t.Errorf("lease state %s, want closed", l.State)
	}
}

// waitForBlock waits until the chain at url has block n.
func waitForBlock(t *testing.T, ctx context.Context, url string, n uint64) {
	t.Helper()
	ec, err := ethclient.DialContext(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer ec.Close()
	deadline := time.After(10 * time.Second)
	for {
		head, err := ec.BlockNumber(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if head >= n {
			return
		}
		select {
		case <-deadline:
			t.Fatalf("chain still at block %d after 10 s, want %d (an idle dev chain seals a block a second)", head, n)
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// TestWatchOverWebSocket checks the subscription path: over WebSocket the
// watcher is woken by a log subscription.
func TestWatchOverWebSocket(t *testing.T) {
	d := startChain(t, devchain.Config{})
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	c, err := lease.Dial(ctx, d.WSURL, d.Escrow, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Disconnect()
	key, err := d.Key(3)
	if err != nil {
		t.Fatal(err)
	}
	opts := bind.NewKeyedTransactor(key, new(big.Int).SetUint64(d.ChainID))
	opts.Context = ctx

	events, stopWatch := watch(t, ctx, c, lease.WatchOptions{From: lease.Cursor{Block: d.DeployedAt}, PollInterval: time.Hour})
	defer stopWatch()
	// Open a lease as account 3 with account 4 as provider.
	prov, err := d.Key(4)
	if err != nil {
		t.Fatal(err)
	}
	now := uint64(time.Now().Unix())
	order := auction.Order{
		Tenant: opts.From, Auctioneer: testPeer, MaxPricePerHour: big.NewInt(1_000_000), MaxDuration: 600,
		BidDeadline: now + 60, Expiry: now + 600, Nonce: 2,
		Requirements: auction.Requirements{CPUMillis: 500}, Job: auction.Job{Image: "tender/hello:dev"},
	}
	bid, err := c.Domain().SignBid(auction.Bid{
		OrderHash: c.Domain().OrderHash(&order), Provider: crypto.PubkeyToAddress(prov.PublicKey), PeerID: testPeer,
		PricePerHour: big.NewInt(1_000_000), Offer: auction.Offer{CPUMillis: 500}, Expiry: now + 600, Nonce: 2,
	}, auction.NewKeySigner(prov))
	if err != nil {
		t.Fatal(err)
	}
	id, _, err := c.Open(ctx, opts, &order, &bid, big.NewInt(100_000))
	if err != nil {
		t.Fatal(err)
	}
	select {
	case ev := <-events:
		if ev.Kind != lease.EventOpened || ev.LeaseID != id {
			t.Fatalf("got %s of %s, want LeaseOpened of %s", ev.Kind, ev.LeaseID.Hex(), id.Hex())
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the subscription-woken watcher did not deliver LeaseOpened within 10 s (its poll interval is an hour)")
	}
}

func TestRunRefusesNonLoopback(t *testing.T) {
	for _, addr := range []string{"0.0.0.0:0", "192.0.2.1:8545", "example.com:8545", "127.0.0.1"} {
		t.Run(addr, func(t *testing.T) {
			err := devchain.Run(t.Context(), devchain.Config{Addr: addr})
			if err == nil {
				t.Fatalf("Run(%q) = nil, want an error", addr)
			}
		})
	}
}

// TestKeysAreFixed pins the dev accounts and contract addresses other
// commands and docs may rely on.
func TestKeysAreFixed(t *testing.T) {
	tests := []struct {
		n    int
		want string
	}{
		{0, "0xcE9990669d8909b6f3a07AD4448eaF097C4e1AA6"},
		{1, "0x723b4906eB6BE83F7f3aA97CF56773399e5527C7"},
		{2, "0xddED7Fa0fDF183513B156d355a4c3c120F12a109"},
		{9, "0x803EB2C5c073f13D438178a64A023cd5410Cc436"},
	}
	for _, tt := range tests {
		if got := deployment.DevAddress(tt.n); got != common.HexToAddress(tt.want) {
			t.Errorf("Address(%d) = %s, want %s", tt.n, got.Hex(), tt.want)
		}
	}
	deployer := deployment.DevAddress(0)
	if got, want := crypto.CreateAddress(deployer, 0), common.HexToAddress(tokenAddress); got != want {
		t.Errorf("token address = %s, want %s", got.Hex(), want.Hex())
	}
	if got, want := crypto.CreateAddress(deployer, 1), common.HexToAddress(escrowAddress); got != want {
		t.Errorf("escrow address = %s, want %s", got.Hex(), want.Hex())
	}
}

// Where a fresh dev chain deploys its contracts.
const (
	tokenAddress  = "0x75E275bcab594Da273C103abF43c17B4aCD958d3"
	escrowAddress = "0xD1573096b4cBb1c8226C362070e847F7096aD9a9"
)
