package cluster

import (
	"errors"
	"fmt"
	"log/slog"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
)

// Config says which cluster and namespace a provider's leases run in.
type Config struct {
	// Kubeconfig is the path of a kubeconfig file; empty uses the
	// in-cluster config of a provider that runs as a pod.
	Kubeconfig string
	// Namespace holds the leases' pods and network policies. Default
	// "tender".
	Namespace string
	// PullPolicy is the pods' imagePullPolicy. Default IfNotPresent.
	PullPolicy corev1.PullPolicy
	// AgentImage is the image of cmd/lease-agent, run in each lease's pod
	// beside the job to hand its /output over (Output). Empty runs no
	// agent, and a lease's output cannot be collected.
	AgentImage string
	// Logger gets what the cluster does; nil discards it.
	Logger *slog.Logger
}

// Cluster runs leases as pods on one Kubernetes cluster.
type Cluster struct {
	api *api
	rc  *rest.Config // for exec and attach
	cfg Config
	log *slog.Logger
}

// New connects to the cluster cfg names. It does not call the API: Nodes
// is the first call that does.
func New(cfg Config) (*Cluster, error) {
	var rc *rest.Config
	var err error
	if cfg.Kubeconfig != "" {
		rc, err = clientcmd.BuildConfigFromFlags("", cfg.Kubeconfig)
	} else {
		rc, err = rest.InClusterConfig()
		if errors.Is(err, rest.ErrNotInCluster) {
			err = fmt.Errorf("%w: give --kubeconfig, or run the provider as a pod of the cluster", err)
		}
	}
	if err != nil {
		return nil, fmt.Errorf("kubernetes config: %w", err)
	}
	return NewForConfig(rc, cfg)
}

// NewForConfig connects to the cluster rc names (cfg.Kubeconfig is not
// read).
func NewForConfig(rc *rest.Config, cfg Config) (*Cluster, error) {
	a, err := newAPI(rc)
	if err != nil {
		return nil, fmt.Errorf("kubernetes client: %w", err)
	}
	c := withDefaults(cfg)
	c.api, c.rc = a, rc
	return c, nil
}

// withDefaults is a Cluster of cfg, its defaults filled in, not connected.
func withDefaults(cfg Config) *Cluster {
	if cfg.Namespace == "" {
		cfg.Namespace = "tender"
	}
	if cfg.PullPolicy == "" {
		cfg.PullPolicy = corev1.PullIfNotPresent
	}
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Cluster{cfg: cfg, log: log}
}

// Namespace is where the leases' pods run.
func (c *Cluster) Namespace() string { return c.cfg.Namespace }
