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
	KindReported        = "Reported"
	KindReplicaSettled  = "ReplicaSettled"
	KindGroupSettled    = "GroupSettled"
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
//	Reported         ExitCode, ResultHash (the replica's result digest), Held, Refunded
//	ReplicaSettled   Agreed, Paid (to the provider, when it agreed), Refunded (to the tenant, when not)
//	GroupSettled     OrderHash, ResultHash (the majority digest, zero for none), Paid, Refunded
//
// GroupSettled is a verified order's event, not a lease's: its LeaseID is
// zero and OrderHash names the group.
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
	// Held is what a reported replica earned, held until its group
	// settles.
	Held *big.Int
	// Agreed: the settled replica's digest was its group's majority.
	Agreed bool
}

// ofLease reports whether the event belongs to one lease (the payment
// events belong to an account, GroupSettled to a verified order's group).
func (e *ChainEvent) ofLease() bool {
	return e.Kind != KindPaymentDeferred && e.Kind != KindClaimed && e.Kind != KindGroupSettled
}

// ofReplica reports whether the event shows that its lease, or its group,
// is a verified order's.
func (e *ChainEvent) ofReplica() bool {
	return e.Kind == KindReported || e.Kind == KindReplicaSettled || e.Kind == KindGroupSettled
}

// ChainPosition is where a chain indexer stands: the next block and log
// index to read, and the newest block it has read.
type ChainPosition struct {
	Block    uint64
	LogIndex uint
	// Seen is the newest block read to get here, with its hash as read
	// (zero when unknown). A reorg deeper than the confirmations shows as
	// the chain's block at that height having another hash.
	Seen BlockRef
}

// BlockRef names a block by height and hash.
type BlockRef struct {
	Number uint64
	Hash   common.Hash
}

// IsZero reports whether r names no block.
func (r BlockRef) IsZero() bool { return r.Hash == common.Hash{} }

// position is where e stands in the chain.
func (e *ChainEvent) position() ChainPosition {
	return ChainPosition{Block: e.Block, LogIndex: e.LogIndex}
}

func (p ChainPosition) less(q ChainPosition) bool {
	return p.Block < q.Block || p.Block == q.Block && p.LogIndex < q.LogIndex
}

var eventColumns = []string{
	"tx_hash", "log_index", "block_number", "block_hash", "block_time", "kind", "lease_id", "tx_from",
	"tenant", "provider", "account", "recipient", "order_hash", "price_per_hour", "max_duration",
	"amount", "deposit", "paid", "refunded", "exit_code", "result_hash", "started_at", "held", "agreed",
}

// eventRow is e as a row of lease_events (columns in eventColumns order),
// in row's room.
func eventRow(e *ChainEvent, row []any) []any {
	var exit, maxDur, started, agreed any
	switch e.Kind {
	case KindClosed, KindReported:
		exit = e.ExitCode
	case KindLeaseOpened:
		maxDur = int64(e.MaxDuration)
	case KindStarted:
		started = e.StartedAt.UTC()
	case KindReplicaSettled:
		agreed = e.Agreed
	}
	var lease []byte
	if e.ofLease() {
		lease = e.LeaseID.Bytes()
	}
	return append(row[:0],
		e.TxHash.Bytes(), int32(e.LogIndex), int64(e.Block), e.BlockHash.Bytes(), e.BlockTime.UTC(), e.Kind, lease,
		optAddr(e.TxFrom), optAddr(e.Tenant), optAddr(e.Provider), optAddr(e.Account), optAddr(e.Recipient),
		optHash(e.OrderHash), numeric(e.PricePerHour), maxDur, numeric(e.Amount), numeric(e.Deposit),
		numeric(e.Paid), numeric(e.Refunded), exit, optHash(e.ResultHash), started, numeric(e.Held), agreed,
	)
}

// leaseDeltas is what a batch's events did to the leases they touch, one
// entry per lease, as the columns of insertLeasesSQL's or updateLeasesSQL's
// arguments. A lease opened in the batch carries its terms too; for the
// others they are NULL.
type leaseDeltas struct {
	index                           map[common.Hash]int
	ids, orders, tenants, providers [][]byte
	opened                          []bool
	prices, deposits                []pgtype.Numeric
	maxDurations, openedBlocks      []pgtype.Int8
	openedAt                        []pgtype.Timestamptz
	started, ended                  []pgtype.Timestamptz
	toppedUp, withdrawn             []pgtype.Numeric
	endKinds                        []pgtype.Text
	endPaid, endRefunded            []pgtype.Numeric
	exits                           []pgtype.Int4
	results, endedBy                [][]byte
	// A replica's report (held: NULL without one) and settlement
	// (agreed), and whether the batch shows the lease is a replica.
	held, reportRefunded []pgtype.Numeric
	agreed               []pgtype.Bool
	replica              []bool
}

// add folds e into its lease's delta. A lease has one opening, one start,
// at most one report, and one end; it ended when its job did: at the
// report, for a replica that reported.
func (d *leaseDeltas) add(e *ChainEvent) {
	i, ok := d.index[e.LeaseID]
	if !ok {
		if d.index == nil {
			d.index = map[common.Hash]int{}
		}
		i = len(d.ids)
		d.index[e.LeaseID] = i
		d.ids = append(d.ids, e.LeaseID.Bytes())
		d.orders, d.tenants, d.providers = append(d.orders, nil), append(d.tenants, nil), append(d.providers, nil)
		d.opened = append(d.opened, false)
		d.prices, d.deposits = append(d.prices, pgtype.Numeric{}), append(d.deposits, pgtype.Numeric{})
		d.maxDurations, d.openedBlocks = append(d.maxDurations, pgtype.Int8{}), append(d.openedBlocks, pgtype.Int8{})
		d.openedAt = append(d.openedAt, pgtype.Timestamptz{})
		d.started, d.ended = append(d.started, pgtype.Timestamptz{}), append(d.ended, pgtype.Timestamptz{})
		d.toppedUp, d.withdrawn = append(d.toppedUp, numeric(new(big.Int))), append(d.withdrawn, numeric(new(big.Int)))
		d.endKinds, d.exits = append(d.endKinds, pgtype.Text{}), append(d.exits, pgtype.Int4{})
		d.endPaid, d.endRefunded = append(d.endPaid, pgtype.Numeric{}), append(d.endRefunded, pgtype.Numeric{})
		d.results, d.endedBy = append(d.results, nil), append(d.endedBy, nil)
		d.held, d.reportRefunded = append(d.held, pgtype.Numeric{}), append(d.reportRefunded, pgtype.Numeric{})
		d.agreed, d.replica = append(d.agreed, pgtype.Bool{}), append(d.replica, false)
	}
	end := func() {
		if !d.ended[i].Valid {
			d.ended[i] = pgtype.Timestamptz{Time: e.BlockTime.UTC(), Valid: true}
		}
	}
	switch e.Kind {
	case KindLeaseOpened:
		d.opened[i] = true
		d.orders[i], d.tenants[i], d.providers[i] = e.OrderHash.Bytes(), e.Tenant.Bytes(), e.Provider.Bytes()
		d.prices[i], d.deposits[i] = numeric(bigOrZero(e.PricePerHour)), numeric(bigOrZero(e.Deposit))
		d.maxDurations[i] = pgtype.Int8{Int64: int64(e.MaxDuration), Valid: true}
		d.openedBlocks[i] = pgtype.Int8{Int64: int64(e.Block), Valid: true}
		d.openedAt[i] = pgtype.Timestamptz{Time: e.BlockTime.UTC(), Valid: true}
	case KindStarted:
		d.started[i] = pgtype.Timestamptz{Time: e.StartedAt.UTC(), Valid: true}
	case KindToppedUp:
		d.toppedUp[i].Int.Add(d.toppedUp[i].Int, bigOrZero(e.Amount))
	case KindWithdrawn:
		d.withdrawn[i].Int.Add(d.withdrawn[i].Int, bigOrZero(e.Amount))
	case KindReported:
		end()
		d.held[i], d.reportRefunded[i] = numeric(bigOrZero(e.Held)), numeric(bigOrZero(e.Refunded))
		d.exits[i] = pgtype.Int4{Int32: e.ExitCode, Valid: true}
		d.results[i] = optHash(e.ResultHash)
		d.replica[i] = true
	case KindClosed, KindOverdrawn, KindReclaimed, KindReplicaSettled:
		end()
		d.endKinds[i] = pgtype.Text{String: e.Kind, Valid: true}
		d.endPaid[i], d.endRefunded[i] = numeric(bigOrZero(e.Paid)), numeric(bigOrZero(e.Refunded))
		d.endedBy[i] = optAddr(e.TxFrom)
		switch e.Kind {
		case KindClosed:
			d.exits[i] = pgtype.Int4{Int32: e.ExitCode, Valid: true}
			d.results[i] = optHash(e.ResultHash)
		case KindReplicaSettled:
			d.agreed[i] = pgtype.Bool{Bool: e.Agreed, Valid: true}
			d.replica[i] = true
		}
	}
}

// insertArgs are the deltas as insertLeasesSQL's arguments.
func (d *leaseDeltas) insertArgs() []any {
	return []any{
		d.ids, d.opened, d.orders, d.tenants, d.providers, d.prices, d.maxDurations, d.deposits, d.openedAt,
		d.openedBlocks, d.started, d.toppedUp, d.withdrawn, d.endKinds, d.endPaid, d.endRefunded,
		d.exits, d.results, d.ended, d.endedBy, d.held, d.reportRefunded, d.agreed, d.replica,
	}
}

// updateArgs are the deltas as updateLeasesSQL's arguments.
func (d *leaseDeltas) updateArgs() []any {
	return []any{
		d.ids, d.started, d.toppedUp, d.withdrawn, d.endKinds, d.endPaid, d.endRefunded, d.exits, d.results, d.ended, d.endedBy,
		d.held, d.reportRefunded, d.agreed, d.replica,
	}
}

// groupRows are the GroupSettled events of a batch as insertGroupsSQL's
// arguments.
type groupRows struct {
	orders, majorities, txs [][]byte
	paid, refunded          []pgtype.Numeric
	blocks                  []int64
	logs                    []int32
	at                      []time.Time
}

func (g *groupRows) add(e *ChainEvent) {
	g.orders, g.majorities, g.txs = append(g.orders, e.OrderHash.Bytes()), append(g.majorities, optHash(e.ResultHash)), append(g.txs, e.TxHash.Bytes())
	g.paid, g.refunded = append(g.paid, numeric(bigOrZero(e.Paid))), append(g.refunded, numeric(bigOrZero(e.Refunded)))
	g.blocks, g.logs, g.at = append(g.blocks, int64(e.Block)), append(g.logs, int32(e.LogIndex)), append(g.at, e.BlockTime.UTC())
}

func (g *groupRows) args() []any {
	return []any{g.orders, g.majorities, g.paid, g.refunded, g.blocks, g.logs, g.at, g.txs}
}

// Chain-event writers take this transaction lock, so that the check for
// events already stored and their insert do not interleave.
const chainLockSQL = `SELECT pg_advisory_xact_lock(` + chainLockKey + `)`

// chainLockKey is the chain lock's key: "tender-c" as a big-endian int64.
const chainLockKey = "7308332435779086962"

// chainShareSQL holds the chain lock shared, for a write from gossip that
// moves leases already indexed by what it brings (a transcript's GPU
// model, a held order's replicas). A chain write inserts leases as bids
// and orders stood when it began, and such a write updates leases as they
// stood when it began: run at once, each would miss the other's rows, and
// the lease would keep no model, or not be marked a replica, for good.
// Gossip writes still run beside each other.
const chainShareSQL = `SELECT pg_advisory_xact_lock_shared(` + chainLockKey + `)`

// ingestPlanSQL sets how a transaction that writes chain events is planned.
// Its statements touch a few thousand leases by key: left to the planner,
// the lease updates read the whole leases table into a hash table once the
// batch is large enough, a cost that grows with the index whatever the
// batch; and compiling them (JIT) took longer than running them.
const ingestPlanSQL = `SELECT set_config('enable_hashjoin', 'off', true), set_config('enable_mergejoin', 'off', true),
    set_config('jit', 'off', true)`

const (
	// Keys of the events already stored in a batch's range of positions.
	knownEventsSQL = `
SELECT block_number, log_index FROM lease_events
WHERE (block_number, log_index) >= ($1, $2) AND (block_number, log_index) <= ($3, $4)`

	// The leases a batch opens go in as they end up after the batch, with
	// the GPU model of their bid when its transcript came (a lease is a
	// winning bid; one that came later sets it then), and their providers
	// are noted. A lease is a replica when the batch says
	// so, when its order is known to hold its leases' pay, or when another
	// lease of its order is known to be one.
	insertLeasesSQL = `
WITH d AS (
    SELECT * FROM unnest($1::bytea[], $2::boolean[], $3::bytea[], $4::bytea[], $5::bytea[], $6::numeric[],
                         $7::bigint[], $8::numeric[], $9::timestamptz[], $10::bigint[],
                         $11::timestamptz[], $12::numeric[], $13::numeric[], $14::text[], $15::numeric[],
                         $16::numeric[], $17::integer[], $18::bytea[], $19::timestamptz[], $20::bytea[],
                         $21::numeric[], $22::numeric[], $23::boolean[], $24::boolean[])
        AS d(lease_id, opened, order_hash, tenant, provider, price_per_hour, max_duration, deposit, opened_at,
             opened_block, started_at, topped_up, withdrawn, end_kind, end_paid, end_refunded,
             exit_code, result_hash, ended_at, ended_by, held, report_refunded, agreed, replica)
), providers_seen AS (
    INSERT INTO providers (address, first_seen, last_seen)
    SELECT provider, min(opened_at), max(opened_at) FROM d GROUP BY provider
    ON CONFLICT (address) DO NOTHING
)
INSERT INTO leases (lease_id, order_hash, tenant, provider, price_per_hour, max_duration, state, deposit, paid,
                    refunded, gpu_model, opened_at, opened_block, started_at, ended_at, exit_code, result_hash, closed_by,
                    replica, held, agreed)
SELECT lease_id, order_hash, tenant, provider, price_per_hour, max_duration,
    coalesce(CASE end_kind WHEN 'Closed' THEN 'closed' WHEN 'ReplicaSettled' THEN 'closed' WHEN 'Overdrawn' THEN 'overdrawn'
                           WHEN 'Reclaimed' THEN 'reclaimed' END,
             CASE WHEN held IS NOT NULL THEN 'reported' WHEN started_at IS NOT NULL THEN 'running' ELSE 'open' END),
    deposit + topped_up,
    CASE WHEN end_kind IN ('Closed', 'Overdrawn', 'ReplicaSettled') THEN end_paid ELSE withdrawn END,
    CASE WHEN end_kind IN ('Closed', 'Reclaimed') THEN end_refunded
         WHEN end_kind = 'Overdrawn' THEN 0
         ELSE coalesce(report_refunded, 0) + CASE WHEN end_kind = 'ReplicaSettled' THEN end_refunded ELSE 0 END END,
    (SELECT b.gpu_model FROM bids b WHERE b.bid_hash = d.lease_id), opened_at, opened_block, started_at, ended_at,
    exit_code, result_hash,
    CASE
        WHEN end_kind IS NULL THEN NULL
        WHEN end_kind = 'ReplicaSettled' THEN 'settlement'
        WHEN end_kind = 'Reclaimed' OR ended_by = tenant THEN 'tenant'
        WHEN ended_by = provider THEN 'provider'
        WHEN end_kind = 'Overdrawn' THEN 'anyone'
    END,
    replica OR EXISTS (SELECT 1 FROM orders o WHERE o.order_hash = d.order_hash AND o.held)
            OR EXISTS (SELECT 1 FROM leases s WHERE s.order_hash = d.order_hash AND s.replica),
    held, agreed
FROM d`

	// Each lease stored before that the batch touched moves once, by its
	// delta d, from how it stood. A lease the index never saw open is not
	// there to move; its events are kept. A replica's refund comes in two
	// parts, at its report and at its settlement.
	updateLeasesSQL = `
UPDATE leases l SET
    state = coalesce(CASE d.end_kind WHEN 'Closed' THEN 'closed' WHEN 'ReplicaSettled' THEN 'closed'
                                     WHEN 'Overdrawn' THEN 'overdrawn' WHEN 'Reclaimed' THEN 'reclaimed' END,
                     CASE WHEN d.held IS NOT NULL THEN 'reported'
                          WHEN d.started_at IS NOT NULL AND l.state = 'open' THEN 'running' ELSE l.state END),
    deposit = l.deposit + d.topped_up,
    paid = CASE WHEN d.end_kind IN ('Closed', 'Overdrawn', 'ReplicaSettled') THEN d.end_paid ELSE l.paid + d.withdrawn END,
    refunded = CASE WHEN d.end_kind IN ('Closed', 'Reclaimed') THEN d.end_refunded
                    WHEN d.end_kind = 'Overdrawn' THEN 0
                    ELSE l.refunded + coalesce(d.report_refunded, 0)
                         + CASE WHEN d.end_kind = 'ReplicaSettled' THEN d.end_refunded ELSE 0 END END,
    started_at = coalesce(l.started_at, d.started_at),
    ended_at = coalesce(l.ended_at, d.ended_at),
    exit_code = coalesce(d.exit_code, l.exit_code),
    result_hash = coalesce(d.result_hash, l.result_hash),
    closed_by = coalesce(CASE
        WHEN d.end_kind IS NULL THEN NULL
        WHEN d.end_kind = 'ReplicaSettled' THEN 'settlement'
        WHEN d.end_kind = 'Reclaimed' OR d.ended_by = l.tenant THEN 'tenant'
        WHEN d.ended_by = l.provider THEN 'provider'
        WHEN d.end_kind = 'Overdrawn' THEN 'anyone'
    END, l.closed_by),
    replica = l.replica OR d.replica,
    held = coalesce(d.held, l.held),
    agreed = coalesce(d.agreed, l.agreed),
    updated_at = now()
FROM unnest($1::bytea[], $2::timestamptz[], $3::numeric[], $4::numeric[], $5::text[], $6::numeric[], $7::numeric[],
            $8::integer[], $9::bytea[], $10::timestamptz[], $11::bytea[], $12::numeric[], $13::numeric[],
            $14::boolean[], $15::boolean[])
    AS d(lease_id, started_at, topped_up, withdrawn, end_kind, end_paid, end_refunded, exit_code, result_hash,
         ended_at, ended_by, held, report_refunded, agreed, replica)
WHERE l.lease_id = d.lease_id`

	// What a batch learnt of replicas holds for every lease of their
	// orders: the orders of the leases $1 and the orders $2.
	markReplicasSQL = `
UPDATE leases l SET replica = true, updated_at = now()
WHERE NOT l.replica AND l.order_hash IN (SELECT order_hash FROM leases WHERE lease_id = ANY($1::bytea[])
                                         UNION SELECT unnest($2::bytea[]))`

	// A settled group, once.
	insertGroupsSQL = `
INSERT INTO replica_groups (order_hash, majority, paid, refunded, settled_block, settled_log, settled_at, tx_hash)
SELECT * FROM unnest($1::bytea[], $2::bytea[], $3::numeric[], $4::numeric[], $5::bigint[], $6::integer[],
                     $7::timestamptz[], $8::bytea[])
ON CONFLICT (order_hash) DO NOTHING`

	saveCursorSQL = `
INSERT INTO chain_cursors (name, block, log_index, seen_block, seen_hash, pending_block, pending_log, pending_run, updated_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, now())
ON CONFLICT (name) DO UPDATE SET block = EXCLUDED.block, log_index = EXCLUDED.log_index,
    seen_block = EXCLUDED.seen_block, seen_hash = EXCLUDED.seen_hash, pending_block = EXCLUDED.pending_block,
    pending_log = EXCLUDED.pending_log, pending_run = EXCLUDED.pending_run, updated_at = now()`
)

// saveCursor records p as where the chain indexer called name stands,
// with the backlog of events whose leases have not moved (nil or not
// pending: none).
func saveCursor(ctx context.Context, tx pgx.Tx, name string, p ChainPosition, backlog *cursorRow) error {
	var seenBlock, seenHash, pBlock, pLog, run any
	if !p.Seen.IsZero() {
		seenBlock, seenHash = int64(p.Seen.Number), p.Seen.Hash.Bytes()
	}
	if backlog != nil && backlog.pending {
		pBlock, pLog, run = int64(backlog.pendingFrom.Block), int32(backlog.pendingFrom.LogIndex), backlog.run
	}
	_, err := tx.Exec(ctx, saveCursorSQL, name, int64(p.Block), int32(p.LogIndex), seenBlock, seenHash, pBlock, pLog, run)
	return err
}

// ApplyChainEvents stores events (in chain order) and moves leases by
// those not stored before, and records next as the position of the chain
// indexer called name, all in one transaction. Events already stored are
// skipped, so replaying a range is harmless. It returns how many events
// were new. Payments are not written: the payments view derives them from
// the events. Leases that DeferChainEvents left unmoved move first, in the
// same transaction.
func (s *Store) ApplyChainEvents(ctx context.Context, name string, events []ChainEvent, next ChainPosition) (int, error) {
	return s.applyChainEvents(ctx, name, events, next, false)
}

// DeferChainEvents is ApplyChainEvents for a chain indexer that is
// catching up: it stores the events and the position at once, but the
// leases they touch may move only with a later batch, so that a lease's
// start, payouts and end fold into one write. The leases move at the
// latest when maxBacklog events wait, when a batch shows replicas, or with
// the next ApplyChainEvents or RewindChain of the indexer, whichever
// process makes it: the backlog is stored, and a process that does not
// hold it in memory (after a restart or a failover) moves its leases from
// the stored events with its next write of the indexer's events. Until
// they move, the lease list lags the events (and the payments derived
// from them) by at most that backlog.
func (s *Store) DeferChainEvents(ctx context.Context, name string, events []ChainEvent, next ChainPosition) (int, error) {
	return s.applyChainEvents(ctx, name, events, next, true)
}

func (s *Store) applyChainEvents(ctx context.Context, name string, events []ChainEvent, next ChainPosition, deferLeases bool) (int, error) {
	s.backlogs.mu.Lock()
	defer s.backlogs.mu.Unlock()
	var added int
	var after *backlog
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		fresh, cur, err := newEvents(ctx, tx, name, events)
		if err != nil {
			return err
		}
		added = len(fresh)
		mem := s.backlogs.current(name, &cur)
		held := 0
		if mem != nil {
			held = mem.moves.events
		}
		// A stored backlog this process does not hold (another's, or one
		// from before a restart) moves now: its size is not known here.
		if deferLeases && (mem != nil || !cur.pending) && held+len(fresh) <= maxBacklog && deferrable(fresh, cur.pending, cur.pendingFrom) {
			from := cur.pendingFrom
			if !cur.pending {
				if len(fresh) == 0 {
					return saveCursor(ctx, tx, name, next, nil) // nothing waits
				}
				from = firstOf(fresh)
			}
			// The events fold into the backlog while they are copied (on
			// failure the backlog in memory is dropped, below).
			if err := alongside(func() { after = extend(mem, fresh, next) }, func() error { return copyEvents(ctx, tx, fresh) }); err != nil {
				return err
			}
			return saveCursor(ctx, tx, name, next, &cursorRow{pending: true, pendingFrom: from, run: after.run})
		}
		// Leases move now: the backlog's first, as folded in memory or else
		// from the stored events (before this batch's go in, which then
		// move them by their deltas).
		var moves leaseMoves
		switch {
		case mem != nil:
			moves = mem.moves
		case cur.pending:
			if err := settleStored(ctx, tx, cur.pendingFrom); err != nil {
				return err
			}
		}
		if err := alongside(func() { moves.fold(fresh) }, func() error { return copyEvents(ctx, tx, fresh) }); err != nil {
			return err
		}
		if err := moves.write(ctx, tx); err != nil {
			return err
		}
		return saveCursor(ctx, tx, name, next, nil)
	})
	if err != nil {
		s.backlogs.set(name, nil) // the database's backlog, if any, is read again
		return 0, fmt.Errorf("store %d chain events up to block %d: %w", len(events), next.Block, err)
	}
	s.backlogs.set(name, after)
	return added, nil
}

// alongside runs fold while store runs, and returns once both have: the
// client folds events while the server stores them.
func alongside(fold func(), store func() error) error {
	done := make(chan struct{})
	go func() {
		defer close(done)
		fold()
	}()
	err := store()
	<-done
	return err
}

// firstOf is the position of the earliest of events.
func firstOf(events []*ChainEvent) ChainPosition {
	first := events[0].position()
	for _, e := range events[1:] {
		if p := e.position(); p.less(first) {
			first = p
		}
	}
	return first
}

// copyEvents stores events. Each row is made as the COPY asks for it (and
// encoded before the next is), so the server stores the first rows while
// the rest are being encoded.
func copyEvents(ctx context.Context, tx pgx.Tx, events []*ChainEvent) error {
	if len(events) == 0 {
		return nil
	}
	i := 0
	row := make([]any, 0, len(eventColumns))
	next := func() ([]any, error) {
		if i == len(events) {
			return nil, nil
		}
		i++
		row = eventRow(events[i-1], row)
		return row, nil
	}
	if _, err := tx.CopyFrom(ctx, pgx.Identifier{"lease_events"}, eventColumns, pgx.CopyFromFunc(next)); err != nil {
		return fmt.Errorf("copy events: %w", err)
	}
	return nil
}

// moveLeases moves the leases that events (in chain order) touch, by what
// those events did.
func moveLeases(ctx context.Context, tx pgx.Tx, events []*ChainEvent) error {
	var m leaseMoves
	m.fold(events)
	return m.write(ctx, tx)
}

// leaseMoves is what events did to leases, folded: one delta per lease.
// The leases opened in the events go in as they end up; the others, stored
// before, are updated. Settled replica groups go in, and what the events
// show of replicas is marked on every lease of their orders.
type leaseMoves struct {
	opened        map[common.Hash]bool
	added, moved  leaseDeltas
	groups        groupRows
	replicaLeases [][]byte
	events        int // how many were folded
}

// fold adds events (in chain order, after those folded before) to m.
func (m *leaseMoves) fold(events []*ChainEvent) {
	if m.opened == nil {
		m.opened = map[common.Hash]bool{}
	}
	for _, e := range events {
		if e.Kind == KindLeaseOpened {
			m.opened[e.LeaseID] = true
		}
	}
	for _, e := range events {
		switch {
		case e.Kind == KindGroupSettled:
			m.groups.add(e)
		case !e.ofLease():
		case m.opened[e.LeaseID]:
			m.added.add(e)
		default:
			m.moved.add(e)
		}
		if e.ofReplica() && e.ofLease() {
			m.replicaLeases = append(m.replicaLeases, e.LeaseID.Bytes())
		}
	}
	m.events += len(events)
}

// write moves the leases as m says.
func (m *leaseMoves) write(ctx context.Context, tx pgx.Tx) error {
	b := &pgx.Batch{}
	if len(m.added.ids) > 0 {
		b.Queue(insertLeasesSQL, m.added.insertArgs()...)
	}
	if len(m.moved.ids) > 0 {
		b.Queue(updateLeasesSQL, m.moved.updateArgs()...)
	}
	if len(m.groups.orders) > 0 {
		b.Queue(insertGroupsSQL, m.groups.args()...)
	}
	if len(m.replicaLeases) > 0 || len(m.groups.orders) > 0 {
		orders := m.groups.orders
		if orders == nil {
			orders = [][]byte{}
		}
		b.Queue(markReplicasSQL, m.replicaLeases, orders)
	}
	if b.Len() == 0 {
		return nil
	}
	if err := tx.SendBatch(ctx, b).Close(); err != nil {
		return fmt.Errorf("write leases: %w", err)
	}
	return nil
}

// newEvents is events less those stored before (and less repeats within
// events), in their order, and the cursor of the chain indexer called
// name. It takes the chain-event writers' lock.
func newEvents(ctx context.Context, tx pgx.Tx, name string, events []ChainEvent) ([]*ChainEvent, cursorRow, error) {
	var cur cursorRow
	b := &pgx.Batch{}
	b.Queue(chainLockSQL)
	b.Queue(ingestPlanSQL)
	readCursor(b, name, &cur)
	if len(events) == 0 {
		if err := tx.SendBatch(ctx, b).Close(); err != nil {
			return nil, cur, fmt.Errorf("read chain cursor: %w", err)
		}
		return nil, cur, nil
	}
	first := events[0].position()
	last := first
	for i := range events {
		p := events[i].position()
		if p.less(first) {
			first = p
		}
		if last.less(p) {
			last = p
		}
	}
	known := map[ChainPosition]bool{}
	b.Queue(knownEventsSQL, int64(first.Block), int32(first.LogIndex), int64(last.Block), int32(last.LogIndex)).Query(func(rows pgx.Rows) error {
		var block int64
		var index int32
		_, err := pgx.ForEachRow(rows, []any{&block, &index}, func() error {
			known[ChainPosition{Block: uint64(block), LogIndex: uint(index)}] = true
			return nil
		})
		return err
	})
	if err := tx.SendBatch(ctx, b).Close(); err != nil {
		return nil, cur, fmt.Errorf("read stored events: %w", err)
	}
	fresh := make([]*ChainEvent, 0, len(events))
	for i := range events {
		if p := events[i].position(); !known[p] {
			known[p] = true
			fresh = append(fresh, &events[i])
		}
	}
	return fresh, cur, nil
}

// ChainPosition returns where the chain indexer called name stands; ok is
// false when it never stored a position.
func (s *Store) ChainPosition(ctx context.Context, name string) (pos ChainPosition, ok bool, err error) {
	var block int64
	var index int32
	var seenBlock *int64
	var seenHash []byte
	err = s.pool.QueryRow(ctx, `SELECT block, log_index, seen_block, seen_hash FROM chain_cursors WHERE name = $1`, name).
		Scan(&block, &index, &seenBlock, &seenHash)
	if err == pgx.ErrNoRows {
		return ChainPosition{}, false, nil
	}
	if err != nil {
		return ChainPosition{}, false, fmt.Errorf("read chain cursor %q: %w", name, err)
	}
	pos = ChainPosition{Block: uint64(block), LogIndex: uint(index)}
	if seenBlock != nil {
		pos.Seen = BlockRef{Number: uint64(*seenBlock), Hash: common.BytesToHash(seenHash)}
	}
	return pos, true, nil
}
