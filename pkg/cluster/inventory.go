package cluster

import (
	"cmp"
	"context"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/tender-market/tender/pkg/gpu"
)

// annotationSlots lists the slots (see Slot) a lease's pod was given.
const annotationSlots = "tender.market/slots"

// slotPrefix starts every slot ID.
const slotPrefix = "k8s/"

// Slot is the ID of one GPU a node can give a lease, as the provider's
// allocator counts GPUs: "k8s/<node>/gpu/<i>". The cluster's device plugin,
// not the provider, picks which GPU of the node a pod gets, so a slot
// stands for one of the node's nvidia.com/gpu, not a particular card.
func Slot(node string, i int) string { return fmt.Sprintf("%s%s/gpu/%d", slotPrefix, node, i) }

// MIGSlot is the ID of one MIG slice of profile a node can give a lease:
// "k8s/<node>/mig-<profile>/<i>", one of the node's
// nvidia.com/mig-<profile>.
func MIGSlot(node, profile string, i int) string {
	return fmt.Sprintf("%s%s/mig-%s/%d", slotPrefix, node, profile, i)
}

// parseSlot is the node of a slot ID (Slot or MIGSlot) and, for a MIG
// slice's, its profile.
func parseSlot(id string) (node, profile string, ok bool) {
	rest, ok := strings.CutPrefix(id, slotPrefix)
	if !ok {
		return "", "", false
	}
	i := strings.LastIndexByte(rest, '/')
	j := strings.LastIndexByte(rest[:max(i, 0)], '/')
	if i < 0 || j <= 0 {
		return "", "", false
	}
	node, kind, idx := rest[:j], rest[j+1:i], rest[i+1:]
	if _, err := strconv.ParseUint(idx, 10, 16); err != nil || strings.Contains(node, "/") {
		return "", "", false
	}
	if kind == "gpu" {
		return node, "", true
	}
	profile, ok = strings.CutPrefix(kind, "mig-")
	if !ok || !migProfilePattern.MatchString(profile) {
		return "", "", false
	}
	return node, profile, true
}

// Inventory is the cluster's GPUs as a provider sells them
// (a gpu.DeviceSource): one device per nvidia.com/gpu a ready,
// schedulable node can still give the provider's leases, each with the
// node's model, memory and compute capability from GPU Feature Discovery's
// labels, its node (Device.Node) and whether the node's GPUs are
// simulated. GPUs that other workloads' pods request are not listed: they
// are not the provider's to sell. MIG slices are listed by Nodes, not
// sold yet.
type Inventory struct {
	c    *Cluster
	held func(slot string) bool

	mu    sync.Mutex
	snap  gpu.Snapshot
	free  map[string]resources // by node
	total resources            // the ready, schedulable nodes' allocatable
}

// resources are a node's CPU (millicores) and memory (bytes) that no pod
// requests.
type resources struct{ cpu, memory int64 }

var _ gpu.DeviceSource = (*Inventory)(nil)

// Inventory returns the cluster's inventory, empty until its first
// Refresh. held, when set, says which slots the provider holds for bids
// and leases: they stay listed while held, whichever of the node's GPUs
// are free, so the allocator's claims keep their devices.
func (c *Cluster) Inventory(held func(slot string) bool) *Inventory {
	return &Inventory{c: c, held: held, snap: gpu.Snapshot{Source: "kubernetes", Devices: []gpu.Device{}}}
}

// Snapshot is the inventory as last refreshed.
func (inv *Inventory) Snapshot() gpu.Snapshot {
	inv.mu.Lock()
	defer inv.mu.Unlock()
	s := inv.snap
	s.Devices = append([]gpu.Device{}, s.Devices...)
	return s
}

// Refresh reads the nodes and the pods that hold GPUs again.
func (inv *Inventory) Refresh(ctx context.Context) (gpu.Snapshot, error) {
	nodes, err := inv.c.Nodes(ctx)
	if err != nil {
		return gpu.Snapshot{}, err
	}
	pods, err := inv.c.api.listPods(ctx, "", metav1.ListOptions{
		FieldSelector: "status.phase!=Succeeded,status.phase!=Failed",
	})
	if err != nil {
		return gpu.Snapshot{}, fmt.Errorf("list the cluster's pods: %w", err)
	}
	snap, free := inv.snapshotOf(nodes, pods.Items)
	var total resources
	for _, n := range nodes {
		if n.Ready && n.Schedulable {
			total.cpu, total.memory = total.cpu+max(n.CPUMillicores, 0), total.memory+max(n.MemoryBytes, 0)
		}
	}
	inv.mu.Lock()
	inv.snap, inv.free, inv.total = snap, free, total
	inv.mu.Unlock()
	return snap, nil
}

// Allocatable is the CPU (millicores) and memory (MiB) of the cluster's
// ready, schedulable nodes together, as last refreshed.
func (inv *Inventory) Allocatable() (cpuMillis, memoryMiB uint64) {
	inv.mu.Lock()
	defer inv.mu.Unlock()
	return uint64(inv.total.cpu), uint64(inv.total.memory) >> 20
}

// NodeFree is what CPU and memory an order can have on node, as last
// refreshed (provider.NodeResources): what no pod requests, less what the
// lease agent beside the job holds.
func (inv *Inventory) NodeFree(node string) (cpuMillis, memoryMiB uint64, ok bool) {
	inv.mu.Lock()
	defer inv.mu.Unlock()
	f, ok := inv.free[node]
	if inv.c.cfg.AgentImage != "" {
		f.cpu, f.memory = f.cpu-agentCPUMillis, f.memory-agentMemory
	}
	return uint64(max(f.cpu, 0)), uint64(max(f.memory, 0)) >> 20, ok
}

// snapshotOf is the inventory of nodes, with pods running on them, and
// what CPU and memory each node has that no pod requests.
func (inv *Inventory) snapshotOf(nodes []Node, pods []corev1.Pod) (gpu.Snapshot, map[string]resources) {
	others := map[string]map[corev1.ResourceName]int64{} // GPUs and slices other workloads request, by node
	ours := map[string][]string{}                        // slots of the provider's leases
	free := make(map[string]resources, len(nodes))
	for _, n := range nodes {
		free[n.Name] = resources{n.CPUMillicores, n.MemoryBytes}
	}
	for i := range pods {
		p := &pods[i]
		if f, ok := free[p.Spec.NodeName]; ok {
			free[p.Spec.NodeName] = resources{f.cpu - podHolds(p, cpuOf), f.memory - podHolds(p, memoryOf)}
		}
		if p.Spec.NodeName == "" && p.Spec.NodeSelector[corev1.LabelHostname] == "" {
			continue
		}
		if p.Namespace == inv.c.cfg.Namespace && p.Annotations[LabelLease] != "" {
			for _, s := range strings.Split(p.Annotations[annotationSlots], ",") {
				if node, _, ok := parseSlot(s); ok {
					ours[node] = append(ours[node], s)
				}
			}
			continue
		}
		if p.Spec.NodeName != "" {
			taken := others[p.Spec.NodeName]
			if taken == nil {
				taken = map[corev1.ResourceName]int64{}
				others[p.Spec.NodeName] = taken
			}
			for _, name := range gpuResources(p) {
				taken[name] += podHolds(p, func(r corev1.ResourceRequirements) int64 { return extended(r, name) })
			}
		}
	}
	snap := gpu.Snapshot{TakenAt: time.Now(), Source: "kubernetes", Available: true, Devices: []gpu.Device{}}
	simulated, real := false, false
	for _, n := range nodes {
		if !n.Ready || !n.Schedulable || n.GPUs <= 0 && len(n.MIG) == 0 {
			continue
		}
		simulated, real = simulated || n.Simulated, real || !n.Simulated
		for _, i := range inv.slots(n.GPUs, others[n.Name][ResourceGPU], ours[n.Name], func(i int) string { return Slot(n.Name, i) }) {
			snap.Devices = append(snap.Devices, gpu.Device{
				UUID: Slot(n.Name, i), Index: i, Model: n.Model, MemoryTotalMiB: n.MemoryMiB,
				ComputeCapability: n.ComputeCapability, MIGMode: gpu.MIGDisabled, Simulated: n.Simulated, Node: n.Name,
			})
		}
		for _, profile := range slices.Sorted(maps.Keys(n.MIG)) {
			slot := func(i int) string { return MIGSlot(n.Name, profile, i) }
			mib := cmp.Or(n.MIGMemoryMiB[profile], migMemoryMiB(profile))
			for _, i := range inv.slots(n.MIG[profile], others[n.Name][corev1.ResourceName(resourceMIGPrefix+profile)], ours[n.Name], slot) {
				snap.Devices = append(snap.Devices, gpu.Device{
					UUID: slot(i), Index: i, Model: n.Model, MemoryTotalMiB: mib,
					ComputeCapability: n.ComputeCapability, Simulated: n.Simulated, Node: n.Name, MIGProfile: profile,
				})
			}
		}
		if v := cudaVersion(n.CUDARuntime); v > 0 && (snap.CUDADriverVersion == 0 || v < snap.CUDADriverVersion) {
			snap.CUDADriverVersion = v // the oldest node's: what every node supports
		}
	}
	snap.Simulated = simulated && !real
	if len(snap.Devices) == 0 {
		snap.Reason = "no ready node of the cluster has an nvidia.com/gpu free for the provider"
	}
	return snap, free
}

// slots are the indexes of the slots to list of a node's total devices
// of one kind (slot names them): as many as it has less those other pods
// request, the provider's own and held ones first.
func (inv *Inventory) slots(total, others int64, ours []string, slot func(i int) string) []int {
	keep := map[int]bool{}
	for i := range int(total) {
		if id := slot(i); (inv.held != nil && inv.held(id)) || slices.Contains(ours, id) {
			keep[i] = true
		}
	}
	want := int(max(total-others, 0))
	for i := 0; i < int(total) && len(keep) < want; i++ {
		keep[i] = true
	}
	idx := make([]int, 0, len(keep))
	for i := range int(total) {
		if keep[i] {
			idx = append(idx, i)
		}
	}
	return idx
}

// podHolds is how much of a resource a pod holds, as the scheduler counts
// it: its containers' together, or its largest init container's if more.
// of reads it from one container's requirements.
func podHolds(p *corev1.Pod, of func(corev1.ResourceRequirements) int64) int64 {
	var sum, initMax int64
	for _, c := range p.Spec.Containers {
		sum += of(c.Resources)
	}
	for _, c := range p.Spec.InitContainers {
		initMax = max(initMax, of(c.Resources))
	}
	return max(sum, initMax)
}

func cpuOf(r corev1.ResourceRequirements) int64    { return r.Requests.Cpu().MilliValue() }
func memoryOf(r corev1.ResourceRequirements) int64 { return r.Requests.Memory().Value() }

// extended is a container's extended resource name (nvidia.com/gpu, a
// MIG slice's): its limit, or its request (they must be equal).
func extended(r corev1.ResourceRequirements, name corev1.ResourceName) int64 {
	if q, ok := r.Limits[name]; ok {
		return q.Value()
	}
	if q, ok := r.Requests[name]; ok {
		return q.Value()
	}
	return 0
}

// gpuResources are the GPU resources (nvidia.com/gpu and MIG slices') a
// pod's containers ask for.
func gpuResources(p *corev1.Pod) []corev1.ResourceName {
	var names []corev1.ResourceName
	for _, c := range append(slices.Clip(p.Spec.Containers), p.Spec.InitContainers...) {
		for _, list := range []corev1.ResourceList{c.Resources.Limits, c.Resources.Requests} {
			for name := range list {
				if (name == ResourceGPU || strings.HasPrefix(string(name), resourceMIGPrefix)) && !slices.Contains(names, name) {
					names = append(names, name)
				}
			}
		}
	}
	return names
}

// migMemoryMiB is the memory of a MIG slice of profile by its name, for
// a node whose labels do not say ("3g.20gb": 20 GB as NVIDIA rounds it,
// 20480 MiB, where an A100 40GB's has 19968); 0 if the name does not say.
func migMemoryMiB(profile string) uint64 {
	base, _, _ := strings.Cut(profile, "+")
	gb, ok := strings.CutSuffix(base[strings.LastIndexByte(base, '.')+1:], "gb")
	n, err := strconv.ParseUint(gb, 10, 32)
	if !ok || err != nil {
		return 0
	}
	return n * 1024
}

// cudaVersion is the CUDA version a node's driver supports, GFD's
// cuda.runtime labels ("12.4"), in NVML's form, 12040; 0 if not
// one.
func cudaVersion(v string) int {
	parts := strings.Split(v, ".")
	if len(parts) < 2 {
		return 0
	}
	major, err1 := strconv.Atoi(parts[0])
	minor, err2 := strconv.Atoi(parts[1])
	if err1 != nil || err2 != nil || major <= 0 || minor < 0 || minor > 99 {
		return 0
	}
	return major*1000 + minor*10
}

// Run refreshes the inventory every period until ctx is done. A failed
// refresh keeps the last inventory and is logged.
func (inv *Inventory) Run(ctx context.Context, period time.Duration) error {
	t := time.NewTicker(period)
	defer t.Stop()
	for {
		if _, err := inv.Refresh(ctx); err != nil && ctx.Err() == nil {
			inv.c.log.Warn("cluster inventory not refreshed", "err", err)
		}
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
	}
}
