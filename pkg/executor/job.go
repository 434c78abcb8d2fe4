package executor

import (
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/mount"
	"github.com/moby/moby/client"
)

// Job is what one lease runs.
type Job struct {
	// LeaseID names the lease, e.g. "0x3f2a...". It labels the container and
	// names it, so a lease has at most one container. Letters, digits, '_',
	// '.' and '-' only.
	LeaseID string
	// Image is the image reference, e.g. "tender/example-train:dev": a
	// local image, or with Config.PullImages one pulled from its registry
	// when missing. An image pinned by digest, "name@sha256:<64 lowercase
	// hex>" (or "name:tag@sha256:..."), runs exactly that content: the
	// engine resolves it by digest only, never by a local image of the same
	// name, and pulls it by digest (the tag is then ignored); a registry
	// that has no such digest fails the pull with ErrDigestMismatch.
	Image string
	// RegistryAuth are the credentials Image is pulled with, for a private
	// registry; nil pulls anonymously. They are sent to the engine for the
	// pull only, for the image's registry host, and are never logged, put
	// in a label or in an error.
	RegistryAuth *RegistryAuth
	// OnPull, when set, is told how a pull of Image goes while Create
	// pulls it: at most every 500 ms, and once more when the pull is
	// complete. It is called on Create's goroutine and must return quickly.
	// It is not called when the image is already on this machine.
	OnPull func(PullProgress)
	// Command replaces the image's CMD (its arguments to the entrypoint);
	// empty keeps the image's.
	Command []string
	// Env is added to the container's environment.
	Env map[string]string
	// InputDir is a host directory mounted read-only at /input; empty mounts
	// nothing. Its files must be readable by the container's user.
	InputDir string
	// GPUUUIDs are the leased GPUs. Only these are attached to the container.
	GPUUUIDs []string
	// SimulatedGPUs says the GPUs come from a simulated inventory: the job runs
	// without any GPU attached and sees the UUIDs only in its environment.
	SimulatedGPUs bool
	// CPUMillicores limits CPU time: 1500 is one and a half CPUs. Zero means
	// Config.DefaultCPUMillicores.
	CPUMillicores int64
	// MemoryBytes limits memory (swap is not allowed). Zero means
	// Config.DefaultMemoryBytes.
	MemoryBytes int64
	// PidsLimit caps processes and threads. Zero means Config.DefaultPidsLimit.
	PidsLimit int64
	// MaxDuration stops the job when it has run this long. Zero means no
	// limit.
	MaxDuration time.Duration
	// OutputLimit is the most the job may write to /output, in bytes: a job
	// found over it is stopped (ReasonOutputLimit) and its output is not
	// collected. Zero means Config.OutputLimit.
	OutputLimit int64
	// AllowNetwork gives the job a Docker network of its own, created with
	// its container and removed with it, from which only public addresses
	// are reachable: not the host, not its LAN, not private, shared or
	// link-local ranges (cloud metadata), not other jobs (see package
	// firewall). Without it, a job that exposes ports (Expose) gets such a
	// network made internal, from which it reaches nothing at all, and any
	// other job has no network.
	AllowNetwork bool
	// Expose are TCP ports of the container that the provider may connect
	// to, to carry a tenant's connections to a service the job runs (see
	// [Executor.ServiceAddr]): at most 16, each 1-65535, no duplicates. A
	// job that exposes ports gets the lease's network even without
	// AllowNetwork: then an internal one, from which the job reaches
	// nothing (not the host, not other jobs, not the outside) while the host
	// can connect to it.
	Expose []uint16
}

// networked reports whether the job gets a network of its own: it allows
// network, or it exposes ports.
func (j Job) networked() bool { return j.AllowNetwork || len(j.Expose) > 0 }

// Container labels. A new executor finds its jobs by them after a restart.
const (
	labelLease       = "tender.lease"
	labelGPUs        = "tender.gpus"
	labelSimulated   = "tender.gpus-simulated"
	labelMaxDuration = "tender.max-duration"
	labelOutputDir   = "tender.output-dir"
	labelOutputLimit = "tender.output-limit"
	labelNetwork     = "tender.network"
	labelExpose      = "tender.expose"

	containerPrefix = "tender-lease-"
	inputPath       = "/input"
	outputPath      = "/output"
)

// Environment variables every job sees.
const (
	EnvLeaseID       = "TENDER_LEASE_ID"
	EnvGPUUUIDs      = "TENDER_GPU_UUIDS" // comma-separated
	EnvGPUsSimulated = "TENDER_GPUS_SIMULATED"
)

var leaseIDPattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$`)

// digestRefPattern is an image pinned by a sha256 digest.
var digestRefPattern = regexp.MustCompile(`^[^@]+@sha256:[0-9a-f]{64}$`)

// minMemoryBytes is the smallest memory limit the Docker Engine accepts.
const minMemoryBytes = 6 << 20

// validate checks a job with its defaults applied.
func (j Job) validate() error {
	var errs []error
	if !leaseIDPattern.MatchString(j.LeaseID) {
		errs = append(errs, fmt.Errorf("lease ID %q: want 1-128 letters, digits, '_', '.' or '-'", j.LeaseID))
	}
	if j.Image == "" {
		errs = append(errs, errors.New("no image"))
	} else if strings.Contains(j.Image, "@") && !digestRefPattern.MatchString(j.Image) {
		errs = append(errs, fmt.Errorf("image %q: a pinned image is NAME@sha256:DIGEST, with 64 lowercase hex digits", j.Image))
	}
	if j.RegistryAuth != nil {
		if err := j.RegistryAuth.Validate(); err != nil {
			errs = append(errs, err)
		}
	}
	for k := range j.Env {
		if k == "" || strings.ContainsAny(k, "=\x00") {
			errs = append(errs, fmt.Errorf("environment variable name %q is not valid", k))
		}
	}
	if j.InputDir != "" {
		if !filepath.IsAbs(j.InputDir) {
			errs = append(errs, fmt.Errorf("input directory %q is not an absolute path", j.InputDir))
		} else if fi, err := os.Stat(j.InputDir); err != nil {
			errs = append(errs, fmt.Errorf("input directory: %w", err))
		} else if !fi.IsDir() {
			errs = append(errs, fmt.Errorf("input directory %s is not a directory", j.InputDir))
		}
	}
	for _, u := range j.GPUUUIDs {
		if u == "" || strings.ContainsAny(u, ", ") {
			errs = append(errs, fmt.Errorf("GPU UUID %q is not valid", u))
		}
	}
	if j.CPUMillicores < 0 || j.PidsLimit < 0 || j.MaxDuration < 0 || j.OutputLimit < 0 {
		errs = append(errs, errors.New("CPU, pids, duration and output limits must not be negative"))
	}
	if err := CheckPorts(j.Expose); err != nil {
		errs = append(errs, fmt.Errorf("exposed ports: %w", err))
	}
	if j.MemoryBytes < minMemoryBytes {
		errs = append(errs, fmt.Errorf("memory limit %d bytes is below the engine's minimum of 6 MiB", j.MemoryBytes))
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("job for lease %q: %w", j.LeaseID, err)
	}
	return nil
}

// withDefaults fills the limits a job left at zero from cfg.
func (j Job) withDefaults(cfg Config) Job {
	if j.CPUMillicores == 0 {
		j.CPUMillicores = cfg.DefaultCPUMillicores
	}
	if j.MemoryBytes == 0 {
		j.MemoryBytes = cfg.DefaultMemoryBytes
	}
	if j.PidsLimit == 0 {
		j.PidsLimit = cfg.DefaultPidsLimit
	}
	if j.OutputLimit == 0 {
		j.OutputLimit = cfg.OutputLimit
	}
	return j
}

// containerName is the one container a lease may have.
func containerName(leaseID string) string { return containerPrefix + leaseID }

// tmpfsOptions are the mount options of a job's writable tmpfs of size
// bytes, which counts against its memory.
func tmpfsOptions(size int64) string {
	return fmt.Sprintf("rw,nosuid,nodev,size=%d,mode=1777", size)
}

// createOptions is the hardened container for job, writing to outputDir on
// the host. It is a pure function of its arguments.
func createOptions(job Job, cfg Config, outputDir string) client.ContainerCreateOptions {
	env := make([]string, 0, len(job.Env)+3)
	for _, k := range slices.Sorted(maps.Keys(job.Env)) {
		env = append(env, k+"="+job.Env[k])
	}
	env = append(env,
		EnvLeaseID+"="+job.LeaseID,
		EnvGPUUUIDs+"="+strings.Join(job.GPUUUIDs, ","),
		EnvGPUsSimulated+"="+strconv.FormatBool(job.SimulatedGPUs),
	)

	labels := map[string]string{
		labelLease:     job.LeaseID,
		labelGPUs:      strings.Join(job.GPUUUIDs, ","),
		labelSimulated: strconv.FormatBool(job.SimulatedGPUs),
		labelOutputDir: outputDir,
	}
	if job.OutputLimit > 0 {
		labels[labelOutputLimit] = strconv.FormatInt(job.OutputLimit, 10)
	}
	if job.MaxDuration > 0 {
		labels[labelMaxDuration] = job.MaxDuration.String()
	}

	mounts := []mount.Mount{{
		Type:        mount.TypeBind,
		Source:      outputDir,
		Target:      outputPath,
		BindOptions: &mount.BindOptions{Propagation: mount.PropagationRPrivate},
	}}
	if job.InputDir != "" {
		mounts = append(mounts, mount.Mount{
			Type:        mount.TypeBind,
			Source:      job.InputDir,
			Target:      inputPath,
			ReadOnly:    true,
			BindOptions: &mount.BindOptions{Propagation: mount.PropagationRPrivate},
		})
	}

	network := container.NetworkMode("none")
	if job.networked() {
		network = container.NetworkMode(networkName(job.LeaseID))
		labels[labelNetwork] = string(network)
	}
	if len(job.Expose) > 0 {
		labels[labelExpose] = FormatPorts(job.Expose)
	}

	resources := container.Resources{
		Memory:     job.MemoryBytes,
		MemorySwap: job.MemoryBytes, // no swap
		NanoCPUs:   job.CPUMillicores * 1_000_000,
		PidsLimit:  &job.PidsLimit,
		Ulimits:    []*container.Ulimit{{Name: "core", Soft: 0, Hard: 0}},
	}
	if len(job.GPUUUIDs) > 0 && !job.SimulatedGPUs {
		resources.DeviceRequests = []container.DeviceRequest{{
			Capabilities: [][]string{{"gpu"}},
			DeviceIDs:    slices.Clone(job.GPUUUIDs),
		}}
	}

	var cmd []string
	if len(job.Command) > 0 {
		cmd = slices.Clone(job.Command)
	}
	init := cfg.Init
	return client.ContainerCreateOptions{
		Name: containerName(job.LeaseID),
		Config: &container.Config{
			Image:  job.Image,
			Cmd:    cmd,
			Env:    env,
			User:   cfg.User,
			Labels: labels,
		},
		HostConfig: &container.HostConfig{
			NetworkMode:    network,
			CapDrop:        []string{"ALL"},
			SecurityOpt:    []string{"no-new-privileges"},
			ReadonlyRootfs: true,
			Tmpfs:          map[string]string{"/tmp": tmpfsOptions(cfg.TmpfsBytes)},
			Mounts:         mounts,
			IpcMode:        container.IPCModePrivate,
			Resources:      resources,
			LogConfig: container.LogConfig{
				Type:   "json-file",
				Config: map[string]string{"max-size": strconv.FormatInt(cfg.LogMaxBytes, 10), "max-file": "1"},
			},
			RestartPolicy: container.RestartPolicy{Name: container.RestartPolicyDisabled},
			Init:          &init,
		},
	}
}
