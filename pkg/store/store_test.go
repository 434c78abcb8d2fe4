package store_test

import (
	"context"
	"errors"
	"fmt"
	"math/big"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/google/go-cmp/cmp"

	"github.com/tender-market/tender/pkg/auction"
	"github.com/tender-market/tender/pkg/lease"
	"github.com/tender-market/tender/pkg/store"
	"github.com/tender-market/tender/pkg/store/storetest"
)

var (
	testDomain = storetest.Domain
	t0         = time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)
	market     = storetest.Market{Domain: testDomain, Now: t0}
)

func testContext(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	t.Cleanup(cancel)
	return ctx
}

func TestOpenMigratesOnce(t *testing.T) {
	ctx := testContext(t)
	_, url := storetest.New(t)
	// A second broker on the same database finds the schema in place.
	s2, err := store.Open(ctx, url, nil)
	if err != nil {
		t.Fatalf("second Open: %v", err)
	}
	defer s2.Close()
	if err := s2.Ping(ctx); err != nil {
		t.Fatal(err)
	}
}

func TestOpenBadURL(t *testing.T) {
	ctx := testContext(t)
	for _, url := range []string{"not a url ://", "postgres://postgres@127.0.0.1:1/nothing?connect_timeout=2"} {
		if s, err := store.Open(ctx, url, nil); err == nil {
			s.Close()
			t.Errorf("Open(%q) = nil error, want one", url)
		}
	}
}

func TestSaveOrderIdempotent(t *testing.T) {
	ctx := testContext(t)
	s, _ := storetest.New(t)
	o := market.Order(t, storetest.Key(1), 1, 2, 4_000_000, "H100")
	for i, want := range []bool{true, false} {
		isNew, err := s.SaveOrder(ctx, o, t0)
		if err != nil {
			t.Fatal(err)
		}
		if isNew != want {
			t.Errorf("save %d: new = %v, want %v", i, isNew, want)
		}
	}
	got, err := s.Order(ctx, o.Hash)
	if err != nil {
		t.Fatal(err)
	}
	// The stored order is the signed order exactly: it still verifies.
	vo, err := testDomain.VerifyOrder(got.Signed)
	if err != nil || vo.Hash != o.Hash {
		t.Fatalf("stored order verifies to %s, %v; want %s", vo.Hash.Hex(), err, o.Hash.Hex())
	}
	page, err := s.Orders(ctx, store.OrderFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(page.Orders) != 1 {
		t.Errorf("orders listed: got %d, want 1", len(page.Orders))
	}
	if _, err := s.Order(ctx, common.Hash{1}); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("unknown order: got %v, want ErrNotFound", err)
	}
}

func TestSaveTranscript(t *testing.T) {
	ctx := testContext(t)
	s, dbURL := storetest.New(t)
	tenant := storetest.Key(1)
	order := market.Order(t, tenant, 7, 2, 4_000_000, "H100")
	cheap := market.Bid(t, &order, storetest.Key(2), 3_000_000, storetest.Offer{Model: "NVIDIA H100 80GB HBM3", Count: 2})
	dear := market.Bid(t, &order, storetest.Key(3), 3_500_000, storetest.Offer{Model: "NVIDIA H100 80GB HBM3", Count: 2, Simulated: true})
	tooDear := market.Bid(t, &order, storetest.Key(4), 5_000_000, storetest.Offer{Model: "NVIDIA A100", Count: 2})
	tr := market.Transcript(t, &order, tenant, cheap, dear, tooDear)
	rec := market.Record(t, tr)

	for i, want := range []bool{true, false} {
		isNew, err := s.SaveTranscript(ctx, rec)
		if err != nil {
			t.Fatal(err)
		}
		if isNew != want {
			t.Errorf("save %d: new = %v, want %v", i, isNew, want)
		}
	}
	got, err := s.Transcript(ctx, rec.Hash)
	if err != nil {
		t.Fatal(err)
	}
	if got.Winner != cheap.Hash || got.OrderHash != order.Hash || got.BidCount != 3 {
		t.Errorf("transcript: winner %s, order %s, %d bids; want %s, %s, 3", got.Winner.Hex(), got.OrderHash.Hex(), got.BidCount, cheap.Hash.Hex(), order.Hash.Hex())
	}
	type row struct {
		Provider common.Address
		Price    string
		Reason   string
		Won      bool
	}
	var rows []row
	for _, e := range got.Entries {
		rows = append(rows, row{e.Provider, e.PricePerHour.String(), e.Reason, e.Won})
	}
	want := []row{
		{storetest.Address(2), "3000000", "", true},
		{storetest.Address(3), "3500000", "", false},
		{storetest.Address(4), "5000000", string(auction.ReasonPriceAboveMax), false},
	}
	if d := cmp.Diff(want, rows); d != "" {
		t.Errorf("entries (-want +got):\n%s", d)
	}
	if got.MinReputation != 0 || got.Omitted != 0 {
		t.Errorf("transcript: floor %d, %d omitted; want none", got.MinReputation, got.Omitted)
	}
	// Providers carry their latest offer, simulated or not.
	p, err := s.Provider(ctx, storetest.Address(3))
	if err != nil {
		t.Fatal(err)
	}
	if p.Simulated == nil || !*p.Simulated || p.GPUCount != 2 || len(p.GPUModels) != 1 {
		t.Errorf("provider 3: simulated %v, %d GPUs, models %v; want simulated, 2 GPUs, one model", p.Simulated, p.GPUCount, p.GPUModels)
	}
	var n int
	if err := storetest.QueryRow(t, dbURL, "SELECT count(*) FROM transcript_entries", &n); n != 3 || err != nil {
		t.Errorf("transcript entries stored: %d (%v), want 3", n, err)
	}
	// A transcript with a reputation floor keeps it: the cheap bid's
	// provider is below it, and the dearer one wins.
	floorOrder := market.Order(t, tenant, 8, 2, 4_000_000, "H100")
	cands := []auction.Candidate{
		{Bid: market.Bid(t, &floorOrder, storetest.Key(2), 3_000_000, storetest.Offer{Model: "NVIDIA H100 80GB HBM3", Count: 2}), Arrival: market.Now.Add(time.Second)},
		{Bid: market.Bid(t, &floorOrder, storetest.Key(3), 3_500_000, storetest.Offer{Model: "NVIDIA H100 80GB HBM3", Count: 2}), Arrival: market.Now.Add(2 * time.Second), Reputation: 30},
	}
	floorTr, err := market.Domain.NewTranscript(&floorOrder, cands, market.Now.Add(31*time.Second), auction.NewKeySigner(tenant), auction.WithMinReputation(20))
	if err != nil {
		t.Fatal(err)
	}
	floorRec := market.Record(t, floorTr)
	if _, err := s.SaveTranscript(ctx, floorRec); err != nil {
		t.Fatal(err)
	}
	if got, err := s.Transcript(ctx, floorRec.Hash); err != nil || got.MinReputation != 20 || got.Winner != cands[1].Bid.Hash || got.Entries[0].Reason != string(auction.ReasonReputation) {
		t.Errorf("transcript with a floor: %+v, %v; want floor 20, the dearer bid winning, the cheap one below the floor", got, err)
	}
}

// lifecycle returns the escrow events of one lease: opened at block b,
// started, withdrawn, topped up, then ended by end (Closed, Overdrawn or
// Reclaimed; Reclaimed skips the start).
func lifecycle(id common.Hash, tenant, provider common.Address, b uint64, end string, closer common.Address) []store.ChainEvent {
	return lifecycleExit(id, tenant, provider, b, end, closer, 3)
}

// lifecycleExit is lifecycle with the exit code of a Closed end.
func lifecycleExit(id common.Hash, tenant, provider common.Address, b uint64, end string, closer common.Address, exit lease.ExitCode) []store.ChainEvent {
	at := func(i uint64) (uint64, time.Time, common.Hash) {
		return b + i, t0.Add(time.Duration(b+i) * time.Second), crypto.Keccak256Hash(id[:], big.NewInt(int64(i)).Bytes())
	}
	ev := func(i uint64, kind string) store.ChainEvent {
		block, tm, tx := at(i)
		return store.ChainEvent{Kind: kind, LeaseID: id, Block: block, BlockHash: common.Hash{byte(block)}, BlockTime: tm, TxHash: tx, LogIndex: 1}
	}
	opened := ev(0, store.KindLeaseOpened)
	opened.Tenant, opened.Provider, opened.OrderHash = tenant, provider, crypto.Keccak256Hash(id[:])
	opened.PricePerHour, opened.MaxDuration, opened.Deposit = big.NewInt(3_600_000), 3600, big.NewInt(1_000_000)
	evs := []store.ChainEvent{opened}
	if end == store.KindReclaimed {
		r := ev(1, store.KindReclaimed)
		r.Refunded = big.NewInt(1_000_000)
		return append(evs, r)
	}
	started := ev(1, store.KindStarted)
	started.StartedAt = started.BlockTime
	w := ev(2, store.KindWithdrawn)
	w.Amount = big.NewInt(100_000)
	top := ev(3, store.KindToppedUp)
	top.Amount, top.Deposit = big.NewInt(500_000), big.NewInt(1_500_000)
	evs = append(evs, started, w, top)
	e := ev(4, end)
	e.TxFrom = closer
	switch end {
	case store.KindClosed:
		e.Paid, e.Refunded, e.ExitCode, e.ResultHash = big.NewInt(400_000), big.NewInt(1_100_000), int32(exit), common.Hash{0xaa}
	case store.KindOverdrawn:
		e.Paid = big.NewInt(1_500_000)
	}
	return append(evs, e)
}

func TestApplyChainEvents(t *testing.T) {
	tenant, provider, stranger := storetest.Address(1), storetest.Address(2), storetest.Address(9)
	type payment struct {
		Kind    string
		Account common.Address
		Amount  string
	}
	deposit := payment{"deposit", tenant, "1000000"}
	withdrawal := payment{"withdrawal", provider, "100000"}
	topUp := payment{"top_up", tenant, "500000"}
	tests := []struct {
		name     string
		end      string
		closer   common.Address
		state    string
		closedBy string
		paid     string
		refunded string
		payments []payment
	}{
		{"closed by provider", store.KindClosed, provider, "closed", "provider", "400000", "1100000",
			[]payment{deposit, withdrawal, topUp, {"settlement", provider, "300000"}, {"refund", tenant, "1100000"}}},
		{"closed by tenant", store.KindClosed, tenant, "closed", "tenant", "400000", "1100000",
			[]payment{deposit, withdrawal, topUp, {"settlement", provider, "300000"}, {"refund", tenant, "1100000"}}},
		{"overdrawn", store.KindOverdrawn, stranger, "overdrawn", "anyone", "1500000", "0",
			[]payment{deposit, withdrawal, topUp, {"settlement", provider, "1400000"}}},
		{"reclaimed", store.KindReclaimed, tenant, "reclaimed", "tenant", "0", "1000000",
			[]payment{deposit, {"refund", tenant, "1000000"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := testContext(t)
			s, _ := storetest.New(t)
			id := crypto.Keccak256Hash([]byte(tt.name))
			evs := lifecycle(id, tenant, provider, 10, tt.end, tt.closer)
			next := store.ChainPosition{Block: 20}
			// Two batches, the second replaying the first: stored once.
			for i, want := range []int{len(evs), 0} {
				added, err := s.ApplyChainEvents(ctx, "escrow", evs, next)
				if err != nil {
					t.Fatal(err)
				}
				if added != want {
					t.Errorf("apply %d: %d new events, want %d", i, added, want)
				}
			}
			l, err := s.Lease(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			if l.State != tt.state || l.ClosedBy != tt.closedBy || l.Paid.String() != tt.paid || l.Refunded.String() != tt.refunded {
				t.Errorf("lease: state %s closed by %q paid %s refunded %s; want %s, %q, %s, %s",
					l.State, l.ClosedBy, l.Paid, l.Refunded, tt.state, tt.closedBy, tt.paid, tt.refunded)
			}
			if l.EndedAt == nil {
				t.Error("lease has no end time")
			}
			d, err := s.LeaseDetail(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			var got []payment
			for _, p := range d.Payments {
				got = append(got, payment{p.Kind, p.Account, p.Amount.String()})
			}
			if diff := cmp.Diff(tt.payments, got); diff != "" {
				t.Errorf("payments (-want +got):\n%s", diff)
			}
			if len(d.Events) != len(evs) {
				t.Errorf("events: got %d, want %d", len(d.Events), len(evs))
			}
			pos, ok, err := s.ChainPosition(ctx, "escrow")
			if err != nil || !ok || pos != next {
				t.Errorf("cursor: %+v, %v, %v; want %+v", pos, ok, err, next)
			}
		})
	}
}

// TestApplyChainEventsSplitBatches feeds one lease's life one event per
// batch, with every batch replayed: the result equals one batch.
func TestApplyChainEventsSplitBatches(t *testing.T) {
	ctx := testContext(t)
	s, _ := storetest.New(t)
	id := common.Hash{7}
	evs := lifecycle(id, storetest.Address(1), storetest.Address(2), 100, store.KindClosed, storetest.Address(2))
	for i := range evs {
		for range 2 {
			if _, err := s.ApplyChainEvents(ctx, "escrow", evs[:i+1], store.ChainPosition{Block: evs[i].Block + 1}); err != nil {
				t.Fatal(err)
			}
		}
	}
	l, err := s.Lease(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if l.State != "closed" || l.Paid.String() != "400000" || l.Deposit.String() != "1500000" {
		t.Errorf("lease: %s, paid %s, deposit %s; want closed, 400000, 1500000", l.State, l.Paid, l.Deposit)
	}
	ps, err := s.Payments(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if len(ps) != 5 {
		t.Errorf("payments: got %d, want 5", len(ps))
	}
}

func TestAmountsExact(t *testing.T) {
	ctx := testContext(t)
	s, _ := storetest.New(t)
	huge, _ := new(big.Int).SetString("115792089237316195423570985008687907853269984665640564039457584007913129639935", 10) // 2^256-1
	id := common.Hash{9}
	evs := lifecycle(id, storetest.Address(1), storetest.Address(2), 1, store.KindClosed, storetest.Address(1))[:1]
	evs[0].Deposit = huge
	evs[0].PricePerHour = new(big.Int).Set(huge)
	if _, err := s.ApplyChainEvents(ctx, "escrow", evs, store.ChainPosition{Block: 2}); err != nil {
		t.Fatal(err)
	}
	l, err := s.Lease(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if l.Deposit.Cmp(huge) != 0 || l.PricePerHour.Cmp(huge) != 0 {
		t.Errorf("deposit %s, price %s; want 2^256-1 = %s", l.Deposit, l.PricePerHour, huge)
	}
}

// TestSaveNoBid: a no-bid is kept only for an order the index holds, once
// per provider and order, and comes back with the order's transcript.
func TestSaveNoBid(t *testing.T) {
	ctx := testContext(t)
	s, _ := storetest.New(t)
	tenant, bidder, sayer := storetest.Key(1), storetest.Key(2), storetest.Key(3)
	order := market.Order(t, tenant, 8, 1, 4_000_000)
	nb := func(detail string) auction.SignedNoBid {
		sn, err := testDomain.SignNoBid(auction.NoBid{OrderHash: order.Hash, Provider: storetest.Address(3), PeerID: storetest.PeerID,
			Reason: auction.ReasonBusy, Detail: detail}, auction.NewKeySigner(sayer))
		if err != nil {
			t.Fatal(err)
		}
		return sn
	}
	if ok, err := s.SaveNoBid(ctx, nb("busy"), t0); err != nil || ok {
		t.Fatalf("no-bid before its order: stored %v, %v; want dropped", ok, err)
	}
	rec := market.Record(t, market.Transcript(t, &order, tenant, market.Bid(t, &order, bidder, 3_000_000, storetest.Offer{Model: "NVIDIA H100 80GB HBM3", Count: 1})))
	if _, err := s.SaveTranscript(ctx, rec); err != nil {
		t.Fatal(err)
	}
	for i, want := range []bool{true, false} {
		if ok, err := s.SaveNoBid(ctx, nb(fmt.Sprintf("busy, said %d times", i+1)), t0); err != nil || ok != want {
			t.Errorf("no-bid %d: stored %v, %v; want %v", i+1, ok, err, want)
		}
	}
	got, err := s.Transcript(ctx, rec.Hash)
	if err != nil {
		t.Fatal(err)
	}
	if len(got.NoBids) != 1 || got.NoBids[0].Provider != storetest.Address(3) || got.NoBids[0].Detail != "busy, said 1 times" || got.NoBids[0].Signature != nb("busy, said 1 times").Signature {
		t.Errorf("transcript's no-bids %+v, want the first one", got.NoBids)
	}
}
