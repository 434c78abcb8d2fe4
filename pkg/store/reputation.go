package store

import (
	"context"
	"fmt"
	"math/big"

	"github.com/ethereum/go-ethereum/common"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"
)

// ReputationRule names the rule Reputation.Score follows, published in
// docs/reputation.md. A change to the rule is a new name.
const ReputationRule = "tender-reputation/3"

// The rule's numbers. The credits are written into the SQL below as
// literals; TestReputation holds the two together.
const (
	// CreditPerHour is what a lease earns per hour its tenant paid for.
	CreditPerHour = 10
	// LeaseCreditCap is the most one lease earns.
	LeaseCreditCap = 10
	// TenantCreditCap is the most one tenant adds to a provider's score,
	// however many leases it paid for.
	TenantCreditCap = 10
	// ReclaimPenalty is taken per lease its tenant reclaimed: the provider
	// neither started it nor declined it before the start deadline.
	ReclaimPenalty = 20
	// FailurePenalty is taken per lease the provider closed saying it
	// failed (it lost the job's end or its result): its tenant paid and
	// got nothing. Smaller than ReclaimPenalty, because a provider that
	// says so is honest about it.
	FailurePenalty = 5
	// DisagreedPenalty is taken per replica whose result digest its
	// group's majority contradicted: a wrong result passed off as right,
	// which the provider did not own up to. As much as a reclaim.
	DisagreedPenalty = 20
)

// Reputation is a provider's record, derived from the escrow's events, and
// how its score was made. Every lease is counted in exactly one category,
// from Running to SelfDealt.
type Reputation struct {
	// Leases is how many leases the provider won and the tenant opened.
	Leases uint64
	// Running leases are open or running now, or replicas that reported
	// and wait for their group to settle.
	Running uint64
	// Completed leases were closed by the provider because the job ended,
	// not because its tenant cancelled it or the provider failed it; a
	// replica is completed when its group's majority agreed with it.
	Completed uint64
	// ClosedByTenant leases were cancelled by their tenant: closed on
	// chain by the tenant (whatever exit code it gave), or by the provider
	// with an exit code that says the tenant cancelled (package lease's
	// ExitCode).
	ClosedByTenant uint64
	// Overdrawn leases ran until the deposit was spent.
	Overdrawn uint64
	// Reclaimed leases were never started nor declined: the tenant took
	// the deposit back after the start deadline.
	Reclaimed uint64
	// Declined leases were closed by the provider before it started them
	// because their tenant never sent the job (lease.ExitNoJob).
	Declined uint64
	// Failed leases were closed by the provider saying it failed
	// (lease.ExitProviderFailure, or ExitNoJob once started), or are
	// replicas that started and never reported before their group settled.
	Failed uint64
	// Disagreed replicas reported a result digest that their group's
	// majority contradicted; they were not paid.
	Disagreed uint64
	// Unresolved replicas reported when no digest had a majority in their
	// group (two that differ and no referee, three different): nobody
	// was paid, and nobody can tell who was right.
	Unresolved uint64
	// SelfDealt leases had the provider itself for their tenant.
	SelfDealt uint64
	// Credit is the sum over the provider's tenants (itself excepted) of
	// what each one's paid leases earned, each tenant capped at
	// TenantCreditCap.
	Credit uint64
	// PayingTenants is how many tenants contributed to Credit.
	PayingTenants uint64
	// Earned is all the provider was paid, in token base units.
	Earned *big.Int
	// TopTenants are the tenants that contributed most to Credit, most
	// first (at most TopTenantsShown); only Store.Provider fills it.
	TopTenants []TenantCredit
	// Trusted are the only tenants whose leases were counted, when the
	// score was asked for as they see it (Store.Provider's trusted);
	// nil when every tenant's were.
	Trusted []common.Address
}

// MaxTrusted is how many trusted tenants a score may be asked for with.
const MaxTrusted = 64

// TenantCredit is what one tenant's leases added to a provider's score.
type TenantCredit struct {
	Tenant common.Address
	// Leases is how many of its leases with the provider earned credit.
	Leases uint64
	// Paid is what those leases paid the provider, in token base units.
	Paid *big.Int
	// Credit is the tenant's contribution, at most TenantCreditCap.
	Credit uint64
}

// TopTenantsShown is how many tenants Store.Provider lists in
// Reputation.TopTenants.
const TopTenantsShown = 5

// Penalty is what the provider's reclaimed and failed leases and its
// disagreeing replicas take off its score.
func (r Reputation) Penalty() uint64 {
	return ReclaimPenalty*r.Reclaimed + FailurePenalty*r.Failed + DisagreedPenalty*r.Disagreed
}

// Score is the reputation the auction uses (a job's minReputation floor,
// and the tie-break among equal prices), by the rule ReputationRule:
// Credit less Penalty, never below zero. Leases to itself, declined
// leases, unresolved replicas, and leases that paid less than an hour's
// worth earn nothing (see docs/reputation.md).
func (r Reputation) Score() uint64 {
	if p := r.Penalty(); p < r.Credit {
		return r.Credit - p
	}
	return 0
}

// ratedLeasesSQL is every lease (as l) with its category (one of
// Reputation's) and the credit it earns before its tenant's cap:
// CreditPerHour points per hour paid, exactly floor(10 × paid /
// price_per_hour), at most LeaseCreditCap, for a started lease of another
// tenant that ended by the job's end, a cancellation or an overdraft.
// Callers add a WHERE on l. The exit code's second byte is package lease's
// ExitReason: 1 cancelled, 5 the provider failed, 6 no job (TestReputation
// keeps them in step). Only the provider's word about itself counts: a
// lease the tenant closed is a cancellation, whatever its exit code.
//
// A replica its group's settlement closed (agreed set) did not leave it:
// one that agreed is rated as a lease its provider closed (paid is what
// the settlement paid it); one that did not failed when it never reported
// or reported that it failed, disagreed when its group had a majority
// against it, and is unresolved when its group had none.
const ratedLeasesSQL = `
SELECT l.provider, l.tenant, l.paid, c.category,
       CASE WHEN c.category IN ('completed', 'cancelled', 'overdrawn') AND l.started_at IS NOT NULL AND l.price_per_hour > 0
            THEN least(10, div(10 * l.paid, l.price_per_hour)) ELSE 0 END AS credit
FROM leases l
CROSS JOIN LATERAL (SELECT CASE WHEN l.exit_code >= 0 THEN (l.exit_code >> 8) & 255 END AS reason) r
CROSS JOIN LATERAL (SELECT CASE
    WHEN l.tenant = l.provider THEN 'self'
    WHEN l.state IN ('open', 'running', 'reported') THEN 'running'
    WHEN l.state = 'overdrawn' THEN 'overdrawn'
    WHEN l.state = 'reclaimed' THEN 'reclaimed'
    WHEN NOT l.agreed AND (l.held IS NULL OR r.reason IN (5, 6)) THEN 'failed'
    WHEN NOT l.agreed AND EXISTS (SELECT 1 FROM replica_groups g WHERE g.order_hash = l.order_hash AND g.majority IS NOT NULL)
        THEN 'disagreed'
    WHEN NOT l.agreed THEN 'unresolved'
    WHEN (l.closed_by IS DISTINCT FROM 'provider' AND l.agreed IS NULL) OR r.reason = 1 THEN 'cancelled'
    WHEN r.reason = 6 AND l.started_at IS NULL THEN 'declined'
    WHEN r.reason IN (5, 6) THEN 'failed'
    ELSE 'completed' END AS category) c`

// perTenantSQL sums rated leases per provider and tenant, capping each
// tenant's credit at TenantCreditCap; it wraps ratedLeasesSQL and its
// WHERE: perTenantSQL + ratedLeasesSQL + where + perTenantEndSQL. (OFFSET
// 0 keeps the planner from inlining a lease's category into each FILTER
// below: computed once per lease, it saves about a third of the time.)
const (
	perTenantSQL = `
SELECT provider, tenant, count(*) AS leases,
       count(*) FILTER (WHERE category = 'running') AS running,
       count(*) FILTER (WHERE category = 'completed') AS completed,
       count(*) FILTER (WHERE category = 'cancelled') AS cancelled,
       count(*) FILTER (WHERE category = 'overdrawn') AS overdrawn,
       count(*) FILTER (WHERE category = 'reclaimed') AS reclaimed,
       count(*) FILTER (WHERE category = 'declined') AS declined,
       count(*) FILTER (WHERE category = 'failed') AS failed,
       count(*) FILTER (WHERE category = 'disagreed') AS disagreed,
       count(*) FILTER (WHERE category = 'unresolved') AS unresolved,
       count(*) FILTER (WHERE category = 'self') AS self,
       least(10, sum(credit)) AS credit, sum(paid) AS earned,
       count(*) FILTER (WHERE credit > 0) AS credited, coalesce(sum(paid) FILTER (WHERE credit > 0), 0) AS credited_paid
FROM (`
	perTenantEndSQL = `
OFFSET 0) rated
GROUP BY provider, tenant`
)

// reputationColumns sum perTenantSQL's rows into a provider's figures, in
// reputationTargets' order.
const reputationColumns = `
coalesce(sum(leases), 0)::bigint, coalesce(sum(running), 0)::bigint, coalesce(sum(completed), 0)::bigint,
coalesce(sum(cancelled), 0)::bigint, coalesce(sum(overdrawn), 0)::bigint, coalesce(sum(reclaimed), 0)::bigint,
coalesce(sum(declined), 0)::bigint, coalesce(sum(failed), 0)::bigint, coalesce(sum(disagreed), 0)::bigint,
coalesce(sum(unresolved), 0)::bigint, coalesce(sum(self), 0)::bigint,
coalesce(sum(credit), 0)::bigint, count(*) FILTER (WHERE credit > 0), coalesce(sum(earned), 0)`

const (
	// reputationsSQL is every provider's figures.
	reputationsSQL = `SELECT provider, ` + reputationColumns + ` FROM (` + perTenantSQL + ratedLeasesSQL + perTenantEndSQL + `) t GROUP BY provider`
	// providerReputationSQL is the figures of the provider p (a lateral
	// subquery of providerSelect): one row, zeros when it has no lease.
	providerReputationSQL = `SELECT ` + reputationColumns + ` FROM (` + perTenantSQL + ratedLeasesSQL + `
WHERE l.provider = p.address` + perTenantEndSQL + `) t`
)

// qualifiedSQL is the providers whose score is at least $2 (at least 1),
// counting the leases of the tenants in $1 only when it is not empty: the
// highest score first, at most $3 of them.
var qualifiedSQL = fmt.Sprintf(`SELECT provider FROM (%s%s
WHERE cardinality($1::bytea[]) = 0 OR l.tenant = ANY ($1::bytea[])%s) t
GROUP BY provider
HAVING sum(credit) - %[4]d * sum(reclaimed) - %[5]d * sum(failed) - %[6]d * sum(disagreed) >= $2
ORDER BY sum(credit) - %[4]d * sum(reclaimed) - %[5]d * sum(failed) - %[6]d * sum(disagreed) DESC, provider
LIMIT $3`, perTenantSQL, ratedLeasesSQL, perTenantEndSQL, ReclaimPenalty, FailurePenalty, DisagreedPenalty)

// Qualified lists the providers whose Score is at least min (at least 1),
// as the trusted tenants see it when any are given (at most MaxTrusted):
// the highest first, at most limit of them; more tells that others
// qualify too.
func (s *Store) Qualified(ctx context.Context, min uint64, trusted []common.Address, limit int) (providers []common.Address, more bool, err error) {
	if min == 0 || limit <= 0 || len(trusted) > MaxTrusted {
		return nil, false, fmt.Errorf("qualified providers: want a floor of at least 1, a positive limit and at most %d trusted tenants", MaxTrusted)
	}
	among := make([][]byte, len(trusted))
	for i, t := range trusted {
		among[i] = t.Bytes()
	}
	rows, err := s.pool.Query(ctx, qualifiedSQL, among, min, limit+1)
	if err != nil {
		return nil, false, fmt.Errorf("qualified providers: %w", err)
	}
	addrs, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (common.Address, error) {
		var b []byte
		err := r.Scan(&b)
		return common.BytesToAddress(b), err
	})
	if err != nil {
		return nil, false, fmt.Errorf("qualified providers: %w", err)
	}
	if len(addrs) > limit {
		return addrs[:limit], true, nil
	}
	return addrs, false, nil
}

// reputationTargets are scan targets for reputationColumns.
type reputationTargets struct {
	n      [13]int64
	earned pgtype.Numeric
}

func (t *reputationTargets) dests() []any {
	d := make([]any, 0, len(t.n)+1)
	for i := range t.n {
		d = append(d, &t.n[i])
	}
	return append(d, &t.earned)
}

func (t *reputationTargets) value() (Reputation, error) {
	earned, err := toBig(t.earned)
	if err != nil {
		return Reputation{}, err
	}
	n := func(i int) uint64 { return uint64(max(t.n[i], 0)) }
	return Reputation{
		Leases: n(0), Running: n(1), Completed: n(2), ClosedByTenant: n(3), Overdrawn: n(4), Reclaimed: n(5),
		Declined: n(6), Failed: n(7), Disagreed: n(8), Unresolved: n(9), SelfDealt: n(10), Credit: n(11),
		PayingTenants: n(12), Earned: bigOrZero(earned),
	}, nil
}

// Reputations returns every provider's figures that has a lease.
func (s *Store) Reputations(ctx context.Context) (map[common.Address]Reputation, error) {
	rows, err := s.pool.Query(ctx, reputationsSQL)
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

// topTenantsColumns are the tenants of perTenantSQL's rows (as t) that
// added most to the provider's credit, most first (then those that paid
// most), at most $2 (TopTenantsShown): their addresses, credited leases,
// what those paid, and their credit, as four arrays in one order (NULL
// when none).
const topTenantsColumns = `
SELECT array_agg(tenant ORDER BY credit DESC, credited_paid DESC, tenant),
       array_agg(credited ORDER BY credit DESC, credited_paid DESC, tenant),
       array_agg(credited_paid ORDER BY credit DESC, credited_paid DESC, tenant),
       array_agg(credit::bigint ORDER BY credit DESC, credited_paid DESC, tenant)
FROM (SELECT * FROM t WHERE credit > 0 ORDER BY credit DESC, credited_paid DESC, tenant LIMIT $2) top`

// topTenantsTargets are scan targets for topTenantsColumns.
type topTenantsTargets struct {
	tenants         [][]byte
	leases, credits []int64
	paid            []pgtype.Numeric
}

func (t *topTenantsTargets) dests() []any {
	return []any{&t.tenants, &t.leases, &t.paid, &t.credits}
}

// value is the top tenants, never nil.
func (t *topTenantsTargets) value() ([]TenantCredit, error) {
	n := len(t.tenants)
	if len(t.leases) != n || len(t.paid) != n || len(t.credits) != n {
		return nil, fmt.Errorf("top tenants: %d tenants, %d lease counts, %d amounts, %d credits", n, len(t.leases), len(t.paid), len(t.credits))
	}
	out := make([]TenantCredit, n)
	for i := range out {
		paid, err := toBig(t.paid[i])
		if err != nil {
			return nil, err
		}
		out[i] = TenantCredit{
			Tenant: common.BytesToAddress(t.tenants[i]), Leases: uint64(t.leases[i]), Paid: bigOrZero(paid), Credit: uint64(t.credits[i]),
		}
	}
	return out, nil
}
