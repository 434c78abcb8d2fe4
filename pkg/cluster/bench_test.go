package cluster

import (
	"context"
	"fmt"
	"io"
	"net"
	"strconv"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/fields"

	"github.com/tender-market/tender/internal/testenv"
)

// BenchmarkPodRunning measures a lease's pod from its creation until its
// job runs, next to a bare pod of the job alone created through client-go,
// alternating in the same run (at least 10 of each). The lease's pod
// stages the job first (Create: the lease agent installed, the job's image
// pulled, the input in place; the provider's time) and then launches it
// (Launch: the billed start), reported apart as create-ms and launch-ms.
// The target is a ratio ("ratio", lease over bare) of at most 1.2.
func BenchmarkPodRunning(b *testing.B) {
	c := testCluster(b)
	n := max(b.N, 10)
	bareCfg := c.cfg
	bareCfg.AgentImage = ""
	var create, launch, bare time.Duration
	b.ResetTimer()
	for range n {
		job := testJob(b, "sleep")
		start := time.Now()
		staged, err := c.Create(b.Context(), job, nil)
		if err != nil {
			b.Fatal(err)
		}
		create += time.Since(start)
		start = time.Now()
		if _, err := staged.Launch(b.Context()); err != nil {
			b.Fatal(err)
		}
		waitRunning(b, c, podName(job.LeaseID))
		launch += time.Since(start)

		pod, err := PodFor(bareCfg, testJob(b, "sleep"))
		if err != nil {
			b.Fatal(err)
		}
		start = time.Now()
		if _, err := admin(b, c).CoreV1().Pods(c.cfg.Namespace).Create(b.Context(), pod, metav1.CreateOptions{}); err != nil {
			b.Fatal(err)
		}
		waitRunning(b, c, pod.Name)
		bare += time.Since(start)

		b.StopTimer()
		zero := int64(0)
		if err := admin(b, c).CoreV1().Pods(c.cfg.Namespace).DeleteCollection(b.Context(), metav1.DeleteOptions{GracePeriodSeconds: &zero}, metav1.ListOptions{}); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
	}
	b.StopTimer()
	ms := func(d time.Duration) float64 { return float64(d) / float64(n) / float64(time.Millisecond) }
	b.ReportMetric(ms(create), "create-ms")
	b.ReportMetric(ms(launch), "launch-ms")
	b.ReportMetric(ms(bare), "bare-ms")
	b.ReportMetric(float64(create+launch)/float64(bare), "ratio")
}

// waitRunning watches pod name until it runs.
func waitRunning(b *testing.B, c *Cluster, name string) {
	b.Helper()
	ctx, cancel := context.WithTimeout(b.Context(), time.Minute)
	defer cancel()
	w, err := admin(b, c).CoreV1().Pods(c.cfg.Namespace).Watch(ctx, metav1.ListOptions{FieldSelector: fields.OneTermEqualSelector("metadata.name", name).String()})
	if err != nil {
		b.Fatal(err)
	}
	defer w.Stop()
	for ev := range w.ResultChan() {
		if pod, ok := ev.Object.(*corev1.Pod); ok && pod.Status.Phase == corev1.PodRunning {
			return
		}
	}
	b.Fatalf("pod %s not running within a minute", name)
}

// BenchmarkOutput measures a finished job's /output collected through the
// lease agent (an exec stream through the API server and kubelet), 256 MiB
// in one file: MiB/s of the archive, at the agent's CPU.
func BenchmarkOutput(b *testing.B) {
	c := testCluster(b)
	const mib = 256
	job := testJob(b, "fill", "/output/weights", strconv.Itoa(mib))
	job.MemoryBytes, job.OutputLimit = 512<<20, 2*mib<<20
	if _, err := c.Start(b.Context(), job); err != nil {
		b.Fatal(err)
	}
	defer c.Cancel(context.WithoutCancel(b.Context()), job.LeaseID)
	ctx, cancel := context.WithTimeout(b.Context(), 2*time.Minute)
	defer cancel()
	if exit, err := c.Wait(ctx, job.LeaseID); err != nil || exit.Code != 0 {
		b.Fatalf("exit %+v, %v", exit, err)
	}
	b.ResetTimer()
	var size int64
	for range b.N {
		out, err := c.Output(b.Context(), job.LeaseID, io.Discard)
		if err != nil {
			b.Fatal(err)
		}
		size += out.Size
	}
	b.StopTimer()
	b.ReportMetric(float64(size)/(1<<20)/b.Elapsed().Seconds(), "MiB/s")
}

// BenchmarkServiceThroughput measures a service's connection through the
// provider's port forward (DialService: API server, kubelet, the pod's
// network namespace) against a connection straight to the pod's address,
// which the test node's host can reach (a provider off the cluster could
// not), alternating in the same run: 32 MiB sent to the test job's echo
// service and read back, per connection (MiB/s of payload each way).
func BenchmarkServiceThroughput(b *testing.B) {
	c := testCluster(b)
	job := testJob(b, "serve", "8080")
	job.Expose = []uint16{8080}
	staged, err := c.Create(b.Context(), job, nil)
	if err != nil {
		b.Fatal(err)
	}
	defer c.Cancel(context.WithoutCancel(b.Context()), job.LeaseID)
	pod, err := staged.Launch(b.Context())
	if err != nil {
		b.Fatal(err)
	}
	var forwarded net.Conn
	testenv.Eventually(b, time.Minute, "the job's service answering", func() (bool, string, error) {
		conn, err := c.DialService(b.Context(), job.LeaseID, 8080)
		if err != nil {
			return false, err.Error(), nil
		}
		if err := readGreeting(conn); err != nil {
			conn.Close()
			return false, err.Error(), nil
		}
		forwarded = conn
		return true, "", nil
	})
	forwarded.Close()
	if pod, err = c.Find(b.Context(), job.LeaseID); err != nil || pod.Status.PodIP == "" {
		b.Fatalf("the pod's address: %v", err)
	}
	const size = 32 << 20
	var viaForward, direct time.Duration
	n := max(b.N, 3)
	b.ResetTimer()
	for range n {
		conn, err := c.DialService(b.Context(), job.LeaseID, 8080)
		if err != nil {
			b.Fatal(err)
		}
		viaForward += echo(b, conn, size)
		conn, err = net.Dial("tcp", net.JoinHostPort(pod.Status.PodIP, "8080"))
		if err != nil {
			b.Fatal(err)
		}
		direct += echo(b, conn, size)
	}
	b.StopTimer()
	mibs := func(d time.Duration) float64 { return float64(n) * size / (1 << 20) / d.Seconds() }
	b.ReportMetric(mibs(viaForward), "forward-MiB/s")
	b.ReportMetric(mibs(direct), "direct-MiB/s")
	b.ReportMetric(mibs(viaForward)/mibs(direct), "ratio")
	b.ReportMetric(0, "ns/op")
}

// readGreeting reads the test job's greeting from a new connection to it.
func readGreeting(conn net.Conn) error {
	greeting := make([]byte, len("hello from the job\n"))
	if _, err := io.ReadFull(conn, greeting); err != nil {
		return err
	}
	if string(greeting) != "hello from the job\n" {
		return fmt.Errorf("greeting %q", greeting)
	}
	return nil
}

// echo sends size bytes on conn, to the test job's echo service, reads
// them back, closes conn, and says how long it took.
func echo(b *testing.B, conn net.Conn, size int) time.Duration {
	b.Helper()
	defer conn.Close()
	if err := readGreeting(conn); err != nil {
		b.Fatal(err)
	}
	start := time.Now()
	sent := make(chan error, 1)
	go func() {
		_, err := io.Copy(conn, io.LimitReader(zeros{}, int64(size)))
		sent <- err
	}()
	if _, err := io.CopyN(io.Discard, conn, int64(size)); err != nil {
		b.Fatalf("read the echo: %v", err)
	}
	took := time.Since(start)
	if err := <-sent; err != nil {
		b.Fatalf("send: %v", err)
	}
	return took
}

// zeros reads as endless zero bytes.
type zeros struct{}

func (zeros) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}
