package store

import (
	"context"
	"errors"
	"fmt"
	"math/big"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"
)

// ReplicaGroup is a verified order's replicas as the index holds them: the
// leases opened from its bids, whose pay the escrow holds until the group
// settles by the majority of their result digests.
type ReplicaGroup struct {
	OrderHash common.Hash
	// Order is the order, nil when the broker never saw it.
	Order *Order
	// Replicas are the order's leases in the order they opened (the order
	// the escrow lists its group's members in), with the ones that left
	// the group before it settled (cancelled, declined, reclaimed).
	Replicas []Lease
	// Settlement is the group's settlement, nil until it settles.
	Settlement *GroupSettlement
}

// GroupSettlement is a replica group's GroupSettled event.
type GroupSettlement struct {
	// Majority is the result digest more than half of the reporting
	// replicas gave; nil when none did (then every reporter's pay went
	// back to the tenant).
	Majority *common.Hash
	// Paid is what the majority's providers were paid in all; Refunded
	// what went back to the tenant at the settlement (the minority's held
	// pay, the whole deposits of replicas that never reported, and of
	// those it reclaimed).
	Paid, Refunded *big.Int
	Block          uint64
	LogIndex       uint
	At             time.Time
	TxHash         common.Hash
}

// Paid lists the replicas whose providers the settlement paid: those that
// agreed with the majority.
func (g ReplicaGroup) Paid() []Lease {
	var out []Lease
	for _, l := range g.Replicas {
		if l.Agreed != nil && *l.Agreed {
			out = append(out, l)
		}
	}
	return out
}

const (
	// replicasSQL selects the replicas of an order, for scanLease: the
	// order's hash follows, then replicasOrderSQL (the order they opened
	// in).
	replicasSQL      = "SELECT " + leaseColumns + ` FROM leases l WHERE l.replica AND l.order_hash = `
	replicasOrderSQL = ` ORDER BY l.opened_block,
    (SELECT e.log_index FROM lease_events e WHERE e.lease_id = l.lease_id AND e.kind = 'LeaseOpened'), l.lease_id`

	// groupSQL selects a settled group, for scanSettlement; the order's
	// hash follows.
	groupSQL = `SELECT majority, paid, refunded, settled_block, settled_log, settled_at, tx_hash FROM replica_groups WHERE order_hash = `
)

func scanSettlement(row pgx.Row) (*GroupSettlement, error) {
	var (
		g              GroupSettlement
		majority, tx   []byte
		paid, refunded pgtype.Numeric
		block          int64
		log            int32
	)
	if err := row.Scan(&majority, &paid, &refunded, &block, &log, &g.At, &tx); err != nil {
		return nil, err
	}
	if majority != nil {
		h := common.BytesToHash(majority)
		g.Majority = &h
	}
	g.Block, g.LogIndex, g.TxHash = uint64(block), uint(log), common.BytesToHash(tx)
	var err error
	if g.Paid, err = toBig(paid); err != nil {
		return nil, err
	}
	if g.Refunded, err = toBig(refunded); err != nil {
		return nil, err
	}
	return &g, nil
}

// queueGroup queues the reads of a replica group into b: its replicas and
// its settlement, of the order that orderSQL (an SQL expression over $1)
// names, into g.
func queueGroup(b *pgx.Batch, g *ReplicaGroup, orderSQL string, arg []byte) {
	b.Queue(replicasSQL+orderSQL+replicasOrderSQL, arg).Query(func(rows pgx.Rows) (err error) {
		g.Replicas, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (Lease, error) { return scanLease(r) })
		return err
	})
	b.Queue(groupSQL+orderSQL, arg).QueryRow(func(row pgx.Row) error {
		s, err := scanSettlement(row)
		if errors.Is(err, pgx.ErrNoRows) {
			return nil
		}
		g.Settlement = s
		return err
	})
}

// ReplicaGroup reads the replicas of the verified order orderHash, with
// the order when the broker saw it and the group's settlement once it
// settled; ErrNotFound when the index knows no replica of it (the order
// asks for none, or none was opened, or the index cannot tell yet: an
// order it never saw whose replicas have not reported).
func (s *Store) ReplicaGroup(ctx context.Context, orderHash common.Hash) (ReplicaGroup, error) {
	g := ReplicaGroup{OrderHash: orderHash}
	key := orderHash.Bytes()
	b := &pgx.Batch{}
	queueGroup(b, &g, "$1", key)
	b.Queue(`SELECT order_hash, wire, seen_at FROM orders WHERE order_hash = $1`, key).QueryRow(func(row pgx.Row) error {
		o, err := scanOrder(row)
		if errors.Is(err, pgx.ErrNoRows) {
			return nil
		}
		g.Order = &o
		return err
	})
	if err := s.pool.SendBatch(ctx, b).Close(); err != nil {
		return ReplicaGroup{}, fmt.Errorf("read the replicas of order %s: %w", orderHash.Hex(), err)
	}
	if len(g.Replicas) == 0 && g.Settlement == nil {
		return ReplicaGroup{}, fmt.Errorf("replicas of order %s: %w", orderHash.Hex(), ErrNotFound)
	}
	return g, nil
}
