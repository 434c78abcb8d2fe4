package cluster

import (
	"slices"
	"testing"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
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
	if !snap.Available || !snap.Simulated || snap.CUDADriverVersion != 12040 || len(snap.Devices) > 4 {
		t.Errorf("inventory %+v: want at most 4 simulated GPUs, CUDA 12.4", snap)
	}
	for _, d := range snap.Devices {
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
			if len(tt.want) > 0 && snap.CUDADriverVersion != 12020 {
				t.Errorf("CUDA %d, want 12020", snap.CUDADriverVersion)
			}
			if len(tt.want) == 0 && snap.Reason == "" {
				t.Error("an empty inventory says nothing of why")
			}
		})
	}
}

func TestSlots(t *testing.T) {
	for _, id := range []string{Slot("vm", 0), Slot("gpu-node-7.example", 12)} {
		if _, ok := parseSlot(id); !ok {
			t.Errorf("%q not parsed", id)
		}
	}
	for _, id := range []string{"GPU-5c1d", "k8s//gpu/0", "k8s/a/gpu/x", "k8s/a/mig/0", "k8s/a/gpu/-1"} {
		if n, ok := parseSlot(id); ok {
			t.Errorf("%q parsed as node %q", id, n)
		}
	}
}

// TestNodeFree: a node's free CPU and memory are its allocatable less what
// every pod on it requests, the provider's own as others'.
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
}
