package lease

import (
	"context"
	"fmt"
	"math/big"

	"github.com/ethereum/go-ethereum"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"

	"github.com/tender-market/tender/pkg/lease/escrow"
)

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
	EventReported                             // Reported (a replica's result)
	EventReplicaSettled                       // ReplicaSettled (a replica paid or refunded by its group)
	EventGroupSettled                         // GroupSettled (a verified order's, not a lease's: LeaseID is the order's digest)
)

var eventNames = [...]string{"", "LeaseOpened", "Started", "Withdrawn", "ToppedUp", "Closed", "Overdrawn", "Reclaimed", "PaymentDeferred", "Claimed", "Reported", "ReplicaSettled", "GroupSettled"}

func (k EventKind) String() string {
	if int(k) < len(eventNames) && k > 0 {
		return eventNames[k]
	}
	return fmt.Sprintf("event(%d)", uint8(k))
}

// Action is the lease action the event records, zero for account events.
func (k EventKind) Action() Action {
	switch {
	case k >= EventOpened && k <= EventReclaimed:
		return Action(k)
	case k == EventReported:
		return ActionReport
	case k == EventReplicaSettled:
		return ActionSettle
	}
	return 0
}

// Settles reports whether the event ends its lease (Closed, Overdrawn,
// Reclaimed, or a replica's ReplicaSettled): after it the lease never
// changes again.
func (k EventKind) Settles() bool {
	return k == EventClosed || k == EventOverdrawn || k == EventReclaimed || k == EventReplicaSettled
}

// Payload is what an event says: one of *Opened, *Started, *Withdrawn,
// *ToppedUp, *Closed, *Overdrawn, *Reclaimed, *PaymentDeferred, *Claimed,
// *Reported, *ReplicaSettled, *GroupSettled.
type Payload interface {
	Kind() EventKind
}

// Opened: a lease was opened from a provider's bid, by its tenant or
// (awarded) by its provider, and the tenant deposited.
type Opened struct {
	Tenant       common.Address
	Provider     common.Address
	OrderHash    common.Hash
	PricePerHour *big.Int
	MaxDuration  uint64
	Deposit      *big.Int
}

// Terms are the lease's terms.
func (o *Opened) Terms() Terms {
	return Terms{Tenant: o.Tenant, Provider: o.Provider, PricePerHour: o.PricePerHour, MaxDuration: o.MaxDuration}
}

// Started: the provider started the lease; billing runs from StartedAt
// (unix seconds).
type Started struct{ StartedAt uint64 }

// Withdrawn: the provider was paid Amount of what accrued.
type Withdrawn struct{ Amount *big.Int }

// ToppedUp: the tenant added Amount; Deposit is the new total.
type ToppedUp struct{ Amount, Deposit *big.Int }

// Closed: the provider or the tenant closed the lease. Paid is the
// provider's total over the lease, Refunded what the tenant got back
// (Paid + Refunded = the deposit).
type Closed struct {
	ExitCode   ExitCode
	ResultHash common.Hash
	Paid       *big.Int
	Refunded   *big.Int
	// By closed it: the tenant or the provider (the escrow's caller, who
	// may be a contract wallet, not the transaction's sender).
	By common.Address
}

// Overdrawn: someone closed a lease whose deposit ran out; the provider
// was paid the whole deposit.
type Overdrawn struct {
	Paid *big.Int
	// By closed it: anyone may.
	By common.Address
}

// Reclaimed: the provider never started; the tenant took the deposit back.
type Reclaimed struct{ Refunded *big.Int }

// PaymentDeferred: the token refused to pay Account; the escrow owes it
// Amount, to be claimed.
type PaymentDeferred struct {
	Account common.Address
	Amount  *big.Int
}

// Claimed: Account collected Amount it was owed, paid to To.
type Claimed struct {
	Account, To common.Address
	Amount      *big.Int
}

// Reported: a replica's provider closed it with its result digest. Held
// is what it earned, paid when its group settles and the digest is the
// majority's; Refunded went back to the tenant at once.
type Reported struct {
	ExitCode     ExitCode
	ResultDigest common.Hash
	Held         *big.Int
	Refunded     *big.Int
}

// ReplicaSettled: a replica's group settled it. Agreed: its digest was the
// majority's, and its provider was paid Paid; otherwise the tenant got
// Refunded (what it held, or the whole deposit of one that never
// reported).
type ReplicaSettled struct {
	Agreed   bool
	Paid     *big.Int
	Refunded *big.Int
}

// GroupSettled: a verified order's group settled. Majority is the digest
// more than half of its reporting replicas gave (zero when none did); Paid
// and Refunded are the held amounts it moved. The event's LeaseID is the
// order's digest.
type GroupSettled struct {
	Majority common.Hash
	Paid     *big.Int
	Refunded *big.Int
}

// Kind is EventReported.
func (*Reported) Kind() EventKind { return EventReported }

// Kind is EventReplicaSettled.
func (*ReplicaSettled) Kind() EventKind { return EventReplicaSettled }

// Kind is EventGroupSettled.
func (*GroupSettled) Kind() EventKind { return EventGroupSettled }

// Kind is EventOpened.
func (*Opened) Kind() EventKind { return EventOpened }

// Kind is EventStarted.
func (*Started) Kind() EventKind { return EventStarted }

// Kind is EventWithdrawn.
func (*Withdrawn) Kind() EventKind { return EventWithdrawn }

// Kind is EventToppedUp.
func (*ToppedUp) Kind() EventKind { return EventToppedUp }

// Kind is EventClosed.
func (*Closed) Kind() EventKind { return EventClosed }

// Kind is EventOverdrawn.
func (*Overdrawn) Kind() EventKind { return EventOverdrawn }

// Kind is EventReclaimed.
func (*Reclaimed) Kind() EventKind { return EventReclaimed }

// Kind is EventPaymentDeferred.
func (*PaymentDeferred) Kind() EventKind { return EventPaymentDeferred }

// Kind is EventClaimed.
func (*Claimed) Kind() EventKind { return EventClaimed }

// Event is one decoded escrow event.
type Event struct {
	Kind EventKind
	// LeaseID is the lease the event is about (zero for account events).
	LeaseID common.Hash
	// Payload is what the event says; its concrete type follows Kind.
	Payload Payload
	// Log is where the event is: block, transaction, index.
	Log types.Log
	// Next is the cursor just past this event.
	Next Cursor
}

// Terms returns the lease terms a LeaseOpened event carries.
func (e Event) Terms() (Terms, bool) {
	o, ok := e.Payload.(*Opened)
	if !ok {
		return Terms{}, false
	}
	return o.Terms(), true
}

// Find returns the payload of the first of events whose payload is a T.
func Find[T Payload](events []Event) (T, bool) {
	for _, ev := range events {
		if p, ok := ev.Payload.(T); ok {
			return p, true
		}
	}
	var zero T
	return zero, false
}

// decoder turns one kind of escrow log into its payload and lease ID.
type decoder struct {
	kind   EventKind
	decode func(l *types.Log) (Payload, common.Hash, error)
	// topics and data are how many arguments the event has indexed and
	// not, for words (readWords).
	topics, data int
}

// read decodes l, a log of d's kind: by words when its encoding is
// canonical, else by the generated decoder.
func (d *decoder) read(l *types.Log) (Payload, common.Hash, error) {
	w := newWords(l, d.topics, d.data)
	if w.ok {
		if p, id := readWords[d.kind](&w); w.ok {
			return p, id, nil
		}
	}
	return d.decode(l)
}

// decoders is the one table of escrow events, by topic: how each log
// becomes this package's event.
var decoders = func() map[common.Hash]decoder {
	e := escrow.NewEscrow()
	events := e.GetABI().Events
	m := map[common.Hash]decoder{
		events[escrow.EscrowLeaseOpenedEventName].ID: {kind: EventOpened, decode: func(l *types.Log) (Payload, common.Hash, error) {
			p, err := e.UnpackLeaseOpenedEvent(l)
			if err != nil {
				return nil, common.Hash{}, err
			}
			return &Opened{Tenant: p.Tenant, Provider: p.Provider, OrderHash: p.OrderHash, PricePerHour: p.PricePerHour, MaxDuration: p.MaxDuration, Deposit: p.Deposit}, p.LeaseId, nil
		}},
		events[escrow.EscrowStartedEventName].ID: {kind: EventStarted, decode: func(l *types.Log) (Payload, common.Hash, error) {
			p, err := e.UnpackStartedEvent(l)
			if err != nil {
				return nil, common.Hash{}, err
			}
			return &Started{StartedAt: p.StartedAt}, p.LeaseId, nil
		}},
		events[escrow.EscrowWithdrawnEventName].ID: {kind: EventWithdrawn, decode: func(l *types.Log) (Payload, common.Hash, error) {
			p, err := e.UnpackWithdrawnEvent(l)
			if err != nil {
				return nil, common.Hash{}, err
			}
			return &Withdrawn{Amount: p.Amount}, p.LeaseId, nil
		}},
		events[escrow.EscrowToppedUpEventName].ID: {kind: EventToppedUp, decode: func(l *types.Log) (Payload, common.Hash, error) {
			p, err := e.UnpackToppedUpEvent(l)
			if err != nil {
				return nil, common.Hash{}, err
			}
			return &ToppedUp{Amount: p.Amount, Deposit: p.Deposit}, p.LeaseId, nil
		}},
		events[escrow.EscrowClosedEventName].ID: {kind: EventClosed, decode: func(l *types.Log) (Payload, common.Hash, error) {
			p, err := e.UnpackClosedEvent(l)
			if err != nil {
				return nil, common.Hash{}, err
			}
			return &Closed{By: p.By, ExitCode: ExitCode(p.ExitCode), ResultHash: p.ResultHash, Paid: p.Paid, Refunded: p.Refunded}, p.LeaseId, nil
		}},
		events[escrow.EscrowOverdrawnEventName].ID: {kind: EventOverdrawn, decode: func(l *types.Log) (Payload, common.Hash, error) {
			p, err := e.UnpackOverdrawnEvent(l)
			if err != nil {
				return nil, common.Hash{}, err
			}
			return &Overdrawn{By: p.By, Paid: p.Paid}, p.LeaseId, nil
		}},
		events[escrow.EscrowReclaimedEventName].ID: {kind: EventReclaimed, decode: func(l *types.Log) (Payload, common.Hash, error) {
			p, err := e.UnpackReclaimedEvent(l)
			if err != nil {
				return nil, common.Hash{}, err
			}
			return &Reclaimed{Refunded: p.Refunded}, p.LeaseId, nil
		}},
		events[escrow.EscrowPaymentDeferredEventName].ID: {kind: EventPaymentDeferred, decode: func(l *types.Log) (Payload, common.Hash, error) {
			p, err := e.UnpackPaymentDeferredEvent(l)
			if err != nil {
				return nil, common.Hash{}, err
			}
			return &PaymentDeferred{Account: p.Account, Amount: p.Amount}, common.Hash{}, nil
		}},
		events[escrow.EscrowClaimedEventName].ID: {kind: EventClaimed, decode: func(l *types.Log) (Payload, common.Hash, error) {
			p, err := e.UnpackClaimedEvent(l)
			if err != nil {
				return nil, common.Hash{}, err
			}
			return &Claimed{Account: p.Account, To: p.To, Amount: p.Amount}, common.Hash{}, nil
		}},
		events[escrow.EscrowReportedEventName].ID: {kind: EventReported, decode: func(l *types.Log) (Payload, common.Hash, error) {
			p, err := e.UnpackReportedEvent(l)
			if err != nil {
				return nil, common.Hash{}, err
			}
			return &Reported{ExitCode: ExitCode(p.ExitCode), ResultDigest: p.ResultDigest, Held: p.Held, Refunded: p.Refunded}, p.LeaseId, nil
		}},
		events[escrow.EscrowReplicaSettledEventName].ID: {kind: EventReplicaSettled, decode: func(l *types.Log) (Payload, common.Hash, error) {
			p, err := e.UnpackReplicaSettledEvent(l)
			if err != nil {
				return nil, common.Hash{}, err
			}
			return &ReplicaSettled{Agreed: p.Agreed, Paid: p.Paid, Refunded: p.Refunded}, p.LeaseId, nil
		}},
		events[escrow.EscrowGroupSettledEventName].ID: {kind: EventGroupSettled, decode: func(l *types.Log) (Payload, common.Hash, error) {
			p, err := e.UnpackGroupSettledEvent(l)
			if err != nil {
				return nil, common.Hash{}, err
			}
			return &GroupSettled{Majority: p.Majority, Paid: p.Paid, Refunded: p.Refunded}, p.OrderHash, nil
		}},
	}
	for _, ev := range events {
		d, ok := m[ev.ID]
		if !ok {
			continue
		}
		for _, in := range ev.Inputs {
			if in.Indexed {
				d.topics++
			} else {
				d.data++
			}
		}
		m[ev.ID] = d
	}
	return m
}()

// leaseTopics are the topics of the events that name a lease as their
// first indexed argument.
var leaseTopics = func() []common.Hash {
	var out []common.Hash
	for topic, d := range decoders {
		if d.kind.Action() != 0 {
			out = append(out, topic)
		}
	}
	return out
}()

// DecodeEvent decodes one of the escrow's logs; ok is false for a log that is
// not an escrow event.
func (c *Client) DecodeEvent(l types.Log) (ev Event, ok bool) {
	if l.Address != c.address || len(l.Topics) == 0 {
		return Event{}, false
	}
	d, known := decoders[l.Topics[0]]
	if !known {
		return Event{}, false
	}
	p, id, err := d.read(&l)
	if err != nil {
		c.log.Warn("undecodable escrow log", "block", l.BlockNumber, "index", l.Index, "err", err)
		return Event{}, false
	}
	return Event{Kind: d.kind, LeaseID: id, Payload: p, Log: l, Next: Cursor{Block: l.BlockNumber, Index: l.Index + 1}}, true
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

// Receipt is a mined escrow transaction with the events it emitted.
type Receipt struct {
	*types.Receipt
	Events []Event
}

// History returns the events of lease id from block from to the chain's
// head, in chain order. It asks
// the endpoint for the logs whose indexed lease ID is id, so it reads only
// that lease's events however far back from is (give the escrow's
// deployment block, or 0).
func (c *Client) History(ctx context.Context, id common.Hash, from uint64) ([]Event, error) {
	logs, err := c.backend.FilterLogs(ctx, ethereum.FilterQuery{
		FromBlock: new(big.Int).SetUint64(from),
		Addresses: []common.Address{c.address},
		Topics:    [][]common.Hash{leaseTopics, {id}},
	})
	if err != nil {
		return nil, fmt.Errorf("events of lease %s: %w", id.Hex(), err)
	}
	sortLogs(logs)
	var out []Event
	for _, l := range logs {
		ev, ok := c.DecodeEvent(l)
		if l.Removed || !ok || ev.LeaseID != id {
			continue
		}
		out = append(out, ev)
	}
	return out, nil
}

// Opening returns the terms of lease id and the block it opened in, from
// its LeaseOpened event at or after block from; ErrUnknownLease when there
// is none.
func (c *Client) Opening(ctx context.Context, id common.Hash, from uint64) (Terms, uint64, error) {
	evs, err := c.History(ctx, id, from)
	if err != nil {
		return Terms{}, 0, err
	}
	for _, ev := range evs {
		if t, ok := ev.Terms(); ok {
			return t, ev.Log.BlockNumber, nil
		}
	}
	return Terms{}, 0, fmt.Errorf("lease %s: %w (no LeaseOpened event from block %d on)", id.Hex(), ErrUnknownLease, from)
}
