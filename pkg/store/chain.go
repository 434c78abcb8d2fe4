package store

import (
	"context"
	"fmt"
	"math/big"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"
)

// Escrow event kinds, named as the escrow contract names its events.
const (
	KindLeaseOpened     = "LeaseOpened"
	KindStarted         = "Started"
	KindWithdrawn       = "Withdrawn"
	KindToppedUp        = "ToppedUp"
	KindClosed          = "Closed"
	KindOverdrawn       = "Overdrawn"
	KindReclaimed       = "Reclaimed"
	KindPaymentDeferred = "PaymentDeferred"
	KindClaimed         = "Claimed"
)

// ChainEvent is one escrow event with where and when the chain logged it.
// Which fields are set depends on Kind, as in the escrow's events:
//
//	LeaseOpened      Tenant, Provider, OrderHash, PricePerHour, MaxDuration, Deposit
//	Started          StartedAt
//	Withdrawn        Amount
//	ToppedUp         Amount, Deposit (the new total)
//	Closed           ExitCode, ResultHash, Paid (the provider's total), Refunded
//	Overdrawn        Paid (the whole deposit)
//	Reclaimed        Refunded
//	PaymentDeferred  Account, Amount
//	Claimed          Account, Recipient, Amount
type ChainEvent struct {
	Kind      string
	LeaseID   common.Hash
	Block     uint64
	BlockHash common.Hash
	BlockTime time.Time
	TxHash    common.Hash
	LogIndex  uint
	// TxFrom is the transaction's sender when known (it tells who closed a
	// lease); zero otherwise.
	TxFrom common.Address

	Tenant, Provider   common.Address
	Account, Recipient common.Address
	OrderHash          common.Hash
	PricePerHour       *big.Int
	MaxDuration        uint64
	Amount             *big.Int
	Deposit            *big.Int
	Paid               *big.Int
	Refunded           *big.Int
	ExitCode           int32
	ResultHash         common.Hash
	StartedAt          time.Time
}

// ofLease reports whether the event belongs to one lease (the payment
// events belong to an account).
func (e *ChainEvent) ofLease() bool { return e.Kind != KindPaymentDeferred && e.Kind != KindClaimed }

// ChainPosition is where a chain indexer stands: the next block and log
// index to read.
type ChainPosition struct {
	Block    uint64
	LogIndex uint
}

func (p ChainPosition) less(q ChainPosition) bool {
	return p.Block < q.Block || p.Block == q.Block && p.LogIndex < q.LogIndex
}

var eventColumns = []string{
	"tx_hash", "log_index", "block_number", "block_hash", "block_time", "kind", "lease_id", "tx_from",
	"tenant", "provider", "account", "recipient", "order_hash", "price_per_hour", "max_duration",
	"amount", "deposit", "paid", "refunded", "exit_code", "result_hash", "started_at",
}

// eventRow is e as a row of lease_events (columns in eventColumns order).
func eventRow(e *ChainEvent) []any {
	var exit, maxDur, started any
	switch e.Kind {
	case KindClosed:
		exit = e.ExitCode
	case KindLeaseOpened:
		maxDur = int64(e.MaxDuration)
	case KindStarted:
		started = e.StartedAt.UTC()
	}
	var lease []byte
	if e.ofLease() {
		lease = e.LeaseID.Bytes()
	}
	return []any{
		e.TxHash.Bytes(), int32(e.LogIndex), int64(e.Block), e.BlockHash.Bytes(), e.BlockTime.UTC(), e.Kind, lease,
		optAddr(e.TxFrom), optAddr(e.Tenant), optAddr(e.Provider), optAddr(e.Account), optAddr(e.Recipient),
		optHash(e.OrderHash), numeric(e.PricePerHour), maxDur, numeric(e.Amount), numeric(e.Deposit),
		numeric(e.Paid), numeric(e.Refunded), exit, optHash(e.ResultHash), started,
	}
}

// leaseRow is a lease opened in a batch, moved by the batch's later events
// to where it ends up; it is inserted once.
type leaseRow struct {
	id               common.Hash
	order            common.Hash
	tenant, provider common.Address
	price            *big.Int
	maxDuration      uint64
	state            string
	deposit          *big.Int
	paid, refunded   *big.Int
	gpuModel         pgtype.Text
	openedAt         time.Time
	openedBlock      uint64
	startedAt        pgtype.Timestamptz
	endedAt          pgtype.Timestamptz
	exitCode         pgtype.Int4
	resultHash       []byte
	closedBy         pgtype.Text
}

// openedBy is the lease a LeaseOpened event opens.
func openedBy(e *ChainEvent) *leaseRow {
	return &leaseRow{
		id: e.LeaseID, order: e.OrderHash, tenant: e.Tenant, provider: e.Provider,
		price: bigOrZero(e.PricePerHour), maxDuration: e.MaxDuration, state: "open", deposit: bigOrZero(e.Deposit),
		paid: new(big.Int), refunded: new(big.Int), openedAt: e.BlockTime.UTC(), openedBlock: e.Block,
	}
}

// apply moves l by e, one of its later events, as the escrow moves it.
// (updateLeasesSQL does the same for a lease stored before the batch.)
func (l *leaseRow) apply(e *ChainEvent) {
	switch e.Kind {
	case KindStarted:
		if !l.startedAt.Valid {
			l.startedAt = pgtype.Timestamptz{Time: e.StartedAt.UTC(), Valid: true}
		}
		if l.state == "open" {
			l.state = "running"
		}
	case KindToppedUp:
		l.deposit = new(big.Int).Add(l.deposit, bigOrZero(e.Amount))
	case KindWithdrawn:
		l.paid = new(big.Int).Add(l.paid, bigOrZero(e.Amount))
	case KindClosed:
		l.state, l.paid, l.refunded = "closed", bigOrZero(e.Paid), bigOrZero(e.Refunded)
		l.exitCode = pgtype.Int4{Int32: e.ExitCode, Valid: true}
		if r := optHash(e.ResultHash); r != nil {
			l.resultHash = r
		}
		l.end(e)
	case KindOverdrawn:
		l.state, l.paid, l.refunded = "overdrawn", bigOrZero(e.Paid), new(big.Int)
		l.end(e)
	case KindReclaimed:
		l.state, l.refunded = "reclaimed", bigOrZero(e.Refunded)
		l.end(e)
	}
}

// end records when e ended the lease and who ended it (as closedBySQL).
func (l *leaseRow) end(e *ChainEvent) {
	l.endedAt = pgtype.Timestamptz{Time: e.BlockTime.UTC(), Valid: true}
	by := ""
	switch {
	case e.Kind == KindReclaimed || e.TxFrom != (common.Address{}) && e.TxFrom == l.tenant:
		by = "tenant"
	case e.TxFrom != (common.Address{}) && e.TxFrom == l.provider:
		by = "provider"
	case e.Kind == KindOverdrawn:
		by = "anyone"
	}
	if by != "" {
		l.closedBy = pgtype.Text{String: by, Valid: true}
	}
}

var leaseColumnsIn = []string{
	"lease_id", "order_hash", "tenant", "provider", "price_per_hour", "max_duration", "state", "deposit", "paid",
	"refunded", "gpu_model", "opened_at", "opened_block", "started_at", "ended_at", "exit_code", "result_hash", "closed_by",
}

func (l *leaseRow) row() []any {
	return []any{
		l.id.Bytes(), l.order.Bytes(), l.tenant.Bytes(), l.provider.Bytes(), numeric(l.price), int64(l.maxDuration),
		l.state, numeric(l.deposit), numeric(l.paid), numeric(l.refunded), l.gpuModel, l.openedAt,
		int64(l.openedBlock), l.startedAt, l.endedAt, l.exitCode, l.resultHash, l.closedBy,
	}
}

// leaseDeltas is what a batch's events did to leases stored before it, as
// columns of updateLeasesSQL's arguments: one entry per lease.
type leaseDeltas struct {
	index                 map[common.Hash]int
	ids, results, endedBy [][]byte
	started, ended        []pgtype.Timestamptz
	toppedUp, withdrawn   []pgtype.Numeric
	endKinds              []pgtype.Text
	endPaid, endRefunded  []pgtype.Numeric
	exits                 []pgtype.Int4
}

// add folds e into its lease's delta. A lease has one start and one end.
func (d *leaseDeltas) add(e *ChainEvent) {
	i, ok := d.index[e.LeaseID]
	if !ok {
		if d.index == nil {
			d.index = map[common.Hash]int{}
		}
		i = len(d.ids)
		d.index[e.LeaseID] = i
		d.ids, d.results, d.endedBy = append(d.ids, e.LeaseID.Bytes()), append(d.results, nil), append(d.endedBy, nil)
		d.started, d.ended = append(d.started, pgtype.Timestamptz{}), append(d.ended, pgtype.Timestamptz{})
		d.toppedUp, d.withdrawn = append(d.toppedUp, numeric(new(big.Int))), append(d.withdrawn, numeric(new(big.Int)))
		d.endKinds, d.exits = append(d.endKinds, pgtype.Text{}), append(d.exits, pgtype.Int4{})
		d.endPaid, d.endRefunded = append(d.endPaid, pgtype.Numeric{}), append(d.endRefunded, pgtype.Numeric{})
	}
	switch e.Kind {
	case KindStarted:
		d.started[i] = pgtype.Timestamptz{Time: e.StartedAt.UTC(), Valid: true}
	case KindToppedUp:
		d.toppedUp[i].Int.Add(d.toppedUp[i].Int, bigOrZero(e.Amount))
	case KindWithdrawn:
		d.withdrawn[i].Int.Add(d.withdrawn[i].Int, bigOrZero(e.Amount))
	case KindClosed, KindOverdrawn, KindReclaimed:
		d.endKinds[i] = pgtype.Text{String: e.Kind, Valid: true}
		d.ended[i] = pgtype.Timestamptz{Time: e.BlockTime.UTC(), Valid: true}
		d.endPaid[i], d.endRefunded[i] = numeric(e.Paid), numeric(e.Refunded)
		d.endedBy[i] = optAddr(e.TxFrom)
		if e.Kind == KindClosed {
			d.exits[i] = pgtype.Int4{Int32: e.ExitCode, Valid: true}
			d.results[i] = optHash(e.ResultHash)
		}
	}
}

// Chain-event writers take this transaction lock, so that the check for
// events already stored and their insert do not interleave.
const chainLockSQL = `SELECT pg_advisory_xact_lock(7308332435779086962)` // "tender-c" as a big-endian int64

const (
	// Keys of the events already stored in a batch's range of positions.
	knownEventsSQL = `
SELECT block_number, log_index FROM lease_events
WHERE (block_number, log_index) >= ($1, $2) AND (block_number, log_index) <= ($3, $4)`

	// A lease is a winning bid: it learns its GPU model from the bid.
	leaseModelsSQL = `SELECT bid_hash, gpu_model FROM bids WHERE bid_hash = ANY($1)`

	// A lease stored before the batch moves once, by its delta d. A lease
	// the index never saw open is not there to move; its events are kept.
	updateLeasesSQL = `
UPDATE leases p SET
    state = coalesce(CASE d.end_kind WHEN 'Closed' THEN 'closed' WHEN 'Overdrawn' THEN 'overdrawn' WHEN 'Reclaimed' THEN 'reclaimed' END,
                     CASE WHEN d.started_at IS NOT NULL AND p.state = 'open' THEN 'running' ELSE p.state END),
    started_at = coalesce(p.started_at, d.started_at),
    deposit = p.deposit + d.topped_up,
    paid = CASE WHEN d.end_kind IN ('Closed', 'Overdrawn') THEN d.end_paid ELSE p.paid + d.withdrawn END,
    refunded = CASE d.end_kind WHEN 'Overdrawn' THEN 0 WHEN 'Closed' THEN d.end_refunded WHEN 'Reclaimed' THEN d.end_refunded
                   ELSE p.refunded END,
    ended_at = coalesce(d.ended_at, p.ended_at),
    exit_code = coalesce(d.exit_code, p.exit_code),
    result_hash = coalesce(d.result_hash, p.result_hash),
    closed_by = coalesce(CASE
        WHEN d.end_kind IS NULL THEN NULL
        WHEN d.end_kind = 'Reclaimed' OR d.ended_by = p.tenant THEN 'tenant'
        WHEN d.ended_by = p.provider THEN 'provider'
        WHEN d.end_kind = 'Overdrawn' THEN 'anyone'
    END, p.closed_by),
    updated_at = now()
FROM unnest($1::bytea[], $2::timestamptz[], $3::numeric[], $4::numeric[], $5::text[], $6::numeric[], $7::numeric[],
            $8::integer[], $9::bytea[], $10::timestamptz[], $11::bytea[])
    AS d(lease_id, started_at, topped_up, withdrawn, end_kind, end_paid, end_refunded, exit_code, result_hash, ended_at, ended_by)
WHERE p.lease_id = d.lease_id`

	providersSQL = `
INSERT INTO providers (address, first_seen, last_seen)
SELECT * FROM unnest($1::bytea[], $2::timestamptz[], $3::timestamptz[])
ON CONFLICT (address) DO NOTHING`

	saveCursorSQL = `
INSERT INTO chain_cursors (name, block, log_index, updated_at) VALUES ($1, $2, $3, now())
ON CONFLICT (name) DO UPDATE SET block = EXCLUDED.block, log_index = EXCLUDED.log_index, updated_at = now()`
)

// ApplyChainEvents stores events (in chain order) and moves leases by
// those not stored before, and records next as the position of the chain
// indexer called name, all in one transaction. Events already stored are
// skipped, so replaying a range is harmless. It returns how many events
// were new. Payments are not written: the payments view derives them from
// the events.
func (s *Store) ApplyChainEvents(ctx context.Context, name string, events []ChainEvent, next ChainPosition) (int, error) {
	var added int
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if len(events) == 0 {
			_, err := tx.Exec(ctx, saveCursorSQL, name, int64(next.Block), int32(next.LogIndex))
			return err
		}
		fresh, models, err := newEvents(ctx, tx, events)
		if err != nil {
			return err
		}
		added = len(fresh)
		rows := make([][]any, len(fresh))
		opened := map[common.Hash]*leaseRow{}
		var moved leaseDeltas
		for i, e := range fresh {
			rows[i] = eventRow(e)
			switch l := opened[e.LeaseID]; {
			case !e.ofLease():
			case e.Kind == KindLeaseOpened:
				if l == nil {
					l = openedBy(e)
					l.gpuModel = models[e.LeaseID]
					opened[e.LeaseID] = l
				}
			case l != nil:
				l.apply(e)
			default:
				moved.add(e)
			}
		}
		if _, err := tx.CopyFrom(ctx, pgx.Identifier{"lease_events"}, eventColumns, pgx.CopyFromRows(rows)); err != nil {
			return fmt.Errorf("copy events: %w", err)
		}
		if err := writeLeases(ctx, tx, opened, &moved); err != nil {
			return err
		}
		_, err = tx.Exec(ctx, saveCursorSQL, name, int64(next.Block), int32(next.LogIndex))
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("store %d chain events up to block %d: %w", len(events), next.Block, err)
	}
	return added, nil
}

// newEvents is events less those stored before (and less repeats within
// events), in their order, with the GPU models of the winning bids of the
// leases that events open. It takes the chain-event writers' lock.
func newEvents(ctx context.Context, tx pgx.Tx, events []ChainEvent) ([]*ChainEvent, map[common.Hash]pgtype.Text, error) {
	first := ChainPosition{events[0].Block, events[0].LogIndex}
	last := first
	var opening [][]byte
	for i := range events {
		p := ChainPosition{events[i].Block, events[i].LogIndex}
		if p.less(first) {
			first = p
		}
		if last.less(p) {
			last = p
		}
		if events[i].Kind == KindLeaseOpened {
			opening = append(opening, events[i].LeaseID.Bytes())
		}
	}
	known := map[ChainPosition]bool{}
	models := map[common.Hash]pgtype.Text{}
	b := &pgx.Batch{}
	b.Queue(chainLockSQL)
	b.Queue(knownEventsSQL, int64(first.Block), int32(first.LogIndex), int64(last.Block), int32(last.LogIndex)).Query(func(rows pgx.Rows) error {
		var block int64
		var index int32
		_, err := pgx.ForEachRow(rows, []any{&block, &index}, func() error {
			known[ChainPosition{uint64(block), uint(index)}] = true
			return nil
		})
		return err
	})
	if len(opening) > 0 {
		b.Queue(leaseModelsSQL, opening).Query(func(rows pgx.Rows) error {
			var id []byte
			var model string
			_, err := pgx.ForEachRow(rows, []any{&id, &model}, func() error {
				models[common.BytesToHash(id)] = pgtype.Text{String: model, Valid: true}
				return nil
			})
			return err
		})
	}
	if err := tx.SendBatch(ctx, b).Close(); err != nil {
		return nil, nil, fmt.Errorf("read stored events: %w", err)
	}
	fresh := make([]*ChainEvent, 0, len(events))
	for i := range events {
		p := ChainPosition{events[i].Block, events[i].LogIndex}
		if !known[p] {
			known[p] = true
			fresh = append(fresh, &events[i])
		}
	}
	return fresh, models, nil
}

// writeLeases inserts the leases opened in the batch as they end up, with
// their providers, and moves the others once each.
func writeLeases(ctx context.Context, tx pgx.Tx, opened map[common.Hash]*leaseRow, moved *leaseDeltas) error {
	b := &pgx.Batch{}
	if len(opened) > 0 {
		rows := make([][]any, 0, len(opened))
		type seen struct{ first, last time.Time }
		providers := map[common.Address]*seen{}
		for _, l := range opened {
			rows = append(rows, l.row())
			switch p := providers[l.provider]; {
			case p == nil:
				providers[l.provider] = &seen{l.openedAt, l.openedAt}
			case l.openedAt.Before(p.first):
				p.first = l.openedAt
			case l.openedAt.After(p.last):
				p.last = l.openedAt
			}
		}
		if _, err := tx.CopyFrom(ctx, pgx.Identifier{"leases"}, leaseColumnsIn, pgx.CopyFromRows(rows)); err != nil {
			return fmt.Errorf("copy leases: %w", err)
		}
		var addrs [][]byte
		var first, last []time.Time
		for a, p := range providers {
			addrs, first, last = append(addrs, a.Bytes()), append(first, p.first), append(last, p.last)
		}
		b.Queue(providersSQL, addrs, first, last)
	}
	if d := moved; len(d.ids) > 0 {
		b.Queue(updateLeasesSQL, d.ids, d.started, d.toppedUp, d.withdrawn, d.endKinds, d.endPaid, d.endRefunded,
			d.exits, d.results, d.ended, d.endedBy)
	}
	if b.Len() == 0 {
		return nil
	}
	if err := tx.SendBatch(ctx, b).Close(); err != nil {
		return fmt.Errorf("write leases: %w", err)
	}
	return nil
}

// ChainPosition returns where the chain indexer called name stands; ok is
// false when it never stored a position.
func (s *Store) ChainPosition(ctx context.Context, name string) (pos ChainPosition, ok bool, err error) {
	var block int64
	var index int32
	err = s.pool.QueryRow(ctx, `SELECT block, log_index FROM chain_cursors WHERE name = $1`, name).Scan(&block, &index)
	if err == pgx.ErrNoRows {
		return ChainPosition{}, false, nil
	}
	if err != nil {
		return ChainPosition{}, false, fmt.Errorf("read chain cursor %q: %w", name, err)
	}
	return ChainPosition{Block: uint64(block), LogIndex: uint(index)}, true, nil
}
