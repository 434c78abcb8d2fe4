package gpu

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"
)

// State is what a GPU is doing from the market's point of view.
type State string

// GPU states.
const (
	StateFree     State = "free"
	StateReserved State = "reserved" // held for a bid until the auction ends or the hold expires
	StateLeased   State = "leased"   // running, or about to run, a lease's job
)

// Errors the Allocator returns, for errors.Is.
var (
	// ErrBusy: a GPU is reserved for another bid or leased. The error is a
	// *ConflictError naming the holder.
	ErrBusy = errors.New("GPU is busy")
	// ErrUnknownGPU: a UUID is not in this machine's inventory.
	ErrUnknownGPU = errors.New("GPU is not in this machine's inventory")
	// ErrMIGGPU: a GPU in MIG mode cannot be reserved whole.
	ErrMIGGPU = errors.New("a GPU in MIG mode is sold as its MIG slices, not whole")
	// ErrNoReservation: the bid holds no reservation (never made, released,
	// leased or expired).
	ErrNoReservation = errors.New("no reservation for this bid")
	// ErrReservationExpired: the bid's reservation expired before it was
	// turned into a lease.
	ErrReservationExpired = errors.New("reservation expired")
	// ErrNoLease: no GPU is leased to this lease.
	ErrNoLease = errors.New("no GPUs are leased to this lease")
)

// ConflictError says which bid or lease holds a GPU that was asked for.
type ConflictError struct {
	UUID    string
	State   State // StateReserved or StateLeased
	BidID   string
	LeaseID string
	Expires time.Time // when a reservation ends
}

func (e *ConflictError) Error() string {
	if e.State == StateLeased {
		return fmt.Sprintf("GPU %s is leased to lease %s", e.UUID, e.LeaseID)
	}
	return fmt.Sprintf("GPU %s is reserved for bid %s until %s", e.UUID, e.BidID, e.Expires.UTC().Format(time.RFC3339))
}

// Is makes errors.Is(err, ErrBusy) true for a conflict.
func (e *ConflictError) Is(target error) bool { return target == ErrBusy }

// Claim is one GPU's allocation.
type Claim struct {
	UUID    string    `json:"uuid"`
	State   State     `json:"state"`
	BidID   string    `json:"bidId,omitempty"`
	LeaseID string    `json:"leaseId,omitempty"`
	Expires time.Time `json:"expires,omitzero"`
}

// DeviceSource gives the GPUs that exist; *Inventory is one.
type DeviceSource interface {
	Snapshot() Snapshot
}

var _ DeviceSource = (*Inventory)(nil)

// Allocator tracks which GPUs, by UUID, are free, reserved for a bid, or
// leased. A reservation ends when the bid loses (Release), when it expires,
// or when it becomes a lease (Lease). All methods are safe for concurrent use.
// State lives in memory only: after a restart, Restore the leases that are
// still running.
type Allocator struct {
	devices DeviceSource
	now     func() time.Time

	mu     sync.Mutex
	claims map[string]Claim // by GPU UUID; free GPUs have no entry
}

// NewAllocator returns an Allocator over the GPUs devices reports. now is the
// clock reservations expire by; nil means time.Now.
func NewAllocator(devices DeviceSource, now func() time.Time) *Allocator {
	if now == nil {
		now = time.Now
	}
	return &Allocator{devices: devices, now: now, claims: make(map[string]Claim)}
}

// Reserve holds uuids for bidID until expires. It reserves all of them or
// none: if any is unknown or busy, nothing changes and the error says which
// GPU and who holds it.
func (a *Allocator) Reserve(bidID string, uuids []string, expires time.Time) error {
	if bidID == "" {
		return errors.New("reserve GPUs: empty bid ID")
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	now := a.now()
	a.expireLocked(now)
	if !expires.After(now) {
		return fmt.Errorf("reserve GPUs for bid %s: expiry %s is not in the future", bidID, expires.UTC().Format(time.RFC3339))
	}
	if err := a.checkFreeLocked(uuids); err != nil {
		return fmt.Errorf("reserve GPUs for bid %s: %w", bidID, err)
	}
	for _, c := range a.claims {
		if c.BidID == bidID {
			return fmt.Errorf("reserve GPUs for bid %s: the bid already holds GPU %s", bidID, c.UUID)
		}
	}
	for _, u := range uuids {
		a.claims[u] = Claim{UUID: u, State: StateReserved, BidID: bidID, Expires: expires}
	}
	return nil
}

// Release frees the GPUs reserved for bidID, as when the bid loses. It returns
// an error wrapping ErrNoReservation when the bid holds none.
func (a *Allocator) Release(bidID string) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.expireLocked(a.now())
	released := false
	for u, c := range a.claims {
		if c.State == StateReserved && c.BidID == bidID {
			delete(a.claims, u)
			released = true
		}
	}
	if !released {
		return fmt.Errorf("release bid %s: %w", bidID, ErrNoReservation)
	}
	return nil
}

// Lease turns bidID's reservation into a lease for leaseID and returns the
// leased UUIDs, sorted. An expired reservation cannot be leased
// (ErrReservationExpired).
func (a *Allocator) Lease(bidID, leaseID string) ([]string, error) {
	if leaseID == "" {
		return nil, fmt.Errorf("lease GPUs of bid %s: empty lease ID", bidID)
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	now := a.now()
	var uuids []string
	var expired time.Time
	for u, c := range a.claims {
		switch {
		case c.State == StateLeased && c.LeaseID == leaseID:
			return nil, fmt.Errorf("lease GPUs of bid %s: lease %s already holds GPU %s", bidID, leaseID, u)
		case c.State == StateReserved && c.BidID == bidID && !now.Before(c.Expires):
			expired = c.Expires
		case c.State == StateReserved && c.BidID == bidID:
			uuids = append(uuids, u)
		}
	}
	if len(uuids) == 0 && !expired.IsZero() {
		a.expireLocked(now)
		return nil, fmt.Errorf("lease GPUs of bid %s: %w at %s", bidID, ErrReservationExpired, expired.UTC().Format(time.RFC3339))
	}
	if len(uuids) == 0 {
		return nil, fmt.Errorf("lease GPUs of bid %s: %w", bidID, ErrNoReservation)
	}
	slices.Sort(uuids)
	for _, u := range uuids {
		a.claims[u] = Claim{UUID: u, State: StateLeased, BidID: bidID, LeaseID: leaseID}
	}
	return uuids, nil
}

// Restore marks uuids as leased to leaseID without a reservation, for a
// provider that restarts while the lease's job still runs.
func (a *Allocator) Restore(leaseID string, uuids []string) error {
	if leaseID == "" {
		return errors.New("restore GPUs: empty lease ID")
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	a.expireLocked(a.now())
	for _, u := range uuids {
		if c, ok := a.claims[u]; ok && c.State == StateLeased && c.LeaseID == leaseID {
			continue
		}
		if err := a.checkFreeLocked([]string{u}); err != nil {
			return fmt.Errorf("restore GPUs of lease %s: %w", leaseID, err)
		}
	}
	for _, u := range uuids {
		a.claims[u] = Claim{UUID: u, State: StateLeased, LeaseID: leaseID}
	}
	return nil
}

// EndLease frees the GPUs leased to leaseID. It returns an error wrapping
// ErrNoLease when there are none.
func (a *Allocator) EndLease(leaseID string) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	ended := false
	for u, c := range a.claims {
		if c.State == StateLeased && c.LeaseID == leaseID {
			delete(a.claims, u)
			ended = true
		}
	}
	if !ended {
		return fmt.Errorf("end lease %s: %w", leaseID, ErrNoLease)
	}
	return nil
}

// Claims returns every GPU that is reserved or leased, sorted by UUID.
func (a *Allocator) Claims() []Claim {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.expireLocked(a.now())
	out := make([]Claim, 0, len(a.claims))
	for _, c := range a.claims {
		out = append(out, c)
	}
	slices.SortFunc(out, func(x, y Claim) int { return strings.Compare(x.UUID, y.UUID) })
	return out
}

// Claim returns the allocation of one GPU; a GPU nobody holds is StateFree.
func (a *Allocator) Claim(uuid string) Claim {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.expireLocked(a.now())
	if c, ok := a.claims[uuid]; ok {
		return c
	}
	return Claim{UUID: uuid, State: StateFree}
}

// Free returns the sellable devices of the current inventory
// (Snapshot.Sellable: whole GPUs, then MIG slices) that nobody holds. A
// GPU in MIG mode is never free whole; its slices are free one by one.
func (a *Allocator) Free() []Device {
	snap := a.devices.Snapshot()
	a.mu.Lock()
	defer a.mu.Unlock()
	a.expireLocked(a.now())
	return slices.DeleteFunc(snap.Sellable(), func(d Device) bool {
		_, held := a.claims[d.UUID]
		return held
	})
}

// checkFreeLocked reports the first of uuids that is unknown, repeated or
// held.
func (a *Allocator) checkFreeLocked(uuids []string) error {
	if len(uuids) == 0 {
		return errors.New("no GPUs named")
	}
	snap := a.devices.Snapshot()
	sellable := snap.Sellable()
	seen := make(map[string]bool, len(uuids))
	for _, u := range uuids {
		if seen[u] {
			return fmt.Errorf("GPU %s named twice", u)
		}
		seen[u] = true
		if !slices.ContainsFunc(sellable, func(d Device) bool { return d.UUID == u }) {
			if _, ok := snap.Device(u); ok {
				return fmt.Errorf("GPU %s is in MIG mode: %w", u, ErrMIGGPU)
			}
			return fmt.Errorf("GPU %s: %w", u, ErrUnknownGPU)
		}
		if c, ok := a.claims[u]; ok {
			return &ConflictError{UUID: u, State: c.State, BidID: c.BidID, LeaseID: c.LeaseID, Expires: c.Expires}
		}
	}
	return nil
}

// expireLocked drops reservations whose time has come.
func (a *Allocator) expireLocked(now time.Time) {
	for u, c := range a.claims {
		if c.State == StateReserved && !now.Before(c.Expires) {
			delete(a.claims, u)
		}
	}
}
