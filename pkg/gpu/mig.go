package gpu

import (
	"cmp"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/NVIDIA/go-nvml/pkg/nvml"
)

// MIGDevice is one MIG device of a GPU in MIG mode: a compute instance inside
// a GPU instance, which CUDA, containers and tenants see as a GPU of its own,
// with its own memory and SMs. CUDA runs work on a GPU in MIG mode only
// through its MIG devices, so they, not the GPU, are what such a GPU can be
// leased as. A zero field means NVML could not say, except the instance IDs,
// where 0 is a real ID and -1 means NVML could not say.
type MIGDevice struct {
	// UUID identifies the MIG device, e.g. "MIG-4f1b...". It is what
	// CUDA_VISIBLE_DEVICES and a container's device request take to give a
	// job this slice and nothing more of the GPU. It lasts as long as the
	// instance: an owner who destroys and re-creates instances makes new UUIDs.
	UUID string `json:"uuid"`
	// Profile is NVIDIA's name for the slice, as nvidia-smi and the
	// Kubernetes device plugin (nvidia.com/mig-1g.10gb) spell it:
	// "<GPU instance slices>g.<memory GB>gb", e.g. "1g.10gb" or "3g.40gb";
	// "<compute slices>c." in front when the compute instance uses only part
	// of its GPU instance ("1c.3g.40gb"); and a suffix for a profile with
	// other engines, e.g. "+me" for media extensions ("1g.10gb+me"). It is
	// the profile in NVML's name of the MIG device when NVML gives one, and
	// otherwise derived from the slice's memory by NVIDIA's own rule; "" when
	// neither is possible.
	Profile        string `json:"profile"`
	MemoryTotalMiB uint64 `json:"memoryTotalMiB"`
	MemoryFreeMiB  uint64 `json:"memoryFreeMiB"`
	// SMCount is the number of streaming multiprocessors the slice computes
	// with: its compute instance's, which may be fewer than its GPU
	// instance's.
	SMCount int `json:"smCount"`
	// GPUInstanceID and ComputeInstanceID place the slice on its GPU, as
	// nvidia-smi's "GI ID" and "CI ID" do; -1 when NVML could not say. They
	// are unique only within one GPU.
	GPUInstanceID     int `json:"gpuInstanceId"`
	ComputeInstanceID int `json:"computeInstanceId"`
	// Simulated is true for a MIG device of a simulated GPU.
	Simulated bool `json:"simulated"`
}

// migProfileInName finds the profile in NVML's name of a MIG device, which
// is the GPU's name, " MIG ", and the profile: "NVIDIA A100-SXM4-40GB MIG
// 1g.5gb", "NVIDIA H100 80GB HBM3 MIG 1c.3g.40gb".
var migProfileInName = regexp.MustCompile(`(?:^|\s)MIG\s+((?:\d+c\.)?\d+g\.\d+gb(?:[+-][0-9A-Za-z.,+-]+)?)$`)

// migProfileName names a MIG device's profile as NVIDIA does, preferring
// what NVML says:
//
//  1. The profile in nvmlName, NVML's name of the MIG device handle ("NVIDIA
//     H100 80GB HBM3 MIG 1g.10gb" gives "1g.10gb"). This is the name
//     nvidia-smi -L prints, and the one nomad-device-nvidia groups MIG
//     devices by.
//  2. Otherwise a name derived as NVIDIA's go-nvlib derives it for the
//     Kubernetes device plugin and mig-parted (see deriveMIGProfileName)
//     from the device's attributes, the GPU's total memory and, when known,
//     its GPU instance profile (giProfile, an nvml.GPU_INSTANCE_PROFILE_*
//     constant, or -1), which alone tells "+me" and the like.
//
// It returns "" when neither is possible.
func migProfileName(nvmlName string, attrs *nvml.DeviceAttributes, giProfile int, gpuMemoryTotalBytes uint64) string {
	if m := migProfileInName.FindStringSubmatch(strings.TrimSpace(nvmlName)); m != nil {
		return m[1]
	}
	if attrs == nil {
		return ""
	}
	return deriveMIGProfileName(int(attrs.GpuInstanceSliceCount), int(attrs.ComputeInstanceSliceCount),
		attrs.MemorySizeMB, gpuMemoryTotalBytes, giProfile)
}

// deriveMIGProfileName derives a MIG profile's name from its slices and
// memory, by the rule of NVIDIA's go-nvlib (pkg/nvlib/device/mig_profile.go),
// which the Kubernetes device plugin and mig-parted name resources by:
//
//   - the memory is the instance's share of the GPU's memory (memoryMiB of
//     gpuMemoryTotalBytes), rounded up to whole eighths, times the GPU's
//     memory in GiB rounded up, rounded to the nearest whole number
//     ("GB" in the name is that number, not a unit conversion);
//   - the name is "<giSlices>g.<GB>gb", with "<ciSlices>c." in front when
//     the compute instance has fewer slices than the GPU instance;
//   - giProfile (an nvml.GPU_INSTANCE_PROFILE_* constant, -1 if unknown)
//     adds the suffix of a profile with other engines: "+me" for the media
//     extension profiles (1_SLICE_REV1, 2_SLICE_REV1), "+me.all", "-me",
//     "+gfx" for the newer ones.
//
// The memory figure reproduces every profile name NVIDIA lists for the
// A100 40GB, H100 80GB and H200 from the memory NVML reports (see the
// tests): the H200's 1g.18gb has 16 GiB and its 3g.71gb 69.75 GiB, which no
// plain unit conversion turns into those names. It returns "" when the
// slices or memory are unknown (zero).
func deriveMIGProfileName(giSlices, ciSlices int, memoryMiB, gpuMemoryTotalBytes uint64, giProfile int) string {
	if giSlices <= 0 || memoryMiB == 0 || gpuMemoryTotalBytes == 0 {
		return ""
	}
	const mib, gib = 1 << 20, 1 << 30
	// Integer arithmetic for go-nvlib's floating point: eighths of the GPU's
	// memory, rounded up; the GPU's memory in GiB, rounded up; their product
	// over eight, rounded half up.
	eighths := (8*memoryMiB*mib + gpuMemoryTotalBytes - 1) / gpuMemoryTotalBytes
	totalGiB := (gpuMemoryTotalBytes + gib - 1) / gib
	gb := (2*eighths*totalGiB + 8) / 16

	name := fmt.Sprintf("%dg.%dgb", giSlices, gb)
	if ciSlices > 0 && ciSlices < giSlices {
		name = fmt.Sprintf("%dc.%s", ciSlices, name)
	}
	return name + gpuInstanceProfileSuffix(giProfile)
}

// gpuInstanceProfileSuffix is the name suffix of a GPU instance profile with
// other engines than its plain form, spelled as go-nvlib spells it.
func gpuInstanceProfileSuffix(giProfile int) string {
	switch giProfile {
	case nvml.GPU_INSTANCE_PROFILE_1_SLICE_REV1, nvml.GPU_INSTANCE_PROFILE_2_SLICE_REV1:
		return "+me"
	case nvml.GPU_INSTANCE_PROFILE_1_SLICE_ALL_ME, nvml.GPU_INSTANCE_PROFILE_2_SLICE_ALL_ME:
		return "+me.all"
	case nvml.GPU_INSTANCE_PROFILE_1_SLICE_NO_ME, nvml.GPU_INSTANCE_PROFILE_2_SLICE_NO_ME:
		return "-me"
	case nvml.GPU_INSTANCE_PROFILE_1_SLICE_GFX, nvml.GPU_INSTANCE_PROFILE_2_SLICE_GFX,
		nvml.GPU_INSTANCE_PROFILE_3_SLICE_GFX, nvml.GPU_INSTANCE_PROFILE_4_SLICE_GFX:
		return "+gfx"
	}
	return ""
}

// migDevices turns the MIG devices NVML listed for a GPU into the
// inventory's, sorted by GPU and compute instance ID, keeping nil apart from
// empty.
func migDevices(gpu rawDevice, simulated bool) []MIGDevice {
	if gpu.MIG == nil {
		return nil
	}
	out := make([]MIGDevice, 0, len(gpu.MIG))
	for _, r := range gpu.MIG {
		out = append(out, migDevice(r, gpu.MemoryTotalBytes, simulated))
	}
	slices.SortFunc(out, func(a, b MIGDevice) int {
		return cmp.Or(cmp.Compare(a.GPUInstanceID, b.GPUInstanceID),
			cmp.Compare(a.ComputeInstanceID, b.ComputeInstanceID), cmp.Compare(a.UUID, b.UUID))
	})
	return out
}

// migDevice turns what NVML said about a MIG device into the inventory's
// MIGDevice. gpuMemoryTotalBytes is the parent GPU's memory, nil when NVML
// could not say.
func migDevice(r rawMIGDevice, gpuMemoryTotalBytes *uint64, simulated bool) MIGDevice {
	m := MIGDevice{
		UUID:              r.UUID,
		MemoryTotalMiB:    deref(r.MemoryTotalBytes) >> 20,
		MemoryFreeMiB:     deref(r.MemoryFreeBytes) >> 20,
		GPUInstanceID:     derefOr(r.GPUInstanceID, -1),
		ComputeInstanceID: derefOr(r.ComputeInstanceID, -1),
		Simulated:         simulated,
	}
	if r.Attributes != nil {
		m.SMCount = int(r.Attributes.MultiprocessorCount)
		if m.MemoryTotalMiB == 0 {
			m.MemoryTotalMiB = r.Attributes.MemorySizeMB
		}
	}
	m.Profile = migProfileName(deref(r.Name), r.Attributes, derefOr(r.GPUInstanceProfile, -1), deref(gpuMemoryTotalBytes))
	return m
}

func derefOr[T any](p *T, or T) T {
	if p == nil {
		return or
	}
	return *p
}
