package gpu

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"time"

	"github.com/NVIDIA/go-nvml/pkg/nvml"
)

// MIGMode is a GPU's Multi-Instance GPU mode.
type MIGMode string

// MIG modes. A GPU whose mode NVML cannot read has an empty MIGMode.
const (
	MIGDisabled    MIGMode = "disabled"
	MIGEnabled     MIGMode = "enabled"
	MIGUnsupported MIGMode = "unsupported"
)

// Device is one GPU as the inventory last saw it. A zero field means NVML
// could not say.
type Device struct {
	// UUID identifies the GPU, e.g. "GPU-5c1d...". It is stable across
	// reboots; Index is not.
	UUID  string `json:"uuid"`
	Index int    `json:"index"`
	// Model is NVML's product name, e.g. "NVIDIA H100 80GB HBM3".
	Model          string `json:"model"`
	MemoryTotalMiB uint64 `json:"memoryTotalMiB"`
	MemoryFreeMiB  uint64 `json:"memoryFreeMiB"`
	// ComputeCapability is major*10 + minor: 90 for 9.0.
	ComputeCapability int     `json:"computeCapability"`
	PCIBusID          string  `json:"pciBusId"`
	MIGMode           MIGMode `json:"migMode"`
	// MIG lists the MIG devices of a GPU whose MIG mode is enabled, sorted by
	// GPU and compute instance ID: CUDA runs work on such a GPU only through
	// them. The list is empty, not nil, for a GPU in MIG mode that has no
	// instances yet (nothing to run on until its owner creates some), and
	// nil for a GPU not in MIG mode or whose MIG devices NVML could not list.
	// JSON keeps the difference: "mig": [] for the first, no "mig" for the
	// others.
	MIG []MIGDevice `json:"mig,omitzero"`
	// Simulated is true for a GPU of a simulated machine.
	Simulated bool `json:"simulated"`
	// Node is the cluster node that has the GPU, for a provider that runs
	// its leases on a cluster: an order's GPUs must all be on one node.
	// Empty for the GPUs of the provider's own machine.
	Node string `json:"node,omitempty"`
	// MIGProfile is set on a MIG slice as the Allocator offers it (Free):
	// the slice's profile ("3g.20gb"), with UUID and memory the slice's and
	// the rest its GPU's. Empty for a whole GPU.
	MIGProfile string `json:"migProfile,omitempty"`
}

// ComputeCapabilityString formats the compute capability as "9.0", or "" when
// unknown.
func (d Device) ComputeCapabilityString() string {
	if d.ComputeCapability <= 0 {
		return ""
	}
	return fmt.Sprintf("%d.%d", d.ComputeCapability/10, d.ComputeCapability%10)
}

// Snapshot is the inventory at one moment.
type Snapshot struct {
	TakenAt time.Time `json:"takenAt"`
	// Source is "nvml" for the real library or "simulated:<machine>".
	Source string `json:"source"`
	// Simulated is true when the GPUs come from a simulated machine; they
	// must never be offered as real hardware.
	Simulated bool `json:"simulated"`
	// Available is false when NVML could not be used at all; Reason says why.
	Available bool `json:"available"`
	// Reason explains an empty inventory, e.g. that no NVIDIA driver is
	// installed. Empty when there is nothing to explain.
	Reason        string `json:"reason,omitempty"`
	DriverVersion string `json:"driverVersion,omitempty"`
	// CUDADriverVersion is the newest CUDA version the driver supports, in
	// NVML's form: 12040 is CUDA 12.4.
	CUDADriverVersion int      `json:"cudaDriverVersion,omitempty"`
	NVMLVersion       string   `json:"nvmlVersion,omitempty"`
	Devices           []Device `json:"devices"`
}

// CUDAVersion formats CUDADriverVersion as "12.4", or "" when unknown.
func (s Snapshot) CUDAVersion() string { return FormatCUDAVersion(s.CUDADriverVersion) }

// Device returns the GPU with the given UUID.
func (s Snapshot) Device(uuid string) (Device, bool) {
	i := slices.IndexFunc(s.Devices, func(d Device) bool { return d.UUID == uuid })
	if i < 0 {
		return Device{}, false
	}
	return s.Devices[i], true
}

// Slices are the MIG slices of the GPUs in MIG mode, as devices of their
// own (Device.MIGProfile set), in inventory order. A slice whose profile
// NVML could not name is left out: it cannot be offered by it.
func (s Snapshot) Slices() []Device {
	var out []Device
	for _, d := range s.Devices {
		if d.MIGMode != MIGEnabled {
			continue
		}
		for _, m := range d.MIG {
			if m.UUID == "" || m.Profile == "" {
				continue
			}
			slice := d
			slice.UUID, slice.MIGProfile, slice.MIG, slice.MIGMode = m.UUID, m.Profile, nil, ""
			slice.MemoryTotalMiB, slice.MemoryFreeMiB = m.MemoryTotalMiB, m.MemoryFreeMiB
			out = append(out, slice)
		}
	}
	return out
}

// Sellable are the devices a lease can be given: the GPUs not in MIG mode
// (a job given one in MIG mode would see none of its compute), then the
// MIG slices (Slices).
func (s Snapshot) Sellable() []Device {
	whole := slices.DeleteFunc(slices.Clone(s.Devices), func(d Device) bool { return d.MIGMode == MIGEnabled })
	return append(whole, s.Slices()...)
}

func (s Snapshot) clone() Snapshot {
	s.Devices = slices.Clone(s.Devices)
	if s.Devices == nil {
		s.Devices = []Device{}
	}
	for i := range s.Devices {
		s.Devices[i].MIG = slices.Clone(s.Devices[i].MIG) // nil stays nil, empty stays empty
	}
	return s
}

// FormatCUDAVersion formats an NVML CUDA version (12040) as "12.4"; it returns
// "" for zero or less.
func FormatCUDAVersion(v int) string {
	if v <= 0 {
		return ""
	}
	return fmt.Sprintf("%d.%d", v/1000, v%1000/10)
}

// Options configures [Open].
type Options struct {
	// Simulate names a simulated machine from [SimulatedMachines], such as
	// "dgxh100". Empty means the real NVML library.
	Simulate string
	// Logger receives notes about GPUs NVML cannot read; nil discards them.
	Logger *slog.Logger
	// Now is the clock used to stamp snapshots; nil means time.Now.
	Now func() time.Time
}

// Inventory knows this machine's GPUs. It initialises NVML once, in [Open],
// and re-reads the GPUs on [Inventory.Refresh]. It is safe for concurrent use.
type Inventory struct {
	driver    nvmlDriver
	started   bool // NVML initialised; Close shuts it down
	source    string
	simulated bool
	logger    *slog.Logger
	now       func() time.Time

	refreshMu sync.Mutex // one NVML read at a time

	mu   sync.RWMutex
	snap Snapshot

	closeOnce sync.Once
	closeErr  error
}

// Open initialises NVML (or the simulated machine named in opts.Simulate) and
// reads the GPUs once. A machine without NVIDIA's library or driver is not an
// error: the inventory is empty and its snapshot's Reason says why. Open fails
// only for bad options, such as an unknown simulated machine. Call Close when
// done.
func Open(ctx context.Context, opts Options) (*Inventory, error) {
	if opts.Simulate != "" {
		lib, err := simulatedLibrary(opts.Simulate)
		if err != nil {
			return nil, err
		}
		return open(ctx, lib, "simulated:"+opts.Simulate, true, opts), nil
	}
	return open(ctx, nvml.New(), "nvml", false, opts), nil
}

// open builds an inventory over any NVML implementation; tests hand it
// go-nvml's fake machines.
func open(ctx context.Context, lib nvml.Interface, source string, simulated bool, opts Options) *Inventory {
	inv := &Inventory{
		driver:    nvmlDriver{lib: lib},
		source:    source,
		simulated: simulated,
		logger:    opts.Logger,
		now:       opts.Now,
	}
	if inv.logger == nil {
		inv.logger = slog.New(slog.DiscardHandler)
	}
	if inv.now == nil {
		inv.now = time.Now
	}
	inv.snap = Snapshot{TakenAt: inv.now(), Source: source, Simulated: simulated, Devices: []Device{}}

	if err := inv.driver.init(); err != nil {
		inv.snap.Reason = unavailableReason(err)
		inv.logger.LogAttrs(ctx, slog.LevelInfo, "no NVIDIA GPUs: offering CPU-only work",
			slog.String("reason", inv.snap.Reason))
		return inv
	}
	inv.started = true
	inv.snap.Available = true
	if _, err := inv.Refresh(ctx); err != nil {
		inv.mu.Lock()
		inv.snap.Reason = fmt.Sprintf("NVML could not list GPUs: %v", err)
		inv.mu.Unlock()
		inv.logger.LogAttrs(ctx, slog.LevelWarn, "GPU inventory is empty", slog.Any("err", err))
	}
	return inv
}

// unavailableReason says, in words a GPU owner can act on, why NVML is
// unusable.
func unavailableReason(err error) string {
	switch {
	case errors.Is(err, nvml.ERROR_LIBRARY_NOT_FOUND):
		return "NVIDIA management library (libnvidia-ml.so.1) not found: no NVIDIA driver is installed on this machine"
	case errors.Is(err, nvml.ERROR_DRIVER_NOT_LOADED):
		return "NVIDIA driver is not loaded: check that the nvidia kernel module is installed and loaded (nvidia-smi)"
	case errors.Is(err, nvml.ERROR_NO_PERMISSION):
		return "no permission to use NVML: run the provider as a user that can open /dev/nvidia*"
	default:
		return fmt.Sprintf("NVML could not start (%v)", err)
	}
}

// Snapshot returns the inventory as last read. The caller may keep and modify
// it.
func (inv *Inventory) Snapshot() Snapshot {
	inv.mu.RLock()
	defer inv.mu.RUnlock()
	return inv.snap.clone()
}

// Refresh re-reads the GPUs now and returns the new snapshot. When NVML is
// unavailable, or after Close, it returns the last snapshot and no error. When the read
// fails, the previous snapshot stays in place and is returned with the error.
// GPUs NVML cannot identify are left out and logged.
func (inv *Inventory) Refresh(ctx context.Context) (Snapshot, error) {
	if err := ctx.Err(); err != nil {
		return inv.Snapshot(), err
	}
	inv.refreshMu.Lock()
	defer inv.refreshMu.Unlock()
	if !inv.started {
		return inv.Snapshot(), nil
	}

	raws, skipped, err := inv.driver.devices()
	if err != nil {
		return inv.Snapshot(), fmt.Errorf("read GPUs: %w", err)
	}
	for _, e := range skipped {
		inv.logger.LogAttrs(ctx, slog.LevelWarn, "GPU left out of the inventory", slog.Any("err", e))
	}
	host := inv.driver.host()
	snap := Snapshot{
		TakenAt:           inv.now(),
		Source:            inv.source,
		Simulated:         inv.simulated,
		Available:         true,
		DriverVersion:     deref(host.DriverVersion),
		CUDADriverVersion: deref(host.CUDADriverVersion),
		NVMLVersion:       deref(host.NVMLVersion),
		Devices:           make([]Device, 0, len(raws)),
	}
	for _, r := range raws {
		for _, e := range r.MIGErrors {
			inv.logger.LogAttrs(ctx, slog.LevelWarn, "MIG devices left out of the inventory",
				slog.String("gpu", r.UUID), slog.Any("err", e))
		}
		snap.Devices = append(snap.Devices, Device{
			UUID:              r.UUID,
			Index:             r.Index,
			Model:             deref(r.Name),
			MemoryTotalMiB:    deref(r.MemoryTotalBytes) >> 20,
			MemoryFreeMiB:     deref(r.MemoryFreeBytes) >> 20,
			ComputeCapability: deref(r.ComputeCapability),
			PCIBusID:          deref(r.PCIBusID),
			MIGMode:           deref(r.MIGMode),
			MIG:               migDevices(r, inv.simulated),
			Simulated:         inv.simulated,
		})
	}
	slices.SortFunc(snap.Devices, func(a, b Device) int {
		return cmp.Or(cmp.Compare(a.Index, b.Index), cmp.Compare(a.UUID, b.UUID))
	})
	if len(snap.Devices) == 0 {
		snap.Reason = "NVML reports no GPUs"
	}

	inv.mu.Lock()
	inv.snap = snap
	inv.mu.Unlock()
	return snap.clone(), nil
}

// Run refreshes the snapshot at once and then every period until ctx is done,
// then returns nil. A failed refresh is logged and the previous snapshot
// kept. Run blocks; start it in a goroutine you wait for, or use Watch.
func (inv *Inventory) Run(ctx context.Context, period time.Duration) error {
	if period <= 0 {
		return fmt.Errorf("GPU inventory refresh period must be positive, got %v", period)
	}
	ticker := time.NewTicker(period)
	defer ticker.Stop()
	for {
		if _, err := inv.Refresh(ctx); err != nil && ctx.Err() == nil {
			inv.logger.LogAttrs(ctx, slog.LevelWarn, "GPU inventory refresh failed; keeping the last snapshot",
				slog.Any("err", err))
		}
		select {
		case <-ctx.Done():
			return nil
		case <-ticker.C:
		}
	}
}

// Watch runs [Inventory.Run] in a new goroutine. The goroutine stops when ctx
// is done; the returned function waits until it has. A period of zero or less
// is refused by Run, which logs it and returns at once.
func (inv *Inventory) Watch(ctx context.Context, period time.Duration) (wait func()) {
	done := make(chan struct{})
	go func() {
		defer close(done)
		if err := inv.Run(ctx, period); err != nil {
			inv.logger.LogAttrs(ctx, slog.LevelError, "GPU inventory refresh not started", slog.Any("err", err))
		}
	}()
	return func() { <-done }
}

// Close shuts NVML down. Stop Run and Watch first. Close is idempotent.
func (inv *Inventory) Close() error {
	inv.closeOnce.Do(func() {
		if !inv.started {
			return
		}
		inv.refreshMu.Lock()
		defer inv.refreshMu.Unlock()
		inv.started = false
		if err := inv.driver.shutdown(); err != nil {
			inv.closeErr = fmt.Errorf("close GPU inventory: %w", err)
		}
	})
	return inv.closeErr
}

func deref[T any](p *T) T {
	if p == nil {
		var zero T
		return zero
	}
	return *p
}
