package tenant

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"math/big"
	"os"
	"sync"

	"github.com/ethereum/go-ethereum/accounts/abi/bind/v2"
	"github.com/ethereum/go-ethereum/common"

	"github.com/tender-market/tender/pkg/auction"
	"github.com/tender-market/tender/pkg/jobspec"
	"github.com/tender-market/tender/pkg/lease"
	"github.com/tender-market/tender/pkg/network"
	"github.com/tender-market/tender/pkg/result"
)

// Replica is one run of a verified order's job (Result.Replicas).
type Replica struct {
	LeaseID  common.Hash    `json:"leaseId"`
	Provider common.Address `json:"provider"`
	// Role is why it ran: "replica" (a winner of the auction), "check"
	// (the secret second run of a spot-checked order) or "referee" (after
	// two replicas disagreed).
	Role string `json:"role"`
	// Ending is how its lease ended for the tenant: Reported (with
	// ResultDigest: its pay is held until the group settles), or Closed,
	// Reclaimed, ... when it left the group without a result. Empty when
	// no lease ran (Error says why).
	Ending       string         `json:"ending,omitempty"`
	ExitCode     lease.ExitCode `json:"exitCode"`
	ResultDigest common.Hash    `json:"resultDigest"`
	// Deposit is what its lease took from the tenant.
	Deposit *big.Int `json:"deposit,omitempty"`
	// Held is what its provider earned, held for the group.
	Held *big.Int `json:"held,omitempty"`
	// Agreed, Paid and Refunded are the group's settlement of it: paid to
	// its provider when its digest was the majority's, else refunded.
	Agreed   bool     `json:"agreed"`
	Paid     *big.Int `json:"paid,omitempty"`
	Refunded *big.Int `json:"refunded,omitempty"`
	Error    string   `json:"error,omitempty"`

	lc     LeaseConn
	opened uint64
	// first is the block of the first lease opened for it (one that never
	// started and was replaced is still in the group): where its group's
	// members' openings are looked up from.
	first uint64
}

// Replica roles.
const (
	RoleReplica = "replica"
	RoleCheck   = "check"
	RoleReferee = "referee"
)

// spares hands out the auction's spare bids, best first, one at a time.
type spares struct {
	mu   sync.Mutex
	bids []auction.SignedBid
}

func (s *spares) take() *auction.SignedBid {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.bids) == 0 {
		return nil
	}
	b := s.bids[0]
	s.bids = s.bids[1:]
	return &b
}

// ErrTooFewProviders: a replicated order's auction did not find as many
// distinct providers as it asks replicas.
var ErrTooFewProviders = errors.New("too few distinct providers won the order")

// replicate runs a verified order's job: on each of the auction's winners
// (distinct providers), and for a spot-checked order, about as often as
// it asks and chosen here, on the best other provider too; a winner that
// does not start is replaced by the next spare. When two replicas of two
// disagree, a spare runs as the referee. Then the tenant settles the
// group (when the escrow allows it yet; the providers do otherwise) and
// downloads the output of a replica whose digest is the majority's.
func (c *Client) replicate(ctx context.Context, job *jobspec.Job, order auction.Order, opts Options, res *Result, report func(Progress)) error {
	winners, rest, err := c.cfg.Domain.Winners(&res.Transcript)
	if err != nil {
		return err
	}
	v := order.Verify
	if v.Replicated() && len(winners) < int(v.Replicas) {
		return fmt.Errorf("%w: the order asks for %d replicas, %d providers qualified", ErrTooFewProviders, v.Replicas, len(winners))
	}
	pool := &spares{bids: rest}
	runs := make([]Replica, len(winners))
	bids := winners
	for i := range runs {
		runs[i].Role = RoleReplica
	}
	if !v.Replicated() && c.spotCheck(v.SpotCheckBps) {
		if b := pool.take(); b != nil {
			bids = append(bids, *b)
			runs = append(runs, Replica{Role: RoleCheck})
			report(Progress{Step: StepFallback, Message: fmt.Sprintf("spot check: the job runs on %s too", b.Bid.Provider.Hex())})
		}
	}
	if opts.Gasless {
		// One permit for every replica's deposit: the awards share it.
		p, err := c.sharedPermit(ctx, order, bids, opts)
		if err != nil {
			return err
		}
		opts.permit = p
	}
	// The replicas' transactions come from one account: one at a time,
	// so that their nonces and the escrow's allowance stay in order.
	rc := *c
	rc.cfg.Escrow = serialEscrow{Escrow: c.cfg.Escrow, mu: new(sync.Mutex)}
	c = &rc
	var wg sync.WaitGroup
	for i := range runs {
		o := opts
		if i > 0 {
			o.Logs, o.Forward = nil, nil // one replica's logs and service
		}
		wg.Go(func() { c.runReplica(ctx, job, order, bids[i], pool, o, &runs[i], report) })
	}
	wg.Wait()
	if d := digests(runs); v.MaxReplicas() == 2 && len(d) == 2 && d[0] != d[1] {
		if b := pool.take(); b != nil {
			report(Progress{Step: StepFallback, Message: fmt.Sprintf("the two replicas disagree (%s, %s): %s referees", d[0].Hex(), d[1].Hex(), b.Bid.Provider.Hex())})
			runs = append(runs, Replica{Role: RoleReferee})
			o := opts
			o.Logs, o.Forward, o.permit = nil, nil, nil
			c.runReplica(ctx, job, order, *b, pool, o, &runs[len(runs)-1], report)
		} else {
			report(Progress{Step: StepFallback, Message: "the two replicas disagree and no other provider bid: neither is paid"})
		}
	}
	res.Replicas = runs
	var failed []error
	for _, r := range runs {
		if r.Ending == "" {
			failed = append(failed, fmt.Errorf("%s on %s: %s", r.Role, r.Provider.Hex(), r.Error))
		}
	}
	if len(failed) == len(runs) {
		return fmt.Errorf("no replica ran: %w", errors.Join(failed...))
	}
	res.Deposit = new(big.Int)
	for _, r := range runs {
		if r.LeaseID != (common.Hash{}) && r.Deposit != nil {
			res.Deposit.Add(res.Deposit, r.Deposit)
		}
	}
	if ctx.Err() != nil {
		return ctx.Err()
	}
	if err := c.settleReplicas(ctx, opts, res, report); err != nil {
		return err
	}
	if opts.OutputFile == "" {
		return nil
	}
	return c.downloadMajority(ctx, order.Verify.Paths, opts.OutputFile, res, report)
}

// sharedPermit signs one permit for the deposits of the replicas of bids,
// valid until the order expires (after which no award can be used); nil
// when the token takes no permits (each award then checks the allowance).
func (c *Client) sharedPermit(ctx context.Context, order auction.Order, bids []auction.SignedBid, opts Options) (*auction.Permit, error) {
	total := new(big.Int)
	for _, b := range bids {
		d := lease.NewTerms(&order, &b.Bid).MaxCost()
		if opts.Deposit != nil {
			d = opts.Deposit
		}
		total.Add(total, d)
	}
	p, err := c.cfg.Escrow.SignPermit(ctx, c.cfg.Signer, total, order.Expiry-1)
	if errors.Is(err, lease.ErrNoPermit) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return &p, nil
}

// spotCheck reports whether this spot-checked order runs a second
// replica: with probability bps/10000, from the client's randomness.
func (c *Client) spotCheck(bps uint16) bool {
	if bps == 0 {
		return false
	}
	n, err := rand.Int(c.cfg.Rand, big.NewInt(10_000))
	if err != nil {
		return true // no randomness: check rather than not
	}
	return n.Int64() < int64(bps)
}

// runReplica runs one replica from bid, or from the next spare when its
// provider does not start, until its lease reports or ends.
func (c *Client) runReplica(ctx context.Context, job *jobspec.Job, order auction.Order, bid auction.SignedBid, pool *spares, opts Options, r *Replica, report func(Progress)) {
	rr := &Result{OrderHash: c.cfg.Domain.OrderHash(&order)}
	l, lc, err := c.leaseWithFallback(ctx, job, order, bid, pool.take, opts, rr, report, func(l *Lease) {
		if r.first == 0 || l.OpenedBlock < r.first {
			r.first = l.OpenedBlock
		}
	})
	r.Provider, r.LeaseID, r.Deposit = rr.Winner.Provider, rr.LeaseID, rr.Deposit
	if err != nil {
		r.Error = err.Error()
		if errors.Is(err, errNoStart) {
			r.Error += "; no other provider to run it"
		}
		return
	}
	r.lc, r.opened = lc, l.OpenedBlock
	stop := c.forwardWhileRunning(ctx, l, opts, report)
	ev, err := c.follow(ctx, l, lc, l.OpenedBlock, opts.Logs, report)
	stop()
	if ev.Payload != nil {
		r.Ending = ev.Kind.String()
	}
	switch p := ev.Payload.(type) {
	case *lease.Reported:
		r.ExitCode, r.ResultDigest, r.Held = p.ExitCode, p.ResultDigest, p.Held
		report(Progress{Step: StepStatus, Message: fmt.Sprintf("replica %s on %s reported result digest %s (exit %s)", r.LeaseID.Hex(), r.Provider.Hex(), p.ResultDigest.Hex(), p.ExitCode)})
	case *lease.Closed:
		r.ExitCode, r.Paid, r.Refunded = p.ExitCode, p.Paid, p.Refunded
	}
	if err != nil {
		r.Error = err.Error()
	}
}

// digests are the result digests the replicas reported, in order.
func digests(runs []Replica) []common.Hash {
	var out []common.Hash
	for _, r := range runs {
		if r.Ending == lease.EventReported.String() {
			out = append(out, r.ResultDigest)
		}
	}
	return out
}

// settleReplicas settles the group, unless the escrow says it is too
// early (the providers settle it then), and fills in how each replica
// was settled.
func (c *Client) settleReplicas(ctx context.Context, opts Options, res *Result, report func(Progress)) error {
	from := ^uint64(0)
	for _, r := range res.Replicas {
		if r.first != 0 {
			from = min(from, r.first)
		}
	}
	if from == ^uint64(0) {
		return errors.New("no replica of the order ran")
	}
	if opts.Gasless {
		report(Progress{Step: StepSettled, Message: "the replicas' providers settle them (a gasless tenant sends no transaction)"})
		return nil
	}
	_, err := c.cfg.Escrow.Settle(ctx, c.cfg.Auth, res.OrderHash, from)
	switch {
	case err == nil, errors.Is(err, lease.ErrGroupSettled):
	case errors.Is(err, lease.ErrGroupStillOpen), errors.Is(err, lease.ErrRefereeWindowOpen), errors.Is(err, lease.ErrReplicaNotEnded):
		report(Progress{Step: StepSettled, Message: fmt.Sprintf("the replicas settle later (%v): their providers settle them", err)})
		return nil
	default:
		return fmt.Errorf("settle the replicas of order %s: %w", res.OrderHash.Hex(), err)
	}
	res.Settled, res.Ending = true, lease.EventGroupSettled.String()
	res.Paid, res.Refunded = new(big.Int), new(big.Int)
	for i := range res.Replicas {
		r := &res.Replicas[i]
		if r.LeaseID == (common.Hash{}) {
			continue
		}
		evs, err := c.cfg.Escrow.History(ctx, r.LeaseID, r.opened)
		if err != nil {
			return err
		}
		if s, ok := lease.Find[*lease.ReplicaSettled](evs); ok {
			r.Agreed, r.Paid, r.Refunded = s.Agreed, s.Paid, s.Refunded
			if s.Agreed {
				res.ResultHash, res.ExitCode, res.LeaseID, res.Winner = r.ResultDigest, r.ExitCode, r.LeaseID, nil
			}
		}
		if r.Paid != nil {
			res.Paid.Add(res.Paid, r.Paid)
		}
	}
	res.Refunded = new(big.Int).Sub(res.Deposit, res.Paid)
	report(Progress{Step: StepSettled, Message: replicasText(res)})
	return nil
}

// replicasText says how a group settled.
func replicasText(res *Result) string {
	s := "replicas settled:"
	for _, r := range res.Replicas {
		switch {
		case r.Ending == "":
			s += fmt.Sprintf(" %s did not run (%s);", r.Role, r.Error)
		case r.Agreed:
			s += fmt.Sprintf(" %s %s agreed, paid %s;", r.Role, r.Provider.Hex(), r.Paid)
		case r.Ending == lease.EventReported.String():
			s += fmt.Sprintf(" %s %s disagreed (%s), not paid;", r.Role, r.Provider.Hex(), r.ResultDigest.Hex())
		default:
			s += fmt.Sprintf(" %s %s ended %s;", r.Role, r.Provider.Hex(), r.Ending)
		}
	}
	if res.ResultHash == (common.Hash{}) {
		return s + " no majority: nobody paid for a result"
	}
	return s + " majority " + res.ResultHash.Hex()
}

// downloadMajority downloads into path the output of a replica whose
// digest is the majority's, checked against that digest over paths.
func (c *Client) downloadMajority(ctx context.Context, paths []string, path string, res *Result, report func(Progress)) error {
	want := res.ResultHash
	if want == (common.Hash{}) {
		// Not settled yet: the digest more than half the reports gave.
		d := digests(res.Replicas)
		for _, x := range d {
			n := 0
			for _, y := range d {
				if x == y {
					n++
				}
			}
			if 2*n > len(d) {
				want = x
			}
		}
	}
	if want == (common.Hash{}) {
		report(Progress{Step: StepDownloaded, Message: "no output: the replicas agree on no result"})
		return nil
	}
	var errs []error
	for _, r := range res.Replicas {
		if r.ResultDigest != want || r.lc == nil {
			continue
		}
		info, err := c.download(ctx, r.lc, digestMatches(want, paths), path, report)
		if err != nil {
			errs = append(errs, fmt.Errorf("from %s: %w", r.Provider.Hex(), err))
			continue
		}
		res.OutputFile, res.OutputSize = path, info.Size
		report(Progress{Step: StepDownloaded, Message: fmt.Sprintf("output: %s (%d bytes, from %s; its result digest matches the majority's %s)", path, info.Size, r.Provider.Hex(), want.Hex())})
		return nil
	}
	return fmt.Errorf("download the majority's output: %w", errors.Join(errs...))
}

// digestMatches checks a downloaded archive's result digest over paths
// against want.
func digestMatches(want common.Hash, paths []string) func(network.OutputInfo, *os.File) error {
	return func(_ network.OutputInfo, f *os.File) error {
		if _, err := f.Seek(0, 0); err != nil {
			return err
		}
		got, err := result.Digest(f, paths)
		if err != nil {
			return fmt.Errorf("%w: the output has no result digest: %w", network.ErrCorrupt, err)
		}
		if got != want {
			return fmt.Errorf("%w: the output's result digest is %s, the replicas' majority %s", network.ErrCorrupt, got.Hex(), want.Hex())
		}
		return nil
	}
}

// serialEscrow sends one transaction at a time of those a tenant's
// replicas send.
type serialEscrow struct {
	Escrow
	mu *sync.Mutex
}

func (s serialEscrow) Open(ctx context.Context, auth *bind.TransactOpts, order *auction.Order, bid *auction.SignedBid, deposit *big.Int) (common.Hash, *lease.Receipt, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.Escrow.Open(ctx, auth, order, bid, deposit)
}

func (s serialEscrow) Close(ctx context.Context, auth *bind.TransactOpts, id common.Hash, t lease.Terms, exitCode lease.ExitCode, resultHash common.Hash) (*lease.Receipt, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.Escrow.Close(ctx, auth, id, t, exitCode, resultHash)
}

func (s serialEscrow) TopUp(ctx context.Context, auth *bind.TransactOpts, id common.Hash, t lease.Terms, amount *big.Int) (*lease.Receipt, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.Escrow.TopUp(ctx, auth, id, t, amount)
}

func (s serialEscrow) Reclaim(ctx context.Context, auth *bind.TransactOpts, id common.Hash, t lease.Terms) (*lease.Receipt, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.Escrow.Reclaim(ctx, auth, id, t)
}

func (s serialEscrow) Settle(ctx context.Context, auth *bind.TransactOpts, orderHash common.Hash, from uint64) (*lease.Receipt, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.Escrow.Settle(ctx, auth, orderHash, from)
}
