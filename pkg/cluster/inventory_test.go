package cluster

import (
	"fmt"
	"slices"
	"testing"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/tender-market/tender/pkg/gpu"
)

// TestInventoryOfTheNode: the test node's GPUs as the provider sells them:
// simulated H100s of node vm, with GFD's model, memory, compute capability
// and CUDA version. Other tests' pods may hold some meanwhile.
func TestInventoryOfTheNode(t *testing.T) {
	c := testCluster(t)
	snap, err := c.Inventory(nil).Refresh(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	whole := slices.DeleteFunc(slices.Clone(snap.Devices), func(d gpu.Device) bool { return d.MIGProfile != "" })
	if !snap.Available || !snap.Simulated || snap.CUDADriverVersion != 12040 || len(whole) > 4 {
		t.Errorf("inventory %+v: want at most 4 simulated GPUs, CUDA 12.4", snap)
	}
	for _, d := range snap.Devices {
		if d.MIGProfile != "" {
			continue // slices another test patched in for a while
		}
		if d.Node != "vm" || d.UUID != Slot("vm", d.Index) || d.Model != "NVIDIA H100 80GB HBM3" || d.MemoryTotalMiB != 81559 ||
			d.ComputeCapability != 90 || !d.Simulated {
			t.Errorf("device %+v: want a simulated H100 80GB of node vm", d)
		}
	}
}

// TestInventoryCounts: what other workloads' pods hold is not offered; a
// slot the provider's leases or bids hold stays listed, whichever of the
// node's GPUs are free, so its claim keeps its device; nodes that are not
// ready or not schedulable offer nothing.
func TestInventoryCounts(t *testing.T) {
	c := withDefaults(Config{Namespace: "tender"})
	node := func(name string, gpus int64, ok bool) Node {
		return Node{Name: name, Ready: ok, Schedulable: true, GPUs: gpus, Model: "NVIDIA A100-SXM4-80GB", MemoryMiB: 81920, CUDARuntime: "12.2"}
	}
	pod := func(ns, nodeName string, gpus int64, slots string) corev1.Pod {
		p := corev1.Pod{ObjectMeta: metav1.ObjectMeta{Namespace: ns}, Spec: corev1.PodSpec{NodeName: nodeName,
			Containers: []corev1.Container{{Resources: corev1.ResourceRequirements{Limits: corev1.ResourceList{ResourceGPU: *resource.NewQuantity(gpus, resource.DecimalSI)}}}}}}
		if slots != "" {
			p.Annotations = map[string]string{LabelLease: "0xab", annotationSlots: slots}
		}
		return p
	}
	migNode := node("m", 1, true)
	migNode.MIG = map[string]int64{"1g.10gb": 2, "3g.40gb": 1}
	slicePod := func(ns, profile, slots string) corev1.Pod {
		p := pod(ns, "m", 0, slots)
		p.Spec.Containers[0].Resources.Limits = corev1.ResourceList{corev1.ResourceName(resourceMIGPrefix + profile): *resource.NewQuantity(1, resource.DecimalSI)}
		return p
	}
	tests := []struct {
		name  string
		nodes []Node
		pods  []corev1.Pod
		held  []string
		want  []string
	}{
		{"all free", []Node{node("a", 2, true)}, nil, nil, []string{Slot("a", 0), Slot("a", 1)}},
		{"another workload holds one", []Node{node("a", 4, true)}, []corev1.Pod{pod("ml", "a", 1, "")}, nil,
			[]string{Slot("a", 0), Slot("a", 1), Slot("a", 2)}},
		{"a lease's slot kept", []Node{node("a", 4, true)}, []corev1.Pod{pod("ml", "a", 1, ""), pod("tender", "a", 1, Slot("a", 3))}, nil,
			[]string{Slot("a", 0), Slot("a", 1), Slot("a", 3)}},
		{"a held slot kept", []Node{node("a", 4, true)}, []corev1.Pod{pod("ml", "a", 2, "")}, []string{Slot("a", 2)},
			[]string{Slot("a", 0), Slot("a", 2)}},
		{"a pod elsewhere", []Node{node("a", 1, true), node("b", 1, true)}, []corev1.Pod{pod("ml", "b", 1, "")}, nil, []string{Slot("a", 0)}},
		{"a node not ready", []Node{node("a", 1, false), node("b", 1, true)}, nil, nil, []string{Slot("b", 0)}},
		{"all taken", []Node{node("a", 1, true)}, []corev1.Pod{pod("ml", "a", 3, "")}, nil, nil},
		{"MIG slices by profile", []Node{migNode}, nil, nil,
			[]string{Slot("m", 0), MIGSlot("m", "1g.10gb", 0), MIGSlot("m", "1g.10gb", 1), MIGSlot("m", "3g.40gb", 0)}},
		{"another workload holds a slice", []Node{migNode}, []corev1.Pod{slicePod("ml", "1g.10gb", "")}, nil,
			[]string{Slot("m", 0), MIGSlot("m", "1g.10gb", 0), MIGSlot("m", "3g.40gb", 0)}},
		{"a lease's slice kept", []Node{migNode}, []corev1.Pod{slicePod("ml", "1g.10gb", ""), slicePod("tender", "1g.10gb", MIGSlot("m", "1g.10gb", 1))}, nil,
			[]string{Slot("m", 0), MIGSlot("m", "1g.10gb", 1), MIGSlot("m", "3g.40gb", 0)}},
		{"a node of slices alone", []Node{{Name: "s", Ready: true, Schedulable: true, MIG: map[string]int64{"2g.20gb": 1}}}, nil, nil,
			[]string{MIGSlot("s", "2g.20gb", 0)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			inv := c.Inventory(func(id string) bool { return slices.Contains(tt.held, id) })
			snap, _ := inv.snapshotOf(tt.nodes, tt.pods)
			var got []string
			for _, d := range snap.Devices {
				got = append(got, d.UUID)
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("slots %q, want %q", got, tt.want)
			}
			for _, d := range snap.Devices {
				if _, profile, _ := parseSlot(d.UUID); d.MIGProfile != profile || profile != "" && d.MemoryTotalMiB != migMemoryMiB(profile) {
					t.Errorf("device %+v: want profile %q with its memory", d, profile)
				}
			}
			if len(tt.want) > 0 && tt.nodes[0].CUDARuntime != "" && snap.CUDADriverVersion != 12020 {
				t.Errorf("CUDA %d, want 12020", snap.CUDADriverVersion)
			}
			if len(tt.want) == 0 && snap.Reason == "" {
				t.Error("an empty inventory says nothing of why")
			}
		})
	}
}

func TestSlots(t *testing.T) {
	for _, tc := range []struct{ id, node, profile string }{
		{Slot("vm", 0), "vm", ""},
		{Slot("gpu-node-7.example", 12), "gpu-node-7.example", ""},
		{MIGSlot("vm", "3g.20gb", 2), "vm", "3g.20gb"},
		{MIGSlot("n1", "1c.3g.20gb", 0), "n1", "1c.3g.20gb"},
		{MIGSlot("n1", "1g.10gb+me", 0), "n1", "1g.10gb+me"},
	} {
		if node, profile, ok := parseSlot(tc.id); !ok || node != tc.node || profile != tc.profile {
			t.Errorf("%q parsed as %q, %q, %v; want %q, %q", tc.id, node, profile, ok, tc.node, tc.profile)
		}
	}
	for _, id := range []string{"GPU-5c1d", "k8s//gpu/0", "k8s/a/gpu/x", "k8s/a/mig/0", "k8s/a/gpu/-1", "k8s/a/b/gpu/0",
		"k8s/a/mig-all/0", "k8s/a/mig-1g.5gb/../0", "k8s/gpu/0"} {
		if n, p, ok := parseSlot(id); ok {
			t.Errorf("%q parsed as node %q, profile %q", id, n, p)
		}
	}
}

// TestNodeFree: a node's free CPU and memory are its allocatable less what
// every pod on it requests, the provider's own as others', and less what
// the lease agent would hold beside an order's job.
func TestNodeFree(t *testing.T) {
	c := withDefaults(Config{Namespace: "tender"})
	inv := c.Inventory(nil)
	pod := func(ns, node, cpu, mem string) corev1.Pod {
		return corev1.Pod{ObjectMeta: metav1.ObjectMeta{Namespace: ns}, Spec: corev1.PodSpec{NodeName: node,
			Containers: []corev1.Container{{Resources: corev1.ResourceRequirements{Requests: corev1.ResourceList{
				corev1.ResourceCPU: resource.MustParse(cpu), corev1.ResourceMemory: resource.MustParse(mem)}}}}}}
	}
	nodes := []Node{
		{Name: "a", Ready: true, Schedulable: true, CPUMillicores: 8000, MemoryBytes: 32 << 30},
		{Name: "b", Ready: true, Schedulable: true, CPUMillicores: 4000, MemoryBytes: 16 << 30},
	}
	_, free := inv.snapshotOf(nodes, []corev1.Pod{pod("ml", "a", "2", "4Gi"), pod("tender", "a", "500m", "1Gi"), pod("ml", "b", "4", "1Gi")})
	inv.free = free
	for _, tt := range []struct {
		node     string
		cpu, mem uint64
		ok       bool
	}{{"a", 5500, 27 << 10, true}, {"b", 0, 15 << 10, true}, {"c", 0, 0, false}} {
		if cpu, mem, ok := inv.NodeFree(tt.node); cpu != tt.cpu || mem != tt.mem || ok != tt.ok {
			t.Errorf("node %s: %d millicores, %d MiB, %v; want %d, %d, %v", tt.node, cpu, mem, ok, tt.cpu, tt.mem, tt.ok)
		}
	}
	withAgent := withDefaults(Config{Namespace: "tender", AgentImage: "agent"}).Inventory(nil)
	withAgent.free = free
	for _, tt := range []struct {
		node     string
		cpu, mem uint64
	}{{"a", 5250, 27<<10 - 32}, {"b", 0, 15<<10 - 32}} {
		if cpu, mem, _ := withAgent.NodeFree(tt.node); cpu != tt.cpu || mem != tt.mem {
			t.Errorf("with the agent, node %s: %d millicores, %d MiB; want %d, %d", tt.node, cpu, mem, tt.cpu, tt.mem)
		}
	}
}

// A node's MIG slices come from the device plugin's resources, their
// memory from GPU Feature Discovery's labels where it gives one, and from
// the profile's name where it does not.
func TestNodeMIG(t *testing.T) {
	n := nodeOf(&corev1.Node{
		ObjectMeta: metav1.ObjectMeta{Name: "a100", Labels: map[string]string{
			LabelProduct: "NVIDIA-A100-SXM4-40GB", "nvidia.com/mig-3g.20gb.memory": "19968",
		}},
		Status: corev1.NodeStatus{
			Allocatable: corev1.ResourceList{
				"nvidia.com/mig-3g.20gb": resource.MustParse("2"), "nvidia.com/mig-1g.5gb": resource.MustParse("1"),
				corev1.ResourceCPU: resource.MustParse("8"), corev1.ResourceMemory: resource.MustParse("32Gi"),
			},
			Conditions: []corev1.NodeCondition{{Type: corev1.NodeReady, Status: corev1.ConditionTrue}},
		},
	})
	snap, _ := withDefaults(Config{Namespace: "tender"}).Inventory(nil).snapshotOf([]Node{n}, nil)
	var got []string
	for _, d := range snap.Devices {
		got = append(got, fmt.Sprintf("%s %s %d", d.UUID, d.Model, d.MemoryTotalMiB))
	}
	want := []string{
		MIGSlot("a100", "1g.5gb", 0) + " NVIDIA A100 SXM4 40GB 5120",
		MIGSlot("a100", "3g.20gb", 0) + " NVIDIA A100 SXM4 40GB 19968",
		MIGSlot("a100", "3g.20gb", 1) + " NVIDIA A100 SXM4 40GB 19968",
	}
	if !slices.Equal(got, want) {
		t.Errorf("devices %q, want %q", got, want)
	}
}
