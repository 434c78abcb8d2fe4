package store

import (
	"context"
	"fmt"

	"github.com/ethereum/go-ethereum/common"
	"github.com/jackc/pgx/v5"
)

// ChainBlocks lists the blocks below below that hold stored events, with
// the hashes they were stored under, newest first, at most limit: where a
// chain indexer looks for the newest block a reorg left in place.
func (s *Store) ChainBlocks(ctx context.Context, below uint64, limit int) ([]BlockRef, error) {
	rows, err := s.pool.Query(ctx, `
SELECT DISTINCT ON (block_number) block_number, block_hash FROM lease_events
WHERE block_number < $1 ORDER BY block_number DESC LIMIT $2`, int64(below), limit)
	if err != nil {
		return nil, fmt.Errorf("read stored blocks below %d: %w", below, err)
	}
	refs, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (BlockRef, error) {
		var n int64
		var h []byte
		err := r.Scan(&n, &h)
		return BlockRef{Number: uint64(n), Hash: common.BytesToHash(h)}, err
	})
	if err != nil {
		return nil, fmt.Errorf("read stored blocks below %d: %w", below, err)
	}
	return refs, nil
}

// RewindChain rolls the index back to position to (a block's start:
// to.LogIndex is 0), after a reorg replaced the blocks from to.Block on.
// In one transaction it deletes every event stored at or past to.Block and
// the replica groups settled there, rebuilds each lease those events moved
// from the events left (a lease opened in the removed blocks goes), and so
// each lease that the indexer's backlog (DeferChainEvents) left unmoved,
// and records to as where the chain indexer called name stands. It returns
// how many events it removed.
func (s *Store) RewindChain(ctx context.Context, name string, to ChainPosition) (int, error) {
	if to.LogIndex != 0 {
		return 0, fmt.Errorf("rewind chain index to block %d log %d: not a block's start", to.Block, to.LogIndex)
	}
	s.backlogs.mu.Lock()
	defer s.backlogs.mu.Unlock()
	s.backlogs.set(name, nil)
	var removed int
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		var cur cursorRow
		b := &pgx.Batch{}
		b.Queue(chainLockSQL)
		b.Queue(ingestPlanSQL)
		readCursor(b, name, &cur)
		if err := tx.SendBatch(ctx, b).Close(); err != nil {
			return fmt.Errorf("read chain cursor: %w", err)
		}
		moved := map[common.Hash]bool{}
		var ids [][]byte
		if cur.pending {
			pending, err := pendingLeases(ctx, tx, cur.pendingFrom)
			if err != nil {
				return err
			}
			for _, id := range pending {
				moved[common.BytesToHash(id)] = true
			}
			ids = pending
		}
		rows, err := tx.Query(ctx, `DELETE FROM lease_events WHERE block_number >= $1 RETURNING lease_id`, int64(to.Block))
		if err != nil {
			return fmt.Errorf("delete events: %w", err)
		}
		var id []byte
		if _, err := pgx.ForEachRow(rows, []any{&id}, func() error {
			removed++
			if id != nil && !moved[common.BytesToHash(id)] {
				moved[common.BytesToHash(id)] = true
				ids = append(ids, id)
			}
			return nil
		}); err != nil {
			return fmt.Errorf("delete events: %w", err)
		}
		if _, err := tx.Exec(ctx, `DELETE FROM replica_groups WHERE settled_block >= $1`, int64(to.Block)); err != nil {
			return fmt.Errorf("delete replica groups: %w", err)
		}
		if len(ids) > 0 {
			if err := rebuildLeases(ctx, tx, ids); err != nil {
				return err
			}
		}
		return saveCursor(ctx, tx, name, to, nil)
	})
	if err != nil {
		return 0, fmt.Errorf("rewind chain index to block %d: %w", to.Block, err)
	}
	return removed, nil
}

// rebuildLeases derives the leases ids anew from their stored events.
func rebuildLeases(ctx context.Context, tx pgx.Tx, ids [][]byte) error {
	if _, err := tx.Exec(ctx, `DELETE FROM leases WHERE lease_id = ANY($1)`, ids); err != nil {
		return fmt.Errorf("delete leases: %w", err)
	}
	events, err := readEvents(ctx, tx, `lease_id = ANY($1)`, ids)
	if err != nil {
		return err
	}
	ptrs := make([]*ChainEvent, len(events))
	for i := range events {
		ptrs[i] = &events[i]
	}
	return moveLeases(ctx, tx, ptrs)
}
