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
	// MIG lists the GPU's MIG devices when its current MIG mode is enabled:
	// empty, not nil, when it has none yet. nil when the GPU is not in MIG
	// mode or NVML could not say how many MIG devices it may have.
	MIG []rawMIGDevice
	// MIGErrors are what kept MIG devices, or the whole list, out of MIG.
	MIGErrors []error
}

// rawMIGDevice is what NVML says about one MIG device.
type rawMIGDevice struct {
	UUID string // always set: a MIG device without a UUID is not reported
	// Name is NVML's name of the MIG device: the GPU's name, " MIG " and the
	// profile, e.g. "NVIDIA H100 80GB HBM3 MIG 1g.10gb".
	Name              *string
	MemoryTotalBytes  *uint64
	MemoryFreeBytes   *uint64
	GPUInstanceID     *int
	ComputeInstanceID *int
	// Attributes are the slice's SMs, engines, GPU and compute instance
	// slice counts and memory.
	Attributes *nvml.DeviceAttributes
	// GPUInstanceProfile is the nvml.GPU_INSTANCE_PROFILE_* constant of the
	// one GPU instance profile whose slices, memory and media engines match
	// Attributes; nil when NVML could not say or more than one matches.
	GPUInstanceProfile *int
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
	if raw.MIGMode != nil && *raw.MIGMode == MIGEnabled {
		raw.MIG, raw.MIGErrors = readMIGDevices(dev, raw.UUID)
	}
	return raw, nil
}

// readMIGDevices lists the MIG devices of a GPU in MIG mode the way
// nvidia-smi, NVIDIA's go-nvlib and nomad-device-nvidia do: it asks for a
// handle at every index below GetMaxMigDeviceCount and skips the indexes that
// hold no device (ERROR_NOT_FOUND), which is normal: the count is how many
// MIG devices the GPU could have, not how many it has. A MIG device NVML
// cannot give a handle or a UUID for is left out and its error returned in
// problems. When NVML cannot say the count, migs is nil; otherwise it is
// non-nil, and empty for a GPU with no instances yet.
func readMIGDevices(gpu nvml.Device, gpuUUID string) (migs []rawMIGDevice, problems []error) {
	n, ret := gpu.GetMaxMigDeviceCount()
	if err := check(fmt.Sprintf("GetMaxMigDeviceCount(GPU %s)", gpuUUID), ret); err != nil {
		return nil, []error{err}
	}
	migs = make([]rawMIGDevice, 0, n)
	profiles := gpuInstanceProfiles{gpu: gpu}
	for i := range n {
		h, ret := gpu.GetMigDeviceHandleByIndex(i)
		if ret == nvml.ERROR_NOT_FOUND {
			continue
		}
		if err := check(fmt.Sprintf("GetMigDeviceHandleByIndex(GPU %s, %d)", gpuUUID, i), ret); err != nil {
			problems = append(problems, err)
			continue
		}
		m, err := readMIGDevice(h, gpuUUID, i, &profiles)
		if err != nil {
			problems = append(problems, err)
			continue
		}
		migs = append(migs, m)
	}
	return migs, problems
}

func readMIGDevice(h nvml.Device, gpuUUID string, index int, profiles *gpuInstanceProfiles) (rawMIGDevice, error) {
	uuid, ret := h.GetUUID()
	if err := check(fmt.Sprintf("GetUUID(GPU %s, MIG device %d)", gpuUUID, index), ret); err != nil {
		return rawMIGDevice{}, err
	}
	if uuid == "" {
		return rawMIGDevice{}, fmt.Errorf("nvml GetUUID(GPU %s, MIG device %d): empty UUID", gpuUUID, index)
	}
	m := rawMIGDevice{UUID: uuid}
	if name, ret := h.GetName(); ret == nvml.SUCCESS {
		m.Name = &name
	}
	if mem, ret := h.GetMemoryInfo(); ret == nvml.SUCCESS {
		m.MemoryTotalBytes = &mem.Total
		m.MemoryFreeBytes = &mem.Free
	}
	if id, ret := h.GetGpuInstanceId(); ret == nvml.SUCCESS {
		m.GPUInstanceID = &id
	}
	if id, ret := h.GetComputeInstanceId(); ret == nvml.SUCCESS {
		m.ComputeInstanceID = &id
	}
	if attrs, ret := h.GetAttributes(); ret == nvml.SUCCESS {
		m.Attributes = &attrs
		m.GPUInstanceProfile = profiles.match(attrs)
	}
	return m, nil
}

// gpuInstanceProfiles finds which GPU instance profile a MIG device was made
// from, by its attributes. The straight way, GetGpuInstanceById on the GPU
// and the instance's GetInfo, needs a privileged user; reading the GPU's
// profiles does not. It reads them once per GPU, when first needed.
type gpuInstanceProfiles struct {
	gpu   nvml.Device
	read  bool
	byID  []int // nvml.GPU_INSTANCE_PROFILE_* of each entry in infos
	infos []nvml.GpuInstanceProfileInfo
}

// match returns the GPU instance profile, by nvml.GPU_INSTANCE_PROFILE_*
// constant, with the slices, memory and media engines of attrs, or nil when
// none or more than one has them.
func (p *gpuInstanceProfiles) match(attrs nvml.DeviceAttributes) *int {
	if !p.read {
		p.read = true
		for id := range nvml.GPU_INSTANCE_PROFILE_COUNT {
			info, ret := p.gpu.GetGpuInstanceProfileInfo(id)
			if ret != nvml.SUCCESS {
				continue // not a profile of this GPU, or NVML cannot say
			}
			p.byID = append(p.byID, id)
			p.infos = append(p.infos, info)
		}
	}
	var found *int
	for i, info := range p.infos {
		if info.SliceCount != attrs.GpuInstanceSliceCount || info.MemorySizeMB != attrs.MemorySizeMB ||
			info.JpegCount != attrs.SharedJpegCount || info.OfaCount != attrs.SharedOfaCount {
			continue
		}
		if found != nil {
			return nil
		}
		id := p.byID[i]
		found = &id
	}
	return found
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
