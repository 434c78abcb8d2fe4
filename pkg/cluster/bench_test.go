package cluster

import (
	"context"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/fields"
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
