package gpu

import (
	"cmp"
	"crypto/sha256"
	"fmt"
	"slices"
	"strings"

	"github.com/NVIDIA/go-nvml/pkg/nvml"
	"github.com/NVIDIA/go-nvml/pkg/nvml/mock"
	"github.com/NVIDIA/go-nvml/pkg/nvml/mock/gpus"
	"github.com/NVIDIA/go-nvml/pkg/nvml/mock/server"
)

// go-nvml's fake machines know MIG mode, GPU instances and compute instances
// (SetMigMode, CreateGpuInstance, CreateComputeInstance), but not the MIG
// devices those make: asking one of their GPUs for GetMaxMigDeviceCount or
// GetMigDeviceHandleByIndex panics, as its mock function is nil. This file
// adds them the way the NVIDIA driver has them: one MIG device per compute
// instance that exists, found by index, each with a UUID, a name, memory,
// instance IDs and attributes taken from its profiles' info in go-nvml's GPU
// configuration.

// simulateMIGDevices gives one of go-nvml's fake GPUs the MIG device handles
// its mock lacks. They follow the GPU's instances as they are created and
// destroyed; a GPU not in MIG mode has none.
func simulateMIGDevices(dev *server.Device) {
	dev.GetMaxMigDeviceCountFunc = func() (int, nvml.Return) {
		dev.RLock()
		defer dev.RUnlock()
		return maxMIGDevices(dev), nvml.SUCCESS
	}
	dev.GetMigDeviceHandleByIndexFunc = func(index int) (nvml.Device, nvml.Return) {
		migs, maxCount := simulatedMIGHandles(dev)
		switch {
		case index < 0 || index >= maxCount:
			return nil, nvml.ERROR_INVALID_ARGUMENT
		case index >= len(migs):
			return nil, nvml.ERROR_NOT_FOUND
		}
		return migs[index], nvml.SUCCESS
	}
	dev.IsMigDeviceHandleFunc = func() (bool, nvml.Return) { return false, nvml.SUCCESS }
}

// maxMIGDevices is what NVML's GetMaxMigDeviceCount says for dev: as many MIG
// devices as it has compute slices (7 on an A100 or H100), or zero when MIG
// is not enabled. dev must be read-locked.
func maxMIGDevices(dev *server.Device) int {
	if dev.MigMode != nvml.DEVICE_MIG_ENABLE {
		return 0
	}
	return int(dev.Config.MIGProfiles.GpuInstanceProfiles[nvml.GPU_INSTANCE_PROFILE_1_SLICE].InstanceCount)
}

// simulatedMIGHandles makes a MIG device handle for each compute instance of
// dev, ordered by GPU instance ID and then compute instance ID, and returns
// them with the GPU's most MIG devices.
func simulatedMIGHandles(dev *server.Device) (migs []nvml.Device, maxCount int) {
	dev.RLock()
	defer dev.RUnlock()
	maxCount = maxMIGDevices(dev)
	if maxCount == 0 {
		return nil, 0
	}
	gis := make([]*server.GpuInstance, 0, len(dev.GpuInstances))
	for gi := range dev.GpuInstances {
		gis = append(gis, gi)
	}
	slices.SortFunc(gis, func(a, b *server.GpuInstance) int { return cmp.Compare(a.Info.Id, b.Info.Id) })
	for _, gi := range gis {
		gi.RLock()
		cis := make([]*server.ComputeInstance, 0, len(gi.ComputeInstances))
		for ci := range gi.ComputeInstances {
			cis = append(cis, ci)
		}
		gi.RUnlock()
		slices.SortFunc(cis, func(a, b *server.ComputeInstance) int { return cmp.Compare(a.Info.Id, b.Info.Id) })
		for _, ci := range cis {
			migs = append(migs, newSimulatedMIGDevice(dev, gi.Info, ci.Info))
		}
	}
	return migs, maxCount
}

// newSimulatedMIGDevice is the MIG device of one compute instance. Its UUID
// is derived from the GPU's UUID and the instance IDs, so it is the same on
// every read and every run; its memory is all free, like the simulated GPUs'.
// dev must be read-locked.
func newSimulatedMIGDevice(dev *server.Device, gi nvml.GpuInstanceInfo, ci nvml.ComputeInstanceInfo) *mock.Device {
	profiles := dev.Config.MIGProfiles
	giProfile := profiles.GpuInstanceProfiles[int(gi.ProfileId)]
	ciProfile := profiles.ComputeInstanceProfiles[int(gi.ProfileId)][int(ci.ProfileId)]
	uuid := simulatedMIGUUID(dev.UUID, gi.Id, ci.Id)
	name, named := simulatedMIGDeviceName(dev.Config, int(gi.ProfileId), giProfile, ciProfile)
	memory := nvml.Memory{Total: giProfile.MemorySizeMB << 20, Free: giProfile.MemorySizeMB << 20}
	attrs := nvml.DeviceAttributes{
		MultiprocessorCount:       ciProfile.MultiprocessorCount,
		SharedCopyEngineCount:     giProfile.CopyEngineCount,
		SharedDecoderCount:        giProfile.DecoderCount,
		SharedEncoderCount:        giProfile.EncoderCount,
		SharedJpegCount:           giProfile.JpegCount,
		SharedOfaCount:            giProfile.OfaCount,
		GpuInstanceSliceCount:     giProfile.SliceCount,
		ComputeInstanceSliceCount: ciProfile.SliceCount,
		MemorySizeMB:              giProfile.MemorySizeMB,
	}
	cudaMajor, cudaMinor := dev.Config.CudaMajor, dev.Config.CudaMinor
	return &mock.Device{
		GetUUIDFunc: func() (string, nvml.Return) { return uuid, nvml.SUCCESS },
		GetNameFunc: func() (string, nvml.Return) {
			if !named {
				return "", nvml.ERROR_NOT_SUPPORTED
			}
			return name, nvml.SUCCESS
		},
		GetMemoryInfoFunc:        func() (nvml.Memory, nvml.Return) { return memory, nvml.SUCCESS },
		GetGpuInstanceIdFunc:     func() (int, nvml.Return) { return int(gi.Id), nvml.SUCCESS },
		GetComputeInstanceIdFunc: func() (int, nvml.Return) { return int(ci.Id), nvml.SUCCESS },
		GetAttributesFunc:        func() (nvml.DeviceAttributes, nvml.Return) { return attrs, nvml.SUCCESS },
		GetCudaComputeCapabilityFunc: func() (int, int, nvml.Return) {
			return cudaMajor, cudaMinor, nvml.SUCCESS
		},
		IsMigDeviceHandleFunc:                  func() (bool, nvml.Return) { return true, nvml.SUCCESS },
		GetDeviceHandleFromMigDeviceHandleFunc: func() (nvml.Device, nvml.Return) { return dev, nvml.SUCCESS },
	}
}

// simulatedMIGUUID is a stable UUID-shaped identifier for a simulated MIG
// device, in the form the driver gives MIG devices since R470.
func simulatedMIGUUID(gpuUUID string, gpuInstanceID, computeInstanceID uint32) string {
	h := sha256.Sum256(fmt.Appendf(nil, "tender simulated MIG device %s/%d/%d", gpuUUID, gpuInstanceID, computeInstanceID))
	return fmt.Sprintf("MIG-%x-%x-%x-%x-%x", h[0:4], h[4:6], h[6:8], h[8:10], h[10:16])
}

// simulatedMIGDeviceName is what NVML names a MIG device: the GPU's name,
// " MIG ", and the profile, with "<compute slices>c." in front when the
// compute instance has fewer slices than its GPU instance. named is false
// for a GPU whose profile names are not known here.
func simulatedMIGDeviceName(gpu gpus.Config, giProfileID int, gi nvml.GpuInstanceProfileInfo, ci nvml.ComputeInstanceProfileInfo) (name string, named bool) {
	profile, ok := simulatedMIGProfileNames(gpu.Name)[giProfileID]
	if !ok {
		return "", false
	}
	if ci.SliceCount < gi.SliceCount {
		profile = fmt.Sprintf("%dc.%s", ci.SliceCount, profile)
	}
	return gpu.Name + " MIG " + profile, true
}

// simulatedMIGProfileNames are NVIDIA's names for the GPU instance profiles
// of go-nvml's fake GPUs, by nvml.GPU_INSTANCE_PROFILE_* constant, as
// nvidia-smi mig -lgip lists them on the real GPUs (the H200's are in
// docs/hardware/README.md). go-nvml's profile info has no names, and its
// memory sizes are not all the real ones (its H200 1g.18gb has 18 GiB, the
// real one 16), so the names are not derived from them.
func simulatedMIGProfileNames(gpuName string) map[int]string {
	switch gpuName {
	case gpus.A100_SXM4_40GB.Name, gpus.A100_PCIE_40GB.Name:
		return map[int]string{
			nvml.GPU_INSTANCE_PROFILE_1_SLICE:      "1g.5gb",
			nvml.GPU_INSTANCE_PROFILE_1_SLICE_REV1: "1g.5gb+me",
			nvml.GPU_INSTANCE_PROFILE_1_SLICE_REV2: "1g.10gb",
			nvml.GPU_INSTANCE_PROFILE_2_SLICE:      "2g.10gb",
			nvml.GPU_INSTANCE_PROFILE_3_SLICE:      "3g.20gb",
			nvml.GPU_INSTANCE_PROFILE_4_SLICE:      "4g.20gb",
			nvml.GPU_INSTANCE_PROFILE_7_SLICE:      "7g.40gb",
		}
	case gpus.A100_SXM4_80GB.Name, gpus.A100_PCIE_80GB.Name, gpus.H100_SXM5_80GB.Name:
		// The 80 GB A100 and the H100 share their profiles' names.
		return map[int]string{
			nvml.GPU_INSTANCE_PROFILE_1_SLICE:      "1g.10gb",
			nvml.GPU_INSTANCE_PROFILE_1_SLICE_REV1: "1g.10gb+me",
			nvml.GPU_INSTANCE_PROFILE_1_SLICE_REV2: "1g.20gb",
			nvml.GPU_INSTANCE_PROFILE_2_SLICE:      "2g.20gb",
			nvml.GPU_INSTANCE_PROFILE_3_SLICE:      "3g.40gb",
			nvml.GPU_INSTANCE_PROFILE_4_SLICE:      "4g.40gb",
			nvml.GPU_INSTANCE_PROFILE_7_SLICE:      "7g.80gb",
		}
	case gpus.H200_SXM5_141GB.Name:
		return map[int]string{
			nvml.GPU_INSTANCE_PROFILE_1_SLICE:      "1g.18gb",
			nvml.GPU_INSTANCE_PROFILE_1_SLICE_REV1: "1g.18gb+me",
			nvml.GPU_INSTANCE_PROFILE_1_SLICE_REV2: "1g.35gb",
			nvml.GPU_INSTANCE_PROFILE_2_SLICE:      "2g.35gb",
			nvml.GPU_INSTANCE_PROFILE_3_SLICE:      "3g.71gb",
			nvml.GPU_INSTANCE_PROFILE_4_SLICE:      "4g.71gb",
			nvml.GPU_INSTANCE_PROFILE_7_SLICE:      "7g.141gb",
		}
	case gpus.B200_SXM5_180GB.Name:
		return map[int]string{
			nvml.GPU_INSTANCE_PROFILE_1_SLICE:      "1g.23gb",
			nvml.GPU_INSTANCE_PROFILE_1_SLICE_REV1: "1g.23gb+me",
			nvml.GPU_INSTANCE_PROFILE_1_SLICE_REV2: "1g.45gb",
			nvml.GPU_INSTANCE_PROFILE_2_SLICE:      "2g.45gb",
			nvml.GPU_INSTANCE_PROFILE_3_SLICE:      "3g.90gb",
			nvml.GPU_INSTANCE_PROFILE_4_SLICE:      "4g.90gb",
			nvml.GPU_INSTANCE_PROFILE_7_SLICE:      "7g.180gb",
		}
	}
	return nil
}

// simulatedGPUInstance is one GPU instance a simulated machine in MIG mode
// starts with.
type simulatedGPUInstance struct {
	profile int    // nvml.GPU_INSTANCE_PROFILE_*
	start   uint32 // placement: the first memory slice it takes
	// compute are its compute instances, by their slice counts; none means
	// one compute instance over the whole GPU instance, as nvidia-smi mig
	// -cgi ... -C makes.
	compute []uint32
}

// carveMIG puts dev in MIG mode and creates the instances, through go-nvml's
// own mock of the NVML calls an owner's nvidia-smi mig -cgi/-cci would make.
func carveMIG(dev *server.Device, instances []simulatedGPUInstance) error {
	if ret, _ := dev.SetMigMode(nvml.DEVICE_MIG_ENABLE); ret != nvml.SUCCESS {
		return &nvmlError{Op: "SetMigMode", Ret: ret}
	}
	for _, want := range instances {
		info, ret := dev.GetGpuInstanceProfileInfo(want.profile)
		if err := check(fmt.Sprintf("GetGpuInstanceProfileInfo(%d)", want.profile), ret); err != nil {
			return err
		}
		gi, ret := dev.CreateGpuInstanceWithPlacement(&info, &nvml.GpuInstancePlacement{Start: want.start, Size: info.SliceCount})
		if err := check(fmt.Sprintf("CreateGpuInstanceWithPlacement(%d at %d)", want.profile, want.start), ret); err != nil {
			return err
		}
		compute := want.compute
		if len(compute) == 0 {
			compute = []uint32{info.SliceCount}
		}
		for _, n := range compute {
			ciInfo, err := computeInstanceProfile(gi, n)
			if err != nil {
				return err
			}
			if _, ret := gi.CreateComputeInstance(&ciInfo); ret != nvml.SUCCESS {
				return &nvmlError{Op: "CreateComputeInstance", Ret: ret}
			}
		}
	}
	return nil
}

// computeInstanceProfile finds the compute instance profile of gi with the
// given slice count.
func computeInstanceProfile(gi nvml.GpuInstance, slices uint32) (nvml.ComputeInstanceProfileInfo, error) {
	for id := range nvml.COMPUTE_INSTANCE_PROFILE_COUNT {
		info, ret := gi.GetComputeInstanceProfileInfo(id, nvml.COMPUTE_INSTANCE_ENGINE_PROFILE_SHARED)
		if ret == nvml.SUCCESS && info.SliceCount == slices {
			return info, nil
		}
	}
	return nvml.ComputeInstanceProfileInfo{}, fmt.Errorf("no %d-slice compute instance profile in this GPU instance", slices)
}

// findSimulatedMIGDevice finds a MIG device of srv by UUID, as NVML's
// DeviceGetHandleByUUID does for "MIG-" UUIDs.
func findSimulatedMIGDevice(srv *server.Server, uuid string) (nvml.Device, bool) {
	if !strings.HasPrefix(uuid, "MIG-") {
		return nil, false
	}
	for _, d := range srv.Devices {
		dev, ok := d.(*server.Device)
		if !ok {
			continue
		}
		migs, _ := simulatedMIGHandles(dev)
		for _, m := range migs {
			if u, ret := m.GetUUID(); ret == nvml.SUCCESS && u == uuid {
				return m, true
			}
		}
	}
	return nil, false
}
