// Package markettest runs the market in one process for the tests of the
// provider and the tenant, with real parts but the containers: a simulated
// chain with the escrow (package chaintest), libp2p nodes on loopback,
// provider daemons with simulated GPUs, and a Runner that plays the jobs
// in memory, as the Docker executor would run them.
package markettest

import (
	"archive/tar"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"maps"
	"net"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/tender-market/tender/internal/testenv"
	"github.com/tender-market/tender/pkg/executor"
)

// Runner runs jobs without containers, as the Docker executor would: a
// job's command says what it does, one word each:
//
//	run=DUR        runs DUR, then exits by itself (default: until stopped)
//	exit=N         exits with status N (default 0)
//	log=TEXT       writes the line TEXT to its output at start
//	out=NAME:TEXT  leaves /output/NAME holding TEXT when it exits by itself
//	ckpt=NAME:TEXT leaves /output/NAME holding TEXT when stopped (SIGTERM)
//	oom            is killed for its memory at once (status 137)
//	lost           ends, but its /output cannot be collected (Finish fails)
//
// A command run in a running job (Exec) prints its arguments, like echo,
// and exits 0; on a terminal (Shell) it answers each line. A job that exposes ports serves each, while it runs, on a
// loopback listener that sends back what every connection sends
// (DialService).
//
// A job is created, then launched; it runs at most MaxDuration from its
// launch (then it is killed, status 137). Like the executor, Finish removes a finished job's "container", and a job whose
// Finish was interrupted can be attached to again. It is safe for
// concurrent use.
type Runner struct {
	// Stall makes Create hang until its context ends: a provider that takes
	// jobs and never starts them. Set it before the runner is used.
	Stall bool
	// Tamper, when set, changes a job's /output files before they are
	// archived: a provider that hands back another result than the job's
	// (a cheat, for the replicas' tests). Set it before the runner is used.
	Tamper func(outputs map[string]string)

	mu   sync.Mutex
	runs map[string]*job // by lease ID
	// Started are the jobs launched, in order.
	started []executor.Job
}

// NewRunner returns a Runner with no jobs.
func NewRunner() *Runner { return &Runner{runs: make(map[string]*job)} }

type job struct {
	spec   executor.Job
	script script
	// service is the echo listener that stands for the job's exposed
	// ports, started by the first DialService.
	serviceOnce sync.Once
	service     net.Listener
	serviceErr  error
	started     time.Time
	stop        chan executor.ExitReason // a reason to stop, once
	message     string                   // the exit's message, set before stop
	stopOnce    sync.Once
	done        chan struct{}
	exit        executor.Exit
	outputs     map[string]string
}

type script struct {
	run       time.Duration // 0: until stopped
	exit      int
	logs      []string
	out, ckpt map[string]string
	oom, lost bool
}

func parseScript(cmd []string) (script, error) {
	s := script{out: map[string]string{}, ckpt: map[string]string{}}
	for _, w := range cmd {
		k, v, _ := strings.Cut(w, "=")
		var err error
		switch k {
		case "run":
			s.run, err = time.ParseDuration(v)
		case "exit":
			s.exit, err = strconv.Atoi(v)
		case "log":
			s.logs = append(s.logs, v)
		case "out", "ckpt":
			name, text, ok := strings.Cut(v, ":")
			if !ok {
				err = fmt.Errorf("want NAME:TEXT")
			}
			map[string]map[string]string{"out": s.out, "ckpt": s.ckpt}[k][name] = text
		case "oom":
			s.oom = true
		case "lost":
			s.lost = true
		default:
			err = fmt.Errorf("unknown word")
		}
		if err != nil {
			return script{}, fmt.Errorf("job command %q: %w", w, err)
		}
	}
	return s, nil
}

// Started returns the jobs launched so far.
func (r *Runner) Started() []executor.Job {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.started)
}

// Running reports whether lease id has a job that has not ended.
func (r *Runner) Running(id string) bool {
	r.mu.Lock()
	j := r.runs[id]
	r.mu.Unlock()
	if j == nil {
		return false
	}
	select {
	case <-j.done:
		return false
	default:
		return true
	}
}

// Create makes the job's "container", not running yet.
func (r *Runner) Create(ctx context.Context, spec executor.Job) (executor.Run, error) {
	if r.Stall {
		<-ctx.Done()
		return executor.Run{}, ctx.Err()
	}
	s, err := parseScript(spec.Command)
	if err != nil {
		return executor.Run{}, err
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if _, ok := r.runs[spec.LeaseID]; ok {
		return executor.Run{}, executor.ErrLeaseHasContainer
	}
	j := &job{spec: spec, script: s, stop: make(chan executor.ExitReason, 1), done: make(chan struct{})}
	r.runs[spec.LeaseID] = j
	return j.run(), nil
}

// Launch starts a created job.
func (r *Runner) Launch(_ context.Context, run executor.Run) (executor.Run, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	j := r.runs[run.LeaseID]
	if j == nil || !j.started.IsZero() {
		return executor.Run{}, fmt.Errorf("launch lease %s: no created job", run.LeaseID)
	}
	j.started = time.Now()
	r.started = append(r.started, j.spec)
	go j.play()
	return j.run(), nil
}

// Remove removes the job, stopping it if it runs.
func (r *Runner) Remove(_ context.Context, run executor.Run) error {
	r.mu.Lock()
	j := r.runs[run.LeaseID]
	launched := j != nil && !j.started.IsZero()
	delete(r.runs, run.LeaseID)
	r.mu.Unlock()
	if launched {
		j.stopOnce.Do(func() { j.stop <- executor.ReasonCanceled })
		<-j.done
	}
	return nil
}

// play runs the job's script until it exits or is stopped.
func (j *job) play() {
	defer close(j.done)
	var timeout, deadline <-chan time.Time
	if j.script.run > 0 {
		t := time.NewTimer(j.script.run)
		defer t.Stop()
		timeout = t.C
	}
	if j.spec.MaxDuration > 0 {
		t := time.NewTimer(j.spec.MaxDuration)
		defer t.Stop()
		deadline = t.C
	}
	if j.script.oom {
		j.exit, j.outputs = executor.Exit{Code: 137, Reason: executor.ReasonOOM, OOMKilled: true}, map[string]string{}
		return
	}
	select {
	case <-timeout:
		j.exit, j.outputs = executor.Exit{Code: j.script.exit, Reason: executor.ReasonExited}, j.script.out
	case <-deadline:
		j.exit, j.outputs = executor.Exit{Code: 137, Reason: executor.ReasonDeadline}, map[string]string{}
	case why := <-j.stop:
		j.exit, j.outputs = executor.Exit{Code: 143, Reason: why, Message: j.message}, j.script.ckpt
	}
	j.exit.StartedAt, j.exit.FinishedAt = j.started, time.Now()
}

func (j *job) run() executor.Run {
	state := "running"
	select {
	case <-j.done:
		state = "exited"
	default:
		if j.started.IsZero() {
			state = "created"
		}
	}
	return executor.Run{
		ContainerID: "fake-" + j.spec.LeaseID, LeaseID: j.spec.LeaseID, Image: j.spec.Image,
		GPUUUIDs: j.spec.GPUUUIDs, SimulatedGPUs: j.spec.SimulatedGPUs, State: state, StartedAt: j.started,
		MaxDuration: j.spec.MaxDuration, OutputLimit: j.spec.OutputLimit,
	}
}

// job is lease id's job, and whether it was launched.
func (r *Runner) job(id string) (*job, bool, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	j := r.runs[id]
	if j == nil {
		return nil, false, fmt.Errorf("lease %s: %w", id, executor.ErrNoContainer)
	}
	return j, !j.started.IsZero(), nil
}

// Finish writes the job's log, waits for it to end, writes its /output
// archive and removes it. When ctx is done first it leaves the job as it
// is and returns ctx's error.
func (r *Runner) Finish(ctx context.Context, run executor.Run, opts executor.FinishOptions) (executor.Result, error) {
	j, launched, err := r.job(run.LeaseID)
	if err != nil {
		return executor.Result{}, err
	}
	if !launched {
		return executor.Result{}, fmt.Errorf("lease %s: %w", run.LeaseID, executor.ErrNeverStarted)
	}
	if opts.Stdout != nil {
		for _, l := range j.script.logs {
			fmt.Fprintln(opts.Stdout, l)
		}
	}
	select {
	case <-ctx.Done():
		return executor.Result{}, ctx.Err()
	case <-j.done:
	}
	if j.script.lost {
		return executor.Result{Exit: j.exit}, fmt.Errorf("collect the output of lease %s: the job's output is lost", run.LeaseID)
	}
	outputs := j.outputs
	if r.Tamper != nil {
		outputs = maps.Clone(outputs)
		r.Tamper(outputs)
	}
	archive, err := tarOf(outputs)
	if err != nil {
		return executor.Result{}, err
	}
	if opts.Output != nil {
		if _, err := opts.Output.Write(archive); err != nil {
			return executor.Result{}, fmt.Errorf("output: %w", err)
		}
	}
	sum := sha256.Sum256(archive)
	r.mu.Lock()
	delete(r.runs, run.LeaseID)
	r.mu.Unlock()
	return executor.Result{Exit: j.exit, Output: executor.Output{SHA256: hex.EncodeToString(sum[:]), Size: int64(len(archive))}}, nil
}

// Shell plays a terminal in a running job: it prints the command and the
// terminal's size, answers each line typed with "echo: LINE" ("exit N"
// exits with N) and each resize with "size COLSxROWS", and exits 0 when
// the input ends.
func (r *Runner) Shell(ctx context.Context, run executor.Run, cmd []string, size executor.TermSize, stdin io.Reader, out io.Writer, resize <-chan executor.TermSize) (int, error) {
	if !r.Running(run.LeaseID) {
		return 0, executor.ErrNotRunning
	}
	return testenv.PlayTerminal(ctx, fmt.Sprintf("%s on a %dx%d terminal", cmd[0], size.Cols, size.Rows), "\r\n", stdin, out, resize,
		func(sz executor.TermSize) string { return fmt.Sprintf("%dx%d", sz.Cols, sz.Rows) })
}

// DialService connects to the echo service on loopback that stands for
// port of a running job that exposes it.
func (r *Runner) DialService(ctx context.Context, run executor.Run, port uint16) (net.Conn, error) {
	r.mu.Lock()
	j := r.runs[run.LeaseID]
	r.mu.Unlock()
	if j == nil || !r.Running(run.LeaseID) || j.started.IsZero() {
		return nil, executor.ErrNotRunning
	}
	if !slices.Contains(j.spec.Expose, port) {
		return nil, fmt.Errorf("port %d: %w", port, executor.ErrPortNotExposed)
	}
	j.serviceOnce.Do(func() { j.serveEcho() })
	if j.serviceErr != nil {
		return nil, j.serviceErr
	}
	var d net.Dialer
	return d.DialContext(ctx, "tcp", j.service.Addr().String())
}

// serveEcho starts the job's echo service; it and its connections close
// when the job ends.
func (j *job) serveEcho() {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		j.serviceErr = err
		return
	}
	j.service = l
	var mu sync.Mutex
	conns := map[net.Conn]struct{}{}
	go func() {
		<-j.done
		l.Close()
		mu.Lock()
		defer mu.Unlock()
		for c := range conns {
			c.Close()
		}
		conns = nil
	}()
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			if conns == nil {
				c.Close()
			} else {
				conns[c] = struct{}{}
			}
			mu.Unlock()
			go testenv.Echo(c.(*net.TCPConn))
		}
	}()
}

// Exec runs cmd in a running job, as echo does: it prints the arguments
// after the program, and exits 0.
func (r *Runner) Exec(_ context.Context, run executor.Run, cmd []string, stdout, _ io.Writer) (int, error) {
	if !r.Running(run.LeaseID) {
		return 0, executor.ErrNotRunning
	}
	fmt.Fprintln(stdout, strings.Join(cmd[1:], " "))
	return 0, nil
}

// Cancel stops the job as SIGTERM would: it leaves its checkpoint files.
func (r *Runner) Cancel(_ context.Context, run executor.Run) error {
	j, _, err := r.job(run.LeaseID)
	if err != nil {
		return err
	}
	j.stopOnce.Do(func() { j.stop <- executor.ReasonCanceled })
	return nil
}

// Expire stops the job as its deadline would, with why as its exit
// message.
func (r *Runner) Expire(_ context.Context, run executor.Run, why string) error {
	j, _, err := r.job(run.LeaseID)
	if err != nil {
		return err
	}
	j.stopOnce.Do(func() {
		r.mu.Lock()
		j.message = why
		r.mu.Unlock()
		j.stop <- executor.ReasonDeadline
	})
	return nil
}

// Attach finds lease id's job after a restart.
func (r *Runner) Attach(_ context.Context, id string) (executor.Run, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	j := r.runs[id]
	if j == nil {
		return executor.Run{}, fmt.Errorf("lease %s: %w", id, executor.ErrNoContainer)
	}
	return j.run(), nil
}

// Cleanup removes the jobs of the leases closed says are settled.
func (r *Runner) Cleanup(_ context.Context, closed func(id string) bool) ([]string, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	var removed []string
	for id, j := range r.runs {
		if closed(id) {
			j.stopOnce.Do(func() { j.stop <- executor.ReasonCanceled })
			delete(r.runs, id)
			removed = append(removed, id)
		}
	}
	slices.Sort(removed)
	return removed, nil
}

// Close stops every job still running and waits until each has ended.
func (r *Runner) Close() {
	r.mu.Lock()
	var jobs []*job
	for _, j := range r.runs {
		if !j.started.IsZero() {
			jobs = append(jobs, j)
		}
	}
	r.mu.Unlock()
	for _, j := range jobs {
		j.stopOnce.Do(func() { j.stop <- executor.ReasonCanceled })
		<-j.done
	}
}

// tarOf is a tar archive of /output holding files, in name order, with
// fixed times so that the same files give the same archive.
func tarOf(files map[string]string) ([]byte, error) {
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for _, name := range slices.Sorted(maps.Keys(files)) {
		body := files[name]
		if err := tw.WriteHeader(&tar.Header{Typeflag: tar.TypeReg, Name: "output/" + name, Mode: 0o644, Size: int64(len(body)), ModTime: time.Unix(0, 0)}); err != nil {
			return nil, err
		}
		if _, err := io.WriteString(tw, body); err != nil {
			return nil, err
		}
	}
	if err := tw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// Files reads the files of an /output archive.
func Files(archive []byte) (map[string]string, error) {
	out := map[string]string{}
	tr := tar.NewReader(bytes.NewReader(archive))
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return nil, err
		}
		b, err := io.ReadAll(tr)
		if err != nil {
			return nil, err
		}
		out[strings.TrimPrefix(h.Name, "output/")] = string(b)
	}
}
