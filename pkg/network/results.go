package network

import (
	"context"
	"fmt"
	"sync"

	pubsub "github.com/libp2p/go-libp2p-pubsub"
	"github.com/libp2p/go-libp2p/core/peer"

	"github.com/tender-market/tender/pkg/auction"
)

// Auction results: when the window closes the auctioneer publishes the
// signed transcript on the results topic; every node re-checks it before
// relaying it, so anyone (the broker, a losing provider) can trust what
// arrives and check it again.

// VerifiedTranscript is a transcript that decoded and passed
// auction.Domain.Verify, with what Verify returned.
type VerifiedTranscript struct {
	Transcript auction.Transcript
	Order      auction.VerifiedOrder
	// Winner is the winning bid, nil when none qualified.
	Winner *auction.VerifiedBid
}

// PublishTranscript verifies the transcript and publishes it on the
// market's results topic.
func (n *Node) PublishTranscript(ctx context.Context, t auction.Transcript) error {
	data, err := auction.EncodeTranscript(t)
	if err != nil {
		return fmt.Errorf("publish transcript: %w", err)
	}
	vt, _, err := n.checkTranscript(data, false)
	if err != nil {
		return fmt.Errorf("publish transcript: %w", err)
	}
	if err := n.results.Publish(ctx, data, pubsub.WithValidatorData(vt)); err != nil {
		return fmt.Errorf("publish transcript of order %s: %w", vt.Order.Hash.Hex(), err)
	}
	return nil
}

// Transcripts returns a channel of verified transcripts as they arrive,
// once each. It is closed when ctx is done or the node closes.
func (n *Node) Transcripts(ctx context.Context) <-chan VerifiedTranscript {
	return n.resultFeed.subscribe(ctx, n.done, n.spawn, nil)
}

func (n *Node) validateTranscriptMsg(_ context.Context, _ peer.ID, m *pubsub.Message) pubsub.ValidationResult {
	// A local publish arrives verified by PublishTranscript.
	if vt, ok := m.ValidatorData.(VerifiedTranscript); ok && m.ReceivedFrom == n.host.ID() {
		if !n.seenResults.add(transcriptKey(&vt.Transcript)) {
			return pubsub.ValidationIgnore
		}
		return pubsub.ValidationAccept
	}
	vt, res, err := n.checkTranscript(m.Data, true)
	if err != nil {
		n.log.Debug("dropped transcript", "from", m.ReceivedFrom, "result", res, "err", err)
	}
	if res == pubsub.ValidationAccept {
		m.ValidatorData = vt
	}
	return res
}

// checkTranscript rejects a transcript that is oversize, does not decode or
// does not verify; with record, it ignores one already seen and records
// the others.
func (n *Node) checkTranscript(data []byte, record bool) (VerifiedTranscript, pubsub.ValidationResult, error) {
	if len(data) > auction.MaxTranscriptBytes {
		return VerifiedTranscript{}, pubsub.ValidationReject, fmt.Errorf("%w: transcript is %d bytes, at most %d", auction.ErrTooLarge, len(data), auction.MaxTranscriptBytes)
	}
	t, err := auction.DecodeTranscript(data)
	if err != nil {
		return VerifiedTranscript{}, pubsub.ValidationReject, err
	}
	order, winner, err := n.domain.Verify(&t)
	if err != nil {
		return VerifiedTranscript{}, pubsub.ValidationReject, err
	}
	if record && !n.seenResults.add(transcriptKey(&t)) {
		return VerifiedTranscript{}, pubsub.ValidationIgnore, fmt.Errorf("transcript of order %s already seen", order.Hash.Hex())
	}
	return VerifiedTranscript{Transcript: t, Order: order, Winner: winner}, pubsub.ValidationAccept, nil
}

// transcriptKey identifies a transcript by its signature, which commits to
// the transcript's digest: the same signature is the same signed transcript.
func transcriptKey(t *auction.Transcript) string { return string(t.Signature[:]) }

func (n *Node) readTranscripts(ctx context.Context, sub *pubsub.Subscription) {
	defer sub.Cancel()
	for {
		m, err := sub.Next(ctx)
		if err != nil {
			return
		}
		if vt, ok := m.ValidatorData.(VerifiedTranscript); ok {
			n.keepTranscript(vt, m.Data)
			n.resultFeed.publish(vt)
		}
	}
}

// seenSet remembers up to max keys, forgetting the oldest first.
type seenSet struct {
	max int

	mu    sync.Mutex
	keys  map[string]struct{}
	order []string
}

func newSeenSet(max int) *seenSet {
	return &seenSet{max: max, keys: make(map[string]struct{})}
}

// add records key and reports whether it was new.
func (s *seenSet) add(key string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.keys[key]; ok {
		return false
	}
	if len(s.order) >= s.max {
		delete(s.keys, s.order[0])
		s.order = s.order[1:]
	}
	s.keys[key] = struct{}{}
	s.order = append(s.order, key)
	return true
}
