package api_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tender-market/tender/pkg/api"
	"github.com/tender-market/tender/pkg/indexer"
	"github.com/tender-market/tender/pkg/store"
	"github.com/tender-market/tender/pkg/store/storetest"
)

// countingStore counts the aggregate queries that reach the database, and
// how many of them ran at once at most.
type countingStore struct {
	api.Store
	summaries, prices atomic.Int64
	running, most     atomic.Int64
}

func (c *countingStore) enter() func() {
	n := c.running.Add(1)
	for {
		m := c.most.Load()
		if n <= m || c.most.CompareAndSwap(m, n) {
			break
		}
	}
	return func() { c.running.Add(-1) }
}

func (c *countingStore) Summary(ctx context.Context) (store.Summary, error) {
	defer c.enter()()
	c.summaries.Add(1)
	return c.Store.Summary(ctx)
}

func (c *countingStore) WinningPrices(ctx context.Context, from, to time.Time, gpu string) ([]store.PricePoint, error) {
	defer c.enter()()
	c.prices.Add(1)
	return c.Store.WinningPrices(ctx, from, to, gpu)
}

// TestAttackAggregateFlood: anonymous clients ask for the market summary
// and price series, which scan whole tables, as fast as they can, and vary
// the price range to dodge any cache. The summary costs the database one
// query however many ask; price series run at most two at a time, and a
// request past what the broker keeps is told to come back (503), never
// answered with a 500.
func TestAttackAggregateFlood(t *testing.T) {
	s, _ := storetest.New(t)
	cs := &countingStore{Store: s}
	srv, err := api.New(api.Config{
		Store: cs, Ingest: indexer.NewMarket(testDomain, s, nil, nil), Domain: testDomain,
		Token: api.Token{Symbol: "tUSD", Decimals: 6}, AggregateTTL: time.Hour,
	})
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv.Handler())
	t.Cleanup(hs.Close)
	flood := func(n int, path func(i int) string) map[int]int {
		var (
			mu     sync.Mutex
			status = map[int]int{}
			wg     sync.WaitGroup
		)
		for i := range n {
			wg.Go(func() {
				resp, err := hs.Client().Get(hs.URL + path(i))
				if err != nil {
					t.Error(err)
					return
				}
				resp.Body.Close()
				mu.Lock()
				status[resp.StatusCode]++
				mu.Unlock()
			})
		}
		wg.Wait()
		return status
	}

	got := flood(200, func(int) string { return "/api/v1/market/summary" })
	got2 := flood(50, func(int) string { return "/api/v1/market/summary" })
	if got[http.StatusOK] != 200 || got2[http.StatusOK] != 50 {
		t.Errorf("summary answers %v then %v, want 200 then 50 OK", got, got2)
	}
	if n := cs.summaries.Load(); n != 1 {
		t.Errorf("250 summary requests ran %d queries, want 1", n)
	}

	base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	const ranges = 400
	got = flood(ranges, func(i int) string {
		from := base.Add(time.Duration(i) * time.Hour)
		return fmt.Sprintf("/api/v1/market/prices?from=%s&to=%s", from.Format(time.RFC3339), from.Add(24*time.Hour).Format(time.RFC3339))
	})
	if got[http.StatusOK]+got[http.StatusServiceUnavailable] != ranges || got[http.StatusOK] == 0 {
		t.Errorf("price answers %v, want OK or 503 only, some OK", got)
	}
	if n := cs.prices.Load(); n > ranges {
		t.Errorf("%d price requests ran %d queries", ranges, n)
	}
	if m := cs.most.Load(); m > 2 {
		t.Errorf("%d aggregate queries ran at once, want at most 2", m)
	}
}

// TestAttackRequestFlood: one client sends requests as fast as it can.
// Past its burst it is told to wait (429 with Retry-After) and costs the
// database nothing more, while other clients are served; addresses of one
// IPv6 /64 count as one client, and /healthz is never limited.
func TestAttackRequestFlood(t *testing.T) {
	s, _ := storetest.New(t)
	var mu sync.Mutex
	now := time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)
	srv, err := api.New(api.Config{
		Store: s, Ingest: indexer.NewMarket(testDomain, s, nil, nil), Domain: testDomain,
		Now:       func() time.Time { mu.Lock(); defer mu.Unlock(); return now },
		RateLimit: api.RateLimit{PerSecond: 5, Burst: 10, ClientHeader: "X-Forwarded-For"},
	})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv.Handler())
	defer ts.Close()
	get := func(path, client string) *http.Response {
		req, err := http.NewRequest(http.MethodGet, ts.URL+path, nil)
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("X-Forwarded-For", "198.51.100.1, "+client)
		resp, err := ts.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp
	}
	for i := range 10 {
		if code := get("/api/v1/leases", "203.0.113.7").StatusCode; code != http.StatusOK {
			t.Fatalf("request %d within the burst: %d, want 200", i, code)
		}
	}
	resp := get("/api/v1/leases", "203.0.113.7")
	if resp.StatusCode != http.StatusTooManyRequests || resp.Header.Get("Retry-After") != "1" {
		t.Errorf("request past the burst: %d, Retry-After %q; want 429, 1", resp.StatusCode, resp.Header.Get("Retry-After"))
	}
	if code := get("/leases", "203.0.113.7").StatusCode; code != http.StatusTooManyRequests {
		t.Errorf("a page past the burst: %d, want 429", code)
	}
	if code := get("/healthz", "203.0.113.7").StatusCode; code != http.StatusOK {
		t.Errorf("/healthz of a client past its burst: %d, want 200", code)
	}
	if code := get("/api/v1/leases", "203.0.113.8").StatusCode; code != http.StatusOK {
		t.Errorf("another client: %d, want 200", code)
	}
	// A /64 is one client.
	for i := range 10 {
		get("/api/v1/leases", fmt.Sprintf("2001:db8::%x", i+1))
	}
	if code := get("/api/v1/leases", "2001:db8::ffff").StatusCode; code != http.StatusTooManyRequests {
		t.Errorf("the 11th address of one /64: %d, want 429", code)
	}
	// A second later, five more.
	mu.Lock()
	now = now.Add(time.Second)
	mu.Unlock()
	for i := range 5 {
		if code := get("/api/v1/leases", "203.0.113.7").StatusCode; code != http.StatusOK {
			t.Errorf("request %d a second later: %d, want 200", i, code)
		}
	}
	if code := get("/api/v1/leases", "203.0.113.7").StatusCode; code != http.StatusTooManyRequests {
		t.Errorf("the sixth request a second later: %d, want 429", code)
	}
}
