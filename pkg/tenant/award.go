package tenant

import (
	"context"
	"fmt"
	"time"

	"github.com/libp2p/go-libp2p/core/peer"

	"github.com/tender-market/tender/pkg/auction"
	"github.com/tender-market/tender/pkg/jobspec"
	"github.com/tender-market/tender/pkg/lease"
)

// DefaultAwardWindow is how long the winner of a gasless submission has
// to open the lease when Options.StartTimeout does not say.
const DefaultAwardWindow = 5 * time.Minute

// leaseAwarded is lease for a tenant without ETH (Options.Gasless): it
// awards the lease of bid to its provider, with a permit for the deposit,
// hands the provider the award, the input and the secrets, and waits for
// the provider to open and start the lease on chain, which it does once
// the job is ready. A provider that has not opened it by the award's
// deadline gets an error wrapping errNoStart: the award can no longer be
// used, and nothing was paid.
func (c *Client) leaseAwarded(ctx context.Context, job *jobspec.Job, order auction.Order, bid *auction.SignedBid, opts Options, res *Result, rec *LeaseRecord, provider peer.AddrInfo, report func(Progress)) (*Lease, LeaseConn, error) {
	window := opts.StartTimeout
	if window <= 0 {
		window = DefaultAwardWindow
	}
	next, err := c.cfg.Escrow.NextBlockTime(ctx)
	if err != nil {
		return nil, nil, err
	}
	// Events of the lease are read from here on: it opens later.
	from, err := c.cfg.Escrow.BlockNumber(ctx)
	if err != nil {
		return nil, nil, err
	}
	deadline := min(next+uint64(window/time.Second), bid.Bid.Expiry-1, order.Expiry-1)
	var award auction.SignedAward
	if opts.permit != nil {
		award, err = c.cfg.Escrow.AwardUnderPermit(ctx, c.cfg.Signer, &order, bid, res.Deposit, deadline, *opts.permit)
	} else {
		award, err = c.cfg.Escrow.Award(ctx, c.cfg.Signer, &order, bid, res.Deposit, deadline)
	}
	if err != nil {
		return nil, nil, err
	}
	id := rec.LeaseID
	res.LeaseID = id
	report(Progress{Step: StepAwarded, LeaseID: id, Message: fmt.Sprintf("lease %s awarded to %s at %s per hour, deposit %s: the provider opens it (and pays the gas) once the job is ready, by unix %d", id.Hex(), bid.Bid.Provider.Hex(), bid.Bid.PricePerHour, res.Deposit, deadline)})

	l := &Lease{ID: id, Terms: rec.Terms(), OpenedBlock: from, Provider: provider, Record: rec}
	lc := c.conn(l)
	lapsed := func(why error) error {
		return fmt.Errorf("lease %s: %w (%v); the award lapses at unix %d, nothing was paid", id.Hex(), errNoStart, why, deadline)
	}
	if err := c.handOver(ctx, lc, job, opts, &award); err != nil {
		if !retryable(err) || ctx.Err() != nil {
			return l, lc, err
		}
		// The provider may still open it with the award alone: wait
		// until the award lapses before awarding another bid.
		if opened, werr := c.waitOpened(ctx, l, lc, deadline, report); werr != nil || !opened {
			return l, lc, lapsed(err)
		}
		return l, lc, c.opened(ctx, l, report)
	}
	report(Progress{Step: StepHandedOver, Message: "job handed to the provider"})
	if opts.Detach && opts.StartTimeout <= 0 {
		return l, lc, nil
	}
	opened, err := c.waitOpened(ctx, l, lc, deadline, report)
	if err != nil {
		return l, lc, err
	}
	if !opened {
		return l, lc, lapsed(fmt.Errorf("the provider did not open it by unix %d", deadline))
	}
	return l, lc, c.opened(ctx, l, report)
}

// waitOpened waits until the awarded lease l is open on chain, or the
// chain's time has passed the award's deadline (when no block can open it
// any more); it reports whether it opened.
func (c *Client) waitOpened(ctx context.Context, l *Lease, lc LeaseConn, deadline uint64, report func(Progress)) (bool, error) {
	for {
		next, err := c.cfg.Escrow.NextBlockTime(ctx)
		if err != nil {
			return false, err
		}
		if next > deadline {
			// No block from now on may open it: one last look.
			on, err := c.cfg.Escrow.Lease(ctx, l.ID)
			if err != nil {
				return false, err
			}
			return on.State != lease.StateNone, nil
		}
		opened, err := c.waitLeft(ctx, l, lc, lease.StateNone, time.Duration(deadline+1-next)*time.Second, report)
		if opened || err != nil {
			return opened, err
		}
	}
}

// opened records the block that opened the awarded lease l and says so.
func (c *Client) opened(ctx context.Context, l *Lease, report func(Progress)) error {
	_, block, err := c.cfg.Escrow.Opening(ctx, l.ID, l.OpenedBlock)
	if err != nil {
		return err
	}
	l.OpenedBlock, l.Record.OpenedBlock = block, block
	if err := c.cfg.Records.save(l.Record); err != nil {
		c.log.Warn("lease record not updated with its block", "lease", l.ID, "err", err)
	}
	report(Progress{Step: StepLeaseOpened, LeaseID: l.ID, Message: fmt.Sprintf("lease %s opened and started by the provider in block %d", l.ID.Hex(), block)})
	return nil
}
