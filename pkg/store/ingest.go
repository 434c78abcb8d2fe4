package store

import (
	"context"
	"encoding/json"
	"fmt"
	"math/big"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/tender-market/tender/pkg/auction"
)

const insertOrderSQL = `
INSERT INTO orders (order_hash, tenant, auctioneer, max_price_per_hour, max_duration, bid_deadline, expiry,
                    nonce, gpu_count, gpu_models, allow_simulated, image, wire, seen_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
ON CONFLICT (order_hash) DO NOTHING`

// SaveOrder stores a verified order seen at seen; an order already stored
// is left as it is. It reports whether the order was new.
func (s *Store) SaveOrder(ctx context.Context, o auction.VerifiedOrder, seen time.Time) (bool, error) {
	args, err := orderArgs(&o, seen)
	if err != nil {
		return false, err
	}
	tag, err := s.pool.Exec(ctx, insertOrderSQL, args...)
	if err != nil {
		return false, fmt.Errorf("store order %s: %w", o.Hash.Hex(), err)
	}
	return tag.RowsAffected() == 1, nil
}

func orderArgs(o *auction.VerifiedOrder, seen time.Time) ([]any, error) {
	if !o.Verified() {
		return nil, fmt.Errorf("store order %s: not verified", o.Hash.Hex())
	}
	wire, err := auction.EncodeOrder(o.SignedOrder)
	if err != nil {
		return nil, fmt.Errorf("store order %s: %w", o.Hash.Hex(), err)
	}
	ord := &o.Order
	models := ord.Requirements.GPUModels
	if models == nil {
		models = []string{}
	}
	return []any{
		o.Hash.Bytes(), ord.Tenant.Bytes(), ord.Auctioneer, numeric(ord.MaxPricePerHour), int64(ord.MaxDuration),
		unixTime(ord.BidDeadline), unixTime(ord.Expiry), numericU64(ord.Nonce), int32(ord.Requirements.GPUCount),
		models, ord.Requirements.AllowSimulated, ord.Job.Image, wire, seen.UTC(),
	}, nil
}

// TranscriptRecord is a verified auction transcript ready to store.
type TranscriptRecord struct {
	// Hash is the EIP-712 digest the auctioneer signed.
	Hash       common.Hash
	Order      auction.VerifiedOrder
	Transcript auction.Transcript
	// BidHashes are the entries' bid hashes, in entry order.
	BidHashes []common.Hash
	SeenAt    time.Time
}

const (
	insertBidSQL = `
INSERT INTO bids (bid_hash, order_hash, provider, peer_id, price_per_hour, gpu_model, gpu_count, simulated,
                  expiry, nonce, offer, signature)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
ON CONFLICT (bid_hash) DO NOTHING`

	// A provider's snapshot is its latest bid's offer.
	upsertProviderSQL = `
INSERT INTO providers (address, peer_id, inventory, gpu_models, gpu_count, simulated, first_seen, last_seen)
VALUES ($1, $2, $3, $4, $5, $6, $7, $7)
ON CONFLICT (address) DO UPDATE SET
    peer_id = EXCLUDED.peer_id, inventory = EXCLUDED.inventory, gpu_models = EXCLUDED.gpu_models,
    gpu_count = EXCLUDED.gpu_count, simulated = EXCLUDED.simulated,
    first_seen = least(providers.first_seen, EXCLUDED.first_seen), last_seen = EXCLUDED.last_seen
WHERE providers.inventory IS NULL OR providers.last_seen <= EXCLUDED.last_seen`

	insertTranscriptSQL = `
INSERT INTO transcripts (transcript_hash, order_hash, rule, closed_at, winner, bid_count, signature, seen_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
ON CONFLICT (transcript_hash) DO NOTHING`

	insertEntrySQL = `
INSERT INTO transcript_entries (transcript_hash, position, bid_hash, arrival, reputation, reason)
VALUES ($1, $2, $3, $4, $5, $6)
ON CONFLICT DO NOTHING`

	// A lease opened before its transcript arrived learns its GPU model.
	leaseModelSQL = `
UPDATE leases l SET gpu_model = b.gpu_model, updated_at = now()
FROM bids b WHERE b.bid_hash = $1 AND l.lease_id = $1 AND l.gpu_model IS NULL`
)

// SaveTranscript stores a verified transcript with its order, every bid and
// its reason, and the providers' latest offers, in one transaction. A
// transcript already stored is left as it is; it reports whether it was new.
func (s *Store) SaveTranscript(ctx context.Context, r TranscriptRecord) (bool, error) {
	t := &r.Transcript
	if len(r.BidHashes) != len(t.Entries) {
		return false, fmt.Errorf("store transcript %s: %d bid hashes for %d entries", r.Hash.Hex(), len(r.BidHashes), len(t.Entries))
	}
	orderArgs, err := orderArgs(&r.Order, r.SeenAt)
	if err != nil {
		return false, err
	}
	b := &pgx.Batch{}
	b.Queue(insertOrderSQL, orderArgs...)
	for i := range t.Entries {
		e := &t.Entries[i]
		bid := &e.Bid.Bid
		offer, err := json.Marshal(bid.Offer)
		if err != nil {
			return false, fmt.Errorf("store transcript %s: offer %d: %w", r.Hash.Hex(), i, err)
		}
		model, models := offerModels(&bid.Offer)
		b.Queue(insertBidSQL, r.BidHashes[i].Bytes(), bid.OrderHash.Bytes(), bid.Provider.Bytes(), bid.PeerID,
			numeric(bid.PricePerHour), model, int32(bid.Offer.GPUCount()), bid.Offer.Simulated,
			unixTime(bid.Expiry), numericU64(bid.Nonce), offer, e.Bid.Signature[:])
		b.Queue(upsertProviderSQL, bid.Provider.Bytes(), bid.PeerID, offer, models, int32(bid.Offer.GPUCount()),
			bid.Offer.Simulated, e.Arrival.UTC())
	}
	var winner []byte
	if t.Winner != (common.Hash{}) {
		winner = t.Winner.Bytes()
	}
	var isNew bool
	b.Queue(insertTranscriptSQL, r.Hash.Bytes(), r.Order.Hash.Bytes(), t.Rule, t.ClosedAt.UTC(), winner,
		int32(len(t.Entries)), t.Signature[:], r.SeenAt.UTC()).Exec(func(tag pgconn.CommandTag) error {
		isNew = tag.RowsAffected() == 1
		return nil
	})
	for i := range t.Entries {
		e := &t.Entries[i]
		b.Queue(insertEntrySQL, r.Hash.Bytes(), int32(i), r.BidHashes[i].Bytes(), e.Arrival.UTC(),
			numericU64(e.Reputation), string(e.Reason))
	}
	if winner != nil {
		b.Queue(leaseModelSQL, winner)
	}
	err = pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		return tx.SendBatch(ctx, b).Close()
	})
	if err != nil {
		return false, fmt.Errorf("store transcript %s: %w", r.Hash.Hex(), err)
	}
	return isNew, nil
}

// offerModels is the offer's first GPU model ("" for CPU only) and the
// distinct models it holds.
func offerModels(o *auction.Offer) (string, []string) {
	models := []string{}
	for _, g := range o.GPUs {
		dup := false
		for _, m := range models {
			dup = dup || m == g.Model
		}
		if !dup {
			models = append(models, g.Model)
		}
	}
	if len(models) == 0 {
		return "", models
	}
	return models[0], models
}

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

// ChainPosition is where a chain indexer stands: the next block and log
// index to read.
type ChainPosition struct {
	Block    uint64
	LogIndex uint
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
	if e.Kind != KindPaymentDeferred && e.Kind != KindClaimed {
		lease = e.LeaseID.Bytes()
	}
	return []any{
		e.TxHash.Bytes(), int32(e.LogIndex), int64(e.Block), e.BlockHash.Bytes(), e.BlockTime.UTC(), e.Kind, lease,
		optAddr(e.TxFrom), optAddr(e.Tenant), optAddr(e.Provider), optAddr(e.Account), optAddr(e.Recipient),
		optHash(e.OrderHash), numeric(e.PricePerHour), maxDur, numeric(e.Amount), numeric(e.Deposit),
		numeric(e.Paid), numeric(e.Refunded), exit, optHash(e.ResultHash), started,
	}
}

// The statements that apply a batch of events. The batch is first copied
// into stage_events; new_events receives those not stored before, and only
// they move leases and payments, so a replayed event changes nothing.
// lease_deltas then sums up, per lease, what the new events did, next to
// the lease as it stood before the batch: a lease opened in the batch is
// inserted as it ends up, and one opened before is updated once, whatever
// number of its events the batch holds.
const (
	stageEventsSQL = `CREATE TEMP TABLE IF NOT EXISTS stage_events (LIKE lease_events) ON COMMIT DELETE ROWS`
	newEventsSQL   = `CREATE TEMP TABLE IF NOT EXISTS new_events (LIKE lease_events) ON COMMIT DELETE ROWS`
	deltasSQL      = `
CREATE TEMP TABLE IF NOT EXISTS lease_deltas (
    lease_id bytea PRIMARY KEY, opened boolean, order_hash bytea, tenant bytea, provider bytea,
    price_per_hour numeric(78, 0), max_duration bigint, deposit numeric(78, 0), opened_at timestamptz,
    opened_block bigint, started_at timestamptz, topped_up numeric(78, 0), withdrawn numeric(78, 0),
    end_kind text, end_paid numeric(78, 0), end_refunded numeric(78, 0), exit_code integer,
    result_hash bytea, ended_at timestamptz, ended_by bytea, paid_before numeric(78, 0)
) ON COMMIT DELETE ROWS`

	insertNewEventsSQL = `
WITH ins AS (
    INSERT INTO lease_events SELECT * FROM stage_events
    ON CONFLICT (block_number, log_index) DO NOTHING
    RETURNING *
)
INSERT INTO new_events SELECT * FROM ins`

	// A lease has at most one opening and one end; first() of their
	// fields is taken with array_agg(...)[1]. The parties and what was paid
	// before come from the stored lease when the batch does not open it
	// (scalar subqueries: one index lookup each, whatever the table's size).
	computeDeltasSQL = `
INSERT INTO lease_deltas
SELECT d.lease_id, d.opened, d.order_hash,
       coalesce(d.tenant, (SELECT tenant FROM leases WHERE lease_id = d.lease_id)),
       coalesce(d.provider, (SELECT provider FROM leases WHERE lease_id = d.lease_id)),
       d.price_per_hour, d.max_duration, d.deposit, d.opened_at, d.opened_block, d.started_at, d.topped_up,
       d.withdrawn, d.end_kind, d.end_paid, d.end_refunded, d.exit_code, d.result_hash, d.ended_at, d.ended_by,
       CASE WHEN d.opened THEN 0 ELSE (SELECT paid FROM leases WHERE lease_id = d.lease_id) END
FROM (
    SELECT lease_id,
        bool_or(kind = 'LeaseOpened') AS opened,
        (array_agg(order_hash) FILTER (WHERE kind = 'LeaseOpened'))[1] AS order_hash,
        (array_agg(tenant) FILTER (WHERE kind = 'LeaseOpened'))[1] AS tenant,
        (array_agg(provider) FILTER (WHERE kind = 'LeaseOpened'))[1] AS provider,
        (array_agg(price_per_hour) FILTER (WHERE kind = 'LeaseOpened'))[1] AS price_per_hour,
        (array_agg(max_duration) FILTER (WHERE kind = 'LeaseOpened'))[1] AS max_duration,
        (array_agg(deposit) FILTER (WHERE kind = 'LeaseOpened'))[1] AS deposit,
        (array_agg(block_time) FILTER (WHERE kind = 'LeaseOpened'))[1] AS opened_at,
        (array_agg(block_number) FILTER (WHERE kind = 'LeaseOpened'))[1] AS opened_block,
        (array_agg(started_at) FILTER (WHERE kind = 'Started'))[1] AS started_at,
        coalesce(sum(amount) FILTER (WHERE kind = 'ToppedUp'), 0) AS topped_up,
        coalesce(sum(amount) FILTER (WHERE kind = 'Withdrawn'), 0) AS withdrawn,
        (array_agg(kind) FILTER (WHERE kind IN ('Closed', 'Overdrawn', 'Reclaimed')))[1] AS end_kind,
        (array_agg(paid) FILTER (WHERE kind IN ('Closed', 'Overdrawn')))[1] AS end_paid,
        (array_agg(refunded) FILTER (WHERE kind IN ('Closed', 'Reclaimed')))[1] AS end_refunded,
        (array_agg(exit_code) FILTER (WHERE kind = 'Closed'))[1] AS exit_code,
        (array_agg(result_hash) FILTER (WHERE kind = 'Closed'))[1] AS result_hash,
        (array_agg(block_time) FILTER (WHERE kind IN ('Closed', 'Overdrawn', 'Reclaimed')))[1] AS ended_at,
        (array_agg(tx_from) FILTER (WHERE kind IN ('Closed', 'Overdrawn')))[1] AS ended_by
    FROM new_events WHERE lease_id IS NOT NULL
    GROUP BY lease_id
) d`

	// Payments: what each event moved and to or from whom. A settlement
	// pays the provider its total less what it withdrew before.
	insertPaymentsSQL = `
INSERT INTO payments (block_number, log_index, kind, tx_hash, lease_id, account, amount, block_time)
SELECT e.block_number, e.log_index, 'deposit', e.tx_hash, e.lease_id, e.tenant, e.deposit, e.block_time
FROM new_events e WHERE e.kind = 'LeaseOpened'
UNION ALL
SELECT e.block_number, e.log_index, 'top_up', e.tx_hash, e.lease_id, d.tenant, e.amount, e.block_time
FROM new_events e JOIN lease_deltas d USING (lease_id) WHERE e.kind = 'ToppedUp'
UNION ALL
SELECT e.block_number, e.log_index, 'withdrawal', e.tx_hash, e.lease_id, d.provider, e.amount, e.block_time
FROM new_events e JOIN lease_deltas d USING (lease_id) WHERE e.kind = 'Withdrawn'
UNION ALL
SELECT e.block_number, e.log_index, 'settlement', e.tx_hash, e.lease_id, d.provider,
       e.paid - coalesce(d.paid_before, 0) - d.withdrawn, e.block_time
FROM new_events e JOIN lease_deltas d USING (lease_id) WHERE e.kind IN ('Closed', 'Overdrawn')
UNION ALL
SELECT e.block_number, e.log_index, 'refund', e.tx_hash, e.lease_id, d.tenant, e.refunded, e.block_time
FROM new_events e JOIN lease_deltas d USING (lease_id) WHERE e.kind IN ('Closed', 'Reclaimed')
UNION ALL
SELECT e.block_number, e.log_index, CASE e.kind WHEN 'PaymentDeferred' THEN 'deferred' ELSE 'claim' END,
       e.tx_hash, NULL, e.account, e.amount, e.block_time
FROM new_events e WHERE e.kind IN ('PaymentDeferred', 'Claimed')
ON CONFLICT DO NOTHING`

	// endStateSQL and closedBySQL read a delta d; closedBySQL compares its
	// sender with the parties of the row named p.
	endStateSQL = `CASE d.end_kind WHEN 'Closed' THEN 'closed' WHEN 'Overdrawn' THEN 'overdrawn' WHEN 'Reclaimed' THEN 'reclaimed' END`
	closedBySQL = `CASE
        WHEN d.end_kind IS NULL THEN NULL
        WHEN d.end_kind = 'Reclaimed' OR d.ended_by = p.tenant THEN 'tenant'
        WHEN d.ended_by = p.provider THEN 'provider'
        WHEN d.end_kind = 'Overdrawn' THEN 'anyone'
    END`

	providersFromLeasesSQL = `
INSERT INTO providers (address, first_seen, last_seen)
SELECT provider, min(opened_at), max(opened_at) FROM lease_deltas WHERE opened GROUP BY provider
ON CONFLICT (address) DO NOTHING`
)

// A lease opened in the batch goes in as it ends up.
const insertLeasesSQL = `
INSERT INTO leases (lease_id, order_hash, tenant, provider, price_per_hour, max_duration, state, deposit, paid,
                    refunded, gpu_model, opened_at, opened_block, started_at, ended_at, exit_code, result_hash, closed_by)
SELECT d.lease_id, d.order_hash, d.tenant, d.provider, d.price_per_hour, d.max_duration,
       coalesce(` + endStateSQL + `, CASE WHEN d.started_at IS NOT NULL THEN 'running' ELSE 'open' END),
       d.deposit + d.topped_up,
       coalesce(d.end_paid, d.withdrawn),
       CASE WHEN d.end_kind = 'Overdrawn' THEN 0 ELSE coalesce(d.end_refunded, 0) END,
       b.gpu_model, d.opened_at, d.opened_block, d.started_at, d.ended_at, d.exit_code, d.result_hash,
       ` + closedBySQL + `
FROM lease_deltas d CROSS JOIN LATERAL (SELECT d.tenant, d.provider) p LEFT JOIN bids b ON b.bid_hash = d.lease_id
WHERE d.opened
ON CONFLICT (lease_id) DO NOTHING`

// A lease opened before the batch moves once.
const updateLeasesSQL = `
UPDATE leases p SET
    state = coalesce(` + endStateSQL + `, CASE WHEN d.started_at IS NOT NULL AND p.state = 'open' THEN 'running' ELSE p.state END),
    started_at = coalesce(p.started_at, d.started_at),
    deposit = p.deposit + d.topped_up,
    paid = coalesce(d.end_paid, p.paid + d.withdrawn),
    refunded = CASE WHEN d.end_kind = 'Overdrawn' THEN 0 ELSE coalesce(d.end_refunded, p.refunded) END,
    ended_at = coalesce(d.ended_at, p.ended_at),
    exit_code = coalesce(d.exit_code, p.exit_code),
    result_hash = coalesce(d.result_hash, p.result_hash),
    closed_by = coalesce(` + closedBySQL + `, p.closed_by),
    updated_at = now()
FROM lease_deltas d
WHERE p.lease_id = d.lease_id AND NOT d.opened`

const (
	saveCursorSQL = `
INSERT INTO chain_cursors (name, block, log_index, updated_at) VALUES ($1, $2, $3, now())
ON CONFLICT (name) DO UPDATE SET block = EXCLUDED.block, log_index = EXCLUDED.log_index, updated_at = now()`
)

// ApplyChainEvents stores events (in chain order) and moves leases and
// payments by those not stored before, and records next as the position of
// the chain indexer called name, all in one transaction. Events already
// stored are skipped, so replaying a range is harmless. It returns how many
// events were new.
func (s *Store) ApplyChainEvents(ctx context.Context, name string, events []ChainEvent, next ChainPosition) (int, error) {
	var added int
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if len(events) > 0 {
			for _, q := range []string{stageEventsSQL, newEventsSQL, deltasSQL} {
				if _, err := tx.Exec(ctx, q); err != nil {
					return fmt.Errorf("staging tables: %w", err)
				}
			}
			rows := make([][]any, len(events))
			for i := range events {
				rows[i] = eventRow(&events[i])
			}
			if _, err := tx.CopyFrom(ctx, pgx.Identifier{"stage_events"}, eventColumns, pgx.CopyFromRows(rows)); err != nil {
				return fmt.Errorf("copy events: %w", err)
			}
			b := &pgx.Batch{}
			b.Queue(insertNewEventsSQL).Exec(func(tag pgconn.CommandTag) error {
				added = int(tag.RowsAffected())
				return nil
			})
			// Payments read the leases as they were before the batch.
			for _, q := range []string{computeDeltasSQL, insertPaymentsSQL, insertLeasesSQL, updateLeasesSQL, providersFromLeasesSQL} {
				b.Queue(q)
			}
			b.Queue(saveCursorSQL, name, int64(next.Block), int32(next.LogIndex))
			return tx.SendBatch(ctx, b).Close()
		}
		_, err := tx.Exec(ctx, saveCursorSQL, name, int64(next.Block), int32(next.LogIndex))
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("store %d chain events up to block %d: %w", len(events), next.Block, err)
	}
	return added, nil
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
