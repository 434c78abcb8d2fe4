package gpu

import (
	"bufio"
	"bytes"
	"encoding/json"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/NVIDIA/go-nvml/pkg/nvml"
	"github.com/NVIDIA/go-nvml/pkg/nvml/mock"
	"github.com/NVIDIA/go-nvml/pkg/nvml/mock/gpus"
	"github.com/NVIDIA/go-nvml/pkg/nvml/mock/server"
	"github.com/google/go-cmp/cmp"
)

// gibToMiB converts GiB, as nvidia-smi mig -lgip prints a profile's memory,
// to MiB, as NVML gives it.
func gibToMiB(gib float64) uint64 { return uint64(gib * 1024) }

func TestDeriveMIGProfileName(t *testing.T) {
	const (
		h100Total = 81559 << 20 // NVML's total on a real H100 80GB HBM3
		a100Total = 40536 << 20 // on a real A100-SXM4-40GB
		h200Total = 143771 << 20
		noProfile = -1
	)
	tests := []struct {
		name      string
		gi, ci    int
		memoryMiB uint64
		total     uint64
		giProfile int
		want      string
	}{
		// A real H100 80GB HBM3, as nvidia-smi mig -lgip lists it
		// (jbarrow.ai/field_notes/nvidia-mig).
		{"H100 1g.10gb", 1, 1, gibToMiB(9.75), h100Total, nvml.GPU_INSTANCE_PROFILE_1_SLICE, "1g.10gb"},
		{"H100 1g.10gb+me", 1, 1, gibToMiB(9.75), h100Total, nvml.GPU_INSTANCE_PROFILE_1_SLICE_REV1, "1g.10gb+me"},
		{"H100 1g.20gb", 1, 1, gibToMiB(19.625), h100Total, nvml.GPU_INSTANCE_PROFILE_1_SLICE_REV2, "1g.20gb"},
		{"H100 2g.20gb", 2, 2, gibToMiB(19.625), h100Total, nvml.GPU_INSTANCE_PROFILE_2_SLICE, "2g.20gb"},
		{"H100 3g.40gb", 3, 3, gibToMiB(39.5), h100Total, nvml.GPU_INSTANCE_PROFILE_3_SLICE, "3g.40gb"},
		{"H100 4g.40gb", 4, 4, gibToMiB(39.5), h100Total, nvml.GPU_INSTANCE_PROFILE_4_SLICE, "4g.40gb"},
		{"H100 7g.80gb", 7, 7, gibToMiB(79.25), h100Total, nvml.GPU_INSTANCE_PROFILE_7_SLICE, "7g.80gb"},
		{"H100 1c.3g.40gb", 3, 1, gibToMiB(39.5), h100Total, nvml.GPU_INSTANCE_PROFILE_3_SLICE, "1c.3g.40gb"},
		{"H100 2c.7g.80gb, profile unknown", 7, 2, gibToMiB(79.25), h100Total, noProfile, "2c.7g.80gb"},
		// A real A100-SXM4-40GB (NVIDIA's MIG user guide; CUDA reports
		// 4864 MiB for a 1g.5gb and 20096 MiB for a 3g.20gb).
		{"A100 1g.5gb", 1, 1, 4864, a100Total, nvml.GPU_INSTANCE_PROFILE_1_SLICE, "1g.5gb"},
		{"A100 2g.10gb", 2, 2, gibToMiB(9.75), a100Total, nvml.GPU_INSTANCE_PROFILE_2_SLICE, "2g.10gb"},
		{"A100 3g.20gb", 3, 3, 20096, a100Total, nvml.GPU_INSTANCE_PROFILE_3_SLICE, "3g.20gb"},
		{"A100 4g.20gb", 4, 4, 20096, a100Total, nvml.GPU_INSTANCE_PROFILE_4_SLICE, "4g.20gb"},
		{"A100 7g.40gb", 7, 7, gibToMiB(39.25), a100Total, nvml.GPU_INSTANCE_PROFILE_7_SLICE, "7g.40gb"},
		// go-nvml's fake A100 40GB: other sizes, same names.
		{"fake A100 2g.10gb", 2, 2, 9856, 40960 << 20, nvml.GPU_INSTANCE_PROFILE_2_SLICE, "2g.10gb"},
		{"fake A100 7g.40gb", 7, 7, 40192, 40960 << 20, nvml.GPU_INSTANCE_PROFILE_7_SLICE, "7g.40gb"},
		// Newer profiles' suffixes.
		{"H200 1g.18gb-me", 1, 1, gibToMiB(16), h200Total, nvml.GPU_INSTANCE_PROFILE_1_SLICE_NO_ME, "1g.18gb-me"},
		{"H200 1g.18gb+me.all", 1, 1, gibToMiB(16), h200Total, nvml.GPU_INSTANCE_PROFILE_1_SLICE_ALL_ME, "1g.18gb+me.all"},
		{"graphics profile", 1, 1, gibToMiB(9.75), h100Total, nvml.GPU_INSTANCE_PROFILE_1_SLICE_GFX, "1g.10gb+gfx"},
		// Nothing to derive from.
		{"no slices", 0, 0, 4864, a100Total, noProfile, ""},
		{"no memory", 1, 1, 0, a100Total, noProfile, ""},
		{"no GPU memory", 1, 1, 4864, 0, noProfile, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := deriveMIGProfileName(tt.gi, tt.ci, tt.memoryMiB, tt.total, tt.giProfile)
			if got != tt.want {
				t.Errorf("deriveMIGProfileName(%d, %d, %d MiB, %d MiB, %d) = %q, want %q",
					tt.gi, tt.ci, tt.memoryMiB, tt.total>>20, tt.giProfile, got, tt.want)
			}
		})
	}
}

// TestDeriveMIGProfileNameRealH200 derives the names of the MIG profiles
// nvidia-smi listed on the real H200 of docs/hardware from the memory it
// listed and the GPU's memory in its hardware record: 16 GiB is "1g.18gb"
// and 69.75 GiB "3g.71gb", which no unit conversion gives.
func TestDeriveMIGProfileNameRealH200(t *testing.T) {
	data, err := os.ReadFile("../../docs/hardware/nvidia-h200.json")
	if err != nil {
		t.Fatal(err)
	}
	var record Snapshot
	if err := json.Unmarshal(data, &record); err != nil {
		t.Fatal(err)
	}
	total := record.Devices[0].MemoryTotalMiB << 20

	readme, err := os.ReadFile("../../docs/hardware/README.md")
	if err != nil {
		t.Fatal(err)
	}
	// Rows of the H200's table: | profile | id | instances | memory (GiB) | SMs |
	rows := 0
	sc := bufio.NewScanner(bytes.NewReader(readme))
	for sc.Scan() {
		cells := strings.Split(strings.Trim(sc.Text(), "| "), "|")
		if len(cells) != 5 {
			continue
		}
		profile := strings.TrimSpace(cells[0])
		gib, err := strconv.ParseFloat(strings.TrimSpace(cells[3]), 64)
		if err != nil || !strings.Contains(profile, "g.") {
			continue // the header or its rule
		}
		rows++
		slices, err := strconv.Atoi(profile[:strings.Index(profile, "g.")])
		if err != nil {
			t.Fatalf("row %q: %v", sc.Text(), err)
		}
		giProfile := -1 // the README gives nvidia-smi's profile IDs, not NVML's constants
		if strings.HasSuffix(profile, "+me") {
			giProfile = nvml.GPU_INSTANCE_PROFILE_1_SLICE_REV1
		}
		if got := deriveMIGProfileName(slices, slices, gibToMiB(gib), total, giProfile); got != profile {
			t.Errorf("%g GiB of a %d MiB H200, %d slices: derived %q, nvidia-smi says %q", gib, total>>20, slices, got, profile)
		}
	}
	if rows != 7 {
		t.Errorf("found %d MIG profiles in docs/hardware/README.md, want the H200's 7", rows)
	}
}

func TestMIGProfileName(t *testing.T) {
	attrs := &nvml.DeviceAttributes{GpuInstanceSliceCount: 3, ComputeInstanceSliceCount: 3, MemorySizeMB: 40448}
	tests := []struct {
		name     string
		nvmlName string
		attrs    *nvml.DeviceAttributes
		want     string
	}{
		{"NVML's name", "NVIDIA H100 80GB HBM3 MIG 3g.40gb", attrs, "3g.40gb"},
		{"NVML's name wins over the memory", "NVIDIA H200 MIG 1g.18gb", attrs, "1g.18gb"},
		{"compute instance form", "NVIDIA A100-SXM4-40GB MIG 1c.3g.20gb", nil, "1c.3g.20gb"},
		{"suffix", "NVIDIA A100-SXM4-40GB MIG 1g.5gb+me", nil, "1g.5gb+me"},
		{"profile alone", "MIG 2g.20gb", nil, "2g.20gb"},
		{"GPU name only: derived", "NVIDIA H100 80GB HBM3", attrs, "3g.40gb"},
		{"no name: derived", "", attrs, "3g.40gb"},
		{"not a profile after MIG: derived", "NVIDIA H100 MIG mode", attrs, "3g.40gb"},
		{"neither", "", nil, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := migProfileName(tt.nvmlName, tt.attrs, -1, 81559<<20); got != tt.want {
				t.Errorf("migProfileName(%q) = %q, want %q", tt.nvmlName, got, tt.want)
			}
		})
	}
}

// TestSimulatedProfileNamesAgree checks the profile names the simulated
// GPUs give NVML against the rule NVIDIA derives names by, for the GPUs whose
// go-nvml profile memory is the real one's share. (Not go-nvml's H200 and
// B200: their 1g profiles have more than an eighth of the GPU's memory, 18
// GiB of 141, where the real H200's has 16 GiB.)
func TestSimulatedProfileNamesAgree(t *testing.T) {
	for _, gpu := range []gpus.Config{gpus.A100_SXM4_40GB, gpus.A100_SXM4_80GB, gpus.H100_SXM5_80GB} {
		names := simulatedMIGProfileNames(gpu.Name)
		for id, info := range gpu.MIGProfiles.GpuInstanceProfiles {
			want, ok := names[id]
			if !ok {
				t.Errorf("%s: profile %d has no name", gpu.Name, id)
				continue
			}
			got := deriveMIGProfileName(int(info.SliceCount), int(info.SliceCount), info.MemorySizeMB, gpu.MemoryMB<<20, id)
			if got != want {
				t.Errorf("%s profile %d (%d MiB): derived %q, simulated NVML says %q", gpu.Name, id, info.MemorySizeMB, got, want)
			}
		}
	}
}

// simMIG is a MIG device of a simulated machine's GPU.
func simMIG(machine string, gpu int, profile string, memoryMiB uint64, sms, gi, ci int) MIGDevice {
	return MIGDevice{
		UUID:              simulatedMIGUUID(simulatedUUID(machine, gpu), uint32(gi), uint32(ci)),
		Profile:           profile,
		MemoryTotalMiB:    memoryMiB,
		MemoryFreeMiB:     memoryMiB,
		SMCount:           sms,
		GPUInstanceID:     gi,
		ComputeInstanceID: ci,
		Simulated:         true,
	}
}

func sevenSimMIGs(machine string, profile string, memoryMiB uint64, sms int) []MIGDevice {
	var out []MIGDevice
	for gi := range 7 {
		out = append(out, simMIG(machine, 0, profile, memoryMiB, sms, gi, 0))
	}
	return out
}

func TestOpenSimulatedMIG(t *testing.T) {
	tests := []struct {
		machine string
		want    map[int][]MIGDevice // GPUs in MIG mode; the others are whole
	}{
		{
			machine: "dgxa100-mig",
			want: map[int][]MIGDevice{
				0: sevenSimMIGs("dgxa100-mig", "1g.5gb", 4864, 14),
				1: {
					simMIG("dgxa100-mig", 1, "3g.20gb", 19968, 42, 0, 0),
					simMIG("dgxa100-mig", 1, "2g.10gb", 9856, 28, 1, 0),
					simMIG("dgxa100-mig", 1, "1g.5gb", 4864, 14, 2, 0),
					simMIG("dgxa100-mig", 1, "1g.5gb", 4864, 14, 3, 0),
				},
				2: {
					simMIG("dgxa100-mig", 2, "3g.20gb", 19968, 42, 0, 0),
					simMIG("dgxa100-mig", 2, "2c.3g.20gb", 19968, 28, 1, 0),
					simMIG("dgxa100-mig", 2, "1c.3g.20gb", 19968, 14, 1, 1),
				},
			},
		},
		{
			machine: "dgxh100-mig",
			want: map[int][]MIGDevice{
				0: sevenSimMIGs("dgxh100-mig", "1g.10gb", 10240, 16),
				1: {
					simMIG("dgxh100-mig", 1, "4g.40gb", 40960, 64, 0, 0),
					simMIG("dgxh100-mig", 1, "2g.20gb", 20480, 32, 1, 0),
					simMIG("dgxh100-mig", 1, "1g.10gb+me", 10240, 16, 2, 0),
				},
				2: {}, // MIG mode, no instances yet
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.machine, func(t *testing.T) {
			inv, err := Open(t.Context(), Options{Simulate: tt.machine, Now: func() time.Time { return fixedNow }})
			if err != nil {
				t.Fatalf("Open(%q) error = %v, want nil", tt.machine, err)
			}
			t.Cleanup(func() { _ = inv.Close() })
			got := inv.Snapshot()
			if len(got.Devices) != 8 {
				t.Fatalf("%d GPUs, want 8", len(got.Devices))
			}
			seen := map[string]bool{}
			for i, d := range got.Devices {
				want, inMIG := tt.want[i]
				wantMode := MIGDisabled
				if inMIG {
					wantMode = MIGEnabled
				}
				if d.MIGMode != wantMode {
					t.Errorf("GPU %d MIGMode = %q, want %q", i, d.MIGMode, wantMode)
				}
				if diff := cmp.Diff(want, d.MIG); diff != "" {
					t.Errorf("GPU %d MIG devices mismatch (-want +got):\n%s", i, diff)
				}
				if inMIG && d.MIG == nil {
					t.Errorf("GPU %d in MIG mode: MIG = nil, want a list", i)
				}
				for _, m := range d.MIG {
					if !strings.HasPrefix(m.UUID, "MIG-") || len(m.UUID) != len("MIG-")+36 {
						t.Errorf("MIG UUID %q: want MIG- followed by a 36-character UUID", m.UUID)
					}
					if seen[m.UUID] {
						t.Errorf("MIG UUID %q appears twice", m.UUID)
					}
					seen[m.UUID] = true
				}
			}

			again, err := Open(t.Context(), Options{Simulate: tt.machine})
			if err != nil {
				t.Fatalf("second Open(%q) error = %v", tt.machine, err)
			}
			t.Cleanup(func() { _ = again.Close() })
			if diff := cmp.Diff(got.Devices, again.Snapshot().Devices); diff != "" {
				t.Errorf("a second simulated machine differs from the first (-first +second):\n%s", diff)
			}

			// Callers cannot change the inventory through a snapshot's MIG
			// devices.
			got.Devices[0].MIG[0].UUID = "changed"
			if inv.Snapshot().Devices[0].MIG[0].UUID == "changed" {
				t.Error("changing a returned snapshot's MIG device changed the inventory")
			}
		})
	}
}

func TestSimulatedMIGDeviceByUUID(t *testing.T) {
	lib, err := simulatedLibrary("dgxh100-mig")
	if err != nil {
		t.Fatal(err)
	}
	gpuUUID := simulatedUUID("dgxh100-mig", 1)
	migUUID := simulatedMIGUUID(gpuUUID, 2, 0)
	h, ret := lib.DeviceGetHandleByUUID(migUUID)
	if ret != nvml.SUCCESS {
		t.Fatalf("DeviceGetHandleByUUID(%s) = %v, want SUCCESS", migUUID, ret)
	}
	if isMIG, ret := h.IsMigDeviceHandle(); ret != nvml.SUCCESS || !isMIG {
		t.Errorf("IsMigDeviceHandle() = %v, %v; want true, SUCCESS", isMIG, ret)
	}
	if name, _ := h.GetName(); name != "NVIDIA H100 80GB HBM3 MIG 1g.10gb+me" {
		t.Errorf("GetName() = %q, want the GPU's name and the profile", name)
	}
	parent, ret := h.GetDeviceHandleFromMigDeviceHandle()
	if ret != nvml.SUCCESS {
		t.Fatalf("GetDeviceHandleFromMigDeviceHandle() = %v", ret)
	}
	if u, _ := parent.GetUUID(); u != gpuUUID {
		t.Errorf("parent UUID = %s, want %s", u, gpuUUID)
	}
	if _, ret := lib.DeviceGetHandleByUUID("MIG-00000000-0000-0000-0000-000000000000"); ret == nvml.SUCCESS {
		t.Error("DeviceGetHandleByUUID(unknown MIG UUID) = SUCCESS, want an error")
	}
	if _, ret := lib.DeviceGetHandleByUUID(gpuUUID); ret != nvml.SUCCESS {
		t.Errorf("DeviceGetHandleByUUID(GPU UUID) = %v, want SUCCESS", ret)
	}
}

// simulatedServer is a simulated machine as go-nvml's fake server, for a test
// to change before the inventory reads it.
func simulatedServer(t *testing.T, machine string) *server.Server {
	t.Helper()
	lib, err := simulatedLibrary(machine)
	if err != nil {
		t.Fatal(err)
	}
	return lib.(*server.Server)
}

// wrapMIGHandles passes every MIG device handle GPU gpu of srv gives out
// through change, with the index asked for.
func wrapMIGHandles(srv *server.Server, gpu int, change func(index int, h nvml.Device, ret nvml.Return) (nvml.Device, nvml.Return)) {
	dev := srv.Devices[gpu].(*server.Device)
	byIndex := dev.GetMigDeviceHandleByIndexFunc
	dev.GetMigDeviceHandleByIndexFunc = func(i int) (nvml.Device, nvml.Return) {
		h, ret := byIndex(i)
		return change(i, h, ret)
	}
}

// onMIGDevice changes the MIG device handle at index of GPU gpu.
func onMIGDevice(srv *server.Server, gpu, index int, change func(h *mock.Device)) {
	wrapMIGHandles(srv, gpu, func(i int, h nvml.Device, ret nvml.Return) (nvml.Device, nvml.Return) {
		if i == index && ret == nvml.SUCCESS {
			change(h.(*mock.Device))
		}
		return h, ret
	})
}

func TestMIGAdapter(t *testing.T) {
	tests := []struct {
		name    string
		machine string
		mutate  func(srv *server.Server)
		want    func(gpus []Device) // changes what the unchanged machine reports
		wantLog string              // "" means no MIG device is reported left out
	}{
		{
			name:    "an index without a device is skipped",
			machine: "dgxh100-mig",
			mutate: func(srv *server.Server) {
				// A hole at index 0, the devices one index up.
				dev := srv.Devices[1].(*server.Device)
				byIndex := dev.GetMigDeviceHandleByIndexFunc
				dev.GetMigDeviceHandleByIndexFunc = func(i int) (nvml.Device, nvml.Return) {
					if i == 0 {
						return nil, nvml.ERROR_NOT_FOUND
					}
					return byIndex(i - 1)
				}
			},
		},
		{
			name:    "a MIG device without a handle is left out",
			machine: "dgxh100-mig",
			mutate: func(srv *server.Server) {
				wrapMIGHandles(srv, 1, func(i int, h nvml.Device, ret nvml.Return) (nvml.Device, nvml.Return) {
					if i == 1 {
						return nil, nvml.ERROR_UNKNOWN
					}
					return h, ret
				})
			},
			want:    func(g []Device) { g[1].MIG = append(g[1].MIG[:1], g[1].MIG[2:]...) },
			wantLog: "GetMigDeviceHandleByIndex",
		},
		{
			name:    "a MIG device without a UUID is left out",
			machine: "dgxh100-mig",
			mutate: func(srv *server.Server) {
				onMIGDevice(srv, 1, 2, func(h *mock.Device) {
					h.GetUUIDFunc = func() (string, nvml.Return) { return "", nvml.ERROR_GPU_IS_LOST }
				})
			},
			want:    func(g []Device) { g[1].MIG = g[1].MIG[:2] },
			wantLog: "GPU is lost",
		},
		{
			name:    "a MIG device with an empty UUID is left out",
			machine: "dgxh100-mig",
			mutate: func(srv *server.Server) {
				onMIGDevice(srv, 0, 6, func(h *mock.Device) {
					h.GetUUIDFunc = func() (string, nvml.Return) { return "", nvml.SUCCESS }
				})
			},
			want:    func(g []Device) { g[0].MIG = g[0].MIG[:6] },
			wantLog: "empty UUID",
		},
		{
			name:    "unreadable MIG fields are left zero",
			machine: "dgxh100-mig",
			mutate: func(srv *server.Server) {
				onMIGDevice(srv, 1, 1, func(h *mock.Device) {
					h.GetNameFunc = func() (string, nvml.Return) { return "", nvml.ERROR_NOT_SUPPORTED }
					h.GetMemoryInfoFunc = func() (nvml.Memory, nvml.Return) { return nvml.Memory{}, nvml.ERROR_UNKNOWN }
					h.GetAttributesFunc = func() (nvml.DeviceAttributes, nvml.Return) {
						return nvml.DeviceAttributes{}, nvml.ERROR_NO_PERMISSION
					}
					h.GetGpuInstanceIdFunc = func() (int, nvml.Return) { return 0, nvml.ERROR_UNKNOWN }
					h.GetComputeInstanceIdFunc = func() (int, nvml.Return) { return 0, nvml.ERROR_UNKNOWN }
				})
			},
			want: func(g []Device) {
				m := g[1].MIG[1]
				g[1].MIG = []MIGDevice{
					{UUID: m.UUID, GPUInstanceID: -1, ComputeInstanceID: -1, Simulated: true}, // unknown IDs sort first
					g[1].MIG[0], g[1].MIG[2],
				}
			},
		},
		{
			name:    "memory from the attributes when GetMemoryInfo fails",
			machine: "dgxh100-mig",
			mutate: func(srv *server.Server) {
				onMIGDevice(srv, 1, 0, func(h *mock.Device) {
					h.GetMemoryInfoFunc = func() (nvml.Memory, nvml.Return) { return nvml.Memory{}, nvml.ERROR_UNKNOWN }
				})
			},
			want: func(g []Device) { g[1].MIG[0].MemoryFreeMiB = 0 },
		},
		{
			name:    "the GPU's MIG devices cannot be counted",
			machine: "dgxh100-mig",
			mutate: func(srv *server.Server) {
				srv.Devices[1].(*server.Device).GetMaxMigDeviceCountFunc = func() (int, nvml.Return) { return 0, nvml.ERROR_UNKNOWN }
			},
			want:    func(g []Device) { g[1].MIG = nil },
			wantLog: "GetMaxMigDeviceCount",
		},
		{
			name:    "H100 profiles derived when NVML gives no name",
			machine: "dgxh100-mig",
			mutate:  func(srv *server.Server) { noMIGNames(srv, nvml.ERROR_NOT_SUPPORTED) },
		},
		{
			name:    "A100 profiles derived when NVML gives no name",
			machine: "dgxa100-mig",
			mutate:  func(srv *server.Server) { noMIGNames(srv, nvml.ERROR_NOT_SUPPORTED) },
		},
		{
			name:    "profiles derived when NVML's name has none",
			machine: "dgxa100-mig",
			mutate:  func(srv *server.Server) { noMIGNames(srv, nvml.SUCCESS) },
		},
		{
			name:    "profiles cannot be told without name, attributes or GPU profiles",
			machine: "dgxh100-mig",
			mutate: func(srv *server.Server) {
				dev := srv.Devices[1].(*server.Device)
				dev.GetGpuInstanceProfileInfoFunc = func(int) (nvml.GpuInstanceProfileInfo, nvml.Return) {
					return nvml.GpuInstanceProfileInfo{}, nvml.ERROR_NO_PERMISSION
				}
				noMIGNames(srv, nvml.ERROR_NOT_SUPPORTED)
			},
			// Slices and memory still name the profile, but without the
			// GPU's profiles, media extensions cannot be told.
			want: func(g []Device) { g[1].MIG[2].Profile = "1g.10gb" },
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			read := func(srv *server.Server, logs *bytes.Buffer) []Device {
				inv := open(t.Context(), srv, "simulated:"+tt.machine, true, testOptions(logs))
				t.Cleanup(func() { _ = inv.Close() })
				return inv.Snapshot().Devices
			}
			want := read(simulatedServer(t, tt.machine), nil)
			if tt.want != nil {
				tt.want(want)
			}
			srv := simulatedServer(t, tt.machine)
			tt.mutate(srv)
			var logs bytes.Buffer
			if diff := cmp.Diff(want, read(srv, &logs)); diff != "" {
				t.Errorf("Devices mismatch (-want +got):\n%s", diff)
			}
			switch {
			case tt.wantLog == "" && strings.Contains(logs.String(), "MIG devices left out"):
				t.Errorf("logs = %q, want no MIG device left out", logs.String())
			case tt.wantLog != "" && !strings.Contains(logs.String(), tt.wantLog):
				t.Errorf("logs = %q, want them to mention %q", logs.String(), tt.wantLog)
			}
		})
	}
}

// noMIGNames makes every MIG device of srv's GPUs answer GetName with ret
// and, on success, the GPU's name alone, as a driver might that names MIG
// devices without their profile.
func noMIGNames(srv *server.Server, ret nvml.Return) {
	for i, d := range srv.Devices {
		name := d.(*server.Device).Config.Name
		wrapMIGHandles(srv, i, func(_ int, h nvml.Device, hret nvml.Return) (nvml.Device, nvml.Return) {
			if hret == nvml.SUCCESS {
				h.(*mock.Device).GetNameFunc = func() (string, nvml.Return) {
					if ret != nvml.SUCCESS {
						return "", ret
					}
					return name, ret
				}
			}
			return h, hret
		})
	}
}

func TestCarveMIGErrors(t *testing.T) {
	dev := server.NewDeviceFromConfig(gpus.H100_SXM5_80GB, 0)
	simulateMIGDevices(dev)
	err := carveMIG(dev, []simulatedGPUInstance{{profile: nvml.GPU_INSTANCE_PROFILE_3_SLICE, compute: []uint32{5}}})
	if err == nil || !strings.Contains(err.Error(), "no 5-slice compute instance profile") {
		t.Errorf("carveMIG(5-slice compute instance in a 3g) = %v, want an error naming it", err)
	}
	err = carveMIG(dev, []simulatedGPUInstance{{profile: nvml.GPU_INSTANCE_PROFILE_6_SLICE}})
	if err == nil {
		t.Error("carveMIG(a profile the H100 lacks) = nil, want an error")
	}
}

func TestMIGJSON(t *testing.T) {
	snap := sampleSnapshot()
	snap.Devices[1].MIG = []MIGDevice{{
		UUID: "MIG-5d5e4b2c-1f3a-5b8e-9c41-7a2d3e4f5a61", Profile: "3g.40gb",
		MemoryTotalMiB: 40448, MemoryFreeMiB: 40000, SMCount: 60, GPUInstanceID: 2, ComputeInstanceID: 0,
	}}
	empty := snap.Devices[1]
	empty.UUID, empty.Index, empty.MIG = "GPU-0f7c5a43-7b5e-4c1e-9a53-2b4ad1a0c003", 2, []MIGDevice{}
	snap.Devices = append(snap.Devices, empty)

	got, err := json.MarshalIndent(snap.Devices, "", "  ")
	if err != nil {
		t.Fatalf("json.Marshal: %v", err)
	}
	want := `[
  {
    "uuid": "GPU-0f7c5a43-7b5e-4c1e-9a53-2b4ad1a0c001",
    "index": 0,
    "model": "NVIDIA H100 80GB HBM3",
    "memoryTotalMiB": 81559,
    "memoryFreeMiB": 81000,
    "computeCapability": 90,
    "pciBusId": "00000000:1B:00.0",
    "migMode": "disabled",
    "simulated": false
  },
  {
    "uuid": "GPU-0f7c5a43-7b5e-4c1e-9a53-2b4ad1a0c002",
    "index": 1,
    "model": "NVIDIA H100 80GB HBM3",
    "memoryTotalMiB": 81559,
    "memoryFreeMiB": 0,
    "computeCapability": 90,
    "pciBusId": "",
    "migMode": "enabled",
    "mig": [
      {
        "uuid": "MIG-5d5e4b2c-1f3a-5b8e-9c41-7a2d3e4f5a61",
        "profile": "3g.40gb",
        "memoryTotalMiB": 40448,
        "memoryFreeMiB": 40000,
        "smCount": 60,
        "gpuInstanceId": 2,
        "computeInstanceId": 0,
        "simulated": false
      }
    ],
    "simulated": false
  },
  {
    "uuid": "GPU-0f7c5a43-7b5e-4c1e-9a53-2b4ad1a0c003",
    "index": 2,
    "model": "NVIDIA H100 80GB HBM3",
    "memoryTotalMiB": 81559,
    "memoryFreeMiB": 0,
    "computeCapability": 90,
    "pciBusId": "",
    "migMode": "enabled",
    "mig": [],
    "simulated": false
  }
]`
	if diff := cmp.Diff(want, string(got)); diff != "" {
		t.Errorf("JSON mismatch (-want +got):\n%s", diff)
	}

	// A round trip keeps "not in MIG mode" (nil) apart from "no instances"
	// (empty).
	var back []Device
	if err := json.Unmarshal(got, &back); err != nil {
		t.Fatalf("json.Unmarshal: %v", err)
	}
	if diff := cmp.Diff(snap.Devices, back); diff != "" {
		t.Errorf("JSON round trip mismatch (-want +got):\n%s", diff)
	}
	if back[0].MIG != nil || back[2].MIG == nil {
		t.Errorf("after a round trip MIG = %#v and %#v, want nil and empty", back[0].MIG, back[2].MIG)
	}
}

func TestWriteTableMIG(t *testing.T) {
	snap := sampleSnapshot()
	snap.Devices[1].MIG = []MIGDevice{
		{UUID: "MIG-5d5e4b2c-1f3a-5b8e-9c41-7a2d3e4f5a61", Profile: "3g.40gb", MemoryTotalMiB: 40448, MemoryFreeMiB: 40000, SMCount: 60, GPUInstanceID: 2, ComputeInstanceID: 0},
		{UUID: "MIG-5d5e4b2c-1f3a-5b8e-9c41-7a2d3e4f5a62", Profile: "1c.3g.40gb", MemoryTotalMiB: 40448, SMCount: 16, GPUInstanceID: 1, ComputeInstanceID: 1},
		{UUID: "MIG-5d5e4b2c-1f3a-5b8e-9c41-7a2d3e4f5a63", GPUInstanceID: -1, ComputeInstanceID: -1},
	}
	empty := snap.Devices[1]
	empty.UUID, empty.Index, empty.MIG = "GPU-0f7c5a43-7b5e-4c1e-9a53-2b4ad1a0c003", 2, []MIGDevice{}
	unknown := snap.Devices[1]
	unknown.UUID, unknown.Index, unknown.MIG = "GPU-0f7c5a43-7b5e-4c1e-9a53-2b4ad1a0c004", 3, nil
	snap.Devices = append(snap.Devices, empty, unknown)

	var sb strings.Builder
	if err := WriteTable(&sb, snap); err != nil {
		t.Fatalf("WriteTable() error = %v", err)
	}
	want := `Driver 550.54.15  CUDA 12.4  NVML 12.550.54.15  4 GPU(s), 3 MIG device(s)

INDEX  UUID                                        MODEL                  MEMORY MiB  FREE MiB  CC   PCI BUS ID        MIG
0      GPU-0f7c5a43-7b5e-4c1e-9a53-2b4ad1a0c001    NVIDIA H100 80GB HBM3  81559       81000     9.0  00000000:1B:00.0  disabled
1      GPU-0f7c5a43-7b5e-4c1e-9a53-2b4ad1a0c002    NVIDIA H100 80GB HBM3  81559       -         9.0  -                 enabled
         MIG-5d5e4b2c-1f3a-5b8e-9c41-7a2d3e4f5a61  MIG 3g.40gb            40448       40000                            GI 2 CI 0, 60 SMs
         MIG-5d5e4b2c-1f3a-5b8e-9c41-7a2d3e4f5a62  MIG 1c.3g.40gb         40448       -                                GI 1 CI 1, 16 SMs
         MIG-5d5e4b2c-1f3a-5b8e-9c41-7a2d3e4f5a63  MIG -                  -           -                                GI - CI -, - SMs
2      GPU-0f7c5a43-7b5e-4c1e-9a53-2b4ad1a0c003    NVIDIA H100 80GB HBM3  81559       -         9.0  -                 enabled, no MIG devices
3      GPU-0f7c5a43-7b5e-4c1e-9a53-2b4ad1a0c004    NVIDIA H100 80GB HBM3  81559       -         9.0  -                 enabled
`
	if diff := cmp.Diff(want, sb.String()); diff != "" {
		t.Errorf("WriteTable() mismatch (-want +got):\n%s", diff)
	}
	if err := WriteTable(failingWriter{}, snap); err == nil {
		t.Error("WriteTable(failing writer) = nil, want an error")
	}
}
