package api

import (
	"math/big"
	"testing"
	"time"

	"github.com/tender-market/tender/pkg/store"
)

// TestRanFor: a lease's running time and, while it runs, what it has
// earned, as the escrow computes it; an ended one ran until it ended.
func TestRanFor(t *testing.T) {
	start := time.Unix(1_800_000_000, 0)
	end := start.Add(90 * time.Minute)
	l := store.Lease{State: "running", PricePerHour: big.NewInt(3_600_000), MaxDuration: 3600, Deposit: big.NewInt(5_000_000), StartedAt: &start}
	for _, c := range []struct {
		name    string
		l       store.Lease
		now     time.Time
		ran     string
		accrued *big.Int
	}{
		{"not started", store.Lease{State: "open"}, end, "", nil},
		{"running", l, start.Add(10*time.Minute + 500*time.Millisecond), "10m0s", big.NewInt(600_000)},
		{"past its longest run", l, end, "1h30m0s", big.NewInt(3_600_000)},
		{"clock behind the chain", l, start.Add(-time.Minute), "0s", big.NewInt(0)},
		{"ended", func() store.Lease { e := l; e.State, e.EndedAt = "closed", &end; return e }(), end.Add(time.Hour), "1h30m0s", nil},
	} {
		ran, accrued := ranFor(c.l, c.now)
		if ran != c.ran || (accrued == nil) != (c.accrued == nil) || accrued != nil && accrued.Cmp(c.accrued) != 0 {
			t.Errorf("%s: ran %q, accrued %v; want %q, %v", c.name, ran, accrued, c.ran, c.accrued)
		}
	}
}
