package store_test

import (
	"context"
	"encoding/binary"
	"math/big"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/jackc/pgx/v5"

	"github.com/tender-market/tender/pkg/store"
	"github.com/tender-market/tender/pkg/store/storetest"
)

// benchEvents returns the escrow events of leases [from, from+n): each
// opened, started, paid out once and closed by its provider (four events).
func benchEvents(from, n int) []store.ChainEvent {
	evs := make([]store.ChainEvent, 0, 4*n)
	base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	var buf [8]byte
	for i := from; i < from+n; i++ {
		binary.BigEndian.PutUint64(buf[:], uint64(i))
		id := crypto.Keccak256Hash(buf[:])
		tenant := common.BytesToAddress(crypto.Keccak256(buf[:6])[:20])
		provider := common.Address{byte(i % 251), byte(i % 241), 1}
		block := uint64(i)
		at := base.Add(time.Duration(i) * time.Second)
		ev := func(j int, kind string) store.ChainEvent {
			return store.ChainEvent{Kind: kind, LeaseID: id, Block: block, BlockHash: common.Hash{byte(j)}, BlockTime: at,
				TxHash: crypto.Keccak256Hash(id[:], []byte{byte(j)}), LogIndex: uint(j)}
		}
		o := ev(0, store.KindLeaseOpened)
		o.Tenant, o.Provider, o.OrderHash, o.PricePerHour, o.MaxDuration, o.Deposit = tenant, provider, id, big.NewInt(3_600_000), 3600, big.NewInt(3_600_000)
		s := ev(1, store.KindStarted)
		s.StartedAt = at
		w := ev(2, store.KindWithdrawn)
		w.Amount = big.NewInt(600_000)
		c := ev(3, store.KindClosed)
		c.TxFrom, c.Paid, c.Refunded = provider, big.NewInt(1_000_000), big.NewInt(2_600_000)
		evs = append(evs, o, s, w, c)
	}
	return evs
}

// eventRows is events as lease_events rows, for the raw COPY baseline.
func eventRows(evs []store.ChainEvent) [][]any {
	rows := make([][]any, len(evs))
	for i := range evs {
		rows[i] = store.EventRow(&evs[i])
	}
	return rows
}

// BenchmarkIngest measures idempotent chain-event ingest (COPY into a
// staging table, set-based upserts of leases and payments, the cursor, one
// transaction per batch) in events/s, beside a raw COPY of the same rows
// into a bare table (no keys, no indexes) in the same run. Target: at least
// 50,000 events/s.
//
//	go test ./pkg/store -run '^$' -bench Ingest -benchtime 100x
func BenchmarkIngest(b *testing.B) {
	const batch = 4000 // events per transaction (1000 leases)
	s, dbURL := storetest.New(b)
	ctx := context.Background()
	batches := make([][]store.ChainEvent, b.N)
	for i := range batches {
		batches[i] = benchEvents(i*batch/4, batch/4)
	}
	b.ResetTimer()
	start := time.Now()
	for i := range b.N {
		if _, err := s.ApplyChainEvents(ctx, "bench", batches[i], store.ChainPosition{Block: uint64((i + 1) * batch)}); err != nil {
			b.Fatal(err)
		}
	}
	ingest := time.Since(start)
	b.StopTimer()

	// Idempotency kept: replaying a batch adds nothing.
	if n, err := s.ApplyChainEvents(ctx, "bench", batches[0], store.ChainPosition{Block: uint64(b.N * batch)}); err != nil || n != 0 {
		b.Fatalf("replay stored %d new events (%v), want 0", n, err)
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
		rows := eventRows(batches[i])
		t0 := time.Now()
		if _, err := conn.CopyFrom(ctx, pgx.Identifier{"raw_events"}, store.EventColumns(), pgx.CopyFromRows(rows)); err != nil {
			b.Fatal(err)
		}
		copyTime += time.Since(t0)
	}
	events := float64(b.N * batch)
	ingestRate, copyRate := events/ingest.Seconds(), events/copyTime.Seconds()
	b.ReportMetric(ingestRate, "events/s")
	b.ReportMetric(copyRate, "raw-copy-rows/s")
	b.ReportMetric(ingestRate/copyRate, "ingest/copy")
	b.ReportMetric(0, "ns/op")
}
