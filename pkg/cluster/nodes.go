package cluster

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"

	corev1 "k8s.io/api/core/v1"
)

// Resource names and labels of NVIDIA's device plugin and GPU Feature
// Discovery, and the label that marks a node's GPUs as simulated.
const (
	ResourceGPU       corev1.ResourceName = "nvidia.com/gpu"
	resourceMIGPrefix                     = "nvidia.com/mig-"

	LabelProduct       = "nvidia.com/gpu.product"
	LabelMemory        = "nvidia.com/gpu.memory" // MiB
	LabelComputeMajor  = "nvidia.com/gpu.compute.major"
	LabelComputeMinor  = "nvidia.com/gpu.compute.minor"
	LabelDriverMajor   = "nvidia.com/cuda.driver.major"
	LabelDriverMinor   = "nvidia.com/cuda.driver.minor"
	LabelDriverRev     = "nvidia.com/cuda.driver.rev"
	LabelRuntimeMajor  = "nvidia.com/cuda.runtime.major"
	LabelRuntimeMinor  = "nvidia.com/cuda.runtime.minor"
	LabelSimulatedGPUs = "tender.market/simulated-gpus"
)

// Node is what one node of the cluster can run, as the cluster says.
type Node struct {
	Name string `json:"name"`
	// Ready is the node's Ready condition; Schedulable is false for a
	// cordoned node. Only a ready, schedulable node is offered.
	Ready       bool `json:"ready"`
	Schedulable bool `json:"schedulable"`
	// GPUs is the node's allocatable nvidia.com/gpu: whole GPUs.
	GPUs int64 `json:"gpus"`
	// Model is GPU Feature Discovery's product label with its dashes
	// read as spaces ("NVIDIA-H100-80GB-HBM3" is "NVIDIA H100 80GB HBM3",
	// NVML's name); empty without the label.
	Model string `json:"model,omitempty"`
	// MemoryMiB is one GPU's memory; ComputeCapability is major*10+minor.
	MemoryMiB         uint64 `json:"memoryMiB,omitempty"`
	ComputeCapability int    `json:"computeCapability,omitempty"`
	// CUDADriver ("550.54.15") and CUDARuntime ("12.4") as labelled.
	CUDADriver  string `json:"cudaDriver,omitempty"`
	CUDARuntime string `json:"cudaRuntime,omitempty"`
	// MIG are the node's allocatable MIG slices by profile ("1g.10gb"),
	// from the device plugin's nvidia.com/mig-<profile> resources, and
	// MIGMemoryMiB their memory by profile, from GPU Feature Discovery's
	// nvidia.com/mig-<profile>.memory labels where it gives them.
	MIG          map[string]int64  `json:"mig,omitempty"`
	MIGMemoryMiB map[string]uint64 `json:"migMemoryMiB,omitempty"`
	// CPUMillicores and MemoryBytes are the node's allocatable CPU and
	// memory.
	CPUMillicores int64 `json:"cpuMillicores"`
	MemoryBytes   int64 `json:"memoryBytes"`
	// Simulated is true for a node labelled tender.market/simulated-gpus:
	// its GPUs must never pass for real hardware.
	Simulated bool `json:"simulated"`
}

// Nodes lists the cluster's nodes, by name.
func (c *Cluster) Nodes(ctx context.Context) ([]Node, error) {
	list, err := c.api.listNodes(ctx)
	if err != nil {
		return nil, fmt.Errorf("list the cluster's nodes: %w", err)
	}
	nodes := make([]Node, 0, len(list.Items))
	for i := range list.Items {
		nodes = append(nodes, nodeOf(&list.Items[i]))
	}
	slices.SortFunc(nodes, func(a, b Node) int { return strings.Compare(a.Name, b.Name) })
	return nodes, nil
}

func nodeOf(n *corev1.Node) Node {
	l := n.Labels
	alloc := n.Status.Allocatable
	node := Node{
		Name:          n.Name,
		Schedulable:   !n.Spec.Unschedulable,
		Model:         strings.ReplaceAll(l[LabelProduct], "-", " "),
		CPUMillicores: alloc.Cpu().MilliValue(),
		MemoryBytes:   alloc.Memory().Value(),
		Simulated:     l[LabelSimulatedGPUs] == "true",
	}
	for _, cond := range n.Status.Conditions {
		if cond.Type == corev1.NodeReady {
			node.Ready = cond.Status == corev1.ConditionTrue
		}
	}
	if q, ok := alloc[ResourceGPU]; ok {
		node.GPUs = q.Value()
	}
	for name, q := range alloc {
		if profile, ok := strings.CutPrefix(string(name), resourceMIGPrefix); ok && q.Value() > 0 {
			if node.MIG == nil {
				node.MIG = map[string]int64{}
			}
			node.MIG[profile] = q.Value()
			if mib, err := strconv.ParseUint(l[resourceMIGPrefix+profile+".memory"], 10, 64); err == nil && mib > 0 {
				if node.MIGMemoryMiB == nil {
					node.MIGMemoryMiB = map[string]uint64{}
				}
				node.MIGMemoryMiB[profile] = mib
			}
		}
	}
	if mib, err := strconv.ParseUint(l[LabelMemory], 10, 64); err == nil {
		node.MemoryMiB = mib
	}
	major, errMajor := strconv.Atoi(l[LabelComputeMajor])
	minor, errMinor := strconv.Atoi(l[LabelComputeMinor])
	if errMajor == nil && errMinor == nil && major > 0 && minor >= 0 && minor < 10 {
		node.ComputeCapability = major*10 + minor
	}
	node.CUDADriver = dotted(l[LabelDriverMajor], l[LabelDriverMinor], l[LabelDriverRev])
	node.CUDARuntime = dotted(l[LabelRuntimeMajor], l[LabelRuntimeMinor])
	return node
}

// dotted joins version parts that are all numbers ("550", "54", "15" is
// "550.54.15"); anything else is "".
func dotted(parts ...string) string {
	for _, p := range parts {
		if _, err := strconv.ParseUint(p, 10, 32); err != nil {
			return ""
		}
	}
	return strings.Join(parts, ".")
}
