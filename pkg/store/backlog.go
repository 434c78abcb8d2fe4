package store

import (
	"context"
	"fmt"
	"math/rand/v2"
	"sync"

	"github.com/jackc/pgx/v5"
)

// maxBacklog is how many events a chain indexer that is catching up may
// store before the leases they touch move (DeferChainEvents): 16 batches
// of the benchmark's 4,000 events, about 16,000 leases folded in memory
// (a few MiB). Measured with BenchmarkIngest/spread, moving leases every
// 4, 8 and 16 batches gave about 44,000, 48,000 and 57,000 events/s on
// one day, against 28,000 moved every batch; 32 and 64 batches gave no
// more than 16 on another. A backlog's leases move in one transaction, in
// well under a second at this size.
const maxBacklog = 64_000

// A backlog is what a chain indexer stored while catching up whose leases
// have not moved yet. The database says where it begins and which run of
// deferred batches it is (chain_cursors.pending_*); the process keeps what
// the events do to the leases folded in memory (one delta per lease, a few
// hundred bytes), so that the leases move without the events being read
// back, but only while the database's backlog is the one in memory: the
// same run, and the cursor where this process left it.
type backlog struct {
	run   int64
	upTo  ChainPosition // the cursor as this process last stored it
	moves leaseMoves
}

// backlogs holds each chain indexer's backlog in memory, by name.
type backlogs struct {
	// mu is held for a whole write of chain events, so that the memory
	// moves with the database (which the chain lock serialises).
	mu     sync.Mutex
	byName map[string]*backlog
}

// cursorRow is a chain indexer's cursor as stored, with its backlog.
type cursorRow struct {
	pos         ChainPosition // Block and LogIndex only
	pending     bool
	pendingFrom ChainPosition
	run         int64
}

const readCursorSQL = `
SELECT block, log_index, pending_block, pending_log, pending_run FROM chain_cursors WHERE name = $1`

// readCursor queues the read of name's cursor into b, filling c.
func readCursor(b *pgx.Batch, name string, c *cursorRow) {
	b.Queue(readCursorSQL, name).Query(func(rows pgx.Rows) error {
		var block int64
		var index int32
		var pBlock *int64
		var pLog *int32
		var run *int64
		_, err := pgx.ForEachRow(rows, []any{&block, &index, &pBlock, &pLog, &run}, func() error {
			c.pos = ChainPosition{Block: uint64(block), LogIndex: uint(index)}
			if pBlock != nil {
				c.pending, c.pendingFrom, c.run = true, ChainPosition{Block: uint64(*pBlock), LogIndex: uint(*pLog)}, *run
			}
			return nil
		})
		return err
	})
}

// current returns name's backlog in memory when it is the whole of the
// stored backlog c, nil otherwise.
func (bs *backlogs) current(name string, c *cursorRow) *backlog {
	b := bs.byName[name]
	if b == nil || !c.pending || b.run != c.run || b.upTo.Block != c.pos.Block || b.upTo.LogIndex != c.pos.LogIndex {
		return nil
	}
	return b
}

// set records name's backlog in memory after a write committed.
func (bs *backlogs) set(name string, b *backlog) {
	if bs.byName == nil {
		bs.byName = map[string]*backlog{}
	}
	if b == nil {
		delete(bs.byName, name)
		return
	}
	bs.byName[name] = b
}

// deferrable reports whether the leases fresh events move may wait in a
// backlog that begins at from (when pending): events that show replicas
// move every lease of their orders at once, and an event before the
// backlog's start would escape it.
func deferrable(fresh []*ChainEvent, pending bool, from ChainPosition) bool {
	for _, e := range fresh {
		if e.ofReplica() || pending && e.position().less(from) {
			return false
		}
	}
	return true
}

// extend returns the backlog after fresh events joined it: mem (nil when
// none is pending) with them folded in, or a new one.
func extend(mem *backlog, fresh []*ChainEvent, next ChainPosition) *backlog {
	b := mem
	if b == nil {
		b = &backlog{run: rand.Int64()}
	}
	b.moves.fold(fresh)
	b.upTo = ChainPosition{Block: next.Block, LogIndex: next.LogIndex}
	return b
}

const pendingLeasesSQL = `
SELECT DISTINCT lease_id FROM lease_events WHERE (block_number, log_index) >= ($1, $2) AND lease_id IS NOT NULL`

// pendingLeases lists the leases that stored events from position from on
// touch.
func pendingLeases(ctx context.Context, tx pgx.Tx, from ChainPosition) ([][]byte, error) {
	rows, err := tx.Query(ctx, pendingLeasesSQL, int64(from.Block), int32(from.LogIndex))
	if err != nil {
		return nil, fmt.Errorf("read pending leases: %w", err)
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[[]byte])
	if err != nil {
		return nil, fmt.Errorf("read pending leases: %w", err)
	}
	return ids, nil
}

// settleStored moves the leases of a stored backlog that is not in memory
// (another process's, or one from before a restart): each lease that its
// events touch is derived anew from all its stored events.
func settleStored(ctx context.Context, tx pgx.Tx, from ChainPosition) error {
	ids, err := pendingLeases(ctx, tx, from)
	if err != nil {
		return err
	}
	if len(ids) == 0 {
		return nil
	}
	return rebuildLeases(ctx, tx, ids)
}
