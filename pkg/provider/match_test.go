package provider

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/tender-market/tender/pkg/auction"
	"github.com/tender-market/tender/pkg/gpu"
)

// A cluster's GPUs are matched one node at a time: an order's GPUs, CPU
// and memory share a machine, a node's simulated GPUs are offered as
// simulated, and a node's offer names the node (which an order may ask
// for).
func TestMatchPerNode(t *testing.T) {
	h100 := func(node string, i int, simulated bool) gpu.Device {
		return gpu.Device{UUID: node + "/" + string(rune('0'+i)), Model: "NVIDIA H100 80GB HBM3", MemoryTotalMiB: 81559, ComputeCapability: 90, Node: node, Simulated: simulated}
	}
	c := auction.Capacity{CUDAVersion: 12040, CPUMillis: 8000, MemoryMiB: 16384, DiskMiB: 10240, Attributes: []auction.Attribute{{Key: "region", Value: "eu"}}}
	req := func(gpus uint32, allowSimulated bool) *auction.Requirements {
		return &auction.Requirements{GPUCount: gpus, GPUModels: []string{"H100"}, CPUMillis: 1000, MemoryMiB: 1024, AllowSimulated: allowSimulated}
	}
	placed := func(r *auction.Requirements, key, value string) *auction.Requirements {
		r.Placement = []auction.Attribute{{Key: key, Value: value}}
		return r
	}
	tests := []struct {
		name      string
		req       *auction.Requirements
		free      []gpu.Device
		wantUUIDs []string
		wantSim   bool
		want      auction.Reason
		detail    string
	}{
		{name: "this machine's GPUs: as one", req: req(2, false),
			free: []gpu.Device{h100("", 0, false), h100("", 1, false)}, wantUUIDs: []string{"/0", "/1"}},
		{name: "two GPUs on one node", req: req(2, true),
			free: []gpu.Device{h100("a", 0, true), h100("b", 0, true), h100("b", 1, true)}, wantUUIDs: []string{"b/0", "b/1"}, wantSim: true},
		{name: "two GPUs, one on each node", req: req(2, true),
			free: []gpu.Device{h100("a", 0, true), h100("b", 0, true)}, want: auction.ReasonGPUCount, detail: "2 free GPUs across 2 nodes, but no node has 2 free"},
		{name: "a real node is offered as real", req: req(1, false),
			free: []gpu.Device{h100("a", 0, true), h100("b", 0, false)}, wantUUIDs: []string{"b/0"}},
		{name: "only simulated nodes for a real order", req: req(1, false),
			free: []gpu.Device{h100("a", 0, true)}, want: auction.ReasonSimulated},
		{name: "a node without the CPU", req: req(1, true),
			free: []gpu.Device{h100("c", 0, true), h100("d", 0, true)}, wantUUIDs: []string{"d/0"}, wantSim: true},
		{name: "no node with the CPU", req: req(1, true),
			free: []gpu.Device{h100("c", 0, true)}, want: auction.ReasonCPU, detail: "has 500 free millicores"},
		{name: "a node asked for by name", req: placed(req(1, true), auction.AttributeNode, "label-b"),
			free: []gpu.Device{h100("a", 0, true), h100("b", 0, true)}, wantUUIDs: []string{"b/0"}, wantSim: true},
		{name: "no GPUs asked", req: req(0, false),
			free: []gpu.Device{h100("a", 0, true)}, wantUUIDs: []string{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			offer, uuids, err := matchPerNode(tt.req, c, tt.free, nodeFree{"c": {500, 65536}}, func(n string) string { return "label-" + n })
			if tt.want != "" {
				var m *auction.Mismatch
				if !errors.As(err, &m) || m.Reason != tt.want || !strings.Contains(m.Detail, tt.detail) {
					t.Fatalf("err = %v, want a mismatch %s (%q)", err, tt.want, tt.detail)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(uuids, tt.wantUUIDs) || offer.Simulated != tt.wantSim {
				t.Errorf("GPUs %q, simulated %v; want %q, %v", uuids, offer.Simulated, tt.wantUUIDs, tt.wantSim)
			}
			// A node's offer says which node; this machine's, none.
			var want []auction.Attribute
			if len(tt.wantUUIDs) > 0 && !strings.HasPrefix(tt.wantUUIDs[0], "/") {
				want = []auction.Attribute{{Key: "region", Value: "eu"}, {Key: auction.AttributeNode, Value: "label-" + strings.Split(tt.wantUUIDs[0], "/")[0]}}
			} else {
				want = c.Attributes
			}
			if !slices.Equal(offer.Attributes, want) {
				t.Errorf("offer attributes %v, want %v", offer.Attributes, want)
			}
		})
	}
}

// nodeFree is each node's free CPU (millicores) and memory (MiB).
type nodeFree map[string][2]uint64

func (n nodeFree) NodeFree(node string) (uint64, uint64, bool) {
	f, ok := n[node]
	return f[0], f[1], ok
}
