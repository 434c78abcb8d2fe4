package gpu

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// fixedDevices is a DeviceSource with a fixed set of GPUs.
type fixedDevices []string

func (f fixedDevices) Snapshot() Snapshot {
	s := Snapshot{Devices: []Device{}}
	for i, u := range f {
		s.Devices = append(s.Devices, Device{UUID: u, Index: i})
	}
	return s
}

// fakeClock is a clock tests move by hand.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// step is one call on an Allocator in a scenario.
type step struct {
	op      string // reserve, release, lease, restore, end, advance
	bid     string
	lease   string
	gpus    []string
	ttl     time.Duration // reserve: expiry is now+ttl; advance: how far
	wantErr error         // matched with errors.Is; nil means success
	wantMsg string        // the error must contain this
	want    []string      // lease: the leased UUIDs
}

func TestAllocator(t *testing.T) {
	gpus := fixedDevices{"GPU-a", "GPU-b", "GPU-c", "GPU-d"}
	start := time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)

	tests := []struct {
		name       string
		steps      []step
		wantClaims []Claim
		wantFree   []string
	}{
		{
			name: "reserve then lose the auction",
			steps: []step{
				{op: "reserve", bid: "bid1", gpus: []string{"GPU-a", "GPU-b"}, ttl: time.Minute},
				{op: "release", bid: "bid1"},
			},
			wantClaims: []Claim{},
			wantFree:   []string{"GPU-a", "GPU-b", "GPU-c", "GPU-d"},
		},
		{
			name: "reserve then win: the reservation becomes a lease",
			steps: []step{
				{op: "reserve", bid: "bid1", gpus: []string{"GPU-c", "GPU-a"}, ttl: time.Minute},
				{op: "lease", bid: "bid1", lease: "0xl1", want: []string{"GPU-a", "GPU-c"}},
				{op: "advance", ttl: time.Hour},
			},
			wantClaims: []Claim{
				{UUID: "GPU-a", State: StateLeased, BidID: "bid1", LeaseID: "0xl1"},
				{UUID: "GPU-c", State: StateLeased, BidID: "bid1", LeaseID: "0xl1"},
			},
			wantFree: []string{"GPU-b", "GPU-d"},
		},
		{
			name: "a reservation expires",
			steps: []step{
				{op: "reserve", bid: "bid1", gpus: []string{"GPU-a"}, ttl: time.Minute},
				{op: "advance", ttl: time.Minute},
				{op: "release", bid: "bid1", wantErr: ErrNoReservation},
				{op: "reserve", bid: "bid2", gpus: []string{"GPU-a"}, ttl: time.Minute},
			},
			wantClaims: []Claim{{UUID: "GPU-a", State: StateReserved, BidID: "bid2", Expires: start.Add(2 * time.Minute)}},
			wantFree:   []string{"GPU-b", "GPU-c", "GPU-d"},
		},
		{
			name: "an expired reservation cannot become a lease",
			steps: []step{
				{op: "reserve", bid: "bid1", gpus: []string{"GPU-a"}, ttl: time.Minute},
				{op: "advance", ttl: 2 * time.Minute},
				{op: "lease", bid: "bid1", lease: "0xl1", wantErr: ErrReservationExpired},
			},
			wantClaims: []Claim{},
			wantFree:   []string{"GPU-a", "GPU-b", "GPU-c", "GPU-d"},
		},
		{
			name: "a leased GPU cannot be reserved",
			steps: []step{
				{op: "reserve", bid: "bid1", gpus: []string{"GPU-a"}, ttl: time.Minute},
				{op: "lease", bid: "bid1", lease: "0xl1", want: []string{"GPU-a"}},
				{op: "reserve", bid: "bid2", gpus: []string{"GPU-b", "GPU-a"}, ttl: time.Minute,
					wantErr: ErrBusy, wantMsg: "GPU GPU-a is leased to lease 0xl1"},
			},
			wantClaims: []Claim{{UUID: "GPU-a", State: StateLeased, BidID: "bid1", LeaseID: "0xl1"}},
			wantFree:   []string{"GPU-b", "GPU-c", "GPU-d"},
		},
		{
			name: "a reserved GPU cannot be reserved for another bid, and nothing changes",
			steps: []step{
				{op: "reserve", bid: "bid1", gpus: []string{"GPU-b"}, ttl: time.Minute},
				{op: "reserve", bid: "bid2", gpus: []string{"GPU-a", "GPU-b"}, ttl: time.Minute,
					wantErr: ErrBusy, wantMsg: "GPU GPU-b is reserved for bid bid1 until 2026-11-22T12:01:00Z"},
			},
			wantClaims: []Claim{{UUID: "GPU-b", State: StateReserved, BidID: "bid1", Expires: start.Add(time.Minute)}},
			wantFree:   []string{"GPU-a", "GPU-c", "GPU-d"},
		},
		{
			name: "ending a lease frees its GPUs",
			steps: []step{
				{op: "reserve", bid: "bid1", gpus: []string{"GPU-a", "GPU-b"}, ttl: time.Minute},
				{op: "lease", bid: "bid1", lease: "0xl1", want: []string{"GPU-a", "GPU-b"}},
				{op: "end", lease: "0xl1"},
				{op: "end", lease: "0xl1", wantErr: ErrNoLease},
			},
			wantClaims: []Claim{},
			wantFree:   []string{"GPU-a", "GPU-b", "GPU-c", "GPU-d"},
		},
		{
			name: "restore a running lease after a restart",
			steps: []step{
				{op: "restore", lease: "0xl9", gpus: []string{"GPU-d"}},
				{op: "restore", lease: "0xl9", gpus: []string{"GPU-d"}},
				{op: "restore", lease: "0xl8", gpus: []string{"GPU-d"}, wantErr: ErrBusy, wantMsg: "leased to lease 0xl9"},
			},
			wantClaims: []Claim{{UUID: "GPU-d", State: StateLeased, LeaseID: "0xl9"}},
			wantFree:   []string{"GPU-a", "GPU-b", "GPU-c"},
		},
		{
			name: "bad requests",
			steps: []step{
				{op: "reserve", bid: "bid1", gpus: []string{"GPU-zz"}, ttl: time.Minute, wantErr: ErrUnknownGPU, wantMsg: "GPU-zz"},
				{op: "reserve", bid: "bid1", gpus: []string{"GPU-a", "GPU-a"}, ttl: time.Minute, wantMsg: "named twice"},
				{op: "reserve", bid: "bid1", gpus: nil, ttl: time.Minute, wantMsg: "no GPUs named"},
				{op: "reserve", bid: "bid1", gpus: []string{"GPU-a"}, ttl: 0, wantMsg: "not in the future"},
				{op: "reserve", bid: "", gpus: []string{"GPU-a"}, ttl: time.Minute, wantMsg: "empty bid ID"},
				{op: "release", bid: "never", wantErr: ErrNoReservation},
				{op: "lease", bid: "never", lease: "0xl1", wantErr: ErrNoReservation},
				{op: "reserve", bid: "bid1", gpus: []string{"GPU-a"}, ttl: time.Minute},
				{op: "reserve", bid: "bid1", gpus: []string{"GPU-b"}, ttl: time.Minute, wantMsg: "already holds GPU GPU-a"},
				{op: "lease", bid: "bid1", lease: "", wantMsg: "empty lease ID"},
			},
			wantClaims: []Claim{{UUID: "GPU-a", State: StateReserved, BidID: "bid1", Expires: start.Add(time.Minute)}},
			wantFree:   []string{"GPU-b", "GPU-c", "GPU-d"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clock := &fakeClock{now: start}
			a := NewAllocator(gpus, clock.Now)
			for i, s := range tt.steps {
				var err error
				var got []string
				switch s.op {
				case "reserve":
					err = a.Reserve(s.bid, s.gpus, clock.Now().Add(s.ttl))
				case "release":
					err = a.Release(s.bid)
				case "lease":
					got, err = a.Lease(s.bid, s.lease)
				case "restore":
					err = a.Restore(s.lease, s.gpus)
				case "end":
					err = a.EndLease(s.lease)
				case "advance":
					clock.Advance(s.ttl)
				default:
					t.Fatalf("step %d: unknown op %q", i, s.op)
				}
				checkErr(t, fmt.Sprintf("step %d (%s)", i, s.op), err, s.wantErr, s.wantMsg)
				if s.op == "lease" && s.want != nil {
					if diff := cmp.Diff(s.want, got); diff != "" {
						t.Errorf("step %d: Lease() UUIDs mismatch (-want +got):\n%s", i, diff)
					}
				}
			}
			if diff := cmp.Diff(tt.wantClaims, a.Claims()); diff != "" {
				t.Errorf("Claims() mismatch (-want +got):\n%s", diff)
			}
			var free []string
			for _, d := range a.Free() {
				free = append(free, d.UUID)
			}
			if diff := cmp.Diff(tt.wantFree, free); diff != "" {
				t.Errorf("Free() mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func checkErr(t *testing.T, what string, err, wantErr error, wantMsg string) {
	t.Helper()
	if wantErr == nil && wantMsg == "" {
		if err != nil {
			t.Errorf("%s: error = %v, want nil", what, err)
		}
		return
	}
	if err == nil {
		t.Errorf("%s: error = nil, want %v %q", what, wantErr, wantMsg)
		return
	}
	if wantErr != nil && !errors.Is(err, wantErr) {
		t.Errorf("%s: error = %v, want one matching %v", what, err, wantErr)
	}
	if !strings.Contains(err.Error(), wantMsg) {
		t.Errorf("%s: error = %q, want it to contain %q", what, err, wantMsg)
	}
}

func TestAllocatorConflictError(t *testing.T) {
	clock := &fakeClock{now: time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)}
	a := NewAllocator(fixedDevices{"GPU-a"}, clock.Now)
	if err := a.Reserve("bid1", []string{"GPU-a"}, clock.Now().Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Lease("bid1", "0xabc"); err != nil {
		t.Fatal(err)
	}
	err := a.Reserve("bid2", []string{"GPU-a"}, clock.Now().Add(time.Minute))
	var conflict *ConflictError
	if !errors.As(err, &conflict) {
		t.Fatalf("Reserve() error = %v, want a *ConflictError", err)
	}
	want := &ConflictError{UUID: "GPU-a", State: StateLeased, BidID: "bid1", LeaseID: "0xabc"}
	if diff := cmp.Diff(want, conflict); diff != "" {
		t.Errorf("ConflictError mismatch (-want +got):\n%s", diff)
	}
	if got := a.Claim("GPU-a"); got.State != StateLeased || got.LeaseID != "0xabc" {
		t.Errorf("Claim(GPU-a) = %+v, want leased to 0xabc", got)
	}
	if got := a.Claim("GPU-other"); got.State != StateFree {
		t.Errorf("Claim(GPU-other).State = %q, want free", got.State)
	}
}

func TestAllocatorConcurrentReserve(t *testing.T) {
	gpus := fixedDevices{"GPU-a", "GPU-b", "GPU-c"}
	a := NewAllocator(gpus, nil)
	const bidders = 50
	var wg sync.WaitGroup
	wins := make(chan string, bidders)
	for i := range bidders {
		wg.Go(func() {
			bid := fmt.Sprintf("bid%d", i)
			// Every bidder wants two GPUs out of three, so at most one wins.
			pair := []string{gpus[i%3], gpus[(i+1)%3]}
			err := a.Reserve(bid, pair, time.Now().Add(time.Minute))
			switch {
			case err == nil:
				wins <- bid
			case !errors.Is(err, ErrBusy):
				t.Errorf("Reserve(%s) error = %v, want nil or ErrBusy", bid, err)
			}
		})
	}
	wg.Wait()
	close(wins)
	var winners []string
	for w := range wins {
		winners = append(winners, w)
	}
	if len(winners) != 1 {
		t.Fatalf("%d bidders reserved GPUs (%v), want exactly 1", len(winners), winners)
	}
	if got := len(a.Free()); got != 1 {
		t.Errorf("%d GPUs free after one two-GPU reservation, want 1", got)
	}
}

// TestAllocatorNeverSellsMIGGPUWhole: the GPUs of a simulated machine in
// MIG mode (with slices or none yet) are not free and cannot be reserved
// whole; its other GPUs are.
func TestAllocatorNeverSellsMIGGPUWhole(t *testing.T) {
	inv, err := Open(t.Context(), Options{Simulate: "dgxh100-mig"})
	if err != nil {
		t.Fatal(err)
	}
	defer inv.Close()
	a := NewAllocator(inv, nil)
	snap := inv.Snapshot()
	free := map[string]bool{}
	for _, d := range a.Free() {
		free[d.UUID] = true
	}
	mig := 0
	for _, d := range snap.Devices {
		if d.MIGMode == MIGEnabled {
			mig++
			if free[d.UUID] {
				t.Errorf("GPU %d in MIG mode is free as a whole GPU", d.Index)
			}
			if err := a.Reserve("bid-1", []string{d.UUID}, time.Now().Add(time.Minute)); !errors.Is(err, ErrMIGGPU) {
				t.Errorf("Reserve(GPU %d in MIG mode): %v, want ErrMIGGPU", d.Index, err)
			}
		} else if !free[d.UUID] {
			t.Errorf("GPU %d (not in MIG mode) is not free", d.Index)
		}
	}
	if mig == 0 {
		t.Fatal("the simulated machine has no GPU in MIG mode")
	}
}

// TestAllocatorSellsMIGSlices: the MIG slices of a simulated machine are
// free one by one, each with its profile, its own memory and its GPU's
// model; a slice reserved is no longer free, and its GPU's other slices
// still are.
func TestAllocatorSellsMIGSlices(t *testing.T) {
	inv, err := Open(t.Context(), Options{Simulate: "dgxa100-mig"})
	if err != nil {
		t.Fatal(err)
	}
	defer inv.Close()
	a := NewAllocator(inv, nil)
	var slices []Device
	for _, d := range a.Free() {
		if d.MIGProfile != "" {
			slices = append(slices, d)
		}
	}
	want := inv.Snapshot().Slices()
	if len(slices) == 0 || len(slices) != len(want) {
		t.Fatalf("%d free slices, want all %d of the machine's", len(slices), len(want))
	}
	first := slices[0]
	parent := inv.Snapshot().Devices[first.Index]
	if first.Model != parent.Model || first.MemoryTotalMiB >= parent.MemoryTotalMiB || first.MIGMode != "" || !first.Simulated {
		t.Errorf("slice %+v, want its GPU's model %q, its own (smaller) memory, simulated", first, parent.Model)
	}
	if err := a.Reserve("bid-1", []string{first.UUID}, time.Now().Add(time.Minute)); err != nil {
		t.Fatalf("Reserve(a slice): %v", err)
	}
	left := a.Free()
	for _, d := range left {
		if d.UUID == first.UUID {
			t.Error("the reserved slice is still free")
		}
	}
	if n := len(left); n != len(a.Free()) || countSlices(left) != len(want)-1 {
		t.Errorf("%d slices free after one was reserved, want %d", countSlices(left), len(want)-1)
	}
}

func countSlices(devs []Device) int {
	n := 0
	for _, d := range devs {
		if d.MIGProfile != "" {
			n++
		}
	}
	return n
}
