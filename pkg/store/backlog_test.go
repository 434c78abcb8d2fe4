package store_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"

	"github.com/ethereum/go-ethereum/common"

	"github.com/tender-market/tender/pkg/store"
	"github.com/tender-market/tender/pkg/store/storetest"
)

// The backlog tests store the benchmark's spread batches (each lease's
// events over four batches, 1,000 leases a batch) deferred, and compare
// the index with one where every batch moved its leases at once.

// ingestAt is where the indexer stands after batch k.
func ingestAt(k int) store.ChainPosition {
	return store.ChainPosition{Block: uint64((k + 1) * benchLeases)}
}

// ingest stores batches from..to (inclusive) into s, deferring their
// leases when deferred, and fails t on an error.
func ingest(t *testing.T, s *store.Store, from, to int, deferred bool) {
	t.Helper()
	apply := s.ApplyChainEvents
	if deferred {
		apply = s.DeferChainEvents
	}
	for k := from; k <= to; k++ {
		if _, err := apply(context.Background(), "chain", benchBatch(k, true), ingestAt(k)); err != nil {
			t.Fatalf("batch %d: %v", k, err)
		}
	}
}

// leaseDigest is the number of leases at dbURL and a digest of every one
// of them as stored (all but when it was last written), and of the
// payments derived from the events.
func leaseDigest(t *testing.T, dbURL string) (int, string) {
	t.Helper()
	storetest.CheckLeaseStates(t, dbURL)
	var n int
	var digest string
	if err := storetest.QueryRow(t, dbURL, `
SELECT (SELECT count(*) FROM leases),
       coalesce(md5((SELECT string_agg((to_jsonb(l) - 'updated_at')::text, ',' ORDER BY lease_id) FROM leases l)), '') ||
       coalesce(md5((SELECT string_agg(concat_ws('/', block_number, log_index, kind, amount), ',' ORDER BY block_number, log_index, kind)
                     FROM payments)), '')`, &n, &digest); err != nil {
		t.Fatal(err)
	}
	return n, digest
}

// digests holds wantDigest's answers, by last batch, for the tests that
// ask again.
var digests sync.Map

type digest struct {
	leases int
	sum    string
}

// wantDigest is the digest of the index after batches 0..last stored one
// by one, each moving its leases.
func wantDigest(t *testing.T, last int) (int, string) {
	t.Helper()
	if d, ok := digests.Load(last); ok {
		return d.(digest).leases, d.(digest).sum
	}
	s, dbURL := storetest.New(t)
	ingest(t, s, 0, last, false)
	n, sum := leaseDigest(t, dbURL)
	digests.Store(last, digest{n, sum})
	return n, sum
}

// sameIndex fails t unless the index at dbURL is the one batches 0..last
// make when each moves its leases at once.
func sameIndex(t *testing.T, dbURL string, last int) {
	t.Helper()
	wantN, want := wantDigest(t, last)
	if n, got := leaseDigest(t, dbURL); n != wantN || got != want {
		t.Errorf("after batch %d: %d leases, digest %s; leases moved batch by batch: %d, %s", last, n, got, wantN, want)
	}
}

// countLeases is how many leases the index at dbURL lists.
func countLeases(t *testing.T, dbURL string) int {
	t.Helper()
	var n int
	if err := storetest.QueryRow(t, dbURL, `SELECT count(*) FROM leases`, &n); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestDeferredLeasesMoveTogether: batches stored deferred keep their
// events and the cursor at once, and their leases move with the next
// batch stored at once, ending as if every batch had moved its own.
func TestDeferredLeasesMoveTogether(t *testing.T) {
	s, dbURL := storetest.New(t)
	ingest(t, s, 0, 4, true)
	if n := countLeases(t, dbURL); n != 0 {
		t.Errorf("%d leases before the backlog moved, want 0", n)
	}
	pos, ok, err := s.ChainPosition(t.Context(), "chain")
	if err != nil || !ok || pos.Block != ingestAt(4).Block {
		t.Fatalf("cursor %+v (%v, %v), want block %d", pos, ok, err, ingestAt(4).Block)
	}
	// Replayed, deferred or not, nothing is new.
	if n, err := s.DeferChainEvents(t.Context(), "chain", benchBatch(2, true), ingestAt(4)); err != nil || n != 0 {
		t.Fatalf("replay stored %d new events (%v), want 0", n, err)
	}
	ingest(t, s, 5, 5, false)
	sameIndex(t, dbURL, 5)
	// An empty write at once moves nothing more.
	if _, err := s.ApplyChainEvents(t.Context(), "chain", nil, ingestAt(5)); err != nil {
		t.Fatal(err)
	}
	sameIndex(t, dbURL, 5)
}

// TestDeferredLeasesAfterRestart: a backlog outlives its process: the
// store opened again moves its leases from the stored events with the
// next batch, stored at once or deferred (a backlog it does not hold it
// does not grow, since it cannot tell its size).
func TestDeferredLeasesAfterRestart(t *testing.T) {
	for _, more := range []bool{false, true} {
		name := map[bool]string{false: "at once", true: "deferring more"}[more]
		t.Run(name, func(t *testing.T) {
			dbURL := storetest.NewDatabase(t)
			first, err := store.Open(t.Context(), dbURL, nil)
			if err != nil {
				t.Fatal(err)
			}
			ingest(t, first, 0, 2, true)
			first.Close()

			again, err := store.Open(t.Context(), dbURL, nil)
			if err != nil {
				t.Fatal(err)
			}
			defer again.Close()
			last := 3
			if more {
				ingest(t, again, 3, 3, true)
				if n := countLeases(t, dbURL); n != 4*benchLeases {
					t.Fatalf("%d leases after the first batch deferred by the new process, want %d", n, 4*benchLeases)
				}
				ingest(t, again, 4, 4, true)
				last = 5
			}
			ingest(t, again, last, last, false)
			sameIndex(t, dbURL, last)
		})
	}
}

// TestDeferredLeasesTwoBrokers: two processes write one index in turn (an
// ingest lock that changed hands): neither moves a lease twice or misses
// one, though each kept the backlog it began in memory.
func TestDeferredLeasesTwoBrokers(t *testing.T) {
	a, dbURL := storetest.New(t)
	b, err := store.Open(t.Context(), dbURL, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	ingest(t, a, 0, 1, true)
	ingest(t, b, 2, 2, true)  // b moves a's backlog from the stored events
	ingest(t, a, 3, 3, true)  // a's memory no longer is the backlog: a new one
	ingest(t, b, 4, 4, false) // b moves it from the stored events
	ingest(t, a, 5, 6, true)  // a begins a new backlog
	ingest(t, b, 7, 7, true)  // b moves it
	ingest(t, a, 8, 8, false) // a's memory is stale: nothing moves twice
	sameIndex(t, dbURL, 8)
}

// TestDeferredLeasesRewound: a reorg's rewind moves the backlog's leases
// by the events left, so the index is the one the blocks before the fork
// make.
func TestDeferredLeasesRewound(t *testing.T) {
	s, dbURL := storetest.New(t)
	ingest(t, s, 0, 1, false)
	ingest(t, s, 2, 4, true)
	// Batch 4 goes: the leases it touched are derived anew, and so must
	// the backlog's others be (lease 0's payout and close, in batches 2
	// and 3).
	if _, err := s.RewindChain(t.Context(), "chain", store.ChainPosition{Block: ingestAt(3).Block}); err != nil {
		t.Fatal(err)
	}
	sameIndex(t, dbURL, 3)
	// The indexer goes on from there.
	ingest(t, s, 4, 4, true)
	ingest(t, s, 5, 5, false)
	sameIndex(t, dbURL, 5)
}

// TestBacklogCapped: the leases of a long catch-up move every
// store.MaxBacklog events at least, so the lease list lags by no more.
func TestBacklogCapped(t *testing.T) {
	s, dbURL := storetest.New(t)
	k, held := 0, 0
	for ; held+len(benchBatch(k, true)) <= store.MaxBacklog; k++ {
		held += len(benchBatch(k, true))
		ingest(t, s, k, k, true)
	}
	if n := countLeases(t, dbURL); n != 0 {
		t.Fatalf("%d leases while the backlog holds %d events, want 0", n, held)
	}
	ingest(t, s, k, k, true) // past the cap
	sameIndex(t, dbURL, k)
}

// TestBacklogOfReplicas: a batch that shows replicas moves the backlog's
// leases and its own at once, since what it shows holds for every lease
// of their orders.
func TestBacklogOfReplicas(t *testing.T) {
	s, dbURL := storetest.New(t)
	ingest(t, s, 0, 2, true)
	batch := benchBatch(3, true)
	for i := range batch {
		if batch[i].Kind == store.KindClosed {
			// Lease 0 is a replica, settled instead of closed.
			batch[i].Kind, batch[i].Agreed = store.KindReplicaSettled, true
			break
		}
	}
	if _, err := s.DeferChainEvents(t.Context(), "chain", batch, ingestAt(3)); err != nil {
		t.Fatal(err)
	}
	var replicas, leases int
	if err := storetest.QueryRow(t, dbURL, `SELECT count(*) FILTER (WHERE replica), count(*) FROM leases`, &replicas, &leases); err != nil {
		t.Fatal(err)
	}
	if replicas != 1 || leases != 4*benchLeases {
		t.Errorf("%d leases, %d replicas; want %d leases, 1 replica", leases, replicas, 4*benchLeases)
	}
}

// TestDeferredLeaseLearnsModel: a lease whose opening waits in a backlog
// takes its GPU model from its auction's transcript, come meanwhile.
func TestDeferredLeaseLearnsModel(t *testing.T) {
	s, _ := storetest.New(t)
	tenant := storetest.Key(1)
	order := market.Order(t, tenant, 70, 1, 4_000_000)
	bid := market.Bid(t, &order, storetest.Key(2), 3_000_000, storetest.Offer{Model: "NVIDIA H200", Count: 1})
	evs := lifecycle(bid.Hash, storetest.Address(1), bid.Bid.Provider, 100, store.KindClosed, bid.Bid.Provider)
	if _, err := s.DeferChainEvents(t.Context(), "chain", evs[:2], store.ChainPosition{Block: 102}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.SaveTranscript(t.Context(), market.Record(t, market.Transcript(t, &order, tenant, bid))); err != nil {
		t.Fatal(err)
	}
	if _, err := s.ApplyChainEvents(t.Context(), "chain", evs[2:], store.ChainPosition{Block: 105}); err != nil {
		t.Fatal(err)
	}
	d, err := s.LeaseDetail(t.Context(), bid.Hash)
	if err != nil {
		t.Fatal(err)
	}
	if d.Lease.GPUModel != "NVIDIA H200" || d.Lease.State != "closed" {
		t.Errorf("lease: model %q, state %s; want NVIDIA H200, closed", d.Lease.GPUModel, d.Lease.State)
	}
}

// TestBacklogBlocksMigrationDown: the schema does not go back below the
// backlog's columns while a backlog waits, which would strand its leases;
// once it has moved, it does.
func TestBacklogBlocksMigrationDown(t *testing.T) {
	s, dbURL := storetest.New(t)
	ingest(t, s, 0, 1, true)
	p := migrator(t, dbURL)
	if _, err := p.DownTo(t.Context(), 10); err == nil || !strings.Contains(err.Error(), "caught up") {
		t.Fatalf("migrating down with a backlog waiting: %v, want a refusal that says to catch up first", err)
	}
	ingest(t, s, 2, 2, false)
	if _, err := p.DownTo(t.Context(), 10); err != nil {
		t.Fatalf("migrating down once the backlog moved: %v", err)
	}
}

// TestDeferredLeaseNotFoundYet: a lease whose events wait in a backlog is
// not found yet, and the error says the broker is catching up; once the
// backlog moves, it is.
func TestDeferredLeaseNotFoundYet(t *testing.T) {
	s, _ := storetest.New(t)
	id := common.Hash{0x91}
	evs := lifecycle(id, storetest.Address(1), storetest.Address(2), 100, store.KindClosed, storetest.Address(2))
	if _, err := s.DeferChainEvents(t.Context(), "chain", evs[:2], store.ChainPosition{Block: 102}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.LeaseDetail(t.Context(), id); !errors.Is(err, store.ErrNotFound) || !strings.Contains(err.Error(), "catching up") {
		t.Errorf("a lease in the backlog: %v, want not found yet, saying the broker is catching up", err)
	}
	if _, err := s.ApplyChainEvents(t.Context(), "chain", evs[2:], store.ChainPosition{Block: 105}); err != nil {
		t.Fatal(err)
	}
	if d, err := s.LeaseDetail(t.Context(), id); err != nil || d.Lease.State != "closed" {
		t.Errorf("once the backlog moved: %+v, %v; want the lease, closed", d.Lease, err)
	}
}
