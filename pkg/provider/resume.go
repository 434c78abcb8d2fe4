package provider

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/ethereum/go-ethereum/common"

	"github.com/tender-market/tender/pkg/auction"
	"github.com/tender-market/tender/pkg/executor"
	"github.com/tender-market/tender/pkg/lease"
	"github.com/tender-market/tender/pkg/network"
)

// resume takes up the leases a previous run of the daemon left: it
// re-attaches to the jobs still running (their GPUs claimed again, pay
// withdrawn again), closes the leases whose job ended while it was down,
// gives up leases it never started, and removes the containers of leases
// settled on chain. It runs before the daemon serves the market.
func (d *Daemon) resume(ctx context.Context) error {
	recs, err := ReadLeases(d.cfg.WorkDir)
	if err != nil {
		return err
	}
	settled := make(map[string]bool)
	for i := range recs {
		r := &recs[i]
		if r.State == network.JobClosed {
			// Settled: served still, from disk, for its status and output.
			settled[r.LeaseID.Hex()] = true
			d.mu.Lock()
			d.ended[r.LeaseID] = r.Updated
			d.mu.Unlock()
			if r.Order.Verify.Held() {
				// A replica it reported: its pay waits for the group.
				if chain, err := d.cfg.Escrow.Lease(ctx, r.LeaseID); err == nil && chain.State == lease.StateReported {
					d.collect(ctx, r.OrderHash)
				}
			}
			continue
		}
		chain, err := d.cfg.Escrow.Lease(ctx, r.LeaseID)
		if err != nil {
			d.log.Warn("lease not taken up: its state on chain is unknown", "lease", r.LeaseID, "err", err)
			continue
		}
		if chain.State.Final() || chain.State == lease.StateReported {
			settled[r.LeaseID.Hex()] = true
		}
		d.resumeLease(ctx, r, chain)
	}
	removed, err := d.cfg.Runner.Cleanup(ctx, func(id string) bool { return settled[id] })
	for _, id := range removed {
		d.log.Info("removed the container of a settled lease", "lease", id)
	}
	if err != nil {
		d.log.Warn("containers of settled leases not all removed", "err", err)
	}
	return nil
}

// resumeLease registers one recorded lease and, when its job may still be
// followed, starts following it for as long as ctx (Run's) lasts.
func (d *Daemon) resumeLease(ctx context.Context, r *LeaseRecord, chain lease.Lease) {
	l := d.leaseFromRecord(r)
	d.mu.Lock()
	d.leases[r.LeaseID] = l
	d.bids[r.LeaseID] = l.bid
	d.mu.Unlock()
	log := l.log.With("chain", chain.State)

	switch {
	case chain.State.Final(), chain.State == lease.StateReported:
		l.logs.end()
		l.setState(network.JobClosed, fmt.Sprintf("the lease was %s on chain", chain.State))
		d.endLease(l)
		if chain.State == lease.StateReported {
			d.collect(ctx, r.OrderHash)
		}
		return
	case chain.State == lease.StateNone:
		// Awarded, and the daemon stopped before the lease was seen open:
		// the secrets are gone, so the job cannot start. An open sent
		// before the stop may still land until the award's deadline:
		// should it, the lease is closed at once for nothing.
		l.logs.end()
		if run, err := d.cfg.Runner.Attach(ctx, r.LeaseID.Hex()); err == nil {
			l.remove(ctx, run)
		}
		l.award = r.Award
		terms := r.Terms()
		d.wg.Go(func() {
			defer d.endLease(l)
			l.closeIfOpened(ctx, terms)
		})
		return
	case chain.State == lease.StateOpen:
		// Its secrets were never written down: the job cannot start. The
		// lease is declined for nothing, for the reason it was already
		// being declined, else as the provider's failure.
		l.logs.end()
		if run, err := d.cfg.Runner.Attach(ctx, r.LeaseID.Hex()); err == nil {
			l.remove(ctx, run)
		}
		reason, detail := lease.ExitProviderFailure, "the provider restarted before the job started: the lease is declined, the deposit goes back"
		if r.ExitCode != nil && !r.Started {
			reason, detail = r.ExitCode.Reason(), r.Detail
		}
		terms := r.Terms()
		d.wg.Go(func() {
			defer d.endLease(l)
			l.setState(network.JobExited, detail)
			l.closeUnstarted(ctx, terms, reason)
		})
		return
	}

	// Running on chain: bill it, follow its job, close it.
	terms := r.Terms()
	started := time.Unix(int64(chain.Since), 0)
	run, err := d.cfg.Runner.Attach(ctx, r.LeaseID.Hex())
	if err == nil && run.Created() {
		// The daemon stopped between start and launch.
		if run, err = d.cfg.Runner.Launch(ctx, run); err != nil {
			log.Warn("the job's container did not start", "err", err)
			err = executor.ErrNoContainer
		}
	}
	switch {
	case err == nil:
		if len(r.GPUs) > 0 {
			if err := d.cfg.GPUs.Restore(r.LeaseID.Hex(), r.GPUs); err != nil {
				log.Warn("GPUs not claimed again", "err", err)
			}
		}
		log.Info("re-attached to the job", "container", run.ContainerID, "state", run.State)
		// The engine replays the job's log from its start: a fresh book.
		os.Remove(l.logs.path)
		l.logs = newLogBook(l.logs.max, l.logs.path)
		l.mu.Lock()
		l.container = &run
		l.mu.Unlock()
		l.setState(network.JobRunning, "re-attached after a restart")
		d.wg.Go(func() {
			defer l.logs.end()
			defer d.endLease(l)
			l.follow(ctx, run, terms, chain.Deposit, started, chain.Since)
		})
	case errors.Is(err, executor.ErrNoContainer) && r.OutputSHA256 != nil && r.ExitCode != nil:
		// The job ended and its output was kept; the lease was not closed.
		l.logs.end()
		code, hash := *r.ExitCode, l.resultHash(*r.OutputSHA256)
		d.wg.Go(func() {
			defer d.endLease(l)
			l.closeOnChain(ctx, terms, code, hash)
		})
	case errors.Is(err, executor.ErrNoContainer):
		// The job is gone without a result: close with what accrued.
		l.logs.end()
		d.wg.Go(func() {
			defer d.endLease(l)
			l.setState(network.JobExited, "the job's container is gone; closing with what accrued")
			l.closeOnChain(ctx, terms, lease.NewExitCode(-1, lease.ExitProviderFailure), common.Hash{})
		})
	default:
		log.Warn("job not re-attached; will not bill it until the next start", "err", err)
		d.endLease(l)
	}
}

// closeIfOpened follows an awarded lease whose job can no longer start
// (the daemon restarted before it opened it) until its award's deadline:
// should the lease open meanwhile (an open sent before the restart), it
// is closed at once, for nothing; else nothing was ever paid.
func (l *leaseRun) closeIfOpened(ctx context.Context, terms lease.Terms) {
	d := l.d
	const why = "the provider restarted before the job started"
	var deadline uint64
	if l.award != nil {
		deadline = l.award.Award.Deadline
	}
	tick := time.NewTicker(d.cfg.PollInterval)
	defer tick.Stop()
	for {
		if on, err := d.cfg.Escrow.Lease(ctx, l.id); err == nil && on.State != lease.StateNone {
			l.mu.Lock()
			l.opened = true
			l.mu.Unlock()
			l.setState(network.JobExited, why+": the awarded lease opened after all, and is closed for nothing")
			l.closeUnstarted(ctx, terms, lease.ExitProviderFailure)
			return
		}
		if next, err := d.cfg.Escrow.NextBlockTime(ctx); err == nil && next > deadline {
			l.setState(network.JobClosed, why+": the awarded lease was never opened, nothing was paid")
			return
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}

// leaseFromRecord is the lease r records, as it was when r was written.
func (d *Daemon) leaseFromRecord(r *LeaseRecord) *leaseRun {
	b := &bidState{
		order:  auction.VerifiedOrder{SignedOrder: auction.SignedOrder{Order: r.Order}, Hash: r.OrderHash},
		bid:    r.Bid,
		id:     r.LeaseID,
		gpus:   r.GPUs,
		leased: true,
	}
	l := newLeaseRun(d, b)
	l.state, l.detail, l.since, l.hasInput, l.started, l.exitCode, l.endedAt = r.State, r.Detail, r.Updated, r.HasInput, r.Started, r.ExitCode, r.EndedAt
	if r.OutputSHA256 != nil {
		l.output, l.outputSHA, l.outputLen = filepath.Join(d.leaseDir(r.LeaseID), "output.tar"), *r.OutputSHA256, r.OutputSize
	}
	return l
}
