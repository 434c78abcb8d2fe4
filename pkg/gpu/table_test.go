package gpu

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func sampleSnapshot() Snapshot {
	return Snapshot{
		TakenAt:           fixedNow,
		Source:            "nvml",
		Available:         true,
		DriverVersion:     "550.54.15",
		CUDADriverVersion: 12040,
		NVMLVersion:       "12.550.54.15",
		Devices: []Device{
			{
				UUID: "GPU-0f7c5a43-7b5e-4c1e-9a53-2b4ad1a0c001", Index: 0, Model: "NVIDIA H100 80GB HBM3",
				MemoryTotalMiB: 81559, MemoryFreeMiB: 81000, ComputeCapability: 90,
				PCIBusID: "00000000:1B:00.0", MIGMode: MIGDisabled,
			},
			{
				UUID: "GPU-0f7c5a43-7b5e-4c1e-9a53-2b4ad1a0c002", Index: 1, Model: "NVIDIA H100 80GB HBM3",
				MemoryTotalMiB: 81559, ComputeCapability: 90, MIGMode: MIGEnabled,
			},
		},
	}
}

func TestWriteTable(t *testing.T) {
	simulated := sampleSnapshot()
	simulated.Source = "simulated:dgxh100"
	simulated.Simulated = true
	simulated.Devices = simulated.Devices[:1]
	simulated.Devices[0].Simulated = true

	tests := []struct {
		name string
		snap Snapshot
		want string
	}{
		{
			name: "real GPUs",
			snap: sampleSnapshot(),
			want: `Driver 550.54.15  CUDA 12.4  NVML 12.550.54.15  2 GPU(s)

INDEX  UUID                                      MODEL                  MEMORY MiB  FREE MiB  CC   PCI BUS ID        MIG
0      GPU-0f7c5a43-7b5e-4c1e-9a53-2b4ad1a0c001  NVIDIA H100 80GB HBM3  81559       81000     9.0  00000000:1B:00.0  disabled
1      GPU-0f7c5a43-7b5e-4c1e-9a53-2b4ad1a0c002  NVIDIA H100 80GB HBM3  81559       -         9.0  -                 enabled
`,
		},
		{
			name: "simulated",
			snap: simulated,
			want: `SIMULATED GPUs (simulated:dgxh100): not real hardware, never offered as such
Driver 550.54.15  CUDA 12.4  NVML 12.550.54.15  1 GPU(s)

INDEX  UUID                                      MODEL                  MEMORY MiB  FREE MiB  CC   PCI BUS ID        MIG
0      GPU-0f7c5a43-7b5e-4c1e-9a53-2b4ad1a0c001  NVIDIA H100 80GB HBM3  81559       81000     9.0  00000000:1B:00.0  disabled
`,
		},
		{
			name: "no driver",
			snap: Snapshot{Source: "nvml", Reason: "NVIDIA driver is not loaded", Devices: []Device{}},
			want: "No GPUs: NVIDIA driver is not loaded.\nThis machine can still offer CPU-only work.\n",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var sb strings.Builder
			if err := WriteTable(&sb, tt.snap); err != nil {
				t.Fatalf("WriteTable() error = %v", err)
			}
			if diff := cmp.Diff(tt.want, sb.String()); diff != "" {
				t.Errorf("WriteTable() mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

func TestWriteTableError(t *testing.T) {
	for _, snap := range []Snapshot{sampleSnapshot(), {}} {
		if err := WriteTable(failingWriter{}, snap); err == nil || !strings.Contains(err.Error(), "disk full") {
			t.Errorf("WriteTable(failing writer) = %v, want an error mentioning disk full", err)
		}
	}
}

func TestSnapshotJSON(t *testing.T) {
	snap := sampleSnapshot()
	snap.Devices = snap.Devices[:1]
	got, err := json.MarshalIndent(snap, "", "  ")
	if err != nil {
		t.Fatalf("json.Marshal: %v", err)
	}
	want := `{
  "takenAt": "2026-11-22T10:00:00Z",
  "source": "nvml",
  "simulated": false,
  "available": true,
  "driverVersion": "550.54.15",
  "cudaDriverVersion": 12040,
  "nvmlVersion": "12.550.54.15",
  "devices": [
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
    }
  ]
}`
	if diff := cmp.Diff(want, string(got)); diff != "" {
		t.Errorf("JSON mismatch (-want +got):\n%s", diff)
	}

	var back Snapshot
	if err := json.Unmarshal(got, &back); err != nil {
		t.Fatalf("json.Unmarshal: %v", err)
	}
	if diff := cmp.Diff(snap, back); diff != "" {
		t.Errorf("JSON round trip mismatch (-want +got):\n%s", diff)
	}

	empty, err := json.Marshal(Snapshot{Source: "nvml", Reason: "no driver", Devices: []Device{}})
	if err != nil {
		t.Fatalf("json.Marshal: %v", err)
	}
	if !strings.Contains(string(empty), `"devices":[]`) || !strings.Contains(string(empty), `"reason":"no driver"`) {
		t.Errorf("empty inventory JSON = %s, want devices [] and the reason", empty)
	}
}
