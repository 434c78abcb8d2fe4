package lease_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/tender-market/tender/internal/testenv"
	"github.com/tender-market/tender/pkg/lease"
)

// TestConcurrentTransactions: a provider starts eight leases at once
// through one client, on a chain that seals a block every 200 ms. Each
// start gets a nonce of its own and all of them wait to be mined together,
// not one block after another.
func TestConcurrentTransactions(t *testing.T) {
	h := newHarness(t, plainToken)
	const n = 8
	var leases []opened
	for i := range n {
		leases = append(leases, h.open(uint64(100+i), price, deposit))
	}
	// A client whose sends return at once; blocks come from the sealer.
	c, err := lease.New(h.ctx, h.sim.Client(), h.escrowC.Address(), nil)
	if err != nil {
		t.Fatal(err)
	}
	sealer := testenv.Background(t, "sealer", func(ctx context.Context) error {
		tick := time.NewTicker(200 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-ctx.Done():
				return nil
			case <-tick.C:
				h.sim.Commit()
			}
		}
	})
	blocks := make([]uint64, n)
	var wg sync.WaitGroup
	for i, l := range leases {
		wg.Go(func() {
			r, err := c.Start(h.ctx, h.provider.auth, l.id, l.terms)
			if err != nil {
				t.Errorf("start lease %d: %v", i, err)
				return
			}
			blocks[i] = r.BlockNumber.Uint64()
		})
	}
	wg.Wait()
	sealer.Stop()
	distinct := map[uint64]bool{}
	for _, b := range blocks {
		distinct[b] = true
	}
	if len(distinct) > 2 {
		t.Errorf("the starts were mined in %d blocks %v, want them together in one or two", len(distinct), blocks)
	}
	for _, l := range leases {
		if got := h.lease(l.id).State; got != lease.StateRunning {
			t.Errorf("lease %s is %s, want running", l.id.Hex(), got)
		}
	}
}
