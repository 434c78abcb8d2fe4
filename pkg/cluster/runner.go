package cluster

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"strconv"
	"strings"
	"sync"
	"time"

	corev1 "k8s.io/api/core/v1"

	"github.com/tender-market/tender/pkg/archive"
	"github.com/tender-market/tender/pkg/executor"
)

// Annotations a Runner keeps on a lease's pod, to take it up again after a
// restart.
const (
	annotationMaxDuration = "tender.market/max-duration" // seconds
	annotationOutputLimit = "tender.market/output-limit" // bytes
	annotationSimulated   = "tender.market/gpus-simulated"
)

// backstop is how long after a job's own deadline the pod's
// activeDeadlineSeconds ends it, should its provider be gone: the Runner
// stops a job on time itself and keeps its output, which the pod's
// deadline would not.
const backstop = 2 * time.Minute

// RunnerConfig are a Runner's defaults.
type RunnerConfig struct {
	// DefaultCPUMillicores and DefaultMemoryBytes are a job's when its
	// order asks for none. Default 1000 and 1 GiB.
	DefaultCPUMillicores int64
	DefaultMemoryBytes   int64
	// OutputLimit is a job's /output when its order asks for no disk.
	// Default 1 GiB.
	OutputLimit int64
	// StopGrace is how long a stopped job has between SIGTERM and SIGKILL.
	// Default 10 s.
	StopGrace time.Duration
}

func (c RunnerConfig) withDefaults() RunnerConfig {
	if c.DefaultCPUMillicores <= 0 {
		c.DefaultCPUMillicores = 1000
	}
	if c.DefaultMemoryBytes <= 0 {
		c.DefaultMemoryBytes = 1 << 30
	}
	if c.OutputLimit <= 0 {
		c.OutputLimit = 1 << 30
	}
	if c.StopGrace <= 0 {
		c.StopGrace = 10 * time.Second
	}
	return c
}

// Runner runs a provider's leases as pods (the provider's Runner, as
// executor.Executor is for a Docker host): the same executor.Job in, the
// same executor.Run, Exit and Output out. A job's GPUs are slots of one
// node (Slot, from Inventory); the pod runs there and asks the device
// plugin for as many. Its input is staged into the pod before billing
// starts (Create) and the job starts at Launch. A job stopped by Cancel or
// Expire, or on its deadline, ends with its pod kept, so its output is
// collected as a Docker job's is. A service's ports (Job.Expose) are
// reached through port forwards (DialService); a private registry's image
// is pulled with the lease's credentials (Job.RegistryAuth). Jobs with
// network access (Job.AllowNetwork) are refused: the pod's network is
// denied all traffic.
type Runner struct {
	c   *Cluster
	cfg RunnerConfig

	mu     sync.Mutex
	staged map[string]*Staged       // by lease ID, created and not launched
	stops  map[string]executor.Exit // why a job was stopped, by lease ID
}

// NewRunner runs leases on c, which needs the lease agent
// (Config.AgentImage) and to be made by New.
func NewRunner(c *Cluster, cfg RunnerConfig) (*Runner, error) {
	if err := c.needAgent("running leases"); err != nil {
		return nil, err
	}
	return &Runner{c: c, cfg: cfg.withDefaults(), staged: map[string]*Staged{}, stops: map[string]executor.Exit{}}, nil
}

// Create makes the lease's pod and stages its input; the job does not run
// until Launch.
func (r *Runner) Create(ctx context.Context, job executor.Job) (executor.Run, error) {
	cj, err := r.clusterJob(job)
	if err != nil {
		return executor.Run{}, fmt.Errorf("lease %s: %w", job.LeaseID, err)
	}
	var input io.Reader
	if job.InputDir != "" {
		size, err := archive.Size(job.InputDir)
		if err != nil {
			return executor.Run{}, fmt.Errorf("lease %s: input: %w", job.LeaseID, err)
		}
		// /input holds the files and what their directories take.
		cj.InputLimit = size + executor.TarAllowance(size)
		pr, pw := io.Pipe()
		go func() { pw.CloseWithError(archive.WriteDir(pw, job.InputDir)) }()
		defer pr.Close()
		input = pr
	}
	s, err := r.c.Create(ctx, cj, input)
	if err != nil {
		return executor.Run{}, err
	}
	r.mu.Lock()
	r.staged[job.LeaseID] = s
	r.mu.Unlock()
	return executor.Run{
		ContainerID: podName(job.LeaseID), LeaseID: job.LeaseID, Image: job.Image, GPUUUIDs: job.GPUUUIDs,
		SimulatedGPUs: job.SimulatedGPUs, State: "created", MaxDuration: job.MaxDuration, OutputLimit: cj.OutputLimit,
	}, nil
}

// clusterJob is job as a pod runs it.
func (r *Runner) clusterJob(job executor.Job) (Job, error) {
	switch {
	case job.AllowNetwork:
		return Job{}, errors.New("jobs with network access are not run on a Kubernetes cluster yet: a lease's pod is denied all traffic")
	}
	var node string
	var whole int64
	var mig map[string]int64
	for _, id := range job.GPUUUIDs {
		n, profile, ok := parseSlot(id)
		if !ok {
			return Job{}, fmt.Errorf("GPU %q is not a cluster node's (want %s or %s)", id, Slot("NODE", 0), MIGSlot("NODE", "PROFILE", 0))
		}
		if node != "" && n != node {
			return Job{}, fmt.Errorf("the job's GPUs are on nodes %s and %s: a pod runs on one", node, n)
		}
		node = n
		if profile == "" {
			whole++
			continue
		}
		if mig == nil {
			mig = map[string]int64{}
		}
		mig[profile]++
	}
	env := make(map[string]string, len(job.Env)+3)
	for k, v := range job.Env {
		env[k] = v
	}
	env[executor.EnvLeaseID] = job.LeaseID
	if len(job.GPUUUIDs) > 0 {
		env[executor.EnvGPUUUIDs] = strings.Join(job.GPUUUIDs, ",")
	}
	if job.SimulatedGPUs {
		env[executor.EnvGPUsSimulated] = "1"
	}
	cj := Job{
		LeaseID: job.LeaseID, Image: job.Image, Command: job.Command, Env: env, Node: node, Expose: job.Expose,
		RegistryAuth:  job.RegistryAuth,
		GPUs:          whole,
		MIG:           mig,
		CPUMillicores: cmp.Or(job.CPUMillicores, r.cfg.DefaultCPUMillicores),
		MemoryBytes:   cmp.Or(job.MemoryBytes, r.cfg.DefaultMemoryBytes),
		OutputLimit:   cmp.Or(job.OutputLimit, r.cfg.OutputLimit),
		Annotations: map[string]string{
			annotationSlots:       strings.Join(job.GPUUUIDs, ","),
			annotationMaxDuration: strconv.FormatInt(int64(job.MaxDuration/time.Second), 10),
			annotationSimulated:   strconv.FormatBool(job.SimulatedGPUs),
		},
	}
	if job.MaxDuration > 0 {
		cj.MaxDuration = job.MaxDuration + backstop
	}
	cj.Annotations[annotationOutputLimit] = strconv.FormatInt(cj.OutputLimit, 10)
	return cj, cj.validate()
}

// Launch starts a created job. A job created before the provider
// restarted cannot be launched: its stage ended with the provider.
func (r *Runner) Launch(ctx context.Context, run executor.Run) (executor.Run, error) {
	r.mu.Lock()
	s := r.staged[run.LeaseID]
	delete(r.staged, run.LeaseID)
	r.mu.Unlock()
	if s == nil {
		return executor.Run{}, fmt.Errorf("lease %s: its pod was staged by a provider that has since stopped: %w", run.LeaseID, executor.ErrNeverStarted)
	}
	pod, err := s.Launch(ctx)
	if err != nil {
		if ctx.Err() == nil {
			r.c.Cancel(context.WithoutCancel(ctx), run.LeaseID)
		}
		// Else the provider stops: the job may run already, for the
		// restarted provider to take up.
		return executor.Run{}, err
	}
	return r.runOf(pod), nil
}

// runOf is the Run of a lease's pod.
func (r *Runner) runOf(pod *corev1.Pod) executor.Run {
	a := pod.Annotations
	run := executor.Run{ContainerID: pod.Name, LeaseID: a[LabelLease], Image: pod.Spec.Containers[0].Image, State: "created"}
	if s := a[annotationSlots]; s != "" {
		run.GPUUUIDs = strings.Split(s, ",")
	}
	run.SimulatedGPUs = a[annotationSimulated] == "true"
	if secs, err := strconv.ParseInt(a[annotationMaxDuration], 10, 64); err == nil && secs > 0 {
		run.MaxDuration = time.Duration(secs) * time.Second
	}
	run.OutputLimit, _ = strconv.ParseInt(a[annotationOutputLimit], 10, 64)
	st := containerState(pod.Status.ContainerStatuses, jobContainer)
	switch {
	case st.Running != nil:
		run.State, run.StartedAt = "running", st.Running.StartedAt.Time
	case st.Terminated != nil:
		run.State, run.StartedAt = "exited", st.Terminated.StartedAt.Time
	case pod.Status.Phase == corev1.PodFailed || pod.Status.Phase == corev1.PodSucceeded:
		run.State = "exited"
	}
	return run
}

// Attach finds the lease's pod after a restart; one launched just before
// is followed until its job runs. A pod staged and never launched is
// reported as created; Launch then fails (see Launch).
func (r *Runner) Attach(ctx context.Context, leaseID string) (executor.Run, error) {
	pod, err := r.c.Find(ctx, leaseID)
	if errors.Is(err, ErrNoPod) || err == nil && pod.DeletionTimestamp != nil {
		return executor.Run{}, fmt.Errorf("attach to lease %s: %w", leaseID, executor.ErrNoContainer)
	}
	if err != nil {
		return executor.Run{}, err
	}
	if st := containerState(pod.Status.ContainerStatuses, jobContainer); st.Running == nil && st.Terminated == nil && launched(pod) {
		// Launched just before the restart: the job is about to run.
		if pod, err = r.c.running(ctx, leaseID); err != nil {
			return executor.Run{}, fmt.Errorf("attach to lease %s: %w", leaseID, err)
		}
	}
	return r.runOf(pod), nil
}

// Cancel stops the job (ReasonCanceled); its output stays to collect.
func (r *Runner) Cancel(ctx context.Context, run executor.Run) error {
	return r.stop(ctx, run, executor.Exit{Reason: executor.ReasonCanceled})
}

// Expire stops a job whose paid time is up (ReasonDeadline, why as the
// message).
func (r *Runner) Expire(ctx context.Context, run executor.Run, why string) error {
	return r.stop(ctx, run, executor.Exit{Reason: executor.ReasonDeadline, Message: why})
}

func (r *Runner) stop(ctx context.Context, run executor.Run, why executor.Exit) error {
	r.mu.Lock()
	if _, ok := r.stops[run.LeaseID]; !ok {
		r.stops[run.LeaseID] = why
	}
	s := r.staged[run.LeaseID]
	r.mu.Unlock()
	if s != nil {
		return nil // never launched: it never runs
	}
	err := r.c.Stop(ctx, run.LeaseID, r.cfg.StopGrace)
	if err == nil {
		return nil
	}
	// The agent cannot stop the job (the job may have ended the agent: it
	// sees its processes). The job must not outlive its lease for that:
	// its pod goes, and its output with it.
	r.c.log.Warn("the lease agent did not stop the job; deleting its pod", "lease", run.LeaseID, "err", err)
	if err := r.c.Cancel(ctx, run.LeaseID); err != nil {
		return err
	}
	return nil
}

// Remove deletes the lease's pod and network policy, launched or not, and
// returns once the pod is gone.
func (r *Runner) Remove(ctx context.Context, run executor.Run) error {
	r.mu.Lock()
	s := r.staged[run.LeaseID]
	delete(r.staged, run.LeaseID)
	delete(r.stops, run.LeaseID)
	r.mu.Unlock()
	var err error
	if s != nil {
		err = s.Abort(ctx)
	} else {
		err = r.c.Cancel(ctx, run.LeaseID)
	}
	if err != nil {
		return err
	}
	// Until the pod is gone the node counts its GPUs as taken: the next
	// lease's pod would not fit.
	wctx, cancel := context.WithTimeout(ctx, r.cfg.StopGrace+time.Minute)
	defer cancel()
	err = r.c.watchPod(wctx, podName(run.LeaseID), func(*corev1.Pod) (bool, error) { return false, nil })
	if errors.Is(err, ErrNoPod) || errors.Is(err, ErrCancelled) {
		return nil
	}
	return fmt.Errorf("lease %s: its pod is not gone: %w", run.LeaseID, err)
}

// Finish follows a launched or re-attached job to its end: its log from
// the start to opts.Stdout (stdout and stderr as one stream, as the API
// gives them), its deadline kept (the job is stopped at run.Deadline(),
// with its output), then its /output collected and hashed, and its pod
// deleted. When ctx ends first, the pod is left for a later Attach. A job
// over its output limit (the kubelet evicts its pod) ends with
// ReasonOutputLimit and executor.ErrOutputLimit, its output lost.
func (r *Runner) Finish(ctx context.Context, run executor.Run, opts executor.FinishOptions) (executor.Result, error) {
	logCtx, stopLogs := context.WithCancel(ctx)
	defer stopLogs()
	logsDone := make(chan error, 1)
	if w := logWriter(opts); w != nil {
		go func() { logsDone <- r.c.Logs(logCtx, run.LeaseID, w, true) }()
	} else {
		logsDone <- nil
	}
	waitCtx, stopDeadline := context.WithCancel(ctx)
	defer stopDeadline()
	if d := run.Deadline(); !d.IsZero() {
		go func() {
			t := time.NewTimer(time.Until(d))
			defer t.Stop()
			select {
			case <-waitCtx.Done():
			case <-t.C:
				why := executor.Exit{Reason: executor.ReasonDeadline, Message: fmt.Sprintf("ran past its maximum duration of %s", run.MaxDuration)}
				if err := r.stop(context.WithoutCancel(ctx), run, why); err != nil {
					r.c.log.Warn("stop the job past its deadline", "lease", run.LeaseID, "err", err)
				}
			}
		}()
	}
	ce, err := r.c.Wait(ctx, run.LeaseID)
	stopDeadline()
	if ctx.Err() != nil {
		return executor.Result{}, ctx.Err()
	}
	exit := r.exitOf(run, ce)
	if err != nil {
		stopLogs()
		<-logsDone
		if errors.Is(err, ErrCancelled) || errors.Is(err, ErrNoPod) {
			err = fmt.Errorf("%w: %w", err, executor.ErrNoContainer)
		}
		return executor.Result{Exit: exit}, err
	}
	select {
	case err := <-logsDone:
		if err != nil && ctx.Err() == nil {
			r.c.log.Warn("job logs may be incomplete", "lease", run.LeaseID, "err", err)
		}
	case <-time.After(30 * time.Second):
		stopLogs()
		<-logsDone
		r.c.log.Warn("job logs may be incomplete: the stream did not end within 30 s of the job", "lease", run.LeaseID)
	}
	if exit.Reason == executor.ReasonOutputLimit {
		r.Remove(context.WithoutCancel(ctx), run)
		return executor.Result{Exit: exit}, fmt.Errorf("lease %s: %w: %s", run.LeaseID, executor.ErrOutputLimit, exit.Message)
	}
	out, err := r.collect(ctx, run.LeaseID, opts.Output)
	if errors.Is(err, executor.ErrOutputLimit) {
		if exit.Reason == executor.ReasonExited {
			exit.Reason, exit.Message = executor.ReasonOutputLimit, fmt.Sprintf("wrote more to /output than its limit of %d bytes", run.OutputLimit)
		}
		r.Remove(context.WithoutCancel(ctx), run)
		return executor.Result{Exit: exit}, err
	}
	if err != nil {
		return executor.Result{Exit: exit}, err
	}
	if err := r.Remove(ctx, run); err != nil {
		r.c.log.Warn("job finished but its pod not deleted", "lease", run.LeaseID, "err", err)
	}
	return executor.Result{Exit: exit, Output: out}, nil
}

// collect writes the lease's /output archive to w, trying again (three
// times in all) when it arrives cut short and w can be rewound (an
// *os.File) or is nil.
func (r *Runner) collect(ctx context.Context, leaseID string, w io.Writer) (executor.Output, error) {
	rewind, _ := w.(interface {
		Truncate(int64) error
		Seek(int64, int) (int64, error)
	})
	for try := 1; ; try++ {
		out, err := r.c.Output(ctx, leaseID, orDiscard(w))
		if !errors.Is(err, ErrCutShort) || try == 3 || (w != nil && rewind == nil) {
			return out, err
		}
		r.c.log.Warn("collect the job's output again", "lease", leaseID, "err", err)
		if rewind != nil {
			if _, err := rewind.Seek(0, io.SeekStart); err != nil {
				return out, err
			}
			if err := rewind.Truncate(0); err != nil {
				return out, err
			}
		}
	}
}

// logWriter is where a job's log goes: stdout and stderr come as one
// stream from the API, to opts.Stdout, else opts.Stderr; nil for neither.
func logWriter(opts executor.FinishOptions) io.Writer {
	if opts.Stdout != nil {
		return opts.Stdout
	}
	return opts.Stderr
}

// exitOf is how the job ended, in the executor's words.
func (r *Runner) exitOf(run executor.Run, ce Exit) executor.Exit {
	exit := executor.Exit{Code: ce.Code, Reason: executor.ReasonExited, Message: ce.Message, OOMKilled: ce.OOMKilled, StartedAt: ce.StartedAt, FinishedAt: ce.FinishedAt}
	r.mu.Lock()
	stopped, ok := r.stops[run.LeaseID]
	r.mu.Unlock()
	switch {
	case ok:
		exit.Reason, exit.Message = stopped.Reason, stopped.Message
	case ce.OOMKilled:
		exit.Reason = executor.ReasonOOM
	case ce.DeadlineExceeded:
		exit.Reason = executor.ReasonDeadline
	case ce.Reason == "Evicted" && strings.Contains(ce.Message, `"output"`):
		exit.Reason = executor.ReasonOutputLimit
	}
	return exit
}

// Cleanup deletes the pods of the leases closed reports.
func (r *Runner) Cleanup(ctx context.Context, closed func(leaseID string) bool) ([]string, error) {
	ids, err := r.c.Leases(ctx)
	if err != nil {
		return nil, err
	}
	var removed []string
	var errs []error
	for _, id := range ids {
		if !closed(id) {
			continue
		}
		if err := r.Remove(ctx, executor.Run{LeaseID: id}); err != nil {
			errs = append(errs, err)
			continue
		}
		removed = append(removed, id)
	}
	return removed, errors.Join(errs...)
}

// Exec runs cmd in the job's container, confined as the job.
func (r *Runner) Exec(ctx context.Context, run executor.Run, cmd []string, stdout, stderr io.Writer) (int, error) {
	return r.c.Exec(ctx, run.LeaseID, cmd, stdout, stderr)
}

// Shell runs cmd on a terminal in the job's container, confined as the
// job.
func (r *Runner) Shell(ctx context.Context, run executor.Run, cmd []string, size executor.TermSize, stdin io.Reader, out io.Writer, resize <-chan executor.TermSize) (int, error) {
	return r.c.Shell(ctx, run.LeaseID, cmd, size, stdin, out, resize)
}

// DialService connects to port of the job, through a port forward.
func (r *Runner) DialService(ctx context.Context, run executor.Run, port uint16) (net.Conn, error) {
	return r.c.DialService(ctx, run.LeaseID, port)
}
