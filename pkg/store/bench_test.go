package store_test

import (
	"cmp"
	"context"
	"encoding/binary"
	"fmt"
	"math/big"
	"slices"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/jackc/pgx/v5"

	"github.com/tender-market/tender/pkg/store"
	"github.com/tender-market/tender/pkg/store/storetest"
)

// benchLeases is the number of leases a benchmark batch opens; each lease
// has four events (opened, started, paid out once, closed by its provider).
const benchLeases = 1000

// benchBatch returns batch k of escrow events, in chain order. Batch k
// opens leases [k*benchLeases, (k+1)*benchLeases). With spread false each
// lease lives its whole life in the batch that opens it; with spread true
// its later events come one per batch after it (started in the next batch,
// paid out in the one after, closed in the third), so that most events move
// a lease stored before. The market has 500 providers. Batches are made one
// at a time, so that the benchmark's own garbage collector does not scan
// the whole run's events while the store works.
func benchBatch(k int, spread bool) []store.ChainEvent {
	base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	batch := make([]store.ChainEvent, 0, 4*benchLeases)
	var buf [8]byte
	for j, kind := range []string{store.KindLeaseOpened, store.KindStarted, store.KindWithdrawn, store.KindClosed} {
		opened := k // the batch that opened the leases whose j-th event is here
		if spread {
			opened = k - j
		}
		if opened < 0 {
			continue
		}
		for i := opened * benchLeases; i < (opened+1)*benchLeases; i++ {
			binary.BigEndian.PutUint64(buf[:], uint64(i))
			id := crypto.Keccak256Hash(buf[:])
			provider := common.Address{byte(i % 500 / 256), byte(i % 500), 1}
			// One block per lease and batch; its events are logged in order.
			block := uint64(k*benchLeases + i%benchLeases)
			e := store.ChainEvent{Kind: kind, LeaseID: id, Block: block, BlockHash: common.Hash{byte(block)},
				BlockTime: base.Add(time.Duration(block) * time.Second), TxHash: crypto.Keccak256Hash(id[:], []byte{byte(j)}),
				LogIndex: uint(j)}
			switch kind {
			case store.KindLeaseOpened:
				tenant := common.BytesToAddress(crypto.Keccak256(buf[4:])[:20])
				e.Tenant, e.Provider, e.OrderHash, e.PricePerHour, e.MaxDuration, e.Deposit = tenant, provider, id, big.NewInt(3_600_000), 3600, big.NewInt(3_600_000)
			case store.KindStarted:
				e.StartedAt = e.BlockTime
			case store.KindWithdrawn:
				e.Amount = big.NewInt(600_000)
			case store.KindClosed:
				e.TxFrom, e.Paid, e.Refunded = provider, big.NewInt(1_000_000), big.NewInt(2_600_000)
			}
			batch = append(batch, e)
		}
	}
	slices.SortFunc(batch, func(x, y store.ChainEvent) int {
		return cmp.Or(cmp.Compare(x.Block, y.Block), cmp.Compare(x.LogIndex, y.LogIndex))
	})
	return batch
}

// eventRows is events as lease_events rows, for the raw COPY baseline.
func eventRows(evs []store.ChainEvent) [][]any {
	rows := make([][]any, len(evs))
	for i := range evs {
		rows[i] = store.EventRow(&evs[i])
	}
	return rows
}

// BenchmarkIngest measures idempotent chain-event ingest (the check for
// events stored before, COPY of the new ones, leases inserted or updated,
// the cursor, one transaction per batch of about 4,000 events) in
// events/s, beside a raw COPY of the same rows into a bare table (no keys,
// no indexes) in the same run. Target: at least 50,000 events/s.
// "whole" batches hold whole lease lives, each moving its leases; in
// "spread" batches three events in four move a lease stored before, and
// they go in as a chain indexer catching up writes them (leases moved
// every few batches); "spread-live" moves the leases of every batch, as at
// the chain's head.
//
//	go test ./pkg/store -run '^$' -bench Ingest -benchtime 50x
func BenchmarkIngest(b *testing.B) {
	b.Run("whole", func(b *testing.B) { benchIngest(b, false, false) })
	b.Run("spread", func(b *testing.B) { benchIngest(b, true, true) })
	b.Run("spread-live", func(b *testing.B) { benchIngest(b, true, false) })
}

// benchIngest stores b.N batches. Catching up, it stores them as a chain
// indexer that is catching up does (DeferChainEvents, the last batch with
// ApplyChainEvents, which moves every lease left): the time until every
// lease has moved counts. Otherwise each batch moves its leases, as at the
// chain's head.
func benchIngest(b *testing.B, spread, catchingUp bool) {
	s, dbURL := storetest.New(b)
	ctx := context.Background()
	b.ResetTimer()
	var ingest time.Duration
	var stored int
	for i := range b.N {
		b.StopTimer()
		batch := benchBatch(i, spread)
		b.StartTimer()
		apply := s.ApplyChainEvents
		if catchingUp && i < b.N-1 {
			apply = s.DeferChainEvents
		}
		t0 := time.Now()
		n, err := apply(ctx, "bench", batch, store.ChainPosition{Block: uint64((i + 1) * benchLeases)})
		if err != nil {
			b.Fatal(err)
		}
		ingest += time.Since(t0)
		stored += n
	}
	b.StopTimer()

	// Idempotency kept: replaying a batch adds nothing.
	if n, err := s.ApplyChainEvents(ctx, "bench", benchBatch(0, spread), store.ChainPosition{Block: uint64(b.N * benchLeases)}); err != nil || n != 0 {
		b.Fatalf("replay stored %d new events (%v), want 0", n, err)
	}
	if spread && b.N > 3 {
		// Every lease of the first batch closed, paid as a whole batch pays.
		var closed int
		var settled string
		if err := storetest.QueryRow(b, dbURL, fmt.Sprintf(`SELECT count(*), sum(amount)::text FROM leases l JOIN payments p USING (lease_id)
			WHERE l.opened_block < %d AND l.state = 'closed' AND p.kind = 'settlement'`, benchLeases), &closed, &settled); err != nil {
			b.Fatal(err)
		}
		if closed != benchLeases || settled != fmt.Sprint(benchLeases*400_000) {
			b.Fatalf("first batch's leases: %d closed, settled %s; want %d, %d", closed, settled, benchLeases, benchLeases*400_000)
		}
	}

	conn, err := pgx.Connect(ctx, dbURL)
	if err != nil {
		b.Fatal(err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, `CREATE TABLE raw_events (LIKE lease_events)`); err != nil {
		b.Fatal(err)
	}
	var copyTime time.Duration
	for i := range b.N {
		rows := eventRows(benchBatch(i, spread))
		t0 := time.Now()
		if _, err := conn.CopyFrom(ctx, pgx.Identifier{"raw_events"}, store.EventColumns(), pgx.CopyFromRows(rows)); err != nil {
			b.Fatal(err)
		}
		copyTime += time.Since(t0)
	}
	events := float64(stored)
	ingestRate, copyRate := events/ingest.Seconds(), events/copyTime.Seconds()
	b.ReportMetric(ingestRate, "events/s")
	b.ReportMetric(copyRate, "raw-copy-rows/s")
	b.ReportMetric(ingestRate/copyRate, "ingest/copy")
	b.ReportMetric(0, "ns/op")
}
