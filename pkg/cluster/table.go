package cluster

import (
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"text/tabwriter"
)

// WriteNodes prints nodes as a table: per node whether it is offered
// (ready and schedulable), its GPUs and their model, memory, compute
// capability and CUDA versions, its MIG slices, CPU and memory, and
// whether its GPUs are simulated.
func WriteNodes(w io.Writer, nodes []Node) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	var gpus int64
	for _, n := range nodes {
		gpus += n.GPUs
	}
	fmt.Fprintf(tw, "%d node(s), %d GPU(s)\n\n", len(nodes), gpus)
	fmt.Fprintf(tw, "NODE\tSTATE\tGPUS\tMODEL\tMEMORY MiB\tCC\tDRIVER\tCUDA\tMIG\tCPU\tRAM GiB\n")
	for _, n := range nodes {
		state := "ready"
		switch {
		case !n.Ready:
			state = "not ready"
		case !n.Schedulable:
			state = "cordoned"
		}
		model := orDash(n.Model)
		if n.Simulated {
			model += " (SIMULATED)"
		}
		cc := "-"
		if n.ComputeCapability > 0 {
			cc = fmt.Sprintf("%d.%d", n.ComputeCapability/10, n.ComputeCapability%10)
		}
		mem := "-"
		if n.MemoryMiB > 0 {
			mem = fmt.Sprint(n.MemoryMiB)
		}
		var mig []string
		for _, p := range slices.Sorted(maps.Keys(n.MIG)) {
			mig = append(mig, fmt.Sprintf("%d x %s", n.MIG[p], p))
		}
		fmt.Fprintf(tw, "%s\t%s\t%d\t%s\t%s\t%s\t%s\t%s\t%s\t%.1f\t%.1f\n",
			n.Name, state, n.GPUs, model, mem, cc, orDash(n.CUDADriver), orDash(n.CUDARuntime), orDash(strings.Join(mig, ", ")),
			float64(n.CPUMillicores)/1000, float64(n.MemoryBytes)/(1<<30))
	}
	return tw.Flush()
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
