package cluster

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/httpstream"
	"k8s.io/client-go/tools/remotecommand"
)

// launchLine releases a staged job (cmd/lease-agent's receive).
const launchLine = "launch\n"

// Staged is a lease's pod made and its input in place, the job not yet
// started: Launch starts it, Abort gives it up. Between the two, the
// provider holds the stream that staged the input. The stage lets the job
// run only on the launch line after the input: a provider that goes away
// before Launch leaves a pod that never runs its job (the stage ends when
// the runtime closes its stdin, or waits until the pod is cancelled).
type Staged struct {
	c       *Cluster
	leaseID string
	stdin   *io.PipeWriter
	done    chan error // the attach stream's end
	cancel  context.CancelFunc
	// pullSecret: the lease's pull secret is deleted once the job runs.
	pullSecret bool
}

// Create makes the lease's network policy and pod and stages the job: its
// image pulled (the stage runs the lease agent in it) and input, a tar
// archive (nil for none), unpacked into /input. It returns once the input
// is sent. Billing starts after it: the job does not run until Launch.
// It needs the lease agent (Config.AgentImage) and a cluster made by New.
func (c *Cluster) Create(ctx context.Context, job Job, input io.Reader) (*Staged, error) {
	if err := c.needAgent("staging a job"); err != nil {
		return nil, err
	}
	pod, err := c.create(ctx, job)
	if err != nil {
		return nil, err
	}
	pr, pw := io.Pipe()
	sctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	s := &Staged{c: c, leaseID: job.LeaseID, stdin: pw, done: make(chan error, 1), cancel: cancel, pullSecret: pullsWithAuth(c.cfg, job)}
	if err := c.attachStage(ctx, sctx, pod.Name, pr, s.done); err != nil {
		cancel()
		pw.CloseWithError(err)
		c.Cancel(context.WithoutCancel(ctx), job.LeaseID)
		return nil, fmt.Errorf("lease %s: stage: %w", job.LeaseID, err)
	}
	// The stage runs in the image: pulled, with the login if any. Not
	// recorded, it could be run by a lease without the login.
	if err := c.recordPrivate(job); err != nil {
		s.Abort(context.WithoutCancel(ctx))
		return nil, fmt.Errorf("lease %s: %w", job.LeaseID, err)
	}
	if input == nil {
		input = bytes.NewReader(make([]byte, 1024)) // an empty archive: its two end blocks
	}
	if _, err := io.Copy(pw, input); err != nil {
		s.Abort(context.WithoutCancel(ctx))
		return nil, fmt.Errorf("lease %s: send its input: %w", job.LeaseID, err)
	}
	return s, nil
}

// Attaching to the stage is tried again this soon after the pod's status
// changes, and at most this long apart otherwise (the stage may wait on a
// long image pull).
const (
	attachSoon  = 50 * time.Millisecond
	attachSlack = time.Second
)

// attachStage attaches stdin to pod name's stage container and returns
// once the stream reads it; the stream's end goes to done, and stdin is
// closed then. It attaches as soon as the kubelet runs the stage, which
// is a second or more before the pod's status says so: it tries again and
// again, sooner after each change of that status, until the stream holds,
// the pod cannot start, or the status says the stage runs and one more
// try fails (that try's error). A try holds once the stream reads stdin.
func (c *Cluster) attachStage(ctx, sctx context.Context, name string, stdin *io.PipeReader, done chan<- error) error {
	u := c.api.podURL(c.cfg.Namespace, name, "attach", &corev1.PodAttachOptions{Container: stageContainer, Stdin: true})
	var err error
	in := &firstRead{r: stdin, reading: make(chan struct{})}
	wctx, stop := context.WithCancel(ctx)
	defer stop()
	var runs atomic.Bool
	changed := make(chan struct{}, 1)
	watched := make(chan error, 1)
	go func() {
		watched <- c.watchPod(wctx, name, func(pod *corev1.Pod) (bool, error) {
			if err := cannotStart(pod); err != nil {
				return true, err
			}
			if _, done, err := ended(pod); done {
				if err == nil {
					err = fmt.Errorf("the pod ended before its input was staged: %s", pod.Status.Phase)
				}
				return true, err
			}
			runs.Store(containerState(pod.Status.InitContainerStatuses, stageContainer).Running != nil)
			select {
			case changed <- struct{}{}:
			default:
			}
			return false, nil
		})
	}()
	wait := attachSoon
	for {
		// Early tries go over SPDY: its upgrade fails while the stage is
		// not running, before the stream reads any of stdin. Over
		// WebSocket the API server upgrades first and reports the
		// kubelet's refusal on the stream. Once the status says the
		// stage runs, the one try left goes as other streams do.
		said := runs.Load()
		var exec remotecommand.Executor
		if said {
			exec, err = c.streamer(u)
		} else {
			exec, err = c.spdyStreamer(u)
		}
		if err != nil {
			return err
		}
		ended := make(chan error, 1)
		go func() { ended <- exec.StreamWithContext(sctx, remotecommand.StreamOptions{Stdin: in}) }()
		select {
		case <-in.reading:
		case err = <-ended:
		case err := <-watched:
			return err
		}
		select {
		case <-in.reading: // attached, maybe ended already
			go func() {
				err := <-ended
				stdin.CloseWithError(errors.New("the stage's stream ended"))
				done <- err
			}()
			return nil
		default:
		}
		if said {
			return err
		}
		t := time.NewTimer(wait)
		select {
		case <-t.C:
			wait = min(wait*3/2, attachSlack)
		case <-changed:
			t.Stop()
			wait = attachSoon
		case err := <-watched:
			t.Stop()
			return err
		}
	}
}

// firstRead reads r, closing reading at its first Read: a stream that
// reads its stdin has been made.
type firstRead struct {
	r       io.Reader
	once    sync.Once
	reading chan struct{}
}

func (f *firstRead) Read(p []byte) (int, error) {
	f.once.Do(func() { close(f.reading) })
	return f.r.Read(p)
}

// Launch starts the staged job and returns once its container runs (or
// has already ended). Its deadline, MaxDuration, counts from here.
func (s *Staged) Launch(ctx context.Context) (*corev1.Pod, error) {
	defer s.cancel()
	if _, err := io.WriteString(s.stdin, launchLine); err != nil {
		return nil, fmt.Errorf("lease %s: launch: %w", s.leaseID, err)
	}
	s.stdin.Close()
	select {
	case err := <-s.done:
		if err != nil {
			return nil, fmt.Errorf("lease %s: launch: %w", s.leaseID, err)
		}
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	launched, err := s.c.running(ctx, s.leaseID)
	if err != nil {
		return nil, fmt.Errorf("lease %s: launch: %w", s.leaseID, err)
	}
	if s.pullSecret {
		// The job's container runs, from the image the stage pulled: the
		// login is of no more use. Not sooner: a kubelet that checks a
		// pod's login for an image it has (KubeletEnsureSecretPulledImages)
		// checks it for each container.
		if err := s.c.deletePullSecret(ctx, s.leaseID); err != nil {
			s.c.log.Warn("pull secret left to the cluster's garbage collector", "lease", s.leaseID, "err", err)
		}
	}
	return launched, nil
}

// running waits until the lease's launched job runs (or has ended), and
// gives its pod its deadline, Job.MaxDuration from then, unless it has
// one.
func (c *Cluster) running(ctx context.Context, leaseID string) (*corev1.Pod, error) {
	var launched *corev1.Pod
	err := c.watchPod(ctx, podName(leaseID), func(pod *corev1.Pod) (bool, error) {
		launched = pod
		st := containerState(pod.Status.ContainerStatuses, jobContainer)
		if st.Running != nil || st.Terminated != nil {
			return true, nil
		}
		_, done, err := ended(pod)
		return done, err
	})
	if err != nil {
		return nil, err
	}
	secs, _ := strconv.ParseInt(launched.Annotations[annotationDeadline], 10, 64)
	if secs > 0 && launched.Spec.ActiveDeadlineSeconds == nil && launched.Status.StartTime != nil {
		// The pod's deadline counts from its start: the staging's time
		// and then the job's MaxDuration.
		staged := int64((time.Since(launched.Status.StartTime.Time) + time.Second - 1) / time.Second)
		patch := fmt.Sprintf(`{"spec":{"activeDeadlineSeconds":%d}}`, staged+secs)
		if launched, err = c.api.patchPod(ctx, c.cfg.Namespace, launched.Name, types.StrategicMergePatchType, []byte(patch)); err != nil {
			return nil, fmt.Errorf("set its deadline: %w", err)
		}
	}
	return launched, nil
}

// launched reports whether the lease's staged job was launched: its stage
// ended well, so the job runs or is about to.
func launched(pod *corev1.Pod) bool {
	st := containerState(pod.Status.InitContainerStatuses, stageContainer)
	return st.Terminated != nil && st.Terminated.ExitCode == 0
}

// Abort gives the staged job up: its stream ends without the launch line
// and its pod is deleted; the job never runs.
func (s *Staged) Abort(ctx context.Context) error {
	s.stdin.CloseWithError(errors.New("aborted"))
	s.cancel()
	<-s.done
	return s.c.Cancel(ctx, s.leaseID)
}

// needAgent refuses what needs the lease agent in a cluster without it.
func (c *Cluster) needAgent(what string) error {
	if c.rc == nil || c.cfg.AgentImage == "" {
		return fmt.Errorf("%s needs the lease agent (Config.AgentImage) and a cluster made by New", what)
	}
	return nil
}

// streamer makes an exec or attach stream to u, over WebSocket, or SPDY
// where the server does not take WebSocket.
func (c *Cluster) streamer(u *url.URL) (remotecommand.Executor, error) {
	ws, err := remotecommand.NewWebSocketExecutor(c.rc, "GET", u.String())
	if err != nil {
		return nil, err
	}
	spdy, err := c.spdyStreamer(u)
	if err != nil {
		return nil, err
	}
	return remotecommand.NewFallbackExecutor(ws, spdy, upgradeFailed)
}

// spdyStreamer makes an exec or attach stream to u over SPDY alone.
func (c *Cluster) spdyStreamer(u *url.URL) (remotecommand.Executor, error) {
	return remotecommand.NewSPDYExecutor(c.rc, "POST", u)
}

// upgradeFailed reports whether a WebSocket stream could not be made
// where SPDY may be: the fallback for exec, attach and port forwards.
func upgradeFailed(err error) bool {
	return httpstream.IsUpgradeFailure(err) || httpstream.IsHTTPSProxyError(err)
}

func containerState(statuses []corev1.ContainerStatus, name string) corev1.ContainerState {
	for _, cs := range statuses {
		if cs.Name == name {
			return cs.State
		}
	}
	return corev1.ContainerState{}
}

// ErrImage: a lease's image (or the lease agent's) cannot be used on the
// node: missing where pulls are off, not pullable, or not a valid name.
var ErrImage = errors.New("the image cannot be used")

// imageReasons are the kubelet's reasons for a container that will not
// start for its image. A pull that failed is not retried for a lease: the
// Docker executor does not retry either, and the provider's time is not
// the tenant's to wait on.
var imageReasons = map[string]bool{
	"ErrImageNeverPull": true, "ErrImagePull": true, "ImagePullBackOff": true, "InvalidImageName": true,
}

// cannotStart says why a container of pod will never start, if one will
// not for its image or its configuration.
func cannotStart(pod *corev1.Pod) error {
	for _, cs := range append(slices.Clone(pod.Status.InitContainerStatuses), pod.Status.ContainerStatuses...) {
		w := cs.State.Waiting
		switch {
		case w == nil:
		case imageReasons[w.Reason]:
			return fmt.Errorf("%w: %s: %s: %s", ErrImage, cs.Image, w.Reason, w.Message)
		case w.Reason == "CreateContainerConfigError" || w.Reason == "CreateContainerError":
			return fmt.Errorf("container %s cannot be made: %s: %s", cs.Name, w.Reason, w.Message)
		}
	}
	return nil
}
