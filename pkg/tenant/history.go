package tenant

import (
	"context"
	"errors"
	"fmt"

	"github.com/ethereum/go-ethereum/common"

	"github.com/tender-market/tender/pkg/lease"
)

// EventReader reads the escrow's events (*lease.Client).
type EventReader interface {
	Watch(ctx context.Context, opts lease.WatchOptions, handle func(lease.Event) error) error
}

var _ EventReader = (*lease.Client)(nil)

// LeaseHistory returns the escrow events of lease id in blocks from..head,
// in chain order.
func LeaseHistory(ctx context.Context, r EventReader, id common.Hash, from, head uint64) ([]lease.Event, error) {
	if from > head {
		return nil, nil
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var out []lease.Event
	done := false
	err := r.Watch(ctx, lease.WatchOptions{
		From: lease.Cursor{Block: from},
		Scanned: func(c lease.Cursor) {
			if c.Block > head {
				done = true
				cancel()
			}
		},
	}, func(ev lease.Event) error {
		if ev.Log.BlockNumber > head {
			done = true
			return errHistoryDone
		}
		if ev.LeaseID == id {
			out = append(out, ev)
		}
		return nil
	})
	if done {
		return out, nil
	}
	if err != nil {
		return nil, fmt.Errorf("events of lease %s: %w", id.Hex(), err)
	}
	return out, nil
}

var errHistoryDone = errors.New("history read")

// TermsFromChain reads a lease's terms from its LeaseOpened event, for a
// lease this machine keeps no record of; it also returns the event's block.
func TermsFromChain(ctx context.Context, r EventReader, id common.Hash, head uint64) (lease.Terms, uint64, error) {
	evs, err := LeaseHistory(ctx, r, id, 0, head)
	if err != nil {
		return lease.Terms{}, 0, err
	}
	for _, ev := range evs {
		if t, ok := ev.Terms(); ok {
			return t, ev.Log.BlockNumber, nil
		}
	}
	return lease.Terms{}, 0, fmt.Errorf("lease %s: %w (no LeaseOpened event up to block %d)", id.Hex(), lease.ErrUnknownLease, head)
}
