package network

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"sync"
	"time"

	"github.com/ethereum/go-ethereum/common"
	pubsub "github.com/libp2p/go-libp2p-pubsub"
	"github.com/libp2p/go-libp2p/core/event"
	"github.com/libp2p/go-libp2p/core/network"
	"github.com/libp2p/go-libp2p/core/peer"
	"github.com/libp2p/go-libp2p/core/protocol"
	"github.com/libp2p/go-libp2p/p2p/host/eventbus"

	"github.com/tender-market/tender/pkg/auction"
)

// Orders: published on the orders topic, validated by every node before it
// is relayed, kept while its bid window is open, handed to late joiners by
// the order-sync protocol.

// expiryGrace is how long after an order's expiry it is merely ignored
// rather than counted against the peer that sent it: clocks differ a little.
const expiryGrace = 30 * time.Second

// ErrKnownOrder reports publishing an order this node has already seen.
var ErrKnownOrder = errors.New("order already known")

// PublishOrder checks the signed order (format, tenant signature, expiry)
// and publishes it on the market's orders topic. Peers that connect later
// get it by order sync while its bid window is open.
func (n *Node) PublishOrder(ctx context.Context, so auction.SignedOrder) error {
	data, err := auction.EncodeOrder(so)
	if err != nil {
		return fmt.Errorf("publish order: %w", err)
	}
	now := n.now()
	vo, err := n.domain.ReadOrder(data, now)
	if err != nil {
		return fmt.Errorf("publish order: %w", err)
	}
	if !windowOpen(&vo.Order, now) {
		return fmt.Errorf("publish order %s: its bid window has closed: %w", vo.Hash.Hex(), auction.ErrLate)
	}
	if n.store.gossiped(vo.Hash) {
		return fmt.Errorf("publish order %s: %w", vo.Hash.Hex(), ErrKnownOrder)
	}
	if err := n.orders.Publish(ctx, data, pubsub.WithValidatorData(gossipOrder{order: vo})); err != nil {
		return fmt.Errorf("publish order %s: %w", vo.Hash.Hex(), err)
	}
	return nil
}

// Orders returns a channel of valid orders whose bid window is open: first
// those the node already holds, then each new one as it arrives by gossip
// or order sync, once per order. The channel is closed when ctx is done or
// the node closes. A reader that falls more than a thousand orders behind
// loses the oldest.
func (n *Node) Orders(ctx context.Context) <-chan auction.VerifiedOrder {
	return n.orderFeed.subscribe(ctx, n.done, n.spawn, func() []auction.VerifiedOrder {
		open := n.store.open(n.now())
		out := make([]auction.VerifiedOrder, len(open))
		for i := range open {
			out[i] = open[i].order
		}
		return out
	})
}

// gossipOrder is what the orders validator hands to the topic's reader.
type gossipOrder struct {
	order auction.VerifiedOrder
	// deliver is false when the node already had the order (by sync).
	deliver bool
}

// validateOrderMsg is the orders topic's validator: it drops a message
// before it is relayed unless it is a valid, open order not yet gossiped.
func (n *Node) validateOrderMsg(_ context.Context, _ peer.ID, m *pubsub.Message) pubsub.ValidationResult {
	// A local publish arrives verified by PublishOrder.
	if g, ok := m.ValidatorData.(gossipOrder); ok && m.ReceivedFrom == n.host.ID() && g.order.Verified() {
		relay, deliver := n.store.record(g.order, m.Data, n.now(), true)
		if !relay {
			return pubsub.ValidationIgnore
		}
		m.ValidatorData = gossipOrder{order: g.order, deliver: deliver}
		return pubsub.ValidationAccept
	}
	g, res, err := n.checkOrder(m.Data, true)
	if err != nil {
		n.log.Debug("dropped order", "from", m.ReceivedFrom, "result", res, "err", err)
	}
	if res == pubsub.ValidationAccept {
		m.ValidatorData = g
	}
	return res
}

// checkOrder judges an order that came by gossip or, without gossip, by
// order sync. Reject (the sender loses score) for anything a correct node
// would never relay: oversize, unknown version, malformed, badly signed or
// long expired. Ignore for what a correct node may relay: an order just
// expired (clocks differ), one whose bid window has closed, one already
// gossiped (or, by sync, already known), or one the node has no room for.
// Accepted orders are recorded.
func (n *Node) checkOrder(data []byte, gossip bool) (gossipOrder, pubsub.ValidationResult, error) {
	if len(data) > auction.MaxOrderBytes {
		return gossipOrder{}, pubsub.ValidationReject, fmt.Errorf("%w: %d bytes, at most %d", auction.ErrTooLarge, len(data), auction.MaxOrderBytes)
	}
	now := n.now()
	vo, err := n.domain.ReadOrder(data, now)
	if err != nil {
		if errors.Is(err, auction.ErrExpired) {
			if so, derr := auction.DecodeOrder(data); derr == nil && now.Before(unixTime(so.Order.Expiry).Add(expiryGrace)) {
				return gossipOrder{}, pubsub.ValidationIgnore, err
			}
		}
		return gossipOrder{}, pubsub.ValidationReject, err
	}
	if !windowOpen(&vo.Order, now) {
		return gossipOrder{}, pubsub.ValidationIgnore, fmt.Errorf("order %s: %w", vo.Hash.Hex(), auction.ErrLate)
	}
	relay, deliver := n.store.record(vo, data, now, gossip)
	if !relay {
		return gossipOrder{}, pubsub.ValidationIgnore, fmt.Errorf("order %s: %w", vo.Hash.Hex(), ErrKnownOrder)
	}
	return gossipOrder{order: vo, deliver: deliver}, pubsub.ValidationAccept, nil
}

// readOrders hands every new gossip order to the Orders subscribers.
func (n *Node) readOrders(ctx context.Context, sub *pubsub.Subscription) {
	defer sub.Cancel()
	for {
		m, err := sub.Next(ctx)
		if err != nil {
			return
		}
		if g, ok := m.ValidatorData.(gossipOrder); ok && g.deliver {
			n.orderFeed.publish(g.order)
		}
	}
}

// windowOpen reports whether bids for o may still arrive at now.
func windowOpen(o *auction.Order, now time.Time) bool {
	return uint64(max(now.Unix(), 0)) < o.BidDeadline
}

func unixTime(s uint64) time.Time {
	if s > 1<<62 {
		return time.Unix(1<<62, 0)
	}
	return time.Unix(int64(s), 0)
}

// orderStore keeps the valid orders a node has seen until they expire:
// open ones for order sync, all of them to spot duplicates. It holds at
// most max orders.
type orderStore struct {
	max int

	mu sync.Mutex
	m  map[common.Hash]*storedOrder
	// pruned is when expired orders were last forgotten: record does it
	// at most every pruneEvery, so that memory follows the orders alive,
	// not all those ever seen.
	pruned time.Time
}

// pruneEvery is how often record forgets expired orders.
const pruneEvery = time.Minute

type storedOrder struct {
	order auction.VerifiedOrder
	raw   []byte
	// gossiped: the order has been accepted on the topic (by sync it may
	// be known before it is gossiped).
	gossiped bool
}

func newOrderStore(max int) *orderStore {
	return &orderStore{max: max, m: make(map[common.Hash]*storedOrder)}
}

func (s *orderStore) gossiped(h common.Hash) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	so, ok := s.m[h]
	return ok && so.gossiped
}

// record notes the order, which came by gossip or by sync. relay says the
// order is new to that path (gossip relays it); deliver says it is new to
// the node. When the store is full it first forgets expired orders, then
// those whose window has closed, and refuses a new order if that frees no
// room.
func (s *orderStore) record(o auction.VerifiedOrder, raw []byte, now time.Time, gossip bool) (relay, deliver bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if so, ok := s.m[o.Hash]; ok {
		if gossip && !so.gossiped {
			so.gossiped = true
			return true, false
		}
		return false, false
	}
	if len(s.m) >= s.max || now.Sub(s.pruned) >= pruneEvery {
		s.pruneLocked(func(o *auction.Order) bool { return o.CheckLive(now) != nil })
		s.pruned = now
	}
	if len(s.m) >= s.max {
		s.pruneLocked(func(o *auction.Order) bool { return !windowOpen(o, now) })
	}
	if len(s.m) >= s.max {
		return false, false
	}
	s.m[o.Hash] = &storedOrder{order: o, raw: raw, gossiped: gossip}
	return true, true
}

func (s *orderStore) pruneLocked(drop func(*auction.Order) bool) {
	for h, so := range s.m {
		if drop(&so.order.Order) {
			delete(s.m, h)
		}
	}
}

// open returns the orders whose bid window is open at now, earliest
// deadline first, and forgets expired ones.
func (s *orderStore) open(now time.Time) []storedOrder {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.pruneLocked(func(o *auction.Order) bool { return o.CheckLive(now) != nil })
	var out []storedOrder
	for _, so := range s.m {
		if windowOpen(&so.order.Order, now) {
			out = append(out, *so)
		}
	}
	slices.SortFunc(out, func(a, b storedOrder) int {
		if a.order.Order.BidDeadline != b.order.Order.BidDeadline {
			return cmp.Compare(a.order.Order.BidDeadline, b.order.Order.BidDeadline)
		}
		return a.order.Hash.Cmp(b.order.Hash)
	})
	return out
}

// Order sync (/tender/orders/sync/1.0.0): the requester writes one message,
// the hashes (32 bytes each) of the open orders it holds, and closes its
// side; the responder writes each other open order it holds as one message
// in the wire encoding, at most maxSyncOrders, then closes. The requester
// checks every order as if it came by gossip.
//
// A node syncs with a peer when it connects to it, and when the peer joins
// its orders mesh: an order that passed through a peer just before the
// link formed is not gossiped over it again.
const maxSyncOrders = 1024

func (n *Node) handleSync(_ context.Context, s network.Stream) {
	g, err := guardStream(s, syncStreamMem, n.cfg.StreamTimeout)
	if err != nil {
		n.log.Debug("order sync stream refused", "err", err)
		return
	}
	defer g.release()
	have, err := newMessageReader(s).next(maxSyncOrders * common.HashLength)
	if err != nil || len(have)%common.HashLength != 0 {
		n.log.Debug("order sync: bad request; reset", "peer", s.Conn().RemotePeer(), "err", err)
		s.Reset()
		return
	}
	known := make(map[common.Hash]bool, len(have)/common.HashLength)
	for i := 0; i < len(have); i += common.HashLength {
		known[common.Hash(have[i:i+common.HashLength])] = true
	}
	open := n.store.open(n.now())
	open = slices.DeleteFunc(open, func(so storedOrder) bool { return known[so.order.Hash] })
	if len(open) > maxSyncOrders {
		open = open[len(open)-maxSyncOrders:] // the latest deadlines
	}
	for _, so := range open {
		if err := writeFrame(s, so.raw); err != nil {
			n.log.Debug("order sync: write", "peer", s.Conn().RemotePeer(), "err", err)
			s.Reset()
			return
		}
	}
	s.Close()
}

// SyncOrders fetches the open orders p holds that this node lacks and
// returns how many were new; the new ones go to Orders subscribers. The
// node does this by itself when it connects to a market peer.
func (n *Node) SyncOrders(ctx context.Context, p peer.ID) (int, error) {
	ctx, cancel := context.WithTimeout(ctx, n.cfg.StreamTimeout)
	defer cancel()
	s, err := n.host.NewStream(ctx, p, ProtocolOrdersSync)
	if err != nil {
		return 0, fmt.Errorf("order sync with %s: %w", p, err)
	}
	g, err := guardStream(s, syncStreamMem, n.cfg.StreamTimeout)
	if err != nil {
		return 0, fmt.Errorf("order sync with %s: %w", p, err)
	}
	defer g.release()
	stop := context.AfterFunc(ctx, func() { s.Reset() })
	defer stop()
	added, err := n.syncFrom(s)
	if err != nil {
		s.Reset()
		return added, fmt.Errorf("order sync with %s: %w", p, ctxErr(ctx, err))
	}
	s.Close()
	return added, nil
}

func (n *Node) syncFrom(s network.Stream) (int, error) {
	open := n.store.open(n.now())
	if len(open) > maxSyncOrders {
		open = open[len(open)-maxSyncOrders:]
	}
	have := make([]byte, 0, len(open)*common.HashLength)
	for _, so := range open {
		have = append(have, so.order.Hash[:]...)
	}
	if err := writeRequest(s, have); err != nil {
		return 0, err
	}
	fr := newFrameReader(s)
	added := 0
	for i := 0; ; i++ {
		data, err := fr.next(auction.MaxOrderBytes)
		if errors.Is(err, io.EOF) {
			return added, nil
		}
		if err == nil && i >= maxSyncOrders {
			err = fmt.Errorf("more than %d orders", maxSyncOrders)
		}
		if err != nil {
			return added, err
		}
		g, res, err := n.checkOrder(data, false)
		switch res {
		case pubsub.ValidationAccept:
			added++
			n.orderFeed.publish(g.order)
		case pubsub.ValidationReject:
			return added, fmt.Errorf("sent an invalid order: %w", err)
		}
	}
}

func (n *Node) subscribeIdentified() (event.Subscription, error) {
	sub, err := n.host.EventBus().Subscribe(new(event.EvtPeerIdentificationCompleted), eventbus.BufSize(256), eventbus.Name("tender-order-sync"))
	if err != nil {
		return nil, fmt.Errorf("subscribe to identify events: %w", err)
	}
	return sub, nil
}

// Order sync runs with a peer at most once per syncPeerEvery when it is
// identified, and again at most once per syncPeerEvery when it joins the
// orders mesh; with at most syncBudget peers per minute in all.
const (
	syncPeerEvery = time.Minute
	syncBudget    = 64
)

// syncLoop runs order sync, one peer at a time, as peers are identified or
// join the orders mesh.
func (n *Node) syncLoop(ctx context.Context, idents event.Subscription) {
	defer idents.Close()
	var (
		wg       sync.WaitGroup
		queue    []peer.ID
		busy     bool
		done     = make(chan struct{}, 1)
		identify = make(map[peer.ID]time.Time) // last sync per trigger
		graft    = make(map[peer.ID]time.Time)
		recent   []time.Time
	)
	defer wg.Wait()
	enqueue := func(p peer.ID, last map[peer.ID]time.Time) {
		now := time.Now()
		recent = slices.DeleteFunc(recent, func(t time.Time) bool { return now.Sub(t) > time.Minute })
		if t, ok := last[p]; (ok && now.Sub(t) < syncPeerEvery) || len(recent) >= syncBudget || slices.Contains(queue, p) {
			return
		}
		if len(last) > 4096 {
			clear(last)
		}
		last[p] = now
		recent = append(recent, now)
		queue = append(queue, p)
	}
	for {
		if !busy && len(queue) > 0 {
			p := queue[0]
			queue = queue[1:]
			busy = true
			wg.Go(func() {
				defer func() { done <- struct{}{} }()
				added, err := n.SyncOrders(ctx, p)
				if err != nil {
					n.log.Debug("order sync", "peer", p, "err", err)
					return
				}
				if added > 0 {
					n.log.Debug("order sync", "peer", p, "new", added)
				}
			})
		}
		select {
		case <-ctx.Done():
			return
		case <-done:
			busy = false
		case p := <-n.grafts:
			enqueue(p, graft)
		case e, ok := <-idents.Out():
			if !ok {
				return
			}
			if ev := e.(event.EvtPeerIdentificationCompleted); slices.Contains(ev.Protocols, ProtocolOrdersSync) {
				enqueue(ev.Peer, identify)
			}
		}
	}
}

// meshTracer tells the sync loop about peers that join the orders mesh. It
// runs in pubsub's event loop, so it never blocks.
type meshTracer struct {
	topic  string
	grafts chan<- peer.ID
}

var _ pubsub.RawTracer = meshTracer{}

func (m meshTracer) Graft(p peer.ID, topic string) {
	if topic != m.topic {
		return
	}
	select {
	case m.grafts <- p:
	default: // the loop is behind; the peer's orders come by gossip
	}
}

func (meshTracer) OnNewOutboundStream(peer.ID, protocol.ID) {}
func (meshTracer) OnClosedOutboundStream(peer.ID)           {}
func (meshTracer) Join(string)                              {}
func (meshTracer) Leave(string)                             {}
func (meshTracer) Prune(peer.ID, string)                    {}
func (meshTracer) ValidateMessage(*pubsub.Message)          {}
func (meshTracer) DeliverMessage(*pubsub.Message)           {}
func (meshTracer) RejectMessage(*pubsub.Message, string)    {}
func (meshTracer) DuplicateMessage(*pubsub.Message)         {}
func (meshTracer) ThrottlePeer(peer.ID)                     {}
func (meshTracer) RecvRPC(*pubsub.RPC)                      {}
func (meshTracer) SendRPC(*pubsub.RPC, peer.ID)             {}
func (meshTracer) DropRPC(*pubsub.RPC, peer.ID)             {}
func (meshTracer) UndeliverableMessage(*pubsub.Message)     {}

// ctxErr prefers the context's error, which says why a stream was reset.
func ctxErr(ctx context.Context, err error) error {
	if ctx.Err() != nil {
		return ctx.Err()
	}
	return err
}
