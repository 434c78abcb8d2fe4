package store_test

import (
	"context"
	"strings"
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

// TestGossipWaitsOnOneConnection: transcripts stored while a chain write
// runs wait for it on one of the store's connections at most, so the API
// still reads through the others; once the chain write ends, every
// transcript is stored.
func TestGossipWaitsOnOneConnection(t *testing.T) {
	_, dbURL := storetest.New(t)
	sep := "?"
	if strings.Contains(dbURL, "?") {
		sep = "&"
	}
	// Three connections: the chain write's, one waiting transcript's and
	// the reader's.
	s, err := store.Open(t.Context(), dbURL+sep+"pool_max_conns=3", nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close) // after the chain write is let go (cleanups run last first)
	tenant := storetest.Key(1)
	var records []store.TranscriptRecord
	for i := range 6 {
		order := market.Order(t, tenant, uint64(80+i), 1, 4_000_000)
		bid := market.Bid(t, &order, storetest.Key(2), 3_000_000, storetest.Offer{Model: "NVIDIA H200", Count: 1})
		records = append(records, market.Record(t, market.Transcript(t, &order, tenant, bid)))
	}
	evs := lifecycle(common.Hash{0x80}, storetest.Address(1), storetest.Address(2), 100, store.KindClosed, storetest.Address(2))
	w := holdChainWrite(t, s, dbURL, nil, evs)
	saved := make(chan error, len(records))
	for _, r := range records {
		go func() {
			_, err := s.SaveTranscript(t.Context(), r)
			saved <- err
		}()
	}
	waitFor(t, w.watcher, nil, `wait_event = 'advisory'`)
	// Never a second one on a connection, over twenty looks: without the
	// limit the others take the pool's free connection at once.
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	for range 20 {
		<-tick.C
		var n int
		if err := w.watcher.QueryRow(t.Context(), `SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event = 'advisory'`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n > 1 {
			t.Fatalf("%d transcripts wait for the chain lock on connections of their own", n)
		}
	}
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	if err := s.Ping(ctx); err != nil {
		t.Errorf("a read while transcripts wait for the chain write: %v", err)
	}
	w.release(t, saved, len(records))
	var n int
	if err := storetest.QueryRow(t, dbURL, `SELECT count(*) FROM transcripts`, &n); err != nil || n != len(records) {
		t.Fatalf("%d transcripts stored (%v), want %d", n, err, len(records))
	}
}

// duringChainWrite runs write while a chain write of evs (after earlier)
// has inserted their leases and not yet committed (holdChainWrite); once
// write has ended or waits on a lock, the chain write goes on. It fails t
// unless both writes succeed.
func duringChainWrite(t *testing.T, s *store.Store, dbURL string, earlier, evs []store.ChainEvent, write func(context.Context) error) {
	t.Helper()
	w := holdChainWrite(t, s, dbURL, earlier, evs)
	other := make(chan error, 1)
	go func() { other <- write(t.Context()) }()
	waitFor(t, w.watcher, other, `wait_event_type = 'Lock' AND query NOT LIKE '%chain_cursors%'`)
	w.release(t, other, 1)
}

// heldChainWrite is a chain write stopped before it commits, and a
// connection that watches the database's sessions.
type heldChainWrite struct {
	watcher *pgx.Conn
	hold    pgx.Tx
	chain   chan error
}

// holdChainWrite stores earlier (blocks before 99), then starts a chain
// write of evs and returns once it has inserted their leases: the test
// holds the chain indexer's cursor row, which the chain write updates
// last.
func holdChainWrite(t *testing.T, s *store.Store, dbURL string, earlier, evs []store.ChainEvent) *heldChainWrite {
	t.Helper()
	ctx := t.Context()
	if _, err := s.ApplyChainEvents(ctx, "chain", earlier, store.ChainPosition{Block: 99}); err != nil {
		t.Fatal(err)
	}
	connect := func() *pgx.Conn {
		c, err := pgx.Connect(ctx, dbURL)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { c.Close(context.Background()) })
		return c
	}
	w := &heldChainWrite{watcher: connect(), chain: make(chan error, 1)}
	var err error
	if w.hold, err = connect().Begin(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := w.hold.Exec(ctx, `SELECT 1 FROM chain_cursors WHERE name = 'chain' FOR UPDATE`); err != nil {
		t.Fatal(err)
	}
	go func() {
		_, err := s.ApplyChainEvents(ctx, "chain", evs, store.ChainPosition{Block: 1000})
		w.chain <- err
	}()
	// The chain write waits on the cursor row: its leases are in.
	waitFor(t, w.watcher, nil, `query LIKE '%INSERT INTO chain_cursors%' AND wait_event_type = 'Lock'`)
	return w
}

// release lets the chain write go and waits for it, and for n results of
// the writes beside it on others; it fails t on any error.
func (w *heldChainWrite) release(t *testing.T, others chan error, n int) {
	t.Helper()
	if err := w.hold.Rollback(t.Context()); err != nil {
		t.Fatal(err)
	}
	for i := range n + 1 {
		c := others
		if i == 0 {
			c = w.chain
		}
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
