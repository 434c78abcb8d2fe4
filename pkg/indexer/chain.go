package indexer

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/big"
	"sync/atomic"
	"time"

	"github.com/ethereum/go-ethereum"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"

	"github.com/tender-market/tender/pkg/lease"
	"github.com/tender-market/tender/pkg/store"
)

// Escrow delivers the escrow contract's events: a *lease.Client.
type Escrow interface {
	Watch(ctx context.Context, opts lease.WatchOptions, handle func(lease.Event) error) error
}

var _ Escrow = (*lease.Client)(nil)

// ChainReader reads what events do not carry: block times (an
// ethclient.Client or a simulated backend's client).
type ChainReader interface {
	HeaderByNumber(ctx context.Context, number *big.Int) (*types.Header, error)
}

// EventStore is where Chain writes events and its cursor, and rolls them
// back after a deep reorg.
type EventStore interface {
	ApplyChainEvents(ctx context.Context, name string, events []store.ChainEvent, next store.ChainPosition) (int, error)
	DeferChainEvents(ctx context.Context, name string, events []store.ChainEvent, next store.ChainPosition) (int, error)
	ChainPosition(ctx context.Context, name string) (store.ChainPosition, bool, error)
	ChainBlocks(ctx context.Context, below uint64, limit int) ([]store.BlockRef, error)
	RewindChain(ctx context.Context, name string, to store.ChainPosition) (int, error)
}

var _ EventStore = (*store.Store)(nil)

// ChainConfig tunes Chain.
type ChainConfig struct {
	// Name keys the cursor in the store: one per chain and escrow, such as
	// "31337/0xD157...". Required.
	Name string
	// StartBlock is where to begin when the store holds no cursor (the
	// escrow's deployment block).
	StartBlock uint64
	// Confirmations is how deep a block must be buried before its events
	// are indexed: a reorg no deeper than this never reaches the index.
	Confirmations uint64
	// PollInterval is how often to look for new blocks. Default 2 s.
	PollInterval time.Duration
	// BatchSize is the most events written in one transaction. Default 2000.
	BatchSize int
	// BlockRange is the most blocks read in one eth_getLogs request
	// (lease.WatchOptions.BlockRange). Default 1000.
	BlockRange uint64
	// RetryDelay is the first wait after a failure (RPC or database); it
	// doubles up to a minute. Default 1 s.
	RetryDelay time.Duration
	Logger     *slog.Logger
}

// Chain indexes the escrow's events into the store.
type Chain struct {
	escrow Escrow
	reader ChainReader
	store  EventStore
	cfg    ChainConfig
	log    *slog.Logger

	block   atomic.Uint64 // next block to index, as stored
	indexed atomic.Uint64 // events stored (new ones only)
	rewinds atomic.Uint64 // deep reorgs rolled back
}

// NewChain returns a chain indexer; Run starts it.
func NewChain(e Escrow, r ChainReader, s EventStore, cfg ChainConfig) (*Chain, error) {
	if cfg.Name == "" {
		return nil, errors.New("chain indexer: no cursor name")
	}
	if cfg.PollInterval <= 0 {
		cfg.PollInterval = 2 * time.Second
	}
	if cfg.BatchSize <= 0 {
		cfg.BatchSize = 2000
	}
	if cfg.RetryDelay <= 0 {
		cfg.RetryDelay = time.Second
	}
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Chain{
		escrow: e, reader: r, store: s, cfg: cfg,
		log: log.With("indexer", cfg.Name),
	}, nil
}

// NextBlock is the first block whose events are not all indexed yet.
func (c *Chain) NextBlock() uint64 { return c.block.Load() }

// Indexed is how many new events this indexer has stored.
func (c *Chain) Indexed() uint64 { return c.indexed.Load() }

// Rewinds is how many times this indexer rolled its index back after a
// reorg deeper than its confirmations.
func (c *Chain) Rewinds() uint64 { return c.rewinds.Load() }

// Run indexes events until ctx is done, then returns ctx.Err(). A failure
// of the chain endpoint or the database is logged and retried from the
// stored cursor after a growing delay.
func (c *Chain) Run(ctx context.Context) error {
	delay := c.cfg.RetryDelay
	for {
		err := c.RunOnce(ctx)
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if errors.Is(err, ErrRewound) {
			delay = c.cfg.RetryDelay
			continue
		}
		c.log.Warn("chain indexer failed; retrying", "in", delay, "err", err)
		t := time.NewTimer(delay)
		select {
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		case <-t.C:
		}
		delay = min(2*delay, time.Minute)
	}
}

// RunOnce indexes events from the stored cursor until ctx is done (it then
// returns ctx.Err()) or the first failure, which it returns. After a reorg
// deeper than the confirmations it rolls the index back to the newest
// block both branches share and returns an error wrapping ErrRewound.
//
// Chain reads and database writes overlap: one goroutine reads ranges of
// logs while another writes the batches read before.
func (c *Chain) RunOnce(ctx context.Context) error {
	pos, ok, err := c.store.ChainPosition(ctx, c.cfg.Name)
	if err != nil {
		return err
	}
	if !ok {
		pos = store.ChainPosition{Block: c.cfg.StartBlock}
	}
	c.block.Store(pos.Block)
	c.log.Info("chain indexer starting", "block", pos.Block, "logIndex", pos.LogIndex, "confirmations", c.cfg.Confirmations)

	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	writes := make(chan write, 2)
	written := make(chan struct{})
	go func() {
		defer close(written)
		saved := pos
		deferred := false
		for w := range writes {
			if ctx.Err() != nil {
				continue
			}
			if err := c.write(ctx, &saved, w); err != nil {
				cancel(err)
				continue
			}
			deferred = w.behind
		}
		// Watch stopped while catching up (a failed read of the chain):
		// the leases left to move move now, not once the chain answers.
		if deferred && ctx.Err() == nil {
			if err := c.write(ctx, &saved, write{next: saved}); err != nil {
				c.log.Warn("could not move the leases of the events stored while catching up", "err", err)
			}
		}
	}()
	r := reader{chain: c, writes: writes, queued: pos}
	err = c.escrow.Watch(ctx, lease.WatchOptions{
		From:          lease.Cursor{Block: pos.Block, Index: pos.LogIndex},
		Confirmations: c.cfg.Confirmations,
		PollInterval:  c.cfg.PollInterval,
		BlockRange:    c.cfg.BlockRange,
		RangeHeaders:  true,
		// Watch cannot take an error here: a failed write stops it.
		Scanned: func(s lease.Scan) {
			seen := store.BlockRef{Number: s.Last.Number.Uint64(), Hash: s.Last.Hash()}
			if err := r.flush(ctx, position(s.Next, seen), s.Behind); err != nil {
				cancel(err)
			}
		},
	}, func(ev lease.Event) error { return r.add(ctx, ev) })
	close(writes)
	<-written
	if cause := context.Cause(ctx); cause != nil && !errors.Is(cause, context.Canceled) {
		return cause
	}
	return err
}

// ErrRewound says a chain indexer rolled its index back after a reorg
// deeper than its confirmations, and must start again from its cursor.
var ErrRewound = errors.New("chain index rolled back after a deep reorg")

func position(c lease.Cursor, seen store.BlockRef) store.ChainPosition {
	return store.ChainPosition{Block: c.Block, LogIndex: c.Index, Seen: seen}
}

// write is a batch of events to store, and where the indexer stands after
// it; behind when more batches follow at once (the indexer is catching
// up), so that the leases they move may move later, together.
type write struct {
	events []store.ChainEvent
	next   store.ChainPosition
	behind bool
}

// reader gathers the events Watch delivers into batches and queues them
// for the writer. Watch calls it from one goroutine.
type reader struct {
	chain  *Chain
	writes chan<- write
	events []store.ChainEvent
	queued store.ChainPosition // the position of the last batch queued
	// deferred: the last batch queued left its leases to move later.
	deferred bool
	header   *types.Header // the last block's, for its time
}

func (r *reader) add(ctx context.Context, ev lease.Event) error {
	e, err := r.chain.convert(ctx, ev, &r.header)
	if err != nil {
		return err
	}
	r.events = append(r.events, e)
	if len(r.events) >= r.chain.cfg.BatchSize {
		// The rest of the range follows at once.
		return r.flush(ctx, position(ev.Next, store.BlockRef{Number: e.Block, Hash: e.BlockHash}), true)
	}
	return nil
}

// flush queues the gathered events and next for the writer.
func (r *reader) flush(ctx context.Context, next store.ChainPosition, behind bool) error {
	// Nothing new, unless the leases of the batches queued before are to
	// move now.
	if len(r.events) == 0 && next == r.queued && (behind || !r.deferred) {
		return nil
	}
	select {
	case r.writes <- write{events: r.events, next: next, behind: behind}:
	case <-ctx.Done():
		return context.Cause(ctx)
	}
	r.events = make([]store.ChainEvent, 0, r.chain.cfg.BatchSize)
	r.queued, r.deferred = next, behind
	return nil
}

// write stores w once the block the index last saw is still on the chain;
// when it is not, it rewinds the index and returns ErrRewound. *saved is
// where the index stands.
func (c *Chain) write(ctx context.Context, saved *store.ChainPosition, w write) error {
	if seen := saved.Seen; !seen.IsZero() {
		same, err := c.onChain(ctx, seen)
		if err != nil {
			return err
		}
		if !same {
			return c.rewind(ctx, seen)
		}
	}
	apply := c.store.ApplyChainEvents
	if w.behind {
		apply = c.store.DeferChainEvents
	}
	n, err := apply(ctx, c.cfg.Name, w.events, w.next)
	if err != nil {
		return err
	}
	if len(w.events) > 0 {
		c.log.Debug("escrow events indexed", "events", len(w.events), "new", n, "next", w.next.Block)
	}
	*saved = w.next
	c.block.Store(w.next.Block)
	c.indexed.Add(uint64(n))
	return nil
}

// onChain reports whether the chain's block at ref's height is ref.
func (c *Chain) onChain(ctx context.Context, ref store.BlockRef) (bool, error) {
	h, err := c.reader.HeaderByNumber(ctx, new(big.Int).SetUint64(ref.Number))
	if errors.Is(err, ethereum.NotFound) {
		return false, nil // the chain went back below it
	}
	if err != nil {
		return false, fmt.Errorf("header of block %d: %w", ref.Number, err)
	}
	return h.Hash() == ref.Hash, nil
}

// rewind rolls the index back after a reorg replaced seen: to just past
// the newest block holding stored events that is still on the chain (or
// to the start block when there is none), and returns ErrRewound.
func (c *Chain) rewind(ctx context.Context, seen store.BlockRef) error {
	to := store.ChainPosition{Block: c.cfg.StartBlock}
	below := seen.Number
search:
	for {
		refs, err := c.store.ChainBlocks(ctx, below, 64)
		if err != nil {
			return err
		}
		for _, ref := range refs {
			same, err := c.onChain(ctx, ref)
			if err != nil {
				return err
			}
			if same {
				to = store.ChainPosition{Block: ref.Number + 1, Seen: ref}
				break search
			}
		}
		if len(refs) == 0 {
			break
		}
		below = refs[len(refs)-1].Number
	}
	removed, err := c.store.RewindChain(ctx, c.cfg.Name, to)
	if err != nil {
		return err
	}
	c.rewinds.Add(1)
	c.block.Store(to.Block)
	c.log.Warn("reorg deeper than the confirmations: index rolled back",
		"replaced", seen.Number, "hash", seen.Hash.Hex(), "to", to.Block, "eventsRemoved", removed)
	return fmt.Errorf("%w: block %d was replaced; re-reading from block %d", ErrRewound, seen.Number, to.Block)
}

// convert flattens an escrow event with its block's time: from the log
// where the endpoint sends it (blockTimestamp), else from the block's
// header, read once a block.
func (c *Chain) convert(ctx context.Context, ev lease.Event, header **types.Header) (store.ChainEvent, error) {
	l := ev.Log
	if l.BlockTimestamp != 0 {
		*header = &types.Header{Number: new(big.Int).SetUint64(l.BlockNumber), Time: l.BlockTimestamp}
	} else if *header == nil || (*header).Number.Uint64() != l.BlockNumber {
		h, err := c.reader.HeaderByNumber(ctx, new(big.Int).SetUint64(l.BlockNumber))
		if err != nil {
			return store.ChainEvent{}, fmt.Errorf("header of block %d: %w", l.BlockNumber, err)
		}
		*header = h
	}
	e := store.ChainEvent{
		Kind: ev.Kind.String(), LeaseID: ev.LeaseID, Block: l.BlockNumber, BlockHash: l.BlockHash,
		BlockTime: time.Unix(int64((*header).Time), 0).UTC(), TxHash: l.TxHash, LogIndex: l.Index,
	}
	switch p := ev.Payload.(type) {
	case *lease.Opened:
		e.Tenant, e.Provider, e.OrderHash = p.Tenant, p.Provider, p.OrderHash
		e.PricePerHour, e.MaxDuration, e.Deposit = p.PricePerHour, p.MaxDuration, p.Deposit
	case *lease.Started:
		e.StartedAt = time.Unix(int64(p.StartedAt), 0).UTC()
	case *lease.Withdrawn:
		e.Amount = p.Amount
	case *lease.ToppedUp:
		e.Amount, e.Deposit = p.Amount, p.Deposit
	case *lease.Closed:
		e.ExitCode, e.ResultHash, e.Paid, e.Refunded, e.TxFrom = int32(p.ExitCode), p.ResultHash, p.Paid, p.Refunded, p.By
	case *lease.Overdrawn:
		e.Paid, e.TxFrom = p.Paid, p.By
	case *lease.Reclaimed:
		e.Refunded = p.Refunded
	case *lease.PaymentDeferred:
		e.Account, e.Amount = p.Account, p.Amount
	case *lease.Claimed:
		e.Account, e.Recipient, e.Amount = p.Account, p.To, p.Amount
	case *lease.Reported:
		e.ExitCode, e.ResultHash, e.Held, e.Refunded = int32(p.ExitCode), p.ResultDigest, p.Held, p.Refunded
	case *lease.ReplicaSettled:
		e.Agreed, e.Paid, e.Refunded = p.Agreed, p.Paid, p.Refunded
	case *lease.GroupSettled:
		// A verified order's event: its lease ID is the order's digest.
		e.LeaseID, e.OrderHash = common.Hash{}, ev.LeaseID
		e.ResultHash, e.Paid, e.Refunded = p.Majority, p.Paid, p.Refunded
	default:
		return store.ChainEvent{}, fmt.Errorf("escrow event %s at block %d: unexpected payload %T", ev.Kind, l.BlockNumber, ev.Payload)
	}
	return e, nil
}
