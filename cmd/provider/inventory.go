package main

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/tender-market/tender/internal/cli"
	"github.com/tender-market/tender/pkg/gpu"
)

func newInventoryCommand(env *cli.Env) *cobra.Command {
	var sim, output string
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
are shown instead, marked simulated: they can never pass for real hardware.`,
		Example: `  provider inventory
  provider inventory --gpu-sim dgxh100 -o json
  provider inventory --gpu-sim dgxh100-mig`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if output != "table" && output != "json" {
				return fmt.Errorf("--output %q: want table or json", output)
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
	return cmd
}

// addGPUSimFlag registers --gpu-sim, which replaces NVML by a simulated machine.
func addGPUSimFlag(cmd *cobra.Command, sim *string) {
	cmd.Flags().StringVar(sim, "gpu-sim", "", "simulate the GPUs of a machine instead of reading NVML (for demos and tests): "+strings.Join(gpu.SimulatedMachines(), ", "))
}
