package indexer

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/big"
	"sync/atomic"
	"time"

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

// EventStore is where Chain writes events and its cursor.
type EventStore interface {
	ApplyChainEvents(ctx context.Context, name string, events []store.ChainEvent, next store.ChainPosition) (int, error)
	ChainPosition(ctx context.Context, name string) (store.ChainPosition, bool, error)
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
// returns ctx.Err()) or the first failure, which it returns.
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
	b := batch{chain: c, saved: pos}
	err = c.escrow.Watch(ctx, lease.WatchOptions{
		From:          lease.Cursor{Block: pos.Block, Index: pos.LogIndex},
		Confirmations: c.cfg.Confirmations,
		PollInterval:  c.cfg.PollInterval,
		// Watch cannot take an error here: a failed write stops it.
		Scanned: func(cur lease.Cursor) {
			if err := b.flush(ctx, position(cur)); err != nil {
				cancel(err)
			}
		},
	}, func(ev lease.Event) error { return b.add(ctx, ev) })
	if cause := context.Cause(ctx); cause != nil && !errors.Is(cause, context.Canceled) {
		return cause
	}
	return err
}

func position(c lease.Cursor) store.ChainPosition {
	return store.ChainPosition{Block: c.Block, LogIndex: c.Index}
}

// batch gathers events between writes. Watch calls it from one goroutine.
type batch struct {
	chain  *Chain
	events []store.ChainEvent
	saved  store.ChainPosition
	header *types.Header // the last block's, for its time
}

func (b *batch) add(ctx context.Context, ev lease.Event) error {
	e, err := b.chain.convert(ctx, ev, &b.header)
	if err != nil {
		return err
	}
	b.events = append(b.events, e)
	if len(b.events) >= b.chain.cfg.BatchSize {
		return b.flush(ctx, position(ev.Next))
	}
	return nil
}

// flush writes the gathered events and next in one transaction.
func (b *batch) flush(ctx context.Context, next store.ChainPosition) error {
	if len(b.events) == 0 && next == b.saved {
		return nil
	}
	n, err := b.chain.store.ApplyChainEvents(ctx, b.chain.cfg.Name, b.events, next)
	if err != nil {
		return err
	}
	if len(b.events) > 0 {
		b.chain.log.Debug("escrow events indexed", "events", len(b.events), "new", n, "next", next.Block)
	}
	b.events = b.events[:0]
	b.saved = next
	b.chain.block.Store(next.Block)
	b.chain.indexed.Add(uint64(n))
	return nil
}

// convert flattens an escrow event and adds its block's time (Watch has
// looked up who sent the transactions that end a lease).
func (c *Chain) convert(ctx context.Context, ev lease.Event, header **types.Header) (store.ChainEvent, error) {
	l := ev.Log
	if *header == nil || (*header).Number.Uint64() != l.BlockNumber {
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
	default:
		return store.ChainEvent{}, fmt.Errorf("escrow event %s at block %d: unexpected payload %T", ev.Kind, l.BlockNumber, ev.Payload)
	}
	return e, nil
}
