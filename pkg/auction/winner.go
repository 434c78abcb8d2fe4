package auction

import (
	"bytes"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/ethereum/go-ethereum/common"
)

// Winner rules a transcript can name, so a verifier knows which rule to
// re-run and how the transcript is hashed.
const (
	// RuleLowestPrice is the rule SelectWinner implements, with its
	// reputation floor (Transcript.MinReputation). Every new transcript
	// names it.
	RuleLowestPrice = "tender/lowest-price/2"
	// RuleLowestPriceV1 is the rule before the reputation floor. Verify
	// still checks transcripts that name it (as RuleLowestPrice with no
	// floor, hashed without minReputation); nothing writes it any more.
	RuleLowestPriceV1 = "tender/lowest-price/1"
	// RuleLowestPriceReplicas is the rule of a replicated order (verify
	// with replicas k of 2 or 3): RuleLowestPrice, with its qualification,
	// floor and ties, picking the k best qualifying bids such that no two
	// share a provider address or a peer ID. Going down the qualifying
	// bids best first, a bid whose address or peer ID a better one already
	// has cannot win (ReasonDuplicateProvider); of the others, the first k
	// win, and fewer when fewer distinct providers qualify. Its
	// transcripts list the winners in that order and are hashed with them.
	RuleLowestPriceReplicas = "tender/lowest-price-replicas/1"
)

// RuleFor is the winner rule an auction of o follows: RuleLowestPriceReplicas
// for a replicated order, RuleLowestPrice for any other. A spot-checked
// order (replicas 1) is auctioned as a plain one, one winner and the same
// transcript, so that nothing before or in the auction tells whether it
// will be checked; its tenant takes the check from the spares
// (Domain.Winners) afterwards.
func RuleFor(o *Order) string {
	if o.Verify.Replicated() {
		return RuleLowestPriceReplicas
	}
	return RuleLowestPrice
}

// RuleOption sets a parameter of the winner rule.
type RuleOption func(*ruleParams)

// ruleParams are the winner rule's parameters: the auctioneer's choices,
// published in the transcript.
type ruleParams struct {
	minReputation uint64
}

// WithMinReputation sets the rule's reputation floor: a bid whose
// provider's reputation is below n cannot win (ReasonReputation). Without
// it, or with 0, there is no floor.
func WithMinReputation(n uint64) RuleOption {
	return func(p *ruleParams) { p.minReputation = n }
}

func newRuleParams(opts []RuleOption) ruleParams {
	var p ruleParams
	for _, o := range opts {
		o(&p)
	}
	return p
}

// Candidate is a verified bid as the auctioneer received it.
type Candidate struct {
	Bid VerifiedBid
	// Arrival is when the auctioneer received the bid.
	Arrival time.Time
	// Reputation is the provider's standing as the auctioneer saw it when the
	// window closed: below the rule's floor the bid cannot win, and higher
	// wins ties.
	Reputation uint64
	// eligible is what the auction saw when the bid arrived: its price
	// and offer can win.
	eligible bool
}

// Outcome is the result of the winner rule.
type Outcome struct {
	// Winner indexes the (first) winning candidate, or is -1 when none
	// qualifies.
	Winner int
	// Winners indexes every winning candidate, best first: at most one
	// under RuleLowestPrice; under RuleLowestPriceReplicas the order's
	// replicas, or fewer when fewer distinct providers qualify.
	Winners []int
	// Reasons holds, per candidate, ReasonEligible or why it cannot win.
	Reasons []Reason
}

// SelectWinner applies RuleLowestPrice to the candidates of order when the
// window closed at closedAt. A candidate can win only if its bid was verified,
// names the order, arrived before the bid deadline, had not expired at
// closedAt, asks at most the order's max price, meets every requirement and
// comes from a provider whose reputation is at least the floor (see
// WithMinReputation). Among those the lowest price wins; ties go to the
// higher reputation, the earlier arrival, the lower provider address, then
// the lower bid hash. The result does not depend on the candidates' order.
func SelectWinner(order *VerifiedOrder, cands []Candidate, closedAt time.Time, opts ...RuleOption) Outcome {
	return selectWinner(order, cands, closedAt, newRuleParams(opts))
}

// SelectWinners applies the winner rule of order (RuleFor) to its
// candidates when the window closed at closedAt: SelectWinner's rule for a
// plain or spot-checked order; for a replicated one, up to its replicas of
// winners from distinct providers (RuleLowestPriceReplicas). The result
// does not depend on the candidates' order.
func SelectWinners(order *VerifiedOrder, cands []Candidate, closedAt time.Time, opts ...RuleOption) Outcome {
	return runRule(RuleFor(&order.Order), order, cands, closedAt, newRuleParams(opts))
}

// runRule applies rule (RuleLowestPrice, or RuleLowestPriceReplicas for a
// replicated order) to the candidates.
func runRule(rule string, order *VerifiedOrder, cands []Candidate, closedAt time.Time, params ruleParams) Outcome {
	out := selectWinner(order, cands, closedAt, params)
	if rule != RuleLowestPriceReplicas || out.Winner < 0 {
		return out
	}
	var ranked []int
	for i, r := range out.Reasons {
		if r == ReasonEligible {
			ranked = append(ranked, i)
		}
	}
	slices.SortFunc(ranked, func(i, j int) int { return compareBids(&cands[i], &cands[j]) })
	k := int(order.Order.Verify.Replicas)
	out.Winners = out.Winners[:0]
	addrs := make(map[common.Address]bool, len(ranked))
	peers := make(map[string]bool, len(ranked))
	for _, i := range ranked {
		b := &cands[i].Bid.Bid
		if addrs[b.Provider] || peers[b.PeerID] {
			out.Reasons[i] = ReasonDuplicateProvider
			continue
		}
		addrs[b.Provider], peers[b.PeerID] = true, true
		if len(out.Winners) < k {
			out.Winners = append(out.Winners, i)
		}
	}
	return out
}

func selectWinner(order *VerifiedOrder, cands []Candidate, closedAt time.Time, rule ruleParams) Outcome {
	out := Outcome{Winner: -1, Reasons: make([]Reason, len(cands))}
	if !order.ok {
		for i := range out.Reasons {
			out.Reasons[i] = ReasonUnverified
		}
		return out
	}
	o := &order.Order
	closeUnix := unixNow(closedAt)
	for i := range cands {
		c := &cands[i]
		r := eligibility(o, order.Hash, closeUnix, rule, c)
		out.Reasons[i] = r
		if r == ReasonEligible && (out.Winner < 0 || better(c, &cands[out.Winner])) {
			out.Winner = i
		}
	}
	if out.Winner >= 0 {
		out.Winners = []int{out.Winner}
	}
	return out
}

// eligibility says why c cannot win, ReasonEligible if it can. The floor
// comes last: a bid that also misses a requirement is told that first.
func eligibility(o *Order, orderHash common.Hash, closeUnix uint64, rule ruleParams, c *Candidate) Reason {
	b := &c.Bid.Bid
	switch {
	case !c.Bid.ok:
		return ReasonUnverified
	case b.OrderHash != orderHash:
		return ReasonWrongOrder
	case unixNow(c.Arrival) >= o.BidDeadline:
		return ReasonLate
	case closeUnix >= b.Expiry:
		return ReasonBidExpired
	case b.PricePerHour.Cmp(o.MaxPricePerHour) > 0:
		return ReasonPriceAboveMax
	}
	if r := offerReason(&o.Requirements, &b.Offer); r != ReasonEligible {
		return r
	}
	if c.Reputation < rule.minReputation {
		return ReasonReputation
	}
	return ReasonEligible
}

// compareBids orders a before b when a is better under RuleLowestPrice.
func compareBids(a, b *Candidate) int {
	switch {
	case better(a, b):
		return -1
	case better(b, a):
		return 1
	}
	return 0
}

// better reports whether a beats b under RuleLowestPrice.
func better(a, b *Candidate) bool {
	if c := a.Bid.Bid.PricePerHour.Cmp(b.Bid.Bid.PricePerHour); c != 0 {
		return c < 0
	}
	if a.Reputation != b.Reputation {
		return a.Reputation > b.Reputation
	}
	if c := a.Arrival.Compare(b.Arrival); c != 0 {
		return c < 0
	}
	if c := bytes.Compare(a.Bid.Bid.Provider[:], b.Bid.Bid.Provider[:]); c != 0 {
		return c < 0
	}
	return bytes.Compare(a.Bid.Hash[:], b.Bid.Hash[:]) < 0
}

// Errors of bids the auctioneer refuses and does not record.
var (
	ErrLate      = errors.New("bid arrived after the bid deadline")
	ErrReplayed  = errors.New("bid already received")
	ErrDuplicate = errors.New("provider already bid on this order")
	ErrClosed    = errors.New("auction closed")
	// ErrAuctionFull: the auction holds MaxAuctionBids bids and the bid
	// beats none of them.
	ErrAuctionFull = errors.New("auction full")
	// ErrNotAdmitted: the auction takes bids only from the providers its
	// auctioneer admits (AdmitOnly).
	ErrNotAdmitted = errors.New("provider not admitted")
)

// Verdict is the auctioneer's answer to a recorded bid: Reason is
// ReasonEligible while the bid can win, else why not, with Detail in words.
type Verdict struct {
	Reason Reason
	Detail string
}

// Auction collects the sealed bids for one order during its window and closes
// into a signed Transcript. It is safe for concurrent use.
type Auction struct {
	domain     Domain
	order      VerifiedOrder
	reputation func(common.Address) uint64
	rule       ruleParams
	// admit, when set, is the only providers whose bids Add takes.
	admit func(common.Address) bool

	mu        sync.Mutex
	cands     []Candidate
	seen      map[common.Hash]bool
	providers map[common.Address]bool
	closed    bool
}

// NewAuction starts collecting bids for order. reputation gives a provider's
// standing when the window closes (nil: everyone 0); opts set the rule's
// parameters (WithMinReputation), which the transcript publishes.
func NewAuction(d Domain, order VerifiedOrder, reputation func(common.Address) uint64, opts ...RuleOption) (*Auction, error) {
	if !order.ok {
		return nil, errors.New("auction: order is not verified")
	}
	if reputation == nil {
		reputation = func(common.Address) uint64 { return 0 }
	}
	return &Auction{
		domain: d, order: order, reputation: reputation, rule: newRuleParams(opts),
		seen: make(map[common.Hash]bool), providers: make(map[common.Address]bool),
	}, nil
}

// Order is the order under auction.
func (a *Auction) Order() *VerifiedOrder { return &a.order }

// AdmitOnly ranks the bids of providers admit says no to last for the
// auction's MaxAuctionBids places: once the auction is full, such a bid
// is dropped for any other, and a new one is refused (ErrNotAdmitted).
// With a reputation floor, admitting the providers known to reach it keeps
// throwaway keys from crowding the qualifying bids out, while an auction
// that is not full records every bid and its fate as before. It is called
// before any bid arrives.
func (a *Auction) AdmitOnly(admit func(common.Address) bool) { a.admit = admit }

// Add takes a bid that arrived at arrival. It refuses, with an error and
// without recording it, a bid that is malformed, badly signed, for another
// order, late, expired, replayed, a provider's second bid, or after Close.
// Otherwise the bid is recorded and the verdict says whether its price and
// offer can win; the reputation floor is applied at Close, with the
// reputations of then.
// An auction keeps at most MaxAuctionBids bids: when full, it drops a bid
// that cannot win, else the dearest, for a new bid that can win and asks
// less; any other bid is refused with ErrAuctionFull. A bid that can win
// is dropped only for a cheaper one.
func (a *Auction) Add(sb SignedBid, arrival time.Time) (Verdict, error) {
	arrival = arrival.Round(0).UTC()
	b := &sb.Bid
	if err := b.Validate(); err != nil {
		return Verdict{}, fmt.Errorf("bid: %w", err)
	}
	if err := checkAnswers(b, &a.order); err != nil {
		return Verdict{}, err
	}
	if unixNow(arrival) >= a.order.Order.BidDeadline {
		return Verdict{}, fmt.Errorf("%w (%s)", ErrLate, unixTime(a.order.Order.BidDeadline))
	}
	if err := b.CheckLive(arrival); err != nil {
		return Verdict{}, err
	}
	vb, err := a.domain.verifyValidBid(sb)
	if err != nil {
		return Verdict{}, err
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	switch {
	case a.closed:
		return Verdict{}, ErrClosed
	case a.seen[vb.Hash]:
		return Verdict{}, fmt.Errorf("%w: %s", ErrReplayed, vb.Hash.Hex())
	case a.providers[b.Provider]:
		return Verdict{}, fmt.Errorf("%w: %s", ErrDuplicate, b.Provider.Hex())
	}
	v := verdict(&a.order.Order, b)
	if len(a.cands) >= MaxAuctionBids {
		if a.admit != nil && !a.admit(b.Provider) {
			return Verdict{}, fmt.Errorf("%w: the auction is full, and takes more bids only from providers known to reach the reputation floor %d; %s is not one", ErrNotAdmitted, a.rule.minReputation, b.Provider.Hex())
		}
		i := a.dropFor(b, v)
		if i < 0 {
			return Verdict{}, fmt.Errorf("%w: it holds %d bids and %s beats none of them", ErrAuctionFull, len(a.cands), b.PricePerHour)
		}
		a.cands = slices.Delete(a.cands, i, i+1)
	}
	a.seen[vb.Hash] = true
	a.providers[b.Provider] = true
	a.cands = append(a.cands, Candidate{Bid: vb, Arrival: arrival, eligible: v.Reason == ReasonEligible})
	return v, nil
}

// dropFor picks the bid to drop for b, with verdict v, in a full auction:
// one that cannot win, else the dearest if b can win and asks less; -1
// when b beats none.
func (a *Auction) dropFor(b *Bid, v Verdict) int {
	if v.Reason != ReasonEligible {
		return -1
	}
	if a.admit != nil {
		for i := range a.cands {
			if !a.admit(a.cands[i].Bid.Bid.Provider) {
				return i
			}
		}
	}
	dearest := -1
	for i := range a.cands {
		c := &a.cands[i]
		if !c.eligible {
			return i
		}
		if dearest < 0 || c.Bid.Bid.PricePerHour.Cmp(a.cands[dearest].Bid.Bid.PricePerHour) > 0 {
			dearest = i
		}
	}
	if b.PricePerHour.Cmp(a.cands[dearest].Bid.Bid.PricePerHour) < 0 {
		return dearest
	}
	return -1
}

func verdict(o *Order, b *Bid) Verdict {
	if b.PricePerHour.Cmp(o.MaxPricePerHour) > 0 {
		return Verdict{ReasonPriceAboveMax, fmt.Sprintf("asks %s per hour, the order pays at most %s", b.PricePerHour, o.MaxPricePerHour)}
	}
	if err := CheckOffer(&o.Requirements, &b.Offer); err != nil {
		var m *Mismatch
		errors.As(err, &m)
		return Verdict{m.Reason, m.Detail}
	}
	return Verdict{}
}

// Len is the number of bids recorded so far.
func (a *Auction) Len() int {
	a.mu.Lock()
	defer a.mu.Unlock()
	return len(a.cands)
}

// Close ends the window at closedAt, picks the winner and returns the
// transcript signed by auctioneer, who must be the order's tenant.
func (a *Auction) Close(closedAt time.Time, auctioneer Signer) (Transcript, error) {
	a.mu.Lock()
	if a.closed {
		a.mu.Unlock()
		return Transcript{}, ErrClosed
	}
	a.closed = true
	cands := a.cands
	a.mu.Unlock()
	for i := range cands {
		cands[i].Reputation = a.reputation(cands[i].Bid.Bid.Provider)
	}
	return a.domain.newTranscript(&a.order, cands, closedAt, auctioneer, a.rule)
}
