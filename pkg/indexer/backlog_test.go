package indexer_test

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tender-market/tender/pkg/indexer"
	"github.com/tender-market/tender/pkg/lease"
	"github.com/tender-market/tender/pkg/store"
	"github.com/tender-market/tender/pkg/store/storetest"
)

// brokenEscrow delivers the escrow's events until its endpoint "goes away"
// after the given number.
type brokenEscrow struct {
	*lease.Client
	after int
}

var errEndpointGone = errors.New("chain endpoint gone")

// deferCounter is a store that counts the batches stored deferred.
type deferCounter struct {
	*store.Store
	deferred atomic.Int64
}

func (d *deferCounter) DeferChainEvents(ctx context.Context, name string, evs []store.ChainEvent, next store.ChainPosition) (int, error) {
	d.deferred.Add(1)
	return d.Store.DeferChainEvents(ctx, name, evs, next)
}

func (b *brokenEscrow) Watch(ctx context.Context, opts lease.WatchOptions, handle func(lease.Event) error) error {
	n := 0
	return b.Client.Watch(ctx, opts, func(ev lease.Event) error {
		if n++; n > b.after {
			return errEndpointGone
		}
		return handle(ev)
	})
}

// TestChainCatchUpDeferred: while catching up, the indexer stores batches
// whose leases move later, together; once caught up, and when the chain
// stops answering midway, every lease it stored events of has moved.
func TestChainCatchUpDeferred(t *testing.T) {
	ctx := testContext(t)
	const leases = 4
	c, s, dbURL, head := settledChain(t, leases)

	// The endpoint goes away after 7 events: three batches of two went in,
	// deferred, since the rest of the range was to follow.
	cfg := indexer.ChainConfig{Name: "escrow", StartBlock: c.Contracts.Block, BatchSize: 2, PollInterval: time.Hour}
	counted := &deferCounter{Store: s}
	ix, err := indexer.NewChain(&brokenEscrow{Client: c.Client, after: 7}, c.Backend, counted, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := ix.RunOnce(ctx); !errors.Is(err, errEndpointGone) {
		t.Fatalf("RunOnce: %v, want %v", err, errEndpointGone)
	}
	if n := counted.deferred.Load(); n != 3 {
		t.Errorf("%d batches deferred, want 3", n)
	}
	checkMoved(t, dbURL, 6)

	// Caught up at last: everything moved.
	ix, stop := runChain(t, c, s, indexer.ChainConfig{BatchSize: 2})
	waitIndexed(t, ix, head)
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	checkMoved(t, dbURL, 3*leases)
	var closed int
	if err := storetest.QueryRow(t, dbURL, `SELECT count(*) FROM leases WHERE state = 'closed'`, &closed); err != nil {
		t.Fatal(err)
	}
	if closed != leases {
		t.Errorf("%d leases closed, want %d", closed, leases)
	}
}

// checkMoved fails t unless the index holds events stored events and
// every lease they open, start and close is there and moved by them, with
// no backlog left.
func checkMoved(t *testing.T, dbURL string, events int) {
	t.Helper()
	var stored, opened, started, closed, leases, running, ended, pending int
	if err := storetest.QueryRow(t, dbURL, `
SELECT count(*), count(*) FILTER (WHERE kind = 'LeaseOpened'), count(*) FILTER (WHERE kind = 'Started'),
       count(*) FILTER (WHERE kind = 'Closed'),
       (SELECT count(*) FROM leases), (SELECT count(*) FROM leases WHERE started_at IS NOT NULL),
       (SELECT count(*) FROM leases WHERE state = 'closed'),
       (SELECT count(*) FROM chain_cursors WHERE pending_block IS NOT NULL)
FROM lease_events`, &stored, &opened, &started, &closed, &leases, &running, &ended, &pending); err != nil {
		t.Fatal(err)
	}
	if stored != events || leases != opened || running != started || ended != closed || pending != 0 {
		t.Errorf("%d events stored (want %d): %d opened, %d started, %d closed; leases: %d, %d started, %d closed; %d backlogs left",
			stored, events, opened, started, closed, leases, running, ended, pending)
	}
}
