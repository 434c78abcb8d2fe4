package auction

import (
	"bytes"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/ethereum/go-ethereum/common"
)

// Transcript is the public record of one auction: the signed order, the
// recorded bids with their arrival and the reputation used, the rule with
// its reputation floor, and the winner, signed by the auctioneer (the
// order's tenant). Anyone can re-check it with Verify from the signed
// messages alone. It holds at most MaxTranscriptBids bids: of more, the
// best under the rule (the winner first), and Omitted counts the others,
// each of which the rule ranks below every bid listed.
type Transcript struct {
	Rule string `json:"rule"`
	// MinReputation is the rule's reputation floor, the auctioneer's
	// choice: a bid whose entry's reputation is below it cannot win
	// (ReasonReputation). 0: no floor.
	MinReputation uint64      `json:"minReputation,omitempty"`
	Order         SignedOrder `json:"order"`
	ClosedAt      time.Time   `json:"closedAt"`
	Entries       []Entry     `json:"entries"`
	// Winner is the winning bid's hash (the lease ID), zero when no bid
	// qualified.
	Winner common.Hash `json:"winner"`
	// Omitted is how many recorded bids the transcript leaves out.
	Omitted   uint32    `json:"omitted,omitempty"`
	Signature Signature `json:"signature"`
}

// Entry is one bid in a transcript.
type Entry struct {
	Bid        SignedBid `json:"bid"`
	Arrival    time.Time `json:"arrival"`
	Reputation uint64    `json:"reputation"`
	// Reason says why the bid could not win (empty for eligible bids). It
	// follows from the rest; Verify recomputes it.
	Reason Reason `json:"reason,omitempty"`
}

// Earliest and latest instants a transcript can hold: EIP-712 carries them
// as uint64 unix nanoseconds.
var (
	minTime = time.Unix(0, 0)
	maxTime = time.Unix(0, 1<<63-1)
)

// NewTranscript runs the winner rule, with the parameters opts set, over
// cands and returns the transcript signed by auctioneer, who must be the
// order's tenant. Of more than MaxTranscriptBids candidates it keeps the
// best under the rule (see Transcript). Entries are ordered by arrival,
// then bid hash.
func (d Domain) NewTranscript(order *VerifiedOrder, cands []Candidate, closedAt time.Time, auctioneer Signer, opts ...RuleOption) (Transcript, error) {
	return d.newTranscript(order, cands, closedAt, auctioneer, newRuleParams(opts))
}

func (d Domain) newTranscript(order *VerifiedOrder, cands []Candidate, closedAt time.Time, auctioneer Signer, rule ruleParams) (Transcript, error) {
	if !order.ok {
		return Transcript{}, errors.New("transcript: order is not verified")
	}
	cands = slices.Clone(cands)
	for i := range cands {
		if !cands[i].Bid.ok {
			return Transcript{}, fmt.Errorf("transcript: bid %d is not verified", i)
		}
		cands[i].Arrival = cands[i].Arrival.Round(0).UTC()
	}
	closedAt = closedAt.Round(0).UTC()
	var omitted int
	if len(cands) > MaxTranscriptBids {
		cands, omitted = best(order, cands, closedAt, rule, MaxTranscriptBids)
	}
	slices.SortFunc(cands, func(a, b Candidate) int {
		if c := a.Arrival.Compare(b.Arrival); c != 0 {
			return c
		}
		return bytes.Compare(a.Bid.Hash[:], b.Bid.Hash[:])
	})
	out := selectWinner(order, cands, closedAt, rule)
	t := Transcript{
		Rule: RuleLowestPrice, MinReputation: rule.minReputation, Order: order.SignedOrder, ClosedAt: closedAt,
		Entries: make([]Entry, len(cands)), Omitted: uint32(omitted),
	}
	for i, c := range cands {
		t.Entries[i] = Entry{Bid: c.Bid.SignedBid, Arrival: c.Arrival, Reputation: c.Reputation, Reason: out.Reasons[i]}
	}
	if out.Winner >= 0 {
		t.Winner = cands[out.Winner].Bid.Hash
	}
	hashes := make([]common.Hash, len(cands))
	for i := range cands {
		hashes[i] = cands[i].Bid.Hash
	}
	digest, err := d.transcriptHash(&t, order.Hash, hashes)
	if err != nil {
		return Transcript{}, err
	}
	if t.Signature, err = signAs(auctioneer, order.Order.Tenant, "transcript's auctioneer (the order's tenant)", digest); err != nil {
		return Transcript{}, err
	}
	return t, nil
}

// Verify re-checks a transcript from its signed messages alone: the order's
// and every bid's signature, that no bid appears twice, that re-running the
// rule with the transcript's reputation floor gives the same reasons and
// winner, and that the order's tenant signed the transcript (floor
// included). It returns the verified order and the winning bid (nil when
// no bid won). It checks transcripts of RuleLowestPriceV1 too.
func (d Domain) Verify(t *Transcript) (VerifiedOrder, *VerifiedBid, error) {
	switch t.Rule {
	case RuleLowestPrice:
	case RuleLowestPriceV1:
		if t.MinReputation != 0 {
			return VerifiedOrder{}, nil, fmt.Errorf("%w: rule %q has no reputation floor, the transcript sets minReputation %d", ErrInvalid, t.Rule, t.MinReputation)
		}
	default:
		return VerifiedOrder{}, nil, fmt.Errorf("%w: transcript rule %q, this build knows %q and %q", ErrInvalid, t.Rule, RuleLowestPrice, RuleLowestPriceV1)
	}
	if len(t.Entries) > MaxTranscriptBids {
		return VerifiedOrder{}, nil, fmt.Errorf("%w: %d bids, a transcript holds at most %d", ErrTooLarge, len(t.Entries), MaxTranscriptBids)
	}
	if !inRange(t.ClosedAt) {
		return VerifiedOrder{}, nil, fmt.Errorf("%w: closedAt %s is out of range", ErrInvalid, t.ClosedAt)
	}
	order, err := d.VerifyOrder(t.Order)
	if err != nil {
		return VerifiedOrder{}, nil, fmt.Errorf("transcript: %w", err)
	}
	cands := make([]Candidate, len(t.Entries))
	hashes := make([]common.Hash, len(t.Entries))
	seen := make(map[common.Hash]int, len(t.Entries))
	for i, e := range t.Entries {
		if !inRange(e.Arrival) {
			return VerifiedOrder{}, nil, fmt.Errorf("%w: entry %d: arrival %s is out of range", ErrInvalid, i, e.Arrival)
		}
		vb, err := d.VerifyBid(e.Bid)
		if err != nil {
			return VerifiedOrder{}, nil, fmt.Errorf("transcript entry %d: %w", i, err)
		}
		if j, dup := seen[vb.Hash]; dup {
			return VerifiedOrder{}, nil, fmt.Errorf("%w: entries %d and %d are the same bid %s", ErrInvalid, j, i, vb.Hash.Hex())
		}
		seen[vb.Hash] = i
		cands[i] = Candidate{Bid: vb, Arrival: e.Arrival, Reputation: e.Reputation}
		hashes[i] = vb.Hash
	}
	out := selectWinner(&order, cands, t.ClosedAt, ruleParams{minReputation: t.MinReputation})
	for i, r := range out.Reasons {
		if t.Entries[i].Reason != r {
			return VerifiedOrder{}, nil, fmt.Errorf("%w: entry %d says %q, the rule says %q", ErrInvalid, i, t.Entries[i].Reason, r)
		}
	}
	var winner *VerifiedBid
	want := common.Hash{}
	if out.Winner >= 0 {
		winner = &cands[out.Winner].Bid
		want = winner.Hash
	}
	if t.Winner != want {
		return VerifiedOrder{}, nil, fmt.Errorf("%w: transcript names winner %s, the rule picks %s", ErrInvalid, t.Winner.Hex(), want.Hex())
	}
	digest, err := d.transcriptHash(t, order.Hash, hashes)
	if err != nil {
		return VerifiedOrder{}, nil, err
	}
	if err := checkSigner(digest, t.Signature, order.Order.Tenant, "auctioneer (the order's tenant)"); err != nil {
		return VerifiedOrder{}, nil, fmt.Errorf("transcript: %w", err)
	}
	return order, winner, nil
}

// Ranked returns the bids of t that can win, best first under the rule:
// the winner, then those the auctioneer may fall back on. A bid below the
// transcript's reputation floor is never among them. It verifies each
// bid's signature.
func (d Domain) Ranked(t *Transcript) ([]SignedBid, error) {
	var cands []Candidate
	for i, e := range t.Entries {
		if e.Reason != ReasonEligible || e.Reputation < t.MinReputation {
			continue
		}
		vb, err := d.VerifyBid(e.Bid)
		if err != nil {
			return nil, fmt.Errorf("transcript entry %d: %w", i, err)
		}
		cands = append(cands, Candidate{Bid: vb, Arrival: e.Arrival, Reputation: e.Reputation})
	}
	slices.SortFunc(cands, func(a, b Candidate) int {
		switch {
		case better(&a, &b):
			return -1
		case better(&b, &a):
			return 1
		}
		return 0
	})
	out := make([]SignedBid, len(cands))
	for i := range cands {
		out[i] = cands[i].Bid.SignedBid
	}
	return out, nil
}

// TranscriptHash is the EIP-712 digest the auctioneer signs: of the
// Transcript type with minReputation, or, for RuleLowestPriceV1, of the
// type without it.
func (d Domain) TranscriptHash(t *Transcript) (common.Hash, error) {
	hashes := make([]common.Hash, len(t.Entries))
	for i := range t.Entries {
		hashes[i] = d.BidHash(&t.Entries[i].Bid.Bid)
	}
	return d.transcriptHash(t, d.OrderHash(&t.Order.Order), hashes)
}

func (d Domain) transcriptHash(t *Transcript, orderHash common.Hash, bidHashes []common.Hash) (common.Hash, error) {
	if !inRange(t.ClosedAt) {
		return common.Hash{}, fmt.Errorf("%w: closedAt %s is out of range", ErrInvalid, t.ClosedAt)
	}
	var entries encoder
	for i := range t.Entries {
		if !inRange(t.Entries[i].Arrival) {
			return common.Hash{}, fmt.Errorf("%w: entry %d: arrival %s is out of range", ErrInvalid, i, t.Entries[i].Arrival)
		}
		var e encoder
		e.hash(entryTypeHash)
		e.hash(bidHashes[i])
		e.uint(uint64(t.Entries[i].Arrival.UnixNano()))
		e.uint(t.Entries[i].Reputation)
		entries.hash(e.sum())
	}
	var e encoder
	if t.Rule == RuleLowestPriceV1 {
		e.hash(transcriptV1TypeHash)
		e.hash(orderHash)
		e.str(t.Rule)
	} else {
		e.hash(transcriptTypeHash)
		e.hash(orderHash)
		e.str(t.Rule)
		e.uint(t.MinReputation)
	}
	e.uint(uint64(t.ClosedAt.UnixNano()))
	e.hash(entries.sum())
	e.hash(t.Winner)
	e.uint(uint64(t.Omitted))
	return d.digest(e.sum()), nil
}

// best returns the n best of cands under the rule when the window closed
// at closedAt (those that can win, best first, then those that cannot, by
// arrival) and how many it left out.
func best(order *VerifiedOrder, cands []Candidate, closedAt time.Time, rule ruleParams, n int) ([]Candidate, int) {
	o := &order.Order
	closeUnix := unixNow(closedAt)
	eligible := make([]bool, len(cands))
	for i := range cands {
		eligible[i] = eligibility(o, order.Hash, closeUnix, rule, &cands[i]) == ReasonEligible
	}
	idx := make([]int, len(cands))
	for i := range idx {
		idx[i] = i
	}
	slices.SortFunc(idx, func(i, j int) int {
		switch {
		case eligible[i] != eligible[j]:
			if eligible[i] {
				return -1
			}
			return 1
		case eligible[i] && better(&cands[i], &cands[j]):
			return -1
		case eligible[i] && better(&cands[j], &cands[i]):
			return 1
		}
		if c := cands[i].Arrival.Compare(cands[j].Arrival); c != 0 {
			return c
		}
		return bytes.Compare(cands[i].Bid.Hash[:], cands[j].Bid.Hash[:])
	})
	out := make([]Candidate, n)
	for k := range n {
		out[k] = cands[idx[k]]
	}
	return out, len(cands) - n
}

func inRange(t time.Time) bool { return !t.Before(minTime) && !t.After(maxTime) }

type transcriptEnvelope struct {
	V int `json:"v"`
	Transcript
}

// EncodeTranscript writes the transcript in the wire encoding, version
// TranscriptWireVersion.
func EncodeTranscript(t Transcript) ([]byte, error) {
	t.Entries = orEmpty(t.Entries)
	return encode(transcriptEnvelope{TranscriptWireVersion, t}, "transcript", MaxTranscriptBytes)
}

// DecodeTranscript reads a transcript from the wire encoding, version
// TranscriptWireVersion or 1 (which has no minReputation). It checks size,
// version and syntax only; Verify checks the rest.
func DecodeTranscript(data []byte) (Transcript, error) {
	var env transcriptEnvelope
	if err := decode(data, &env, "transcript", MaxTranscriptBytes, 1, TranscriptWireVersion); err != nil {
		return Transcript{}, err
	}
	if env.V == 1 && env.MinReputation != 0 {
		return Transcript{}, fmt.Errorf("%w: transcript version 1 has no minReputation (version %d added it)", ErrMalformed, TranscriptWireVersion)
	}
	if n := len(env.Entries); n > MaxTranscriptBids {
		return Transcript{}, fmt.Errorf("%w: transcript has %d bids, at most %d", ErrTooLarge, n, MaxTranscriptBids)
	}
	return env.Transcript, nil
}

func (e *transcriptEnvelope) version() int { return e.V }
