// Package tenant is the ML engineer's side of a job's life on the market:
// it signs and publishes a job's order, serves its sealed-bid auction as
// the auctioneer, closes the window and publishes the transcript, opens the
// lease in escrow with a deposit for the whole max duration, hands the
// winner the job's input and secrets, follows status and logs until the
// lease closes, and downloads /output, checking it against the hash the
// provider committed on chain.
package tenant

import (
	"context"
	"crypto/rand"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/big"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/ethereum/go-ethereum/accounts/abi/bind/v2"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/libp2p/go-libp2p/core/peer"
	ma "github.com/multiformats/go-multiaddr"

	"github.com/tender-market/tender/pkg/auction"
	"github.com/tender-market/tender/pkg/jobspec"
	"github.com/tender-market/tender/pkg/lease"
	"github.com/tender-market/tender/pkg/lease/escrow"
	"github.com/tender-market/tender/pkg/network"
)

// Market is what a tenant needs from its market node (*network.Node).
type Market interface {
	ID() peer.ID
	PublishOrder(ctx context.Context, so auction.SignedOrder) error
	ServeAuction(a *auction.Auction, onBid func(network.BidReceipt)) (*network.Auctioneer, error)
	Lease(provider peer.ID, leaseID common.Hash, tenant auction.Signer) *network.LeaseClient
	PeerAddrs(p peer.ID) []ma.Multiaddr
}

// Escrow is what a tenant needs from the escrow (*lease.Client).
type Escrow interface {
	Open(ctx context.Context, auth *bind.TransactOpts, order *auction.Order, bid *auction.SignedBid, deposit *big.Int) (common.Hash, *types.Receipt, error)
	Watch(ctx context.Context, opts lease.WatchOptions, handle func(lease.Event) error) error
}

var (
	_ Market = (*network.Node)(nil)
	_ Escrow = (*lease.Client)(nil)
)

// Config says who submits and through what.
type Config struct {
	Domain auction.Domain
	Signer auction.Signer
	Auth   *bind.TransactOpts
	Market Market
	Escrow Escrow
	// Reputation, when set, scores the bidders once the bid window
	// closes, and the auction breaks price ties by the higher score; when
	// it fails, or is nil, every bidder scores 0 and ties go by arrival.
	// It is given at most 5 s: it never holds a job up.
	Reputation Reputation
	// Records, when set, keeps a record of each lease, saved before the
	// lease is opened on chain.
	Records LeaseRecorder
	// LeaseWindow is how long after the bid window the order stays valid
	// for opening its lease. Default 10m.
	LeaseWindow time.Duration
	// PollInterval is how often status and escrow events are polled.
	// Default 2s.
	PollInterval time.Duration
	Logger       *slog.Logger
	Now          func() time.Time
}

// Options are one submission's choices.
type Options struct {
	// InputDir, when set, is sent as the job's /input.
	InputDir string
	// Detach returns once the job was handed to the provider.
	Detach bool
	// Logs receives the job's logs while it runs (nil: not followed).
	Logs io.Writer
	// OutputFile receives the /output archive (empty: not downloaded).
	OutputFile string
	// Progress is told what happens; it must not block.
	Progress func(Progress)
	// Deposit, when set, is deposited instead of price x max duration; the
	// lease is overdrawn when the job runs longer than it pays for.
	Deposit *big.Int
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
	StepLeaseOpened Step = "lease-opened"
	StepHandedOver  Step = "handed-over"
	StepStatus      Step = "status"
	StepSettled     Step = "settled"
	StepDownloaded  Step = "downloaded"
)

// Result is what a submission did.
type Result struct {
	OrderHash  common.Hash        `json:"orderHash"`
	Transcript auction.Transcript `json:"-"`
	Winner     *auction.Bid       `json:"winner,omitempty"`
	// NoBids are the providers' signed reasons for not bidding.
	NoBids  []auction.SignedNoBid `json:"noBids,omitempty"`
	LeaseID common.Hash           `json:"leaseId"`
	Deposit *big.Int              `json:"deposit"`
	// Settlement, once the lease closed (not when detached).
	Settled    bool        `json:"settled"`
	ExitCode   int32       `json:"exitCode"`
	ResultHash common.Hash `json:"resultHash"`
	Paid       *big.Int    `json:"paid,omitempty"`
	// SettledBlock is the block of the settling event.
	SettledBlock uint64   `json:"settledBlock,omitempty"`
	Refunded     *big.Int `json:"refunded,omitempty"`
	// OutputFile holds the /output archive, its SHA-256 checked against
	// ResultHash.
	OutputFile string `json:"outputFile,omitempty"`
	OutputSize int64  `json:"outputSize,omitempty"`
}

// NoWinnerError says why an auction ended without a winner: the bids and
// why each could not win, and the providers' signed reasons for not
// bidding.
type NoWinnerError struct {
	Entries []auction.Entry
	NoBids  []auction.SignedNoBid
}

func (e *NoWinnerError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "no provider won the order: %d bids qualified none", len(e.Entries))
	for _, en := range e.Entries {
		fmt.Fprintf(&b, "\n  bid from %s at %s per hour: %s", en.Bid.Bid.Provider.Hex(), en.Bid.Bid.PricePerHour, en.Reason)
	}
	if len(e.NoBids) == 0 && len(e.Entries) == 0 {
		b.WriteString("; no provider answered (none saw the order, or none is online)")
	}
	for _, nb := range e.NoBids {
		fmt.Fprintf(&b, "\n  %s did not bid: %s: %s", nb.NoBid.Provider.Hex(), nb.NoBid.Reason, nb.NoBid.Detail)
	}
	return b.String()
}

// Submitter runs submissions.
type Submitter struct {
	cfg Config
	log *slog.Logger
}

// New checks cfg.
func New(cfg Config) (*Submitter, error) {
	switch {
	case cfg.Signer == nil || cfg.Auth == nil:
		return nil, errors.New("tenant: a key is needed (Signer and Auth)")
	case cfg.Auth.From != cfg.Signer.Address():
		return nil, fmt.Errorf("tenant: transactions from %s but orders signed by %s", cfg.Auth.From.Hex(), cfg.Signer.Address().Hex())
	case cfg.Market == nil || cfg.Escrow == nil:
		return nil, errors.New("tenant: Market and Escrow are required")
	}
	if cfg.LeaseWindow <= 0 {
		cfg.LeaseWindow = 10 * time.Minute
	}
	if cfg.PollInterval <= 0 {
		cfg.PollInterval = 2 * time.Second
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return &Submitter{cfg: cfg, log: cfg.Logger}, nil
}

// Deposit is what a lease at pricePerHour for maxDuration seconds can
// cost at most: price x seconds / 3600, rounded up.
func Deposit(pricePerHour *big.Int, maxDuration uint64) *big.Int {
	v := new(big.Int).Mul(pricePerHour, new(big.Int).SetUint64(maxDuration))
	q, r := v.QuoRem(v, big.NewInt(lease.SecondsPerHour), new(big.Int))
	if r.Sign() > 0 {
		q.Add(q, big.NewInt(1))
	}
	return q
}

// Submit runs job on the market, from order to results.
func (s *Submitter) Submit(ctx context.Context, job *jobspec.Job, opts Options) (*Result, error) {
	report := opts.Progress
	if report == nil {
		report = func(Progress) {}
	}
	var nonce [8]byte
	rand.Read(nonce[:])
	order := job.Order(s.cfg.Signer.Address(), s.cfg.Market.ID().String(), s.cfg.Now(), binary.BigEndian.Uint64(nonce[:]), s.cfg.LeaseWindow)
	so, err := s.cfg.Domain.SignOrder(order, s.cfg.Signer)
	if err != nil {
		return nil, err
	}
	vo, err := s.cfg.Domain.VerifyOrder(so)
	if err != nil {
		return nil, err
	}
	res := &Result{OrderHash: vo.Hash}
	var bids bidders
	var reputation func(common.Address) uint64
	if s.cfg.Reputation != nil {
		reputation = bids.score
	}
	a, err := auction.NewAuction(s.cfg.Domain, vo, reputation)
	if err != nil {
		return nil, err
	}
	srv, err := s.cfg.Market.ServeAuction(a, func(r network.BidReceipt) {
		bids.add(r.Bid.Bid.Provider)
		report(Progress{Step: StepBid, Bid: &r, Message: fmt.Sprintf("bid from %s: %s per hour", r.Bid.Bid.Provider.Hex(), r.Bid.Bid.PricePerHour)})
	})
	if err != nil {
		return nil, err
	}
	defer srv.Stop()
	if err := s.cfg.Market.PublishOrder(ctx, so); err != nil {
		return nil, err
	}
	deadline := time.Unix(int64(order.BidDeadline), 0)
	report(Progress{Step: StepPublished, Remaining: deadline.Sub(s.cfg.Now()), Message: "order " + vo.Hash.Hex() + " published"})

	if err := s.waitWindow(ctx, deadline, report); err != nil {
		return nil, err
	}
	if s.cfg.Reputation != nil {
		if n, err := bids.rate(ctx, s.cfg.Reputation); err != nil {
			report(Progress{Step: StepReputation, Message: fmt.Sprintf("reputation from broker unavailable: %v; ties go by arrival", err)})
		} else if n > 0 {
			report(Progress{Step: StepReputation, Message: fmt.Sprintf("reputation of %d bidders from the broker; price ties go to the higher score", n)})
		}
	}
	t, err := srv.Close(ctx, s.cfg.Now(), s.cfg.Signer)
	if err != nil && t.Signature == (auction.Signature{}) {
		return nil, fmt.Errorf("close the auction: %w", err)
	}
	if err != nil {
		s.log.Warn("transcript not published", "err", err)
	}
	res.Transcript = t
	res.NoBids = srv.NoBids()
	report(Progress{Step: StepClosed, Message: fmt.Sprintf("window closed: %d bids, %d no-bids", len(t.Entries), len(srv.NoBids()))})
	var win *auction.SignedBid
	for i := range t.Entries {
		if s.cfg.Domain.BidHash(&t.Entries[i].Bid.Bid) == t.Winner {
			win = &t.Entries[i].Bid
		}
	}
	if t.Winner == (common.Hash{}) || win == nil {
		return res, &NoWinnerError{Entries: t.Entries, NoBids: srv.NoBids()}
	}
	res.Winner = &win.Bid
	providerPeer, err := peer.Decode(win.Bid.PeerID)
	if err != nil {
		return res, fmt.Errorf("winner's peer ID: %w", err)
	}

	res.Deposit = Deposit(win.Bid.PricePerHour, order.MaxDuration)
	if opts.Deposit != nil {
		res.Deposit = new(big.Int).Set(opts.Deposit)
	}
	rec := &LeaseRecord{
		LeaseID: s.cfg.Domain.BidHash(&win.Bid), OrderHash: vo.Hash, Order: order, Bid: *win,
		ProviderPeer: providerPeer.String(), Deposit: res.Deposit, Created: s.cfg.Now().UTC(),
	}
	for _, a := range s.cfg.Market.PeerAddrs(providerPeer) {
		rec.ProviderAddrs = append(rec.ProviderAddrs, a.String())
	}
	if s.cfg.Records != nil {
		// Before the deposit moves: a crash after opening loses nothing.
		if err := s.cfg.Records.Save(rec); err != nil {
			return res, err
		}
	}
	id, receipt, err := s.cfg.Escrow.Open(ctx, s.cfg.Auth, &order, win, res.Deposit)
	if err != nil {
		return res, err
	}
	res.LeaseID = id
	if s.cfg.Records != nil {
		rec.OpenedBlock = receipt.BlockNumber.Uint64()
		if err := s.cfg.Records.Save(rec); err != nil {
			s.log.Warn("lease record not updated with its block", "lease", id, "err", err)
		}
	}
	report(Progress{Step: StepLeaseOpened, Message: fmt.Sprintf("lease %s opened with %s from %s at %s per hour, deposit %s", id.Hex(), win.Bid.Provider.Hex(), providerPeer, win.Bid.PricePerHour, res.Deposit)})

	lc := s.cfg.Market.Lease(providerPeer, id, s.cfg.Signer)
	if opts.InputDir != "" {
		if err := s.retry(ctx, func() error { return sendInput(ctx, lc, opts.InputDir) }); err != nil {
			return res, fmt.Errorf("send input: %w", err)
		}
	}
	if err := s.retry(ctx, func() error { return lc.PutSecrets(ctx, job.Secrets) }); err != nil {
		return res, fmt.Errorf("send secrets: %w", err)
	}
	report(Progress{Step: StepHandedOver, Message: "job handed to the provider"})
	if opts.Detach {
		return res, nil
	}
	if err := s.follow(ctx, lc, receipt, res, opts, report); err != nil {
		return res, err
	}
	return res, nil
}

// waitWindow waits for the bid deadline, reporting the time left each
// second.
func (s *Submitter) waitWindow(ctx context.Context, deadline time.Time, report func(Progress)) error {
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
			report(Progress{Step: StepWindow, Remaining: max(deadline.Sub(s.cfg.Now()), 0).Round(time.Second)})
		}
	}
}

// retry retries f while the provider does not know the lease yet (it has
// not seen it open on chain).
func (s *Submitter) retry(ctx context.Context, f func() error) error {
	delay := 200 * time.Millisecond
	for attempt := 0; ; attempt++ {
		err := f()
		if err == nil || !errors.Is(err, network.ErrUnknownLease) || attempt >= 30 {
			return err
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(delay):
		}
		delay = min(2*delay, 2*time.Second)
	}
}

// follow streams the logs and status until the lease settles on chain,
// then downloads the output.
func (s *Submitter) follow(ctx context.Context, lc *network.LeaseClient, opened *types.Receipt, res *Result, opts Options, report func(Progress)) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var wg sync.WaitGroup
	defer wg.Wait()
	logsDone := make(chan struct{})
	if opts.Logs != nil {
		wg.Go(func() {
			defer close(logsDone)
			for ctx.Err() == nil {
				err := lc.Logs(ctx, true, opts.Logs)
				if err == nil || ctx.Err() != nil {
					return
				}
				s.log.Debug("log stream ended; reconnecting", "err", err)
				select {
				case <-ctx.Done():
				case <-time.After(s.cfg.PollInterval):
				}
			}
		})
	} else {
		close(logsDone)
	}
	failed := make(chan string, 1)
	wg.Go(func() { s.reportStatus(ctx, lc, report, failed) })

	settled := make(chan lease.Event, 1)
	watchErr := make(chan error, 1)
	wg.Go(func() {
		from := lease.Cursor{Block: opened.BlockNumber.Uint64()}
		err := s.cfg.Escrow.Watch(ctx, lease.WatchOptions{From: from, PollInterval: s.cfg.PollInterval}, func(ev lease.Event) error {
			if ev.LeaseID == res.LeaseID && (ev.Kind == lease.EventClosed || ev.Kind == lease.EventOverdrawn || ev.Kind == lease.EventReclaimed) {
				settled <- ev
				return errSettled
			}
			return nil
		})
		if !errors.Is(err, errSettled) && ctx.Err() == nil {
			watchErr <- err
		}
	})
	var ev lease.Event
	select {
	case <-ctx.Done():
		return ctx.Err()
	case err := <-watchErr:
		return fmt.Errorf("watch the escrow: %w", err)
	case why := <-failed:
		return fmt.Errorf("the provider could not run the job: %s (if it never started the lease, the deposit can be reclaimed after the start deadline)", why)
	case ev = <-settled:
	}
	res.SettledBlock = ev.Log.BlockNumber
	switch p := ev.Payload.(type) {
	case *escrow.EscrowClosed:
		res.Settled, res.ExitCode, res.ResultHash, res.Paid, res.Refunded = true, p.ExitCode, p.ResultHash, p.Paid, p.Refunded
	case *escrow.EscrowOverdrawn:
		res.Settled = true
	case *escrow.EscrowReclaimed:
		res.Settled = true
	}
	report(Progress{Step: StepSettled, Message: fmt.Sprintf("lease %s: exit code %d, paid %s, refunded %s", ev.Kind, res.ExitCode, amount(res.Paid), amount(res.Refunded))})
	// Give the log stream a moment to deliver its tail.
	select {
	case <-logsDone:
	case <-time.After(5 * time.Second):
	}
	cancel()
	wg.Wait()
	if opts.OutputFile == "" || ev.Kind != lease.EventClosed {
		return nil
	}
	return s.download(context.WithoutCancel(ctx), lc, res, opts.OutputFile, report)
}

var errSettled = errors.New("lease settled")

func amount(v *big.Int) string {
	if v == nil {
		return "-"
	}
	return v.String()
}

// stateFailed is the provider daemon's status for a lease it gave up.
const stateFailed = "failed"

func (s *Submitter) reportStatus(ctx context.Context, lc *network.LeaseClient, report func(Progress), failed chan<- string) {
	var last string
	tick := time.NewTicker(s.cfg.PollInterval)
	defer tick.Stop()
	for {
		st, err := lc.Status(ctx)
		if err == nil && st.State+st.Detail != last {
			last = st.State + st.Detail
			report(Progress{Step: StepStatus, Status: &st, Message: strings.TrimSpace(st.State + " " + st.Detail)})
			if st.State == stateFailed {
				failed <- st.Detail
				return
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}

// download fetches /output and checks it against the hash on chain.
func (s *Submitter) download(ctx context.Context, lc *network.LeaseClient, res *Result, path string, report func(Progress)) error {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return fmt.Errorf("output: %w", err)
	}
	defer f.Close()
	info, err := lc.DownloadOutput(ctx, f)
	if err != nil {
		return fmt.Errorf("download output: %w", err)
	}
	if common.Hash(info.SHA256) != res.ResultHash {
		return fmt.Errorf("%w: the output's SHA-256 is %x, the provider committed %s on chain", network.ErrCorrupt, info.SHA256, res.ResultHash.Hex())
	}
	res.OutputFile, res.OutputSize = path, info.Size
	report(Progress{Step: StepDownloaded, Message: fmt.Sprintf("output: %s (%d bytes, SHA-256 matches the chain)", path, info.Size)})
	return nil
}
