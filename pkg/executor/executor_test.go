package executor

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	cerrdefs "github.com/containerd/errdefs"
	"github.com/google/go-cmp/cmp"
	"github.com/moby/moby/client"
)

// trainMetrics is the part of the training job's metrics.json the tests read.
type trainMetrics struct {
	EpochsRun    int     `json:"epochsRun"`
	TestAccuracy float64 `json:"testAccuracy"`
	Chance       float64 `json:"chance"`
	Interrupted  bool    `json:"interrupted"`
}

func TestTrainingJobRunsToCompletion(t *testing.T) {
	cli := needDocker(t)
	ex := newExecutor(t, cli, Config{})
	job := Job{
		LeaseID:       leaseID(t, cli),
		Image:         trainImage,
		Command:       []string{"-epochs", "20", "-out", "/output"},
		GPUUUIDs:      []string{"GPU-sim-0"},
		SimulatedGPUs: true,
		CPUMillicores: 1000,
		MemoryBytes:   256 << 20,
		MaxDuration:   2 * time.Minute,
	}
	archivePath := filepath.Join(t.TempDir(), "output.tar")
	archive, err := os.Create(archivePath)
	if err != nil {
		t.Fatal(err)
	}
	logs := newLines()

	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	res, err := ex.Execute(ctx, job, FinishOptions{Stdout: logs, Stderr: logs, Output: archive})
	if err != nil {
		t.Fatalf("Execute() error = %v\nlogs:\n%s", err, logs)
	}
	if err := archive.Close(); err != nil {
		t.Fatal(err)
	}

	if res.Code != 0 || res.Reason != ReasonExited {
		t.Errorf("exit = code %d, reason %q; want 0, %q\nlogs:\n%s", res.Code, res.Reason, ReasonExited, logs)
	}
	if got := strings.Count(logs.String(), "epoch "); got != 20 {
		t.Errorf("logs have %d epoch lines, want 20:\n%s", got, logs)
	}
	if !strings.Contains(logs.String(), "done: test_accuracy=") {
		t.Errorf("logs lack the final line:\n%s", logs)
	}

	// The reported hash is the hash of the archive as written.
	data, err := os.ReadFile(archivePath)
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(data)
	if got, want := res.Output.SHA256, hex.EncodeToString(sum[:]); got != want {
		t.Errorf("Output.SHA256 = %s, want %s (recomputed)", got, want)
	}
	if res.Output.Size != int64(len(data)) {
		t.Errorf("Output.Size = %d, want %d", res.Output.Size, len(data))
	}

	files := untar(t, data)
	var m trainMetrics
	if err := json.Unmarshal(files["output/metrics.json"], &m); err != nil {
		t.Fatalf("output/metrics.json: %v (archive has %v)", err, keys(files))
	}
	if m.EpochsRun != 20 || m.Interrupted || m.TestAccuracy < 0.9 || m.TestAccuracy <= m.Chance {
		t.Errorf("metrics = %+v, want 20 epochs, not interrupted, test accuracy >= 0.9", m)
	}
	if _, ok := files["output/model.json"]; !ok {
		t.Errorf("archive lacks output/model.json; has %v", keys(files))
	}

	// Finish removed the container and its output directory.
	if _, err := cli.ContainerInspect(t.Context(), containerName(job.LeaseID), client.ContainerInspectOptions{}); !cerrdefs.IsNotFound(err) {
		t.Errorf("container still there after Execute: inspect error = %v, want not found", err)
	}
	if entries, _ := os.ReadDir(ex.cfg.WorkDir); len(entries) != 0 {
		t.Errorf("work directory still holds %d entries, want none", len(entries))
	}
}

func keys(m map[string][]byte) []string {
	var ks []string
	for k := range m {
		ks = append(ks, k)
	}
	slices.Sort(ks)
	return ks
}

func TestLogsStreamWhileRunningAndCancelStops(t *testing.T) {
	cli := needDocker(t)
	ex := newExecutor(t, cli, Config{StopGrace: 5 * time.Second})
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	run := startTraining(t, ctx, ex, cli)

	logs := newLines()
	logsDone := make(chan result[struct{}], 1)
	go func() {
		err := ex.Logs(ctx, run, LogOptions{Follow: true}, logs, logs)
		logsDone <- result[struct{}]{err: err}
	}()
	logs.waitLine(t, "epoch 1/", 30*time.Second)
	logs.waitLine(t, "epoch 3/", 30*time.Second)
	info, err := cli.ContainerInspect(ctx, run.ContainerID, client.ContainerInspectOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if !info.Container.State.Running {
		t.Fatalf("container state = %q while its logs stream, want running", info.Container.State.Status)
	}

	// Tail gives the last lines only.
	var tail bytes.Buffer
	if err := ex.Logs(ctx, run, LogOptions{Tail: 2}, &tail, &tail); err != nil {
		t.Fatalf("Logs(tail 2) error = %v", err)
	}
	if got := strings.Count(tail.String(), "\n"); got != 2 || !strings.HasPrefix(tail.String(), "epoch ") {
		t.Errorf("Logs(tail 2) = %q, want 2 epoch lines", tail.String())
	}

	waitDone := make(chan result[Exit], 1)
	go func() {
		x, err := ex.Wait(ctx, run)
		waitDone <- result[Exit]{x, err}
	}()
	canceledAt := time.Now()
	if err := ex.Cancel(ctx, run); err != nil {
		t.Fatalf("Cancel() error = %v", err)
	}
	x, err := await(t, waitDone, 30*time.Second, "Wait after Cancel")
	if err != nil {
		t.Fatalf("Wait() error = %v", err)
	}
	// The training job ends on SIGTERM by itself, well within the grace.
	if x.Reason != ReasonCanceled || x.Code != 1 {
		t.Errorf("exit = code %d, reason %q; want 1, %q", x.Code, x.Reason, ReasonCanceled)
	}
	if took := time.Since(canceledAt); took > 5*time.Second {
		t.Errorf("the job took %v to stop after Cancel, want it to stop on SIGTERM before the 5s grace", took)
	}
	if _, err := await(t, logsDone, 10*time.Second, "Logs(follow) after the job ended"); err != nil {
		t.Errorf("Logs(follow) error = %v, want nil when the job ends", err)
	}
	if !strings.Contains(logs.String(), "done: test_accuracy=") {
		t.Errorf("logs lack the line the job writes on SIGTERM:\n%s", logs)
	}

	var archive bytes.Buffer
	if _, err := ex.Collect(ctx, run, &archive); err != nil {
		t.Fatalf("Collect() error = %v", err)
	}
	var m trainMetrics
	if err := json.Unmarshal(untar(t, archive.Bytes())["output/metrics.json"], &m); err != nil {
		t.Fatalf("metrics.json: %v", err)
	}
	if !m.Interrupted || m.EpochsRun < 3 {
		t.Errorf("metrics = %+v, want interrupted after at least 3 epochs", m)
	}
	if err := ex.Remove(ctx, run); err != nil {
		t.Errorf("Remove() error = %v", err)
	}
}

func TestDeadlineStopsJob(t *testing.T) {
	cli := needDocker(t)
	ex := newExecutor(t, cli, Config{StopGrace: time.Second})
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	started := time.Now()
	res, err := ex.Execute(ctx, Job{
		LeaseID:     leaseID(t, cli),
		Image:       probeImage,
		Command:     []string{"ticker", "100ms", "0"},
		MaxDuration: 1500 * time.Millisecond,
	}, FinishOptions{})
	if err != nil {
		t.Fatalf("Execute() error = %v", err)
	}
	took := time.Since(started)
	if res.Reason != ReasonDeadline {
		t.Errorf("exit reason = %q, want %q", res.Reason, ReasonDeadline)
	}
	if took < 1500*time.Millisecond || took > 15*time.Second {
		t.Errorf("job ended after %v, want between its 1.5s limit and 15s", took)
	}
	if ran := res.FinishedAt.Sub(res.StartedAt); ran < 1400*time.Millisecond {
		t.Errorf("the container ran %v, want at least its 1.5s limit", ran)
	}
}

// report is what the probe's check mode prints.
type report struct {
	UID        int               `json:"uid"`
	GID        int               `json:"gid"`
	CapEff     string            `json:"capEff"`
	CapPrm     string            `json:"capPrm"`
	CapBnd     string            `json:"capBnd"`
	NoNewPrivs string            `json:"noNewPrivs"`
	Writes     map[string]string `json:"writes"`
	InputFiles []string          `json:"inputFiles"`
	Interfaces []string          `json:"interfaces"`
	Env        map[string]string `json:"env"`
}

// runProbe runs the probe with args and returns its exit, its stdout and the
// files it left in /output.
func runProbe(t *testing.T, ex *Executor, job Job, inspect func(Run)) (Exit, string, map[string][]byte) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	run, err := ex.Start(ctx, job)
	if err != nil {
		t.Fatalf("Start() error = %v", err)
	}
	if inspect != nil {
		inspect(run)
	}
	var stdout, stderr bytes.Buffer
	var archive bytes.Buffer
	res, err := ex.Finish(ctx, run, FinishOptions{Stdout: &stdout, Stderr: &stderr, Output: &archive})
	if err != nil {
		t.Fatalf("Finish() error = %v\nstderr: %s", err, stderr.String())
	}
	if stderr.Len() > 0 {
		t.Logf("probe stderr: %s", stderr.String())
	}
	return res.Exit, stdout.String(), untar(t, archive.Bytes())
}

func TestHardening(t *testing.T) {
	cli := needDocker(t)
	ex := newExecutor(t, cli, Config{})
	input := t.TempDir()
	if err := os.Chmod(input, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(input, "data.txt"), []byte("tenant data\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	job := Job{
		LeaseID:       leaseID(t, cli),
		Image:         probeImage,
		Command:       []string{"check"},
		Env:           map[string]string{"PROBE_GREETING": "hello"},
		InputDir:      input,
		GPUUUIDs:      []string{"GPU-sim-1", "GPU-sim-2"},
		SimulatedGPUs: true,
		MemoryBytes:   128 << 20,
		CPUMillicores: 500,
		PidsLimit:     100,
	}
	inspect := func(run Run) {
		info, err := cli.ContainerInspect(t.Context(), run.ContainerID, client.ContainerInspectOptions{})
		if err != nil {
			t.Fatal(err)
		}
		hc := info.Container.HostConfig
		checks := []struct {
			what      string
			got, want any
		}{
			{"NetworkMode", string(hc.NetworkMode), "none"},
			{"CapDrop", hc.CapDrop, []string{"ALL"}},
			{"ReadonlyRootfs", hc.ReadonlyRootfs, true},
			{"SecurityOpt", hc.SecurityOpt, []string{"no-new-privileges"}},
			{"Memory", hc.Memory, int64(128 << 20)},
			{"MemorySwap", hc.MemorySwap, int64(128 << 20)},
			{"NanoCPUs", hc.NanoCPUs, int64(500_000_000)},
			{"PidsLimit", *hc.PidsLimit, int64(100)},
			{"DeviceRequests", len(hc.DeviceRequests), 0},
			{"User", info.Container.Config.User, "65534:65534"},
			{"lease label", info.Container.Config.Labels[labelLease], job.LeaseID},
		}
		for _, c := range checks {
			if diff := cmp.Diff(c.want, c.got); diff != "" {
				t.Errorf("container %s mismatch (-want +got):\n%s", c.what, diff)
			}
		}
	}
	exit, stdout, files := runProbe(t, ex, job, inspect)
	if exit.Code != 0 {
		t.Fatalf("probe exit code = %d, want 0; stdout: %s", exit.Code, stdout)
	}
	var r report
	if err := json.Unmarshal([]byte(stdout), &r); err != nil {
		t.Fatalf("probe report %q: %v", stdout, err)
	}
	const noCaps = "0000000000000000"
	checks := []struct {
		what      string
		got, want any
	}{
		{"uid", r.UID, 65534},
		{"gid", r.GID, 65534},
		{"CapEff", r.CapEff, noCaps},
		{"CapPrm", r.CapPrm, noCaps},
		{"CapBnd", r.CapBnd, noCaps},
		{"NoNewPrivs", r.NoNewPrivs, "1"},
		{"write /", r.Writes["/probe-was-here"], "read-only file system"},
		{"write /etc", r.Writes["/etc/probe-was-here"], "read-only file system"},
		{"write /input", r.Writes["/input/probe-was-here"], "read-only file system"},
		{"write /tmp", r.Writes["/tmp/probe-was-here"], "ok"},
		{"write /output", r.Writes["/output/probe-was-here"], "ok"},
		{"input files", r.InputFiles, []string{"/input/data.txt"}},
		{"network interfaces", r.Interfaces, []string{"lo"}},
		{"environment", r.Env, map[string]string{
			"PROBE_GREETING":        "hello",
			"TENDER_LEASE_ID":       job.LeaseID,
			"TENDER_GPU_UUIDS":      "GPU-sim-1,GPU-sim-2",
			"TENDER_GPUS_SIMULATED": "true",
		}},
	}
	for _, c := range checks {
		if diff := cmp.Diff(c.want, c.got); diff != "" {
			t.Errorf("inside the container, %s mismatch (-want +got):\n%s", c.what, diff)
		}
	}
	if got := string(files["output/probe-was-here"]); got != "probe\n" {
		t.Errorf("output archive has probe-was-here = %q, want %q", got, "probe\n")
	}
}

func TestForkBombIsCapped(t *testing.T) {
	cli := needDocker(t)
	ex := newExecutor(t, cli, Config{})
	const pids = 64
	exit, stdout, _ := runProbe(t, ex, Job{
		LeaseID:   leaseID(t, cli),
		Image:     probeImage,
		Command:   []string{"forkbomb"},
		PidsLimit: pids,
	}, nil)
	var got struct {
		Forked int    `json:"forked"`
		Error  string `json:"error"`
	}
	if err := json.Unmarshal([]byte(stdout), &got); err != nil {
		t.Fatalf("probe output %q: %v (exit code %d)", stdout, err, exit.Code)
	}
	if got.Forked <= 0 || got.Forked >= pids {
		t.Errorf("forked %d processes, want between 1 and the pids limit %d", got.Forked, pids)
	}
	if got.Error != "resource temporarily unavailable" {
		t.Errorf("fork failed with %q, want %q (the pids limit)", got.Error, "resource temporarily unavailable")
	}
}

func TestMemoryLimitKillsJob(t *testing.T) {
	cli := needDocker(t)
	ex := newExecutor(t, cli, Config{})
	exit, stdout, _ := runProbe(t, ex, Job{
		LeaseID:     leaseID(t, cli),
		Image:       probeImage,
		Command:     []string{"oom", "1024"},
		MemoryBytes: 64 << 20,
	}, nil)
	if exit.Reason != ReasonOOM || !exit.OOMKilled || exit.Code != 137 {
		t.Errorf("exit = code %d, reason %q, OOM-killed %v; want 137, %q, true", exit.Code, exit.Reason, exit.OOMKilled, ReasonOOM)
	}
	if strings.Contains(stdout, "survived") {
		t.Errorf("the probe held 1 GiB under a 64 MiB limit:\n%s", stdout)
	}
}

func TestReattachAfterRestart(t *testing.T) {
	cli := needDocker(t)
	workDir := t.TempDir()
	first := newExecutor(t, cli, Config{WorkDir: workDir})
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	lease := leaseID(t, cli)
	started, err := first.Start(ctx, Job{LeaseID: lease, Image: probeImage, Command: []string{"ticker", "100ms", "30"}, MaxDuration: time.Hour})
	if err != nil {
		t.Fatalf("Start() error = %v", err)
	}
	// The first provider follows the job a little, then goes away.
	logs := newLines()
	followCtx, stopFollowing := context.WithCancel(ctx)
	followDone := make(chan result[struct{}], 1)
	go func() {
		followDone <- result[struct{}]{err: first.Logs(followCtx, started, LogOptions{Follow: true}, logs, logs)}
	}()
	logs.waitLine(t, "tick 3", 30*time.Second)
	stopFollowing()
	if _, err := await(t, followDone, 10*time.Second, "Logs after its context was canceled"); !errors.Is(err, context.Canceled) {
		t.Errorf("Logs() after cancel = %v, want context.Canceled", err)
	}

	// A new provider process: its own client, its own executor.
	cli2, err := Dial(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer cli2.Close()
	second := newExecutor(t, cli2, Config{WorkDir: workDir})
	runs, err := second.List(ctx)
	if err != nil {
		t.Fatalf("List() error = %v", err)
	}
	i := slices.IndexFunc(runs, func(r Run) bool { return r.LeaseID == lease })
	if i < 0 {
		t.Fatalf("List() = %+v, want lease %s in it", runs, lease)
	}
	if runs[i].State != "running" || runs[i].ContainerID != started.ContainerID || runs[i].OutputDir != started.OutputDir {
		t.Errorf("List() entry = %+v, want the running container %s with output %s", runs[i], started.ContainerID, started.OutputDir)
	}

	run, err := second.Attach(ctx, lease)
	if err != nil {
		t.Fatalf("Attach() error = %v", err)
	}
	if run.StartedAt.IsZero() || run.MaxDuration != time.Hour || run.Deadline().IsZero() {
		t.Errorf("attached run = %+v, want a start time and the one-hour limit", run)
	}
	var stdout bytes.Buffer
	res, err := second.Finish(ctx, run, FinishOptions{Stdout: &stdout})
	if err != nil {
		t.Fatalf("Finish() error = %v", err)
	}
	if res.Code != 0 || res.Reason != ReasonExited {
		t.Errorf("exit = code %d, reason %q; want 0, exited", res.Code, res.Reason)
	}
	for _, want := range []string{"tick 1\n", "tick 30\n"} {
		if !strings.Contains(stdout.String(), want) {
			t.Errorf("re-attached logs lack %q:\n%s", want, stdout.String())
		}
	}
	if _, err := second.Attach(ctx, lease); !errors.Is(err, ErrNoContainer) {
		t.Errorf("Attach() after Finish = %v, want ErrNoContainer", err)
	}
}

func TestCleanupClosedLeases(t *testing.T) {
	cli := needDocker(t)
	ex := newExecutor(t, cli, Config{StopGrace: time.Second})
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	closedLease, openLease := leaseID(t, cli)+"-closed", leaseID(t, cli)+"-open"
	runs := map[string]Run{}
	for _, lease := range []string{closedLease, openLease} {
		t.Cleanup(func() {
			_, _ = cli.ContainerRemove(context.Background(), containerName(lease), client.ContainerRemoveOptions{Force: true})
		})
		run, err := ex.Start(ctx, Job{LeaseID: lease, Image: probeImage, Command: []string{"ticker", "1s", "0"}})
		if err != nil {
			t.Fatalf("Start(%s) error = %v", lease, err)
		}
		runs[lease] = run
	}

	removed, err := ex.Cleanup(ctx, func(lease string) bool { return lease == closedLease })
	if err != nil {
		t.Fatalf("Cleanup() error = %v", err)
	}
	if diff := cmp.Diff([]string{closedLease}, removed); diff != "" {
		t.Errorf("Cleanup() removed mismatch (-want +got):\n%s", diff)
	}
	if _, err := ex.Attach(ctx, closedLease); !errors.Is(err, ErrNoContainer) {
		t.Errorf("Attach(closed lease) = %v, want ErrNoContainer", err)
	}
	if _, err := os.Stat(runs[closedLease].OutputDir); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("output directory of the closed lease: stat error = %v, want not exist", err)
	}
	open, err := ex.Attach(ctx, openLease)
	if err != nil || open.State != "running" {
		t.Errorf("Attach(open lease) = state %q, error %v; want running", open.State, err)
	}
	if _, err := ex.Cleanup(ctx, func(lease string) bool { return lease == openLease }); err != nil {
		t.Errorf("Cleanup(open lease) error = %v", err)
	}
}

// TestCleanupForgetsGoneImages: an image recorded as pulled with a login
// that the machine no longer has is forgotten at Cleanup, on disk too;
// one it still has stays recorded.
func TestCleanupForgetsGoneImages(t *testing.T) {
	cli := needDocker(t)
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	have, err := cli.ImageInspect(ctx, probeImage)
	if err != nil {
		t.Fatal(err)
	}
	gone := "sha256:" + strings.Repeat("0", 64)
	dir := t.TempDir()
	path := filepath.Join(dir, privateImagesFile)
	if err := os.WriteFile(path, []byte(have.ID+"\n"+gone+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	ex := newExecutor(t, cli, Config{WorkDir: dir})
	if !ex.private.Has(gone) || !ex.private.Has(have.ID) {
		t.Fatalf("recorded images %v, want both of the file's", ex.private.Names())
	}
	if _, err := ex.Cleanup(ctx, func(string) bool { return false }); err != nil {
		t.Fatalf("Cleanup() error = %v", err)
	}
	if got := ex.private.Names(); !slices.Equal(got, []string{have.ID}) {
		t.Errorf("recorded after Cleanup: %v, want only the image the machine has, %s", got, have.ID)
	}
	again, err := LoadPrivateImages(path)
	if err != nil {
		t.Fatal(err)
	}
	if got := again.Names(); !slices.Equal(got, []string{have.ID}) {
		t.Errorf("recorded on disk after Cleanup: %v, want only %s", got, have.ID)
	}
}

func TestImageMissing(t *testing.T) {
	cli := needDocker(t)
	ex := newExecutor(t, cli, Config{})
	const image = "tender/no-such-image:missing"
	_, err := ex.Start(t.Context(), Job{LeaseID: leaseID(t, cli), Image: image})
	if !errors.Is(err, ErrImageMissing) {
		t.Fatalf("Start(missing image) error = %v, want ErrImageMissing", err)
	}
	for _, want := range []string{image, "docker build", "docker load"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not mention %q", err, want)
		}
	}
	if entries, _ := os.ReadDir(ex.cfg.WorkDir); len(entries) != 0 {
		t.Errorf("a failed start left %d entries in the work directory, want none", len(entries))
	}
}

func TestOneContainerPerLease(t *testing.T) {
	cli := needDocker(t)
	ex := newExecutor(t, cli, Config{StopGrace: time.Second})
	lease := leaseID(t, cli)
	job := Job{LeaseID: lease, Image: probeImage, Command: []string{"ticker", "1s", "0"}}
	run, err := ex.Start(t.Context(), job)
	if err != nil {
		t.Fatalf("Start() error = %v", err)
	}
	if _, err := ex.Start(t.Context(), job); !errors.Is(err, ErrLeaseHasContainer) {
		t.Errorf("second Start() error = %v, want ErrLeaseHasContainer", err)
	}
	if err := ex.Remove(t.Context(), run); err != nil {
		t.Errorf("Remove() error = %v", err)
	}
	if err := ex.Remove(t.Context(), run); err != nil {
		t.Errorf("second Remove() error = %v, want nil for a container already gone", err)
	}
}

// TestCreateThenLaunch: a created container does not run, survives a
// provider restart as created, and runs once launched; one removed before
// its launch leaves nothing behind.
func TestCreateThenLaunch(t *testing.T) {
	cli := needDocker(t)
	ex := newExecutor(t, cli, Config{})
	lease := leaseID(t, cli)
	created, err := ex.Create(t.Context(), Job{LeaseID: lease, Image: probeImage, Command: []string{"exit", "3"}})
	if err != nil {
		t.Fatalf("Create() error = %v", err)
	}
	// As if the provider restarted between create and launch.
	run, err := ex.Attach(t.Context(), lease)
	if err != nil {
		t.Fatalf("Attach() error = %v", err)
	}
	if !run.Created() || run.OutputDir != created.OutputDir {
		t.Errorf("attached State = %q, output %q; want created, %q", run.State, run.OutputDir, created.OutputDir)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	if _, err := ex.Wait(ctx, run); !errors.Is(err, ErrNeverStarted) {
		t.Errorf("Wait() on a created container: %v, want ErrNeverStarted", err)
	}
	if run, err = ex.Launch(ctx, run); err != nil {
		t.Fatalf("Launch() error = %v", err)
	}
	res, err := ex.Finish(ctx, run, FinishOptions{})
	if err != nil || res.Exit.Code != 3 {
		t.Errorf("Finish() = exit %d, %v; want exit 3", res.Exit.Code, err)
	}

	other := leaseID(t, cli)
	unlaunched, err := ex.Create(t.Context(), Job{LeaseID: other, Image: probeImage, Command: []string{"exit", "0"}})
	if err != nil {
		t.Fatalf("Create() error = %v", err)
	}
	if err := ex.Remove(ctx, unlaunched); err != nil {
		t.Fatalf("Remove() error = %v", err)
	}
	if _, err := ex.Attach(ctx, other); !errors.Is(err, ErrNoContainer) {
		t.Errorf("Attach() after Remove: %v, want ErrNoContainer", err)
	}
	if _, err := os.Stat(unlaunched.OutputDir); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the removed job's output directory: %v, want it gone", err)
	}
}

func TestWaitDetachesOnCancel(t *testing.T) {
	cli := needDocker(t)
	ex := newExecutor(t, cli, Config{StopGrace: time.Second})
	run, err := ex.Start(t.Context(), Job{LeaseID: leaseID(t, cli), Image: probeImage, Command: []string{"ticker", "1s", "0"}})
	if err != nil {
		t.Fatalf("Start() error = %v", err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan result[Exit], 1)
	go func() {
		x, err := ex.Wait(ctx, run)
		done <- result[Exit]{x, err}
	}()
	cancel()
	if _, err := await(t, done, 10*time.Second, "Wait after its context was canceled"); !errors.Is(err, context.Canceled) {
		t.Errorf("Wait() = %v, want context.Canceled", err)
	}
	// The job keeps running for a later attach.
	info, err := cli.ContainerInspect(t.Context(), run.ContainerID, client.ContainerInspectOptions{})
	if err != nil || !info.Container.State.Running {
		t.Errorf("after Wait was canceled the container is not running (err %v)", err)
	}
	if err := ex.Remove(t.Context(), run); err != nil {
		t.Errorf("Remove() error = %v", err)
	}
}
