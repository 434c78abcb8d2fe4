package tenant

import (
	"context"
	"fmt"
	"math/big"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/google/go-cmp/cmp"

	"github.com/tender-market/tender/pkg/api"
	"github.com/tender-market/tender/pkg/auction"
	"github.com/tender-market/tender/pkg/indexer"
	"github.com/tender-market/tender/pkg/store"
	"github.com/tender-market/tender/pkg/store/storetest"
)

var testDomain = storetest.Domain

// newBroker serves the broker's API over a fresh database in which
// provider completed one lease, paid for a whole hour: a score of 10.
func newBroker(t *testing.T, tenant, provider common.Address) string {
	t.Helper()
	s, _ := storetest.New(t)
	at := time.Now().UTC().Truncate(time.Second).Add(-time.Hour)
	id := crypto.Keccak256Hash([]byte("lease"))
	ev := func(i uint64, kind string) store.ChainEvent {
		return store.ChainEvent{
			Kind: kind, LeaseID: id, Block: 10 + i, BlockHash: common.Hash{byte(10 + i)},
			BlockTime: at.Add(time.Duration(i) * time.Minute), TxHash: crypto.Keccak256Hash(id[:], []byte{byte(i)}), LogIndex: 1,
		}
	}
	opened := ev(0, store.KindLeaseOpened)
	opened.Tenant, opened.Provider, opened.OrderHash = tenant, provider, crypto.Keccak256Hash(id[:])
	opened.PricePerHour, opened.MaxDuration, opened.Deposit = big.NewInt(3_600_000), 3600, big.NewInt(3_600_000)
	started := ev(1, store.KindStarted)
	started.StartedAt = started.BlockTime
	closed := ev(2, store.KindClosed)
	closed.TxFrom, closed.Paid, closed.Refunded, closed.ResultHash = provider, big.NewInt(3_600_000), big.NewInt(0), common.Hash{0xaa}
	if _, err := s.ApplyChainEvents(t.Context(), "escrow", []store.ChainEvent{opened, started, closed}, store.ChainPosition{Block: 13}); err != nil {
		t.Fatal(err)
	}
	srv, err := api.New(api.Config{Store: s, Ingest: indexer.NewMarket(testDomain, s, nil, nil), Domain: testDomain})
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv.Handler())
	t.Cleanup(hs.Close)
	return hs.URL
}

func TestBrokerReputation(t *testing.T) {
	tenant, rated, unknown := storetest.Address(1), storetest.Address(2), storetest.Address(9)
	rep := &BrokerReputation{BaseURL: newBroker(t, tenant, rated)}
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()

	got, err := rep.Scores(ctx, []common.Address{rated, unknown})
	if err != nil {
		t.Fatal(err)
	}
	want := map[common.Address]uint64{rated: 10, unknown: 0}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("scores (-want +got):\n%s", d)
	}
	// As tenants see it: the one that paid, and one that never did.
	for trusted, score := range map[common.Address]uint64{tenant: 10, unknown: 0} {
		seen := &BrokerReputation{BaseURL: rep.BaseURL, Trusted: []common.Address{trusted}}
		if got, err := seen.Scores(ctx, []common.Address{rated}); err != nil || got[rated] != score {
			t.Errorf("%s's score as %s sees it: %v, %v; want %d", rated.Hex(), trusted.Hex(), got, err, score)
		}
	}

	// The tie-break: two bids at one price, the unrated provider's first.
	down := httptest.NewServer(http.NotFoundHandler())
	down.Close()
	tests := []struct {
		name    string
		source  Reputation
		fails   bool
		winner  common.Address
		ratings []uint64
	}{
		{"broker", rep, false, rated, []uint64{0, 10}},
		{"broker down", &BrokerReputation{BaseURL: down.URL}, true, unknown, []uint64{0, 0}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := storetest.Market{Domain: testDomain, Now: time.Now().UTC().Truncate(time.Second)}
			order := m.Order(t, storetest.Key(1), 1, 1, 5_000_000)
			var bids bidders
			a, err := auction.NewAuction(testDomain, order, bids.score)
			if err != nil {
				t.Fatal(err)
			}
			for i, key := range []int{9, 2} {
				vb := m.Bid(t, &order, storetest.Key(key), 3_000_000, storetest.Offer{Model: "NVIDIA H100 80GB HBM3", Count: 1})
				if _, err := a.Add(vb.SignedBid, m.Now.Add(time.Duration(i+1)*time.Second)); err != nil {
					t.Fatal(err)
				}
				bids.add(vb.Bid.Provider)
			}
			if _, err := bids.rate(ctx, tt.source); (err != nil) != tt.fails {
				t.Fatalf("rate: error %v, want failure %t", err, tt.fails)
			}
			tr, err := a.Close(m.Now.Add(31*time.Second), auction.NewKeySigner(storetest.Key(1)))
			if err != nil {
				t.Fatal(err)
			}
			var winner common.Address
			var ratings []uint64
			for _, e := range tr.Entries {
				ratings = append(ratings, e.Reputation)
				if testDomain.BidHash(&e.Bid.Bid) == tr.Winner {
					winner = e.Bid.Bid.Provider
				}
			}
			if winner != tt.winner {
				t.Errorf("winner %s, want %s", winner.Hex(), tt.winner.Hex())
			}
			if d := cmp.Diff(tt.ratings, ratings); d != "" {
				t.Errorf("transcript's reputations (-want +got):\n%s", d)
			}
		})
	}
}

func TestBrokerReputationErrors(t *testing.T) {
	provider := storetest.Address(2)
	tests := []struct {
		name   string
		status int
		body   string
		says   string
	}{
		{"server error", 500, `{"error": "internal error; the broker's log has the details"}`, "500 Internal Server Error: internal error"},
		{"garbage", 500, "<html>oops</html>", "500 Internal Server Error: not a broker's answer"},
		{"bad JSON", 200, `{"reputation": {"score": "high"}}`, "200 OK: not a broker's answer"},
		{"no reputation", 200, `{"address": "0x01"}`, "200 OK: not a broker's answer"},
		{"not a broker", 404, "404 page not found", "404 Not Found: not a broker's answer"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
				w.WriteHeader(tt.status)
				fmt.Fprint(w, tt.body)
			}))
			defer srv.Close()
			_, err := (&BrokerReputation{BaseURL: srv.URL}).Scores(t.Context(), []common.Address{provider})
			url := srv.URL + "/api/v1/providers/" + provider.Hex()
			if err == nil || !strings.Contains(err.Error(), url) || !strings.Contains(err.Error(), tt.says) {
				t.Errorf("error %v, want one naming %s and saying %q", err, url, tt.says)
			}
		})
	}
}

// TestBrokerReputationRateLimited: a broker that says to wait (429 with
// Retry-After) is asked again, and its answer counts.
func TestBrokerReputationRateLimited(t *testing.T) {
	provider := storetest.Address(2)
	var asked atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		if asked.Add(1) < 3 {
			w.Header().Set("Retry-After", "0")
			w.WriteHeader(http.StatusTooManyRequests)
			fmt.Fprint(w, `{"error": "too many requests from your address"}`)
			return
		}
		fmt.Fprint(w, `{"reputation": {"score": 42}}`)
	}))
	defer srv.Close()
	got, err := (&BrokerReputation{BaseURL: srv.URL}).Scores(t.Context(), []common.Address{provider})
	if err != nil || got[provider] != 42 || asked.Load() != 3 {
		t.Errorf("scores %v, %v after %d requests; want 42 on the third", got, err, asked.Load())
	}
}
