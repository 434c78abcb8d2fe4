package network

import (
	"context"
	"errors"
	"fmt"

	pubsub "github.com/libp2p/go-libp2p-pubsub"
	"github.com/libp2p/go-libp2p/core/peer"

	"github.com/tender-market/tender/pkg/auction"
)

// No-bids after the auction: once its window closes, an auctioneer
// publishes the signed no-bids it received on the no-bids topic, one
// message each, so that brokers can show why providers did not bid (during
// the window they travel to the auctioneer alone). Every node checks a
// no-bid's signature before relaying it, rejects a forged or malformed one
// (its sender loses score), and ignores one for an order it does not know
// and any but the first from a provider for an order: relaying costs a
// real order, and at most one message per provider and order.

// NoBidsTopic is the GossipSub topic of no-bids published after auctions.
func NoBidsTopic(d auction.Domain) string { return marketName("nobids", d) }

// knows reports whether the node holds the order h.
func (s *orderStore) knows(h [32]byte) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, ok := s.m[h]
	return ok
}

// PublishNoBid publishes a no-bid its auctioneer received, after the
// auction closed.
func (n *Node) PublishNoBid(ctx context.Context, nb auction.SignedNoBid) error {
	if err := n.domain.CheckNoBid(nb); err != nil {
		return fmt.Errorf("publish no-bid: %w", err)
	}
	data, err := auction.EncodeNoBid(nb)
	if err != nil {
		return fmt.Errorf("publish no-bid: %w", err)
	}
	if err := n.nobids.Publish(ctx, data, pubsub.WithValidatorData(nb)); err != nil {
		return fmt.Errorf("publish no-bid of %s on order %s: %w", nb.NoBid.Provider.Hex(), nb.NoBid.OrderHash.Hex(), err)
	}
	return nil
}

// NoBids returns a channel of the no-bids published after auctions, each
// checked, once each. It is closed when ctx is done or the node closes.
func (n *Node) NoBids(ctx context.Context) <-chan auction.SignedNoBid {
	return n.noBidFeed.subscribe(ctx, n.done, n.spawn, nil)
}

func noBidKey(nb *auction.SignedNoBid) string {
	return string(nb.NoBid.OrderHash[:]) + string(nb.NoBid.Provider[:])
}

func (n *Node) validateNoBidMsg(_ context.Context, _ peer.ID, m *pubsub.Message) pubsub.ValidationResult {
	if nb, ok := m.ValidatorData.(auction.SignedNoBid); ok && m.ReceivedFrom == n.host.ID() {
		if !n.seenNoBids.add(noBidKey(&nb)) {
			return pubsub.ValidationIgnore
		}
		return pubsub.ValidationAccept
	}
	nb, res, err := n.checkNoBid(m.Data)
	if err != nil {
		n.log.Debug("dropped no-bid", "from", m.ReceivedFrom, "result", res, "err", err)
	}
	if res == pubsub.ValidationAccept {
		m.ValidatorData = nb
	}
	return res
}

// errUnknownOrder: a no-bid for an order this node does not hold.
var errUnknownOrder = errors.New("no-bid for an order this node does not know")

func (n *Node) checkNoBid(data []byte) (auction.SignedNoBid, pubsub.ValidationResult, error) {
	if len(data) > auction.MaxNoBidBytes {
		return auction.SignedNoBid{}, pubsub.ValidationReject, fmt.Errorf("%w: no-bid is %d bytes, at most %d", auction.ErrTooLarge, len(data), auction.MaxNoBidBytes)
	}
	nb, err := n.domain.DecodeNoBid(data)
	if err != nil {
		return auction.SignedNoBid{}, pubsub.ValidationReject, err
	}
	if !n.store.knows(nb.NoBid.OrderHash) {
		return auction.SignedNoBid{}, pubsub.ValidationIgnore, fmt.Errorf("%w: %s", errUnknownOrder, nb.NoBid.OrderHash.Hex())
	}
	if !n.seenNoBids.add(noBidKey(&nb)) {
		return auction.SignedNoBid{}, pubsub.ValidationIgnore, fmt.Errorf("no-bid of %s on order %s already seen", nb.NoBid.Provider.Hex(), nb.NoBid.OrderHash.Hex())
	}
	return nb, pubsub.ValidationAccept, nil
}

func (n *Node) readNoBids(ctx context.Context, sub *pubsub.Subscription) {
	defer sub.Cancel()
	for {
		m, err := sub.Next(ctx)
		if err != nil {
			return
		}
		if nb, ok := m.ValidatorData.(auction.SignedNoBid); ok {
			n.keepNoBid(nb, m.Data)
			n.noBidFeed.publish(nb)
		}
	}
}
