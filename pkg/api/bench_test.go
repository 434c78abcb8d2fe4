package api_test

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/jackc/pgx/v5"
)

// loadLeases fills the leases table with n leases straight in SQL (one
// opened a second; 1000 tenants, 500 providers, four GPU models, every
// state) and analyzes it.
func loadLeases(b *testing.B, dbURL string, n int) {
	b.Helper()
	ctx := context.Background()
	c, err := pgx.Connect(ctx, dbURL)
	if err != nil {
		b.Fatal(err)
	}
	defer c.Close(ctx)
	_, err = c.Exec(ctx, fmt.Sprintf(`
INSERT INTO leases (lease_id, order_hash, tenant, provider, price_per_hour, max_duration, state, deposit, paid, refunded,
                    gpu_model, opened_at, opened_block, started_at)
SELECT sha256(int8send(g)), sha256(int8send(-g)),
       substring(sha256(int8send(g %% 1000 + 10000000)) for 20), substring(sha256(int8send(g %% 500 + 20000000)) for 20),
       3000000 + (g %% 100) * 10000, 3600,
       (ARRAY['open', 'running', 'closed', 'overdrawn', 'reclaimed'])[1 + g %% 5],
       5000000, (g %% 7) * 100000, 0,
       (ARRAY['NVIDIA H100 80GB HBM3', 'NVIDIA A100 80GB', 'NVIDIA L4', 'NVIDIA GeForce RTX 4090'])[1 + g %% 4],
       timestamptz '2026-01-01' + g * interval '1 second', g, timestamptz '2026-01-01' + g * interval '1 second'
FROM generate_series(1, %d) g`, n))
	if err != nil {
		b.Fatal(err)
	}
	// Providers are indexed as their leases open.
	if _, err := c.Exec(ctx, `INSERT INTO providers (address, first_seen, last_seen)
SELECT provider, min(opened_at), max(opened_at) FROM leases GROUP BY provider ON CONFLICT DO NOTHING`); err != nil {
		b.Fatal(err)
	}
	if _, err := c.Exec(ctx, `ANALYZE leases; ANALYZE providers`); err != nil {
		b.Fatal(err)
	}
}

// BenchmarkLeaseList measures the lease-list API (HTTP, JSON, PostgreSQL)
// with 1,000,000 leases loaded, for the queries the dashboard makes: the
// newest page, each filter, a time range, deep pages by cursor, and one
// provider with its reputation. It reports p50 and p99 latency per query.
// Target: p99 <= 20 ms. It also times the market summary, which the broker
// keeps in memory, and the whole-table query behind it.
//
//	go test ./pkg/api -run '^$' -bench LeaseList -benchtime 2000x
func BenchmarkLeaseList(b *testing.B) {
	const leases = 1_000_000
	br := newBroker(b, testDomain)
	start := time.Now()
	loadLeases(b, br.dbURL, leases)
	b.Logf("loaded %d leases in %v", leases, time.Since(start).Round(time.Millisecond))

	client := br.srv.Client()
	get := func(path string) (string, error) {
		resp, err := client.Get(br.srv.URL + path)
		if err != nil {
			return "", err
		}
		defer resp.Body.Close()
		var page struct{ NextCursor string }
		if resp.StatusCode != http.StatusOK {
			return "", fmt.Errorf("GET %s: status %d", path, resp.StatusCode)
		}
		if err := jsonDecode(resp.Body, &page); err != nil {
			return "", err
		}
		return page.NextCursor, nil
	}
	tenants, providers := sampleParties(b, br.dbURL)
	models := []string{"NVIDIA H100 80GB HBM3", "NVIDIA A100 80GB", "NVIDIA L4", "NVIDIA GeForce RTX 4090"}
	states := []string{"open", "running", "closed", "overdrawn", "reclaimed"}
	rng := rand.New(rand.NewPCG(1, 2))
	queries := []struct {
		name string
		path func() string
	}{
		{"newest", func() string { return "/api/v1/leases" }},
		{"state", func() string { return "/api/v1/leases?state=" + states[rng.IntN(len(states))] }},
		{"tenant", func() string { return "/api/v1/leases?tenant=" + tenants[rng.IntN(len(tenants))] }},
		{"provider", func() string { return "/api/v1/leases?provider=" + providers[rng.IntN(len(providers))] }},
		{"gpu", func() string { return "/api/v1/leases?gpu=" + url.QueryEscape(models[rng.IntN(len(models))]) }},
		{"provider+state", func() string {
			return "/api/v1/leases?provider=" + providers[rng.IntN(len(providers))] + "&state=" + states[rng.IntN(len(states))]
		}},
		// One provider's reputation, and how it was made, over its 2,000
		// leases.
		{"provider-reputation", func() string { return "/api/v1/providers/" + providers[rng.IntN(len(providers))] }},
		{"time-range", func() string {
			from := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(rng.IntN(leases)) * time.Second)
			return "/api/v1/leases?from=" + from.Format(time.RFC3339) + "&to=" + from.Add(time.Hour).Format(time.RFC3339)
		}},
	}
	for _, q := range queries {
		b.Run(q.name, func(b *testing.B) {
			lat := make([]time.Duration, 0, b.N)
			b.ResetTimer()
			for range b.N {
				t0 := time.Now()
				if _, err := get(q.path()); err != nil {
					b.Fatal(err)
				}
				lat = append(lat, time.Since(t0))
			}
			report(b, lat)
		})
	}
	// Deep pages: walk forward by cursor, page after page.
	b.Run("next-page", func(b *testing.B) {
		lat := make([]time.Duration, 0, b.N)
		cursor := ""
		b.ResetTimer()
		for range b.N {
			path := "/api/v1/leases?limit=50"
			if cursor != "" {
				path += "&cursor=" + url.QueryEscape(cursor)
			}
			t0 := time.Now()
			next, err := get(path)
			if err != nil {
				b.Fatal(err)
			}
			lat = append(lat, time.Since(t0))
			cursor = next
		}
		report(b, lat)
	})
	// The market summary sums and counts the whole leases table: served
	// from memory (DefaultAggregateTTL), and the query each computation
	// makes, a few times.
	b.Run("market-summary", func(b *testing.B) {
		lat := make([]time.Duration, 0, b.N)
		for range b.N {
			t0 := time.Now()
			resp, err := client.Get(br.srv.URL + "/api/v1/market/summary")
			if err != nil {
				b.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				b.Fatalf("market summary: status %d", resp.StatusCode)
			}
			lat = append(lat, time.Since(t0))
		}
		report(b, lat)
	})
	// Under load: 200 clients at once, each asking in turn for a list (the
	// newest page or a filter), a lease page and the market summary, as
	// fast as answers come. Target: p99 <= 50 ms for lists and lease pages.
	// 200 clients asking in turn for a list, a lease page and the
	// summary: back to back (load-200: what the broker serves at most, and
	// its latency when every client queues), and as requests arrive at 400
	// a second, Poisson, each timed from its arrival (paced-200).
	for _, run := range []struct {
		name string
		rate float64
	}{{"load-200", 0}, {"paced-200", 400}} {
		b.Run(run.name, func(b *testing.B) { loadClients(b, br.srv.URL, 200, run.rate, leases, providers) })
	}
	b.Run("market-summary-query", func(b *testing.B) {
		n := min(b.N, 10)
		lat := make([]time.Duration, 0, n)
		for range n {
			t0 := time.Now()
			if _, err := br.store.Summary(b.Context()); err != nil {
				b.Fatal(err)
			}
			lat = append(lat, time.Since(t0))
		}
		report(b, lat)
	})
}

func report(b *testing.B, lat []time.Duration) {
	slices.Sort(lat)
	pct := func(p float64) float64 {
		i := int(p * float64(len(lat)-1))
		return float64(lat[i]) / float64(time.Millisecond)
	}
	b.ReportMetric(pct(0.50), "p50-ms")
	b.ReportMetric(pct(0.99), "p99-ms")
}

// sampleParties reads some tenants and providers of the loaded leases.
func sampleParties(b *testing.B, dbURL string) (tenants, providers []string) {
	ctx := context.Background()
	c, err := pgx.Connect(ctx, dbURL)
	if err != nil {
		b.Fatal(err)
	}
	defer c.Close(ctx)
	for _, q := range []struct {
		sql string
		dst *[]string
	}{
		{`SELECT DISTINCT '0x' || encode(tenant, 'hex') FROM leases WHERE opened_block <= 5000`, &tenants},
		{`SELECT DISTINCT '0x' || encode(provider, 'hex') FROM leases WHERE opened_block <= 5000`, &providers},
	} {
		rows, err := c.Query(ctx, q.sql)
		if err != nil {
			b.Fatal(err)
		}
		*q.dst, err = pgx.CollectRows(rows, pgx.RowTo[string])
		if err != nil {
			b.Fatal(err)
		}
	}
	return tenants, providers
}

// loadClients has clients clients ask in turn for a lease list, a lease
// page and the market summary, b.N requests in all, and reports
// requests/s and p50/p99 of each kind. With rate 0 each client asks again
// as soon as it has its answer, and a request is timed from when it is
// sent; otherwise requests arrive at rate a second (Poisson), are taken by
// the first free client, and are timed from their arrival, so that time
// spent waiting for a client counts.
func loadClients(b *testing.B, base string, clients int, rate float64, leases int, providers []string) {
	tr := &http.Transport{MaxIdleConnsPerHost: clients, MaxConnsPerHost: clients}
	defer tr.CloseIdleConnections()
	hc := &http.Client{Transport: tr, Timeout: 30 * time.Second}
	kinds := []string{"list", "lease", "summary"}
	paths := func(r *rand.Rand, kind string) string {
		switch kind {
		case "list":
			if r.IntN(2) == 0 {
				return "/api/v1/leases"
			}
			return "/api/v1/leases?provider=" + providers[r.IntN(len(providers))]
		case "lease":
			var g [8]byte
			binary.BigEndian.PutUint64(g[:], uint64(1+r.IntN(leases)))
			return "/api/v1/leases/" + common.Hash(sha256.Sum256(g[:])).Hex()
		}
		return "/api/v1/market/summary"
	}
	var mu sync.Mutex
	lat := map[string][]time.Duration{}
	var next atomic.Int64
	arrivals := make([]time.Duration, b.N+1) // request i arrives arrivals[i] after the start
	if rate > 0 {
		r := rand.New(rand.NewPCG(7, 7))
		for i := 1; i <= b.N; i++ {
			arrivals[i] = arrivals[i-1] + time.Duration(r.ExpFloat64()/rate*float64(time.Second))
		}
	}
	b.ResetTimer()
	t0 := time.Now()
	var wg sync.WaitGroup
	for c := range clients {
		wg.Go(func() {
			r := rand.New(rand.NewPCG(uint64(c), 3))
			mine := map[string][]time.Duration{}
			for i := next.Add(1); i <= int64(b.N); i = next.Add(1) {
				kind := kinds[i%int64(len(kinds))]
				start := time.Now()
				if rate > 0 {
					// The request's arrival on the schedule.
					start = t0.Add(arrivals[i])
					if wait := time.Until(start); wait > 0 {
						t := time.NewTimer(wait)
						select {
						case <-t.C:
						case <-b.Context().Done():
							t.Stop()
							return
						}
					}
				}
				resp, err := hc.Get(base + paths(r, kind))
				if err != nil {
					b.Error(err)
					return
				}
				_, _ = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode != http.StatusOK {
					b.Errorf("%s: status %d", kind, resp.StatusCode)
					return
				}
				mine[kind] = append(mine[kind], time.Since(start))
			}
			mu.Lock()
			for k, v := range mine {
				lat[k] = append(lat[k], v...)
			}
			mu.Unlock()
		})
	}
	wg.Wait()
	took := time.Since(t0)
	b.StopTimer()
	for _, k := range kinds {
		l := lat[k]
		if len(l) == 0 {
			continue
		}
		slices.Sort(l)
		b.ReportMetric(float64(l[len(l)/2])/float64(time.Millisecond), k+"-p50-ms")
		b.ReportMetric(float64(l[int(0.99*float64(len(l)-1))])/float64(time.Millisecond), k+"-p99-ms")
	}
	b.ReportMetric(float64(b.N)/took.Seconds(), "req/s")
}
