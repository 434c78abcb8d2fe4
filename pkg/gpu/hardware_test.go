package gpu

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestHardwareRecords checks the inventories read on real GPU machines
// (docs/hardware/<model>.json, each from `provider inventory -o json`):
// each decodes as a Snapshot, comes from the real NVML library and shows
// real GPUs, is named after its GPU model, and the simulated machine of
// the same GPU (where there is one) agrees with it on what matching and
// pricing read: compute capability and memory within 1%.
func TestHardwareRecords(t *testing.T) {
	files, err := filepath.Glob("../../docs/hardware/*.json")
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatal("no hardware records in docs/hardware")
	}
	for _, f := range files {
		name := strings.TrimSuffix(filepath.Base(f), ".json")
		t.Run(name, func(t *testing.T) {
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			dec := json.NewDecoder(bytes.NewReader(data))
			dec.DisallowUnknownFields()
			var snap Snapshot
			if err := dec.Decode(&snap); err != nil {
				t.Fatalf("decode: %v", err)
			}
			if snap.Source != "nvml" || snap.Simulated || !snap.Available || len(snap.Devices) == 0 {
				t.Fatalf("source %q, simulated %v, available %v, %d devices; want a real NVML inventory with GPUs",
					snap.Source, snap.Simulated, snap.Available, len(snap.Devices))
			}
			if snap.DriverVersion == "" || snap.CUDADriverVersion == 0 {
				t.Errorf("driver %q, CUDA %d: want both", snap.DriverVersion, snap.CUDADriverVersion)
			}
			for _, d := range snap.Devices {
				if d.Simulated || !strings.HasPrefix(d.UUID, "GPU-") || d.Model == "" || d.MemoryTotalMiB == 0 || d.ComputeCapability == 0 || d.MIGMode == "" {
					t.Errorf("device %+v: want a real GPU with UUID, model, memory, compute capability and MIG mode", d)
				}
			}
			real := snap.Devices[0]
			if want := modelSlug(real.Model); name != want {
				t.Errorf("file named %q, want %q (its GPU model)", name, want)
			}
			machine := "dgx" + strings.TrimPrefix(name, "nvidia-")
			if _, ok := simulatedMachineNamed(machine); !ok {
				return
			}
			inv, err := Open(t.Context(), Options{Simulate: machine})
			if err != nil {
				t.Fatal(err)
			}
			defer inv.Close()
			sim := inv.Snapshot().Devices[0]
			if sim.ComputeCapability != real.ComputeCapability {
				t.Errorf("simulated %s: compute capability %d, the real GPU %d", machine, sim.ComputeCapability, real.ComputeCapability)
			}
			if diff := float64(sim.MemoryTotalMiB) - float64(real.MemoryTotalMiB); diff*diff > 1e-4*float64(real.MemoryTotalMiB)*float64(real.MemoryTotalMiB) {
				t.Errorf("simulated %s: %d MiB, the real GPU %d MiB: more than 1%% apart", machine, sim.MemoryTotalMiB, real.MemoryTotalMiB)
			}
			t.Logf("real %q %d MiB; simulated %s %q %d MiB", real.Model, real.MemoryTotalMiB, machine, sim.Model, sim.MemoryTotalMiB)
		})
	}
}

// modelSlug is a GPU model's file name: "NVIDIA H200" is "nvidia-h200".
func modelSlug(model string) string {
	return strings.Join(strings.FieldsFunc(strings.ToLower(model), func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9')
	}), "-")
}
