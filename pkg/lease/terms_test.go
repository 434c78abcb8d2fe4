package lease_test

import (
	"math/big"
	"math/rand/v2"
	"testing"

	"github.com/ethereum/go-ethereum/accounts/abi/bind/v2"
	"github.com/ethereum/go-ethereum/common"

	"github.com/tender-market/tender/pkg/lease"
)

// randAmount returns a random amount of up to bits bits, often a small or
// edge value.
func randAmount(r *rand.Rand, bits int) *big.Int {
	switch r.IntN(4) {
	case 0:
		return big.NewInt(r.Int64N(5000))
	case 1:
		return new(big.Int).Sub(new(big.Int).Lsh(big.NewInt(1), uint(bits)), big.NewInt(1))
	}
	v := new(big.Int)
	for range bits / 32 {
		v.Lsh(v, 32).Or(v, big.NewInt(int64(r.Uint32())))
	}
	return v.Rsh(v, uint(r.IntN(bits)))
}

// TestMirrorsMatchContract checks the client's copies of the contract's
// arithmetic (terms hash, minimum deposit) against the contract.
func TestMirrorsMatchContract(t *testing.T) {
	h := newHarness(t, plainToken)
	opts := &bind.CallOpts{Context: h.ctx}
	r := rand.New(rand.NewPCG(1, 2))
	for i := range 300 {
		var tenant, provider common.Address
		for j := range tenant {
			tenant[j], provider[j] = byte(r.Uint32()), byte(r.Uint32())
		}
		terms := lease.Terms{Tenant: tenant, Provider: provider, PricePerHour: randAmount(r, 256), MaxDuration: r.Uint64() >> r.IntN(64)}
		got, err := bind.Call(h.escrowC, opts, h.escrow.PackHashTerms(terms.Args()), h.escrow.UnpackHashTerms)
		if err != nil {
			t.Fatal(err)
		}
		if common.Hash(got) != terms.Hash() {
			t.Fatalf("case %d: terms %+v hash to %x in the contract, %s here", i, terms, got, terms.Hash().Hex())
		}

		p := randAmount(r, 128)
		md := uint64(r.IntN(200))
		min, err := bind.Call(h.escrowC, opts, h.escrow.PackMinimumDeposit(p, md), h.escrow.UnpackMinimumDeposit)
		if err != nil {
			t.Fatal(err)
		}
		if want := (lease.Terms{PricePerHour: p, MaxDuration: md}).MinimumDeposit(h.client.MinDuration()); min.Cmp(want) != 0 {
			t.Fatalf("case %d: minimum deposit at %s for %d s: contract %s, here %s", i, p, md, min, want)
		}
	}
}

func TestEarned(t *testing.T) {
	terms := lease.Terms{PricePerHour: big.NewInt(3_600_000), MaxDuration: 600}
	tests := []struct {
		name           string
		deposit        int64
		startedAt, now uint64
		want           int64
		wantOverdrawn  bool
	}{
		{"nothing yet", 1_000_000, 100, 100, 0, false},
		{"clock before start", 1_000_000, 100, 50, 0, false},
		{"ten seconds", 1_000_000, 100, 110, 10_000, false},
		{"capped at max duration", 1_000_000, 100, 100_000, 600_000, false},
		{"capped at deposit", 5_000, 100, 110, 5_000, true},
		{"exactly the deposit", 10_000, 100, 110, 10_000, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, over := terms.Earned(big.NewInt(tt.deposit), tt.startedAt, tt.now)
			if got.Int64() != tt.want || over != tt.wantOverdrawn {
				t.Errorf("Earned = %s, %v; want %d, %v", got, over, tt.want, tt.wantOverdrawn)
			}
		})
	}
	slow := lease.Terms{PricePerHour: big.NewInt(1000), MaxDuration: 3600}
	if got, _ := slow.Earned(big.NewInt(1000), 0, 3); got.Sign() != 0 {
		t.Errorf("1000 per hour for 3 s earns %s, want 0 (rounded down)", got)
	}
}

// TestMaxCostAndPaidSeconds: a deposit of MaxCost pays for the whole
// MaxDuration and is never overdrawn by it; one base unit less runs out
// before MaxDuration whenever the price does not divide evenly.
func TestMaxCostAndPaidSeconds(t *testing.T) {
	tests := []struct {
		price, dur, cost int64
	}{
		{3_600_000, 600, 600_000},
		{2_000_000, 600, 333_334}, // 333333.33 rounds up
		{1000, 3600, 1000},
		{1000, 5, 2}, // 1.39 rounds up
		{7, 1, 1},
		{0, 3600, 0},
	}
	for _, tt := range tests {
		terms := lease.Terms{PricePerHour: big.NewInt(tt.price), MaxDuration: uint64(tt.dur)}
		if got := terms.MaxCost(); got.Int64() != tt.cost {
			t.Errorf("MaxCost of %d/h for %d s = %s, want %d", tt.price, tt.dur, got, tt.cost)
		}
	}
	r := rand.New(rand.NewPCG(3, 4))
	for i := range 2000 {
		terms := lease.Terms{PricePerHour: new(big.Int).Add(randAmount(r, 96), big.NewInt(1)), MaxDuration: uint64(r.Int64N(1 << 32))}
		cost := terms.MaxCost()
		if got, over := terms.Earned(cost, 0, terms.MaxDuration); over && got.Cmp(cost) != 0 || got.Cmp(cost) > 0 {
			t.Fatalf("case %d: %+v: MaxCost %s, earned over MaxDuration %s (overdrawn %v)", i, terms, cost, got, over)
		}
		if got := terms.PaidSeconds(cost); got != terms.MaxDuration {
			t.Fatalf("case %d: %+v: MaxCost %s pays for %d s, want %d", i, terms, cost, got, terms.MaxDuration)
		}
		less := new(big.Int).Sub(cost, big.NewInt(1))
		if s := terms.PaidSeconds(less); s > terms.MaxDuration {
			t.Fatalf("case %d: PaidSeconds %d beyond MaxDuration %d", i, s, terms.MaxDuration)
		} else if got, _ := terms.Earned(less, 0, s); got.Cmp(less) > 0 {
			t.Fatalf("case %d: %+v: %d paid seconds earn %s, more than the deposit %s", i, terms, s, got, less)
		}
	}
}

func TestExitCode(t *testing.T) {
	tests := []struct {
		code   lease.ExitCode
		status int
		reason lease.ExitReason
		text   string
	}{
		{lease.NewExitCode(0, lease.ExitedByItself), 0, lease.ExitedByItself, "0"},
		{lease.NewExitCode(3, lease.ExitedByItself), 3, lease.ExitedByItself, "3"},
		{lease.NewExitCode(137, lease.ExitOutOfMemory), 137, lease.ExitOutOfMemory, "137: killed, out of memory (limit 256Mi)"},
		{lease.NewExitCode(143, lease.ExitCancelled), 143, lease.ExitCancelled, "143: cancelled by the tenant"},
		{lease.NewExitCode(-1, lease.ExitedByItself), -1, lease.ExitedByItself, "no exit status"},
		{lease.NewExitCode(-1, lease.ExitOutputLimit), -1, lease.ExitedByItself, "no exit status"},
		{lease.NewExitCode(-1, lease.ExitProviderFailure), 255, lease.ExitProviderFailure, "the provider failed"},
		{lease.NewExitCode(-1, lease.ExitNoJob), 255, lease.ExitNoJob, "never started, the tenant sent no job"},
		{lease.ExitCode(137), 137, lease.ExitedByItself, "137"},
		{lease.NoExitCode, -1, lease.ExitedByItself, "no exit status"},
	}
	for _, tt := range tests {
		if tt.code.Status() != tt.status || tt.code.Reason() != tt.reason || tt.code.Describe("256Mi") != tt.text {
			t.Errorf("exit code %d: status %d, reason %q, %q; want %d, %q, %q", int32(tt.code), tt.code.Status(), tt.code.Reason(), tt.code.Describe("256Mi"), tt.status, tt.reason, tt.text)
		}
	}
}
