package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"
)

// Reputation is a provider's record, derived from the escrow's events.
type Reputation struct {
	// Leases is how many leases the provider won and the tenant opened.
	Leases uint64
	// Running leases are open or running now.
	Running uint64
	// Completed leases were closed by the provider because the job ended,
	// not because its tenant cancelled it or the provider failed it.
	Completed uint64
	// ClosedByTenant leases were cancelled by their tenant: closed on
	// chain by the tenant, or by the provider with an exit code that says
	// the tenant cancelled (package lease's ExitCode).
	ClosedByTenant uint64
	// Reclaimed leases were never started: the tenant took the deposit back.
	Reclaimed uint64
	// Overdrawn leases ran until the deposit was spent.
	Overdrawn uint64
	// Earned is all the provider was paid, in token base units.
	Earned *big.Int
}

// Score is the reputation the auction's tie-break uses: ten points per
// completed lease, five per overdrawn one (the provider served until the
// money ran out), two per lease its tenant cancelled, less twenty per lease the
// provider never started; never below zero.
func (r Reputation) Score() uint64 {
	plus := 10*r.Completed + 5*r.Overdrawn + 2*r.ClosedByTenant
	minus := 20 * r.Reclaimed
	if minus >= plus {
		return 0
	}
	return plus - minus
}

// cancelledExit is true for a lease whose exit code says its tenant
// cancelled it: package lease's ExitCode with reason ExitCancelled (1) in
// its second byte; failedExit for one whose provider failed it
// (ExitProviderFailure, 5). TestReputation keeps them in step.
const (
	cancelledExit = `coalesce(exit_code >= 0 AND (exit_code >> 8) & 255 = 1, false)`
	failedExit    = `coalesce(exit_code >= 0 AND (exit_code >> 8) & 255 = 5, false)`
)

const reputationColumns = `
count(*),
count(*) FILTER (WHERE state IN ('open', 'running')),
count(*) FILTER (WHERE state = 'closed' AND closed_by = 'provider' AND NOT ` + cancelledExit + ` AND NOT ` + failedExit + `),
count(*) FILTER (WHERE state = 'closed' AND (closed_by = 'tenant' OR ` + cancelledExit + `)),
count(*) FILTER (WHERE state = 'reclaimed'),
count(*) FILTER (WHERE state = 'overdrawn'),
coalesce(sum(paid), 0)`

// reputationTargets are scan targets for reputationColumns.
type reputationTargets struct {
	n      [6]int64
	earned pgtype.Numeric
}

func (t *reputationTargets) dests() []any {
	return []any{&t.n[0], &t.n[1], &t.n[2], &t.n[3], &t.n[4], &t.n[5], &t.earned}
}

func (t *reputationTargets) value() (Reputation, error) {
	earned, err := toBig(t.earned)
	if err != nil {
		return Reputation{}, err
	}
	return Reputation{
		Leases: uint64(t.n[0]), Running: uint64(t.n[1]), Completed: uint64(t.n[2]),
		ClosedByTenant: uint64(t.n[3]), Reclaimed: uint64(t.n[4]), Overdrawn: uint64(t.n[5]), Earned: bigOrZero(earned),
	}, nil
}

// Reputations returns every provider's figures that has a lease.
func (s *Store) Reputations(ctx context.Context) (map[common.Address]Reputation, error) {
	rows, err := s.pool.Query(ctx, "SELECT provider, "+reputationColumns+" FROM leases GROUP BY provider")
	if err != nil {
		return nil, fmt.Errorf("reputations: %w", err)
	}
	defer rows.Close()
	out := map[common.Address]Reputation{}
	for rows.Next() {
		var (
			addr []byte
			t    reputationTargets
		)
		if err := rows.Scan(append([]any{&addr}, t.dests()...)...); err != nil {
			return nil, fmt.Errorf("reputations: %w", err)
		}
		r, err := t.value()
		if err != nil {
			return nil, fmt.Errorf("reputations: %w", err)
		}
		out[common.BytesToAddress(addr)] = r
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("reputations: %w", err)
	}
	return out, nil
}

// ReputationFunc returns a snapshot of every provider's Score in the form
// auction.NewAuction takes (providers without leases score 0).
func (s *Store) ReputationFunc(ctx context.Context) (func(common.Address) uint64, error) {
	all, err := s.Reputations(ctx)
	if err != nil {
		return nil, err
	}
	scores := make(map[common.Address]uint64, len(all))
	for a, r := range all {
		scores[a] = r.Score()
	}
	return func(a common.Address) uint64 { return scores[a] }, nil
}

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
}

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

const providerSelect = `
SELECT p.address, coalesce(p.peer_id, ''), p.inventory, p.gpu_models, p.gpu_count, p.simulated, p.first_seen,
       p.last_seen, r.*
FROM providers p
CROSS JOIN LATERAL (SELECT ` + reputationColumns + ` FROM leases WHERE provider = p.address) r`

func scanProvider(row pgx.Row) (Provider, error) {
	var (
		p    Provider
		addr []byte
		inv  []byte
		gpus int32
		t    reputationTargets
	)
	dests := append([]any{&addr, &p.PeerID, &inv, &p.GPUModels, &gpus, &p.Simulated, &p.FirstSeen, &p.LastSeen}, t.dests()...)
	if err := row.Scan(dests...); err != nil {
		return Provider{}, err
	}
	p.Address, p.GPUCount = common.BytesToAddress(addr), int(gpus)
	if inv != nil {
		p.Inventory = inv
	}
	var err error
	p.Reputation, err = t.value()
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
	ps, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (Provider, error) { return scanProvider(r) })
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

// Provider reads one provider, or ErrNotFound.
func (s *Store) Provider(ctx context.Context, addr common.Address) (Provider, error) {
	p, err := scanProvider(s.pool.QueryRow(ctx, providerSelect+" WHERE p.address = $1", addr.Bytes()))
	if errors.Is(err, pgx.ErrNoRows) {
		return Provider{}, fmt.Errorf("provider %s: %w", addr.Hex(), ErrNotFound)
	}
	if err != nil {
		return Provider{}, fmt.Errorf("read provider %s: %w", addr.Hex(), err)
	}
	return p, nil
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
	rows, err := s.pool.Query(ctx, `SELECT state, count(*) FROM leases GROUP BY state`)
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
