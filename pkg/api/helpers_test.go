package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/big"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/tender-market/tender/pkg/api"
	"github.com/tender-market/tender/pkg/auction"
	"github.com/tender-market/tender/pkg/indexer"
	"github.com/tender-market/tender/pkg/lease"
	"github.com/tender-market/tender/pkg/store"
	"github.com/tender-market/tender/pkg/store/storetest"
)

var testDomain = storetest.Domain

func testContext(t testing.TB) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	t.Cleanup(cancel)
	return ctx
}

// recorder is an OrderPublisher that keeps what it is given.
type recorder struct {
	mu     sync.Mutex
	orders []auction.SignedOrder
	err    error
}

func (r *recorder) PublishOrder(_ context.Context, so auction.SignedOrder) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.err != nil {
		return r.err
	}
	r.orders = append(r.orders, so)
	return nil
}

func (r *recorder) published() []auction.SignedOrder {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]auction.SignedOrder(nil), r.orders...)
}

// broker is a test broker: a store on a fresh database and the HTTP server.
type broker struct {
	t      testing.TB
	store  *store.Store
	dbURL  string
	srv    *httptest.Server
	pub    *recorder
	market storetest.Market
}

func newBroker(t testing.TB, domain auction.Domain) *broker {
	t.Helper()
	s, dbURL := storetest.New(t)
	b := &broker{t: t, store: s, dbURL: dbURL, pub: &recorder{}, market: storetest.Market{Domain: domain, Now: time.Now().UTC().Truncate(time.Second)}}
	srv, err := api.New(api.Config{
		Store: s, Ingest: indexer.NewMarket(domain, s, nil, nil), Publisher: b.pub, Domain: domain,
		Token: api.Token{Symbol: "tUSD", Decimals: 6}, LiveInterval: 500 * time.Millisecond,
	})
	if err != nil {
		t.Fatal(err)
	}
	b.srv = httptest.NewServer(srv.Handler())
	t.Cleanup(b.srv.Close)
	return b
}

// do sends a request and returns the status and body.
func (b *broker) do(method, path, contentType string, body []byte) (int, []byte) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, method, b.srv.URL+path, bytes.NewReader(body))
	if err != nil {
		b.t.Fatal(err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	resp, err := b.srv.Client().Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		b.t.Fatal(err)
	}
	return resp.StatusCode, data
}

// getJSON fetches path, wants 200, and decodes the body into v.
func (b *broker) getJSON(path string, v any) {
	b.t.Helper()
	code, body := b.do(http.MethodGet, path, "", nil)
	if code != http.StatusOK {
		b.t.Fatalf("GET %s: status %d, want 200; body %s", path, code, body)
	}
	if err := json.Unmarshal(body, v); err != nil {
		b.t.Fatalf("GET %s: %v; body %s", path, err, body)
	}
}

// seeded is what seed put in the index.
type seeded struct {
	leases []common.Hash // newest first
	orders []auction.VerifiedOrder
}

var (
	h100 = storetest.Offer{Model: "NVIDIA H100 80GB HBM3", Count: 2}
	// A100s of a cluster's node.
	a100 = storetest.Offer{Model: "NVIDIA A100 80GB", Count: 2, Simulated: true, Node: "n0c1a55e7a100cafe"}
)

// seed runs n auctions (even ones won on H100s, odd ones on simulated
// A100s) and indexes a lease for each winner: open, running or closed in
// turn. The second (a running one) is a service: its order exposes port
// 8000.
func (b *broker) seed(n int) seeded {
	t := b.t
	t.Helper()
	ctx := testContext(t)
	m := indexer.NewMarket(b.market.Domain, b.store, func() time.Time { return b.market.Now }, nil)
	var out seeded
	var evs []store.ChainEvent
	for i := range n {
		offer := h100
		if i%2 == 1 {
			offer = a100
		}
		o := b.market.Order(t, storetest.Key(1), uint64(100+i), 2, 5_000_000)
		if i == 1 {
			o.Order.Job.Expose = []uint16{8000}
			o = b.market.Sign(t, storetest.Key(1), o.Order)
		}
		win := b.market.Bid(t, &o, storetest.Key(2+i%2), 3_000_000+int64(i)*100_000, offer)
		lose := b.market.Bid(t, &o, storetest.Key(4), 4_500_000, h100)
		late := b.market.Bid(t, &o, storetest.Key(5), 6_000_000, h100)
		if err := m.IngestTranscript(ctx, b.market.Transcript(t, &o, storetest.Key(1), win, lose, late)); err != nil {
			t.Fatal(err)
		}
		out.orders = append(out.orders, o)
		out.leases = append([]common.Hash{win.Hash}, out.leases...)
		evs = append(evs, lifecycle(win.Hash, o, win, uint64(10*(i+1)), i%3, b.market.Now.Add(time.Duration(i)*time.Minute))...)
	}
	if _, err := b.store.ApplyChainEvents(ctx, "escrow", evs, store.ChainPosition{Block: uint64(10*n + 10)}); err != nil {
		t.Fatal(err)
	}
	return out
}

// lifecycle makes the escrow events of a lease opened at block from the
// winning bid: stage 0 stays open, 1 runs and has paid out once, 2 is
// closed by the provider, its job killed for its memory.
func lifecycle(id common.Hash, o auction.VerifiedOrder, bid auction.VerifiedBid, block uint64, stage int, at time.Time) []store.ChainEvent {
	ev := func(i int, kind string) store.ChainEvent {
		return store.ChainEvent{
			Kind: kind, LeaseID: id, Block: block + uint64(i), BlockHash: common.BigToHash(big.NewInt(int64(block) + int64(i))),
			BlockTime: at.Add(time.Duration(i) * 10 * time.Minute), TxHash: crypto.Keccak256Hash(id[:], []byte{byte(i)}), LogIndex: uint(i),
		}
	}
	open := ev(0, store.KindLeaseOpened)
	open.Tenant, open.Provider, open.OrderHash = o.Order.Tenant, bid.Bid.Provider, o.Hash
	open.PricePerHour, open.MaxDuration, open.Deposit = bid.Bid.PricePerHour, o.Order.MaxDuration, big.NewInt(5_000_000)
	evs := []store.ChainEvent{open}
	if stage >= 1 {
		st := ev(1, store.KindStarted)
		st.StartedAt = st.BlockTime
		w := ev(2, store.KindWithdrawn)
		w.Amount = big.NewInt(500_000)
		evs = append(evs, st, w)
	}
	if stage >= 2 {
		c := ev(3, store.KindClosed)
		c.TxFrom, c.Paid, c.Refunded, c.ResultHash = bid.Bid.Provider, big.NewInt(1_250_000), big.NewInt(3_750_000), common.Hash{0xab}
		c.ExitCode = int32(lease.NewExitCode(137, lease.ExitOutOfMemory))
		evs = append(evs, c)
	}
	return evs
}

func count(t *testing.T, dbURL, table string) int {
	t.Helper()
	var n int
	if err := storetest.QueryRow(t, dbURL, fmt.Sprintf("SELECT count(*) FROM %s", table), &n); err != nil {
		t.Fatal(err)
	}
	return n
}

func jsonDecode(r io.Reader, v any) error { return json.NewDecoder(r).Decode(v) }
