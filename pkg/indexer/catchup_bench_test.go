package indexer_test

import (
	"context"
	"crypto/ecdsa"
	"fmt"
	"math/big"
	"net"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/accounts/abi/bind/v2"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/eth/ethconfig"
	"github.com/ethereum/go-ethereum/ethclient/simulated"
	"github.com/ethereum/go-ethereum/node"

	"github.com/tender-market/tender/pkg/deployment"
	"github.com/tender-market/tender/pkg/devchain"
	"github.com/tender-market/tender/pkg/indexer"
	"github.com/tender-market/tender/pkg/lease"
	"github.com/tender-market/tender/pkg/lease/escrow"
	"github.com/tender-market/tender/pkg/lease/token"
	"github.com/tender-market/tender/pkg/store"
	"github.com/tender-market/tender/pkg/store/storetest"
)

// catchUpChain is a dev chain full of settled leases, serving JSON-RPC
// over HTTP on loopback.
type catchUpChain struct {
	sim       *simulated.Backend
	url       string
	contracts devchain.Contracts
	head      uint64
	events    int
}

// builtChain keeps the chain between the runs of a benchmark (building it
// takes minutes).
var builtChain *catchUpChain

// benchCatchUpLeases is how many leases the catch-up chain holds:
// TENDER_BENCH_LEASES, or 100,000.
func benchCatchUpLeases(b *testing.B) int {
	if s := os.Getenv("TENDER_BENCH_LEASES"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n <= 0 {
			b.Fatalf("TENDER_BENCH_LEASES=%q: want a positive number", s)
		}
		return n
	}
	return 100_000
}

// Lease terms on the catch-up chain: 1,000 a second, an hour's deposit.
const (
	catchUpPrice    = 3_600_000
	catchUpDeposit  = 3_600_000
	catchUpPerBlock = 200 // leases opened (then started, paid, closed) a block
	catchUpParties  = 8   // tenants, and as many providers
)

// newCatchUpChain builds a dev chain holding n leases, each opened,
// started, paid out once and closed by its provider (four escrow events),
// catchUpPerBlock of them a block in each of the four steps.
func newCatchUpChain(b *testing.B, n int) *catchUpChain {
	ctx := context.Background()
	var tenants, providers []*ecdsa.PrivateKey
	holders := []common.Address{deployment.DevAddress(0)}
	for i := range catchUpParties {
		tenants = append(tenants, deployment.DevKey(1+i))
		providers = append(providers, deployment.DevKey(1+catchUpParties+i))
	}
	for _, k := range append(append([]*ecdsa.PrivateKey{}, tenants...), providers...) {
		holders = append(holders, crypto.PubkeyToAddress(k.PublicKey))
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	if err := l.Close(); err != nil {
		b.Fatal(err)
	}
	c := &catchUpChain{url: fmt.Sprintf("http://127.0.0.1:%d", port)}
	c.sim = devchain.NewBackend(devchain.ChainID, holders, func(nc *node.Config, ec *ethconfig.Config) {
		nc.HTTPHost, nc.HTTPPort, nc.HTTPModules = "127.0.0.1", port, []string{"eth", "net", "web3"}
		ec.TxPool.GlobalSlots, ec.TxPool.AccountSlots = 1<<14, 1<<12
	})
	c.contracts, err = devchain.Deploy(ctx, c.sim, deployment.DevKey(0), time.Hour, devchain.TokenDecimals, holders, new(big.Int).Lsh(big.NewInt(1), 100))
	if err != nil {
		b.Fatal(err)
	}
	client := c.sim.Client()
	lc, err := lease.New(ctx, client, c.contracts.Escrow, nil)
	if err != nil {
		b.Fatal(err)
	}
	signer := types.LatestSignerForChainID(big.NewInt(devchain.ChainID))
	nonces := map[*ecdsa.PrivateKey]uint64{}
	abi, tokenABI := escrow.NewEscrow(), token.NewTestToken()
	// send signs and sends a call from key and returns its hash.
	send := func(key *ecdsa.PrivateKey, to common.Address, gas uint64, data []byte) common.Hash {
		tx, err := types.SignNewTx(key, signer, &types.DynamicFeeTx{
			ChainID: big.NewInt(devchain.ChainID), Nonce: nonces[key], GasTipCap: big.NewInt(2_000_000_000),
			GasFeeCap: big.NewInt(100_000_000_000), Gas: gas, To: &to, Data: data,
		})
		if err != nil {
			b.Fatal(err)
		}
		if err := client.SendTransaction(ctx, tx); err != nil {
			b.Fatalf("send: %v", err)
		}
		nonces[key]++
		return tx.Hash()
	}
	mine := func(hashes []common.Hash) {
		if err := devchain.Mine(ctx, c.sim, hashes...); err != nil {
			b.Fatal(err)
		}
		// A reverted transaction would leave the chain short of events.
		for _, h := range []common.Hash{hashes[0], hashes[len(hashes)-1]} {
			r, err := bind.WaitMined(ctx, client, h)
			if err != nil || r.Status != types.ReceiptStatusSuccessful {
				b.Fatalf("transaction %s: %v, receipt %+v", h.Hex(), err, r)
			}
		}
	}
	var approvals []common.Hash
	for _, k := range tenants {
		approvals = append(approvals, send(k, c.contracts.Token, 100_000, tokenABI.PackApprove(c.contracts.Escrow, new(big.Int).Lsh(big.NewInt(1), 255))))
	}
	mine(approvals)

	start := time.Now()
	for done := 0; done < n; {
		size := min(catchUpPerBlock, n-done)
		h, err := client.HeaderByNumber(ctx, nil)
		if err != nil {
			b.Fatal(err)
		}
		mk := storetest.Market{Domain: lc.Domain(), Now: time.Unix(int64(h.Time), 0)}
		ids := make([]common.Hash, size)
		terms := make([]escrow.EscrowTerms, size)
		who := make([]*ecdsa.PrivateKey, size)
		var hashes []common.Hash
		for i := range size {
			k := done + i
			tenant, provider := tenants[k%catchUpParties], providers[k/catchUpParties%catchUpParties]
			order := mk.Order(b, tenant, uint64(k), 1, catchUpPrice)
			bid := mk.Bid(b, &order, provider, catchUpPrice, storetest.Offer{Model: "NVIDIA H100 80GB HBM3", Count: 1})
			ids[i], terms[i], who[i] = bid.Hash, lease.NewTerms(&order.Order, &bid.Bid).Args(), provider
			hashes = append(hashes, send(tenant, c.contracts.Escrow, 300_000,
				abi.PackOpenLease(lease.OrderArgs(&order.Order), lease.BidArgs(&bid.Bid), bid.Signature[:], big.NewInt(catchUpDeposit))))
		}
		mine(hashes)
		for _, step := range []func(i int) []byte{
			func(i int) []byte { return abi.PackStart(ids[i], terms[i]) },
			func(i int) []byte { return abi.PackWithdraw(ids[i], terms[i]) },
			func(i int) []byte {
				return abi.PackClose(ids[i], terms[i], 0, crypto.Keccak256Hash(ids[i][:]), uint64(1)<<63)
			},
		} {
			hashes = hashes[:0]
			for i := range size {
				hashes = append(hashes, send(who[i], c.contracts.Escrow, 200_000, step(i)))
			}
			mine(hashes)
		}
		done += size
		c.events += 4 * size
		if done%10_000 == 0 || done == n {
			b.Logf("catch-up chain: %d of %d leases (%.0f s)", done, n, time.Since(start).Seconds())
		}
	}
	if c.head, err = client.BlockNumber(ctx); err != nil {
		b.Fatal(err)
	}
	return c
}

// recorder is a store that keeps the batches it is given, so that the
// same rows can be written again straight to a store.
type recorder struct {
	*store.Store
	batches  [][]store.ChainEvent
	next     []store.ChainPosition
	deferred []bool
}

func (r *recorder) ApplyChainEvents(ctx context.Context, name string, events []store.ChainEvent, next store.ChainPosition) (int, error) {
	r.batches, r.next, r.deferred = append(r.batches, events), append(r.next, next), append(r.deferred, false)
	return r.Store.ApplyChainEvents(ctx, name, events, next)
}

func (r *recorder) DeferChainEvents(ctx context.Context, name string, events []store.ChainEvent, next store.ChainPosition) (int, error) {
	r.batches, r.next, r.deferred = append(r.batches, events), append(r.next, next), append(r.deferred, true)
	return r.Store.DeferChainEvents(ctx, name, events, next)
}

// BenchmarkChainCatchUp indexes a dev chain of 100,000 settled leases
// (TENDER_BENCH_LEASES) from its first block over JSON-RPC (HTTP on
// loopback), end to end: eth_getLogs in ranges, block times, and the
// database writes. It reports events/s and blocks/s, and beside them the
// store's own rate for the same batches written straight to a fresh
// database in the same run (store-events/s), and their ratio (target:
// catch-up at least half the store's rate). Run it with -benchtime 1x;
// building the chain takes minutes and is not timed.
func BenchmarkChainCatchUp(b *testing.B) {
	n := benchCatchUpLeases(b)
	if builtChain == nil {
		builtChain = newCatchUpChain(b, n)
	}
	c := builtChain
	b.ResetTimer()
	for range b.N {
		b.StopTimer()
		st, _ := storetest.New(b)
		rec := &recorder{Store: st}
		ec, err := lease.DialRPC(context.Background(), c.url)
		if err != nil {
			b.Fatal(err)
		}
		client, err := lease.New(context.Background(), ec, c.contracts.Escrow, nil)
		if err != nil {
			b.Fatal(err)
		}
		ix, err := indexer.NewChain(client, ec, rec, indexer.ChainConfig{
			Name: "catch-up", StartBlock: c.contracts.Block, PollInterval: time.Hour,
		})
		if err != nil {
			b.Fatal(err)
		}
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		b.StartTimer()
		began := time.Now()
		go func() { done <- ix.RunOnce(ctx) }()
		tick := time.NewTicker(10 * time.Millisecond)
		for ix.NextBlock() <= c.head {
			select {
			case err := <-done:
				b.Fatalf("indexer stopped: %v", err)
			case <-tick.C:
			}
		}
		took := time.Since(began)
		b.StopTimer()
		tick.Stop()
		cancel()
		<-done
		ec.Close()
		if got := int(ix.Indexed()); got != c.events {
			b.Fatalf("indexed %d events, the chain holds %d", got, c.events)
		}

		// The store alone, fed the same batches.
		direct, _ := storetest.New(b)
		began = time.Now()
		for i, batch := range rec.batches {
			apply := direct.ApplyChainEvents
			if rec.deferred[i] {
				apply = direct.DeferChainEvents
			}
			if _, err := apply(context.Background(), "direct", batch, rec.next[i]); err != nil {
				b.Fatal(err)
			}
		}
		alone := time.Since(began)
		catchUp := float64(c.events) / took.Seconds()
		storeRate := float64(c.events) / alone.Seconds()
		b.ReportMetric(catchUp, "events/s")
		b.ReportMetric(float64(c.head-c.contracts.Block)/took.Seconds(), "blocks/s")
		b.ReportMetric(storeRate, "store-events/s")
		b.ReportMetric(catchUp/storeRate, "ratio")
		b.StartTimer()
	}
}
