package tenant

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/big"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/libp2p/go-libp2p/core/peer"

	"github.com/tender-market/tender/pkg/lease"
	"github.com/tender-market/tender/pkg/network"
)

// Lease is one of the tenant's leases as Find found it.
type Lease struct {
	ID    common.Hash
	Terms lease.Terms
	// OpenedBlock is the block of its LeaseOpened event.
	OpenedBlock uint64
	// Provider is the provider's peer and the addresses known for it; its
	// ID is empty when unknown (no record, and none named).
	Provider peer.AddrInfo
	// Record is the lease's local record; nil when it was found on chain.
	Record *LeaseRecord
}

// Find looks lease id up: in the records Submit keeps, else on chain from
// the escrow's deployment block (its terms; its provider's peer is then
// unknown). provider, when set, names the provider's peer and addresses,
// over the record's.
func (c *Client) Find(ctx context.Context, id common.Hash, provider *peer.AddrInfo) (*Lease, error) {
	rec, err := c.cfg.Records.Load(id)
	var l *Lease
	switch {
	case err == nil:
		if l, err = rec.lease(); err != nil {
			return nil, err
		}
		if l.OpenedBlock == 0 {
			// Saved before opening; the update after may be missing.
			if _, l.OpenedBlock, err = c.cfg.Escrow.Opening(ctx, id, c.cfg.DeployedAt); err != nil {
				return nil, fmt.Errorf("lease %s, submitted at %s, did not open on chain: %w", id.Hex(), rec.Created.Format(time.RFC3339), err)
			}
		}
	case errors.Is(err, ErrNoRecord):
		l = &Lease{ID: id}
		if l.Terms, l.OpenedBlock, err = c.cfg.Escrow.Opening(ctx, id, c.cfg.DeployedAt); err != nil {
			return nil, err
		}
	default:
		return nil, err
	}
	if provider != nil {
		l.Provider = *provider
	}
	return l, nil
}

// mine fails unless the client's key is the lease's tenant's.
func (c *Client) mine(l *Lease) error {
	if err := c.needKey(); err != nil {
		return err
	}
	if me := c.cfg.Signer.Address(); l.Terms.Tenant != me {
		return fmt.Errorf("%w: lease %s is %s's, not this account's %s", ErrNotTenant, l.ID.Hex(), l.Terms.Tenant.Hex(), me.Hex())
	}
	return nil
}

// conn is the tenant's line to lease l at its provider.
func (c *Client) conn(l *Lease) LeaseConn {
	return c.cfg.Market.Lease(l.Provider, l.ID, c.cfg.Signer)
}

// connect is conn, after checking the key, the market and the provider.
func (c *Client) connect(l *Lease) (LeaseConn, error) {
	if err := c.needMarket(); err != nil {
		return nil, err
	}
	if err := c.mine(l); err != nil {
		return nil, err
	}
	if l.Provider.ID == "" {
		return nil, fmt.Errorf("lease %s: %w", l.ID.Hex(), ErrUnknownProvider)
	}
	return c.conn(l), nil
}

// Status is a lease as the chain and its provider tell it.
type Status struct {
	Lease         common.Hash `json:"lease"`
	State         lease.State `json:"-"`
	StateName     string      `json:"state"`
	Tenant        string      `json:"tenant"`
	Provider      string      `json:"provider"`
	PricePerHour  *big.Int    `json:"pricePerHour"`
	MaxDuration   uint64      `json:"maxDurationSeconds"`
	Deposit       *big.Int    `json:"deposit"`
	Paid          *big.Int    `json:"paid"`
	Accrued       *big.Int    `json:"accrued,omitempty"`
	Overdrawn     bool        `json:"overdrawn,omitempty"`
	Since         uint64      `json:"since"`
	StartDeadline uint64      `json:"startDeadline,omitempty"`
	// ExitCode and ClosedBy, once the lease closed.
	ExitCode *lease.ExitCode `json:"exitCode,omitempty"`
	ClosedBy string          `json:"closedBy,omitempty"`
	// Job is the provider's report; JobError why there is none (the
	// provider was asked and did not answer).
	Job      *network.LeaseStatus `json:"job,omitempty"`
	JobError string               `json:"jobError,omitempty"`
	// MemoryLimit is the job's, as the order gave it ("256Mi"), when the
	// order is known: an exit for lack of memory names it.
	MemoryLimit string `json:"-"`
}

// Status reads lease l from the escrow (state, deposit, what was paid,
// what has accrued, the start deadline of a lease not started, how a
// closed one closed) and, with a key and a market node, asks its provider
// how the job is doing for up to jobTimeout. It needs no key: without one
// the job is not asked.
func (c *Client) Status(ctx context.Context, l *Lease, jobTimeout time.Duration) (*Status, error) {
	on, err := c.cfg.Escrow.Lease(ctx, l.ID)
	if err != nil {
		return nil, err
	}
	st := &Status{
		Lease: l.ID, State: on.State, StateName: on.State.String(), Tenant: l.Terms.Tenant.Hex(), Provider: l.Terms.Provider.Hex(),
		PricePerHour: l.Terms.PricePerHour, MaxDuration: l.Terms.MaxDuration,
		Deposit: on.Deposit, Paid: on.Paid, Since: on.Since,
	}
	if l.Record != nil {
		st.MemoryLimit = memoryLimit(l.Record)
	}
	switch on.State {
	case lease.StateOpen:
		st.StartDeadline = c.cfg.Escrow.StartDeadline(on)
	case lease.StateRunning:
		if st.Accrued, st.Overdrawn, err = c.cfg.Escrow.Accrued(ctx, l.ID, l.Terms); err != nil {
			return nil, err
		}
	case lease.StateClosed:
		evs, err := c.cfg.Escrow.History(ctx, l.ID, l.OpenedBlock)
		if err != nil {
			return nil, err
		}
		if closed, ok := lease.Find[*lease.Closed](evs); ok {
			st.ExitCode, st.ClosedBy = &closed.ExitCode, party(l.Terms, closed.By)
		}
	}
	lc, err := c.connect(l)
	if err != nil {
		if !errors.Is(err, ErrNoKey) && !errors.Is(err, ErrNoMarket) {
			st.JobError = err.Error()
		}
		return st, nil
	}
	jctx, cancel := context.WithTimeout(ctx, jobTimeout)
	defer cancel()
	err = c.reach(jctx, func(ctx context.Context) error {
		js, err := lc.Status(ctx)
		st.Job = &js
		return err
	})
	if err != nil {
		st.Job, st.JobError = nil, err.Error()
	}
	return st, nil
}

// party names who of a lease's parties a is.
func party(t lease.Terms, a common.Address) string {
	switch a {
	case t.Tenant:
		return "tenant"
	case t.Provider:
		return "provider"
	case common.Address{}:
		return ""
	}
	return a.Hex()
}

// Logs copies the job's output to w as the provider keeps it; with follow
// it keeps copying until the job's log ends, then returns the job's status
// at the end (how it ended), or until ctx is done, which ends it quietly
// (nil error, no status).
func (c *Client) Logs(ctx context.Context, l *Lease, follow bool, w io.Writer) (*network.LeaseStatus, error) {
	lc, err := c.connect(l)
	if err != nil {
		return nil, err
	}
	err = c.reach(ctx, func(ctx context.Context) error { return lc.Logs(ctx, follow, w) })
	if ctx.Err() != nil {
		return nil, nil
	}
	if err != nil || !follow {
		return nil, err
	}
	var st network.LeaseStatus
	if err := c.reach(ctx, func(ctx context.Context) error { st, err = lc.Status(ctx); return err }); err != nil {
		c.log.Debug("no status after the log ended", "err", err)
		return nil, nil
	}
	return &st, nil
}

// Exec runs cmd in the lease's running job, confined as the job is, over
// an authenticated lease stream: what it prints goes to w, and its exit
// status comes back.
func (c *Client) Exec(ctx context.Context, l *Lease, cmd []string, w io.Writer) (int, error) {
	lc, err := c.connect(l)
	if err != nil {
		return 0, err
	}
	var code int
	err = c.reach(ctx, func(ctx context.Context) error { code, err = lc.Exec(ctx, cmd, w); return err })
	return code, err
}

// Shell runs cmd on a terminal of size in the lease's running job,
// confined as the job is, over an authenticated lease stream: stdin is
// typed on it, what it shows goes to out, each size from resize resizes
// it, and its exit status comes back.
func (c *Client) Shell(ctx context.Context, l *Lease, cmd []string, size network.TermSize, stdin io.Reader, out io.Writer, resize <-chan network.TermSize) (int, error) {
	lc, err := c.connect(l)
	if err != nil {
		return 0, err
	}
	var code int
	err = c.reach(ctx, func(ctx context.Context) error {
		code, err = lc.Shell(ctx, cmd, size, stdin, out, resize)
		return err
	})
	return code, err
}

// Settlement is what an escrow transaction, or the event that settled a
// lease, did.
type Settlement struct {
	Lease    string          `json:"lease"`
	Event    string          `json:"event"`
	Block    uint64          `json:"block"`
	Tx       string          `json:"tx"`
	Paid     *big.Int        `json:"paid,omitempty"`
	Refunded *big.Int        `json:"refunded,omitempty"`
	Amount   *big.Int        `json:"amount,omitempty"`
	Deposit  *big.Int        `json:"deposit,omitempty"`
	ExitCode *lease.ExitCode `json:"exitCode,omitempty"`
	// ResultHash is the closing provider's hash of /output (zero: none).
	ResultHash *common.Hash `json:"resultHash,omitempty"`
	ClosedBy   string       `json:"closedBy,omitempty"`
}

// settlement describes ev, an event of lease l.
func settlement(l *Lease, ev lease.Event) *Settlement {
	s := &Settlement{Lease: l.ID.Hex(), Event: ev.Kind.String(), Block: ev.Log.BlockNumber, Tx: ev.Log.TxHash.Hex()}
	switch p := ev.Payload.(type) {
	case *lease.Closed:
		s.Paid, s.Refunded, s.ExitCode, s.ClosedBy = p.Paid, p.Refunded, &p.ExitCode, party(l.Terms, p.By)
		if p.ResultHash != (common.Hash{}) {
			s.ResultHash = &p.ResultHash
		}
	case *lease.Overdrawn:
		s.Paid, s.ClosedBy = p.Paid, party(l.Terms, p.By)
	case *lease.Reclaimed:
		s.Refunded = p.Refunded
	case *lease.ToppedUp:
		s.Amount, s.Deposit = p.Amount, p.Deposit
	}
	return s
}

// transacted describes the event of lease l in r.
func transacted(l *Lease, r *lease.Receipt) (*Settlement, error) {
	for _, ev := range r.Events {
		if ev.LeaseID == l.ID {
			return settlement(l, ev), nil
		}
	}
	return nil, fmt.Errorf("lease %s: transaction %s emitted no event of the lease", l.ID.Hex(), r.TxHash.Hex())
}

// TopUp adds amount to the deposit of lease l, open or running.
func (c *Client) TopUp(ctx context.Context, l *Lease, amount *big.Int) (*Settlement, error) {
	if err := c.mine(l); err != nil {
		return nil, err
	}
	r, err := c.cfg.Escrow.TopUp(ctx, c.cfg.Auth, l.ID, l.Terms, amount)
	if err != nil {
		return nil, err
	}
	return transacted(l, r)
}

// Reclaim takes the whole deposit of lease l back; its provider never
// started it and the start deadline has passed.
func (c *Client) Reclaim(ctx context.Context, l *Lease) (*Settlement, error) {
	if err := c.mine(l); err != nil {
		return nil, err
	}
	r, err := c.cfg.Escrow.Reclaim(ctx, c.cfg.Auth, l.ID, l.Terms)
	if err != nil {
		return nil, err
	}
	return transacted(l, r)
}

// Cancel stops lease l's job and settles the lease: the provider is paid
// for the seconds it ran and the rest of the deposit comes back. It asks
// the provider, over the lease stream, to stop the job gracefully (the job
// gets SIGTERM and time to write what it has to /output) and to close the
// lease with the output's hash, so the partial output can still be
// downloaded; when the provider cannot be asked, or has not closed the
// lease within CancelGrace, it closes the lease on chain itself, with no
// result. progress is told what happens (nil: nothing).
func (c *Client) Cancel(ctx context.Context, l *Lease, progress func(string)) (*Settlement, error) {
	if progress == nil {
		progress = func(string) {}
	}
	if err := c.mine(l); err != nil {
		return nil, err
	}
	on, err := c.cfg.Escrow.Lease(ctx, l.ID)
	if err != nil {
		return nil, err
	}
	if on.State.Final() {
		return nil, fmt.Errorf("lease %s: %w (%s)", l.ID.Hex(), ErrSettled, on.State)
	}
	if lc, err := c.connect(l); err != nil {
		progress(fmt.Sprintf("the provider cannot be asked (%v): closing the lease on chain", err))
	} else {
		err := c.reach(ctx, func(ctx context.Context) error { return lc.Cancel(ctx) })
		if err == nil {
			progress(fmt.Sprintf("the provider stops the job; waiting up to %s for it to close the lease with the job's output", c.cfg.CancelGrace))
			wctx, cancel := context.WithTimeout(ctx, c.cfg.CancelGrace)
			ev, err := c.waitSettled(wctx, l.ID, l.OpenedBlock)
			cancel()
			if err == nil {
				return settlement(l, ev), nil
			}
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			progress(fmt.Sprintf("the provider did not close the lease within %s: closing it on chain", c.cfg.CancelGrace))
		} else {
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			progress(fmt.Sprintf("the provider did not take the cancel (%v): closing the lease on chain", err))
		}
	}
	ev, err := c.closeOnChain(ctx, l)
	if err != nil {
		return nil, err
	}
	return settlement(l, ev), nil
}

// closeOnChain closes lease l as its tenant, with no result, and returns
// the settling event; when the lease settled meanwhile, it returns that.
func (c *Client) closeOnChain(ctx context.Context, l *Lease) (lease.Event, error) {
	r, err := c.cfg.Escrow.Close(ctx, c.cfg.Auth, l.ID, l.Terms, lease.NoExitCode, common.Hash{})
	if errors.Is(err, lease.ErrIllegalTransition) {
		// Someone closed it meanwhile.
		if ev, werr := c.waitSettled(ctx, l.ID, l.OpenedBlock); werr == nil {
			return ev, nil
		}
		return lease.Event{}, err
	}
	if err != nil {
		return lease.Event{}, err
	}
	for _, ev := range r.Events {
		if ev.LeaseID == l.ID && ev.Kind.Settles() {
			return ev, nil
		}
	}
	return lease.Event{}, fmt.Errorf("lease %s: the close emitted no settling event", l.ID.Hex())
}
