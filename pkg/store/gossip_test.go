package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/jackc/pgx/v5"

	"github.com/tender-market/tender/pkg/auction"
	"github.com/tender-market/tender/pkg/store"
	"github.com/tender-market/tender/pkg/store/storetest"
)

// TestTranscriptDuringLeaseInsert: a transcript stored while a chain write
// inserts its winner's lease still gives the lease its GPU model. Run at
// once, the write read no bid and the transcript found no lease.
func TestTranscriptDuringLeaseInsert(t *testing.T) {
	s, dbURL := storetest.New(t)
	tenant := storetest.Key(1)
	order := market.Order(t, tenant, 71, 1, 4_000_000)
	bid := market.Bid(t, &order, storetest.Key(2), 3_000_000, storetest.Offer{Model: "NVIDIA H200", Count: 1})
	record := market.Record(t, market.Transcript(t, &order, tenant, bid))
	// The provider is known from an earlier lease: the transcript's write
	// of it then waits for nothing.
	earlier := lifecycle(common.Hash{0x71}, storetest.Address(1), bid.Bid.Provider, 50, store.KindClosed, bid.Bid.Provider)
	evs := lifecycle(bid.Hash, storetest.Address(1), bid.Bid.Provider, 100, store.KindClosed, bid.Bid.Provider)
	duringChainWrite(t, s, dbURL, earlier, evs, func(ctx context.Context) error {
		_, err := s.SaveTranscript(ctx, record)
		return err
	})
	d, err := s.LeaseDetail(t.Context(), bid.Hash)
	if err != nil {
		t.Fatal(err)
	}
	if d.Lease.GPUModel != "NVIDIA H200" {
		t.Errorf("lease's GPU model %q, want NVIDIA H200", d.Lease.GPUModel)
	}
}

// TestHeldOrderDuringLeaseInsert: an order that holds its leases' pay,
// stored while a chain write inserts one of its leases, still makes the
// lease a replica.
func TestHeldOrderDuringLeaseInsert(t *testing.T) {
	s, dbURL := storetest.New(t)
	tenant := storetest.Key(1)
	o := market.Order(t, tenant, 72, 1, 4_000_000)
	o.Order.Verify = auction.Verify{Replicas: 2, Paths: []string{"model.json"}}
	vo := market.Sign(t, tenant, o.Order)
	id := common.Hash{0x72}
	evs := lifecycle(id, storetest.Address(1), storetest.Address(2), 100, store.KindClosed, storetest.Address(2))
	evs[0].OrderHash = vo.Hash
	duringChainWrite(t, s, dbURL, nil, evs, func(ctx context.Context) error {
		_, err := s.SaveOrder(ctx, vo, t0)
		return err
	})
	d, err := s.LeaseDetail(t.Context(), id)
	if err != nil {
		t.Fatal(err)
	}
	if !d.Lease.Replica {
		t.Error("the lease of a held order is not a replica")
	}
}

// duringChainWrite stores earlier (blocks before 99), then runs write while
// a chain write of evs has inserted their leases and not yet committed: the
// test holds the chain indexer's cursor row, which the chain write updates
// last. Once write has ended or waits on a lock, the cursor is let go. It
// fails t unless both writes succeed.
func duringChainWrite(t *testing.T, s *store.Store, dbURL string, earlier, evs []store.ChainEvent, write func(context.Context) error) {
	t.Helper()
	ctx := t.Context()
	if _, err := s.ApplyChainEvents(ctx, "chain", earlier, store.ChainPosition{Block: 99}); err != nil {
		t.Fatal(err)
	}
	holder, err := pgx.Connect(ctx, dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer holder.Close(context.Background())
	watcher, err := pgx.Connect(ctx, dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer watcher.Close(context.Background())
	hold, err := holder.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer hold.Rollback(context.Background())
	if _, err := hold.Exec(ctx, `SELECT 1 FROM chain_cursors WHERE name = 'chain' FOR UPDATE`); err != nil {
		t.Fatal(err)
	}

	chain := make(chan error, 1)
	go func() {
		_, err := s.ApplyChainEvents(ctx, "chain", evs, store.ChainPosition{Block: 1000})
		chain <- err
	}()
	// The chain write waits on the cursor row: its leases are in.
	waitFor(t, watcher, nil, `query LIKE '%INSERT INTO chain_cursors%' AND wait_event_type = 'Lock'`)
	other := make(chan error, 1)
	go func() { other <- write(ctx) }()
	waitFor(t, watcher, other, `wait_event_type = 'Lock' AND query NOT LIKE '%chain_cursors%'`)
	if err := hold.Rollback(ctx); err != nil {
		t.Fatal(err)
	}
	for _, c := range []chan error{chain, other} {
		select {
		case err := <-c:
			if err != nil {
				t.Fatal(err)
			}
		case <-time.After(time.Minute):
			t.Fatal("a write still runs a minute after the cursor was let go")
		}
	}
}

// waitFor polls the database's sessions until one matches where, or until
// done yields (its value is put back), for at most a minute.
func waitFor(t *testing.T, c *pgx.Conn, done chan error, where string) {
	t.Helper()
	tick := time.NewTicker(5 * time.Millisecond)
	defer tick.Stop()
	deadline := time.After(time.Minute)
	for {
		var n int
		if err := c.QueryRow(t.Context(), `SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND `+where).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n > 0 {
			return
		}
		select {
		case err := <-done:
			done <- err
			return
		case <-deadline:
			t.Fatalf("no session where %s within a minute", where)
		case <-tick.C:
		}
	}
}
