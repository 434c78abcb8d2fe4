package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"slices"
	"strings"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"

	"github.com/tender-market/tender/pkg/auction"
)

// Lease states as the index names them (package lease's State names).
// Only a replica is ever reported.
var LeaseStates = []string{"open", "running", "reported", "closed", "overdrawn", "reclaimed"}

// MaxPageSize is the most items one page of a list holds.
const MaxPageSize = 200

// Lease is a lease as the index holds it.
type Lease struct {
	ID           common.Hash
	OrderHash    common.Hash
	Tenant       common.Address
	Provider     common.Address
	PricePerHour *big.Int
	MaxDuration  uint64
	State        string
	// Deposit is all the tenant paid in; Paid what the provider got so far;
	// Refunded what went back to the tenant when the lease ended (a
	// replica's: at its report, and at its group's settlement).
	Deposit  *big.Int
	Paid     *big.Int
	Refunded *big.Int
	// GPUModel is the winning bid's first GPU model; "" when the broker
	// did not see the bid, or for a CPU-only offer.
	GPUModel    string
	OpenedAt    time.Time
	OpenedBlock uint64
	StartedAt   *time.Time
	EndedAt     *time.Time
	ExitCode    *int32
	// ResultHash is what the provider committed when it closed the lease:
	// for a replica, its result digest (docs/results.md).
	ResultHash *common.Hash
	// ClosedBy is tenant, provider, anyone (an overdrawn lease),
	// settlement (a replica its group's settlement closed), or "" (not
	// closed, or unknown).
	ClosedBy  string
	UpdatedAt time.Time
	// Replica: the lease is one of a verified order's replicas, its pay
	// held until its group settles (the index knows it from the order, or
	// from the chain once a replica of the order reports or settles).
	Replica bool
	// Held is what a replica earned by its report, held for its group's
	// settlement; nil until it reports.
	Held *big.Int
	// Agreed is whether the settlement found the replica's digest to be
	// its group's majority (paid) or not (refunded); nil until its group
	// settles it, and for a replica that left its group before (closed by
	// its tenant, declined or reclaimed).
	Agreed *bool
}

// LeaseFilter selects leases; zero fields do not filter.
type LeaseFilter struct {
	State    string
	Tenant   *common.Address
	Provider *common.Address
	GPUModel string
	// From (inclusive) and To (exclusive) bound when leases were opened.
	From, To time.Time
	// After is the cursor of the previous page.
	After Cursor
	// Limit is the page size, 1 to MaxPageSize (0: 50).
	Limit int
}

// LeasePage is one page of leases, newest first; Next is the cursor of the
// following page, zero on the last page.
type LeasePage struct {
	Leases []Lease
	Next   Cursor
}

const leaseColumns = `lease_id, order_hash, tenant, provider, price_per_hour, max_duration, state, deposit, paid,
refunded, coalesce(gpu_model, ''), opened_at, opened_block, started_at, ended_at, exit_code, result_hash,
coalesce(closed_by, ''), updated_at, replica, held, agreed`

func scanLease(row pgx.Row) (Lease, error) {
	var (
		l                                  Lease
		id, order, tenant, provider, rhash []byte
		price, deposit, paid, refunded     pgtype.Numeric
		held                               pgtype.Numeric
		maxDur, block                      int64
	)
	err := row.Scan(&id, &order, &tenant, &provider, &price, &maxDur, &l.State, &deposit, &paid, &refunded,
		&l.GPUModel, &l.OpenedAt, &block, &l.StartedAt, &l.EndedAt, &l.ExitCode, &rhash, &l.ClosedBy, &l.UpdatedAt,
		&l.Replica, &held, &l.Agreed)
	if err != nil {
		return Lease{}, err
	}
	l.ID, l.OrderHash = common.BytesToHash(id), common.BytesToHash(order)
	l.Tenant, l.Provider = common.BytesToAddress(tenant), common.BytesToAddress(provider)
	l.MaxDuration, l.OpenedBlock = uint64(maxDur), uint64(block)
	if rhash != nil {
		h := common.BytesToHash(rhash)
		l.ResultHash = &h
	}
	for _, a := range []struct {
		dst **big.Int
		src pgtype.Numeric
	}{{&l.PricePerHour, price}, {&l.Deposit, deposit}, {&l.Paid, paid}, {&l.Refunded, refunded}, {&l.Held, held}} {
		if *a.dst, err = toBig(a.src); err != nil {
			return Lease{}, err
		}
	}
	return l, nil
}

// query builds a parameterised WHERE clause.
type query struct {
	where []string
	args  []any
}

func (q *query) arg(v any) string {
	q.args = append(q.args, v)
	return fmt.Sprintf("$%d", len(q.args))
}

func (q *query) cond(format string, vals ...any) {
	ph := make([]any, len(vals))
	for i, v := range vals {
		ph[i] = q.arg(v)
	}
	q.where = append(q.where, fmt.Sprintf(format, ph...))
}

func (q *query) clause() string {
	if len(q.where) == 0 {
		return ""
	}
	return " WHERE " + strings.Join(q.where, " AND ")
}

func pageSize(limit int) (int, error) {
	switch {
	case limit == 0:
		return 50, nil
	case limit < 0 || limit > MaxPageSize:
		return 0, fmt.Errorf("page size %d: want 1 to %d", limit, MaxPageSize)
	}
	return limit, nil
}

// Leases lists leases matching f, newest first.
//
// A filter on state alone (with a time range or cursor or not) walks
// lease_states, the leases' states kept beside them, to the page's leases;
// leases has no index on its state, so that escrow events rewrite a
// lease's row in place. With a tenant, provider or GPU model the state is
// one more condition on that filter's index.
func (s *Store) Leases(ctx context.Context, f LeaseFilter) (LeasePage, error) {
	limit, err := pageSize(f.Limit)
	if err != nil {
		return LeasePage{}, err
	}
	var q query
	byState := f.State != "" && f.Tenant == nil && f.Provider == nil && f.GPUModel == ""
	if f.State != "" {
		q.cond("state = %s", f.State)
	}
	if f.Tenant != nil {
		q.cond("tenant = %s", f.Tenant.Bytes())
	}
	if f.Provider != nil {
		q.cond("provider = %s", f.Provider.Bytes())
	}
	if f.GPUModel != "" {
		q.cond("gpu_model = %s", f.GPUModel)
	}
	if !f.From.IsZero() {
		q.cond("opened_at >= %s", f.From.UTC())
	}
	if !f.To.IsZero() {
		q.cond("opened_at < %s", f.To.UTC())
	}
	if !f.After.IsZero() {
		q.cond("(opened_at, lease_id) < (%s, %s)", f.After.at, f.After.key)
	}
	const newest = " ORDER BY opened_at DESC, lease_id DESC"
	where, lim := q.clause(), " LIMIT "+q.arg(limit+1)
	sql := "SELECT " + leaseColumns + " FROM leases" + where + newest + lim
	if byState {
		sql = "SELECT " + leaseColumns + " FROM leases WHERE lease_id IN (SELECT lease_id FROM lease_states" +
			where + newest + lim + ")" + newest
	}
	rows, err := s.pool.Query(ctx, sql, q.args...)
	if err != nil {
		return LeasePage{}, fmt.Errorf("list leases: %w", err)
	}
	leases, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (Lease, error) { return scanLease(r) })
	if err != nil {
		return LeasePage{}, fmt.Errorf("list leases: %w", err)
	}
	page := LeasePage{Leases: leases}
	if len(leases) > limit {
		page.Leases = leases[:limit]
		last := page.Leases[limit-1]
		page.Next = cursorAt(last.OpenedAt, last.ID.Bytes())
	}
	return page, nil
}

// Lease reads one lease, or ErrNotFound.
func (s *Store) Lease(ctx context.Context, id common.Hash) (Lease, error) {
	l, err := scanLease(s.pool.QueryRow(ctx, "SELECT "+leaseColumns+" FROM leases WHERE lease_id = $1", id.Bytes()))
	if errors.Is(err, pgx.ErrNoRows) {
		return Lease{}, fmt.Errorf("lease %s: %w", id.Hex(), ErrNotFound)
	}
	if err != nil {
		return Lease{}, fmt.Errorf("read lease %s: %w", id.Hex(), err)
	}
	return l, nil
}

// Payment is money the escrow moved: kind deposit and top_up from the
// tenant; withdrawal and settlement to the provider; refund to the tenant;
// deferred (held for an account the token refused) and claim.
type Payment struct {
	Kind      string
	LeaseID   common.Hash
	Account   common.Address
	Amount    *big.Int
	BlockTime time.Time
	TxHash    common.Hash
	LogIndex  uint
}

// LeaseDetail is everything the index knows about one lease.
type LeaseDetail struct {
	Lease Lease
	// Order is the lease's order, nil when the broker never saw it.
	Order *Order
	// Transcript is the auction the lease's bid won, nil when unseen.
	Transcript *Transcript
	// Events are the escrow's events of the lease, in chain order.
	Events   []ChainEvent
	Payments []Payment
	// Group is the replica group of a replica's order (its Order is left
	// nil: it is Order above); nil for a lease not known to be a replica.
	Group *ReplicaGroup
}

// LeaseDetail reads a lease with its order, auction transcript, events,
// payments and, for a replica, its group, or ErrNotFound, in one round
// trip to the database.
func (s *Store) LeaseDetail(ctx context.Context, id common.Hash) (LeaseDetail, error) {
	var d LeaseDetail
	found := false
	key := id.Bytes()
	b := &pgx.Batch{}
	b.Queue("SELECT "+leaseColumns+" FROM leases WHERE lease_id = $1", key).QueryRow(func(row pgx.Row) error {
		l, err := scanLease(row)
		if errors.Is(err, pgx.ErrNoRows) {
			return nil
		}
		d.Lease, found = l, err == nil
		return err
	})
	b.Queue(`SELECT order_hash, wire, seen_at FROM orders WHERE order_hash = (SELECT order_hash FROM leases WHERE lease_id = $1)`, key).
		QueryRow(func(row pgx.Row) error {
			o, err := scanOrder(row)
			if errors.Is(err, pgx.ErrNoRows) {
				return nil
			}
			d.Order = &o
			return err
		})
	const won = `SELECT w.transcript_hash FROM transcript_winners w JOIN transcripts t USING (transcript_hash)
WHERE w.lease_id = $1 ORDER BY t.closed_at DESC, w.transcript_hash LIMIT 1`
	b.Queue("SELECT "+transcriptColumns+" FROM transcripts WHERE transcript_hash = ("+won+")", key).QueryRow(func(row pgx.Row) error {
		t, err := scanTranscript(row)
		if errors.Is(err, pgx.ErrNoRows) {
			return nil
		}
		d.Transcript = &t
		return err
	})
	var entries []Entry
	b.Queue(entriesSQL+"("+won+") ORDER BY e.position", key).Query(func(rows pgx.Rows) (err error) {
		entries, err = pgx.CollectRows(rows, scanEntry)
		return err
	})
	var noBids []NoBid
	b.Queue(noBidsSQL+"(SELECT order_hash FROM transcripts WHERE transcript_hash = ("+won+")) ORDER BY seen_at, provider", key).
		Query(func(rows pgx.Rows) (err error) {
			noBids, err = pgx.CollectRows(rows, scanNoBid)
			return err
		})
	b.Queue(eventsSQL+`lease_id = $1 ORDER BY block_number, log_index`, key).Query(func(rows pgx.Rows) (err error) {
		d.Events, err = pgx.CollectRows(rows, scanEvent)
		return err
	})
	b.Queue(paymentsSQL, key).Query(func(rows pgx.Rows) (err error) {
		d.Payments, err = pgx.CollectRows(rows, scanPayment)
		return err
	})
	var g ReplicaGroup
	queueGroup(b, &g, "(SELECT order_hash FROM leases WHERE lease_id = $1)", key)
	if err := s.pool.SendBatch(ctx, b).Close(); err != nil {
		return LeaseDetail{}, fmt.Errorf("read lease %s: %w", id.Hex(), err)
	}
	if !found {
		return LeaseDetail{}, fmt.Errorf("lease %s: %w", id.Hex(), unlisted(d.Events))
	}
	if d.Lease.Replica {
		g.OrderHash = d.Lease.OrderHash
		d.Group = &g
	}
	if d.Transcript != nil {
		d.Transcript.Entries, d.Transcript.NoBids = markWinners(entries, d.Transcript.Winners), noBids
	}
	return d, nil
}

// unlisted says why a lease with events stored (events) is not listed:
// ErrNotFound, and what the events tell.
func unlisted(events []ChainEvent) error {
	switch {
	case len(events) == 0:
		return ErrNotFound
	case slices.ContainsFunc(events, func(e ChainEvent) bool { return e.Kind == KindLeaseOpened }):
		return fmt.Errorf("%w yet: this broker is catching up with the chain and has stored %d of the lease's events; "+
			"it lists the lease when it next moves the leases it has stored events of (every %d events or so, and once it reaches the chain's head)",
			ErrNotFound, len(events), maxBacklog)
	}
	return fmt.Errorf("%w: this broker began indexing the chain after the lease opened, and holds only %d of its events", ErrNotFound, len(events))
}

func (s *Store) leaseEvents(ctx context.Context, id common.Hash) ([]ChainEvent, error) {
	evs, err := readEvents(ctx, s.pool, `lease_id = $1`, id.Bytes())
	if err != nil {
		return nil, fmt.Errorf("lease %s: %w", id.Hex(), err)
	}
	return evs, nil
}

// eventsSQL selects stored events, for scanEvent; a condition follows.
const eventsSQL = `
SELECT tx_hash, log_index, block_number, block_hash, block_time, kind, lease_id, tx_from, tenant, provider,
       account, recipient, order_hash, price_per_hour, max_duration, amount, deposit, paid, refunded, exit_code,
       result_hash, started_at, held, agreed
FROM lease_events WHERE `

// readEvents reads the stored events where cond holds, in chain order.
func readEvents(ctx context.Context, q interface {
	Query(context.Context, string, ...any) (pgx.Rows, error)
}, cond string, args ...any) ([]ChainEvent, error) {
	rows, err := q.Query(ctx, eventsSQL+cond+` ORDER BY block_number, log_index`, args...)
	if err != nil {
		return nil, fmt.Errorf("read events: %w", err)
	}
	evs, err := pgx.CollectRows(rows, scanEvent)
	if err != nil {
		return nil, fmt.Errorf("read events: %w", err)
	}
	return evs, nil
}

// scanEvent scans a row of eventsSQL.
func scanEvent(r pgx.CollectableRow) (ChainEvent, error) {
	var (
		e                                                      ChainEvent
		tx, bh, lease, from, tenant, provider, acct, rcpt, ord []byte
		res                                                    []byte
		logIndex                                               int32
		block                                                  int64
		maxDur                                                 *int64
		exit                                                   *int32
		started                                                *time.Time
		price, amount, deposit, paid, refunded, held           pgtype.Numeric
		agreed                                                 *bool
	)
	if err := r.Scan(&tx, &logIndex, &block, &bh, &e.BlockTime, &e.Kind, &lease, &from, &tenant, &provider,
		&acct, &rcpt, &ord, &price, &maxDur, &amount, &deposit, &paid, &refunded, &exit, &res, &started, &held, &agreed); err != nil {
		return e, err
	}
	e.LeaseID, e.TxHash, e.BlockHash = common.BytesToHash(lease), common.BytesToHash(tx), common.BytesToHash(bh)
	e.LogIndex, e.Block = uint(logIndex), uint64(block)
	e.TxFrom, e.Tenant, e.Provider = common.BytesToAddress(from), common.BytesToAddress(tenant), common.BytesToAddress(provider)
	e.Account, e.Recipient = common.BytesToAddress(acct), common.BytesToAddress(rcpt)
	e.OrderHash, e.ResultHash = common.BytesToHash(ord), common.BytesToHash(res)
	if maxDur != nil {
		e.MaxDuration = uint64(*maxDur)
	}
	if exit != nil {
		e.ExitCode = *exit
	}
	if started != nil {
		e.StartedAt = *started
	}
	e.Agreed = agreed != nil && *agreed
	var err error
	for _, a := range []struct {
		dst **big.Int
		src pgtype.Numeric
	}{{&e.PricePerHour, price}, {&e.Amount, amount}, {&e.Deposit, deposit}, {&e.Paid, paid}, {&e.Refunded, refunded}, {&e.Held, held}} {
		if *a.dst, err = toBig(a.src); err != nil {
			return e, err
		}
	}
	return e, nil
}

// paymentsSQL selects the payments of lease $1 in chain order, for
// scanPayment.
const paymentsSQL = `
SELECT kind, lease_id, account, amount, block_time, tx_hash, log_index FROM payments WHERE lease_id = $1
ORDER BY block_number, log_index, kind DESC`

// Payments lists the payments of a lease in chain order.
func (s *Store) Payments(ctx context.Context, id common.Hash) ([]Payment, error) {
	rows, err := s.pool.Query(ctx, paymentsSQL, id.Bytes())
	if err != nil {
		return nil, fmt.Errorf("read payments of lease %s: %w", id.Hex(), err)
	}
	ps, err := pgx.CollectRows(rows, scanPayment)
	if err != nil {
		return nil, fmt.Errorf("read payments of lease %s: %w", id.Hex(), err)
	}
	return ps, nil
}

func scanPayment(r pgx.CollectableRow) (Payment, error) {
	var (
		p                  Payment
		lease, account, tx []byte
		amount             pgtype.Numeric
		logIndex           int32
	)
	if err := r.Scan(&p.Kind, &lease, &account, &amount, &p.BlockTime, &tx, &logIndex); err != nil {
		return p, err
	}
	p.LeaseID, p.Account, p.TxHash, p.LogIndex = common.BytesToHash(lease), common.BytesToAddress(account), common.BytesToHash(tx), uint(logIndex)
	var err error
	p.Amount, err = toBig(amount)
	return p, err
}

// Order is an order as the index holds it: the signed order as it
// travelled, and when the broker first saw it.
type Order struct {
	Hash   common.Hash
	Signed auction.SignedOrder
	SeenAt time.Time
}

// OrderFilter selects orders; zero fields do not filter.
type OrderFilter struct {
	Tenant *common.Address
	After  Cursor
	Limit  int
}

// OrderPage is one page of orders, newest first.
type OrderPage struct {
	Orders []Order
	Next   Cursor
}

func scanOrder(row pgx.Row) (Order, error) {
	var (
		o          Order
		hash, wire []byte
	)
	if err := row.Scan(&hash, &wire, &o.SeenAt); err != nil {
		return Order{}, err
	}
	o.Hash = common.BytesToHash(hash)
	so, err := auction.DecodeOrder(wire)
	if err != nil {
		return Order{}, fmt.Errorf("stored order %s: %w", o.Hash.Hex(), err)
	}
	o.Signed = so
	return o, nil
}

// Orders lists orders matching f, newest first.
func (s *Store) Orders(ctx context.Context, f OrderFilter) (OrderPage, error) {
	limit, err := pageSize(f.Limit)
	if err != nil {
		return OrderPage{}, err
	}
	var q query
	if f.Tenant != nil {
		q.cond("tenant = %s", f.Tenant.Bytes())
	}
	if !f.After.IsZero() {
		q.cond("(seen_at, order_hash) < (%s, %s)", f.After.at, f.After.key)
	}
	rows, err := s.pool.Query(ctx, "SELECT order_hash, wire, seen_at FROM orders"+q.clause()+
		" ORDER BY seen_at DESC, order_hash DESC LIMIT "+q.arg(limit+1), q.args...)
	if err != nil {
		return OrderPage{}, fmt.Errorf("list orders: %w", err)
	}
	orders, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (Order, error) { return scanOrder(r) })
	if err != nil {
		return OrderPage{}, fmt.Errorf("list orders: %w", err)
	}
	page := OrderPage{Orders: orders}
	if len(orders) > limit {
		page.Orders = orders[:limit]
		last := page.Orders[limit-1]
		page.Next = cursorAt(last.SeenAt, last.Hash.Bytes())
	}
	return page, nil
}

// Order reads one order, or ErrNotFound.
func (s *Store) Order(ctx context.Context, hash common.Hash) (Order, error) {
	o, err := scanOrder(s.pool.QueryRow(ctx, "SELECT order_hash, wire, seen_at FROM orders WHERE order_hash = $1", hash.Bytes()))
	if errors.Is(err, pgx.ErrNoRows) {
		return Order{}, fmt.Errorf("order %s: %w", hash.Hex(), ErrNotFound)
	}
	if err != nil {
		return Order{}, fmt.Errorf("read order %s: %w", hash.Hex(), err)
	}
	return o, nil
}

// Transcript is an auction transcript as the index holds it.
type Transcript struct {
	Hash      common.Hash
	OrderHash common.Hash
	Rule      string
	ClosedAt  time.Time
	// Winner is the winning bid's hash (the lease ID), zero when no bid
	// qualified; of a replicated order's auction, the first, best one.
	Winner common.Hash
	// Winners are every winning bid's hash, best first: Winner alone, or
	// a replicated order's winners from distinct providers, one lease
	// each.
	Winners  []common.Hash
	BidCount int
	// MinReputation is the rule's reputation floor (0: none).
	MinReputation uint64
	// Omitted is how many recorded bids the transcript leaves out past the
	// BidCount it lists.
	Omitted   int
	Signature auction.Signature
	SeenAt    time.Time
	// Entries are the bids in transcript order; only Transcript fills them.
	Entries []Entry
	// NoBids are the providers' signed reasons for not bidding on the
	// order, as its auctioneer published them; only Transcript fills them.
	NoBids []NoBid
}

// NoBid is a provider's signed reason for not bidding on an order.
type NoBid struct {
	Provider  common.Address
	PeerID    string
	Reason    string
	Detail    string
	Signature auction.Signature
	SeenAt    time.Time
}

// noBidsSQL selects the no-bids on an order, for scanNoBid; the order's
// hash follows.
const noBidsSQL = `SELECT provider, peer_id, reason, detail, signature, seen_at FROM no_bids WHERE order_hash = `

func scanNoBid(r pgx.CollectableRow) (NoBid, error) {
	var (
		nb       NoBid
		prov, sg []byte
	)
	if err := r.Scan(&prov, &nb.PeerID, &nb.Reason, &nb.Detail, &sg, &nb.SeenAt); err != nil {
		return nb, err
	}
	nb.Provider = common.BytesToAddress(prov)
	copy(nb.Signature[:], sg)
	return nb, nil
}

// Entry is one bid of a transcript with its fate.
type Entry struct {
	Position     int
	BidHash      common.Hash
	Provider     common.Address
	PeerID       string
	PricePerHour *big.Int
	GPUModel     string
	GPUCount     int
	Simulated    bool
	Offer        json.RawMessage
	Arrival      time.Time
	Reputation   uint64
	// Reason is why the bid could not win (package auction's Reason); ""
	// when it was eligible.
	Reason string
	Won    bool
}

const transcriptColumns = `transcript_hash, order_hash, rule, closed_at, winner, bid_count, signature, seen_at, min_reputation, omitted,
ARRAY(SELECT w.lease_id FROM transcript_winners w WHERE w.transcript_hash = transcripts.transcript_hash ORDER BY w.position)`

func scanTranscript(row pgx.Row) (Transcript, error) {
	var (
		t                     Transcript
		hash, order, win, sig []byte
		count, omitted        int32
		floor                 pgtype.Numeric
		winners               [][]byte
	)
	if err := row.Scan(&hash, &order, &t.Rule, &t.ClosedAt, &win, &count, &sig, &t.SeenAt, &floor, &omitted, &winners); err != nil {
		return Transcript{}, err
	}
	for _, w := range winners {
		t.Winners = append(t.Winners, common.BytesToHash(w))
	}
	var err error
	if t.MinReputation, err = toU64(floor); err != nil {
		return Transcript{}, err
	}
	t.Hash, t.OrderHash, t.Winner, t.BidCount, t.Omitted = common.BytesToHash(hash), common.BytesToHash(order), common.BytesToHash(win), int(count), int(omitted)
	copy(t.Signature[:], sig)
	return t, nil
}

// TranscriptFilter selects transcripts; zero fields do not filter.
type TranscriptFilter struct {
	OrderHash *common.Hash
	After     Cursor
	Limit     int
}

// TranscriptPage is one page of transcripts, newest first, without entries.
type TranscriptPage struct {
	Transcripts []Transcript
	Next        Cursor
}

// Transcripts lists transcripts matching f, most recently closed first.
func (s *Store) Transcripts(ctx context.Context, f TranscriptFilter) (TranscriptPage, error) {
	limit, err := pageSize(f.Limit)
	if err != nil {
		return TranscriptPage{}, err
	}
	var q query
	if f.OrderHash != nil {
		q.cond("order_hash = %s", f.OrderHash.Bytes())
	}
	if !f.After.IsZero() {
		q.cond("(closed_at, transcript_hash) < (%s, %s)", f.After.at, f.After.key)
	}
	rows, err := s.pool.Query(ctx, "SELECT "+transcriptColumns+" FROM transcripts"+q.clause()+
		" ORDER BY closed_at DESC, transcript_hash DESC LIMIT "+q.arg(limit+1), q.args...)
	if err != nil {
		return TranscriptPage{}, fmt.Errorf("list transcripts: %w", err)
	}
	ts, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (Transcript, error) { return scanTranscript(r) })
	if err != nil {
		return TranscriptPage{}, fmt.Errorf("list transcripts: %w", err)
	}
	page := TranscriptPage{Transcripts: ts}
	if len(ts) > limit {
		page.Transcripts = ts[:limit]
		last := page.Transcripts[limit-1]
		page.Next = cursorAt(last.ClosedAt, last.Hash.Bytes())
	}
	return page, nil
}

// Transcript reads a transcript with its entries, or ErrNotFound.
func (s *Store) Transcript(ctx context.Context, hash common.Hash) (Transcript, error) {
	var t Transcript
	var entries []Entry
	b := &pgx.Batch{}
	b.Queue("SELECT "+transcriptColumns+" FROM transcripts WHERE transcript_hash = $1", hash.Bytes()).QueryRow(func(row pgx.Row) (err error) {
		t, err = scanTranscript(row)
		return err
	})
	b.Queue(entriesSQL+"$1 ORDER BY e.position", hash.Bytes()).Query(func(rows pgx.Rows) (err error) {
		entries, err = pgx.CollectRows(rows, scanEntry)
		return err
	})
	var noBids []NoBid
	b.Queue(noBidsSQL+"(SELECT order_hash FROM transcripts WHERE transcript_hash = $1) ORDER BY seen_at, provider", hash.Bytes()).
		Query(func(rows pgx.Rows) (err error) {
			noBids, err = pgx.CollectRows(rows, scanNoBid)
			return err
		})
	err := s.pool.SendBatch(ctx, b).Close()
	if errors.Is(err, pgx.ErrNoRows) {
		return Transcript{}, fmt.Errorf("transcript %s: %w", hash.Hex(), ErrNotFound)
	}
	if err != nil {
		return Transcript{}, fmt.Errorf("read transcript %s: %w", hash.Hex(), err)
	}
	t.Entries, t.NoBids = markWinners(entries, t.Winners), noBids
	return t, nil
}

// entriesSQL selects the entries of a transcript, for scanEntry; the
// transcript's hash follows.
const entriesSQL = `
SELECT e.position, e.bid_hash, b.provider, b.peer_id, b.price_per_hour, b.gpu_model, b.gpu_count, b.simulated,
       b.offer, e.arrival, e.reputation, e.reason
FROM transcript_entries e JOIN bids b ON b.bid_hash = e.bid_hash
WHERE e.transcript_hash = `

func scanEntry(r pgx.CollectableRow) (Entry, error) {
	var (
		e             Entry
		pos, gpus     int32
		bid, provider []byte
		price, rep    pgtype.Numeric
	)
	if err := r.Scan(&pos, &bid, &provider, &e.PeerID, &price, &e.GPUModel, &gpus, &e.Simulated, &e.Offer,
		&e.Arrival, &rep, &e.Reason); err != nil {
		return e, err
	}
	e.Position, e.GPUCount = int(pos), int(gpus)
	e.BidHash, e.Provider = common.BytesToHash(bid), common.BytesToAddress(provider)
	var err error
	if e.PricePerHour, err = toBig(price); err != nil {
		return e, err
	}
	e.Reputation, err = toU64(rep)
	return e, err
}

// markWinners marks the entries of the winning bids.
func markWinners(entries []Entry, winners []common.Hash) []Entry {
	for i := range entries {
		entries[i].Won = slices.Contains(winners, entries[i].BidHash)
	}
	return entries
}

// LeasesWithoutTranscript lists leases opened since since whose auction
// transcript the index lacks, newest first, at most limit: what a broker
// that was down asks its peers for.
func (s *Store) LeasesWithoutTranscript(ctx context.Context, since time.Time, limit int) ([]common.Hash, error) {
	rows, err := s.pool.Query(ctx, `
SELECT l.lease_id FROM leases l
WHERE l.opened_at >= $1 AND NOT EXISTS (SELECT 1 FROM transcript_winners w WHERE w.lease_id = l.lease_id)
ORDER BY l.opened_at DESC, l.lease_id DESC LIMIT $2`, since.UTC(), limit)
	if err != nil {
		return nil, fmt.Errorf("list leases without a transcript: %w", err)
	}
	ids, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (common.Hash, error) {
		var id []byte
		err := r.Scan(&id)
		return common.BytesToHash(id), err
	})
	if err != nil {
		return nil, fmt.Errorf("list leases without a transcript: %w", err)
	}
	return ids, nil
}
