package cluster

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/client-go/tools/remotecommand"

	"github.com/tender-market/tender/pkg/executor"
)

// Output writes the lease's /output to w as a tar archive (entries under
// "output/", as the Docker executor's are) and returns its size. The lease
// agent beside the job makes it: the tenant's image needs no shell or tar.
// The job should have ended (Wait); the pod must still be there. An archive
// longer than the job's output limit and tar's allowance, as the Docker
// executor counts them (executor.TarAllowance), is cut off with
// executor.ErrOutputLimit.
func (c *Cluster) Output(ctx context.Context, leaseID string, w io.Writer) (int64, error) {
	if err := c.needAgent("collecting output"); err != nil {
		return 0, err
	}
	pod, err := c.Find(ctx, leaseID)
	if err != nil {
		return 0, err
	}
	var limit int64
	for _, v := range pod.Spec.Volumes {
		if v.Name == "output" && v.EmptyDir != nil && v.EmptyDir.SizeLimit != nil {
			limit = v.EmptyDir.SizeLimit.Value()
		}
	}
	limit += executor.TarAllowance(limit)
	exec, err := c.streamer(c.api.podURL(pod.Namespace, pod.Name, "exec", &corev1.PodExecOptions{
		Container: agentContainer,
		Command:   []string{"/lease-agent", "tar", "/output"},
		Stdout:    true,
		Stderr:    true,
	}))
	if err != nil {
		return 0, fmt.Errorf("lease %s: output: %w", leaseID, err)
	}
	h := sha256.New()
	out := &limitedWriter{w: io.MultiWriter(w, h), left: limit}
	var stderr bytes.Buffer
	err = exec.StreamWithContext(ctx, remotecommand.StreamOptions{Stdout: out, Stderr: &limitedWriter{w: &stderr, left: 4096}})
	switch {
	case out.over:
		return out.n, fmt.Errorf("lease %s: %w: the archive is over %d bytes", leaseID, executor.ErrOutputLimit, limit)
	case err != nil:
		return out.n, fmt.Errorf("lease %s: output: %w: %s", leaseID, err, bytes.TrimSpace(stderr.Bytes()))
	}
	// A stream from a pod can end early without an error (the kubelet's
	// and runtime's copy of a process's output races its exit): the
	// agent says what it sent.
	want := fmt.Sprintf("sha256=%x size=%d", h.Sum(nil), out.n)
	if got := string(bytes.TrimSpace(stderr.Bytes())); got != want {
		return out.n, fmt.Errorf("lease %s: %w: got %d bytes (%s), the agent sent %q", leaseID, ErrCutShort, out.n, want, got)
	}
	return out.n, nil
}

// ErrCutShort: an archive from a pod did not arrive whole.
var ErrCutShort = errors.New("the output archive arrived cut short")

// limitedWriter passes on at most left bytes, then fails.
type limitedWriter struct {
	w    io.Writer
	n    int64
	left int64
	over bool
}

func (l *limitedWriter) Write(p []byte) (int, error) {
	if int64(len(p)) > l.left {
		l.over = true
		return 0, executor.ErrOutputLimit
	}
	k, err := l.w.Write(p)
	l.n += int64(k)
	l.left -= int64(k)
	return k, err
}
