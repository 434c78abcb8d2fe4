package executor

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	cerrdefs "github.com/containerd/errdefs"
	"github.com/moby/moby/api/pkg/stdcopy"
	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/mount"
	"github.com/moby/moby/client"
)

// Errors for errors.Is.
var (
	// ErrImageMissing: the job's image is not on this machine and was not
	// pulled.
	ErrImageMissing = errors.New("not on this machine")
	// ErrDigestMismatch: the job's image is pinned by digest
	// (name@sha256:...) and its registry has no image with that digest, or
	// served content that does not match it. Errors that wrap it wrap
	// ErrImageMissing too.
	ErrDigestMismatch = errors.New("the registry has no image with that digest")
	// ErrImageLogin: the machine has the job's image from another lease's
	// registry login, and the job could not pull it itself.
	ErrImageLogin = errors.New("here only for leases that can pull it from its registry")
	// ErrLeaseHasContainer: the lease already has a container; Attach to it
	// or Remove it.
	ErrLeaseHasContainer = errors.New("lease already has a container")
	// ErrNoContainer: the lease has no container.
	ErrNoContainer = errors.New("lease has no container")
	// ErrNeverStarted: the lease's container was created but never started,
	// for example because the provider stopped in between. Remove it and
	// start the job again.
	ErrNeverStarted = errors.New("container was created but never started")
	// ErrOutputLimit: the job's /output is over its OutputLimit, so it is
	// not collected.
	ErrOutputLimit = errors.New("output over its limit")
)

// Config configures an Executor. The zero value of every field has a sensible
// default.
type Config struct {
	// Logger receives progress notes; nil discards them.
	Logger *slog.Logger
	// WorkDir holds one output directory per running job, bind-mounted at
	// /output. Default: tender-executor under the system's temporary
	// directory. Keep it the same across restarts.
	WorkDir string
	// User runs the job's processes, as "uid:gid". Default "65534:65534"
	// (nobody).
	User string
	// EngineNetNS is the network namespace of the Docker Engine, as a path
	// (/run/netns/NAME, /proc/PID/ns/net), when it is not this process's:
	// the firewall that fences networked jobs in goes there. Empty means
	// this process's.
	EngineNetNS string
	// DefaultCPUMillicores, DefaultMemoryBytes and DefaultPidsLimit apply to
	// jobs that leave the limit at zero. Defaults: 1000 (one CPU), 1 GiB,
	// 512.
	DefaultCPUMillicores int64
	DefaultMemoryBytes   int64
	DefaultPidsLimit     int64
	// TmpfsBytes sizes the job's writable /tmp, which counts against its
	// memory. Default 64 MiB.
	TmpfsBytes int64
	// LogMaxBytes caps the log the engine keeps for a job. Default 64 MiB.
	LogMaxBytes int64
	// StopGrace is how long a job has between SIGTERM and SIGKILL when it is
	// canceled or runs past its deadline. Default 10s.
	StopGrace time.Duration
	// Init runs a tiny init process (docker-init) as PID 1 that forwards
	// signals and reaps zombies. Default off.
	Init bool
	// PullImages pulls a job's image from its registry when it is not on
	// this machine, with the job's RegistryAuth if it has one (with one,
	// the registry checks it though the machine has the image: see
	// checkImageAccess). Default off:
	// images must be built or loaded locally.
	PullImages bool
	// PullStallTimeout aborts a pull that gets no progress message from the
	// engine for this long (a registry that stopped sending, a connection
	// that hangs): Create then fails saying the pull stalled. The engine
	// reports progress several times a second while data comes, and each
	// second while it waits to retry a layer, but nothing while it retries
	// an image's config: keep it well above a few seconds. Default 2
	// minutes. Docker 20.10 keeps its request for a blob that hangs open
	// after the pull is aborted, until the registry ends it, and a later
	// pull of the same layer waits on that request: it stalls too.
	PullStallTimeout time.Duration
	// LogDrainTimeout bounds how long Finish waits for the last log lines
	// after the job ends. Default 5s.
	LogDrainTimeout time.Duration
	// OutputLimit is the most, in bytes, a job that leaves Job.OutputLimit
	// at zero may write to /output. Default 10 GiB.
	OutputLimit int64
	// OutputCheckInterval is how often Wait measures a job's /output.
	// Default 5s.
	OutputCheckInterval time.Duration
}

func (c Config) withDefaults() Config {
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	if c.WorkDir == "" {
		c.WorkDir = filepath.Join(os.TempDir(), "tender-executor")
	}
	if c.User == "" {
		c.User = "65534:65534"
	}
	if c.DefaultCPUMillicores == 0 {
		c.DefaultCPUMillicores = 1000
	}
	if c.DefaultMemoryBytes == 0 {
		c.DefaultMemoryBytes = 1 << 30
	}
	if c.DefaultPidsLimit == 0 {
		c.DefaultPidsLimit = 512
	}
	if c.TmpfsBytes == 0 {
		c.TmpfsBytes = 64 << 20
	}
	if c.LogMaxBytes == 0 {
		c.LogMaxBytes = 64 << 20
	}
	if c.StopGrace == 0 {
		c.StopGrace = 10 * time.Second
	}
	if c.LogDrainTimeout == 0 {
		c.LogDrainTimeout = 5 * time.Second
	}
	if c.OutputLimit == 0 {
		c.OutputLimit = 10 << 30
	}
	if c.OutputCheckInterval == 0 {
		c.OutputCheckInterval = 5 * time.Second
	}
	if c.PullStallTimeout == 0 {
		c.PullStallTimeout = 2 * time.Minute
	}
	return c
}

// Executor runs lease jobs as hardened containers through the Docker Engine
// API. It keeps no state that matters across restarts: containers carry
// labels, and a new Executor finds them with List and Attach. It is safe for
// concurrent use.
type Executor struct {
	engine Engine
	cfg    Config

	mu          sync.Mutex
	stopReasons map[string]stopNote // container ID -> why this executor stopped it

	// netMu serializes installing the firewall.
	netMu sync.Mutex

	private *PrivateImages
}

// stopNote is why the executor stopped a container.
type stopNote struct {
	reason  ExitReason
	message string
}

// New returns an Executor that reaches the Docker Engine through engine. It
// creates cfg.WorkDir when missing.
func New(engine Engine, cfg Config) (*Executor, error) {
	cfg = cfg.withDefaults()
	workDir, err := filepath.Abs(cfg.WorkDir)
	if err != nil {
		return nil, fmt.Errorf("executor work directory: %w", err)
	}
	cfg.WorkDir = workDir
	if err := os.MkdirAll(cfg.WorkDir, 0o700); err != nil {
		return nil, fmt.Errorf("executor work directory: %w", err)
	}
	if cfg.StopGrace < 0 || cfg.TmpfsBytes < 0 || cfg.LogMaxBytes < 0 || cfg.OutputLimit < 0 || cfg.OutputCheckInterval < 0 || cfg.PullStallTimeout < 0 {
		return nil, errors.New("executor config: negative durations or sizes")
	}
	private, err := LoadPrivateImages(filepath.Join(cfg.WorkDir, privateImagesFile))
	if err != nil {
		return nil, err
	}
	return &Executor{engine: engine, cfg: cfg, stopReasons: make(map[string]stopNote), private: private}, nil
}

// Run is one lease's container.
type Run struct {
	ContainerID   string
	LeaseID       string
	Image         string
	GPUUUIDs      []string
	SimulatedGPUs bool
	// State is the engine's word for the container: "created", "running",
	// "exited", ...
	State string
	// StartedAt is when the container last started; zero if it never did.
	StartedAt   time.Time
	MaxDuration time.Duration
	// OutputDir is the host directory mounted at /output.
	OutputDir string
	// OutputLimit is the most the job may write to /output, in bytes; zero
	// means Config.OutputLimit.
	OutputLimit int64
	// Network is the Docker network of the lease, for a job that allows
	// network or exposes ports; empty for one that has none.
	Network string
	// Expose are the TCP ports the job exposes to the provider (see
	// ServiceAddr).
	Expose []uint16
}

// Created reports whether the run's container was created and never
// launched.
func (r Run) Created() bool { return r.State == string(container.StateCreated) }

// Deadline is when the job is stopped for running too long; zero if never.
func (r Run) Deadline() time.Time {
	if r.MaxDuration <= 0 || r.StartedAt.IsZero() {
		return time.Time{}
	}
	return r.StartedAt.Add(r.MaxDuration)
}

// ExitReason says why a job ended.
type ExitReason string

// Exit reasons.
const (
	ReasonExited   ExitReason = "exited"   // the job's process ended by itself
	ReasonCanceled ExitReason = "canceled" // Cancel stopped it
	ReasonDeadline ExitReason = "deadline" // it ran past its MaxDuration
	ReasonOOM      ExitReason = "oom"      // the kernel killed it for exceeding its memory limit
	// ReasonOutputLimit: it wrote more than its OutputLimit to /output (or
	// /output could not be measured), and its output is not collected.
	ReasonOutputLimit ExitReason = "output-limit"
)

// Exit is how a job ended.
type Exit struct {
	Code   int
	Reason ExitReason
	// Message says more about Reason where there is more to say, e.g.
	// "wrote at least 2097152 bytes to /output (limit 1048576)".
	Message    string
	OOMKilled  bool
	StartedAt  time.Time
	FinishedAt time.Time
}

// Output describes the /output archive a job left.
type Output struct {
	// SHA256 is the hex SHA-256 of the tar archive exactly as written.
	SHA256 string
	Size   int64
}

// Result is a finished job.
type Result struct {
	Exit
	Output Output
}

// Start creates the lease's container and starts it, returning once the
// job's process runs: Create, then Launch.
func (e *Executor) Start(ctx context.Context, job Job) (Run, error) {
	run, err := e.Create(ctx, job)
	if err != nil {
		return Run{}, err
	}
	return e.Launch(ctx, run)
}

// Create makes the lease's container, pulling its image first when it is
// missing and Config.PullImages is set (else the image must be on this
// machine; see Job.Image, Job.RegistryAuth and Job.OnPull), and leaves it
// created, not running: Launch starts it. A provider creates
// before billing starts and launches once it has, so neither side gets
// time from the other. A lease that already has a container is refused
// with ErrLeaseHasContainer. A job that allows network or exposes ports
// gets its network here (internal for one that only exposes ports), once
// the firewall is in place (see PrepareNetwork); where the firewall cannot
// be installed, the job is refused.
func (e *Executor) Create(ctx context.Context, job Job) (Run, error) {
	job = job.withDefaults(e.cfg)
	if err := job.validate(); err != nil {
		return Run{}, err
	}
	var network string
	if job.networked() {
		if err := e.PrepareNetwork(ctx); err != nil {
			return Run{}, fmt.Errorf("start lease %s: %w", job.LeaseID, err)
		}
		var err error
		if network, err = e.createNetwork(ctx, job.LeaseID, !job.AllowNetwork); err != nil {
			return Run{}, err
		}
	}
	run, err := e.createContainer(ctx, job)
	if err != nil {
		// A lease that has a container keeps its network.
		if network != "" && !errors.Is(err, ErrLeaseHasContainer) {
			if rmErr := e.removeNetwork(context.WithoutCancel(ctx), job.LeaseID, network); rmErr != nil {
				e.cfg.Logger.LogAttrs(ctx, slog.LevelWarn, "network of a job not created is left", slog.String("lease", job.LeaseID), slog.Any("err", rmErr))
			}
		}
		return Run{}, err
	}
	run.Network = network
	return run, nil
}

// createContainer creates the job's container and its output directory,
// pulling its image when it is missing and Config.PullImages allows.
func (e *Executor) createContainer(ctx context.Context, job Job) (Run, error) {
	outputDir, err := e.makeOutputDir(job.LeaseID)
	if err != nil {
		return Run{}, err
	}
	opts := createOptions(job, e.cfg, outputDir)
	if err := e.checkImageAccess(ctx, job); err != nil {
		_ = os.RemoveAll(outputDir)
		return Run{}, fmt.Errorf("start lease %s: %w", job.LeaseID, err)
	}

	created, err := e.engine.ContainerCreate(ctx, opts)
	if cerrdefs.IsNotFound(err) && !e.networkGone(ctx, job) {
		err = e.imageMissing(ctx, job, err)
		if err == nil {
			created, err = e.engine.ContainerCreate(ctx, opts)
		}
	}
	if err != nil {
		_ = os.RemoveAll(outputDir)
		if cerrdefs.IsConflict(err) {
			return Run{}, fmt.Errorf("start lease %s: %w (container %s): attach to it or remove it", job.LeaseID, ErrLeaseHasContainer, opts.Name)
		}
		return Run{}, fmt.Errorf("start lease %s: create container: %w", job.LeaseID, err)
	}
	if created, err = e.fenceVolumes(ctx, created, opts); err != nil {
		_ = os.RemoveAll(outputDir)
		return Run{}, fmt.Errorf("start lease %s: %w", job.LeaseID, err)
	}
	for _, w := range created.Warnings {
		e.cfg.Logger.LogAttrs(ctx, slog.LevelWarn, "docker warning", slog.String("lease", job.LeaseID), slog.String("warning", w))
	}
	return Run{
		ContainerID:   created.ID,
		LeaseID:       job.LeaseID,
		Image:         job.Image,
		GPUUUIDs:      job.GPUUUIDs,
		SimulatedGPUs: job.SimulatedGPUs,
		State:         string(container.StateCreated),
		MaxDuration:   job.MaxDuration,
		OutputDir:     outputDir,
		OutputLimit:   job.OutputLimit,
		Expose:        slices.Clone(job.Expose),
	}, nil
}

// fenceVolumes keeps the job off the provider's disk outside /output. An
// image's VOLUMEs would be anonymous volumes on the provider's disk,
// writable however read-only the container's root is, and neither
// measured nor capped. The container created has them: it is made again
// with a tmpfs at each instead, sized as /tmp, and charged, as /tmp is,
// to the job's memory.
func (e *Executor) fenceVolumes(ctx context.Context, created client.ContainerCreateResult, opts client.ContainerCreateOptions) (client.ContainerCreateResult, error) {
	for try := 0; ; try++ {
		info, err := e.engine.ContainerInspect(ctx, created.ID, client.ContainerInspectOptions{})
		if err != nil {
			e.removeCreated(ctx, created.ID)
			return created, fmt.Errorf("inspect the created container: %w", err)
		}
		var volumes []string
		for _, m := range info.Container.Mounts {
			if m.Type == mount.TypeVolume {
				volumes = append(volumes, m.Destination)
			}
		}
		if len(volumes) == 0 {
			return created, nil
		}
		e.removeCreated(ctx, created.ID)
		if try > 0 {
			return created, fmt.Errorf("the image's volumes %v are still volumes with a tmpfs over each", volumes)
		}
		hc := *opts.HostConfig
		hc.Tmpfs = maps.Clone(hc.Tmpfs)
		for _, v := range volumes {
			hc.Tmpfs[v] = tmpfsOptions(e.cfg.TmpfsBytes)
		}
		opts.HostConfig = &hc
		if created, err = e.engine.ContainerCreate(ctx, opts); err != nil {
			return created, fmt.Errorf("create container with the image's volumes in memory: %w", err)
		}
	}
}

// removeCreated removes a container never started, with its volumes.
func (e *Executor) removeCreated(ctx context.Context, id string) {
	if _, err := e.engine.ContainerRemove(context.WithoutCancel(ctx), id, client.ContainerRemoveOptions{Force: true, RemoveVolumes: true}); err != nil {
		e.cfg.Logger.LogAttrs(ctx, slog.LevelWarn, "remove a created container", slog.String("container", id), slog.Any("err", err))
	}
}

// networkGone reports whether a networked job's network is missing, which
// the engine reports as "not found" as it does a missing image.
func (e *Executor) networkGone(ctx context.Context, job Job) bool {
	if !job.networked() {
		return false
	}
	_, err := e.engine.NetworkInspect(ctx, networkName(job.LeaseID), client.NetworkInspectOptions{})
	return cerrdefs.IsNotFound(err)
}

// Launch starts a created container, returning once the job's process
// runs; its deadline counts from now. A container that does not start is
// removed, with its output directory.
func (e *Executor) Launch(ctx context.Context, run Run) (Run, error) {
	if _, err := e.engine.ContainerStart(ctx, run.ContainerID, client.ContainerStartOptions{}); err != nil {
		if rmErr := e.Remove(context.WithoutCancel(ctx), run); rmErr != nil {
			e.cfg.Logger.LogAttrs(ctx, slog.LevelWarn, "remove container that did not start", slog.String("container", run.ContainerID), slog.Any("err", rmErr))
		}
		return Run{}, fmt.Errorf("start lease %s: start container: %w%s", run.LeaseID, err, startHint(err, len(run.GPUUUIDs) > 0 && !run.SimulatedGPUs))
	}
	run.State, run.StartedAt = string(container.StateRunning), time.Now()
	e.cfg.Logger.LogAttrs(ctx, slog.LevelInfo, "job started", slog.String("lease", run.LeaseID),
		slog.String("container", shortID(run.ContainerID)), slog.String("image", run.Image),
		slog.Int("gpus", len(run.GPUUUIDs)), slog.Bool("simulatedGPUs", run.SimulatedGPUs))
	return run, nil
}

// startHint adds a next step to a start failure where one is known.
func startHint(err error, realGPUs bool) string {
	if realGPUs && strings.Contains(err.Error(), "device driver") {
		return " (GPU jobs need the NVIDIA Container Toolkit configured for this Docker Engine)"
	}
	return ""
}

// makeOutputDir creates the directory the job writes /output into, writable
// by the job's user.
func (e *Executor) makeOutputDir(leaseID string) (string, error) {
	dir, err := os.MkdirTemp(e.cfg.WorkDir, "output-"+truncate(leaseID, 24)+"-")
	if err != nil {
		return "", fmt.Errorf("create output directory for lease %s: %w", leaseID, err)
	}
	uid, gid, numeric := parseUser(e.cfg.User)
	if numeric && os.Geteuid() == 0 {
		err = os.Chown(dir, uid, gid)
	} else {
		// Not root, or a user name we cannot resolve here: let anyone write.
		err = os.Chmod(dir, 0o777)
	}
	if err != nil {
		_ = os.RemoveAll(dir)
		return "", fmt.Errorf("prepare output directory for lease %s: %w", leaseID, err)
	}
	return dir, nil
}

func parseUser(user string) (uid, gid int, ok bool) {
	u, g, found := strings.Cut(user, ":")
	uid, err := strconv.Atoi(u)
	if err != nil {
		return 0, 0, false
	}
	gid = uid
	if found {
		if gid, err = strconv.Atoi(g); err != nil {
			return 0, 0, false
		}
	}
	return uid, gid, true
}

// Wait blocks until the job ends and says how. It stops the job (SIGTERM,
// then SIGKILL after Config.StopGrace) when the run's deadline passes, or
// when its /output, measured every Config.OutputCheckInterval, is over its
// output limit (see [outputSize]). When ctx is done first, Wait returns
// ctx's error and leaves the job running, so a restarted provider can attach
// to it again; use Cancel to stop a job.
func (e *Executor) Wait(ctx context.Context, run Run) (Exit, error) {
	var watchdog sync.WaitGroup
	defer watchdog.Wait()
	waitCtx, cancelWait := context.WithCancel(ctx)
	defer cancelWait()
	wr := e.engine.ContainerWait(waitCtx, run.ContainerID, client.ContainerWaitOptions{Condition: container.WaitConditionNotRunning})

	overLimit := make(chan string, 1)
	if run.OutputDir != "" {
		watchdog.Go(func() { e.watchOutput(waitCtx, run, overLimit) })
	}

	var deadline <-chan time.Time
	if d := run.Deadline(); !d.IsZero() {
		timer := time.NewTimer(time.Until(d))
		defer timer.Stop()
		deadline = timer.C
	}
	for {
		select {
		case <-wr.Result:
			return e.exit(ctx, run)
		case err := <-wr.Error:
			if ctxErr := ctx.Err(); ctxErr != nil {
				return Exit{}, ctxErr
			}
			return Exit{}, fmt.Errorf("wait for lease %s: %w", run.LeaseID, err)
		case <-ctx.Done():
			cancelWait()
			drainWait(wr)
			return Exit{}, ctx.Err()
		case <-deadline:
			deadline = nil
			e.cfg.Logger.LogAttrs(ctx, slog.LevelInfo, "job ran past its deadline; stopping it",
				slog.String("lease", run.LeaseID), slog.Duration("maxDuration", run.MaxDuration))
			if err := e.stop(ctx, run, ReasonDeadline, ""); err != nil {
				return Exit{}, err
			}
		case msg := <-overLimit:
			e.cfg.Logger.LogAttrs(ctx, slog.LevelInfo, "job is over its output limit; stopping it",
				slog.String("lease", run.LeaseID), slog.String("detail", msg))
			if err := e.stop(ctx, run, ReasonOutputLimit, msg); err != nil {
				return Exit{}, err
			}
		}
	}
}

// watchOutput measures the run's /output every Config.OutputCheckInterval
// until ctx is done, or until it is over the run's limit or cannot be
// measured: then it sends why on over and returns.
func (e *Executor) watchOutput(ctx context.Context, run Run, over chan<- string) {
	limit := e.outputLimit(run)
	tick := time.NewTicker(e.cfg.OutputCheckInterval)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		n, err := outputSize(ctx, run.OutputDir, limit)
		switch {
		case ctx.Err() != nil:
			return
		case err != nil:
			over <- fmt.Sprintf("cannot measure /output (limit %d bytes): %v", limit, err)
			return
		case n > limit:
			over <- fmt.Sprintf("wrote at least %d bytes to /output (limit %d)", n, limit)
			return
		}
	}
}

// outputLimit is the run's output limit in bytes.
func (e *Executor) outputLimit(run Run) int64 {
	if run.OutputLimit > 0 {
		return run.OutputLimit
	}
	return e.cfg.OutputLimit
}

// drainWait consumes the outcome of a wait request whose context is canceled,
// so the client's goroutine can end.
func drainWait(wr client.ContainerWaitResult) {
	select {
	case <-wr.Result:
	case <-wr.Error:
	}
}

// exit inspects a stopped container.
func (e *Executor) exit(ctx context.Context, run Run) (Exit, error) {
	info, err := e.engine.ContainerInspect(ctx, run.ContainerID, client.ContainerInspectOptions{})
	if err != nil {
		return Exit{}, fmt.Errorf("inspect lease %s: %w", run.LeaseID, err)
	}
	st := info.Container.State
	if st == nil {
		return Exit{}, fmt.Errorf("inspect lease %s: the engine reported no state", run.LeaseID)
	}
	started := parseTime(st.StartedAt)
	if started.IsZero() {
		return Exit{}, fmt.Errorf("lease %s: %w", run.LeaseID, ErrNeverStarted)
	}
	x := Exit{
		Code:       st.ExitCode,
		Reason:     ReasonExited,
		OOMKilled:  st.OOMKilled,
		StartedAt:  started,
		FinishedAt: parseTime(st.FinishedAt),
	}
	e.mu.Lock()
	note, stopped := e.stopReasons[run.ContainerID]
	e.mu.Unlock()
	switch {
	case stopped:
		x.Reason, x.Message = note.reason, note.message
	case st.OOMKilled:
		x.Reason = ReasonOOM
	}
	e.cfg.Logger.LogAttrs(ctx, slog.LevelInfo, "job ended", slog.String("lease", run.LeaseID),
		slog.Int("exitCode", x.Code), slog.String("reason", string(x.Reason)))
	return x, nil
}

// parseTime reads the engine's timestamps; its "never" is year 1.
func parseTime(s string) time.Time {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil || t.Year() <= 1 {
		return time.Time{}
	}
	return t
}

// Cancel stops the job: SIGTERM, then SIGKILL after Config.StopGrace. A
// Wait in progress returns with ReasonCanceled.
func (e *Executor) Cancel(ctx context.Context, run Run) error {
	return e.stop(ctx, run, ReasonCanceled, "")
}

// Expire stops the job because its paid time is up, as its deadline
// would: SIGTERM, then SIGKILL after Config.StopGrace. A Wait in progress
// returns with ReasonDeadline and why as the exit's message.
func (e *Executor) Expire(ctx context.Context, run Run, why string) error {
	return e.stop(ctx, run, ReasonDeadline, why)
}

func (e *Executor) stop(ctx context.Context, run Run, reason ExitReason, message string) error {
	e.mu.Lock()
	if _, ok := e.stopReasons[run.ContainerID]; !ok {
		e.stopReasons[run.ContainerID] = stopNote{reason, message}
	}
	e.mu.Unlock()
	grace := int(e.cfg.StopGrace.Round(time.Second) / time.Second)
	if _, err := e.engine.ContainerStop(ctx, run.ContainerID, client.ContainerStopOptions{Timeout: &grace}); err != nil {
		return fmt.Errorf("stop lease %s (%s): %w", run.LeaseID, reason, err)
	}
	return nil
}

// LogOptions selects log lines.
type LogOptions struct {
	// Follow keeps streaming until the job ends or ctx is done.
	Follow bool
	// Tail limits the output to the last lines; zero or less means all.
	Tail int
	// Since skips lines older than this; zero means from the start.
	Since time.Time
	// Timestamps prefixes each line with the engine's timestamp.
	Timestamps bool
}

// Logs copies the job's stdout and stderr to the given writers (nil
// discards). With Follow it returns when the job ends, or with ctx's error
// when ctx is done first.
func (e *Executor) Logs(ctx context.Context, run Run, opts LogOptions, stdout, stderr io.Writer) error {
	o := client.ContainerLogsOptions{ShowStdout: true, ShowStderr: true, Follow: opts.Follow, Timestamps: opts.Timestamps}
	if opts.Tail > 0 {
		o.Tail = strconv.Itoa(opts.Tail)
	}
	if !opts.Since.IsZero() {
		o.Since = opts.Since.UTC().Format(time.RFC3339Nano)
	}
	rc, err := e.engine.ContainerLogs(ctx, run.ContainerID, o)
	if err != nil {
		return fmt.Errorf("logs of lease %s: %w", run.LeaseID, err)
	}
	defer rc.Close()
	if stdout == nil {
		stdout = io.Discard
	}
	if stderr == nil {
		stderr = io.Discard
	}
	if _, err := stdcopy.StdCopy(stdout, stderr, rc); err != nil {
		if ctxErr := ctx.Err(); ctxErr != nil {
			return ctxErr
		}
		return fmt.Errorf("logs of lease %s: %w", run.LeaseID, err)
	}
	return ctx.Err()
}

// Collect writes /output of the job's container to w as a tar archive (its
// entries start with "output/") and returns the archive's SHA-256 and size.
// It works on a stopped container. It writes at most the run's output limit
// plus [TarAllowance] to w: a larger archive fails with ErrOutputLimit, and
// what was written is incomplete.
func (e *Executor) Collect(ctx context.Context, run Run, w io.Writer) (Output, error) {
	res, err := e.engine.CopyFromContainer(ctx, run.ContainerID, client.CopyFromContainerOptions{SourcePath: outputPath})
	if err != nil {
		return Output{}, fmt.Errorf("collect /output of lease %s: %w", run.LeaseID, err)
	}
	defer res.Content.Close()
	if w == nil {
		w = io.Discard
	}
	limit := e.outputLimit(run)
	maxArchive := limit + min(TarAllowance(limit), math.MaxInt64-limit)
	h := sha256.New()
	n, err := io.Copy(io.MultiWriter(w, h), io.LimitReader(res.Content, maxArchive))
	if err == nil && n == maxArchive {
		var one [1]byte
		if _, err = io.ReadFull(res.Content, one[:]); err == nil {
			return Output{}, fmt.Errorf("collect /output of lease %s: %w: the archive is over %d bytes (limit %d bytes, plus %d for tar headers)",
				run.LeaseID, ErrOutputLimit, maxArchive, limit, maxArchive-limit)
		} else if errors.Is(err, io.EOF) {
			err = nil
		}
	}
	if err != nil {
		return Output{}, fmt.Errorf("collect /output of lease %s: %w", run.LeaseID, err)
	}
	return Output{SHA256: hex.EncodeToString(h.Sum(nil)), Size: n}, nil
}

// TarAllowance is how far an /output archive may pass the output limit, for
// tar headers and padding (about 1 KiB a file): 1 MiB plus 1/64 of the
// limit.
func TarAllowance(limit int64) int64 { return 1<<20 + limit/64 }

// Remove deletes the job's container (killing it if it still runs), its
// network and its output directory. A container or network that is already
// gone is not an error.
func (e *Executor) Remove(ctx context.Context, run Run) error {
	_, err := e.engine.ContainerRemove(ctx, run.ContainerID, client.ContainerRemoveOptions{Force: true, RemoveVolumes: true})
	if err != nil && !cerrdefs.IsNotFound(err) {
		return fmt.Errorf("remove container of lease %s: %w", run.LeaseID, err)
	}
	var netErr error
	if run.Network != "" {
		netErr = e.removeNetwork(ctx, run.LeaseID, run.Network)
	}
	e.mu.Lock()
	delete(e.stopReasons, run.ContainerID)
	e.mu.Unlock()
	if run.OutputDir != "" {
		if err := e.removeOutputDir(run.OutputDir); err != nil {
			return errors.Join(netErr, fmt.Errorf("remove output of lease %s: %w", run.LeaseID, err))
		}
	}
	return netErr
}

// removeOutputDir deletes an output directory, but only one inside WorkDir:
// the path comes from a container label, which must not steer a deletion
// elsewhere.
func (e *Executor) removeOutputDir(dir string) error {
	rel, err := filepath.Rel(e.cfg.WorkDir, dir)
	if err != nil || rel == "." || strings.HasPrefix(rel, "..") || strings.ContainsRune(rel, filepath.Separator) {
		return fmt.Errorf("%s is not an output directory under %s; left in place", dir, e.cfg.WorkDir)
	}
	if err := os.RemoveAll(dir); err != nil {
		return fmt.Errorf("%w (files the job wrote as %s may need root to delete)", err, e.cfg.User)
	}
	return nil
}

// FinishOptions says where a finishing job's logs and output go. Nil writers
// discard; the output's hash is computed either way.
type FinishOptions struct {
	Stdout, Stderr io.Writer
	Output         io.Writer
}

// Finish follows a started or re-attached job to its end: it streams its logs
// from the beginning, waits for it (enforcing its deadline and output limit),
// collects /output, and removes the container. When ctx is done first,
// Finish returns ctx's error and leaves the container as it is, so it can be
// attached to again. When collecting fails, the container is kept so it can
// be retried, except when /output is over the job's limit: then the output
// is lost, the container and its output are removed, and Finish returns the
// job's exit with an error wrapping ErrOutputLimit. A removal that fails
// after the output was collected is logged, not returned: the job's result
// stands (Cleanup retries the removal later).
func (e *Executor) Finish(ctx context.Context, run Run, opts FinishOptions) (Result, error) {
	logCtx, stopLogs := context.WithCancel(ctx)
	defer stopLogs()
	logsDone := make(chan error, 1)
	if opts.Stdout != nil || opts.Stderr != nil {
		go func() { logsDone <- e.Logs(logCtx, run, LogOptions{Follow: true}, opts.Stdout, opts.Stderr) }()
	} else {
		logsDone <- nil
	}
	waitLogs := func() error {
		select {
		case err := <-logsDone:
			return err
		case <-time.After(e.cfg.LogDrainTimeout):
			stopLogs()
			<-logsDone
			return fmt.Errorf("log stream did not end within %v of the job's end; stopped it", e.cfg.LogDrainTimeout)
		}
	}

	exit, err := e.Wait(ctx, run)
	if err != nil {
		stopLogs()
		<-logsDone
		return Result{}, err
	}
	if err := waitLogs(); err != nil && ctx.Err() == nil {
		e.cfg.Logger.LogAttrs(ctx, slog.LevelWarn, "job logs may be incomplete", slog.String("lease", run.LeaseID), slog.Any("err", err))
	}
	out, err := e.Collect(ctx, run, opts.Output)
	if errors.Is(err, ErrOutputLimit) {
		if exit.Reason == ReasonExited {
			// It ended before the watchdog saw it over the limit.
			exit.Reason, exit.Message = ReasonOutputLimit, fmt.Sprintf("wrote more to /output than its limit of %d bytes", e.outputLimit(run))
		}
		if rmErr := e.Remove(ctx, run); rmErr != nil {
			e.cfg.Logger.LogAttrs(ctx, slog.LevelWarn, "remove job over its output limit", slog.String("lease", run.LeaseID), slog.Any("err", rmErr))
		}
		return Result{Exit: exit}, err
	}
	if err != nil {
		return Result{Exit: exit}, err
	}
	// The result is whole: a clean-up that fails is the provider's to
	// mend, not the job's end.
	if err := e.Remove(ctx, run); err != nil {
		e.cfg.Logger.LogAttrs(ctx, slog.LevelWarn, "job finished but not cleaned up", slog.String("lease", run.LeaseID), slog.Any("err", err))
	}
	return Result{Exit: exit, Output: out}, nil
}

// Execute runs a job from start to end: Start, then Finish.
func (e *Executor) Execute(ctx context.Context, job Job, opts FinishOptions) (Result, error) {
	run, err := e.Start(ctx, job)
	if err != nil {
		return Result{}, err
	}
	return e.Finish(ctx, run, opts)
}

func shortID(id string) string { return truncate(id, 12) }

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n]
}
