package store_test

import (
	"cmp"
	"errors"
	"fmt"
	"math/big"
	"slices"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/tender-market/tender/pkg/store"
	"github.com/tender-market/tender/pkg/store/storetest"
)

// seedLeases opens n leases, one per block a second apart, provider
// i%3+2, tenant i%2+1; every third is started, every fifth closed by its
// provider. It returns the lease IDs in opening order.
func seedLeases(t *testing.T, s *store.Store, n int) []common.Hash {
	t.Helper()
	ctx := testContext(t)
	var evs []store.ChainEvent
	ids := make([]common.Hash, n)
	for i := range n {
		id := crypto.Keccak256Hash(big.NewInt(int64(i)).Bytes())
		ids[i] = id
		all := lifecycle(id, storetest.Address(i%2+1), storetest.Address(i%3+2), uint64(10*i), store.KindClosed, storetest.Address(i%3+2))
		switch {
		case i%5 == 0:
			evs = append(evs, all...)
		case i%3 == 0:
			evs = append(evs, all[:2]...)
		default:
			evs = append(evs, all[0])
		}
	}
	if _, err := s.ApplyChainEvents(ctx, "escrow", evs, store.ChainPosition{Block: uint64(10 * n)}); err != nil {
		t.Fatal(err)
	}
	return ids
}

func TestLeasesPaging(t *testing.T) {
	ctx := testContext(t)
	s, dbURL := storetest.New(t)
	ids := seedLeases(t, s, 23)
	storetest.CheckLeaseStates(t, dbURL)
	p2 := storetest.Address(2)
	tests := []struct {
		name   string
		filter store.LeaseFilter
		want   func(i int) bool
	}{
		{"all", store.LeaseFilter{}, func(int) bool { return true }},
		{"open", store.LeaseFilter{State: "open"}, func(i int) bool { return i%5 != 0 && i%3 != 0 }},
		{"running", store.LeaseFilter{State: "running"}, func(i int) bool { return i%5 != 0 && i%3 == 0 }},
		{"closed", store.LeaseFilter{State: "closed"}, func(i int) bool { return i%5 == 0 }},
		{"provider", store.LeaseFilter{Provider: &p2}, func(i int) bool { return i%3 == 0 }},
		{"provider and state", store.LeaseFilter{Provider: &p2, State: "closed"}, func(i int) bool { return i%3 == 0 && i%5 == 0 }},
		{"time range", store.LeaseFilter{From: t0.Add(50 * time.Second), To: t0.Add(100 * time.Second)}, func(i int) bool { return i >= 5 && i < 10 }},
		{"state and time range", store.LeaseFilter{State: "open", From: t0.Add(50 * time.Second), To: t0.Add(170 * time.Second)},
			func(i int) bool { return i >= 5 && i < 17 && i%5 != 0 && i%3 != 0 }},
		{"gpu model unknown", store.LeaseFilter{GPUModel: "H100"}, func(int) bool { return false }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var want []common.Hash
			for i := len(ids) - 1; i >= 0; i-- { // newest first
				if tt.want(i) {
					want = append(want, ids[i])
				}
			}
			var got []common.Hash
			f := tt.filter
			f.Limit = 4
			for pages := 0; ; pages++ {
				if pages > len(ids) {
					t.Fatal("paging does not end")
				}
				page, err := s.Leases(ctx, f)
				if err != nil {
					t.Fatal(err)
				}
				if len(page.Leases) > 4 {
					t.Fatalf("page of %d leases, want at most 4", len(page.Leases))
				}
				for _, l := range page.Leases {
					got = append(got, l.ID)
				}
				if page.Next.IsZero() {
					break
				}
				if f.After, err = store.ParseCursor(page.Next.String(), 32); err != nil {
					t.Fatalf("cursor %q does not parse: %v", page.Next, err)
				}
			}
			if len(got) != len(want) {
				t.Fatalf("got %d leases, want %d", len(got), len(want))
			}
			for i := range want {
				if got[i] != want[i] {
					t.Fatalf("lease %d: got %s, want %s", i, got[i].Hex(), want[i].Hex())
				}
			}
		})
	}
}

// TestLeaseStatesFollowLeases moves leases to every state, one escrow
// event per batch, and rolls the last batches back as a reorg would: after
// each step the state filter and the count by state say what the leases
// say.
func TestLeaseStatesFollowLeases(t *testing.T) {
	ctx := testContext(t)
	s, dbURL := storetest.New(t)
	tenant, provider := storetest.Address(1), storetest.Address(2)
	ends := []string{store.KindClosed, store.KindOverdrawn, store.KindReclaimed, store.KindClosed}
	var lives [][]store.ChainEvent
	for i, end := range ends {
		lives = append(lives, lifecycle(common.Hash{byte(i + 1)}, tenant, provider, uint64(100*i), end, provider))
	}
	check := func(step string) {
		t.Helper()
		storetest.CheckLeaseStates(t, dbURL)
		sum, err := s.Summary(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, state := range []string{"open", "running", "closed", "overdrawn", "reclaimed"} {
			var want []common.Hash
			for i := len(lives) - 1; i >= 0; i-- {
				if l, err := s.Lease(ctx, lives[i][0].LeaseID); err == nil && l.State == state {
					want = append(want, l.ID)
				} else if err != nil && !errors.Is(err, store.ErrNotFound) {
					t.Fatal(err)
				}
			}
			if got := storetest.LeaseIDs(t, s, store.LeaseFilter{State: state}); fmt.Sprint(got) != fmt.Sprint(want) {
				t.Errorf("%s: %s leases listed %v, want %v", step, state, got, want)
			}
			if sum.Leases[state] != int64(len(want)) {
				t.Errorf("%s: %d %s leases counted, want %d", step, sum.Leases[state], state, len(want))
			}
		}
	}
	// Event k of every lease goes in batch k, blocks in the lease's order.
	for k := 0; k < 5; k++ {
		var batch []store.ChainEvent
		for _, life := range lives {
			if k < len(life) {
				batch = append(batch, life[k])
			}
		}
		slices.SortFunc(batch, func(x, y store.ChainEvent) int { return cmp.Compare(x.Block, y.Block) })
		if _, err := s.ApplyChainEvents(ctx, "escrow", batch, store.ChainPosition{Block: 1000}); err != nil {
			t.Fatal(err)
		}
		check(fmt.Sprintf("after batch %d", k))
	}
	// A reorg from block 101 on: lease 1 goes back to running, lease 2
	// (opened at 200) and lease 3 go.
	if _, err := s.RewindChain(ctx, "escrow", store.ChainPosition{Block: 102}); err != nil {
		t.Fatal(err)
	}
	check("after the rewind")
	if l, err := s.Lease(ctx, lives[1][0].LeaseID); err != nil || l.State != "running" {
		t.Errorf("lease 1 after the rewind: %+v, %v; want running", l, err)
	}
}

func TestListBadInput(t *testing.T) {
	ctx := testContext(t)
	s, _ := storetest.New(t)
	for _, limit := range []int{-1, store.MaxPageSize + 1} {
		if _, err := s.Leases(ctx, store.LeaseFilter{Limit: limit}); err == nil {
			t.Errorf("Leases(limit %d): nil error, want one", limit)
		}
	}
	for _, c := range []string{"!!", "AAAA", "' OR 1=1 --", string(make([]byte, 300))} {
		if _, err := store.ParseCursor(c, 32); !errors.Is(err, store.ErrBadCursor) {
			t.Errorf("ParseCursor(%q): got %v, want ErrBadCursor", c, err)
		}
	}
}

func TestWinningPrices(t *testing.T) {
	ctx := testContext(t)
	s, _ := storetest.New(t)
	h100 := storetest.Offer{Model: "NVIDIA H100 80GB HBM3", Count: 2}
	// Three auctions won at 3.0, 2.0 and 4.0 per hour for two GPUs.
	for i, price := range []int64{3_000_000, 2_000_000, 4_000_000} {
		o := market.Order(t, storetest.Key(1), uint64(i), 2, 5_000_000)
		b := market.Bid(t, &o, storetest.Key(2), price, h100)
		loser := market.Bid(t, &o, storetest.Key(3), price+1, h100)
		if _, err := s.SaveTranscript(ctx, market.Record(t, market.Transcript(t, &o, storetest.Key(1), b, loser))); err != nil {
			t.Fatal(err)
		}
	}
	pts, err := s.WinningPrices(ctx, t0.Add(-time.Hour), t0.Add(time.Hour), "")
	if err != nil {
		t.Fatal(err)
	}
	if len(pts) != 1 {
		t.Fatalf("got %d points, want 1: %+v", len(pts), pts)
	}
	p := pts[0]
	if p.GPUModel != h100.Model || p.Auctions != 3 || p.MedianPricePerHour.String() != "3000000" || p.MedianPerGPUHour.String() != "1500000" || !p.Hour.Equal(t0) {
		t.Errorf("point %+v; want %s, 3 auctions, median 3000000 (1500000 per GPU) at %s", p, h100.Model, t0)
	}
	if pts, err := s.WinningPrices(ctx, t0.Add(-time.Hour), t0.Add(time.Hour), "A100"); err != nil || len(pts) != 0 {
		t.Errorf("A100 points: %v, %v; want none", pts, err)
	}
}
