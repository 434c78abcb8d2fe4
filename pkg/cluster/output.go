package cluster

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"

	"k8s.io/client-go/tools/remotecommand"

	"github.com/tender-market/tender/pkg/executor"
)

// Output writes the lease's /output to w as a tar archive (entries under
// "output/", as the Docker executor's are) and returns its SHA-256 and
// size. The lease agent beside the job makes it: the tenant's image needs
// no shell or tar. The job should have ended (Wait); the pod must still be
// there. An archive longer than the job's output limit and tar's
// allowance, as the Docker executor counts them (executor.TarAllowance),
// is cut off with executor.ErrOutputLimit; one that arrives shorter than
// the agent sent it fails with ErrCutShort.
func (c *Cluster) Output(ctx context.Context, leaseID string, w io.Writer) (executor.Output, error) {
	if err := c.needAgent("collecting output"); err != nil {
		return executor.Output{}, err
	}
	pod, err := c.Find(ctx, leaseID)
	if err != nil {
		return executor.Output{}, err
	}
	var limit int64
	for _, v := range pod.Spec.Volumes {
		if v.Name == "output" && v.EmptyDir != nil && v.EmptyDir.SizeLimit != nil {
			limit = v.EmptyDir.SizeLimit.Value()
		}
	}
	limit += executor.TarAllowance(limit)
	h := sha256.New()
	out := &limitedWriter{w: io.MultiWriter(w, h), left: limit}
	var stderr bytes.Buffer
	code, err := c.execIn(ctx, pod, agentContainer, []string{"/lease-agent", "tar", "/output"},
		remotecommand.StreamOptions{Stdout: out, Stderr: &limitedWriter{w: &stderr, left: 4096}})
	said := bytes.TrimSpace(stderr.Bytes())
	switch {
	case out.over:
		return executor.Output{}, fmt.Errorf("lease %s: %w: the archive is over %d bytes", leaseID, executor.ErrOutputLimit, limit)
	case err != nil:
		return executor.Output{}, fmt.Errorf("output: %w: %s", err, said)
	case code != 0:
		return executor.Output{}, fmt.Errorf("lease %s: output: the lease agent exited %d: %s", leaseID, code, said)
	}
	// A stream from a pod can end early without an error (the kubelet's
	// and runtime's copy of a process's output races its exit): the
	// agent says what it sent.
	sum := hex.EncodeToString(h.Sum(nil))
	if want := fmt.Sprintf("sha256=%s size=%d", sum, out.n); string(said) != want {
		return executor.Output{}, fmt.Errorf("lease %s: %w: got %d bytes (%s), the agent sent %q", leaseID, ErrCutShort, out.n, want, said)
	}
	return executor.Output{SHA256: sum, Size: out.n}, nil
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
