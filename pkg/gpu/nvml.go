package gpu

import (
	"fmt"
	"strings"

	"github.com/NVIDIA/go-nvml/pkg/nvml"
)

// This file is the raw driver layer: it asks NVML and returns plain Go
// structs. A nil pointer in a result means NVML could not say; the layer above
// decides what that means for the provider.

// nvmlDriver reads GPUs and host facts from an NVML library (the real one or
// one of go-nvml's fake machines).
type nvmlDriver struct {
	lib nvml.Interface
}

// rawHost is what NVML says about the host.
type rawHost struct {
	DriverVersion     *string
	CUDADriverVersion *int // NVML form: 12040 is CUDA 12.4
	NVMLVersion       *string
}

// rawDevice is what NVML says about one GPU.
type rawDevice struct {
	UUID              string // always set: a GPU without a UUID is not reported
	Index             int
	Name              *string
	MemoryTotalBytes  *uint64
	MemoryFreeBytes   *uint64
	ComputeCapability *int // major*10 + minor
	PCIBusID          *string
	MIGMode           *MIGMode
}

// nvmlError is a failed NVML call.
type nvmlError struct {
	Op  string
	Ret nvml.Return
}

func (e *nvmlError) Error() string { return fmt.Sprintf("nvml %s: %s", e.Op, nvmlReturnString(e.Ret)) }

// Is lets errors.Is match an nvml.Return, e.g. nvml.ERROR_LIBRARY_NOT_FOUND.
func (e *nvmlError) Is(target error) bool {
	ret, ok := target.(nvml.Return)
	return ok && ret == e.Ret
}

func check(op string, ret nvml.Return) error {
	if ret == nvml.SUCCESS {
		return nil
	}
	return &nvmlError{Op: op, Ret: ret}
}

// nvmlReturnString names a return code without calling into the C library,
// which may not be loaded.
func nvmlReturnString(ret nvml.Return) string {
	switch ret {
	case nvml.ERROR_LIBRARY_NOT_FOUND:
		return "NVML library not found"
	case nvml.ERROR_DRIVER_NOT_LOADED:
		return "NVIDIA driver not loaded"
	case nvml.ERROR_NO_PERMISSION:
		return "no permission"
	case nvml.ERROR_NOT_SUPPORTED:
		return "not supported"
	case nvml.ERROR_GPU_IS_LOST:
		return "GPU is lost"
	case nvml.ERROR_FUNCTION_NOT_FOUND:
		return "function not found in this driver version"
	default:
		return fmt.Sprintf("NVML return code %d", int32(ret))
	}
}

func (d nvmlDriver) init() error { return check("Init", d.lib.Init()) }

func (d nvmlDriver) shutdown() error { return check("Shutdown", d.lib.Shutdown()) }

// host reads host-wide facts; each is nil when NVML cannot say.
func (d nvmlDriver) host() rawHost {
	var h rawHost
	if v, ret := d.lib.SystemGetDriverVersion(); ret == nvml.SUCCESS {
		h.DriverVersion = &v
	}
	if v, ret := d.lib.SystemGetCudaDriverVersion(); ret == nvml.SUCCESS {
		h.CUDADriverVersion = &v
	}
	if v, ret := d.lib.SystemGetNVMLVersion(); ret == nvml.SUCCESS {
		h.NVMLVersion = &v
	}
	return h
}

// devices reads every GPU. A GPU that cannot be read at all (no handle, no
// UUID) is left out and reported in skipped; the others are returned.
func (d nvmlDriver) devices() (devs []rawDevice, skipped []error, err error) {
	n, ret := d.lib.DeviceGetCount()
	if err := check("DeviceGetCount", ret); err != nil {
		return nil, nil, err
	}
	devs = make([]rawDevice, 0, n)
	for i := range n {
		dev, ret := d.lib.DeviceGetHandleByIndex(i)
		if err := check(fmt.Sprintf("DeviceGetHandleByIndex(%d)", i), ret); err != nil {
			skipped = append(skipped, err)
			continue
		}
		raw, err := readDevice(dev, i)
		if err != nil {
			skipped = append(skipped, err)
			continue
		}
		devs = append(devs, raw)
	}
	return devs, skipped, nil
}

func readDevice(dev nvml.Device, index int) (rawDevice, error) {
	uuid, ret := dev.GetUUID()
	if err := check(fmt.Sprintf("GetUUID(GPU %d)", index), ret); err != nil {
		return rawDevice{}, err
	}
	if uuid == "" {
		return rawDevice{}, fmt.Errorf("nvml GetUUID(GPU %d): empty UUID", index)
	}
	raw := rawDevice{UUID: uuid, Index: index}
	if idx, ret := dev.GetIndex(); ret == nvml.SUCCESS {
		raw.Index = idx
	}
	if name, ret := dev.GetName(); ret == nvml.SUCCESS {
		raw.Name = &name
	}
	if mem, ret := dev.GetMemoryInfo(); ret == nvml.SUCCESS {
		raw.MemoryTotalBytes = &mem.Total
		raw.MemoryFreeBytes = &mem.Free
	}
	if major, minor, ret := dev.GetCudaComputeCapability(); ret == nvml.SUCCESS {
		cc := major*10 + minor
		raw.ComputeCapability = &cc
	}
	if pci, ret := dev.GetPciInfo(); ret == nvml.SUCCESS {
		if id := busID(pci.BusId[:]); id != "" {
			raw.PCIBusID = &id
		}
	}
	current, _, ret := dev.GetMigMode()
	switch {
	case ret == nvml.SUCCESS && current == nvml.DEVICE_MIG_ENABLE:
		m := MIGEnabled
		raw.MIGMode = &m
	case ret == nvml.SUCCESS:
		m := MIGDisabled
		raw.MIGMode = &m
	case ret == nvml.ERROR_NOT_SUPPORTED:
		m := MIGUnsupported
		raw.MIGMode = &m
	}
	return raw, nil
}

// busID turns NVML's NUL-terminated C string into a Go string.
func busID(b []int8) string {
	var sb strings.Builder
	for _, c := range b {
		if c == 0 {
			break
		}
		sb.WriteByte(byte(c))
	}
	return sb.String()
}
