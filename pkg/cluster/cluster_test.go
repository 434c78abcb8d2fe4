package cluster

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"

	"github.com/tender-market/tender/internal/clustertest"
	"github.com/tender-market/tender/internal/testenv"
	"github.com/tender-market/tender/pkg/executor"
)

// testImage is the tests' job image (testdata/job), loaded into the test
// node's runtime: there is no registry, so pods never pull it.
const testImage = "tender.local/cluster-test-job:1"

// testCluster is the test node that scripts/k8s-node.sh runs
// (testenv.Kubeconfig), in a namespace of the test's own, deleted after it.
func testCluster(t testing.TB) *Cluster {
	t.Helper()
	rc, ns := clustertest.Namespace(t, "tender-test-")
	rc.Timeout = 30 * time.Second
	loadTestImage(t)
	c, err := NewForConfig(rc, Config{Namespace: ns, PullPolicy: corev1.PullNever, AgentImage: agentImage})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// admin is a full clientset to the cluster of c, for a test to look
// behind the provider's back.
func admin(t testing.TB, c *Cluster) kubernetes.Interface {
	t.Helper()
	cs, err := kubernetes.NewForConfig(c.rc)
	if err != nil {
		t.Fatal(err)
	}
	return cs
}

// agentImage is cmd/lease-agent's image, loaded like the job's.
const agentImage = "tender.local/lease-agent:test"

// loadTestImage builds testdata/job and cmd/lease-agent into FROM scratch
// images and loads them into the node's runtime, once per test binary.
func loadTestImage(t testing.TB) {
	t.Helper()
	testenv.KubeImage(t, testImage, "./testdata/job")
	testenv.KubeImage(t, agentImage, "../../cmd/lease-agent")
}

func randomHex(t testing.TB, n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return hex.EncodeToString(b)
}

// testJob is a small job of the test image: a fresh lease ID (as the
// market makes them, "0x" and 64 hex digits), steps as its arguments.
func testJob(t testing.TB, steps ...string) Job {
	return Job{
		LeaseID:       "0x" + randomHex(t, 32),
		Image:         testImage,
		Command:       steps,
		CPUMillicores: 100,
		MemoryBytes:   64 << 20,
		OutputLimit:   16 << 20,
		MaxDuration:   time.Minute,
	}
}

func waitExit(t *testing.T, c *Cluster, leaseID string) (Exit, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	return c.Wait(ctx, leaseID)
}

func logsOf(t *testing.T, c *Cluster, leaseID string) string {
	t.Helper()
	var b bytes.Buffer
	if err := c.Logs(t.Context(), leaseID, &b, false); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func TestNodes(t *testing.T) {
	c := testCluster(t)
	nodes, err := c.Nodes(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if len(nodes) != 1 {
		t.Fatalf("%d nodes, want the test node alone: %+v", len(nodes), nodes)
	}
	n := nodes[0]
	if !n.Ready || !n.Schedulable || n.GPUs != 4 || n.Model != "NVIDIA H100 80GB HBM3" || n.MemoryMiB != 81559 ||
		n.ComputeCapability != 90 || n.CUDADriver != "550.54.15" || n.CUDARuntime != "12.4" || !n.Simulated ||
		n.CPUMillicores <= 0 || n.MemoryBytes <= 0 {
		t.Errorf("node %+v: want a ready node with 4 simulated H100 80GB (CC 9.0, driver 550.54.15, CUDA 12.4)", n)
	}
}

// TestJobRuns: a 2-GPU job runs to completion on the node as nobody, with
// a read-only root, no capabilities and no new privileges, writes /output,
// and its logs come back.
func TestJobRuns(t *testing.T) {
	c := testCluster(t)
	nodes, err := c.Nodes(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	job := testJob(t, "say", "hello from the cluster", "whoami", "write", "/output/result.txt", "42", "write", "/tmp/scratch", "x")
	job.GPUs, job.Node = 2, nodes[0].Name
	pod, err := c.Start(t.Context(), job)
	if err != nil {
		t.Fatal(err)
	}
	if pod.Spec.NodeSelector[corev1.LabelHostname] != job.Node {
		t.Errorf("node selector %v, want the offer's node %s", pod.Spec.NodeSelector, job.Node)
	}
	exit, err := waitExit(t, c, job.LeaseID)
	if err != nil {
		t.Fatal(err)
	}
	logs := logsOf(t, c, job.LeaseID)
	if exit.Code != 0 || exit.Reason != "Completed" || exit.OOMKilled || exit.DeadlineExceeded {
		t.Errorf("exit %+v, want 0 Completed; logs:\n%s", exit, logs)
	}
	for _, want := range []string{"hello from the cluster", "uid=65534 gid=65534", "rootfs read-only", "CapPrm: 0000000000000000", "CapEff: 0000000000000000", "NoNewPrivs: 1"} {
		if !strings.Contains(logs, want) {
			t.Errorf("logs lack %q:\n%s", want, logs)
		}
	}
	if exit.StartedAt.IsZero() || exit.FinishedAt.Before(exit.StartedAt) {
		t.Errorf("exit times %s to %s", exit.StartedAt, exit.FinishedAt)
	}
	if _, err := c.Start(t.Context(), job); !errors.Is(err, ErrLeaseHasPod) {
		t.Errorf("a second Start of the lease: %v, want ErrLeaseHasPod", err)
	}
}

func TestExitCode(t *testing.T) {
	c := testCluster(t)
	job := testJob(t, "say", "failing", "exit", "3")
	if _, err := c.Start(t.Context(), job); err != nil {
		t.Fatal(err)
	}
	exit, err := waitExit(t, c, job.LeaseID)
	if err != nil {
		t.Fatal(err)
	}
	if exit.Code != 3 || exit.Reason != "Error" || exit.OOMKilled {
		t.Errorf("exit %+v, want 3 Error", exit)
	}
}

func TestOOMKilled(t *testing.T) {
	c := testCluster(t)
	job := testJob(t, "oom")
	job.MemoryBytes = 32 << 20
	if _, err := c.Start(t.Context(), job); err != nil {
		t.Fatal(err)
	}
	exit, err := waitExit(t, c, job.LeaseID)
	if err != nil {
		t.Fatal(err)
	}
	if !exit.OOMKilled || exit.Code != 137 {
		t.Errorf("exit %+v, want OOMKilled, 137", exit)
	}
}

func TestDeadlineExceeded(t *testing.T) {
	c := testCluster(t)
	job := testJob(t, "sleep")
	job.MaxDuration = time.Second
	if _, err := c.Start(t.Context(), job); err != nil {
		t.Fatal(err)
	}
	exit, err := waitExit(t, c, job.LeaseID)
	if err != nil {
		t.Fatal(err)
	}
	if !exit.DeadlineExceeded || exit.Reason != "DeadlineExceeded" {
		t.Errorf("exit %+v, want DeadlineExceeded", exit)
	}
}

// TestCancel: a running job's pod is deleted; Wait ends with ErrNoPod and
// the lease has no pod afterwards.
func TestCancel(t *testing.T) {
	c := testCluster(t)
	job := testJob(t, "say", "started", "sleep")
	if _, err := c.Start(t.Context(), job); err != nil {
		t.Fatal(err)
	}
	waited := make(chan error, 1)
	go func() {
		_, err := waitExit(t, c, job.LeaseID)
		waited <- err
	}()
	testenv.Eventually(t, time.Minute, "the job's pod running", func() (bool, string, error) {
		pod, err := c.Find(t.Context(), job.LeaseID)
		if err != nil {
			return false, "", err
		}
		if pod.Status.Phase == corev1.PodSucceeded || pod.Status.Phase == corev1.PodFailed {
			return false, "", fmt.Errorf("the pod ended %s before it was cancelled", pod.Status.Phase)
		}
		return pod.Status.Phase == corev1.PodRunning, string(pod.Status.Phase), nil
	})
	if err := c.Cancel(t.Context(), job.LeaseID); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-waited:
		if !errors.Is(err, ErrCancelled) {
			t.Errorf("Wait after cancel: %v, want ErrCancelled", err)
		}
	case <-time.After(time.Minute):
		t.Fatal("Wait did not end a minute after cancel")
	}
	// The pod goes once its job has stopped.
	testenv.Eventually(t, time.Minute, "the cancelled pod gone", func() (bool, string, error) {
		_, err := c.Find(t.Context(), job.LeaseID)
		if errors.Is(err, ErrNoPod) {
			return true, "", nil
		}
		return false, fmt.Sprint(err), nil
	})
	if _, err := waitExit(t, c, job.LeaseID); !errors.Is(err, ErrNoPod) {
		t.Errorf("Wait on the cancelled lease: %v, want ErrNoPod", err)
	}
	if err := c.Cancel(t.Context(), job.LeaseID); err != nil {
		t.Errorf("a second Cancel: %v, want nil", err)
	}
}

// TestUnschedulable: a job the cluster has no room for ends with the
// scheduler's reason, not a pod that waits for ever.
func TestUnschedulable(t *testing.T) {
	c := testCluster(t)
	for _, tt := range []struct {
		name string
		edit func(*Job)
		want string
	}{
		{"more GPUs than the node has", func(j *Job) { j.GPUs = 5 }, "Insufficient nvidia.com/gpu"},
		{"a node that does not exist", func(j *Job) { j.Node = "no-such-node" }, "node affinity/selector"},
		{"a MIG profile no node has", func(j *Job) { j.MIG = map[string]int64{"1g.10gb": 1}; j.GPUs = 0 }, "Insufficient nvidia.com/mig-1g.10gb"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			job := testJob(t, "say", "never")
			tt.edit(&job)
			_, err := c.Start(t.Context(), job)
			if !errors.Is(err, ErrUnschedulable) || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Start: %v, want ErrUnschedulable saying %q", err, tt.want)
			}
			// Start took the pod back: the lease has none left.
			if _, err := c.Find(t.Context(), job.LeaseID); err != nil && !errors.Is(err, ErrNoPod) {
				t.Error(err)
			}
			if err := c.Cancel(t.Context(), job.LeaseID); err != nil {
				t.Error(err)
			}
		})
	}
}

// TestFindAfterRestart: a provider that restarts finds its lease's pod by
// the lease's label, checks the lease ID it was annotated with, and waits
// on it as before.
func TestFindAfterRestart(t *testing.T) {
	c := testCluster(t)
	job := testJob(t, "say", "survived", "exit", "0")
	if _, err := c.Start(t.Context(), job); err != nil {
		t.Fatal(err)
	}
	restarted, err := NewForConfig(c.rc, c.cfg)
	if err != nil {
		t.Fatal(err)
	}
	restarted.rc = c.rc
	pod, err := restarted.Find(t.Context(), job.LeaseID)
	if err != nil {
		t.Fatal(err)
	}
	if pod.Annotations[LabelLease] != job.LeaseID {
		t.Errorf("found pod %s of lease %s, want %s", pod.Name, pod.Annotations[LabelLease], job.LeaseID)
	}
	// A lease whose ID shares the label's 63 characters is not this one.
	other := job.LeaseID[:len(job.LeaseID)-1] + "x"
	if _, err := restarted.Find(t.Context(), other); !errors.Is(err, ErrNoPod) {
		t.Errorf("Find(%s): %v, want ErrNoPod", other, err)
	}
	exit, err := waitExit(t, restarted, job.LeaseID)
	if err != nil || exit.Code != 0 {
		t.Errorf("Wait after restart: %+v, %v; want 0", exit, err)
	}
}

// TestLeasesSharingAName: two lease IDs whose pod names agree (they share
// the 228 bits a name keeps) never touch each other's pod: the second is
// refused, and its Wait and Cancel find no pod of its own.
func TestLeasesSharingAName(t *testing.T) {
	c := testCluster(t)
	first := testJob(t, "say", "first", "sleep")
	second := first
	second.LeaseID = first.LeaseID[:len(first.LeaseID)-1] + "0"
	if second.LeaseID == first.LeaseID {
		second.LeaseID = first.LeaseID[:len(first.LeaseID)-1] + "1"
	}
	if podName(first.LeaseID) != podName(second.LeaseID) {
		t.Fatalf("pod names %s and %s differ: the test needs them equal", podName(first.LeaseID), podName(second.LeaseID))
	}
	if _, err := c.Start(t.Context(), first); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Start(t.Context(), second); !errors.Is(err, ErrLeaseHasPod) {
		t.Fatalf("Start of the second lease: %v, want ErrLeaseHasPod", err)
	}
	if _, err := waitExit(t, c, second.LeaseID); !errors.Is(err, ErrNoPod) {
		t.Errorf("Wait on the second lease: %v, want ErrNoPod", err)
	}
	if err := c.Cancel(t.Context(), second.LeaseID); err != nil {
		t.Fatal(err)
	}
	pod, err := c.Find(t.Context(), first.LeaseID)
	if err != nil || pod.DeletionTimestamp != nil {
		t.Errorf("the first lease's pod after the second's cancel: %v (deleting: %v), want it untouched", err, pod != nil && pod.DeletionTimestamp != nil)
	}
	if _, err := admin(t, c).NetworkingV1().NetworkPolicies(c.cfg.Namespace).Get(t.Context(), podName(first.LeaseID), metav1.GetOptions{}); err != nil {
		t.Errorf("the first lease's network policy after the second's cancel: %v, want it kept", err)
	}
}

// TestOutput: what a job wrote to /output comes back as a tar archive
// made by the lease agent, though the job's image has no shell or tar.
func TestOutput(t *testing.T) {
	c := testCluster(t)
	job := testJob(t, "write", "/output/model.json", `{"w":[1,2]}`, "say", "done")
	if _, err := c.Start(t.Context(), job); err != nil {
		t.Fatal(err)
	}
	exit, err := waitExit(t, c, job.LeaseID)
	if err != nil || exit.Code != 0 {
		t.Fatalf("exit %+v, %v; want 0", exit, err)
	}
	var b bytes.Buffer
	out, err := c.Output(t.Context(), job.LeaseID, &b)
	if err != nil {
		t.Fatal(err)
	}
	if sum := sha256.Sum256(b.Bytes()); out.Size != int64(b.Len()) || out.Size == 0 || out.SHA256 != hex.EncodeToString(sum[:]) {
		t.Errorf("Output said %+v, wrote %d bytes of SHA-256 %x", out, b.Len(), sum)
	}
	files := testenv.Untar(t, &b)
	if files["output/model.json"] != `{"w":[1,2]}` {
		t.Errorf("archive %v, want output/model.json", files)
	}

}

// TestOutputLimit: an archive longer than the job's limit (and tar's own
// bytes) is cut off, not copied on.
func TestOutputLimit(t *testing.T) {
	var b bytes.Buffer
	w := &limitedWriter{w: &b, left: 10}
	if _, err := w.Write([]byte("12345")); err != nil {
		t.Fatal(err)
	}
	if _, err := w.Write([]byte("123456")); !errors.Is(err, executor.ErrOutputLimit) || !w.over {
		t.Errorf("a write past the limit: %v, want executor.ErrOutputLimit", err)
	}
	if b.String() != "12345" || w.n != 5 {
		t.Errorf("passed on %q (%d), want the first write alone", b.String(), w.n)
	}
}

// TestStageAndLaunch: Create pulls the job's image and puts its input in
// /input while the job waits; the job starts only at Launch, reads its
// input (read-only), and its deadline counts from Launch.
func TestStageAndLaunch(t *testing.T) {
	c := testCluster(t)
	job := testJob(t, "cat", "/input/data/train.csv", "write", "/input/x", "no")
	staged, err := c.Create(t.Context(), job, testenv.Tar(t, map[string]string{"data/train.csv": "1,2\n3,4\n"}))
	if err != nil {
		t.Fatal(err)
	}
	pod, err := c.Find(t.Context(), job.LeaseID)
	if err != nil {
		t.Fatal(err)
	}
	if st := containerState(pod.Status.ContainerStatuses, jobContainer); st.Running != nil || st.Terminated != nil {
		t.Fatalf("the job's container is %+v before Launch, want it waiting", st)
	}
	launched, err := staged.Launch(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if d := launched.Spec.ActiveDeadlineSeconds; d == nil || *d < int64(job.MaxDuration/time.Second) {
		t.Errorf("deadline %v s after Launch, want at least MaxDuration (%s) from Launch", d, job.MaxDuration)
	}
	exit, err := waitExit(t, c, job.LeaseID)
	logs := logsOf(t, c, job.LeaseID)
	// The job read its input, and could not write into it.
	if err != nil || exit.Code != 2 || !strings.Contains(logs, "1,2\n3,4\n") || !strings.Contains(logs, "read-only") {
		t.Errorf("exit %+v, %v, logs %q: want the input printed, then a refused write into /input (exit 2)", exit, err, logs)
	}
}

// TestAbortNeverRuns: a provider that gives a staged job up before
// Launch: the pod goes and the job never ran. (That the stage lets the job
// run only on the launch line is cmd/lease-agent's TestReceiveRefuses.)
func TestAbortNeverRuns(t *testing.T) {
	c := testCluster(t)
	job := testJob(t, "say", "ran without being paid for")
	staged, err := c.Create(t.Context(), job, testenv.Tar(t, map[string]string{"a": "1"}))
	if err != nil {
		t.Fatal(err)
	}
	waited := make(chan Exit, 1)
	go func() {
		exit, err := waitExit(t, c, job.LeaseID)
		if !errors.Is(err, ErrCancelled) {
			t.Errorf("Wait after Abort: %v, want ErrCancelled", err)
		}
		waited <- exit
	}()
	if err := staged.Abort(t.Context()); err != nil {
		t.Fatal(err)
	}
	if exit := <-waited; exit.Code != -1 || !exit.StartedAt.IsZero() {
		t.Errorf("exit %+v: want a job that never ran", exit)
	}
}
