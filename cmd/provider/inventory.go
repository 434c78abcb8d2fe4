package main

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/tender-market/tender/internal/cli"
	"github.com/tender-market/tender/pkg/cluster"
	"github.com/tender-market/tender/pkg/gpu"
)

func newInventoryCommand(env *cli.Env) *cobra.Command {
	var sim, output, executor, kubeconfig string
	cmd := &cobra.Command{
		Use:   "inventory",
		Short: "Show this machine's GPUs as the market will see them",
		Long: `inventory reads this machine's GPUs through NVIDIA's management library
(NVML) and prints, per GPU: UUID, index, model, memory, compute capability,
PCI bus ID and MIG mode, and for the host the driver and CUDA versions. A GPU
in MIG mode is followed by its MIG devices, the slices CUDA runs work on:
UUID, profile (such as 1g.10gb), memory, SMs and GPU/compute instance IDs.

A machine without the NVIDIA driver has an empty inventory and says why; it
can still offer CPU-only work. With --gpu-sim the GPUs of a simulated machine
are shown instead, marked simulated: they can never pass for real hardware.

With --executor kubernetes it shows a Kubernetes cluster's nodes instead, as
the cluster says them: per node its allocatable nvidia.com/gpu and MIG slices
(nvidia.com/mig-<profile>, from NVIDIA's device plugin), GPU Feature
Discovery's labels (model, memory, compute capability, CUDA driver and
runtime), CPU and memory, and whether it is ready. A node labelled
tender.market/simulated-gpus=true shows its GPUs as simulated. The cluster is
the one --kubeconfig names, or the provider's own when it runs as a pod.`,
		Example: `  provider inventory
  provider inventory --gpu-sim dgxh100 -o json
  provider inventory --gpu-sim dgxh100-mig
  provider inventory --executor kubernetes --kubeconfig ~/.kube/config`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if output != "table" && output != "json" {
				return fmt.Errorf("--output %q: want table or json", output)
			}
			switch executor {
			case "docker":
			case "kubernetes":
				if sim != "" {
					return fmt.Errorf("--gpu-sim simulates this machine's GPUs; a cluster's come from its nodes (label a node tender.market/simulated-gpus=true)")
				}
				return clusterInventory(cmd.Context(), env, kubeconfig, output)
			default:
				return fmt.Errorf("--executor %q: want docker or kubernetes", executor)
			}
			inv, err := gpu.Open(cmd.Context(), gpu.Options{Simulate: sim, Logger: env.Logger})
			if err != nil {
				return err
			}
			defer inv.Close()
			snap := inv.Snapshot()
			if output == "json" {
				enc := json.NewEncoder(env.Stdout)
				enc.SetIndent("", "  ")
				return enc.Encode(snap)
			}
			return gpu.WriteTable(env.Stdout, snap)
		},
	}
	addGPUSimFlag(cmd, &sim)
	cmd.Flags().StringVarP(&output, "output", "o", "table", "output format: table or json")
	cmd.Flags().StringVar(&executor, "executor", "docker", "where jobs run: docker (this machine's GPUs) or kubernetes (a cluster's nodes)")
	cmd.Flags().StringVar(&kubeconfig, "kubeconfig", "", "with --executor kubernetes: the cluster's kubeconfig file (empty: the cluster the provider runs in as a pod)")
	return cmd
}

// clusterInventory prints the nodes of the cluster kubeconfig names.
func clusterInventory(ctx context.Context, env *cli.Env, kubeconfig, output string) error {
	c, err := cluster.New(cluster.Config{Kubeconfig: kubeconfig, Logger: env.Logger})
	if err != nil {
		return err
	}
	nodes, err := c.Nodes(ctx)
	if err != nil {
		return err
	}
	if output == "json" {
		enc := json.NewEncoder(env.Stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(nodes)
	}
	return cluster.WriteNodes(env.Stdout, nodes)
}

// addGPUSimFlag registers --gpu-sim, which replaces NVML by a simulated machine.
func addGPUSimFlag(cmd *cobra.Command, sim *string) {
	cmd.Flags().StringVar(sim, "gpu-sim", "", "simulate the GPUs of a machine instead of reading NVML (for demos and tests): "+strings.Join(gpu.SimulatedMachines(), ", "))
}
