package api

import (
	"encoding/json"
	"fmt"
	"math/big"
	"time"

	"github.com/ethereum/go-ethereum/common"

	"github.com/tender-market/tender/pkg/auction"
	"github.com/tender-market/tender/pkg/lease"
	"github.com/tender-market/tender/pkg/store"
)

// The JSON the API answers. Amounts are decimal strings of token base
// units; hashes and addresses 0x-prefixed hex; times RFC 3339 in UTC.

type pageJSON[T any] struct {
	Items      []T    `json:"items"`
	NextCursor string `json:"nextCursor,omitempty"`
}

type tokenJSON struct {
	Symbol   string `json:"symbol"`
	Decimals uint8  `json:"decimals"`
}

type leaseJSON struct {
	ID           string     `json:"id"`
	OrderHash    string     `json:"orderHash"`
	Tenant       string     `json:"tenant"`
	Provider     string     `json:"provider"`
	State        string     `json:"state"`
	PricePerHour string     `json:"pricePerHour"`
	MaxDuration  uint64     `json:"maxDuration"`
	Deposit      string     `json:"deposit"`
	Paid         string     `json:"paid"`
	Refunded     string     `json:"refunded"`
	GPUModel     string     `json:"gpuModel,omitempty"`
	OpenedAt     time.Time  `json:"openedAt"`
	OpenedBlock  uint64     `json:"openedBlock"`
	StartedAt    *time.Time `json:"startedAt,omitempty"`
	EndedAt      *time.Time `json:"endedAt,omitempty"`
	ExitCode     *int32     `json:"exitCode,omitempty"`
	// ExitStatus and ExitReason are ExitCode read (package lease's
	// ExitCode): the job's exit status (-1: none) and why it ended, empty
	// when it ended by itself.
	ExitStatus *int   `json:"exitStatus,omitempty"`
	ExitReason string `json:"exitReason,omitempty"`
	// ResultHash is, for a replica, its result digest.
	ResultHash string    `json:"resultHash,omitempty"`
	ClosedBy   string    `json:"closedBy,omitempty"`
	UpdatedAt  time.Time `json:"updatedAt"`
	// Replica: one of a verified order's replicas, its pay held until its
	// group settles; Held what it earned by its report; Agreed whether the
	// settlement found its digest the majority's (absent until then).
	Replica bool   `json:"replica"`
	Held    string `json:"held,omitempty"`
	Agreed  *bool  `json:"agreed,omitempty"`
}

func amount(v *big.Int) string {
	if v == nil {
		return "0"
	}
	return v.String()
}

func utcPtr(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	u := t.UTC()
	return &u
}

func leaseOut(l store.Lease) leaseJSON {
	out := leaseJSON{
		ID: l.ID.Hex(), OrderHash: l.OrderHash.Hex(), Tenant: l.Tenant.Hex(), Provider: l.Provider.Hex(),
		State: l.State, PricePerHour: amount(l.PricePerHour), MaxDuration: l.MaxDuration,
		Deposit: amount(l.Deposit), Paid: amount(l.Paid), Refunded: amount(l.Refunded), GPUModel: l.GPUModel,
		OpenedAt: l.OpenedAt.UTC(), OpenedBlock: l.OpenedBlock, StartedAt: utcPtr(l.StartedAt), EndedAt: utcPtr(l.EndedAt),
		ExitCode: l.ExitCode, ClosedBy: l.ClosedBy, UpdatedAt: l.UpdatedAt.UTC(), Replica: l.Replica, Held: optAmount(l.Held),
		Agreed: l.Agreed,
	}
	if l.ResultHash != nil {
		out.ResultHash = l.ResultHash.Hex()
	}
	if l.ExitCode != nil {
		code := lease.ExitCode(*l.ExitCode)
		status := code.Status()
		out.ExitStatus, out.ExitReason = &status, code.Reason().String()
	}
	return out
}

type orderJSON struct {
	Hash   string              `json:"hash"`
	SeenAt time.Time           `json:"seenAt"`
	Signed auction.SignedOrder `json:"signed"`
}

func orderOut(o store.Order) orderJSON {
	return orderJSON{Hash: o.Hash.Hex(), SeenAt: o.SeenAt.UTC(), Signed: o.Signed}
}

type entryJSON struct {
	BidHash      string          `json:"bidHash"`
	Provider     string          `json:"provider"`
	PeerID       string          `json:"peerId"`
	PricePerHour string          `json:"pricePerHour"`
	GPUModel     string          `json:"gpuModel"`
	GPUCount     int             `json:"gpuCount"`
	Simulated    bool            `json:"simulated"`
	Offer        json.RawMessage `json:"offer"`
	Arrival      time.Time       `json:"arrival"`
	Reputation   uint64          `json:"reputation"`
	Eligible     bool            `json:"eligible"`
	Reason       string          `json:"reason,omitempty"`
	Won          bool            `json:"won"`
}

type transcriptJSON struct {
	Hash      string    `json:"hash"`
	OrderHash string    `json:"orderHash"`
	Rule      string    `json:"rule"`
	ClosedAt  time.Time `json:"closedAt"`
	Winner    *string   `json:"winner"`
	// Winners are every winning bid, best first: a replicated order's
	// auction has one for each replica.
	Winners  []string `json:"winners"`
	BidCount int      `json:"bidCount"`
	// MinReputation is the rule's reputation floor; Omitted the recorded
	// bids the transcript leaves out. Both are signed.
	MinReputation uint64      `json:"minReputation"`
	Omitted       int         `json:"omitted"`
	Signature     string      `json:"signature"`
	SeenAt        time.Time   `json:"seenAt"`
	Entries       []entryJSON `json:"entries,omitempty"`
	NoBids        []noBidJSON `json:"noBids,omitempty"`
	// WhyWinner says in words why the winner won, or why nobody did.
	WhyWinner string `json:"whyWinner,omitempty"`
}

type noBidJSON struct {
	Provider  string    `json:"provider"`
	PeerID    string    `json:"peerId"`
	Reason    string    `json:"reason"`
	Detail    string    `json:"detail"`
	Signature string    `json:"signature"`
	SeenAt    time.Time `json:"seenAt"`
}

func (s *Server) transcriptOut(t store.Transcript) transcriptJSON {
	out := transcriptJSON{
		Hash: t.Hash.Hex(), OrderHash: t.OrderHash.Hex(), Rule: t.Rule, ClosedAt: t.ClosedAt.UTC(),
		BidCount: t.BidCount, MinReputation: t.MinReputation, Omitted: t.Omitted, Signature: t.Signature.String(), SeenAt: t.SeenAt.UTC(),
	}
	if t.Winner != (common.Hash{}) {
		w := t.Winner.Hex()
		out.Winner = &w
	}
	out.Winners = make([]string, len(t.Winners))
	for i, w := range t.Winners {
		out.Winners[i] = w.Hex()
	}
	for _, e := range t.Entries {
		offer := e.Offer
		if offer == nil {
			offer = json.RawMessage("null")
		}
		out.Entries = append(out.Entries, entryJSON{
			BidHash: e.BidHash.Hex(), Provider: e.Provider.Hex(), PeerID: e.PeerID, PricePerHour: amount(e.PricePerHour),
			GPUModel: e.GPUModel, GPUCount: e.GPUCount, Simulated: e.Simulated, Offer: offer, Arrival: e.Arrival.UTC(),
			Reputation: e.Reputation, Eligible: e.Reason == "", Reason: e.Reason, Won: e.Won,
		})
	}
	for _, nb := range t.NoBids {
		out.NoBids = append(out.NoBids, noBidJSON{Provider: nb.Provider.Hex(), PeerID: nb.PeerID, Reason: nb.Reason, Detail: nb.Detail,
			Signature: nb.Signature.String(), SeenAt: nb.SeenAt.UTC()})
	}
	if t.Entries != nil || t.BidCount == 0 {
		out.WhyWinner = whyWinner(t, s.formatAmount)
	}
	return out
}

type eventJSON struct {
	Kind       string     `json:"kind"`
	Block      uint64     `json:"block"`
	BlockHash  string     `json:"blockHash"`
	BlockTime  time.Time  `json:"blockTime"`
	TxHash     string     `json:"txHash"`
	LogIndex   uint       `json:"logIndex"`
	From       string     `json:"from,omitempty"`
	Amount     string     `json:"amount,omitempty"`
	Deposit    string     `json:"deposit,omitempty"`
	Paid       string     `json:"paid,omitempty"`
	Refunded   string     `json:"refunded,omitempty"`
	ExitCode   *int32     `json:"exitCode,omitempty"`
	ResultHash string     `json:"resultHash,omitempty"`
	StartedAt  *time.Time `json:"startedAt,omitempty"`
	// Held is what a replica's report held for its group; Agreed what its
	// settlement found.
	Held   string `json:"held,omitempty"`
	Agreed *bool  `json:"agreed,omitempty"`
}

func optAmount(v *big.Int) string {
	if v == nil {
		return ""
	}
	return v.String()
}

func eventOut(e store.ChainEvent) eventJSON {
	out := eventJSON{
		Kind: e.Kind, Block: e.Block, BlockHash: e.BlockHash.Hex(), BlockTime: e.BlockTime.UTC(), TxHash: e.TxHash.Hex(),
		LogIndex: e.LogIndex, Amount: optAmount(e.Amount), Deposit: optAmount(e.Deposit), Paid: optAmount(e.Paid),
		Refunded: optAmount(e.Refunded), Held: optAmount(e.Held),
	}
	if e.TxFrom != (common.Address{}) {
		out.From = e.TxFrom.Hex()
	}
	switch e.Kind {
	case store.KindClosed, store.KindReported:
		code := e.ExitCode
		out.ExitCode = &code
		out.ResultHash = e.ResultHash.Hex()
	case store.KindReplicaSettled:
		agreed := e.Agreed
		out.Agreed = &agreed
	}
	if !e.StartedAt.IsZero() {
		t := e.StartedAt.UTC()
		out.StartedAt = &t
	}
	return out
}

type paymentJSON struct {
	Kind      string    `json:"kind"`
	Account   string    `json:"account"`
	Amount    string    `json:"amount"`
	BlockTime time.Time `json:"blockTime"`
	TxHash    string    `json:"txHash"`
	LogIndex  uint      `json:"logIndex"`
}

func paymentOut(p store.Payment) paymentJSON {
	return paymentJSON{Kind: p.Kind, Account: p.Account.Hex(), Amount: amount(p.Amount), BlockTime: p.BlockTime.UTC(), TxHash: p.TxHash.Hex(), LogIndex: p.LogIndex}
}

type leaseDetailJSON struct {
	Lease      leaseJSON       `json:"lease"`
	Order      *orderJSON      `json:"order"`
	Transcript *transcriptJSON `json:"transcript"`
	// TranscriptUnavailable says why Transcript is null.
	TranscriptUnavailable string        `json:"transcriptUnavailable,omitempty"`
	Events                []eventJSON   `json:"events"`
	Payments              []paymentJSON `json:"payments"`
	Token                 tokenJSON     `json:"token"`
	// ReplicaGroup is a replica's group; absent for a lease not known to
	// be a replica.
	ReplicaGroup *replicaGroupJSON `json:"replicaGroup,omitempty"`
}

// replicaGroupJSON is a verified order's replicas: each lease, what it
// reported and how its group settled it, and the settlement.
type replicaGroupJSON struct {
	OrderHash string `json:"orderHash"`
	// Verify is what the order asked for, when the broker saw the order.
	Verify   *auction.Verify `json:"verify,omitempty"`
	Replicas []replicaJSON   `json:"replicas"`
	// Settlement is null until the group settles.
	Settlement *settlementJSON `json:"settlement"`
	// PaidProviders are the providers the settlement paid: those whose
	// digest was the majority's.
	PaidProviders []string  `json:"paidProviders"`
	Token         tokenJSON `json:"token"`
}

type replicaJSON struct {
	Lease        string `json:"lease"`
	Provider     string `json:"provider"`
	State        string `json:"state"`
	ResultDigest string `json:"resultDigest,omitempty"`
	ExitCode     *int32 `json:"exitCode,omitempty"`
	Held         string `json:"held,omitempty"`
	// Agreed is null until the group settles the replica (and for one
	// that left the group before: cancelled, declined, reclaimed).
	Agreed   *bool     `json:"agreed"`
	Paid     string    `json:"paid"`
	Refunded string    `json:"refunded"`
	OpenedAt time.Time `json:"openedAt"`
}

type settlementJSON struct {
	// Majority is null when no digest had more than half of the reports.
	Majority  *string   `json:"majority"`
	Paid      string    `json:"paid"`
	Refunded  string    `json:"refunded"`
	Block     uint64    `json:"block"`
	LogIndex  uint      `json:"logIndex"`
	SettledAt time.Time `json:"settledAt"`
	TxHash    string    `json:"txHash"`
}

func (s *Server) replicaGroupOut(g store.ReplicaGroup) replicaGroupJSON {
	out := replicaGroupJSON{OrderHash: g.OrderHash.Hex(), Replicas: make([]replicaJSON, 0, len(g.Replicas)), PaidProviders: []string{}, Token: s.token()}
	if g.Order != nil {
		v := g.Order.Signed.Order.Verify
		out.Verify = &v
	}
	for _, l := range g.Replicas {
		r := replicaJSON{
			Lease: l.ID.Hex(), Provider: l.Provider.Hex(), State: l.State, Held: optAmount(l.Held), Agreed: l.Agreed,
			Paid: amount(l.Paid), Refunded: amount(l.Refunded), OpenedAt: l.OpenedAt.UTC(),
		}
		if l.ResultHash != nil {
			r.ResultDigest = l.ResultHash.Hex()
		}
		if l.Held != nil {
			r.ExitCode = l.ExitCode
		}
		out.Replicas = append(out.Replicas, r)
	}
	for _, l := range g.Paid() {
		out.PaidProviders = append(out.PaidProviders, l.Provider.Hex())
	}
	if st := g.Settlement; st != nil {
		out.Settlement = &settlementJSON{
			Paid: amount(st.Paid), Refunded: amount(st.Refunded), Block: st.Block, LogIndex: st.LogIndex,
			SettledAt: st.At.UTC(), TxHash: st.TxHash.Hex(),
		}
		if st.Majority != nil {
			m := st.Majority.Hex()
			out.Settlement.Majority = &m
		}
	}
	return out
}

// reputationJSON is a provider's score and how it was made, by the rule
// it names (docs/reputation.md): credit from the tenants' paid leases,
// less the penalties, never below zero.
type reputationJSON struct {
	Rule  string `json:"rule"`
	Score uint64 `json:"score"`
	// The leases, each in one category.
	Leases         uint64 `json:"leases"`
	Running        uint64 `json:"running"`
	Completed      uint64 `json:"completed"`
	ClosedByTenant uint64 `json:"closedByTenant"`
	Overdrawn      uint64 `json:"overdrawn"`
	Reclaimed      uint64 `json:"reclaimed"`
	Declined       uint64 `json:"declined"`
	Failed         uint64 `json:"failed"`
	Disagreed      uint64 `json:"disagreed"`
	Unresolved     uint64 `json:"unresolved"`
	SelfDealt      uint64 `json:"selfDealt"`
	// How the score was made: Score = max(0, Credit - Penalty).
	Credit        uint64 `json:"credit"`
	PayingTenants uint64 `json:"payingTenants"`
	Penalty       uint64 `json:"penalty"`
	Earned        string `json:"earned"`
	// TopTenants is only in one provider's answer.
	TopTenants *[]tenantCreditJSON `json:"topTenants,omitempty"`
	// Trusted are the only tenants whose leases were counted, when asked.
	Trusted []string `json:"trusted,omitempty"`
}

type tenantCreditJSON struct {
	Tenant string `json:"tenant"`
	Leases uint64 `json:"leases"`
	Paid   string `json:"paid"`
	Credit uint64 `json:"credit"`
}

func reputationOut(r store.Reputation) reputationJSON {
	out := reputationJSON{
		Rule: store.ReputationRule, Score: r.Score(), Leases: r.Leases, Running: r.Running, Completed: r.Completed,
		ClosedByTenant: r.ClosedByTenant, Overdrawn: r.Overdrawn, Reclaimed: r.Reclaimed, Declined: r.Declined,
		Failed: r.Failed, Disagreed: r.Disagreed, Unresolved: r.Unresolved, SelfDealt: r.SelfDealt, Credit: r.Credit, PayingTenants: r.PayingTenants,
		Penalty: r.Penalty(), Earned: amount(r.Earned),
	}
	if r.TopTenants != nil {
		top := make([]tenantCreditJSON, len(r.TopTenants))
		for i, t := range r.TopTenants {
			top[i] = tenantCreditJSON{Tenant: t.Tenant.Hex(), Leases: t.Leases, Paid: amount(t.Paid), Credit: t.Credit}
		}
		out.TopTenants = &top
	}
	for _, t := range r.Trusted {
		out.Trusted = append(out.Trusted, t.Hex())
	}
	return out
}

type providerJSON struct {
	Address    string          `json:"address"`
	PeerID     string          `json:"peerId,omitempty"`
	GPUModels  []string        `json:"gpuModels"`
	GPUCount   int             `json:"gpuCount"`
	Simulated  *bool           `json:"simulated"`
	Inventory  json.RawMessage `json:"inventory"`
	FirstSeen  time.Time       `json:"firstSeen"`
	LastSeen   time.Time       `json:"lastSeen"`
	Nodes      *[]nodeJSON     `json:"nodes,omitempty"` // one provider's answer alone
	Reputation reputationJSON  `json:"reputation"`
}

// withNodes is p's answer with its nodes, as one provider's answer has.
func withNodes(out providerJSON, p store.Provider) providerJSON {
	nodes := make([]nodeJSON, 0, len(p.Nodes))
	for _, n := range p.Nodes {
		nodes = append(nodes, nodeJSON{Label: n.Label, GPUModel: n.GPUModel, MaxGPUs: n.MaxGPUs, Simulated: n.Simulated, Bids: n.Bids, LastBid: n.LastBid.UTC()})
	}
	out.Nodes = &nodes
	return out
}

type nodeJSON struct {
	Label     string    `json:"label"`
	GPUModel  string    `json:"gpuModel"`
	MaxGPUs   int       `json:"maxGpus"`
	Simulated bool      `json:"simulated"`
	Bids      int       `json:"bids"`
	LastBid   time.Time `json:"lastBid"`
}

func providerOut(p store.Provider) providerJSON {
	inv := p.Inventory
	if inv == nil {
		inv = json.RawMessage("null")
	}
	models := p.GPUModels
	if models == nil {
		models = []string{}
	}
	out := providerJSON{
		Address: p.Address.Hex(), PeerID: p.PeerID, GPUModels: models, GPUCount: p.GPUCount, Simulated: p.Simulated,
		Inventory: inv, FirstSeen: p.FirstSeen.UTC(), LastSeen: p.LastSeen.UTC(), Reputation: reputationOut(p.Reputation),
	}
	return out
}

type pricePointJSON struct {
	Hour                  time.Time `json:"hour"`
	GPUModel              string    `json:"gpuModel"`
	Auctions              int       `json:"auctions"`
	MedianPricePerHour    string    `json:"medianPricePerHour"`
	MedianPricePerGPUHour string    `json:"medianPricePerGpuHour"`
}

type pricesJSON struct {
	From   time.Time        `json:"from"`
	To     time.Time        `json:"to"`
	Points []pricePointJSON `json:"points"`
	Token  tokenJSON        `json:"token"`
}

type summaryJSON struct {
	Orders      int64            `json:"orders"`
	Transcripts int64            `json:"transcripts"`
	Providers   int64            `json:"providers"`
	Leases      map[string]int64 `json:"leases"`
	Deposited   string           `json:"deposited"`
	Paid        string           `json:"paid"`
	Refunded    string           `json:"refunded"`
	InEscrow    string           `json:"inEscrow"`
	Token       tokenJSON        `json:"token"`
}

type acceptedJSON struct {
	Hash      string `json:"hash"`
	Published bool   `json:"published,omitempty"`
	Stored    bool   `json:"stored"`
}

// whyWinner explains a transcript's outcome in words, from its entries.
func whyWinner(t store.Transcript, format func(*big.Int) string) string {
	if len(t.Entries) == 0 {
		return "No bids arrived."
	}
	var win *store.Entry
	var eligible []*store.Entry
	reasons := map[string]int{}
	for i := range t.Entries {
		e := &t.Entries[i]
		if e.Reason == "" {
			eligible = append(eligible, e)
		} else {
			reasons[e.Reason]++
		}
		if e.Won {
			win = e
		}
	}
	if n := len(t.Winners); n > 1 {
		byHash := map[common.Hash]*store.Entry{}
		for i := range t.Entries {
			byHash[t.Entries[i].BidHash] = &t.Entries[i]
		}
		prices := make([]string, 0, n)
		for _, w := range t.Winners {
			if e := byHash[w]; e != nil {
				prices = append(prices, format(e.PricePerHour))
			}
		}
		return fmt.Sprintf("%d winners, one replica each: the lowest-priced eligible bids from distinct providers, at %s per hour.",
			n, andList(prices))
	}
	if win == nil {
		why := fmt.Sprintf("No bid qualified: all %d were ruled out (%s).", len(t.Entries), reasonList(reasons))
		if t.MinReputation > 0 {
			why += fmt.Sprintf(" The job asked for a reputation of at least %d.", t.MinReputation)
		}
		return why
	}
	if len(eligible) == 1 {
		return fmt.Sprintf("The only eligible bid of %d, at %s per hour.", len(t.Entries), format(win.PricePerHour))
	}
	var tied []*store.Entry
	var next *big.Int
	for _, e := range eligible {
		if e == win {
			continue
		}
		switch c := e.PricePerHour.Cmp(win.PricePerHour); {
		case c == 0:
			tied = append(tied, e)
		case next == nil || e.PricePerHour.Cmp(next) < 0:
			next = e.PricePerHour
		}
	}
	if len(tied) == 0 {
		return fmt.Sprintf("Lowest price among %d eligible bids: %s per hour (the next lowest asked %s).",
			len(eligible), format(win.PricePerHour), format(next))
	}
	var sameRep []*store.Entry
	for _, e := range tied {
		if e.Reputation == win.Reputation {
			sameRep = append(sameRep, e)
		}
	}
	why := "on higher reputation"
	switch {
	case len(sameRep) == 0:
	case allOthers(sameRep, func(e *store.Entry) bool { return win.Arrival.Before(e.Arrival) }):
		why = "by arriving first among the equally reputed"
	default:
		why = "on the lower provider address (same reputation and arrival)"
	}
	return fmt.Sprintf("Tied at the lowest price, %s per hour, with %d other bid(s); won %s.", format(win.PricePerHour), len(tied), why)
}

func allOthers(es []*store.Entry, f func(*store.Entry) bool) bool {
	for _, e := range es {
		if !f(e) {
			return false
		}
	}
	return true
}

func reasonList(m map[string]int) string {
	out := ""
	for _, r := range []auction.Reason{auction.ReasonUnverified, auction.ReasonWrongOrder, auction.ReasonLate, auction.ReasonBidExpired,
		auction.ReasonPriceAboveMax, auction.ReasonGPUCount, auction.ReasonGPUModel, auction.ReasonGPUMemory,
		auction.ReasonComputeCapability, auction.ReasonCUDAVersion, auction.ReasonCPU, auction.ReasonMemory, auction.ReasonDisk,
		auction.ReasonPlacement, auction.ReasonSimulated, auction.ReasonNetwork, auction.ReasonServices, auction.ReasonReputation,
		auction.ReasonDuplicateProvider} {
		if n := m[string(r)]; n > 0 {
			if out != "" {
				out += ", "
			}
			out += fmt.Sprintf("%d %s", n, r)
		}
	}
	return out
}
