package lease

import (
	"cmp"
	"context"
	"fmt"
	"math/big"
	"slices"
	"time"

	"github.com/ethereum/go-ethereum"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
)

// Cursor is a position in the escrow's event log: the block and log index of
// the next event to deliver. Persist Event.Next once an event is handled and
// pass it back as WatchOptions.From to resume with no gap and no repeat.
type Cursor struct {
	Block uint64 `json:"block"`
	Index uint   `json:"index"`
}

// before reports whether the log at (block, index) comes before c.
func (c Cursor) before(block uint64, index uint) bool {
	return block < c.Block || (block == c.Block && index < c.Index)
}

// WatchOptions tune Watch.
type WatchOptions struct {
	// From is where to start: a saved Event.Next, or the deployment block.
	From Cursor
	// Confirmations is how many blocks an event must be buried under
	// before it is delivered (0: at once). It guards against reorgs no
	// deeper than this.
	Confirmations uint64
	// PollInterval is how often to look for new events when the endpoint
	// has no subscriptions (plain HTTP), and how often to look anyway when
	// it has. Default 2 s.
	PollInterval time.Duration
	// BlockRange is the most blocks one eth_getLogs request covers.
	// Default 1000. Watch halves the range for a request the endpoint
	// refuses (providers cap ranges and results) or that returns more than
	// MaxLogs logs, and grows it back after answers well under that.
	BlockRange uint64
	// MaxLogs is the most logs Watch asks for in one request, as far as it
	// can tell from the last answer. Default 10,000 (a common provider cap).
	MaxLogs int
	// RangeHeaders has Watch read the header of each range's last block
	// before the range's logs, and hand it to Scanned: a caller that keeps
	// its hash sees a reorg deeper than Confirmations as the chain's block
	// at that height changing.
	RangeHeaders bool
	// Scanned, when set, is told the cursor after every range of blocks
	// searched, events or not, so a caller can persist progress through
	// stretches without escrow events.
	Scanned func(Scan)
}

// Scan is a range of blocks Watch has read and delivered.
type Scan struct {
	// Next is where the next range begins.
	Next Cursor
	// Last is the header of the range's last block, read before its logs;
	// nil unless WatchOptions.RangeHeaders.
	Last *types.Header
	// Behind says that more confirmed blocks follow at once: Watch is
	// catching up with the chain.
	Behind bool
}

// rangesAhead is how many ranges of logs Watch reads while it delivers the
// events of the range before.
const rangesAhead = 2

// Watch delivers the escrow's events to handle, in chain order, from
// opts.From on, until ctx is done (it then returns ctx.Err()) or handle
// fails (it then returns handle's error). Events come from eth_getLogs; a log
// subscription, where the endpoint offers one, only wakes the watcher early.
func (c *Client) Watch(ctx context.Context, opts WatchOptions, handle func(Event) error) error {
	if opts.PollInterval <= 0 {
		opts.PollInterval = 2 * time.Second
	}
	if opts.BlockRange == 0 {
		opts.BlockRange = 1000
	}
	if opts.MaxLogs <= 0 {
		opts.MaxLogs = 10_000
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()

	wake := make(chan types.Log, 64)
	var subErr <-chan error
	sub, err := c.backend.SubscribeFilterLogs(ctx, ethereum.FilterQuery{Addresses: []common.Address{c.address}}, wake)
	if err != nil {
		c.log.Debug("watch: no log subscription, polling", "every", opts.PollInterval, "err", err)
	} else {
		defer sub.Unsubscribe()
		subErr = sub.Err()
	}
	tick := time.NewTicker(opts.PollInterval)
	defer tick.Stop()

	// The first range is short: a dense stretch of the chain then costs no
	// huge answer before the span adapts.
	span := &logSpan{blocks: min(opts.BlockRange, 100), limit: opts.BlockRange, most: opts.BlockRange, maxLogs: opts.MaxLogs}
	cur := opts.From
	for {
		if err := c.catchUp(ctx, &cur, span, opts, handle); err != nil {
			return err
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case err := <-subErr:
			c.log.Warn("watch: log subscription ended, polling", "every", opts.PollInterval, "err", err)
			subErr = nil
		case <-wake:
			drain(wake)
		case <-tick.C:
		}
	}
}

// logSpan is how many blocks one eth_getLogs request covers, adapted to
// what the endpoint accepts.
type logSpan struct {
	blocks  uint64 // the next request's
	limit   uint64 // the most since the last refusal
	most    uint64 // WatchOptions.BlockRange
	maxLogs int
	good    int // answers since the last refusal
}

// refused halves the span after the endpoint refused it, and keeps it
// from growing back to that size for a while; it reports false when the
// span is one block already.
func (s *logSpan) refused() bool {
	if s.blocks <= 1 {
		return false
	}
	s.blocks /= 2
	s.limit, s.good = s.blocks, 0
	return true
}

// answered adapts the span to an answer of n logs: narrower past maxLogs,
// wider under a quarter of it. After 64 answers a refused size is tried
// again (a refusal may have been for a dense stretch of blocks).
func (s *logSpan) answered(n int) {
	if s.good++; s.good%64 == 0 {
		s.limit = s.most
	}
	switch {
	case n > s.maxLogs && s.blocks > 1:
		s.blocks /= 2
	case n < s.maxLogs/4:
		s.blocks = min(s.limit, 2*s.blocks)
	}
}

// catchUp delivers every event from *cur up to the confirmed head, moving
// *cur past each, reading span blocks a request and up to rangesAhead
// requests ahead of the range it delivers.
func (c *Client) catchUp(ctx context.Context, cur *Cursor, span *logSpan, opts WatchOptions, handle func(Event) error) error {
	head, err := c.backend.BlockNumber(ctx)
	if err != nil {
		return fmt.Errorf("watch: chain head: %w", err)
	}
	if head < opts.Confirmations {
		return nil
	}
	last := head - opts.Confirmations
	ctx, cancel := context.WithCancel(ctx)
	defer cancel() // what is still being read is not needed
	var pending []<-chan logRange
	from := cur.Block // where the next range to read begins
	for cur.Block <= last {
		for len(pending) <= rangesAhead && from <= last {
			to := min(last, from+span.blocks-1)
			ch := make(chan logRange, 1)
			go func(from, to uint64) { ch <- c.readRange(ctx, from, to, opts.RangeHeaders) }(from, to)
			pending, from = append(pending, ch), to+1
		}
		r := <-pending[0]
		pending = pending[1:]
		// Endpoints refuse ranges or results past their caps, each with
		// its own message: read the range again in halves, and what
		// follows it anew.
		if r.err != nil && ctx.Err() == nil && span.refused() {
			c.log.Info("the chain endpoint refused a range of logs; reading it in halves", "from", r.from, "to", r.to, "blocks now", span.blocks, "err", r.err)
			pending, from = nil, r.from
			continue
		}
		if r.err != nil {
			return r.err
		}
		span.answered(r.logs)
		for _, ev := range r.events {
			l := ev.Log
			if cur.before(l.BlockNumber, l.Index) {
				continue
			}
			if err := handle(ev); err != nil {
				return err
			}
			*cur = Cursor{Block: l.BlockNumber, Index: l.Index + 1}
		}
		*cur = Cursor{Block: r.to + 1}
		if opts.Scanned != nil {
			opts.Scanned(Scan{Next: *cur, Last: r.header, Behind: cur.Block <= last})
		}
	}
	return nil
}

// logRange is the escrow's events in blocks from..to, in chain order, with
// the last block's header when asked for, and how many logs the endpoint
// sent.
type logRange struct {
	from, to uint64
	header   *types.Header
	events   []Event
	logs     int
	err      error
}

// readRange reads and decodes the escrow's logs of blocks from..to; with
// header, it first reads the header of block to.
func (c *Client) readRange(ctx context.Context, from, to uint64, header bool) logRange {
	r := logRange{from: from, to: to}
	if header {
		if r.header, r.err = c.backend.HeaderByNumber(ctx, new(big.Int).SetUint64(to)); r.err != nil {
			r.err = fmt.Errorf("watch: header of block %d: %w", to, r.err)
			return r
		}
	}
	logs, err := c.filterLogs(ctx, from, to)
	if err != nil {
		r.err = fmt.Errorf("watch: logs of blocks %d-%d: %w", from, to, err)
		return r
	}
	sortLogs(logs)
	r.logs = len(logs)
	r.events = make([]Event, 0, len(logs))
	for _, l := range logs {
		if ev, ok := c.DecodeEvent(l); ok && !l.Removed {
			r.events = append(r.events, ev)
		}
	}
	return r
}

// sortLogs puts logs in chain order.
func sortLogs(logs []types.Log) {
	slices.SortFunc(logs, func(a, b types.Log) int {
		return cmp.Or(cmp.Compare(a.BlockNumber, b.BlockNumber), cmp.Compare(a.Index, b.Index))
	})
}

func drain(ch <-chan types.Log) {
	for {
		select {
		case <-ch:
		default:
			return
		}
	}
}
