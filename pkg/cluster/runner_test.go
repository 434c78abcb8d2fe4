package cluster

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tender-market/tender/internal/testenv"
	"github.com/tender-market/tender/pkg/executor"
)

// testRunner runs leases on the test node (see testCluster).
func testRunner(t *testing.T) (*Runner, *Cluster) {
	t.Helper()
	c := testCluster(t)
	r, err := NewRunner(c, RunnerConfig{StopGrace: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	return r, c
}

// runnerJob is a job of the test image as the provider hands it over.
func runnerJob(t *testing.T, steps ...string) executor.Job {
	return executor.Job{
		LeaseID: "0x" + randomHex(t, 32), Image: testImage, Command: steps,
		CPUMillicores: 100, MemoryBytes: 64 << 20, OutputLimit: 16 << 20, MaxDuration: time.Minute,
	}
}

type finished struct {
	res executor.Result
	out []byte
	err error
}

// finish follows run in the background, its log to logs.
func finish(t *testing.T, r *Runner, run executor.Run, logs *testenv.Buffer) <-chan finished {
	done := make(chan finished, 1)
	go func() {
		ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
		defer cancel()
		var out bytes.Buffer
		res, err := r.Finish(ctx, run, executor.FinishOptions{Stdout: logs, Stderr: logs, Output: &out})
		done <- finished{res, out.Bytes(), err}
	}()
	return done
}

// launchReady creates and launches job and follows it in the background
// until its log says "ready".
func launchReady(t *testing.T, r *Runner, job executor.Job) (executor.Run, <-chan finished, *testenv.Buffer) {
	t.Helper()
	run, err := r.Create(t.Context(), job)
	if err != nil {
		t.Fatal(err)
	}
	if run, err = r.Launch(t.Context(), run); err != nil {
		t.Fatal(err)
	}
	logs := new(testenv.Buffer)
	done := finish(t, r, run, logs)
	testenv.Eventually(t, time.Minute, "the job ready", func() (bool, string, error) {
		return strings.Contains(logs.String(), "ready"), logs.String(), nil
	})
	return run, done, logs
}

// TestRunnerLease: a lease as the provider runs it: 2 GPUs of the node
// (slots), input staged into /input before the launch, its log, its
// /output archive and hash as the Docker executor gives them, and its pod
// gone after.
func TestRunnerLease(t *testing.T) {
	r, c := testRunner(t)
	in := t.TempDir()
	if err := os.MkdirAll(filepath.Join(in, "data"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(in, "data", "x.txt"), []byte("from the tenant"), 0o644); err != nil {
		t.Fatal(err)
	}
	job := runnerJob(t, "cat", "/input/data/x.txt", "cat", "/proc/self/environ", "write", "/output/model.bin", "weights", "say", "done")
	job.InputDir = in
	job.GPUUUIDs = []string{Slot("vm", 0), Slot("vm", 1)}
	job.SimulatedGPUs = true
	run, err := r.Create(t.Context(), job)
	if err != nil {
		t.Fatal(err)
	}
	if !run.Created() {
		t.Fatalf("created run in state %q, want created", run.State)
	}
	pod, err := c.Find(t.Context(), job.LeaseID)
	if err != nil {
		t.Fatal(err)
	}
	if q := pod.Spec.Containers[0].Resources.Limits[ResourceGPU]; q.Value() != 2 || pod.Spec.NodeSelector["kubernetes.io/hostname"] != "vm" {
		t.Errorf("pod asks for %s GPUs on %v, want 2 on node vm", q.String(), pod.Spec.NodeSelector)
	}
	if run, err = r.Launch(t.Context(), run); err != nil {
		t.Fatal(err)
	}
	if run.StartedAt.IsZero() || run.Deadline().IsZero() {
		t.Errorf("launched run %+v: want its start and deadline", run)
	}
	var logs testenv.Buffer
	f := <-finish(t, r, run, &logs)
	if f.err != nil {
		t.Fatalf("finish: %v\nlog:\n%s", f.err, logs.String())
	}
	if f.res.Code != 0 || f.res.Reason != executor.ReasonExited {
		t.Errorf("exit %+v, want 0, exited", f.res.Exit)
	}
	log := logs.String()
	for _, want := range []string{"from the tenant", "TENDER_GPU_UUIDS=" + Slot("vm", 0) + "," + Slot("vm", 1), "TENDER_GPUS_SIMULATED=1", "TENDER_LEASE_ID=" + job.LeaseID, "done"} {
		if !strings.Contains(log, want) {
			t.Errorf("log lacks %q:\n%s", want, log)
		}
	}
	sum := sha256.Sum256(f.out)
	if f.res.Output.SHA256 != hex.EncodeToString(sum[:]) || f.res.Output.Size != int64(len(f.out)) {
		t.Errorf("output %+v, but the archive written is %d bytes, sha256 %x", f.res.Output, len(f.out), sum)
	}
	if files := testenv.Untar(t, bytes.NewReader(f.out)); files["output/model.bin"] != "weights" {
		t.Errorf("output archive %v, want output/model.bin", files)
	}
	if _, err := c.Find(t.Context(), job.LeaseID); !errors.Is(err, ErrNoPod) {
		t.Errorf("the finished lease's pod: %v, want it deleted", err)
	}
}

// TestRunnerStopKeepsOutput: a cancelled job and one past its deadline
// are stopped by the lease agent, not by deleting their pod: what they
// wrote is collected, as for Docker jobs.
func TestRunnerStopKeepsOutput(t *testing.T) {
	for _, tc := range []struct {
		name string
		stop func(r *Runner, run executor.Run) error
		want executor.ExitReason
		max  time.Duration
	}{
		{"cancel", func(r *Runner, run executor.Run) error { return r.Cancel(t.Context(), run) }, executor.ReasonCanceled, time.Minute},
		{"expire", func(r *Runner, run executor.Run) error { return r.Expire(t.Context(), run, "its deposit ran out") }, executor.ReasonDeadline, time.Minute},
		{"deadline", nil, executor.ReasonDeadline, 20 * time.Second},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r, _ := testRunner(t)
			job := runnerJob(t, "write", "/output/partial", "half", "say", "ready", "sleep")
			job.MaxDuration = tc.max
			run, done, logs := launchReady(t, r, job)
			if tc.stop != nil {
				if err := tc.stop(r, run); err != nil {
					t.Fatal(err)
				}
			}
			f := <-done
			if f.err != nil {
				t.Fatalf("finish: %v", f.err)
			}
			if f.res.Reason != tc.want || f.res.Code != 143 {
				t.Errorf("exit %+v, want %s with 143 (SIGTERM)", f.res.Exit, tc.want)
			}
			if !strings.Contains(logs.String(), "stopped") {
				t.Errorf("log %q: the job did not get SIGTERM", logs.String())
			}
			if files := testenv.Untar(t, bytes.NewReader(f.out)); files["output/partial"] != "half" {
				t.Errorf("output %v, want output/partial kept", files)
			}
		})
	}
}

// TestRunnerAttach: a provider that restarts finds its running lease's pod
// again and follows it to its end; one staged and never launched cannot be
// launched by the new provider (its stage ended with the old one).
func TestRunnerAttach(t *testing.T) {
	r, c := testRunner(t)
	job := runnerJob(t, "write", "/output/a", "b", "say", "ready", "sleep")
	job.GPUUUIDs = []string{Slot("vm", 2)}
	job.SimulatedGPUs = true
	run, err := r.Create(t.Context(), job)
	if err != nil {
		t.Fatal(err)
	}
	if _, err = r.Launch(t.Context(), run); err != nil {
		t.Fatal(err)
	}
	staged := runnerJob(t, "say", "never")
	if _, err := r.Create(t.Context(), staged); err != nil {
		t.Fatal(err)
	}

	again, err := NewRunner(c, RunnerConfig{StopGrace: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	got, err := again.Attach(t.Context(), job.LeaseID)
	if err != nil {
		t.Fatal(err)
	}
	if got.State != "running" || got.LeaseID != job.LeaseID || len(got.GPUUUIDs) != 1 || got.GPUUUIDs[0] != Slot("vm", 2) ||
		!got.SimulatedGPUs || got.MaxDuration != time.Minute || got.OutputLimit != 16<<20 || got.StartedAt.IsZero() {
		t.Errorf("attached run %+v: want the lease's running pod with its terms", got)
	}
	if code := execCode(t, again, got, "/job", "exit", "3"); code != 3 {
		t.Errorf("exec exited %d, want 3", code)
	}
	if err := again.Cancel(t.Context(), got); err != nil {
		t.Fatal(err)
	}
	var logs testenv.Buffer
	f := <-finish(t, again, got, &logs)
	if f.err != nil || f.res.Reason != executor.ReasonCanceled {
		t.Errorf("finish of the attached job: %+v, %v; want it cancelled", f.res.Exit, f.err)
	}
	if files := testenv.Untar(t, bytes.NewReader(f.out)); files["output/a"] != "b" {
		t.Errorf("output %v, want output/a", files)
	}

	left, err := again.Attach(t.Context(), staged.LeaseID)
	if err != nil {
		t.Fatal(err)
	}
	if !left.Created() {
		t.Errorf("the staged pod attached as %q, want created", left.State)
	}
	if _, err := again.Launch(t.Context(), left); !errors.Is(err, executor.ErrNeverStarted) {
		t.Errorf("launch of a pod another provider staged: %v, want ErrNeverStarted", err)
	}
	removed, err := again.Cleanup(t.Context(), func(id string) bool { return id == staged.LeaseID })
	if err != nil || len(removed) != 1 || removed[0] != staged.LeaseID {
		t.Errorf("cleanup removed %v, %v; want the staged lease", removed, err)
	}
	if _, err := again.Attach(t.Context(), staged.LeaseID); !errors.Is(err, executor.ErrNoContainer) {
		t.Errorf("attach after cleanup: %v, want ErrNoContainer", err)
	}
}

// execCode runs cmd in the job's container and returns its exit status.
// Tests check an exec by its status: on the test node, an exec'd
// process's output is now and then lost under load (the API reports it
// ended well, with nothing written).
func execCode(t *testing.T, r *Runner, run executor.Run, cmd ...string) int {
	t.Helper()
	var out bytes.Buffer
	code, err := r.Exec(t.Context(), run, cmd, &out, &out)
	if err != nil {
		t.Fatalf("exec %q: %v: %s", cmd, err, out.String())
	}
	return code
}

// TestRunnerRefuses: what a lease's pod cannot do is refused before any
// pod is made, with what is missing.
func TestRunnerRefuses(t *testing.T) {
	c := withDefaults(Config{AgentImage: agentImage})
	if _, err := NewRunner(c, RunnerConfig{}); err == nil {
		t.Fatal("a runner without a cluster made by New")
	}
	r := &Runner{c: c, cfg: RunnerConfig{}.withDefaults()}
	for _, tc := range []struct {
		name string
		edit func(*executor.Job)
		want string
	}{
		{"ports given twice", func(j *executor.Job) { j.Expose = []uint16{8000, 8000} }, "port 8000 given twice"},
		{"network", func(j *executor.Job) { j.AllowNetwork = true }, "network access"},
		{"a login without a password", func(j *executor.Job) { j.RegistryAuth = &executor.RegistryAuth{Username: "u"} }, "need both a user name and a password"},
		{"a GPU of this machine", func(j *executor.Job) { j.GPUUUIDs = []string{"GPU-5c1d"} }, "not a cluster node's"},
		{"GPUs on two nodes", func(j *executor.Job) { j.GPUUUIDs = []string{Slot("a", 0), Slot("b", 0)} }, "a pod runs on one"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			job := runnerJob(t, "say", "x")
			tc.edit(&job)
			if _, err := r.clusterJob(job); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err = %v, want one saying %q", err, tc.want)
			}
		})
	}
}

// TestRunnerJobEndsTheAgent: a job sees the lease agent's processes (they
// share the pod's process namespace) and may end them. It gains nothing by
// it: cancelled, it is stopped all the same, its pod deleted, and only its
// own output is lost.
func TestRunnerJobEndsTheAgent(t *testing.T) {
	t.Parallel()
	r, c := testRunner(t)
	job := runnerJob(t, "write", "/output/x", "y", "killall", "say", "ready", "sleep")
	run, done, logs := launchReady(t, r, job)
	if !strings.Contains(logs.String(), "killed") {
		t.Fatalf("the job killed nothing: %q", logs.String())
	}
	if err := r.Cancel(t.Context(), run); err != nil {
		t.Fatal(err)
	}
	f := <-done
	if !errors.Is(f.err, executor.ErrNoContainer) || f.res.Reason != executor.ReasonCanceled {
		t.Errorf("finish: %+v, %v; want cancelled, its pod gone (ErrNoContainer)", f.res.Exit, f.err)
	}
	if _, err := c.Find(t.Context(), job.LeaseID); !errors.Is(err, ErrNoPod) {
		pod, _ := c.Find(t.Context(), job.LeaseID)
		if pod == nil || pod.DeletionTimestamp == nil {
			t.Errorf("the job's pod: %v, want it deleted", err)
		}
	}
}

// TestRunnerImageMissing: a lease whose image the node does not have (and
// may not pull) fails at Create with the kubelet's reason, its pod gone,
// instead of a pod that waits for ever.
func TestRunnerImageMissing(t *testing.T) {
	t.Parallel()
	r, c := testRunner(t)
	job := runnerJob(t, "say", "x")
	job.Image = "tender.local/no-such-image:1"
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	_, err := r.Create(ctx, job)
	if !errors.Is(err, ErrImage) || !strings.Contains(err.Error(), "ErrImageNeverPull") {
		t.Fatalf("Create: %v, want ErrImage saying ErrImageNeverPull", err)
	}
	testenv.Eventually(t, time.Minute, "the pod gone", func() (bool, string, error) {
		_, err := c.Find(t.Context(), job.LeaseID)
		return errors.Is(err, ErrNoPod), fmt.Sprint(err), nil
	})
}

// TestRunnerService: a service's port reached through a port forward (the
// pod's network policy denies it all other traffic): the job's greeting,
// what is sent echoed back, connections side by side; a port the job does
// not expose is refused before any forward is made, one it exposes where
// nothing listens fails on the first read with the kubelet's reason; a
// provider that restarted reaches the service again; and once the job has
// ended, its ports are refused.
func TestRunnerService(t *testing.T) {
	t.Parallel()
	r, _ := testRunner(t)
	job := runnerJob(t, "serve", "8080")
	job.Expose = []uint16{8080, 8081}
	run, done, _ := launchReady(t, r, job)

	conns := make([]net.Conn, 3)
	for i := range conns {
		conn, err := r.DialService(t.Context(), run, 8080)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		conns[i] = conn
	}
	for i, conn := range conns {
		want := fmt.Sprintf("hello from the job\nping %d\n", i)
		if _, err := fmt.Fprintf(conn, "ping %d\n", i); err != nil {
			t.Fatal(err)
		}
		got := make([]byte, len(want))
		if _, err := io.ReadFull(conn, got); err != nil || string(got) != want {
			t.Fatalf("connection %d: read %q, %v; want %q", i, got, err, want)
		}
	}
	// The tenant has no more to send: the connection ends. The job may
	// not see the half-close, nor answer it: containerd closes the pod's
	// end of the connection a second after the provider's write side.
	if err := conns[0].(interface{ CloseWrite() error }).CloseWrite(); err != nil {
		t.Fatal(err)
	}
	if rest, err := io.ReadAll(conns[0]); err != nil || !strings.HasPrefix("bye\n", string(rest)) {
		t.Errorf("after the half-close: %q, %v; want the connection to end, with at most the job's bye", rest, err)
	}
	for _, conn := range conns {
		if err := conn.Close(); err != nil {
			t.Errorf("close: %v", err)
		}
	}

	if _, err := r.DialService(t.Context(), run, 9090); !errors.Is(err, executor.ErrPortNotExposed) || !strings.Contains(err.Error(), "8080, 8081") {
		t.Errorf("port 9090: %v, want ErrPortNotExposed naming 8080, 8081", err)
	}
	conn, err := r.DialService(t.Context(), run, 8081)
	if err != nil {
		t.Fatal(err)
	}
	if b, err := io.ReadAll(conn); err == nil || !strings.Contains(err.Error(), "8081") {
		t.Errorf("read from port 8081, where nothing listens: %q, %v; want an error naming the port", b, err)
	} else {
		t.Logf("port 8081, where nothing listens: %v", err)
	}
	conn.Close()

	// A provider that restarted finds the pod again and reaches its
	// service: nothing of the forward lives in the provider.
	again, err := NewRunner(r.c, RunnerConfig{StopGrace: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	attached, err := again.Attach(t.Context(), job.LeaseID)
	if err != nil {
		t.Fatal(err)
	}
	conn, err = again.DialService(t.Context(), attached, 8080)
	if err != nil {
		t.Fatalf("the service after a restart: %v", err)
	}
	if err := readGreeting(conn); err != nil {
		t.Errorf("the service after a restart: %v", err)
	}
	conn.Close()

	if err := r.Cancel(t.Context(), run); err != nil {
		t.Fatal(err)
	}
	if f := <-done; f.err != nil {
		t.Fatalf("finish: %v", f.err)
	}
	if _, err := r.DialService(t.Context(), run, 8080); !errors.Is(err, executor.ErrNotRunning) && !errors.Is(err, ErrNoPod) {
		t.Errorf("port 8080 after the job: %v, want ErrNotRunning or ErrNoPod", err)
	}
}
