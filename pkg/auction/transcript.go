package auction

import (
	"bytes"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/ethereum/go-ethereum/common"
)

// Transcript is the public record of one auction: the signed order, the
// recorded bids with their arrival and the reputation used, the rule with
// its reputation floor, and the winners, signed by the auctioneer (the
// order's tenant). Anyone can re-check it with Verify from the signed
// messages alone. It holds at most MaxTranscriptBids bids: of more, the
// best under the rule (the winners first), and Omitted counts the others,
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
	// Winner is the (first) winning bid's hash, its lease ID, zero when no
	// bid qualified.
	Winner common.Hash `json:"winner"`
	// Winners are the hashes of every winning bid, best first: Winner
	// alone under RuleLowestPrice; under RuleLowestPriceReplicas one per
	// replica of the order, from distinct providers, or fewer when fewer
	// qualified. Empty when no bid qualified. A transcript of wire version
	// 1 or 2, which has no winners, decodes with Winner as its one winner.
	Winners []common.Hash `json:"winners"`
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

// NewTranscript runs the order's winner rule (RuleFor), with the
// parameters opts set, over cands and returns the transcript signed by
// auctioneer, who must be the order's tenant. Of more than
// MaxTranscriptBids candidates it keeps the best under the rule (see
// Transcript). Entries are ordered by arrival, then bid hash.
func (d Domain) NewTranscript(order *VerifiedOrder, cands []Candidate, closedAt time.Time, auctioneer Signer, opts ...RuleOption) (Transcript, error) {
	return d.newTranscript(order, cands, closedAt, auctioneer, newRuleParams(opts))
}

func (d Domain) newTranscript(order *VerifiedOrder, cands []Candidate, closedAt time.Time, auctioneer Signer, params ruleParams) (Transcript, error) {
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
	rule := RuleFor(&order.Order)
	var omitted int
	if len(cands) > MaxTranscriptBids {
		cands, omitted = best(rule, order, cands, closedAt, params, MaxTranscriptBids)
	}
	slices.SortFunc(cands, func(a, b Candidate) int {
		if c := a.Arrival.Compare(b.Arrival); c != 0 {
			return c
		}
		return bytes.Compare(a.Bid.Hash[:], b.Bid.Hash[:])
	})
	out := runRule(rule, order, cands, closedAt, params)
	t := Transcript{
		Rule: rule, MinReputation: params.minReputation, Order: order.SignedOrder, ClosedAt: closedAt,
		Entries: make([]Entry, len(cands)), Winners: make([]common.Hash, len(out.Winners)), Omitted: uint32(omitted),
	}
	for i, c := range cands {
		t.Entries[i] = Entry{Bid: c.Bid.SignedBid, Arrival: c.Arrival, Reputation: c.Reputation, Reason: out.Reasons[i]}
	}
	for i, w := range out.Winners {
		t.Winners[i] = cands[w].Bid.Hash
	}
	if len(t.Winners) > 0 {
		t.Winner = t.Winners[0]
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
// and every bid's signature, that no bid appears twice, that it names the
// order's rule (RuleFor), that re-running the rule with the transcript's
// reputation floor gives the same reasons and winners, and that the
// order's tenant signed the transcript (floor included). It returns the
// verified order and the (first) winning bid, nil when no bid won. It
// checks transcripts of RuleLowestPriceV1 too.
func (d Domain) Verify(t *Transcript) (VerifiedOrder, *VerifiedBid, error) {
	order, winners, err := d.VerifyWinners(t)
	if err != nil || len(winners) == 0 {
		return order, nil, err
	}
	return order, &winners[0], nil
}

// VerifyWinners is Verify returning every winning bid, best first: one at
// most under RuleLowestPrice; under RuleLowestPriceReplicas up to the
// order's replicas, from distinct providers. A transcript whose winners
// are not the rule's (another bid, a second bid of a provider already
// among them, fewer than the distinct qualifying providers allow, or in
// another order) is refused.
func (d Domain) VerifyWinners(t *Transcript) (VerifiedOrder, []VerifiedBid, error) {
	rule := t.Rule
	switch t.Rule {
	case RuleLowestPrice, RuleLowestPriceReplicas:
	case RuleLowestPriceV1:
		if t.MinReputation != 0 {
			return VerifiedOrder{}, nil, fmt.Errorf("%w: rule %q has no reputation floor, the transcript sets minReputation %d", ErrInvalid, t.Rule, t.MinReputation)
		}
		rule = RuleLowestPrice
	default:
		return VerifiedOrder{}, nil, fmt.Errorf("%w: transcript rule %q, this build knows %q, %q and %q", ErrInvalid, t.Rule, RuleLowestPrice, RuleLowestPriceReplicas, RuleLowestPriceV1)
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
	if want := RuleFor(&order.Order); rule != want {
		return VerifiedOrder{}, nil, fmt.Errorf("%w: transcript names rule %q, but its order (verify.replicas %d) is auctioned under %q", ErrInvalid, t.Rule, order.Order.Verify.Replicas, want)
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
	out := runRule(rule, &order, cands, t.ClosedAt, ruleParams{minReputation: t.MinReputation})
	for i, r := range out.Reasons {
		if t.Entries[i].Reason != r {
			return VerifiedOrder{}, nil, fmt.Errorf("%w: entry %d says %q, the rule says %q", ErrInvalid, i, t.Entries[i].Reason, r)
		}
	}
	winners := make([]VerifiedBid, len(out.Winners))
	want := make([]common.Hash, len(out.Winners))
	for i, w := range out.Winners {
		winners[i], want[i] = cands[w].Bid, cands[w].Bid.Hash
	}
	if err := checkWinners(t, want); err != nil {
		return VerifiedOrder{}, nil, err
	}
	digest, err := d.transcriptHash(t, order.Hash, hashes)
	if err != nil {
		return VerifiedOrder{}, nil, err
	}
	if err := checkSigner(digest, t.Signature, order.Order.Tenant, "auctioneer (the order's tenant)"); err != nil {
		return VerifiedOrder{}, nil, fmt.Errorf("transcript: %w", err)
	}
	return order, winners, nil
}

// checkWinners compares t's winners with those the rule picks, want.
func checkWinners(t *Transcript, want []common.Hash) error {
	first := common.Hash{}
	if len(want) > 0 {
		first = want[0]
	}
	switch {
	case t.Winner != first:
		return fmt.Errorf("%w: transcript names winner %s, the rule picks %s", ErrInvalid, t.Winner.Hex(), first.Hex())
	case len(t.Winners) != len(want):
		return fmt.Errorf("%w: transcript names %s %s, the rule picks %s from distinct providers %s", ErrInvalid, winnersText(len(t.Winners)), hashesText(t.Winners), winnersText(len(want)), hashesText(want))
	case !slices.Equal(t.Winners, want):
		return fmt.Errorf("%w: transcript names winners %s, the rule picks %s, best first", ErrInvalid, hashesText(t.Winners), hashesText(want))
	}
	return nil
}

// winnersText says n winners in words: "1 winner", "2 winners".
func winnersText(n int) string {
	if n == 1 {
		return "1 winner"
	}
	return fmt.Sprintf("%d winners", n)
}

// hashesText writes hashes as a list: [0x12..., 0x34...].
func hashesText(hs []common.Hash) string {
	s := make([]string, len(hs))
	for i, h := range hs {
		s[i] = h.Hex()
	}
	return "[" + strings.Join(s, ", ") + "]"
}

// Ranked returns the bids of t that can win, best first under the rule:
// the winners, then those the auctioneer may fall back on. A bid below the
// transcript's reputation floor is never among them, nor, under
// RuleLowestPriceReplicas, a second bid of a provider. It verifies each
// bid's signature.
func (d Domain) Ranked(t *Transcript) ([]SignedBid, error) {
	ranked, err := d.ranked(t)
	if err != nil {
		return nil, err
	}
	out := make([]SignedBid, len(ranked))
	for i := range ranked {
		out[i] = ranked[i].SignedBid
	}
	return out, nil
}

func (d Domain) ranked(t *Transcript) ([]VerifiedBid, error) {
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
	slices.SortFunc(cands, func(a, b Candidate) int { return compareBids(&a, &b) })
	out := make([]VerifiedBid, len(cands))
	for i := range cands {
		out[i] = cands[i].Bid
	}
	return out, nil
}

// Winners returns who runs t's order: its winners, best first (the
// order's leases: one, or one per replica of a replicated order), and the
// spares, every other bid that can win from a provider whose address and
// peer ID are distinct from each winner's and each spare's before it,
// best first. A tenant takes the first spare for a winner that never
// starts, as the referee when two replicas disagree, or as the secret
// check of a spot-checked order, whose transcript is a plain order's: the
// check is the best bid from a provider other than the winner, known only
// once the bids are in. It verifies each bid's signature and that the
// winners are the transcript's; Verify the transcript first.
func (d Domain) Winners(t *Transcript) (winners, spares []SignedBid, err error) {
	ranked, err := d.ranked(t)
	if err != nil {
		return nil, nil, err
	}
	n := 1
	if t.Rule == RuleLowestPriceReplicas {
		n = int(t.Order.Order.Verify.Replicas)
	}
	addrs := make(map[common.Address]bool, len(ranked))
	peers := make(map[string]bool, len(ranked))
	var hashes []common.Hash
	for _, vb := range ranked {
		b := &vb.Bid
		if addrs[b.Provider] || peers[b.PeerID] {
			continue
		}
		addrs[b.Provider], peers[b.PeerID] = true, true
		if len(winners) < n {
			winners, hashes = append(winners, vb.SignedBid), append(hashes, vb.Hash)
		} else {
			spares = append(spares, vb.SignedBid)
		}
	}
	if !slices.Equal(hashes, t.Winners) {
		return nil, nil, fmt.Errorf("%w: transcript names winners %s, its entries rank %s first: verify it", ErrInvalid, hashesText(t.Winners), hashesText(hashes))
	}
	return winners, spares, nil
}

// TranscriptHash is the EIP-712 digest the auctioneer signs: of the
// Transcript type with minReputation and winner; for RuleLowestPriceV1, of
// the type without minReputation; for RuleLowestPriceReplicas, of the type
// with every winner (bytes32[] winners) in place of the one.
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
	switch t.Rule {
	case RuleLowestPriceV1:
		e.hash(transcriptV1TypeHash)
		e.hash(orderHash)
		e.str(t.Rule)
	case RuleLowestPriceReplicas:
		e.hash(transcriptReplicasTypeHash)
		e.hash(orderHash)
		e.str(t.Rule)
		e.uint(t.MinReputation)
	default:
		e.hash(transcriptTypeHash)
		e.hash(orderHash)
		e.str(t.Rule)
		e.uint(t.MinReputation)
	}
	e.uint(uint64(t.ClosedAt.UnixNano()))
	e.hash(entries.sum())
	if t.Rule == RuleLowestPriceReplicas {
		var winners encoder
		for _, w := range t.Winners {
			winners.hash(w)
		}
		e.hash(winners.sum())
	} else {
		e.hash(t.Winner)
	}
	e.uint(uint64(t.Omitted))
	return d.digest(e.sum()), nil
}

// best returns the n best of cands under rule when the window closed at
// closedAt (those that can win, best first; then, under
// RuleLowestPriceReplicas, the qualifying bids of providers already
// ranked, best first; then those that cannot win, by arrival) and how many
// it left out. Re-running the rule on what it keeps gives the same
// winners and reasons.
func best(rule string, order *VerifiedOrder, cands []Candidate, closedAt time.Time, params ruleParams, n int) ([]Candidate, int) {
	out := runRule(rule, order, cands, closedAt, params)
	class := func(i int) int {
		switch out.Reasons[i] {
		case ReasonEligible:
			return 0
		case ReasonDuplicateProvider:
			return 1
		}
		return 2
	}
	idx := make([]int, len(cands))
	for i := range idx {
		idx[i] = i
	}
	slices.SortFunc(idx, func(i, j int) int {
		if c := class(i) - class(j); c != 0 {
			return c
		}
		if class(i) < 2 {
			if c := compareBids(&cands[i], &cands[j]); c != 0 {
				return c
			}
		}
		if c := cands[i].Arrival.Compare(cands[j].Arrival); c != 0 {
			return c
		}
		return bytes.Compare(cands[i].Bid.Hash[:], cands[j].Bid.Hash[:])
	})
	kept := make([]Candidate, n)
	for k := range n {
		kept[k] = cands[idx[k]]
	}
	return kept, len(cands) - n
}

func inRange(t time.Time) bool { return !t.Before(minTime) && !t.After(maxTime) }

type transcriptEnvelope struct {
	V int `json:"v"`
	Transcript
}

// EncodeTranscript writes the transcript in the wire encoding, version
// TranscriptWireVersion.
func EncodeTranscript(t Transcript) ([]byte, error) {
	t.Entries, t.Winners = orEmpty(t.Entries), orEmpty(t.Winners)
	return encode(transcriptEnvelope{TranscriptWireVersion, t}, "transcript", MaxTranscriptBytes)
}

// DecodeTranscript reads a transcript from the wire encoding, version
// TranscriptWireVersion, 2 (which has no winners: Winner is its one
// winner) or 1 (which has no minReputation either). It checks size,
// version and syntax only; Verify checks the rest.
func DecodeTranscript(data []byte) (Transcript, error) {
	var env transcriptEnvelope
	if err := decode(data, &env, "transcript", MaxTranscriptBytes, 1, 2, TranscriptWireVersion); err != nil {
		return Transcript{}, err
	}
	switch {
	case env.V == 1 && env.MinReputation != 0:
		return Transcript{}, fmt.Errorf("%w: transcript version 1 has no minReputation (version 2 added it)", ErrMalformed)
	case env.V < 3 && env.Winners != nil:
		return Transcript{}, fmt.Errorf("%w: transcript version %d has no winners (version 3 added them)", ErrMalformed, env.V)
	case env.V < 3 && env.Rule == RuleLowestPriceReplicas:
		return Transcript{}, fmt.Errorf("%w: transcript version %d names rule %q, which version 3 added", ErrMalformed, env.V, env.Rule)
	case env.V < 3:
		env.Winners = []common.Hash{}
		if env.Winner != (common.Hash{}) {
			env.Winners = []common.Hash{env.Winner}
		}
	}
	if n := len(env.Entries); n > MaxTranscriptBids {
		return Transcript{}, fmt.Errorf("%w: transcript has %d bids, at most %d", ErrTooLarge, n, MaxTranscriptBids)
	}
	return env.Transcript, nil
}

func (e *transcriptEnvelope) version() int { return e.V }
