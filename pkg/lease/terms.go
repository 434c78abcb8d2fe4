package lease

import (
	"math/big"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/tender-market/tender/pkg/auction"
	"github.com/tender-market/tender/pkg/lease/escrow"
)

// SecondsPerHour divides price x seconds into what a lease earns.
const SecondsPerHour = 3600

// Terms are what a lease keeps for its whole life. The escrow stores only
// their hash; every call after opening passes them back. A LeaseOpened event
// carries all of them.
type Terms struct {
	Tenant   common.Address
	Provider common.Address
	// PricePerHour is in the payment token's base units.
	PricePerHour *big.Int
	// MaxDuration is the longest the lease bills, in seconds.
	MaxDuration uint64
}

// NewTerms returns the terms of a lease opened from order and bid.
func NewTerms(order *auction.Order, bid *auction.Bid) Terms {
	return Terms{
		Tenant:       order.Tenant,
		Provider:     bid.Provider,
		PricePerHour: new(big.Int).Set(bid.PricePerHour),
		MaxDuration:  order.MaxDuration,
	}
}

// Hash is the terms hash the escrow stores: keccak256(abi.encode(tenant,
// provider, pricePerHour, maxDuration)).
func (t Terms) Hash() common.Hash {
	var buf [128]byte
	copy(buf[12:32], t.Tenant[:])
	copy(buf[44:64], t.Provider[:])
	if t.PricePerHour != nil && t.PricePerHour.Sign() >= 0 && t.PricePerHour.BitLen() <= 256 {
		t.PricePerHour.FillBytes(buf[64:96])
	}
	new(big.Int).SetUint64(t.MaxDuration).FillBytes(buf[96:128])
	return crypto.Keccak256Hash(buf[:])
}

// Args are the terms as the escrow's calls take them.
func (t Terms) Args() escrow.EscrowTerms {
	return escrow.EscrowTerms{Tenant: t.Tenant, Provider: t.Provider, PricePerHour: t.PricePerHour, MaxDuration: t.MaxDuration}
}

// Earned is what a running lease has earned at now (unix seconds), exactly
// as the escrow computes it: PricePerHour x seconds since startedAt (at most
// MaxDuration) / 3600, rounded down, capped at deposit. overdrawn reports
// that the cap was reached: anyone may then close the lease.
func (t Terms) Earned(deposit *big.Int, startedAt, now uint64) (earned *big.Int, overdrawn bool) {
	var elapsed uint64
	if now > startedAt {
		elapsed = now - startedAt
	}
	elapsed = min(elapsed, t.MaxDuration)
	earned = new(big.Int).SetUint64(elapsed)
	earned.Mul(earned, t.PricePerHour)
	earned.Quo(earned, big.NewInt(SecondsPerHour))
	if earned.Cmp(deposit) >= 0 {
		return new(big.Int).Set(deposit), true
	}
	return earned, false
}

// MinimumDeposit is the least deposit the escrow accepts for a lease on
// these terms: what minDuration seconds (or MaxDuration, when shorter)
// cost, rounded down, and at least 1.
func (t Terms) MinimumDeposit(minDuration uint64) *big.Int {
	m := new(big.Int).SetUint64(min(t.MaxDuration, minDuration))
	m.Mul(m, t.PricePerHour)
	m.Quo(m, big.NewInt(SecondsPerHour))
	if m.Sign() == 0 {
		m.SetInt64(1)
	}
	return m
}

// MaxCost is the most a lease on these terms can cost: PricePerHour x
// MaxDuration / 3600, rounded up. A deposit of MaxCost pays for the whole
// MaxDuration.
func (t Terms) MaxCost() *big.Int {
	v := new(big.Int).Mul(t.PricePerHour, new(big.Int).SetUint64(t.MaxDuration))
	q, r := v.QuoRem(v, big.NewInt(SecondsPerHour), new(big.Int))
	if r.Sign() > 0 {
		q.Add(q, big.NewInt(1))
	}
	return q
}

// PaidSeconds is how many seconds of running deposit pays for at
// PricePerHour (capped at MaxDuration): after them the lease is
// overdrawn.
func (t Terms) PaidSeconds(deposit *big.Int) uint64 {
	if t.PricePerHour.Sign() == 0 {
		return t.MaxDuration
	}
	s := new(big.Int).Mul(deposit, big.NewInt(SecondsPerHour))
	s.Quo(s, t.PricePerHour)
	if !s.IsUint64() {
		return t.MaxDuration
	}
	return min(s.Uint64(), t.MaxDuration)
}

// OrderArgs is the order as the escrow takes it: its top-level fields, with
// the auctioneer as keccak256 of its bytes and the requirements and job as
// their EIP-712 struct hashes; verify's fields flat, its paths as their
// EIP-712 encoding.
func OrderArgs(o *auction.Order) escrow.EscrowOrder {
	parts := auction.OrderParts(o)
	return escrow.EscrowOrder{
		Tenant:           o.Tenant,
		AuctioneerHash:   crypto.Keccak256Hash([]byte(o.Auctioneer)),
		MaxPricePerHour:  o.MaxPricePerHour,
		MaxDuration:      o.MaxDuration,
		BidDeadline:      o.BidDeadline,
		Expiry:           o.Expiry,
		Nonce:            o.Nonce,
		RequirementsHash: parts.Requirements,
		JobHash:          parts.Job,
		Replicas:         o.Verify.Replicas,
		PathsHash:        o.Verify.PathsHash(),
		SpotCheckBps:     o.Verify.SpotCheckBps,
	}
}

// BidArgs is the bid as the escrow takes it: its top-level fields, with the
// peer ID as keccak256 of its bytes and the offer as its EIP-712 struct hash.
func BidArgs(b *auction.Bid) escrow.EscrowBid {
	return escrow.EscrowBid{
		OrderHash:    b.OrderHash,
		Provider:     b.Provider,
		PeerIdHash:   crypto.Keccak256Hash([]byte(b.PeerID)),
		PricePerHour: b.PricePerHour,
		OfferHash:    auction.OfferHash(b),
		Expiry:       b.Expiry,
		Nonce:        b.Nonce,
	}
}
