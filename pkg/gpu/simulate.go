package gpu

import (
	"crypto/sha256"
	"fmt"
	"strings"

	"github.com/NVIDIA/go-nvml/pkg/nvml"
	"github.com/NVIDIA/go-nvml/pkg/nvml/mock/dgxa100"
	"github.com/NVIDIA/go-nvml/pkg/nvml/mock/dgxb200"
	"github.com/NVIDIA/go-nvml/pkg/nvml/mock/dgxh100"
	"github.com/NVIDIA/go-nvml/pkg/nvml/mock/dgxh200"
	"github.com/NVIDIA/go-nvml/pkg/nvml/mock/server"
)

// simulatedMachine is a machine the provider's --gpu-sim flag can name: one
// of go-nvml's fake machines, and for the "-mig" ones the GPUs put in MIG
// mode and how each is carved up.
type simulatedMachine struct {
	newServer func() *server.Server
	// mig carves GPUs, by index, into GPU instances; a GPU named here with
	// no instances is in MIG mode without any. The others stay whole.
	mig map[int][]simulatedGPUInstance
}

// simulatedMachineNamed returns the machine --gpu-sim calls name.
func simulatedMachineNamed(name string) (simulatedMachine, bool) {
	const (
		gi1g, gi1gME, gi2g = nvml.GPU_INSTANCE_PROFILE_1_SLICE, nvml.GPU_INSTANCE_PROFILE_1_SLICE_REV1, nvml.GPU_INSTANCE_PROFILE_2_SLICE
		gi3g, gi4g         = nvml.GPU_INSTANCE_PROFILE_3_SLICE, nvml.GPU_INSTANCE_PROFILE_4_SLICE
	)
	sevenOnes := []simulatedGPUInstance{
		{profile: gi1g, start: 0}, {profile: gi1g, start: 1}, {profile: gi1g, start: 2}, {profile: gi1g, start: 3},
		{profile: gi1g, start: 4}, {profile: gi1g, start: 5}, {profile: gi1g, start: 6},
	}
	switch name {
	case "dgxa100":
		return simulatedMachine{newServer: dgxa100.New}, true // 8x A100-SXM4-40GB
	case "dgxh100":
		return simulatedMachine{newServer: dgxh100.New}, true // 8x H100 80GB HBM3
	case "dgxh200":
		return simulatedMachine{newServer: dgxh200.New}, true // 8x H200 141GB HBM3e
	case "dgxb200":
		return simulatedMachine{newServer: dgxb200.New}, true // 8x B200 180GB HBM3e
	case "dgxa100-mig":
		// 8x A100-SXM4-40GB: GPU 0 as seven 1g.5gb, GPU 1 as
		// mig-parted's "all-balanced" (3g.20gb, 2g.10gb, two 1g.5gb), GPU 2
		// as two 3g.20gb, the second split into 2c.3g.20gb and 1c.3g.20gb
		// compute instances; GPUs 3-7 whole.
		return simulatedMachine{newServer: dgxa100.New, mig: map[int][]simulatedGPUInstance{
			0: sevenOnes,
			1: {{profile: gi3g, start: 4}, {profile: gi2g, start: 0}, {profile: gi1g, start: 2}, {profile: gi1g, start: 3}},
			2: {{profile: gi3g, start: 0}, {profile: gi3g, start: 4, compute: []uint32{2, 1}}},
		}}, true
	case "dgxh100-mig":
		// 8x H100 80GB HBM3: GPU 0 as seven 1g.10gb, GPU 1 as 4g.40gb,
		// 2g.20gb and 1g.10gb+me, GPU 2 in MIG mode with no instances yet;
		// GPUs 3-7 whole.
		return simulatedMachine{newServer: dgxh100.New, mig: map[int][]simulatedGPUInstance{
			0: sevenOnes,
			1: {{profile: gi4g, start: 0}, {profile: gi2g, start: 4}, {profile: gi1gME, start: 6}},
			2: nil,
		}}, true
	}
	return simulatedMachine{}, false
}

// SimulatedMachines lists the names [Options.Simulate] accepts, sorted. Those
// ending in "-mig" have some GPUs in MIG mode, carved into MIG devices.
func SimulatedMachines() []string {
	return []string{"dgxa100", "dgxa100-mig", "dgxb200", "dgxh100", "dgxh100-mig", "dgxh200"}
}

// simulatedLibrary builds one of go-nvml's fake machines and makes it look
// like an idle machine that keeps its identity across restarts: UUIDs derived
// from the machine name and index (go-nvml draws random ones), all memory
// free, and PCI bus IDs filled in. Its GPUs have the MIG device handles
// go-nvml's fakes lack (see simulateMIGDevices), and the "-mig" machines'
// GPUs are carved into MIG devices.
func simulatedLibrary(name string) (nvml.Interface, error) {
	machine, ok := simulatedMachineNamed(name)
	if !ok {
		return nil, fmt.Errorf("unknown simulated GPU machine %q: choose one of %s",
			name, strings.Join(SimulatedMachines(), ", "))
	}
	srv := machine.newServer()
	for _, d := range srv.Devices {
		dev, ok := d.(*server.Device)
		if !ok {
			return nil, fmt.Errorf("simulated GPU machine %q: unexpected device type %T", name, d)
		}
		dev.UUID = simulatedUUID(name, dev.Index)
		dev.MemoryInfo.Free = dev.MemoryInfo.Total
		dev.MemoryInfo.Used = 0
		getPCI := dev.GetPciInfoFunc
		dev.GetPciInfoFunc = func() (nvml.PciInfo, nvml.Return) {
			info, ret := getPCI()
			if ret != nvml.SUCCESS {
				return info, ret
			}
			for i := range info.BusId {
				info.BusId[i] = 0
			}
			for i, c := range []byte(dev.PciBusID) {
				if i == len(info.BusId)-1 {
					break
				}
				info.BusId[i] = int8(c)
			}
			return info, ret
		}
		simulateMIGDevices(dev)
		if instances, ok := machine.mig[dev.Index]; ok {
			if err := carveMIG(dev, instances); err != nil {
				return nil, fmt.Errorf("simulated GPU machine %q: GPU %d: %w", name, dev.Index, err)
			}
		}
	}
	byUUID := srv.DeviceGetHandleByUUIDFunc
	srv.DeviceGetHandleByUUIDFunc = func(uuid string) (nvml.Device, nvml.Return) {
		if mig, ok := findSimulatedMIGDevice(srv, uuid); ok {
			return mig, nvml.SUCCESS
		}
		return byUUID(uuid)
	}
	return srv, nil
}

// simulatedUUID is a stable UUID-shaped GPU identifier for a simulated GPU.
func simulatedUUID(machine string, index int) string {
	h := sha256.Sum256(fmt.Appendf(nil, "tender simulated GPU %s/%d", machine, index))
	return fmt.Sprintf("GPU-%x-%x-%x-%x-%x", h[0:4], h[4:6], h[6:8], h[8:10], h[10:16])
}
