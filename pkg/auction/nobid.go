package auction

import (
	"fmt"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"
)

// Reasons only a provider gives, in a NoBid.
const (
	ReasonBusy            Reason = "busy"              // capacity is taken
	ReasonHeld            Reason = "held"              // held for bids on other orders whose auctions close within seconds
	ReasonPriceBelowFloor Reason = "price_below_floor" // the order's max is under the provider's floor
)

const noBidType = "NoBid(bytes32 orderHash,address provider,string peerId,string reason,string detail)"

var noBidTypeHash = crypto.Keccak256Hash([]byte(noBidType))

// MaxNoBidBytes caps an encoded signed NoBid.
const MaxNoBidBytes = 2 << 10

// NoBid is a provider's signed answer that it will not bid on an order, and
// why, so a tenant is not left guessing.
type NoBid struct {
	OrderHash common.Hash    `json:"orderHash"`
	Provider  common.Address `json:"provider"`
	PeerID    string         `json:"peerId"`
	// Reason is one of the Reason values (gpu_model, busy, ...).
	Reason Reason `json:"reason"`
	// Detail says the same in words, e.g. "has 1 free GPU, the order needs 2".
	Detail string `json:"detail"`
}

// UnmarshalJSON reads a no-bid strictly (unknown fields are errors).
func (n *NoBid) UnmarshalJSON(data []byte) error {
	type plain NoBid
	w := struct {
		*plain
		Provider *string `json:"provider"`
	}{plain: (*plain)(n)}
	if err := strictJSON(data, &w); err != nil {
		return err
	}
	var err error
	n.Provider, err = parseAddress("provider", w.Provider)
	return err
}

// SignedNoBid is a NoBid with its provider's signature.
type SignedNoBid struct {
	NoBid     NoBid     `json:"noBid"`
	Signature Signature `json:"signature"`
}

// Validate checks the NoBid's fields against the format's rules.
func (n *NoBid) Validate() error {
	var p problems
	if n.OrderHash == (common.Hash{}) {
		p.add("orderHash", "must name the order")
	}
	if n.Provider == (common.Address{}) {
		p.add("provider", "must be set to the provider's address")
	}
	checkPeerID(&p, "peerId", n.PeerID)
	if !validKey(string(n.Reason)) {
		p.add("reason", "%q is not a reason code", n.Reason)
	}
	if len(n.Detail) > 512 {
		p.add("detail", "is %d bytes, at most 512", len(n.Detail))
	} else {
		checkText(&p, "detail", n.Detail)
	}
	return p.err()
}

// NoBidHash is the EIP-712 digest of the NoBid.
func (d Domain) NoBidHash(n *NoBid) common.Hash {
	var e encoder
	e.hash(noBidTypeHash)
	e.hash(n.OrderHash)
	e.addr(n.Provider)
	e.str(n.PeerID)
	e.str(string(n.Reason))
	e.str(n.Detail)
	return d.digest(e.sum())
}

// SignNoBid validates n and signs it as its provider.
func (d Domain) SignNoBid(n NoBid, s Signer) (SignedNoBid, error) {
	if err := n.Validate(); err != nil {
		return SignedNoBid{}, fmt.Errorf("no-bid: %w", err)
	}
	sig, err := signAs(s, n.Provider, "no-bid's provider", d.NoBidHash(&n))
	if err != nil {
		return SignedNoBid{}, err
	}
	return SignedNoBid{NoBid: n, Signature: sig}, nil
}

type noBidEnvelope struct {
	V int `json:"v"`
	SignedNoBid
}

// EncodeNoBid writes the signed NoBid in the wire encoding.
func EncodeNoBid(sn SignedNoBid) ([]byte, error) {
	return encode(noBidEnvelope{WireVersion, sn}, "no-bid", MaxNoBidBytes)
}

// DecodeNoBid decodes a NoBid off the wire and accepts it only if it is
// well-formed and its provider signed it. It does not look at the order:
// ReadNoBid does, for the auctioneer; DecodeNoBid is for a no-bid relayed
// after the auction closed.
func (d Domain) DecodeNoBid(data []byte) (SignedNoBid, error) {
	var env noBidEnvelope
	if err := decode(data, &env, "no-bid", MaxNoBidBytes, WireVersion); err != nil {
		return SignedNoBid{}, err
	}
	if err := d.CheckNoBid(env.SignedNoBid); err != nil {
		return SignedNoBid{}, err
	}
	return env.SignedNoBid, nil
}

// CheckNoBid checks that sn is well-formed and signed by its provider.
func (d Domain) CheckNoBid(sn SignedNoBid) error {
	n := &sn.NoBid
	if err := n.Validate(); err != nil {
		return fmt.Errorf("no-bid: %w", err)
	}
	if err := checkSigner(d.NoBidHash(n), sn.Signature, n.Provider, "no-bid's provider"); err != nil {
		return fmt.Errorf("no-bid: %w", err)
	}
	return nil
}

// ReadNoBid decodes a NoBid off the wire and accepts it only if it is
// well-formed, names order, the order's window is open at now, and its
// provider signed it.
func (d Domain) ReadNoBid(data []byte, order *VerifiedOrder, now time.Time) (SignedNoBid, error) {
	var env noBidEnvelope
	if err := decode(data, &env, "no-bid", MaxNoBidBytes, WireVersion); err != nil {
		return SignedNoBid{}, err
	}
	n := &env.NoBid
	if err := n.Validate(); err != nil {
		return SignedNoBid{}, fmt.Errorf("no-bid: %w", err)
	}
	if !order.ok {
		return SignedNoBid{}, fmt.Errorf("no-bid: order is not verified")
	}
	if n.OrderHash != order.Hash {
		return SignedNoBid{}, fmt.Errorf("%w: it names order %s, not %s", ErrWrongOrder, n.OrderHash.Hex(), order.Hash.Hex())
	}
	if unixNow(now) >= order.Order.BidDeadline {
		return SignedNoBid{}, fmt.Errorf("%w (%s)", ErrLate, unixTime(order.Order.BidDeadline))
	}
	if err := checkSigner(d.NoBidHash(n), env.Signature, n.Provider, "no-bid's provider"); err != nil {
		return SignedNoBid{}, fmt.Errorf("no-bid: %w", err)
	}
	return env.SignedNoBid, nil
}

func (e *noBidEnvelope) version() int { return e.V }
