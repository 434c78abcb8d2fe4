package cluster

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/fields"
	"k8s.io/apimachinery/pkg/watch"
)

var (
	// ErrUnschedulable ends Wait for a pod the scheduler cannot place; the
	// error says the scheduler's reason ("0/1 nodes are available: 1
	// Insufficient nvidia.com/gpu.").
	ErrUnschedulable = errors.New("the cluster cannot schedule the job")
	// ErrLeaseHasPod refuses a second pod for a lease.
	ErrLeaseHasPod = errors.New("the lease already has a pod")
	// ErrNoPod is a lease without a pod: never started, or removed.
	ErrNoPod = errors.New("the lease has no pod")
	// ErrCancelled ends Wait for a pod that was deleted (Cancel) before
	// it ended by itself.
	ErrCancelled = errors.New("the lease's pod was deleted")
)

// Exit is how a job's pod ended.
type Exit struct {
	// Code is the job's exit code; -1 when it never ran to an exit.
	Code int `json:"code"`
	// Reason is Kubernetes' word: "Completed", "Error", "OOMKilled",
	// "DeadlineExceeded".
	Reason string `json:"reason"`
	// Message is the container's termination message, or the pod's.
	Message string `json:"message,omitempty"`
	// OOMKilled: the job passed its memory limit. DeadlineExceeded: it
	// ran past its MaxDuration.
	OOMKilled        bool      `json:"oomKilled"`
	DeadlineExceeded bool      `json:"deadlineExceeded"`
	StartedAt        time.Time `json:"startedAt"`
	FinishedAt       time.Time `json:"finishedAt"`
}

// Start creates the lease's pod and starts its job at once (with the lease
// agent: Create without input, then Launch).
func (c *Cluster) Start(ctx context.Context, job Job) (*corev1.Pod, error) {
	if c.cfg.AgentImage == "" {
		return c.create(ctx, job)
	}
	s, err := c.Create(ctx, job, nil)
	if err != nil {
		return nil, err
	}
	return s.Launch(ctx)
}

// create makes the lease's network policy and pod (and the namespace, the
// first time).
func (c *Cluster) create(ctx context.Context, job Job) (*corev1.Pod, error) {
	if err := c.checkPrivate(&job); err != nil {
		return nil, err
	}
	pod, err := PodFor(c.cfg, job)
	if err != nil {
		return nil, err
	}
	if err := c.ensureNamespace(ctx); err != nil {
		return nil, err
	}
	err = c.api.createPolicy(ctx, policyFor(c.cfg.Namespace, job))
	if err != nil && !apierrors.IsAlreadyExists(err) {
		return nil, fmt.Errorf("lease %s: network policy: %w", job.LeaseID, err)
	}
	withAuth := pullsWithAuth(c.cfg, job)
	if withAuth {
		if err := c.createPullSecret(ctx, job); err != nil {
			return nil, err
		}
	}
	created, err := c.api.createPod(ctx, pod)
	if err != nil && withAuth {
		c.deletePullSecret(context.WithoutCancel(ctx), job.LeaseID)
	}
	if apierrors.IsAlreadyExists(err) {
		return nil, fmt.Errorf("lease %s: %w", job.LeaseID, ErrLeaseHasPod)
	}
	if err != nil {
		return nil, fmt.Errorf("lease %s: create pod: %w", job.LeaseID, err)
	}
	if withAuth {
		if err := c.ownPullSecret(ctx, created); err != nil {
			c.Cancel(context.WithoutCancel(ctx), job.LeaseID)
			return nil, fmt.Errorf("lease %s: give its pull secret to its pod: %w", job.LeaseID, err)
		}
	}
	c.log.Info("lease pod created", "lease", job.LeaseID, "pod", created.Name, "node", job.Node)
	return created, nil
}

// ensureNamespace makes the namespace when it is missing. A provider whose
// account may not read namespaces (docs/kubernetes/provider-rbac.yaml)
// takes it as made by the cluster's owner.
func (c *Cluster) ensureNamespace(ctx context.Context) error {
	err := c.api.getNamespace(ctx, c.cfg.Namespace)
	if apierrors.IsForbidden(err) {
		return nil
	}
	if apierrors.IsNotFound(err) {
		err = c.api.createNamespace(ctx, c.cfg.Namespace)
		if apierrors.IsAlreadyExists(err) {
			err = nil
		}
	}
	if err != nil {
		return fmt.Errorf("namespace %s: %w", c.cfg.Namespace, err)
	}
	return nil
}

// Find is the lease's pod, after a restart as before it.
func (c *Cluster) Find(ctx context.Context, leaseID string) (*corev1.Pod, error) {
	list, err := c.api.listPods(ctx, c.cfg.Namespace, metav1.ListOptions{
		LabelSelector: LabelLease + "=" + leaseLabel(leaseID),
	})
	if err != nil {
		return nil, fmt.Errorf("lease %s: find its pod: %w", leaseID, err)
	}
	for i := range list.Items {
		if list.Items[i].Annotations[LabelLease] == leaseID {
			return &list.Items[i], nil
		}
	}
	return nil, fmt.Errorf("lease %s: %w", leaseID, ErrNoPod)
}

// Wait waits until the lease's pod has ended, and says how. A pod the
// scheduler cannot place ends it with ErrUnschedulable; one deleted
// (cancelled) with ErrCancelled, and how it ended if it had; a lease
// without a pod with ErrNoPod.
func (c *Cluster) Wait(ctx context.Context, leaseID string) (Exit, error) {
	var exit Exit
	err := c.watchPod(ctx, podName(leaseID), func(pod *corev1.Pod) (bool, error) {
		if pod.Annotations[LabelLease] != leaseID {
			return true, ErrNoPod
		}
		var done bool
		var err error
		exit, done, err = ended(pod)
		return done, err
	})
	if err != nil {
		return exit, fmt.Errorf("lease %s: %w", leaseID, err)
	}
	return exit, nil
}

// watchPod calls judge with pod name as it is and at each change, until
// judge says it is done. A missing pod ends it with ErrNoPod; a deleted
// one is judged with its deletion marked, and ends it with ErrCancelled
// when judge does not end it first.
func (c *Cluster) watchPod(ctx context.Context, name string, judge func(*corev1.Pod) (bool, error)) error {
	for {
		pod, err := c.api.getPod(ctx, c.cfg.Namespace, name)
		if apierrors.IsNotFound(err) {
			return ErrNoPod
		}
		if err != nil {
			return err
		}
		if done, err := judge(pod); done {
			return err
		}
		w, err := c.api.watchPods(ctx, c.cfg.Namespace, metav1.ListOptions{
			FieldSelector:   fields.OneTermEqualSelector("metadata.name", name).String(),
			ResourceVersion: pod.ResourceVersion,
		})
		if err != nil {
			return fmt.Errorf("watch pod %s: %w", name, err)
		}
		done, err := watchUntil(ctx, w, judge)
		w.Stop()
		if done {
			return err
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		// The watch ended (the API server closes them now and then):
		// read the pod again and watch on.
	}
}

// watchUntil follows a pod's watch until judge is done with it, the pod is
// deleted, or the watch ends (not done).
func watchUntil(ctx context.Context, w watch.Interface, judge func(*corev1.Pod) (bool, error)) (bool, error) {
	for {
		select {
		case <-ctx.Done():
			return false, ctx.Err()
		case ev, ok := <-w.ResultChan():
			if !ok || ev.Type == watch.Error {
				return false, nil
			}
			pod, ok := ev.Object.(*corev1.Pod)
			if !ok {
				continue
			}
			if ev.Type == watch.Deleted {
				if pod.DeletionTimestamp == nil {
					now := metav1.Now()
					pod.DeletionTimestamp = &now
				}
				if done, err := judge(pod); done {
					return true, err
				}
				return true, ErrCancelled
			}
			if done, err := judge(pod); done {
				return true, err
			}
		}
	}
}

// ended judges a pod: whether it has ended and how, was deleted, or cannot
// be scheduled.
func ended(pod *corev1.Pod) (Exit, bool, error) {
	unsched, cannot := unschedulable(pod)
	exit, done := jobExit(pod)
	switch {
	case pod.DeletionTimestamp != nil:
		if cannot {
			exit = unsched
		} else if !done {
			exit = Exit{Code: -1} // it had not ended
		}
		return exit, true, ErrCancelled
	case cannot:
		return unsched, true, fmt.Errorf("%w: %s", ErrUnschedulable, unsched.Message)
	}
	return exit, done, nil
}

// unschedulable reports a pod the scheduler cannot place, with its reason.
func unschedulable(pod *corev1.Pod) (Exit, bool) {
	for _, cond := range pod.Status.Conditions {
		if cond.Type == corev1.PodScheduled && cond.Status == corev1.ConditionFalse && cond.Reason == corev1.PodReasonUnschedulable {
			return Exit{Code: -1, Reason: cond.Reason, Message: cond.Message}, true
		}
	}
	return Exit{}, false
}

// jobExit is how the job ended, once its container has (though the agent
// beside it still runs) or the pod has.
func jobExit(pod *corev1.Pod) (Exit, bool) {
	var job *corev1.ContainerStateTerminated
	for _, cs := range pod.Status.ContainerStatuses {
		if cs.Name == jobContainer {
			job = cs.State.Terminated
		}
	}
	if job == nil && pod.Status.Phase != corev1.PodSucceeded && pod.Status.Phase != corev1.PodFailed {
		return Exit{}, false
	}
	exit := Exit{Code: -1, Reason: pod.Status.Reason, Message: pod.Status.Message}
	exit.DeadlineExceeded = pod.Status.Reason == "DeadlineExceeded"
	if job != nil {
		exit.Code = int(job.ExitCode)
		if exit.Reason == "" {
			exit.Reason = job.Reason
		}
		if job.Message != "" {
			exit.Message = job.Message
		}
		exit.OOMKilled = job.Reason == "OOMKilled"
		exit.StartedAt, exit.FinishedAt = job.StartedAt.Time, job.FinishedAt.Time
	}
	return exit, true
}

// Logs copies the job's output (stdout and stderr) to w: what it has
// written so far, and with follow on until it ends.
func (c *Cluster) Logs(ctx context.Context, leaseID string, w io.Writer, follow bool) error {
	rc, err := c.api.podLogs(ctx, c.cfg.Namespace, podName(leaseID), &corev1.PodLogOptions{Container: jobContainer, Follow: follow})
	if err != nil {
		return fmt.Errorf("lease %s: logs: %w", leaseID, err)
	}
	defer rc.Close()
	if _, err := io.Copy(w, rc); err != nil {
		return fmt.Errorf("lease %s: logs: %w", leaseID, err)
	}
	return nil
}

// Cancel deletes the lease's pod (its job gets SIGTERM, then SIGKILL after
// the grace period) and its network policy. A lease without them is
// cancelled already.
func (c *Cluster) Cancel(ctx context.Context, leaseID string) error {
	pod, err := c.Find(ctx, leaseID)
	switch {
	case errors.Is(err, ErrNoPod):
		// A pod of this name is another lease's, and so is the policy.
		if _, err := c.api.getPod(ctx, c.cfg.Namespace, podName(leaseID)); err == nil {
			return nil
		}
	case err != nil:
		return err
	default:
		// Only that pod: never another lease's of the same name.
		err = c.api.deletePod(ctx, c.cfg.Namespace, pod.Name, metav1.DeleteOptions{Preconditions: &metav1.Preconditions{UID: &pod.UID}})
		if err != nil && !apierrors.IsNotFound(err) {
			return fmt.Errorf("lease %s: delete its pod: %w", leaseID, err)
		}
	}
	err = c.api.deletePolicy(ctx, c.cfg.Namespace, podName(leaseID))
	if err != nil && !apierrors.IsNotFound(err) {
		return fmt.Errorf("lease %s: delete its network policy: %w", leaseID, err)
	}
	if err := c.deletePullSecret(ctx, leaseID); err != nil {
		return err
	}
	c.log.Info("lease pod deleted", "lease", leaseID)
	return nil
}

// Leases are the lease IDs of the pods in the namespace.
func (c *Cluster) Leases(ctx context.Context) ([]string, error) {
	list, err := c.api.listPods(ctx, c.cfg.Namespace, metav1.ListOptions{LabelSelector: LabelLease})
	if err != nil {
		return nil, fmt.Errorf("list the leases' pods: %w", err)
	}
	ids := make([]string, 0, len(list.Items))
	for _, p := range list.Items {
		if id := p.Annotations[LabelLease]; id != "" {
			ids = append(ids, id)
		}
	}
	return ids, nil
}
