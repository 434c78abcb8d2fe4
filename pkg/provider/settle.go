package provider

import (
	"context"
	"errors"
	"time"

	"github.com/ethereum/go-ethereum/common"

	"github.com/tender-market/tender/pkg/lease"
)

// collect collects the held pay of the replicas this provider reported for
// the verified order orderHash: it settles the order's group as soon as
// the escrow allows (anyone may; whoever does pays the gas), trying every
// SettleEvery, until the group is settled or ctx ends. One collector runs
// per order.
func (d *Daemon) collect(ctx context.Context, orderHash common.Hash) {
	d.mu.Lock()
	if d.collecting[orderHash] {
		d.mu.Unlock()
		return
	}
	d.collecting[orderHash] = true
	d.mu.Unlock()
	d.wg.Go(func() {
		defer func() {
			d.mu.Lock()
			delete(d.collecting, orderHash)
			d.mu.Unlock()
		}()
		d.settle(ctx, orderHash)
	})
}

// settle settles the group of orderHash, waiting while the escrow says it
// is too early.
func (d *Daemon) settle(ctx context.Context, orderHash common.Hash) {
	log := d.log.With("order", orderHash)
	for {
		g, err := d.cfg.Escrow.Group(ctx, orderHash)
		switch {
		case err == nil && g.Settled:
			log.Info("the order's replicas are settled")
			return
		case errors.Is(err, lease.ErrUnknownGroup):
			log.Warn("no replica of the order is on chain: nothing to settle")
			return
		case err == nil:
			r, serr := d.cfg.Escrow.Settle(ctx, d.cfg.Auth, orderHash, d.cfg.WatchFrom.Block)
			if serr == nil {
				if s, ok := lease.Find[*lease.GroupSettled](r.Events); ok {
					log.Info("settled the order's replicas", "majority", s.Majority, "paid", s.Paid, "refunded", s.Refunded)
				}
				return
			}
			err = serr
		}
		switch {
		case ctx.Err() != nil:
			return
		case errors.Is(err, lease.ErrGroupSettled):
			return
		case errors.Is(err, lease.ErrGroupStillOpen), errors.Is(err, lease.ErrRefereeWindowOpen), errors.Is(err, lease.ErrReplicaNotEnded):
			log.Debug("the order's replicas cannot settle yet", "why", err)
		default:
			log.Warn("settling the order's replicas failed; trying again", "err", err, "in", d.cfg.SettleEvery)
		}
		t := time.NewTimer(d.cfg.SettleEvery)
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-t.C:
		}
	}
}
