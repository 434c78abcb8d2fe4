package auction

import (
	"errors"
	"fmt"
	"time"

	"github.com/ethereum/go-ethereum/common"
)

// Errors of messages that are well-formed but not acceptable now or here.
var (
	ErrExpired    = errors.New("expired")
	ErrWrongOrder = errors.New("bid does not answer this order")
)

// VerifiedOrder is a signed order whose format and tenant signature have been
// checked. Only VerifyOrder and ReadOrder make one; it must not be modified.
type VerifiedOrder struct {
	SignedOrder
	// Hash is the order's EIP-712 digest.
	Hash common.Hash
	ok   bool
}

// Verified reports whether v came from VerifyOrder (the zero value did not).
func (v *VerifiedOrder) Verified() bool { return v.ok }

// VerifiedBid is a signed bid whose format and provider signature have been
// checked. Only VerifyBid and ReadBid make one; it must not be modified.
type VerifiedBid struct {
	SignedBid
	// Hash is the bid's EIP-712 digest: the ID of a lease opened from it.
	Hash common.Hash
	ok   bool
}

// Verified reports whether v came from VerifyBid (the zero value did not).
func (v *VerifiedBid) Verified() bool { return v.ok }

// SignOrder validates o and signs it as its tenant. The signer must be the
// order's tenant.
func (d Domain) SignOrder(o Order, s Signer) (SignedOrder, error) {
	if err := o.Validate(); err != nil {
		return SignedOrder{}, fmt.Errorf("order: %w", err)
	}
	sig, err := signAs(s, o.Tenant, "order's tenant", d.OrderHash(&o))
	if err != nil {
		return SignedOrder{}, err
	}
	return SignedOrder{Order: o, Signature: sig}, nil
}

// SignBid validates b and signs it as its provider. The signer must be the
// bid's provider.
func (d Domain) SignBid(b Bid, s Signer) (SignedBid, error) {
	if err := b.Validate(); err != nil {
		return SignedBid{}, fmt.Errorf("bid: %w", err)
	}
	sig, err := signAs(s, b.Provider, "bid's provider", d.BidHash(&b))
	if err != nil {
		return SignedBid{}, err
	}
	return SignedBid{Bid: b, Signature: sig}, nil
}

// VerifyOrder checks the order's format and that its tenant signed it in
// this domain. It does not look at the clock: see CheckLive.
func (d Domain) VerifyOrder(so SignedOrder) (VerifiedOrder, error) {
	if err := so.Order.Validate(); err != nil {
		return VerifiedOrder{}, fmt.Errorf("order: %w", err)
	}
	return d.verifyValidOrder(so)
}

// verifyValidOrder is VerifyOrder for an order already validated.
func (d Domain) verifyValidOrder(so SignedOrder) (VerifiedOrder, error) {
	h := d.OrderHash(&so.Order)
	if err := checkSigner(h, so.Signature, so.Order.Tenant, "order's tenant"); err != nil {
		return VerifiedOrder{}, fmt.Errorf("order %s: %w", h.Hex(), err)
	}
	return VerifiedOrder{SignedOrder: so, Hash: h, ok: true}, nil
}

// VerifyBid checks the bid's format and that its provider signed it in this
// domain. It does not look at the clock or the order: see ReadBid.
func (d Domain) VerifyBid(sb SignedBid) (VerifiedBid, error) {
	if err := sb.Bid.Validate(); err != nil {
		return VerifiedBid{}, fmt.Errorf("bid: %w", err)
	}
	return d.verifyValidBid(sb)
}

// verifyValidBid is VerifyBid for a bid already validated.
func (d Domain) verifyValidBid(sb SignedBid) (VerifiedBid, error) {
	h := d.BidHash(&sb.Bid)
	if err := checkSigner(h, sb.Signature, sb.Bid.Provider, "bid's provider"); err != nil {
		return VerifiedBid{}, fmt.Errorf("bid %s: %w", h.Hex(), err)
	}
	return VerifiedBid{SignedBid: sb, Hash: h, ok: true}, nil
}

// CheckLive reports ErrExpired when the order has lapsed at now.
func (o *Order) CheckLive(now time.Time) error {
	if unixNow(now) >= o.Expiry {
		return fmt.Errorf("order %w at %s", ErrExpired, unixTime(o.Expiry))
	}
	return nil
}

// CheckLive reports ErrExpired when the bid has lapsed at now.
func (b *Bid) CheckLive(now time.Time) error {
	if unixNow(now) >= b.Expiry {
		return fmt.Errorf("bid %w at %s", ErrExpired, unixTime(b.Expiry))
	}
	return nil
}

// ReadOrder decodes an order off the wire and accepts it only if it is
// well-formed, signed by its tenant in this domain and not expired at now.
// Cheap checks run before the signature is recovered.
func (d Domain) ReadOrder(data []byte, now time.Time) (VerifiedOrder, error) {
	so, err := DecodeOrder(data)
	if err != nil {
		return VerifiedOrder{}, err
	}
	if err := so.Order.Validate(); err != nil {
		return VerifiedOrder{}, fmt.Errorf("order: %w", err)
	}
	if err := so.Order.CheckLive(now); err != nil {
		return VerifiedOrder{}, err
	}
	return d.verifyValidOrder(so)
}

// ReadBid decodes a bid off the wire and accepts it only if it is
// well-formed, names order, is not expired at now, and is signed by its
// provider in this domain.
func (d Domain) ReadBid(data []byte, order *VerifiedOrder, now time.Time) (VerifiedBid, error) {
	sb, err := DecodeBid(data)
	if err != nil {
		return VerifiedBid{}, err
	}
	if err := sb.Bid.Validate(); err != nil {
		return VerifiedBid{}, fmt.Errorf("bid: %w", err)
	}
	if err := checkAnswers(&sb.Bid, order); err != nil {
		return VerifiedBid{}, err
	}
	if err := sb.Bid.CheckLive(now); err != nil {
		return VerifiedBid{}, err
	}
	return d.verifyValidBid(sb)
}

func checkAnswers(b *Bid, order *VerifiedOrder) error {
	if !order.ok {
		return errors.New("order is not verified")
	}
	if b.OrderHash != order.Hash {
		return fmt.Errorf("%w: it names order %s, not %s", ErrWrongOrder, b.OrderHash.Hex(), order.Hash.Hex())
	}
	return nil
}

func unixTime(s uint64) string {
	if s > 1<<62 {
		return fmt.Sprintf("unix %d", s)
	}
	return time.Unix(int64(s), 0).UTC().Format(time.RFC3339)
}

// unixNow is now in unix seconds, clamped at zero.
func unixNow(now time.Time) uint64 { return uint64(max(now.Unix(), 0)) }
