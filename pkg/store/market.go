package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"slices"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"

	"github.com/tender-market/tender/pkg/auction"
)

// Provider is a provider as the index knows it: its latest offer (a
// snapshot of what it rents out) and its reputation.
type Provider struct {
	Address common.Address
	PeerID  string
	// Inventory is the offer of its latest bid (JSON, as in package
	// auction's Offer); nil when the broker only saw it on chain.
	Inventory json.RawMessage
	GPUModels []string
	GPUCount  int
	// Simulated tells whether that offer's GPUs were simulated; nil when
	// unknown.
	Simulated  *bool
	FirstSeen  time.Time
	LastSeen   time.Time
	Reputation Reputation
	// Nodes are the machines it bid from in the day before its latest
	// bid, when it sells several (a cluster's nodes), most recent first;
	// at most MaxNodesShown. Only Store.Provider fills them.
	Nodes []Node
}

// Node is one machine of a provider that sells several, as its bids name
// it (auction.AttributeNode): what it offered from there.
type Node struct {
	// Label is the provider's opaque name for the machine.
	Label string
	// GPUModel is the GPU model of its latest bid from there ("" for
	// CPU only), and MaxGPUs the most GPUs one of its bids offered.
	GPUModel  string
	MaxGPUs   int
	Simulated bool
	// Bids is how many of its bids came from there; LastBid is when the
	// broker saw the order of the latest.
	Bids    int
	LastBid time.Time
}

// MaxNodesShown is the most machines Provider lists for a provider.
const MaxNodesShown = 64

// ProviderFilter selects providers; zero fields do not filter.
type ProviderFilter struct {
	// Simulated keeps providers whose GPUs are (true) or are not (false)
	// simulated.
	Simulated *bool
	GPUModel  string
	After     Cursor
	Limit     int
}

// ProviderPage is one page of providers, most recently seen first.
type ProviderPage struct {
	Providers []Provider
	Next      Cursor
}

const (
	providerColumns = `
SELECT p.address, coalesce(p.peer_id, ''), p.inventory, p.gpu_models, p.gpu_count, p.simulated, p.first_seen,
       p.last_seen, r.*`
	providerSelect = providerColumns + `
FROM providers p
CROSS JOIN LATERAL (` + providerReputationSQL + `) r`
	// oneProviderSQL reads provider $1 with its $2 top tenants, rating
	// its leases once: all of them, or only those of the tenants in $3
	// when it is not empty.
	// The machines a provider bid from in the day before its latest
	// bid, as its offers name them.
	providerNodesSQL = `
SELECT a.value->>'value', (array_agg(b.gpu_model ORDER BY o.seen_at DESC))[1], max(b.gpu_count), bool_or(b.simulated),
       count(*), max(o.seen_at)
FROM bids b JOIN orders o USING (order_hash)
     CROSS JOIN LATERAL jsonb_array_elements(CASE jsonb_typeof(b.offer->'attributes') WHEN 'array' THEN b.offer->'attributes' ELSE '[]' END) a
WHERE b.provider = $1 AND b.expiry > (SELECT last_seen FROM providers WHERE address = $1) - interval '1 day'
  AND a.value->>'key' = $2
GROUP BY 1 ORDER BY max(o.seen_at) DESC, 1 LIMIT $3`

	oneProviderSQL = `
WITH t AS (` + perTenantSQL + ratedLeasesSQL + `
WHERE l.provider = $1 AND (cardinality($3::bytea[]) = 0 OR l.tenant = ANY ($3::bytea[]))` + perTenantEndSQL + `)` + providerColumns + `, top.*
FROM providers p, (SELECT ` + reputationColumns + ` FROM t) r, (` + topTenantsColumns + `) top
WHERE p.address = $1`
)

// scanProvider scans a row of providerSelect, or of oneProviderSQL when
// top is not nil.
func scanProvider(row pgx.Row, top *topTenantsTargets) (Provider, error) {
	var (
		p    Provider
		addr []byte
		inv  []byte
		gpus int32
		t    reputationTargets
	)
	dests := append([]any{&addr, &p.PeerID, &inv, &p.GPUModels, &gpus, &p.Simulated, &p.FirstSeen, &p.LastSeen}, t.dests()...)
	if top != nil {
		dests = append(dests, top.dests()...)
	}
	if err := row.Scan(dests...); err != nil {
		return Provider{}, err
	}
	p.Address, p.GPUCount = common.BytesToAddress(addr), int(gpus)
	if inv != nil {
		p.Inventory = inv
	}
	var err error
	if p.Reputation, err = t.value(); err != nil || top == nil {
		return p, err
	}
	p.Reputation.TopTenants, err = top.value()
	return p, err
}

// Providers lists providers matching f, most recently seen first.
func (s *Store) Providers(ctx context.Context, f ProviderFilter) (ProviderPage, error) {
	limit, err := pageSize(f.Limit)
	if err != nil {
		return ProviderPage{}, err
	}
	var q query
	if f.Simulated != nil {
		q.cond("p.simulated = %s", *f.Simulated)
	}
	if f.GPUModel != "" {
		q.cond("%s = ANY (p.gpu_models)", f.GPUModel)
	}
	if !f.After.IsZero() {
		q.cond("(p.last_seen, p.address) < (%s, %s)", f.After.at, f.After.key)
	}
	rows, err := s.pool.Query(ctx, providerSelect+q.clause()+" ORDER BY p.last_seen DESC, p.address DESC LIMIT "+q.arg(limit+1), q.args...)
	if err != nil {
		return ProviderPage{}, fmt.Errorf("list providers: %w", err)
	}
	ps, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (Provider, error) { return scanProvider(r, nil) })
	if err != nil {
		return ProviderPage{}, fmt.Errorf("list providers: %w", err)
	}
	page := ProviderPage{Providers: ps}
	if len(ps) > limit {
		page.Providers = ps[:limit]
		last := page.Providers[limit-1]
		page.Next = cursorAt(last.LastSeen, last.Address.Bytes())
	}
	return page, nil
}

// Provider reads one provider, or ErrNotFound. Its reputation lists the
// tenants that added most to its score (TopTenants, never nil). With
// trusted tenants (at most MaxTrusted), its reputation counts only their
// leases: the score as they see it, which no key they do not know of can
// raise or lower.
func (s *Store) Provider(ctx context.Context, addr common.Address, trusted ...common.Address) (Provider, error) {
	if len(trusted) > MaxTrusted {
		return Provider{}, fmt.Errorf("provider %s: %d trusted tenants, at most %d", addr.Hex(), len(trusted), MaxTrusted)
	}
	among := make([][]byte, len(trusted))
	for i, t := range trusted {
		among[i] = t.Bytes()
	}
	p, err := scanProvider(s.pool.QueryRow(ctx, oneProviderSQL, addr.Bytes(), TopTenantsShown, among), &topTenantsTargets{})
	if errors.Is(err, pgx.ErrNoRows) {
		return Provider{}, fmt.Errorf("provider %s: %w", addr.Hex(), ErrNotFound)
	}
	if err != nil {
		return Provider{}, fmt.Errorf("read provider %s: %w", addr.Hex(), err)
	}
	if len(trusted) > 0 {
		p.Reputation.Trusted = slices.Clone(trusted)
	}
	if p.Nodes, err = s.providerNodes(ctx, addr); err != nil {
		return Provider{}, fmt.Errorf("read provider %s's nodes: %w", addr.Hex(), err)
	}
	return p, nil
}

// providerNodes are the machines addr bid from lately (Provider.Nodes).
func (s *Store) providerNodes(ctx context.Context, addr common.Address) ([]Node, error) {
	rows, err := s.pool.Query(ctx, providerNodesSQL, addr.Bytes(), auction.AttributeNode, MaxNodesShown)
	if err != nil {
		return nil, err
	}
	var n Node
	var gpus int32
	var bids int64
	return pgx.CollectRows(rows, func(row pgx.CollectableRow) (Node, error) {
		err := row.Scan(&n.Label, &n.GPUModel, &gpus, &n.Simulated, &bids, &n.LastBid)
		n.MaxGPUs, n.Bids = int(gpus), int(bids)
		return n, err
	})
}

// PricePoint is the median winning price of the auctions of one GPU model
// that closed within one hour.
type PricePoint struct {
	Hour     time.Time
	GPUModel string
	Auctions int
	// MedianPricePerHour is the median winning price for the whole order;
	// MedianPerGPUHour the median of that price divided by the bid's GPU
	// count (rounded down; the whole price for CPU-only bids). Both are
	// prices that some auction paid, never an average.
	MedianPricePerHour *big.Int
	MedianPerGPUHour   *big.Int
}

// WinningPrices returns the median winning price per GPU model per hour for
// auctions that closed in [from, to), oldest hour first; gpuModel, when set,
// keeps one model.
func (s *Store) WinningPrices(ctx context.Context, from, to time.Time, gpuModel string) ([]PricePoint, error) {
	var q query
	q.cond("t.closed_at >= %s", from.UTC())
	q.cond("t.closed_at < %s", to.UTC())
	if gpuModel != "" {
		q.cond("b.gpu_model = %s", gpuModel)
	}
	rows, err := s.pool.Query(ctx, `
SELECT date_trunc('hour', t.closed_at) AS hour, b.gpu_model, count(*),
       percentile_disc(0.5) WITHIN GROUP (ORDER BY b.price_per_hour),
       percentile_disc(0.5) WITHIN GROUP (ORDER BY div(b.price_per_hour, greatest(b.gpu_count, 1)))
FROM transcripts t JOIN bids b ON b.bid_hash = t.winner`+q.clause()+`
GROUP BY 1, 2 ORDER BY 1, 2`, q.args...)
	if err != nil {
		return nil, fmt.Errorf("winning prices: %w", err)
	}
	pts, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (PricePoint, error) {
		var (
			p          PricePoint
			n          int64
			whole, per pgtype.Numeric
		)
		if err := r.Scan(&p.Hour, &p.GPUModel, &n, &whole, &per); err != nil {
			return p, err
		}
		p.Hour, p.Auctions = p.Hour.UTC(), int(n)
		var err error
		if p.MedianPricePerHour, err = toBig(whole); err != nil {
			return p, err
		}
		p.MedianPerGPUHour, err = toBig(per)
		return p, err
	})
	if err != nil {
		return nil, fmt.Errorf("winning prices: %w", err)
	}
	return pts, nil
}

// Summary is the market at a glance.
type Summary struct {
	Orders      int64
	Transcripts int64
	Providers   int64
	// Leases counts leases by state.
	Leases map[string]int64
	// Deposited is all tenants paid in; Paid all providers were paid;
	// Refunded all tenants got back. Deposited - Paid - Refunded is in
	// escrow now.
	Deposited, Paid, Refunded *big.Int
}

// Summary counts what the index holds.
func (s *Store) Summary(ctx context.Context) (Summary, error) {
	sum := Summary{Leases: map[string]int64{}}
	var dep, paid, ref pgtype.Numeric
	err := s.pool.QueryRow(ctx, `
SELECT (SELECT count(*) FROM orders), (SELECT count(*) FROM transcripts), (SELECT count(*) FROM providers),
       coalesce(sum(deposit), 0), coalesce(sum(paid), 0), coalesce(sum(refunded), 0)
FROM leases`).Scan(&sum.Orders, &sum.Transcripts, &sum.Providers, &dep, &paid, &ref)
	if err != nil {
		return Summary{}, fmt.Errorf("market summary: %w", err)
	}
	for _, a := range []struct {
		dst **big.Int
		src pgtype.Numeric
	}{{&sum.Deposited, dep}, {&sum.Paid, paid}, {&sum.Refunded, ref}} {
		if *a.dst, err = toBig(a.src); err != nil {
			return Summary{}, err
		}
	}
	rows, err := s.pool.Query(ctx, `SELECT state, count(*) FROM lease_states GROUP BY state`)
	if err != nil {
		return Summary{}, fmt.Errorf("market summary: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var (
			state string
			n     int64
		)
		if err := rows.Scan(&state, &n); err != nil {
			return Summary{}, fmt.Errorf("market summary: %w", err)
		}
		sum.Leases[state] = n
	}
	if err := rows.Err(); err != nil {
		return Summary{}, fmt.Errorf("market summary: %w", err)
	}
	return sum, nil
}
