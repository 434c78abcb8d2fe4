// Package gpu is the provider's GPU inventory: what GPUs this machine has, and
// which of them are free, reserved for a bid or leased.
//
// The inventory reads NVIDIA's management library (NVML) through go-nvml in
// two thin layers: a raw driver layer that turns NVML answers into plain Go
// structs (a nil pointer means "NVML could not say"), and [Inventory], the
// small type the rest of the provider depends on. GPUs are identified by UUID,
// never by index: indexes change when a GPU fails or the machine reboots.
//
// A GPU in MIG mode (A100, H100, H200 and later) is split by its owner into
// MIG devices, which CUDA and containers use as GPUs of their own; a GPU in
// MIG mode runs work only through them. Each [Device] in MIG mode lists its
// [MIGDevice]s, with UUID, NVIDIA's profile name ("1g.10gb", "3g.40gb"),
// memory and SMs.
//
// A machine without the NVIDIA library or driver is a normal state, not an
// error: its inventory is empty, [Snapshot.Reason] says why, and the provider
// can still offer CPU-only work.
//
// For demos and tests, an inventory can be simulated from one of go-nvml's
// fake machines (see [SimulatedMachines]), some with GPUs in MIG mode;
// everything it reports, MIG devices included, is marked Simulated so it can
// never pass for real hardware.
//
// Typical use, as in the provider's inventory command:
//
//	inv, err := gpu.Open(ctx, gpu.Options{Simulate: simFlag, Logger: logger})
//	if err != nil {
//		return err
//	}
//	defer inv.Close()
//	snap := inv.Snapshot()
//	if jsonOut {
//		return json.NewEncoder(os.Stdout).Encode(snap)
//	}
//	return gpu.WriteTable(os.Stdout, snap)
//
// A long-running provider keeps the snapshot fresh with [Inventory.Run] (or
// [Inventory.Watch]) and tracks claims on GPUs with an [Allocator].
package gpu
