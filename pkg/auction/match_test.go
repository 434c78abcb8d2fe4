package auction

import (
	"errors"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestModelMatches(t *testing.T) {
	cases := []struct {
		pattern, model string
		want           bool
	}{
		{"H100", "NVIDIA H100 80GB HBM3", true},
		{"h100", "NVIDIA H100 80GB HBM3", true},
		{"H100 80GB", "NVIDIA H100 80GB HBM3", true},
		{"NVIDIA H100 80GB HBM3", "NVIDIA H100 80GB HBM3", true},
		{"H10", "NVIDIA H100 80GB HBM3", false},
		{"100", "NVIDIA H100 80GB HBM3", false},
		{"A100", "NVIDIA A1000", false},
		{"A100", "NVIDIA A100-SXM4-80GB", true},
		{"A100-SXM4", "NVIDIA A100-SXM4-80GB", true},
		{"80GB HBM3", "NVIDIA H100 80GB HBM3", true},
		{"H100", "", false},
		{"", "NVIDIA H100", false},
		{"RTX 4090", "NVIDIA GeForce RTX 4090", true},
		{"RTX 409", "NVIDIA GeForce RTX 4090", false},
		// MIG slices: only a pattern that says MIG, [GPU] MIG [PROFILE].
		{"A100", "NVIDIA A100-SXM4-40GB MIG 3g.20gb", false},
		{"3g.20gb", "NVIDIA A100-SXM4-40GB MIG 3g.20gb", false},
		{"MIG", "NVIDIA A100-SXM4-40GB MIG 3g.20gb", true},
		{"mig", "NVIDIA A100-SXM4-40GB MIG 3g.20gb", true},
		{"A100 MIG", "NVIDIA A100-SXM4-40GB MIG 3g.20gb", true},
		{"A100 MIG 3g.20gb", "NVIDIA A100-SXM4-40GB MIG 3g.20gb", true},
		{"MIG 3g.20gb", "NVIDIA A100-SXM4-40GB MIG 3g.20gb", true},
		{"MIG 3g", "NVIDIA A100-SXM4-40GB MIG 3g.20gb", true},
		{"H100 MIG", "NVIDIA A100-SXM4-40GB MIG 3g.20gb", false},
		{"MIG 1g.10gb", "NVIDIA A100-SXM4-40GB MIG 3g.20gb", false},
		{"MIG 1g.10gb", "NVIDIA H100 80GB HBM3 MIG 1g.10gb+me", true},
		{"A100 MIG", "NVIDIA A100-SXM4-40GB", false},
		{"MIGHTY", "NVIDIA A100-SXM4-40GB MIG 3g.20gb", false},
		{"MIG 3g.20gb", "NVIDIA A100-SXM4-40GB MIG 1c.3g.20gb", false},
		{"MIG 1c.3g", "NVIDIA A100-SXM4-40GB MIG 1c.3g.20gb", true},
		{"MIG 20gb", "NVIDIA A100-SXM4-40GB MIG 3g.20gb", false},
	}
	for _, c := range cases {
		if got := ModelMatches(c.pattern, c.model); got != c.want {
			t.Errorf("ModelMatches(%q, %q) = %v, want %v", c.pattern, c.model, got, c.want)
		}
	}
}

func h100(uuid string) Device {
	return Device{UUID: uuid, Model: "NVIDIA H100 80GB HBM3", VRAMMiB: 81_559, ComputeCapability: 90}
}

func a100(uuid string, vram uint64) Device {
	return Device{UUID: uuid, Model: "NVIDIA A100-SXM4-80GB", VRAMMiB: vram, ComputeCapability: 80}
}

func TestMatch(t *testing.T) {
	base := func() Capacity {
		return Capacity{
			GPUs:        []Device{h100("GPU-3"), a100("GPU-1", 81_920), h100("GPU-2"), a100("GPU-0", 40_960)},
			CUDAVersion: 12040, CPUMillis: 32_000, MemoryMiB: 512_000, DiskMiB: 2_000_000,
			Attributes: []Attribute{{Key: "region", Value: "eu-west"}},
		}
	}
	req := func() Requirements { return sampleOrder(addr(testKey(t, 1))).Requirements }
	cases := []struct {
		name      string
		edit      func(*Requirements, *Capacity)
		wantUUIDs []string
		wantGPUs  []GPU
		want      Reason
	}{
		{name: "fits; \"A100 80GB\" is no whole-word run of the A100's name", edit: func(r *Requirements, c *Capacity) {},
			wantUUIDs: []string{"GPU-2", "GPU-3"},
			wantGPUs:  []GPU{{Model: "NVIDIA H100 80GB HBM3", VRAMMiB: 81_559, ComputeCapability: 90, Count: 2}}},
		{name: "fits, smallest qualifying GPUs first", edit: func(r *Requirements, c *Capacity) { r.GPUModels = []string{"H100", "A100"} },
			wantUUIDs: []string{"GPU-0", "GPU-2"},
			wantGPUs:  []GPU{{Model: "NVIDIA A100-SXM4-80GB", VRAMMiB: 40_960, ComputeCapability: 80, Count: 1}, {Model: "NVIDIA H100 80GB HBM3", VRAMMiB: 81_559, ComputeCapability: 90, Count: 1}}},
		{name: "any model, groups identical GPUs", edit: func(r *Requirements, c *Capacity) { r.GPUModels = nil; r.MinComputeCapability = 90 },
			wantUUIDs: []string{"GPU-2", "GPU-3"},
			wantGPUs:  []GPU{{Model: "NVIDIA H100 80GB HBM3", VRAMMiB: 81_559, ComputeCapability: 90, Count: 2}}},
		{name: "cpu-only order", edit: func(r *Requirements, c *Capacity) { *r = Requirements{CPUMillis: 1000} }, wantUUIDs: []string{}},
		{name: "cpu-only order on a machine without GPUs", edit: func(r *Requirements, c *Capacity) { *r = Requirements{CPUMillis: 1000}; c.GPUs = nil }, wantUUIDs: []string{}},
		{name: "too few GPUs", edit: func(r *Requirements, c *Capacity) { r.GPUCount = 5 }, want: ReasonGPUCount},
		{name: "no GPU at all", edit: func(r *Requirements, c *Capacity) { c.GPUs = nil }, want: ReasonGPUCount},
		{name: "model not allowed", edit: func(r *Requirements, c *Capacity) { r.GPUModels = []string{"B200"} }, want: ReasonGPUModel},
		{name: "one allowed model is not enough", edit: func(r *Requirements, c *Capacity) { r.GPUModels = []string{"H100"}; r.GPUCount = 3 }, want: ReasonGPUModel},
		{name: "too little VRAM", edit: func(r *Requirements, c *Capacity) { r.MinVRAMMiB = 81_600 }, want: ReasonGPUMemory},
		{name: "VRAM boundary is inclusive", edit: func(r *Requirements, c *Capacity) { r.MinVRAMMiB = 81_559; r.GPUModels = []string{"H100"} },
			wantUUIDs: []string{"GPU-2", "GPU-3"}, wantGPUs: []GPU{{Model: "NVIDIA H100 80GB HBM3", VRAMMiB: 81_559, ComputeCapability: 90, Count: 2}}},
		{name: "compute capability too old", edit: func(r *Requirements, c *Capacity) { r.MinComputeCapability = 100 }, want: ReasonComputeCapability},
		{name: "CUDA too old", edit: func(r *Requirements, c *Capacity) { r.MinCUDAVersion = 12080 }, want: ReasonCUDAVersion},
		{name: "simulated GPUs for a real order", edit: func(r *Requirements, c *Capacity) { c.Simulated = true }, want: ReasonSimulated},
		{name: "too little CPU", edit: func(r *Requirements, c *Capacity) { c.CPUMillis = 7999 }, want: ReasonCPU},
		{name: "too little memory", edit: func(r *Requirements, c *Capacity) { c.MemoryMiB = 1 }, want: ReasonMemory},
		{name: "too little disk", edit: func(r *Requirements, c *Capacity) { c.DiskMiB = 0 }, want: ReasonDisk},
		{name: "wrong region", edit: func(r *Requirements, c *Capacity) { c.Attributes[0].Value = "us-east" }, want: ReasonPlacement},
		{name: "no attributes", edit: func(r *Requirements, c *Capacity) { c.Attributes = nil }, want: ReasonPlacement},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r, capa := req(), base()
			c.edit(&r, &capa)
			offer, uuids, err := Match(&r, &capa)
			if c.want != ReasonEligible {
				var m *Mismatch
				if !errors.As(err, &m) || m.Reason != c.want {
					t.Fatalf("Match error = %v, want reason %q", err, c.want)
				}
				if m.Detail == "" {
					t.Errorf("mismatch %q has no detail", m.Reason)
				}
				return
			}
			if err != nil {
				t.Fatalf("Match: %v", err)
			}
			if diff := cmp.Diff(c.wantUUIDs, uuids); diff != "" {
				t.Errorf("UUIDs (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(c.wantGPUs, offer.GPUs); diff != "" {
				t.Errorf("offer GPUs (-want +got):\n%s", diff)
			}
			// What Match offers must pass the auctioneer's check.
			if err := CheckOffer(&r, &offer); err != nil {
				t.Errorf("CheckOffer of Match's offer: %v", err)
			}
		})
	}
}

func TestCheckOffer(t *testing.T) {
	cases := []struct {
		name string
		edit func(*Requirements, *Offer)
		want Reason
	}{
		{"meets everything", func(r *Requirements, o *Offer) {}, ReasonEligible},
		{"boundaries are inclusive", func(r *Requirements, o *Offer) {
			r.MinVRAMMiB, r.MinComputeCapability, r.MinCUDAVersion = 81_559, 90, 12040
		}, ReasonEligible},
		{"more GPUs than asked", func(r *Requirements, o *Offer) { o.GPUs[0].Count = 3 }, ReasonGPUCount},
		{"fewer GPUs than asked", func(r *Requirements, o *Offer) { o.GPUs[0].Count = 1 }, ReasonGPUCount},
		{"GPUs on a CPU-only order", func(r *Requirements, o *Offer) { *r = Requirements{} }, ReasonGPUCount},
		{"second group of a disallowed model", func(r *Requirements, o *Offer) {
			o.GPUs = []GPU{{Model: "NVIDIA H100 80GB HBM3", VRAMMiB: 81_559, ComputeCapability: 90, Count: 1}, {Model: "Tesla T4", VRAMMiB: 15_360, ComputeCapability: 75, Count: 1}}
		}, ReasonGPUModel},
		{"VRAM one below", func(r *Requirements, o *Offer) { r.MinVRAMMiB = 81_560 }, ReasonGPUMemory},
		{"compute capability below", func(r *Requirements, o *Offer) { r.MinComputeCapability = 91 }, ReasonComputeCapability},
		{"CUDA below", func(r *Requirements, o *Offer) { r.MinCUDAVersion = 12050 }, ReasonCUDAVersion},
		{"simulated not allowed", func(r *Requirements, o *Offer) { o.Simulated = true }, ReasonSimulated},
		{"simulated allowed", func(r *Requirements, o *Offer) { o.Simulated = true; r.AllowSimulated = true }, ReasonEligible},
		{"CPU below", func(r *Requirements, o *Offer) { o.CPUMillis-- }, ReasonCPU},
		{"memory below", func(r *Requirements, o *Offer) { o.MemoryMiB-- }, ReasonMemory},
		{"disk below", func(r *Requirements, o *Offer) { o.DiskMiB-- }, ReasonDisk},
		{"placement value differs", func(r *Requirements, o *Offer) { o.Attributes[0].Value = "eu-west-2" }, ReasonPlacement},
		{"placement key missing", func(r *Requirements, o *Offer) {
			r.Placement = append(r.Placement, Attribute{Key: "gpu.interconnect", Value: "nvlink"})
		}, ReasonPlacement},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := sampleOrder(addr(testKey(t, 1))).Requirements
			b := sampleBid(testDomain.OrderHash(&Order{}), addr(testKey(t, 2)), 1)
			c.edit(&r, &b.Offer)
			err := CheckOffer(&r, &b.Offer)
			var got Reason
			var m *Mismatch
			if errors.As(err, &m) {
				got = m.Reason
			} else if err != nil {
				t.Fatalf("CheckOffer returned %T %v, want *Mismatch", err, err)
			}
			if got != c.want {
				t.Errorf("CheckOffer reason %q (%v), want %q", got, err, c.want)
			}
		})
	}
}

// A MIG slice serves only an order that asks for slices, by a model
// pattern that says MIG; its memory is the slice's.
func TestMatchMIG(t *testing.T) {
	slice := func(uuid, profile string, mib uint64) Device {
		return Device{UUID: uuid, Model: MIGModel("NVIDIA A100-SXM4-40GB", profile), VRAMMiB: mib, ComputeCapability: 80}
	}
	c := &Capacity{GPUs: []Device{slice("MIG-a", "1g.5gb", 4864), slice("MIG-b", "3g.20gb", 19968), slice("MIG-c", "1g.5gb", 4864)},
		CUDAVersion: 12040, CPUMillis: 4000, MemoryMiB: 8192, DiskMiB: 8192}
	for _, tc := range []struct {
		name   string
		models []string
		count  uint32
		minMiB uint64
		want   []string // UUIDs; nil: no match
	}{
		{"any model: whole GPUs only", nil, 1, 0, nil},
		{"A100: whole GPUs only", []string{"A100"}, 1, 0, nil},
		{"A100 slices", []string{"A100 MIG"}, 2, 0, []string{"MIG-a", "MIG-c"}},
		{"slices of 10 GiB or more", []string{"MIG"}, 1, 10240, []string{"MIG-b"}},
		{"one profile", []string{"MIG 3g.20gb"}, 1, 0, []string{"MIG-b"}},
		{"more slices than there are", []string{"MIG 1g.5gb"}, 3, 0, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			req := &Requirements{GPUCount: tc.count, GPUModels: tc.models, MinVRAMMiB: tc.minMiB, CPUMillis: 1000, MemoryMiB: 1024}
			offer, uuids, err := Match(req, c)
			if tc.want == nil {
				if err == nil {
					t.Fatalf("matched %v, want no match", uuids)
				}
				return
			}
			if err != nil || !slices.Equal(uuids, tc.want) {
				t.Fatalf("Match: %v, %v; want %v", uuids, err, tc.want)
			}
			if !IsMIGModel(offer.GPUs[0].Model) {
				t.Errorf("offer %+v, want MIG slices", offer.GPUs)
			}
		})
	}
}
