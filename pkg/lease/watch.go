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

	"github.com/tender-market/tender/pkg/lease/escrow"
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

// EventKind names an escrow event.
type EventKind uint8

// Escrow events.
const (
	EventOpened          EventKind = iota + 1 // LeaseOpened
	EventStarted                              // Started
	EventWithdrawn                            // Withdrawn
	EventToppedUp                             // ToppedUp
	EventClosed                               // Closed
	EventOverdrawn                            // Overdrawn
	EventReclaimed                            // Reclaimed
	EventPaymentDeferred                      // PaymentDeferred (an account's, not a lease's)
	EventClaimed                              // Claimed (an account's, not a lease's)
)

var eventNames = [...]string{"", "LeaseOpened", "Started", "Withdrawn", "ToppedUp", "Closed", "Overdrawn", "Reclaimed", "PaymentDeferred", "Claimed"}

func (k EventKind) String() string {
	if int(k) < len(eventNames) && k > 0 {
		return eventNames[k]
	}
	return fmt.Sprintf("event(%d)", uint8(k))
}

// Action is the lease action the event records, zero for account events.
func (k EventKind) Action() Action {
	if k >= EventOpened && k <= EventReclaimed {
		return Action(k)
	}
	return 0
}

// Event is one decoded escrow event.
type Event struct {
	Kind EventKind
	// LeaseID is the lease the event is about (zero for account events).
	LeaseID common.Hash
	// Payload is the decoded event: *escrow.EscrowLeaseOpened,
	// *escrow.EscrowStarted, *escrow.EscrowWithdrawn, *escrow.EscrowToppedUp,
	// *escrow.EscrowClosed, *escrow.EscrowOverdrawn, *escrow.EscrowReclaimed,
	// *escrow.EscrowPaymentDeferred or *escrow.EscrowClaimed.
	Payload any
	// Log is where the event is: block, transaction, index.
	Log types.Log
	// Next is the cursor just past this event.
	Next Cursor
}

// Terms returns the lease terms a LeaseOpened event carries.
func (e Event) Terms() (Terms, bool) {
	o, ok := e.Payload.(*escrow.EscrowLeaseOpened)
	if !ok {
		return Terms{}, false
	}
	return Terms{Tenant: o.Tenant, Provider: o.Provider, PricePerHour: o.PricePerHour, MaxDuration: o.MaxDuration}, true
}

// DecodeEvent decodes one of the escrow's logs; ok is false for a log that is
// not an escrow event.
func (c *Client) DecodeEvent(l types.Log) (ev Event, ok bool) {
	if l.Address != c.address || len(l.Topics) == 0 {
		return Event{}, false
	}
	ev = Event{Log: l, Next: Cursor{Block: l.BlockNumber, Index: l.Index + 1}}
	var err error
	switch l.Topics[0] {
	case c.abi.GetABI().Events[escrow.EscrowLeaseOpenedEventName].ID:
		var p *escrow.EscrowLeaseOpened
		p, err = c.abi.UnpackLeaseOpenedEvent(&l)
		ev.Kind, ev.Payload = EventOpened, p
		if err == nil {
			ev.LeaseID = p.LeaseId
		}
	case c.abi.GetABI().Events[escrow.EscrowStartedEventName].ID:
		var p *escrow.EscrowStarted
		p, err = c.abi.UnpackStartedEvent(&l)
		ev.Kind, ev.Payload = EventStarted, p
		if err == nil {
			ev.LeaseID = p.LeaseId
		}
	case c.abi.GetABI().Events[escrow.EscrowWithdrawnEventName].ID:
		var p *escrow.EscrowWithdrawn
		p, err = c.abi.UnpackWithdrawnEvent(&l)
		ev.Kind, ev.Payload = EventWithdrawn, p
		if err == nil {
			ev.LeaseID = p.LeaseId
		}
	case c.abi.GetABI().Events[escrow.EscrowToppedUpEventName].ID:
		var p *escrow.EscrowToppedUp
		p, err = c.abi.UnpackToppedUpEvent(&l)
		ev.Kind, ev.Payload = EventToppedUp, p
		if err == nil {
			ev.LeaseID = p.LeaseId
		}
	case c.abi.GetABI().Events[escrow.EscrowClosedEventName].ID:
		var p *escrow.EscrowClosed
		p, err = c.abi.UnpackClosedEvent(&l)
		ev.Kind, ev.Payload = EventClosed, p
		if err == nil {
			ev.LeaseID = p.LeaseId
		}
	case c.abi.GetABI().Events[escrow.EscrowOverdrawnEventName].ID:
		var p *escrow.EscrowOverdrawn
		p, err = c.abi.UnpackOverdrawnEvent(&l)
		ev.Kind, ev.Payload = EventOverdrawn, p
		if err == nil {
			ev.LeaseID = p.LeaseId
		}
	case c.abi.GetABI().Events[escrow.EscrowReclaimedEventName].ID:
		var p *escrow.EscrowReclaimed
		p, err = c.abi.UnpackReclaimedEvent(&l)
		ev.Kind, ev.Payload = EventReclaimed, p
		if err == nil {
			ev.LeaseID = p.LeaseId
		}
	case c.abi.GetABI().Events[escrow.EscrowPaymentDeferredEventName].ID:
		ev.Kind = EventPaymentDeferred
		ev.Payload, err = c.abi.UnpackPaymentDeferredEvent(&l)
	case c.abi.GetABI().Events[escrow.EscrowClaimedEventName].ID:
		ev.Kind = EventClaimed
		ev.Payload, err = c.abi.UnpackClaimedEvent(&l)
	default:
		return Event{}, false
	}
	if err != nil {
		c.log.Warn("undecodable escrow log", "block", l.BlockNumber, "index", l.Index, "err", err)
		return Event{}, false
	}
	return ev, true
}

// Events decodes the escrow events in a receipt.
func (c *Client) Events(r *types.Receipt) []Event {
	var evs []Event
	for _, l := range r.Logs {
		if ev, ok := c.DecodeEvent(*l); ok {
			evs = append(evs, ev)
		}
	}
	return evs
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
	// Default 1000.
	BlockRange uint64
	// Scanned, when set, is told the cursor after every range of blocks
	// searched, events or not, so a caller can persist progress through
	// stretches without escrow events.
	Scanned func(Cursor)
}

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

	cur := opts.From
	for {
		if err := c.catchUp(ctx, &cur, opts, handle); err != nil {
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

// catchUp delivers every event from *cur up to the confirmed head, moving
// *cur past each.
func (c *Client) catchUp(ctx context.Context, cur *Cursor, opts WatchOptions, handle func(Event) error) error {
	head, err := c.backend.BlockNumber(ctx)
	if err != nil {
		return fmt.Errorf("watch: chain head: %w", err)
	}
	if head < opts.Confirmations {
		return nil
	}
	last := head - opts.Confirmations
	for cur.Block <= last {
		to := min(last, cur.Block+opts.BlockRange-1)
		logs, err := c.backend.FilterLogs(ctx, ethereum.FilterQuery{
			FromBlock: new(big.Int).SetUint64(cur.Block),
			ToBlock:   new(big.Int).SetUint64(to),
			Addresses: []common.Address{c.address},
		})
		if err != nil {
			return fmt.Errorf("watch: logs of blocks %d-%d: %w", cur.Block, to, err)
		}
		slices.SortFunc(logs, func(a, b types.Log) int {
			return cmp.Or(cmp.Compare(a.BlockNumber, b.BlockNumber), cmp.Compare(a.Index, b.Index))
		})
		for _, l := range logs {
			if l.Removed || cur.before(l.BlockNumber, l.Index) {
				continue
			}
			if ev, ok := c.DecodeEvent(l); ok {
				if err := handle(ev); err != nil {
					return err
				}
			}
			*cur = Cursor{Block: l.BlockNumber, Index: l.Index + 1}
		}
		*cur = Cursor{Block: to + 1}
		if opts.Scanned != nil {
			opts.Scanned(*cur)
		}
	}
	return nil
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
