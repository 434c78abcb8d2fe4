package cluster

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/client-go/tools/remotecommand"
	utilexec "k8s.io/client-go/util/exec"

	"github.com/tender-market/tender/pkg/executor"
)

// Stop ends the lease's job and keeps its pod, so its /output can still be
// collected (Output): the lease agent beside it sends the job's processes
// SIGTERM, and SIGKILL to those left after grace. A job that has ended
// already is not an error.
func (c *Cluster) Stop(ctx context.Context, leaseID string, grace time.Duration) error {
	if err := c.needAgent("stopping a job"); err != nil {
		return err
	}
	var stderr bytes.Buffer
	secs := strconv.Itoa(int((grace + time.Second - 1) / time.Second))
	code, err := c.exec(ctx, leaseID, agentContainer, []string{"/lease-agent", "stop", secs}, remotecommand.StreamOptions{
		Stdout: io.Discard, Stderr: &limitedWriter{w: &stderr, left: 4096},
	})
	if err == nil && code != 0 {
		err = fmt.Errorf("the lease agent exited %d: %s", code, bytes.TrimSpace(stderr.Bytes()))
	}
	if err != nil {
		return fmt.Errorf("lease %s: stop its job: %w", leaseID, err)
	}
	return nil
}

// Exec runs cmd in the lease's job container, confined as the job is (its
// user, no capabilities, no new privileges: the container's own
// settings), with no terminal and no standard input, and returns its exit
// status.
func (c *Cluster) Exec(ctx context.Context, leaseID string, cmd []string, stdout, stderr io.Writer) (int, error) {
	return c.exec(ctx, leaseID, jobContainer, cmd, remotecommand.StreamOptions{Stdout: orDiscard(stdout), Stderr: orDiscard(stderr)})
}

// Shell runs cmd in the lease's job container on a terminal of size, as
// Exec confined: stdin is typed on it, what it shows goes to out, and
// each size on resize resizes it.
func (c *Cluster) Shell(ctx context.Context, leaseID string, cmd []string, size executor.TermSize, stdin io.Reader, out io.Writer, resize <-chan executor.TermSize) (int, error) {
	q := &sizeQueue{first: &remotecommand.TerminalSize{Width: size.Cols, Height: size.Rows}, next: resize, done: ctx.Done()}
	return c.exec(ctx, leaseID, jobContainer, cmd, remotecommand.StreamOptions{Stdin: stdin, Stdout: out, Tty: true, TerminalSizeQueue: q})
}

// exec runs cmd in container of the lease's pod.
func (c *Cluster) exec(ctx context.Context, leaseID, container string, cmd []string, opts remotecommand.StreamOptions) (int, error) {
	pod, err := c.Find(ctx, leaseID)
	if err != nil {
		return 0, err
	}
	return c.execIn(ctx, pod, container, cmd, opts)
}

// execIn runs cmd in container of pod and returns its exit status.
func (c *Cluster) execIn(ctx context.Context, pod *corev1.Pod, container string, cmd []string, opts remotecommand.StreamOptions) (int, error) {
	leaseID := pod.Annotations[LabelLease]
	if c.rc == nil {
		return 0, errors.New("running a command in a pod needs a cluster made by New")
	}
	if st := containerState(pod.Status.ContainerStatuses, container); st.Running == nil {
		return 0, fmt.Errorf("lease %s: %w", leaseID, executor.ErrNotRunning)
	}
	u := c.api.podURL(pod.Namespace, pod.Name, "exec", &corev1.PodExecOptions{
		Container: container,
		Command:   cmd,
		Stdin:     opts.Stdin != nil,
		Stdout:    opts.Stdout != nil,
		Stderr:    opts.Stderr != nil,
		TTY:       opts.Tty,
	})
	s, err := c.streamer(u)
	if err != nil {
		return 0, fmt.Errorf("lease %s: exec: %w", leaseID, err)
	}
	err = s.StreamWithContext(ctx, opts)
	var exit utilexec.ExitError
	if errors.As(err, &exit) && exit.Exited() {
		return exit.ExitStatus(), nil
	}
	if err != nil {
		return 0, fmt.Errorf("lease %s: exec: %w", leaseID, err)
	}
	return 0, nil
}

func orDiscard(w io.Writer) io.Writer {
	if w == nil {
		return io.Discard
	}
	return w
}

// sizeQueue hands a terminal's sizes to the exec stream: the first, then
// each resize, until the stream or ctx ends.
type sizeQueue struct {
	first *remotecommand.TerminalSize
	next  <-chan executor.TermSize
	done  <-chan struct{}
}

func (q *sizeQueue) Next() *remotecommand.TerminalSize {
	if f := q.first; f != nil {
		q.first = nil
		return f
	}
	select {
	case s, ok := <-q.next:
		if !ok {
			return nil
		}
		return &remotecommand.TerminalSize{Width: s.Cols, Height: s.Rows}
	case <-q.done:
		return nil
	}
}
