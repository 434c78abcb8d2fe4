package indexer

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/ethereum/go-ethereum/common"

	"github.com/tender-market/tender/pkg/auction"
	"github.com/tender-market/tender/pkg/store"
)

// MessageStore is where Market writes.
type MessageStore interface {
	SaveOrder(ctx context.Context, o auction.VerifiedOrder, seen time.Time) (bool, error)
	SaveTranscript(ctx context.Context, r store.TranscriptRecord) (bool, error)
	SaveNoBid(ctx context.Context, nb auction.SignedNoBid, seen time.Time) (bool, error)
}

var _ MessageStore = (*store.Store)(nil)

// Market indexes orders and auction transcripts of one market deployment.
// It is safe for concurrent use.
type Market struct {
	domain auction.Domain
	store  MessageStore
	now    func() time.Time
	log    *slog.Logger
}

// NewMarket returns an indexer of messages signed in domain. now is the
// clock (nil: time.Now); logger may be nil.
func NewMarket(domain auction.Domain, s MessageStore, now func() time.Time, logger *slog.Logger) *Market {
	if now == nil {
		now = time.Now
	}
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	return &Market{domain: domain, store: s, now: now, log: logger}
}

// ErrUnverified reports an order that did not come from
// auction.Domain.VerifyOrder or ReadOrder.
var ErrUnverified = errors.New("order is not verified")

// IngestOrder stores a verified order; storing it again changes nothing.
func (m *Market) IngestOrder(ctx context.Context, o auction.VerifiedOrder) error {
	if !o.Verified() {
		return fmt.Errorf("ingest order %s: %w", o.Hash.Hex(), ErrUnverified)
	}
	if o.Hash != m.domain.OrderHash(&o.Order) {
		return fmt.Errorf("ingest order %s: %w: it was verified in another domain", o.Hash.Hex(), auction.ErrInvalid)
	}
	isNew, err := m.store.SaveOrder(ctx, o, m.now())
	if err != nil {
		return err
	}
	if isNew {
		m.log.Debug("order indexed", "order", o.Hash, "tenant", o.Order.Tenant)
	}
	return nil
}

// IngestTranscript verifies an auction transcript (signatures, the rule's
// reasons and winner, the auctioneer's signature) and stores it with its
// order, every bid and its reason, and the winner. A transcript that does
// not verify is refused with an error wrapping package auction's; storing
// one again changes nothing.
func (m *Market) IngestTranscript(ctx context.Context, t auction.Transcript) error {
	order, _, err := m.domain.Verify(&t)
	if err != nil {
		return fmt.Errorf("ingest transcript: %w", err)
	}
	h, err := m.domain.TranscriptHash(&t)
	if err != nil {
		return fmt.Errorf("ingest transcript: %w", err)
	}
	hashes := make([]common.Hash, len(t.Entries))
	for i := range t.Entries {
		hashes[i] = m.domain.BidHash(&t.Entries[i].Bid.Bid)
	}
	isNew, err := m.store.SaveTranscript(ctx, store.TranscriptRecord{Hash: h, Order: order, Transcript: t, BidHashes: hashes, SeenAt: m.now()})
	if err != nil {
		return err
	}
	if isNew {
		m.log.Info("auction transcript indexed", "order", order.Hash, "bids", len(t.Entries), "winner", t.Winner)
	}
	return nil
}

// IngestNoBid checks a provider's signed no-bid and stores it with its
// order, when the index holds the order (a no-bid for any other is
// dropped); a provider's later no-bid for the same order is dropped too.
func (m *Market) IngestNoBid(ctx context.Context, nb auction.SignedNoBid) error {
	if err := m.domain.CheckNoBid(nb); err != nil {
		return fmt.Errorf("ingest no-bid: %w", err)
	}
	isNew, err := m.store.SaveNoBid(ctx, nb, m.now())
	if err != nil {
		return err
	}
	if isNew {
		m.log.Debug("no-bid indexed", "order", nb.NoBid.OrderHash, "provider", nb.NoBid.Provider, "reason", nb.NoBid.Reason)
	}
	return nil
}
