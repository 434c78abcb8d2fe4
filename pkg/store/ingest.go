package store

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/tender-market/tender/pkg/auction"
)

const (
	insertOrderSQL = `
INSERT INTO orders (order_hash, tenant, auctioneer, max_price_per_hour, max_duration, bid_deadline, expiry,
                    nonce, gpu_count, gpu_models, allow_simulated, image, wire, seen_at, held)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)
ON CONFLICT (order_hash) DO NOTHING`

	// The leases of a verified order stored before it are replicas.
	markOrderReplicasSQL = `UPDATE leases SET replica = true, updated_at = now() WHERE order_hash = $1 AND NOT replica`
)

// SaveOrder stores a verified order seen at seen; an order already stored
// is left as it is. It reports whether the order was new. The leases
// stored of an order that asks for replicas (or a spot check) are marked
// replicas.
func (s *Store) SaveOrder(ctx context.Context, o auction.VerifiedOrder, seen time.Time) (bool, error) {
	args, err := orderArgs(&o, seen)
	if err != nil {
		return false, err
	}
	var isNew bool
	b := &pgx.Batch{}
	b.Queue(insertOrderSQL, args...).Exec(func(tag pgconn.CommandTag) error {
		isNew = tag.RowsAffected() == 1
		return nil
	})
	if o.Order.Verify.Held() {
		b.Queue(markOrderReplicasSQL, o.Hash.Bytes())
		err = s.chainShared(ctx, b)
	} else {
		err = s.pool.SendBatch(ctx, b).Close()
	}
	if err != nil {
		return false, fmt.Errorf("store order %s: %w", o.Hash.Hex(), err)
	}
	return isNew, nil
}

// SaveNoBid stores a provider's signed no-bid (its signature checked by
// the caller), seen at seen, when the index holds its order; a provider's
// later no-bid for the same order is left out. It reports whether the
// no-bid was stored.
func (s *Store) SaveNoBid(ctx context.Context, nb auction.SignedNoBid, seen time.Time) (bool, error) {
	n := &nb.NoBid
	tag, err := s.pool.Exec(ctx, `
INSERT INTO no_bids (order_hash, provider, peer_id, reason, detail, signature, seen_at)
SELECT $1, $2, $3, $4, $5, $6, $7 WHERE EXISTS (SELECT 1 FROM orders WHERE order_hash = $1)
ON CONFLICT (order_hash, provider) DO NOTHING`,
		n.OrderHash.Bytes(), n.Provider.Bytes(), n.PeerID, string(n.Reason), n.Detail, nb.Signature[:], seen.UTC())
	if err != nil {
		return false, fmt.Errorf("store no-bid of %s on order %s: %w", n.Provider.Hex(), n.OrderHash.Hex(), err)
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
		models, ord.Requirements.AllowSimulated, ord.Job.Image, wire, seen.UTC(), ord.Verify.Held(),
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
INSERT INTO transcripts (transcript_hash, order_hash, rule, closed_at, winner, bid_count, signature, seen_at, min_reputation, omitted)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
ON CONFLICT (transcript_hash) DO NOTHING`

	insertEntrySQL = `
INSERT INTO transcript_entries (transcript_hash, position, bid_hash, arrival, reputation, reason)
VALUES ($1, $2, $3, $4, $5, $6)
ON CONFLICT DO NOTHING`

	insertWinnerSQL = `
INSERT INTO transcript_winners (transcript_hash, position, lease_id) VALUES ($1, $2, $3)
ON CONFLICT DO NOTHING`

	// A lease opened before its transcript arrived learns its GPU model
	// (every winner's, of a replicated order's).
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
	if r.Order.Order.Verify.Held() {
		b.Queue(markOrderReplicasSQL, r.Order.Hash.Bytes())
	}
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
		int32(len(t.Entries)), t.Signature[:], r.SeenAt.UTC(), numericU64(t.MinReputation), int64(t.Omitted)).Exec(func(tag pgconn.CommandTag) error {
		isNew = tag.RowsAffected() == 1
		return nil
	})
	for i := range t.Entries {
		e := &t.Entries[i]
		b.Queue(insertEntrySQL, r.Hash.Bytes(), int32(i), r.BidHashes[i].Bytes(), e.Arrival.UTC(),
			numericU64(e.Reputation), string(e.Reason))
	}
	for i, w := range transcriptWinners(t) {
		b.Queue(insertWinnerSQL, r.Hash.Bytes(), int32(i), w.Bytes())
		b.Queue(leaseModelSQL, w.Bytes())
	}
	if err := s.chainShared(ctx, b); err != nil {
		return false, fmt.Errorf("store transcript %s: %w", r.Hash.Hex(), err)
	}
	return isNew, nil
}

// chainShared runs b in a transaction that first holds the chain lock
// shared (chainShareSQL). One such transaction at a time waits for the
// lock, on one of the pool's connections; the others wait here, holding
// none: a chain write in progress (up to a second while a broker catches
// up) and a burst of gossip or posted transcripts never take every
// connection from the API's reads.
func (s *Store) chainShared(ctx context.Context, b *pgx.Batch) error {
	select {
	case s.lockWaiter <- struct{}{}:
	case <-ctx.Done():
		return ctx.Err()
	}
	locked := sync.OnceFunc(func() { <-s.lockWaiter }) // the next may wait
	defer locked()
	return pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, chainShareSQL); err != nil {
			return err
		}
		locked()
		return tx.SendBatch(ctx, b).Close()
	})
}

// transcriptWinners are t's winning bids, best first: Winners, or Winner
// alone for a transcript of a version without them.
func transcriptWinners(t *auction.Transcript) []common.Hash {
	if len(t.Winners) > 0 {
		return t.Winners
	}
	if t.Winner != (common.Hash{}) {
		return []common.Hash{t.Winner}
	}
	return nil
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
