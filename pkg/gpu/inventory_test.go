package gpu

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/NVIDIA/go-nvml/pkg/nvml"
	"github.com/NVIDIA/go-nvml/pkg/nvml/mock"
	"github.com/NVIDIA/go-nvml/pkg/nvml/mock/dgxa100"
	"github.com/NVIDIA/go-nvml/pkg/nvml/mock/dgxh100"
	"github.com/NVIDIA/go-nvml/pkg/nvml/mock/server"
	"github.com/google/go-cmp/cmp"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// fixedNow is the clock of every inventory in these tests.
var fixedNow = time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)

func testOptions(logs *bytes.Buffer) Options {
	o := Options{Now: func() time.Time { return fixedNow }}
	if logs != nil {
		o.Logger = slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	return o
}

func TestOpenSimulated(t *testing.T) {
	tests := []struct {
		machine   string
		model     string
		memoryMiB uint64
		cc        int
		driver    string
		cuda      int
	}{
		{"dgxa100", "Mock NVIDIA A100-SXM4-40GB", 40960, 80, "550.54.15", 12040},
		{"dgxh100", "NVIDIA H100 80GB HBM3", 81920, 90, "550.54.15", 12040},
		{"dgxh200", "NVIDIA H200 141GB HBM3e", 144384, 90, "550.54.15", 12040},
		{"dgxb200", "NVIDIA B200 180GB HBM3e", 184320, 100, "560.28.03", 12060},
	}
	for _, tt := range tests {
		t.Run(tt.machine, func(t *testing.T) {
			ctx := t.Context()
			inv, err := Open(ctx, Options{Simulate: tt.machine, Now: func() time.Time { return fixedNow }})
			if err != nil {
				t.Fatalf("Open(%q) error = %v, want nil", tt.machine, err)
			}
			t.Cleanup(func() { _ = inv.Close() })
			got := inv.Snapshot()

			want := Snapshot{
				TakenAt:           fixedNow,
				Source:            "simulated:" + tt.machine,
				Simulated:         true,
				Available:         true,
				DriverVersion:     tt.driver,
				CUDADriverVersion: tt.cuda,
				NVMLVersion:       "12." + tt.driver,
			}
			for i := range 8 {
				want.Devices = append(want.Devices, Device{
					UUID:              simulatedUUID(tt.machine, i),
					Index:             i,
					Model:             tt.model,
					MemoryTotalMiB:    tt.memoryMiB,
					MemoryFreeMiB:     tt.memoryMiB,
					ComputeCapability: tt.cc,
					PCIBusID:          fmt.Sprintf("0000:%02x:00.0", i),
					MIGMode:           MIGDisabled,
					Simulated:         true,
				})
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("Snapshot() mismatch (-want +got):\n%s", diff)
			}

			seen := map[string]bool{}
			for _, d := range got.Devices {
				if !strings.HasPrefix(d.UUID, "GPU-") || len(d.UUID) != len("GPU-")+36 {
					t.Errorf("UUID %q: want GPU- followed by a 36-character UUID", d.UUID)
				}
				if seen[d.UUID] {
					t.Errorf("UUID %q appears twice", d.UUID)
				}
				seen[d.UUID] = true
			}

			again, err := Open(ctx, Options{Simulate: tt.machine})
			if err != nil {
				t.Fatalf("second Open(%q) error = %v", tt.machine, err)
			}
			t.Cleanup(func() { _ = again.Close() })
			if diff := cmp.Diff(got.Devices, again.Snapshot().Devices); diff != "" {
				t.Errorf("a second simulated machine differs from the first (-first +second):\n%s", diff)
			}
		})
	}
}

func TestOpenUnknownSimulation(t *testing.T) {
	_, err := Open(t.Context(), Options{Simulate: "dgx-nope"})
	if err == nil {
		t.Fatal("Open(dgx-nope) error = nil, want an error naming the known machines")
	}
	for _, name := range SimulatedMachines() {
		if !strings.Contains(err.Error(), name) {
			t.Errorf("error %q does not list %q", err, name)
		}
	}
}

// baseline is what the inventory should report for a fake machine as
// go-nvml ships it: go-nvml's fake devices report no free memory and no PCI
// bus ID.
func baseline(srv *server.Server) []Device {
	var out []Device
	for _, d := range srv.Devices {
		dev := d.(*server.Device)
		out = append(out, Device{
			UUID:              dev.UUID,
			Index:             dev.Index,
			Model:             dev.Config.Name,
			MemoryTotalMiB:    dev.Config.MemoryMB,
			ComputeCapability: dev.Config.CudaMajor*10 + dev.Config.CudaMinor,
			MIGMode:           MIGDisabled,
		})
	}
	return out
}

func TestAdapterFakeMachines(t *testing.T) {
	tests := []struct {
		name     string
		machine  func() *server.Server
		mutate   func(srv *server.Server)
		want     func(base []Device) []Device
		wantHost func(h *Snapshot)
		wantLog  string
	}{
		{
			name:    "dgxh100 as shipped",
			machine: dgxh100.New,
		},
		{
			name:    "dgxa100 as shipped",
			machine: dgxa100.New,
		},
		{
			name:    "MIG enabled on one GPU",
			machine: dgxh100.New,
			mutate: func(srv *server.Server) {
				// go-nvml's fake GPUs have no MIG device handles; ours do.
				dev := srv.Devices[2].(*server.Device)
				simulateMIGDevices(dev)
				dev.SetMigMode(nvml.DEVICE_MIG_ENABLE)
			},
			want: func(base []Device) []Device {
				base[2].MIGMode = MIGEnabled
				base[2].MIG = []MIGDevice{} // no instances yet
				return base
			},
		},
		{
			name:    "MIG not supported",
			machine: dgxh100.New,
			mutate: func(srv *server.Server) {
				srv.Devices[0].(*server.Device).GetMigModeFunc = func() (int, int, nvml.Return) {
					return 0, 0, nvml.ERROR_NOT_SUPPORTED
				}
			},
			want: func(base []Device) []Device {
				base[0].MIGMode = MIGUnsupported
				return base
			},
		},
		{
			name:    "free memory and PCI bus ID reported",
			machine: dgxh100.New,
			mutate: func(srv *server.Server) {
				dev := srv.Devices[1].(*server.Device)
				dev.MemoryInfo = nvml.Memory{Total: 80 << 30, Free: 60 << 30, Used: 20 << 30}
				dev.GetPciInfoFunc = func() (nvml.PciInfo, nvml.Return) {
					var p nvml.PciInfo
					for i, c := range "00000000:1B:00.0" {
						p.BusId[i] = int8(c)
					}
					return p, nvml.SUCCESS
				}
			},
			want: func(base []Device) []Device {
				base[1].MemoryTotalMiB = 80 << 10
				base[1].MemoryFreeMiB = 60 << 10
				base[1].PCIBusID = "00000000:1B:00.0"
				return base
			},
		},
		{
			name:    "unreadable fields are left zero",
			machine: dgxh100.New,
			mutate: func(srv *server.Server) {
				dev := srv.Devices[3].(*server.Device)
				dev.GetMemoryInfoFunc = func() (nvml.Memory, nvml.Return) { return nvml.Memory{}, nvml.ERROR_UNKNOWN }
				dev.GetNameFunc = func() (string, nvml.Return) { return "", nvml.ERROR_NOT_SUPPORTED }
				dev.GetCudaComputeCapabilityFunc = func() (int, int, nvml.Return) { return 0, 0, nvml.ERROR_UNKNOWN }
				dev.GetMigModeFunc = func() (int, int, nvml.Return) { return 0, 0, nvml.ERROR_UNKNOWN }
			},
			want: func(base []Device) []Device {
				base[3] = Device{UUID: base[3].UUID, Index: 3}
				return base
			},
		},
		{
			name:    "GPU without a UUID is left out",
			machine: dgxh100.New,
			mutate: func(srv *server.Server) {
				srv.Devices[4].(*server.Device).GetUUIDFunc = func() (string, nvml.Return) { return "", nvml.ERROR_GPU_IS_LOST }
			},
			want: func(base []Device) []Device {
				return append(base[:4], base[5:]...)
			},
			wantLog: "GPU is lost",
		},
		{
			name:    "GPU without a handle is left out",
			machine: dgxh100.New,
			mutate: func(srv *server.Server) {
				byIndex := srv.DeviceGetHandleByIndexFunc
				srv.DeviceGetHandleByIndexFunc = func(i int) (nvml.Device, nvml.Return) {
					if i == 7 {
						return nil, nvml.ERROR_UNKNOWN
					}
					return byIndex(i)
				}
			},
			want: func(base []Device) []Device {
				return base[:7]
			},
			wantLog: "DeviceGetHandleByIndex(7)",
		},
		{
			name:    "CUDA driver version unknown",
			machine: dgxh100.New,
			mutate: func(srv *server.Server) {
				srv.SystemGetCudaDriverVersionFunc = func() (int, nvml.Return) { return 0, nvml.ERROR_NOT_SUPPORTED }
			},
			wantHost: func(h *Snapshot) { h.CUDADriverVersion = 0 },
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := tt.machine()
			if tt.mutate != nil {
				tt.mutate(srv)
			}
			wantDevices := baseline(srv)
			if tt.want != nil {
				wantDevices = tt.want(baseline(srv))
			}
			want := Snapshot{
				TakenAt:           fixedNow,
				Source:            "nvml",
				Available:         true,
				DriverVersion:     srv.DriverVersion,
				CUDADriverVersion: srv.CudaDriverVersion,
				NVMLVersion:       srv.NvmlVersion,
				Devices:           wantDevices,
			}
			if tt.wantHost != nil {
				tt.wantHost(&want)
			}

			var logs bytes.Buffer
			inv := open(t.Context(), srv, "nvml", false, testOptions(&logs))
			t.Cleanup(func() { _ = inv.Close() })
			if diff := cmp.Diff(want, inv.Snapshot()); diff != "" {
				t.Errorf("Snapshot() mismatch (-want +got):\n%s", diff)
			}
			if tt.wantLog != "" && !strings.Contains(logs.String(), tt.wantLog) {
				t.Errorf("logs = %q, want them to mention %q", logs.String(), tt.wantLog)
			}
		})
	}
}

func TestNoLibrary(t *testing.T) {
	tests := []struct {
		name       string
		ret        nvml.Return
		wantReason string
	}{
		{"library missing", nvml.ERROR_LIBRARY_NOT_FOUND, "libnvidia-ml.so.1) not found"},
		{"driver not loaded", nvml.ERROR_DRIVER_NOT_LOADED, "driver is not loaded"},
		{"no permission", nvml.ERROR_NO_PERMISSION, "no permission"},
		{"other failure", nvml.ERROR_UNKNOWN, "NVML could not start"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// Every other function field is nil: calling one would panic, which
			// proves the inventory asks NVML nothing after a failed Init.
			lib := &mock.Interface{InitFunc: func() nvml.Return { return tt.ret }}
			var logs bytes.Buffer
			inv := open(t.Context(), lib, "nvml", false, testOptions(&logs))

			checkEmpty(t, inv.Snapshot(), tt.wantReason)
			snap, err := inv.Refresh(t.Context())
			if err != nil {
				t.Errorf("Refresh() error = %v, want nil", err)
			}
			checkEmpty(t, snap, tt.wantReason)
			if err := inv.Close(); err != nil {
				t.Errorf("Close() error = %v, want nil", err)
			}
			if !strings.Contains(logs.String(), "CPU-only") {
				t.Errorf("logs = %q, want a note that CPU-only work is offered", logs.String())
			}
		})
	}
}

func checkEmpty(t *testing.T, snap Snapshot, wantReason string) {
	t.Helper()
	if snap.Available {
		t.Errorf("Available = true, want false")
	}
	if snap.Devices == nil || len(snap.Devices) != 0 {
		t.Errorf("Devices = %#v, want an empty, non-nil slice", snap.Devices)
	}
	if !strings.Contains(snap.Reason, wantReason) {
		t.Errorf("Reason = %q, want it to contain %q", snap.Reason, wantReason)
	}
}

func TestRealLibraryMissing(t *testing.T) {
	// The real go-nvml library, pointed at a file that does not exist: the
	// same path a machine without the NVIDIA driver takes.
	lib := nvml.New(nvml.WithLibraryPath("/nonexistent/libnvidia-ml.so.1"))
	inv := open(t.Context(), lib, "nvml", false, testOptions(nil))
	checkEmpty(t, inv.Snapshot(), "not found")
	if err := inv.Close(); err != nil {
		t.Errorf("Close() error = %v, want nil", err)
	}
}

func TestOpenThisMachine(t *testing.T) {
	// Whatever this machine has, Open must succeed and be consistent.
	inv, err := Open(t.Context(), Options{})
	if err != nil {
		t.Fatalf("Open() error = %v, want nil", err)
	}
	defer inv.Close()
	snap := inv.Snapshot()
	if snap.Simulated {
		t.Errorf("Simulated = true for the real library, want false")
	}
	if !snap.Available && (snap.Reason == "" || len(snap.Devices) != 0) {
		t.Errorf("unavailable inventory: Reason = %q, %d devices; want a reason and no devices", snap.Reason, len(snap.Devices))
	}
	t.Logf("this machine: available=%v reason=%q devices=%d", snap.Available, snap.Reason, len(snap.Devices))
}

func TestCountFails(t *testing.T) {
	srv := dgxh100.New()
	srv.DeviceGetCountFunc = func() (int, nvml.Return) { return 0, nvml.ERROR_UNKNOWN }
	inv := open(t.Context(), srv, "nvml", false, testOptions(nil))
	defer inv.Close()
	snap := inv.Snapshot()
	if !snap.Available || len(snap.Devices) != 0 || !strings.Contains(snap.Reason, "could not list GPUs") {
		t.Errorf("snapshot = available %v, %d devices, reason %q; want available, no devices, a reason", snap.Available, len(snap.Devices), snap.Reason)
	}
}

func TestRefresh(t *testing.T) {
	srv := dgxh100.New()
	inv := open(t.Context(), srv, "nvml", false, testOptions(nil))
	defer inv.Close()
	dev := srv.Devices[0].(*server.Device)

	dev.MemoryInfo.Free = 1 << 30
	snap, err := inv.Refresh(t.Context())
	if err != nil {
		t.Fatalf("Refresh() error = %v", err)
	}
	if got := snap.Devices[0].MemoryFreeMiB; got != 1024 {
		t.Errorf("after Refresh MemoryFreeMiB = %d, want 1024", got)
	}
	if got := inv.Snapshot().Devices[0].MemoryFreeMiB; got != 1024 {
		t.Errorf("Snapshot().Devices[0].MemoryFreeMiB = %d, want 1024", got)
	}

	// A failed read keeps the previous snapshot.
	count := srv.DeviceGetCountFunc
	srv.DeviceGetCountFunc = func() (int, nvml.Return) { return 0, nvml.ERROR_GPU_IS_LOST }
	_, err = inv.Refresh(t.Context())
	if !errors.Is(err, nvml.ERROR_GPU_IS_LOST) {
		t.Errorf("Refresh() error = %v, want one matching nvml.ERROR_GPU_IS_LOST", err)
	}
	if got := len(inv.Snapshot().Devices); got != 8 {
		t.Errorf("after a failed refresh the snapshot has %d devices, want the previous 8", got)
	}
	srv.DeviceGetCountFunc = count

	// Callers cannot change the inventory through a snapshot.
	s := inv.Snapshot()
	s.Devices[0].UUID = "changed"
	if inv.Snapshot().Devices[0].UUID == "changed" {
		t.Error("changing a returned snapshot changed the inventory")
	}

	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if _, err := inv.Refresh(ctx); !errors.Is(err, context.Canceled) {
		t.Errorf("Refresh(canceled ctx) error = %v, want context.Canceled", err)
	}
}

// countRefreshes makes srv signal on refreshes each time the inventory reads
// the GPU count, that is once per refresh.
func countRefreshes(srv *server.Server) <-chan struct{} {
	refreshes := make(chan struct{}, 100)
	count := srv.DeviceGetCountFunc
	srv.DeviceGetCountFunc = func() (int, nvml.Return) {
		select {
		case refreshes <- struct{}{}:
		default:
		}
		return count()
	}
	return refreshes
}

func waitRefresh(t *testing.T, refreshes <-chan struct{}, what string) {
	t.Helper()
	select {
	case <-refreshes:
	case <-time.After(5 * time.Second):
		t.Fatalf("%s: no refresh within 5s", what)
	}
}

func TestRunRefreshesAtOnceThenPeriodically(t *testing.T) {
	srv := dgxh100.New()
	inv := open(t.Context(), srv, "nvml", false, testOptions(nil))
	defer inv.Close()
	refreshes := countRefreshes(srv)

	ctx, cancel := context.WithCancel(t.Context())
	wait := inv.Watch(ctx, 10*time.Millisecond)
	for i := range 3 {
		waitRefresh(t, refreshes, fmt.Sprintf("refresh %d", i+1))
	}
	cancel()
	done := make(chan struct{})
	go func() { wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("Watch goroutine did not stop within 5s of cancel")
	}
}

func TestRunFiresOnceAtOnce(t *testing.T) {
	srv := dgxh100.New()
	inv := open(t.Context(), srv, "nvml", false, testOptions(nil))
	defer inv.Close()
	refreshes := countRefreshes(srv)

	ctx, cancel := context.WithCancel(t.Context())
	errc := make(chan error, 1)
	go func() { errc <- inv.Run(ctx, time.Hour) }()
	waitRefresh(t, refreshes, "the first refresh")
	select {
	case <-refreshes:
		t.Fatal("a second refresh came long before the hour-long period")
	case <-time.After(50 * time.Millisecond):
	}
	cancel()
	select {
	case err := <-errc:
		if err != nil {
			t.Errorf("Run() = %v after cancel, want nil", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Run did not return within 5s of cancel")
	}
}

func TestRunRejectsBadPeriod(t *testing.T) {
	inv := open(t.Context(), dgxh100.New(), "nvml", false, testOptions(nil))
	defer inv.Close()
	if err := inv.Run(t.Context(), 0); err == nil {
		t.Error("Run(period 0) = nil, want an error")
	}
}

func TestCloseShutsDownOnce(t *testing.T) {
	srv := dgxh100.New()
	var shutdowns atomic.Int32
	srv.ShutdownFunc = func() nvml.Return { shutdowns.Add(1); return nvml.SUCCESS }
	inv := open(t.Context(), srv, "nvml", false, testOptions(nil))
	for range 2 {
		if err := inv.Close(); err != nil {
			t.Errorf("Close() = %v, want nil", err)
		}
	}
	if got := shutdowns.Load(); got != 1 {
		t.Errorf("NVML Shutdown called %d times, want 1", got)
	}
	if _, err := inv.Refresh(t.Context()); err != nil {
		t.Errorf("Refresh after Close = %v, want nil (the last snapshot)", err)
	}
}

func TestFormatting(t *testing.T) {
	tests := []struct {
		cuda, cc       int
		wantCUDA, want string
	}{
		{12040, 90, "12.4", "9.0"},
		{12060, 100, "12.6", "10.0"},
		{11080, 86, "11.8", "8.6"},
		{0, 0, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.wantCUDA, func(t *testing.T) {
			if got := FormatCUDAVersion(tt.cuda); got != tt.wantCUDA {
				t.Errorf("FormatCUDAVersion(%d) = %q, want %q", tt.cuda, got, tt.wantCUDA)
			}
			if got := (Device{ComputeCapability: tt.cc}).ComputeCapabilityString(); got != tt.want {
				t.Errorf("ComputeCapabilityString(%d) = %q, want %q", tt.cc, got, tt.want)
			}
		})
	}
}
