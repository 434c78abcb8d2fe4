package indexer_test

import (
	"context"
	"errors"
	"fmt"
	"math/big"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/tender-market/tender/internal/chaintest"
	"github.com/tender-market/tender/internal/testenv"
	"github.com/tender-market/tender/pkg/auction"
	"github.com/tender-market/tender/pkg/indexer"
	"github.com/tender-market/tender/pkg/lease"
	"github.com/tender-market/tender/pkg/store"
	"github.com/tender-market/tender/pkg/store/storetest"
)

func testContext(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	t.Cleanup(cancel)
	return ctx
}

var h100 = storetest.Offer{Model: "NVIDIA H100 80GB HBM3", Count: 1}

// auctioned runs an auction on chain c's market between its first two
// providers, ingests the transcript, and returns the order and winning bid.
func auctioned(t *testing.T, c *chaintest.Chain, m *indexer.Market, nonce uint64) (auction.VerifiedOrder, auction.VerifiedBid) {
	t.Helper()
	mk := storetest.Market{Domain: c.Client.Domain(), Now: c.Now(t)}
	order := mk.Order(t, c.Tenant.Key, nonce, 1, 4_000_000)
	win := mk.Bid(t, &order, c.Providers[0].Key, 3_600_000, h100)
	lose := mk.Bid(t, &order, c.Providers[1].Key, 3_900_000, h100)
	if err := m.IngestTranscript(testContext(t), mk.Transcript(t, &order, c.Tenant.Key, lose, win)); err != nil {
		t.Fatal(err)
	}
	return order, win
}

// runChain runs a chain indexer until the returned stop is called.
func runChain(t *testing.T, c *chaintest.Chain, s indexer.EventStore, cfg indexer.ChainConfig) (*indexer.Chain, func() error) {
	t.Helper()
	if cfg.Name == "" {
		cfg.Name = "escrow"
	}
	cfg.StartBlock, cfg.PollInterval, cfg.RetryDelay = c.Contracts.Block, 20*time.Millisecond, 20*time.Millisecond
	ix, err := indexer.NewChain(c.Client, c.Backend, s, cfg)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- ix.Run(ctx) }()
	stopped := false
	stop := func() error {
		if stopped {
			return nil
		}
		stopped = true
		cancel()
		select {
		case err := <-done:
			if !errors.Is(err, context.Canceled) {
				return fmt.Errorf("Run returned %v, want context.Canceled", err)
			}
			return nil
		case <-time.After(20 * time.Second):
			return errors.New("Run did not stop within 20 s")
		}
	}
	t.Cleanup(func() {
		if err := stop(); err != nil {
			t.Error(err)
		}
	})
	return ix, stop
}

// waitIndexed waits until ix has indexed every block up to block.
func waitIndexed(t *testing.T, ix *indexer.Chain, block uint64) {
	t.Helper()
	testenv.Eventually(t, 30*time.Second, fmt.Sprintf("the indexer past block %d", block), func() (bool, string, error) {
		return ix.NextBlock() > block, fmt.Sprintf("at block %d", ix.NextBlock()), nil
	})
}

func TestChainIngest(t *testing.T) {
	ctx := testContext(t)
	c := chaintest.New(t)
	s, _ := storetest.New(t)
	m := indexer.NewMarket(c.Client.Domain(), s, nil, nil)
	tenant, provider := c.Tenant, c.Providers[0]
	deposit := big.NewInt(3_600_000)

	// Lease 1: opened, started, withdrawn, closed by the provider.
	o1, b1 := auctioned(t, c, m, 1)
	id1, _, err := c.Client.Open(ctx, tenant.Auth, &o1.Order, &b1.SignedBid, deposit)
	if err != nil {
		t.Fatal(err)
	}
	terms1 := lease.NewTerms(&o1.Order, &b1.Bid)
	if _, err := c.Client.Start(ctx, provider.Auth, id1, terms1); err != nil {
		t.Fatal(err)
	}
	c.Advance(t, 10*time.Minute)
	if _, err := c.Client.Withdraw(ctx, provider.Auth, id1, terms1); err != nil {
		t.Fatal(err)
	}
	c.Advance(t, 5*time.Minute)
	if _, err := c.Client.Close(ctx, provider.Auth, id1, terms1, 0, crypto.Keccak256Hash([]byte("results"))); err != nil {
		t.Fatal(err)
	}
	// Lease 2: opened, topped up, cancelled by the tenant before it started.
	o2, b2 := auctioned(t, c, m, 2)
	id2, _, err := c.Client.Open(ctx, tenant.Auth, &o2.Order, &b2.SignedBid, deposit)
	if err != nil {
		t.Fatal(err)
	}
	terms2 := lease.NewTerms(&o2.Order, &b2.Bid)
	if _, err := c.Client.TopUp(ctx, tenant.Auth, id2, terms2, big.NewInt(400_000)); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Client.Close(ctx, tenant.Auth, id2, terms2, 0, common.Hash{}); err != nil {
		t.Fatal(err)
	}
	// Lease 3: never started; reclaimed.
	o3, b3 := auctioned(t, c, m, 3)
	id3, _, err := c.Client.Open(ctx, tenant.Auth, &o3.Order, &b3.SignedBid, deposit)
	if err != nil {
		t.Fatal(err)
	}
	c.Advance(t, chaintest.StartWindow+time.Minute)
	if _, err := c.Client.Reclaim(ctx, tenant.Auth, id3, lease.NewTerms(&o3.Order, &b3.Bid)); err != nil {
		t.Fatal(err)
	}

	// Lease 4: declined by the provider before it started, because its
	// tenant sent no job.
	o4, b4 := auctioned(t, c, m, 4)
	id4, _, err := c.Client.Open(ctx, tenant.Auth, &o4.Order, &b4.SignedBid, deposit)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Client.Close(ctx, provider.Auth, id4, lease.NewTerms(&o4.Order, &b4.Bid), lease.NewExitCode(-1, lease.ExitNoJob), common.Hash{}); err != nil {
		t.Fatal(err)
	}

	ix, _ := runChain(t, c, s, indexer.ChainConfig{})
	waitIndexed(t, ix, c.Head(t))

	tests := []struct {
		id              common.Hash
		state, closedBy string
		events          int
		payments        []string
	}{
		{id1, "closed", "provider", 4, []string{"deposit", "withdrawal", "settlement", "refund"}},
		{id2, "closed", "tenant", 3, []string{"deposit", "top_up", "settlement", "refund"}},
		{id3, "reclaimed", "tenant", 2, []string{"deposit", "refund"}},
		{id4, "closed", "provider", 2, []string{"deposit", "settlement", "refund"}},
	}
	earned := new(big.Int)
	for i, tt := range tests {
		t.Run(fmt.Sprintf("lease %d", i+1), func(t *testing.T) {
			d, err := s.LeaseDetail(ctx, tt.id)
			if err != nil {
				t.Fatal(err)
			}
			// The escrow's own record is the truth to match.
			onChain, err := c.Client.Lease(ctx, tt.id)
			if err != nil {
				t.Fatal(err)
			}
			earned.Add(earned, onChain.Paid)
			refund := new(big.Int).Sub(onChain.Deposit, onChain.Paid)
			l := d.Lease
			if l.State != tt.state || l.ClosedBy != tt.closedBy || l.Deposit.Cmp(onChain.Deposit) != 0 || l.Paid.Cmp(onChain.Paid) != 0 || l.Refunded.Cmp(refund) != 0 {
				t.Errorf("lease: %s by %q, deposit %s, paid %s, refunded %s; want %s by %q, %s, %s, %s",
					l.State, l.ClosedBy, l.Deposit, l.Paid, l.Refunded, tt.state, tt.closedBy, onChain.Deposit, onChain.Paid, refund)
			}
			if l.GPUModel != h100.Model || l.Provider != provider.Addr || l.Tenant != tenant.Addr {
				t.Errorf("lease: model %q, provider %s, tenant %s; want %q, %s, %s", l.GPUModel, l.Provider.Hex(), l.Tenant.Hex(), h100.Model, provider.Addr.Hex(), tenant.Addr.Hex())
			}
			if len(d.Events) != tt.events {
				t.Errorf("events: got %d, want %d", len(d.Events), tt.events)
			}
			var kinds []string
			for _, p := range d.Payments {
				if p.Amount.Sign() > 0 || p.Kind == "settlement" {
					kinds = append(kinds, p.Kind)
				}
			}
			if fmt.Sprint(kinds) != fmt.Sprint(tt.payments) {
				t.Errorf("payments: got %v, want %v", kinds, tt.payments)
			}
			if d.Transcript == nil || d.Transcript.Winner != tt.id || len(d.Transcript.Entries) != 2 {
				t.Errorf("transcript: %+v, want the auction lease %s won, with 2 bids", d.Transcript, tt.id.Hex())
			}
		})
	}
	reps, err := s.Reputations(ctx)
	if err != nil {
		t.Fatal(err)
	}
	// Lease 1 paid 15 minutes at 3.6 tUSD an hour: 2 points (2.5 rounded
	// down); the reclaimed lease takes 20; the declined one neither.
	if r := reps[provider.Addr]; r.Completed != 1 || r.ClosedByTenant != 1 || r.Reclaimed != 1 || r.Declined != 1 ||
		r.Credit != 2 || r.PayingTenants != 1 || r.Penalty() != 20 || r.Score() != 0 || r.Earned.Cmp(earned) != 0 || earned.Sign() == 0 {
		t.Errorf("reputation %+v; want 1 completed, 1 closed by tenant, 1 reclaimed, 1 declined, credit 2 from 1 tenant, "+
			"penalty 20, score 0, earned %s (> 0)", r, earned)
	}
}

// flakyStore fails every third write, like a database that drops
// connections.
type flakyStore struct {
	*store.Store
	writes atomic.Int64
}

func (f *flakyStore) ApplyChainEvents(ctx context.Context, name string, evs []store.ChainEvent, next store.ChainPosition) (int, error) {
	if f.writes.Add(1)%3 == 0 {
		return 0, errors.New("connection reset by peer")
	}
	return f.Store.ApplyChainEvents(ctx, name, evs, next)
}

func (f *flakyStore) DeferChainEvents(ctx context.Context, name string, evs []store.ChainEvent, next store.ChainPosition) (int, error) {
	if f.writes.Add(1)%3 == 0 {
		return 0, errors.New("connection reset by peer")
	}
	return f.Store.DeferChainEvents(ctx, name, evs, next)
}

// settledChain is a chain with n leases settled (settleLeases) on a fresh
// store that knows their auctions, and the chain's head.
func settledChain(t *testing.T, n int) (*chaintest.Chain, *store.Store, string, uint64) {
	t.Helper()
	c := chaintest.New(t)
	s, dbURL := storetest.New(t)
	settleLeases(t, c, indexer.NewMarket(c.Client.Domain(), s, nil, nil), n)
	return c, s, dbURL, c.Head(t)
}

// settleLeases auctions n orders on chain c's market (nonces from 10 on),
// and opens, starts and closes a lease of each, a minute long.
func settleLeases(t *testing.T, c *chaintest.Chain, m *indexer.Market, n int) {
	t.Helper()
	ctx := testContext(t)
	for i := range n {
		o, b := auctioned(t, c, m, uint64(10+i))
		id, _, err := c.Client.Open(ctx, c.Tenant.Auth, &o.Order, &b.SignedBid, big.NewInt(3_600_000))
		if err != nil {
			t.Fatal(err)
		}
		terms := lease.NewTerms(&o.Order, &b.Bid)
		if _, err := c.Client.Start(ctx, c.Providers[0].Auth, id, terms); err != nil {
			t.Fatal(err)
		}
		c.Advance(t, time.Minute)
		if _, err := c.Client.Close(ctx, c.Providers[0].Auth, id, terms, 0, common.Hash{1}); err != nil {
			t.Fatal(err)
		}
	}
}

// TestChainRestart stops the indexer mid-ingest, lets writes fail, restarts
// it, and replays everything under a fresh cursor: every escrow event is
// stored exactly once and every lease ends as the chain says.
func TestChainRestart(t *testing.T) {
	ctx := testContext(t)
	const leases = 5
	c, s, dbURL, head := settledChain(t, leases)
	logs, err := c.Backend.FilterLogs(ctx, ethereum.FilterQuery{Addresses: []common.Address{c.Contracts.Escrow}, FromBlock: new(big.Int).SetUint64(c.Contracts.Block)})
	if err != nil {
		t.Fatal(err)
	}
	wantEvents := len(logs)

	// First run: two events per write; stopped after its first writes.
	ix, stop := runChain(t, c, s, indexer.ChainConfig{BatchSize: 2})
	deadline := time.After(30 * time.Second)
	for ix.Indexed() < 4 {
		select {
		case <-deadline:
			t.Fatal("first run indexed fewer than 4 events in 30 s")
		case <-time.After(5 * time.Millisecond):
		}
	}
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	var stored int
	if err := storetest.QueryRow(t, dbURL, "SELECT count(*) FROM lease_events", &stored); err != nil {
		t.Fatal(err)
	}
	if stored >= wantEvents {
		t.Logf("the first run stored all %d events before it stopped; the restart only replays", stored)
	}
	// Second run, on a store that fails every third write: it retries.
	ix2, _ := runChain(t, c, &flakyStore{Store: s}, indexer.ChainConfig{BatchSize: 3})
	waitIndexed(t, ix2, head)
	// Third run under a fresh cursor replays every event: nothing is new.
	ix3, _ := runChain(t, c, s, indexer.ChainConfig{Name: "replay"})
	waitIndexed(t, ix3, head)
	if n := ix3.Indexed(); n != 0 {
		t.Errorf("replay stored %d new events, want 0", n)
	}

	var events, payments, closed int
	if err := storetest.QueryRow(t, dbURL, `SELECT (SELECT count(*) FROM lease_events), (SELECT count(*) FROM payments),
		(SELECT count(*) FROM leases WHERE state = 'closed' AND closed_by = 'provider')`, &events, &payments, &closed); err != nil {
		t.Fatal(err)
	}
	// Per lease: deposit, settlement, refund.
	if events != wantEvents || payments != 3*leases || closed != leases {
		t.Errorf("stored %d events, %d payments, %d closed leases; want %d, %d, %d", events, payments, closed, wantEvents, 3*leases, leases)
	}
	var paid string
	if err := storetest.QueryRow(t, dbURL, `SELECT sum(paid)::text FROM leases`, &paid); err != nil {
		t.Fatal(err)
	}
	var settled string
	if err := storetest.QueryRow(t, dbURL, `SELECT sum(amount)::text FROM payments WHERE kind IN ('withdrawal', 'settlement')`, &settled); err != nil {
		t.Fatal(err)
	}
	if paid != settled {
		t.Errorf("leases say providers were paid %s, payments add up to %s", paid, settled)
	}
}

// TestChainConfirmations checks that events stay out of the index until
// their block is buried under the confirmations, and that a reorg of
// unconfirmed blocks never reaches it.
func TestChainConfirmations(t *testing.T) {
	ctx := testContext(t)
	c := chaintest.New(t)
	s, dbURL := storetest.New(t)
	m := indexer.NewMarket(c.Client.Domain(), s, nil, nil)
	ix, _ := runChain(t, c, s, indexer.ChainConfig{Confirmations: 3})

	o, b := auctioned(t, c, m, 1)
	before := c.Head(t)
	parent, err := c.Backend.HeaderByNumber(ctx, new(big.Int).SetUint64(before))
	if err != nil {
		t.Fatal(err)
	}
	id, r, err := c.Client.Open(ctx, c.Tenant.Auth, &o.Order, &b.SignedBid, big.NewInt(3_600_000))
	if err != nil {
		t.Fatal(err)
	}
	orphan := r.BlockHash
	// Past head-3, the indexer has seen the head that holds the opening
	// and stopped at the confirmation depth: the lease must be absent.
	waitIndexed(t, ix, c.Head(t)-3)
	if _, err := s.Lease(ctx, id); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("lease in an unconfirmed block: got %v, want ErrNotFound", err)
	}

	// Reorg: a longer branch from before the opening replaces it.
	if err := c.Sim.Fork(parent.Hash()); err != nil {
		t.Fatal(err)
	}
	c.Commit(8)
	waitIndexed(t, ix, c.Head(t)-3)
	var n int
	if err := storetest.QueryRow(t, dbURL, fmt.Sprintf(`SELECT count(*) FROM lease_events WHERE block_hash = '\x%x'`, orphan[:]), &n); err != nil {
		t.Fatal(err)
	}
	if n != 0 {
		t.Errorf("%d events of the orphaned block %s are indexed, want 0", n, orphan.Hex())
	}
	// Whatever was indexed lies on the canonical chain.
	var (
		blocks []int64
		hashes [][]byte
	)
	if err := storetest.Query(t, dbURL, `SELECT block_number, block_hash FROM lease_events`, func(scan func(...any) error) error {
		var b int64
		var h []byte
		if err := scan(&b, &h); err != nil {
			return err
		}
		blocks, hashes = append(blocks, b), append(hashes, h)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	for i, b := range blocks {
		hd, err := c.Backend.HeaderByNumber(ctx, big.NewInt(b))
		if err != nil {
			t.Fatal(err)
		}
		if hd.Hash() != common.BytesToHash(hashes[i]) {
			t.Errorf("event at block %d has block hash %x, the canonical block is %s", b, hashes[i], hd.Hash().Hex())
		}
	}
}

// TestChainDeepReorg forks the chain below blocks the indexer has already
// stored (deeper than its confirmations): the indexer must see the block
// it last read replaced, roll the index back to the block both branches
// share, and index the new branch, so that nothing of the orphaned branch
// stays: not a lease opened there, not a start of a lease opened before.
func TestChainDeepReorg(t *testing.T) {
	ctx := testContext(t)
	c := chaintest.New(t)
	s, dbURL := storetest.New(t)
	m := indexer.NewMarket(c.Client.Domain(), s, nil, nil)
	const confirmations = 2
	ix, _ := runChain(t, c, s, indexer.ChainConfig{Confirmations: confirmations})
	tenant, provider := c.Tenant, c.Providers[0]
	deposit := big.NewInt(3_600_000)

	// Lease A opens on the shared part of the chain.
	oa, ba := auctioned(t, c, m, 1)
	idA, _, err := c.Client.Open(ctx, tenant.Auth, &oa.Order, &ba.SignedBid, deposit)
	if err != nil {
		t.Fatal(err)
	}
	c.Commit(confirmations)
	fork, err := c.Backend.HeaderByNumber(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	waitIndexed(t, ix, fork.Number.Uint64()-confirmations)

	// The branch to be orphaned: A starts, lease B opens and starts, and
	// all of it is buried deeper than the confirmations and indexed.
	if _, err := c.Client.Start(ctx, provider.Auth, idA, lease.NewTerms(&oa.Order, &ba.Bid)); err != nil {
		t.Fatal(err)
	}
	ob, bb := auctioned(t, c, m, 2)
	idB, _, err := c.Client.Open(ctx, tenant.Auth, &ob.Order, &bb.SignedBid, deposit)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Client.Start(ctx, provider.Auth, idB, lease.NewTerms(&ob.Order, &bb.Bid)); err != nil {
		t.Fatal(err)
	}
	c.Commit(2 * confirmations)
	waitIndexed(t, ix, c.Head(t)-confirmations)
	for _, id := range []common.Hash{idA, idB} {
		if l, err := s.Lease(ctx, id); err != nil || l.State != "running" {
			t.Fatalf("before the reorg, lease %s: %+v, %v; want running", id.Hex(), l.State, err)
		}
	}
	orphanHead := c.Head(t)

	// The reorg: the chain goes back to the fork block and grows a longer
	// branch without the orphaned transactions (the pool would otherwise
	// mine them again) and with a lease C of its own.
	if err := c.Sim.Fork(fork.Hash()); err != nil {
		t.Fatal(err)
	}
	parties := []common.Address{tenant.Addr, provider.Addr}
	testenv.Eventually(t, 10*time.Second, "the orphaned transactions out of the pool", func() (bool, string, error) {
		c.Sim.Rollback()
		for _, a := range parties {
			pending, err := c.Backend.PendingNonceAt(ctx, a)
			if err != nil {
				return false, "", err
			}
			mined, err := c.Backend.NonceAt(ctx, a, nil)
			if err != nil {
				return false, "", err
			}
			if pending != mined {
				return false, fmt.Sprintf("%s: pending nonce %d, mined %d", a.Hex(), pending, mined), nil
			}
		}
		return true, "", nil
	})
	oc, bc := auctioned(t, c, m, 3)
	idC, _, err := c.Client.Open(ctx, tenant.Auth, &oc.Order, &bc.SignedBid, deposit)
	if err != nil {
		t.Fatal(err)
	}
	c.Commit(int(orphanHead-c.Head(t)) + 2*confirmations)
	testenv.Eventually(t, 30*time.Second, "the index rolled back and past the new head", func() (bool, string, error) {
		return ix.Rewinds() > 0 && ix.NextBlock() > c.Head(t)-confirmations,
			fmt.Sprintf("%d rewinds, at block %d", ix.Rewinds(), ix.NextBlock()), nil
	})

	// What the dashboard shows: A open again, B gone, C there.
	if l, err := s.Lease(ctx, idA); err != nil || l.State != "open" || l.StartedAt != nil {
		t.Errorf("lease A after the reorg: %+v, %v; want open, never started", l, err)
	}
	if _, err := s.Lease(ctx, idB); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("lease B of the orphaned branch: got %v, want ErrNotFound", err)
	}
	if l, err := s.Lease(ctx, idC); err != nil || l.State != "open" {
		t.Errorf("lease C of the new branch: %+v, %v; want open", l, err)
	}
	page, err := s.Leases(ctx, store.LeaseFilter{})
	if err != nil {
		t.Fatal(err)
	}
	var listed []common.Hash
	for _, l := range page.Leases {
		listed = append(listed, l.ID)
	}
	if fmt.Sprint(listed) != fmt.Sprint([]common.Hash{idC, idA}) {
		t.Errorf("lease list: %v, want C then A %v", listed, []common.Hash{idC, idA})
	}
	for state, want := range map[string][]common.Hash{"open": {idC, idA}, "running": nil} {
		if got := storetest.LeaseIDs(t, s, store.LeaseFilter{State: state}); fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("%s leases: %v, want %v", state, got, want)
		}
	}
	storetest.CheckLeaseStates(t, dbURL)
	d, err := s.LeaseDetail(ctx, idA)
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Events) != 1 || d.Events[0].Kind != store.KindLeaseOpened {
		t.Errorf("lease A's events: %+v, want its opening alone", d.Events)
	}

	// The index holds exactly the escrow's events on the canonical chain:
	// none orphaned, none lost, none twice.
	logs, err := c.Backend.FilterLogs(ctx, ethereum.FilterQuery{
		FromBlock: new(big.Int).SetUint64(c.Contracts.Block),
		ToBlock:   new(big.Int).SetUint64(ix.NextBlock() - 1),
		Addresses: []common.Address{c.Contracts.Escrow},
	})
	if err != nil {
		t.Fatal(err)
	}
	var want, got []string
	for _, l := range logs {
		want = append(want, fmt.Sprintf("%d/%d/%x", l.BlockNumber, l.Index, l.BlockHash[:4]))
	}
	if err := storetest.Query(t, dbURL, `SELECT block_number, log_index, block_hash FROM lease_events ORDER BY 1, 2`, func(scan func(...any) error) error {
		var b int64
		var i int32
		var h []byte
		if err := scan(&b, &i, &h); err != nil {
			return err
		}
		got = append(got, fmt.Sprintf("%d/%d/%x", b, i, h[:4]))
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("stored events (block/index/hash):\n%v\nthe canonical chain's:\n%v", got, want)
	}
}
