package cluster

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"

	"github.com/tender-market/tender/pkg/executor"
)

// An image of a private registry (Job.RegistryAuth) is pulled by the
// kubelet with a pull secret of the lease's own: made before the pod,
// owned by it once it exists (so that the cluster deletes it with the
// pod, even when the provider is gone), and deleted as soon as the job's
// image is on the node (the stage runs in it). The credentials live in
// the cluster only while the image is pulled; they are never in the pod's
// spec, its annotations, an error or a log.

// A node keeps what it pulled with a login for any pod that names it:
// unless its kubelet checks logins (KubeletEnsureSecretPulledImages), a
// lease without one would run another tenant's private image. So the
// repositories pulled with a login are recorded (Config.PrivateImages),
// and a lease without a login that names one pulls it with none.

// checkPrivate marks job to pull its image anyway when it has no login and
// its repository was pulled with one; with pulls off, it refuses it.
func (c *Cluster) checkPrivate(job *Job) error {
	if c.private == nil || job.RegistryAuth != nil || c.private.None() {
		return nil
	}
	repo, err := executor.Repository(job.Image)
	if err != nil || !c.private.Has(repo) {
		return err
	}
	if c.cfg.PullPolicy == corev1.PullNever {
		return fmt.Errorf("lease %s: image %s is %w; pulling is turned off", job.LeaseID, job.Image, executor.ErrImageLogin)
	}
	job.pullAnyway = true
	return nil
}

// recordPrivate records the repository of a job's image, pulled with its
// login.
func (c *Cluster) recordPrivate(job Job) error {
	if c.private == nil || !pullsWithAuth(c.cfg, job) {
		return nil
	}
	repo, err := executor.Repository(job.Image)
	if err == nil {
		err = c.private.Add(repo)
	}
	return err
}

// pullSecretName is the pull secret of the lease whose pod is pod.
func pullSecretName(pod string) string { return pod + "-pull" }

// pullsWithAuth reports whether the job's image is pulled with its
// credentials: it has some, and the kubelet may pull.
func pullsWithAuth(cfg Config, job Job) bool {
	return job.RegistryAuth != nil && cfg.PullPolicy != corev1.PullNever
}

// createPullSecret makes the lease's pull secret, in place of one a
// provider that stopped before its pod was made left.
func (c *Cluster) createPullSecret(ctx context.Context, job Job) error {
	secret, err := pullSecretFor(c.cfg.Namespace, job)
	if err != nil {
		return err
	}
	err = c.api.createSecret(ctx, secret)
	if apierrors.IsAlreadyExists(err) {
		if err = c.deletePullSecret(ctx, job.LeaseID); err == nil {
			err = c.api.createSecret(ctx, secret)
		}
	}
	if err != nil {
		return fmt.Errorf("lease %s: pull secret: %w", job.LeaseID, err)
	}
	return nil
}

// pullSecretFor is the dockerconfigjson secret that holds auth for image's
// registry.
func pullSecretFor(ns string, job Job) (*corev1.Secret, error) {
	host, err := executor.RegistryHost(job.Image)
	if err != nil {
		return nil, err
	}
	a := job.RegistryAuth
	entry := map[string]string{
		"username": a.Username, "password": a.Password,
		"auth": base64.StdEncoding.EncodeToString([]byte(a.Username + ":" + a.Password)),
	}
	auths := map[string]any{host: entry}
	if host == "docker.io" {
		auths["https://index.docker.io/v1/"] = entry // the key Docker Hub's logins have
	}
	cfg, err := json.Marshal(map[string]any{"auths": auths})
	if err != nil {
		return nil, fmt.Errorf("encode the registry credentials")
	}
	return &corev1.Secret{
		ObjectMeta: metav1.ObjectMeta{
			Name:      pullSecretName(podName(job.LeaseID)),
			Namespace: ns,
			Labels:    map[string]string{LabelLease: leaseLabel(job.LeaseID)},
		},
		Type: corev1.SecretTypeDockerConfigJson,
		Data: map[string][]byte{corev1.DockerConfigJsonKey: cfg},
	}, nil
}

// ownPullSecret makes pod the owner of its lease's pull secret: the
// cluster's garbage collector deletes the secret with the pod.
func (c *Cluster) ownPullSecret(ctx context.Context, pod *corev1.Pod) error {
	owner := metav1.OwnerReference{APIVersion: "v1", Kind: "Pod", Name: pod.Name, UID: pod.UID}
	patch, err := json.Marshal(map[string]any{"metadata": map[string]any{"ownerReferences": []metav1.OwnerReference{owner}}})
	if err != nil {
		return err
	}
	return c.api.patchSecret(ctx, pod.Namespace, pullSecretName(pod.Name), types.MergePatchType, patch)
}

// deletePullSecret deletes the lease's pull secret; none is no error.
func (c *Cluster) deletePullSecret(ctx context.Context, leaseID string) error {
	err := c.api.deleteSecret(ctx, c.cfg.Namespace, pullSecretName(podName(leaseID)))
	if err != nil && !apierrors.IsNotFound(err) {
		return fmt.Errorf("lease %s: delete its pull secret: %w", leaseID, err)
	}
	return nil
}
