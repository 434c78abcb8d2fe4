package tenant

import (
	"context"
	"crypto/rand"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math/big"
	mrand "math/rand/v2"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/libp2p/go-libp2p/core/peer"

	"github.com/tender-market/tender/pkg/auction"
	"github.com/tender-market/tender/pkg/jobspec"
	"github.com/tender-market/tender/pkg/lease"
	"github.com/tender-market/tender/pkg/network"
)

// Options are one submission's choices.
type Options struct {
	// InputDir, when set, is sent as the job's /input.
	InputDir string
	// Detach returns once the job was handed to the provider (and, with
	// StartTimeout, started).
	Detach bool
	// Logs receives the job's logs while it runs (nil: not followed).
	Logs io.Writer
	// OutputFile receives the /output archive (empty: not downloaded).
	OutputFile string
	// Progress is told what happens, one call at a time; it must not
	// block.
	Progress func(Progress)
	// Deposit, when set, is deposited instead of price x max duration; the
	// lease is overdrawn when the job runs longer than it pays for.
	Deposit *big.Int
	// QueueTimeout is how long to keep auctioning the job again while no
	// bid wins for now (providers busy or silent); 0 auctions it once. A
	// job no provider can ever serve fails at once.
	QueueTimeout time.Duration
	// StartTimeout is how long the winner has, once handed the job, to
	// start the lease on chain. A winner that cannot be reached, or does
	// not start in time, has its lease closed (the deposit comes back) and
	// the next qualifying bid of the auction is opened instead. 0: no
	// wait (and no fallback past the hand-over).
	StartTimeout time.Duration
	// Forward forwards these ports of a service (a job that exposes them)
	// from once the job runs until the lease settles (see Client.Forward);
	// Listening learns each local address. A forward that cannot start
	// is reported (StepForward); the job goes on.
	Forward   []PortForward
	Listening func(PortForward, string)
	// Gasless has the winner open the lease, and pay its gas: the tenant
	// signs an award of the lease and a permit for the deposit (see
	// lease.Client.Award) and needs the token only, no ETH. The winner
	// has StartTimeout (DefaultAwardWindow when 0) to open it, else the
	// award lapses, nothing paid, and the next qualifying bid is awarded.
	Gasless bool

	// permit, when set, is the permit a gasless award carries (shared by
	// the awards of a verified order's replicas) instead of its own.
	permit *auction.Permit
}

// Progress is one step of a submission.
type Progress struct {
	Step Step
	// Remaining is the time left in the bid window (StepWindow).
	Remaining time.Duration
	// Bid is a bid that arrived (StepBid).
	Bid *network.BidReceipt
	// Status is the provider's report (StepStatus).
	Status *network.LeaseStatus
	// Received is how many bytes of /output are here (StepDownloading).
	Received int64
	// LeaseID is the lease opened (StepLeaseOpened).
	LeaseID common.Hash
	// Message says the step in words.
	Message string
}

// Step names a Progress.
type Step string

// Steps of a submission, in order.
const (
	StepPublished   Step = "published"
	StepWindow      Step = "window"
	StepBid         Step = "bid"
	StepReputation  Step = "reputation"
	StepClosed      Step = "closed"
	StepQueued      Step = "queued"
	StepAwarded     Step = "awarded"
	StepLeaseOpened Step = "lease-opened"
	StepHandedOver  Step = "handed-over"
	StepFallback    Step = "fallback"
	StepStatus      Step = "status"
	// StepForward: a forward of the service's ports (Options.Forward)
	// refused a connection or stopped.
	StepForward     Step = "forward"
	StepSettled     Step = "settled"
	StepDownloading Step = "downloading"
	StepDownloaded  Step = "downloaded"
)

// Result is what a submission did.
type Result struct {
	// OrderHash is the order that won; Rounds how many auctions it took.
	OrderHash  common.Hash        `json:"orderHash"`
	Rounds     int                `json:"rounds"`
	Transcript auction.Transcript `json:"-"`
	Winner     *auction.Bid       `json:"winner,omitempty"`
	// NoBids are the providers' signed reasons for not bidding.
	NoBids  []auction.SignedNoBid `json:"noBids,omitempty"`
	LeaseID common.Hash           `json:"leaseId"`
	Deposit *big.Int              `json:"deposit"`
	// Settlement, once the lease settled (not when detached).
	Settled bool `json:"settled"`
	// Ending is how the lease settled: Closed, Overdrawn or Reclaimed.
	Ending string `json:"ending,omitempty"`
	// ExitCode is the job's exit status and why it ended, as its provider
	// committed it (Closed only).
	ExitCode lease.ExitCode `json:"exitCode"`
	// Cancelled: the tenant cancelled the lease (through the provider, or
	// by closing it on chain itself).
	Cancelled  bool        `json:"cancelled,omitempty"`
	ResultHash common.Hash `json:"resultHash"`
	Paid       *big.Int    `json:"paid,omitempty"`
	// SettledBlock is the block of the settling event.
	SettledBlock uint64   `json:"settledBlock,omitempty"`
	Refunded     *big.Int `json:"refunded,omitempty"`
	// OutputFile holds the /output archive, its SHA-256 checked against
	// ResultHash.
	OutputFile string `json:"outputFile,omitempty"`
	OutputSize int64  `json:"outputSize,omitempty"`
	// Replicas are the runs of a verified order's job, in the order they
	// started (the winners, then a spot check's second run or a
	// referee). Then LeaseID, ResultHash and ExitCode are a replica's
	// whose digest was the majority's, OutputFile its output (its result
	// digest checked), Paid what the providers were paid in all, and
	// Ending GroupSettled once the group settled.
	Replicas []Replica `json:"replicas,omitempty"`
}

// NoWinnerError says why an auction ended without a winner: the bids and
// why each could not win, and the providers' signed reasons for not
// bidding.
type NoWinnerError struct {
	Entries []auction.Entry
	NoBids  []auction.SignedNoBid
	// MinReputation is the job's reputation floor (0: none).
	MinReputation uint64
	// Unrated, when set, is why the bidders' reputations could not be
	// read: each counted 0.
	Unrated error
}

func (e *NoWinnerError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "no provider won the order: %d bids qualified none", len(e.Entries))
	below := 0
	for _, en := range e.Entries {
		fmt.Fprintf(&b, "\n  bid from %s at %s per hour: %s", en.Bid.Bid.Provider.Hex(), en.Bid.Bid.PricePerHour, en.Reason)
		if en.Reason == auction.ReasonReputation {
			below++
			fmt.Fprintf(&b, " (score %d, the job's minReputation is %d)", en.Reputation, e.MinReputation)
		}
	}
	if below > 0 {
		fmt.Fprintf(&b, "\n  %d of %d bids are from providers below minReputation %d: lower it in the job spec, or wait for providers with a record", below, len(e.Entries), e.MinReputation)
		if e.Unrated != nil {
			fmt.Fprintf(&b, "; the broker's reputations were unavailable, so every bidder counted 0: %v", e.Unrated)
		}
	}
	if len(e.NoBids) == 0 && len(e.Entries) == 0 {
		b.WriteString("; no provider answered (none saw the order, or none is online)")
	}
	for _, nb := range e.NoBids {
		fmt.Fprintf(&b, "\n  %s did not bid: %s: %s", nb.NoBid.Provider.Hex(), nb.NoBid.Reason, nb.NoBid.Detail)
	}
	return b.String()
}

// ForNow reports whether the auction may well be won later: no provider
// answered, or some said they are busy, or bid too late.
func (e *NoWinnerError) ForNow() bool {
	if len(e.Entries) == 0 && len(e.NoBids) == 0 {
		return true
	}
	for _, nb := range e.NoBids {
		if nb.NoBid.Reason == auction.ReasonBusy || nb.NoBid.Reason == auction.ReasonHeld {
			return true
		}
	}
	for _, en := range e.Entries {
		if en.Reason == auction.ReasonLate || en.Reason == auction.ReasonBidExpired {
			return true
		}
	}
	return false
}

// Soon reports whether the auction may well be won in a moment: some
// provider that did not bid holds what the order needs only for bids on
// other orders, whose auctions close within seconds.
func (e *NoWinnerError) Soon() bool {
	return slices.ContainsFunc(e.NoBids, func(nb auction.SignedNoBid) bool { return nb.NoBid.Reason == auction.ReasonHeld })
}

// ErrProviderFailed: the provider gave the job up; the tenant closed the
// lease.
var ErrProviderFailed = errors.New("the provider could not run the job")

// ErrNoReputation: the job sets a reputation floor, but the tenant has no
// Reputation source (Config.Reputation) to score bidders against it.
var ErrNoReputation = errors.New("the job sets minReputation, but no broker is set to read providers' reputations from: give tenant submit --broker URL (Config.Reputation), or drop minReputation from the job spec")

// ErrNoPeer: no market peer was reached before publishing.
var ErrNoPeer = errors.New("no market peer reached: name one with --bootstrap (a provider's or broker's multiaddr)")

// Submit runs job on the market, from order to results. On failure after
// the lease opened, the Result names the lease.
func (c *Client) Submit(ctx context.Context, job *jobspec.Job, opts Options) (*Result, error) {
	if err := c.needMarket(); err != nil {
		return nil, err
	}
	if job.MinReputation > 0 && c.cfg.Reputation == nil {
		return nil, ErrNoReputation
	}
	report := func(Progress) {}
	if opts.Progress != nil {
		var mu sync.Mutex
		report = func(p Progress) {
			mu.Lock()
			defer mu.Unlock()
			opts.Progress(p)
		}
	}
	if !opts.Gasless && c.cfg.Auth != nil {
		// Found out before any provider bids for nothing.
		if eth, err := c.cfg.Escrow.GasBalance(ctx, c.cfg.Auth.From); err == nil && eth.Sign() == 0 {
			return nil, fmt.Errorf("%w: %s holds no ETH to open the lease with", lease.ErrNoGasFunds, c.cfg.Auth.From.Hex())
		}
	}
	if err := c.waitPeer(ctx); err != nil {
		return nil, err
	}
	if job.Verify.Held() && opts.Detach {
		return nil, errors.New("a verified order's replicas are followed until they settle: submit it without detaching")
	}
	res := &Result{}
	order, win, err := c.queue(ctx, job, opts.QueueTimeout, res, report)
	if err != nil {
		return res, err
	}
	if order.Verify.Held() {
		return res, c.replicate(ctx, job, order, opts, res, report)
	}
	// The winner first, then the runners-up, should it not start.
	bids, err := c.cfg.Domain.Ranked(&res.Transcript)
	if err != nil || len(bids) == 0 {
		bids = []auction.SignedBid{*win}
	}
	rest := &spares{bids: bids[1:]}
	l, lc, err := c.leaseWithFallback(ctx, job, order, bids[0], rest.take, opts, res, report, nil)
	if err != nil {
		return res, err
	}
	if opts.Detach {
		return res, nil
	}
	stopForward := c.forwardWhileRunning(ctx, l, opts, report)
	ev, err := c.follow(ctx, l, lc, l.OpenedBlock, opts.Logs, report)
	stopForward()
	if ev.Payload != nil {
		res.settle(ev, c.cfg.Signer.Address())
	}
	if err != nil {
		return res, err
	}
	if cl, ok := ev.Payload.(*lease.Closed); ok && cl.By == l.Terms.Provider {
		if r := cl.ExitCode.Reason(); r == lease.ExitNoJob || r == lease.ExitProviderFailure {
			return res, fmt.Errorf("%w: %s (the lease is closed, its deposit back but for the seconds it ran)", ErrProviderFailed, cl.ExitCode.Describe(""))
		}
	}
	report(Progress{Step: StepSettled, Message: settledText(res)})
	if opts.OutputFile == "" || ev.Kind != lease.EventClosed {
		return res, nil
	}
	if res.ResultHash == (common.Hash{}) {
		report(Progress{Step: StepDownloaded, Message: "no output: the lease closed with no result"})
		return res, nil
	}
	info, err := c.download(ctx, lc, shaMatches(res.ResultHash), opts.OutputFile, report)
	if err != nil {
		return res, err
	}
	res.OutputFile, res.OutputSize = opts.OutputFile, info.Size
	report(Progress{Step: StepDownloaded, Message: fmt.Sprintf("output: %s (%d bytes, SHA-256 matches the chain)", opts.OutputFile, info.Size)})
	return res, nil
}

// leaseWithFallback opens the lease of bid and hands its provider the job
// (lease); while a provider does not take or start it (errNoStart), it
// does the same with the bids next hands out in turn, until it has none.
// opened, when set, learns each lease tried.
func (c *Client) leaseWithFallback(ctx context.Context, job *jobspec.Job, order auction.Order, bid auction.SignedBid, next func() *auction.SignedBid, opts Options, res *Result, report func(Progress), opened func(*Lease)) (*Lease, LeaseConn, error) {
	for {
		l, lc, err := c.lease(ctx, job, order, &bid, opts, res, report)
		if l != nil && opened != nil {
			opened(l)
		}
		if err == nil || !errors.Is(err, errNoStart) || ctx.Err() != nil {
			return l, lc, err
		}
		n := next()
		if n == nil {
			return l, lc, err
		}
		report(Progress{Step: StepFallback, Message: fmt.Sprintf("%v; opening the lease with the next bid, %s at %s per hour", err, n.Bid.Provider.Hex(), n.Bid.PricePerHour)})
		bid = *n
		opts.permit = nil // a later award carries a permit of its own
	}
}

// peerInfo is p with the addresses the node knows for it.
func (c *Client) peerInfo(p peer.ID) peer.AddrInfo {
	ai := peer.AddrInfo{ID: p}
	for _, a := range c.cfg.Market.PeerAddrs(p) {
		if info, err := peer.AddrInfoFromP2pAddr(a); err == nil && info.ID == p {
			ai.Addrs = append(ai.Addrs, info.Addrs...)
		}
	}
	return ai
}

// forwardWhileRunning forwards opts.Forward, if any, until the returned
// stop is called.
func (c *Client) forwardWhileRunning(ctx context.Context, l *Lease, opts Options, report func(Progress)) (stop func()) {
	if len(opts.Forward) == 0 {
		return func() {}
	}
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		refused := func(err error) {
			report(Progress{Step: StepForward, Message: fmt.Sprintf("a forwarded connection was refused: %v", err)})
		}
		if err := c.Forward(ctx, l, opts.Forward, opts.Listening, refused); err != nil && ctx.Err() == nil && !errors.Is(err, ErrJobEnded) {
			report(Progress{Step: StepForward, Message: fmt.Sprintf("forwarding stopped: %v", err)})
		}
	}()
	return func() {
		cancel()
		<-done
	}
}

// errNoStart: the provider of a lease did not take the job or did not
// start it in time; the tenant closed the lease (its deposit came back).
var errNoStart = errors.New("the provider did not start the job")

// lease opens a lease from bid (saving its record first), hands the
// provider the job and, unless opts.StartTimeout is 0, waits for the lease
// to start on chain. When the provider cannot be reached or does not start
// in time, it closes the lease (the whole deposit comes back: it never
// started) and returns an error wrapping errNoStart.
func (c *Client) lease(ctx context.Context, job *jobspec.Job, order auction.Order, bid *auction.SignedBid, opts Options, res *Result, report func(Progress)) (*Lease, LeaseConn, error) {
	res.Winner, res.LeaseID = &bid.Bid, common.Hash{}
	providerPeer, err := peer.Decode(bid.Bid.PeerID)
	if err != nil {
		return nil, nil, fmt.Errorf("the bid's peer ID: %w", err)
	}
	res.Deposit = lease.NewTerms(&order, &bid.Bid).MaxCost()
	if opts.Deposit != nil {
		res.Deposit = new(big.Int).Set(opts.Deposit)
	}
	rec := &LeaseRecord{
		LeaseID: c.cfg.Domain.BidHash(&bid.Bid), OrderHash: res.OrderHash, Order: order, Bid: *bid,
		ProviderPeer: providerPeer.String(), Deposit: res.Deposit, Created: c.cfg.Now().UTC(),
	}
	for _, a := range c.cfg.Market.PeerAddrs(providerPeer) {
		rec.ProviderAddrs = append(rec.ProviderAddrs, a.String())
	}
	// Saved before the deposit moves: a crash after opening loses nothing.
	if err := c.cfg.Records.save(rec); err != nil {
		return nil, nil, err
	}
	if opts.Gasless {
		return c.leaseAwarded(ctx, job, order, bid, opts, res, rec, c.peerInfo(providerPeer), report)
	}
	id, receipt, err := c.cfg.Escrow.Open(ctx, c.cfg.Auth, &order, bid, res.Deposit)
	if err != nil {
		return nil, nil, err
	}
	res.LeaseID = id
	rec.OpenedBlock = receipt.BlockNumber.Uint64()
	if err := c.cfg.Records.save(rec); err != nil {
		c.log.Warn("lease record not updated with its block", "lease", id, "err", err)
	}
	report(Progress{Step: StepLeaseOpened, LeaseID: id, Message: fmt.Sprintf("lease %s opened with %s from %s at %s per hour, deposit %s", id.Hex(), bid.Bid.Provider.Hex(), providerPeer, bid.Bid.PricePerHour, res.Deposit)})

	l := &Lease{ID: id, Terms: rec.Terms(), OpenedBlock: rec.OpenedBlock, Provider: c.peerInfo(providerPeer), Record: rec}
	lc := c.conn(l)
	if err := c.handOver(ctx, lc, job, opts, nil); err != nil {
		if !retryable(err) || ctx.Err() != nil {
			return l, lc, err
		}
		return l, lc, c.giveUp(ctx, l, err)
	}
	report(Progress{Step: StepHandedOver, Message: "job handed to the provider"})
	if opts.StartTimeout <= 0 {
		return l, lc, nil
	}
	started, err := c.waitLeft(ctx, l, lc, lease.StateOpen, opts.StartTimeout, report)
	if err != nil {
		return l, lc, err
	}
	if !started {
		return l, lc, c.giveUp(ctx, l, fmt.Errorf("not started on chain within %s", opts.StartTimeout))
	}
	return l, lc, c.declined(ctx, l, lc)
}

// handOver gives the provider the job: the award (a gasless lease's),
// the input, then the secrets, which start it.
func (c *Client) handOver(ctx context.Context, lc LeaseConn, job *jobspec.Job, opts Options, award *auction.SignedAward) error {
	if award != nil {
		if err := c.reach(ctx, func(ctx context.Context) error { return lc.PutAward(ctx, *award) }); err != nil {
			return fmt.Errorf("send award: %w", err)
		}
	}
	if opts.InputDir != "" {
		if err := c.reach(ctx, func(ctx context.Context) error { return sendInput(ctx, lc, opts.InputDir) }); err != nil {
			return fmt.Errorf("send input: %w", err)
		}
	}
	if err := c.reach(ctx, func(ctx context.Context) error { return lc.PutSecrets(ctx, job.SecretsToSend()) }); err != nil {
		return fmt.Errorf("send secrets: %w", err)
	}
	return nil
}

// declined returns an error wrapping errNoStart when the provider of lease
// l, no longer open, closed it without starting it: it declined the job
// (it never came, cannot be created here, or the provider failed), and
// the whole deposit came back. The error carries the provider's word on
// why, when it gives it.
func (c *Client) declined(ctx context.Context, l *Lease, lc LeaseConn) error {
	evs, err := c.cfg.Escrow.History(ctx, l.ID, l.OpenedBlock)
	if err != nil {
		return nil // follow reads the lease's end itself
	}
	var closed *lease.Closed
	for _, ev := range evs {
		switch p := ev.Payload.(type) {
		case *lease.Started:
			return nil
		case *lease.Closed:
			closed = p
		}
	}
	if closed == nil || closed.By != l.Terms.Provider {
		return nil
	}
	why := closed.ExitCode.Describe("")
	sctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	if st, err := lc.Status(sctx); err == nil && st.Detail != "" {
		why = st.Detail
	}
	cancel()
	return fmt.Errorf("lease %s: %w: the provider declined it: %s; %s refunded", l.ID.Hex(), errNoStart, why, closed.Refunded)
}

// giveUp closes lease l, whose provider did not take or start the job
// (why), and returns an error wrapping errNoStart that says so.
func (c *Client) giveUp(ctx context.Context, l *Lease, why error) error {
	ev, err := c.closeOnChain(ctx, l)
	if err != nil {
		return fmt.Errorf("lease %s: %w (%v), and closing it failed: %w", l.ID.Hex(), errNoStart, why, err)
	}
	refunded := "?"
	if cl, ok := ev.Payload.(*lease.Closed); ok {
		refunded = cl.Refunded.String()
	}
	return fmt.Errorf("lease %s: %w (%v); closed it, %s refunded", l.ID.Hex(), errNoStart, why, refunded)
}

// waitLeft waits up to within for lease l to leave state on chain (open:
// started, or settled meanwhile, for follow to tell; none: opened, for an
// awarded lease); it reports whether it did.
func (c *Client) waitLeft(ctx context.Context, l *Lease, lc LeaseConn, state lease.State, within time.Duration, report func(Progress)) (bool, error) {
	deadline := time.NewTimer(within)
	defer deadline.Stop()
	tick := time.NewTicker(c.cfg.PollInterval)
	defer tick.Stop()
	var said string
	var asked time.Time
	for {
		on, err := c.cfg.Escrow.Lease(ctx, l.ID)
		if err != nil {
			return false, err
		}
		if on.State != state {
			return true, nil
		}
		// What the provider is doing meanwhile (pulling the image, say),
		// asked at most once a second.
		if time.Since(asked) >= time.Second {
			asked = time.Now()
			sctx, cancel := context.WithTimeout(ctx, time.Second)
			st, err := lc.Status(sctx)
			cancel()
			if err == nil && st.Detail != "" && st.Detail != said {
				said = st.Detail
				report(Progress{Step: StepStatus, Status: &st, Message: strings.TrimSpace(string(st.State) + " " + st.Detail)})
			}
		}
		select {
		case <-ctx.Done():
			return false, ctx.Err()
		case <-deadline.C:
			return false, nil
		case <-tick.C:
		}
	}
}

// followChain moves the order's expiry, which the escrow judges by block
// timestamps when the lease opens, later by as much as the chain's clock
// runs ahead of this machine's (lease.ChainLead: past an allowance for
// skew), so that a chain whose time jumped ahead does not find the order
// expired.
// The bid deadline stays on this machine's clock: providers and the
// auction judge it by theirs. A lead the order's lease window cannot hold
// is an error.
func (c *Client) followChain(ctx context.Context, o *auction.Order, now time.Time) error {
	next, err := c.cfg.Escrow.NextBlockTime(ctx)
	if err != nil {
		return fmt.Errorf("chain time: %w", err)
	}
	lead := lease.ChainLead(next, now)
	if lead == 0 {
		return nil
	}
	if o.Expiry+lead-o.BidDeadline > auction.MaxLeaseWindow {
		return fmt.Errorf("the chain's clock runs %s ahead of this machine's, and an order must open its lease within %s of its bid deadline by the chain's clock: check this machine's clock, or use a shorter --lease-window",
			time.Duration(lead)*time.Second, time.Duration(auction.MaxLeaseWindow)*time.Second)
	}
	o.Expiry += lead
	return nil
}

// queue auctions job until a bid wins, again and again while every bid
// failed for now (providers busy, no answer, bids late) and queueTimeout
// allows, waiting 2 s between rounds, then twice as long each time, up to
// 30 s. After a round where a provider held what the order needs only for
// other auctions about to close (a burst of orders: every provider bid on
// the first it saw), the next comes in 0.5-1.5 s, at random, so that a
// burst's orders spread out, and the wait does not grow; at most
// maxSoonRounds times, so that providers that say so falsely cannot make
// the tenant flood the market with orders. It returns the order that was
// won and the winning bid.
func (c *Client) queue(ctx context.Context, job *jobspec.Job, queueTimeout time.Duration, res *Result, report func(Progress)) (auction.Order, *auction.SignedBid, error) {
	giveUp := c.cfg.Now().Add(queueTimeout)
	delay := 2 * time.Second
	soon := 0
	for {
		res.Rounds++
		var nonce [8]byte
		rand.Read(nonce[:])
		now := c.cfg.Now()
		order := job.Order(c.cfg.Signer.Address(), c.cfg.Market.ID().String(), now, binary.BigEndian.Uint64(nonce[:]), c.cfg.LeaseWindow)
		if err := c.followChain(ctx, &order, now); err != nil {
			return order, nil, err
		}
		so, err := c.cfg.Domain.SignOrder(order, c.cfg.Signer)
		if err != nil {
			return order, nil, err
		}
		vo, err := c.cfg.Domain.VerifyOrder(so)
		if err != nil {
			return order, nil, err
		}
		res.OrderHash = vo.Hash
		win, srv, err := c.auction(ctx, so, vo, job.MinReputation, res, report)
		if srv != nil {
			srv.Stop()
		}
		// Providers only busy or silent, or an order that reached the
		// market after its own deadline (a slow moment): another round.
		var none *NoWinnerError
		again := errors.As(err, &none) && none.ForNow() || win == nil && errors.Is(err, auction.ErrLate)
		wait, soonAgain := delay, again && none != nil && none.Soon() && soon < maxSoonRounds
		if soonAgain {
			wait = soonRetry()
		}
		if !again || !c.cfg.Now().Add(wait).Before(giveUp) {
			return order, win, err
		}
		if soonAgain {
			soon++
		} else {
			delay = min(2*delay, 30*time.Second)
		}
		report(Progress{Step: StepQueued, Message: fmt.Sprintf("round %d: %v; auctioning again in %s", res.Rounds, err, wait.Round(100*time.Millisecond))})
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return order, nil, ctx.Err()
		case <-t.C:
		}
	}
}

// maxSoonRounds bounds the rounds of one submission that follow another
// at once (queue).
const maxSoonRounds = 10

// soonRetry is how long to wait before auctioning again when providers
// hold what the order needs only for other auctions about to close: 0.5 s
// and up to 1 s more, at random.
func soonRetry() time.Duration {
	return 500*time.Millisecond + mrand.N(time.Second)
}

// waitPeer waits up to PeerTimeout for a first market peer that takes
// orders, so that the first auction is not lost to an empty topic.
func (c *Client) waitPeer(ctx context.Context) error {
	deadline := time.Now().Add(c.cfg.PeerTimeout)
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	for len(c.cfg.Market.OrderPeers()) == 0 {
		if time.Now().After(deadline) {
			return ErrNoPeer
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-tick.C:
		}
	}
	return nil
}

// auction publishes the order, collects bids until the window closes,
// scores the bidders, closes the auction under the reputation floor
// minReputation and returns the winning bid. The caller stops the returned
// auctioneer.
func (c *Client) auction(ctx context.Context, so auction.SignedOrder, vo auction.VerifiedOrder, minReputation uint64, res *Result, report func(Progress)) (*auction.SignedBid, Auctioneer, error) {
	var bids bidders
	var reputation func(common.Address) uint64
	if c.cfg.Reputation != nil {
		reputation = bids.score
	}
	a, err := auction.NewAuction(c.cfg.Domain, vo, reputation, auction.WithMinReputation(minReputation))
	if err != nil {
		return nil, nil, err
	}
	if minReputation > 0 && c.cfg.Reputation != nil {
		c.admitQualified(ctx, a, minReputation, report)
	}
	srv, err := c.cfg.Market.ServeAuction(a, func(r network.BidReceipt) {
		bids.add(r.Bid.Bid.Provider)
		report(Progress{Step: StepBid, Bid: &r, Message: fmt.Sprintf("bid from %s: %s per hour", r.Bid.Bid.Provider.Hex(), r.Bid.Bid.PricePerHour)})
	})
	if err != nil {
		return nil, nil, err
	}
	if err := c.cfg.Market.PublishOrder(ctx, so); err != nil {
		return nil, srv, err
	}
	deadline := time.Unix(int64(so.Order.BidDeadline), 0)
	report(Progress{Step: StepPublished, Remaining: deadline.Sub(c.cfg.Now()), Message: "order " + vo.Hash.Hex() + " published"})
	if err := c.waitWindow(ctx, deadline, report); err != nil {
		return nil, srv, err
	}
	var unrated error
	if c.cfg.Reputation != nil {
		n, err := bids.rate(ctx, c.cfg.Reputation)
		switch {
		case err != nil && minReputation > 0:
			unrated = err
			report(Progress{Step: StepReputation, Message: fmt.Sprintf("reputation from broker unavailable: %v; every bidder counts 0, below minReputation %d", err, minReputation)})
		case err != nil:
			report(Progress{Step: StepReputation, Message: fmt.Sprintf("reputation from broker unavailable: %v; ties go by arrival", err)})
		case n > 0 && minReputation > 0:
			report(Progress{Step: StepReputation, Message: fmt.Sprintf("reputation of %d bidders from the broker; bids from providers below minReputation %d cannot win, price ties go to the higher score", n, minReputation)})
		case n > 0:
			report(Progress{Step: StepReputation, Message: fmt.Sprintf("reputation of %d bidders from the broker; price ties go to the higher score", n)})
		}
	}
	t, err := srv.Close(ctx, c.cfg.Now(), c.cfg.Signer)
	if err != nil && t.Signature == (auction.Signature{}) {
		return nil, srv, fmt.Errorf("close the auction: %w", err)
	}
	if err != nil {
		c.log.Warn("transcript not published", "err", err)
	}
	res.Transcript, res.NoBids = t, srv.NoBids()
	report(Progress{Step: StepClosed, Message: fmt.Sprintf("window closed: %d bids, %d no-bids", len(t.Entries), len(res.NoBids))})
	for i := range t.Entries {
		if t.Winner != (common.Hash{}) && c.cfg.Domain.BidHash(&t.Entries[i].Bid.Bid) == t.Winner {
			return &t.Entries[i].Bid, srv, nil
		}
	}
	return nil, srv, &NoWinnerError{Entries: t.Entries, NoBids: res.NoBids, MinReputation: t.MinReputation, Unrated: unrated}
}

// admitQualified makes auction a take bids only from the providers the
// reputation source says reach the floor min, so that throwaway keys below
// it cannot crowd the qualifying bids out of the auction's places. When
// the list cannot be had, or is not complete, every provider is admitted
// (and the floor still decides at the close).
func (c *Client) admitQualified(ctx context.Context, a *auction.Auction, min uint64, report func(Progress)) {
	ctx, cancel := context.WithTimeout(ctx, reputationTimeout)
	defer cancel()
	providers, complete, err := c.cfg.Reputation.Qualified(ctx, min)
	switch {
	case err != nil:
		report(Progress{Step: StepReputation, Message: fmt.Sprintf("the providers at minReputation %d are unknown (%v): every bid is taken, and the floor decides at the close", min, err)})
	case !complete:
		report(Progress{Step: StepReputation, Message: fmt.Sprintf("more providers reach minReputation %d than the broker lists: every bid is taken, and the floor decides at the close", min)})
	default:
		admitted := make(map[common.Address]bool, len(providers))
		for _, p := range providers {
			admitted[p] = true
		}
		a.AdmitOnly(func(p common.Address) bool { return admitted[p] })
		report(Progress{Step: StepReputation, Message: fmt.Sprintf("%d providers reach minReputation %d: bids from others are refused", len(providers), min)})
	}
}

// waitWindow waits for the bid deadline, reporting the time left each
// second.
func (c *Client) waitWindow(ctx context.Context, deadline time.Time, report func(Progress)) error {
	tick := time.NewTicker(time.Second)
	defer tick.Stop()
	// Bids must arrive before the deadline second; close just after it.
	end := time.NewTimer(time.Until(deadline) + 100*time.Millisecond)
	defer end.Stop()
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-end.C:
			return nil
		case <-tick.C:
			report(Progress{Step: StepWindow, Remaining: max(deadline.Sub(c.cfg.Now()), 0).Round(time.Second)})
		}
	}
}

// follow streams the logs and status of lease l until it settles on chain
// (watching from block from) and returns the settling event; it returns
// early, with an error, when the provider reports it could not run the
// job. Every goroutine it starts has ended when it returns.
func (c *Client) follow(ctx context.Context, l *Lease, lc LeaseConn, from uint64, logs io.Writer, report func(Progress)) (lease.Event, error) {
	ctx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	defer func() {
		cancel()
		wg.Wait()
	}()
	logsDone := make(chan struct{})
	if logs != nil {
		wg.Go(func() {
			defer close(logsDone)
			c.followLogs(ctx, lc, logs)
		})
	} else {
		close(logsDone)
	}
	failed, ended := make(chan string, 1), make(chan struct{}, 1)
	wg.Go(func() { c.reportStatus(ctx, lc, report, failed, ended) })
	settled := make(chan lease.Event, 1)
	watchErr := make(chan error, 1)
	wg.Go(func() {
		ev, err := c.waitSettled(ctx, l.ID, from)
		if err != nil {
			watchErr <- err
			return
		}
		settled <- ev
	})
	var ev lease.Event
	var stale <-chan time.Time // the provider said the job ended
wait:
	for {
		select {
		case <-ctx.Done():
			return lease.Event{}, ctx.Err()
		case err := <-watchErr:
			return lease.Event{}, fmt.Errorf("watch the escrow: %w", err)
		case why := <-failed:
			// Stop paying for a job that will not run.
			ev, err := c.closeOnChain(ctx, l)
			if err != nil {
				return lease.Event{}, fmt.Errorf("the provider could not run the job: %s; closing the lease failed, close it with tenant cancel %s: %w", why, l.ID.Hex(), err)
			}
			report(Progress{Step: StepSettled, Message: "the provider could not run the job; the lease is closed"})
			return ev, fmt.Errorf("%w: %s (the lease is closed, its deposit back but for the seconds it ran)", ErrProviderFailed, why)
		case <-ended:
			t := time.NewTimer(c.cfg.CancelGrace)
			defer t.Stop()
			stale = t.C
		case <-stale:
			report(Progress{Step: StepStatus, Message: fmt.Sprintf("the job ended, but its provider has not closed the lease within %s: closing it", c.cfg.CancelGrace)})
			var err error
			if ev, err = c.closeOnChain(ctx, l); err != nil {
				return lease.Event{}, fmt.Errorf("close the lease of a job that ended: %w", err)
			}
			break wait
		case ev = <-settled:
			break wait
		}
	}
	// Give the log stream a moment to deliver its tail.
	t := time.NewTimer(5 * time.Second)
	defer t.Stop()
	select {
	case <-logsDone:
	case <-t.C:
	}
	return ev, nil
}

// followLogs copies the job's logs to w until ctx is done or the job's
// log ends, reconnecting when the stream breaks.
func (c *Client) followLogs(ctx context.Context, lc LeaseConn, w io.Writer) {
	for ctx.Err() == nil {
		err := lc.Logs(ctx, true, w)
		if err == nil || ctx.Err() != nil {
			return
		}
		c.log.Debug("log stream ended; reconnecting", "err", err)
		t := time.NewTimer(c.cfg.PollInterval)
		select {
		case <-ctx.Done():
		case <-t.C:
		}
		t.Stop()
	}
}

// waitSettled watches the escrow from block from until lease id settles,
// and returns the settling event (with who sent it).
func (c *Client) waitSettled(ctx context.Context, id common.Hash, from uint64) (lease.Event, error) {
	var got lease.Event
	err := c.cfg.Escrow.Watch(ctx, lease.WatchOptions{From: lease.Cursor{Block: from}, PollInterval: c.cfg.PollInterval}, func(ev lease.Event) error {
		// A replica's report ends it for the tenant: its pay waits for
		// the group.
		if ev.LeaseID == id && (ev.Kind.Settles() || ev.Kind == lease.EventReported) {
			got = ev
			return errSettled
		}
		return nil
	})
	if errors.Is(err, errSettled) {
		return got, nil
	}
	return lease.Event{}, err
}

var errSettled = errors.New("lease settled")

// reportStatus reports the provider's status as it changes until ctx is
// done, says on failed when the provider gave the job up, and on ended
// when the job has ended.
func (c *Client) reportStatus(ctx context.Context, lc LeaseConn, report func(Progress), failed chan<- string, ended chan<- struct{}) {
	var last string
	tick := time.NewTicker(c.cfg.PollInterval)
	defer tick.Stop()
	for {
		st, err := lc.Status(ctx)
		if err == nil && string(st.State)+st.Detail != last {
			last = string(st.State) + st.Detail
			report(Progress{Step: StepStatus, Status: &st, Message: strings.TrimSpace(string(st.State) + " " + st.Detail)})
			if st.State == network.JobFailed {
				failed <- st.Detail
				return
			}
			if st.State == network.JobExited || st.State == network.JobClosed {
				select {
				case ended <- struct{}{}:
				default:
				}
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}

// settle fills in how the lease settled from its settling event.
func (r *Result) settle(ev lease.Event, tenant common.Address) {
	r.Settled, r.Ending, r.SettledBlock = true, ev.Kind.String(), ev.Log.BlockNumber
	switch p := ev.Payload.(type) {
	case *lease.Closed:
		r.ExitCode, r.ResultHash, r.Paid, r.Refunded = p.ExitCode, p.ResultHash, p.Paid, p.Refunded
		r.Cancelled = p.By == tenant || p.ExitCode.Reason() == lease.ExitCancelled
	case *lease.Overdrawn:
		r.Paid, r.Refunded = p.Paid, new(big.Int)
	case *lease.Reclaimed:
		r.Paid, r.Refunded = new(big.Int), p.Refunded
	}
}

func settledText(r *Result) string {
	switch {
	case r.Cancelled:
		return fmt.Sprintf("cancelled: exit %s, paid %s, refunded %s", r.ExitCode, r.Paid, r.Refunded)
	case r.Ending == lease.EventClosed.String():
		return fmt.Sprintf("closed: exit %s, paid %s, refunded %s", r.ExitCode, r.Paid, r.Refunded)
	}
	return fmt.Sprintf("%s: paid %s, refunded %s", strings.ToLower(r.Ending), r.Paid, r.Refunded)
}
