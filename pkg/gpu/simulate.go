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

// simulatedServer returns the constructor of one of go-nvml's fake machines,
// by the name the provider's --gpu-sim flag takes.
func simulatedServer(name string) (func() *server.Server, bool) {
	switch name {
	case "dgxa100":
		return dgxa100.New, true // 8x A100-SXM4-40GB
	case "dgxh100":
		return dgxh100.New, true // 8x H100 80GB HBM3
	case "dgxh200":
		return dgxh200.New, true // 8x H200 141GB HBM3e
	case "dgxb200":
		return dgxb200.New, true // 8x B200 180GB HBM3e
	}
	return nil, false
}

// SimulatedMachines lists the names [Options.Simulate] accepts, sorted.
func SimulatedMachines() []string {
	return []string{"dgxa100", "dgxb200", "dgxh100", "dgxh200"}
}

// simulatedLibrary builds one of go-nvml's fake machines and makes it look
// like an idle machine that keeps its identity across restarts: UUIDs derived
// from the machine name and index (go-nvml draws random ones), all memory
// free, and PCI bus IDs filled in.
func simulatedLibrary(name string) (nvml.Interface, error) {
	newServer, ok := simulatedServer(name)
	if !ok {
		return nil, fmt.Errorf("unknown simulated GPU machine %q: choose one of %s",
			name, strings.Join(SimulatedMachines(), ", "))
	}
	srv := newServer()
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
	}
	return srv, nil
}

// simulatedUUID is a stable UUID-shaped GPU identifier for a simulated GPU.
func simulatedUUID(machine string, index int) string {
	h := sha256.Sum256(fmt.Appendf(nil, "tender simulated GPU %s/%d", machine, index))
	return fmt.Sprintf("GPU-%x-%x-%x-%x-%x", h[0:4], h[4:6], h[6:8], h[8:10], h[10:16])
}
