package cluster

import (
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"

	"github.com/tender-market/tender/pkg/executor"
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
	// PrivateImages is the file that lists the repositories of images
	// pulled with a lease's registry login (executor.PrivateImages). A
	// lease without a login whose image is of one of them has its stage
	// pull it with none (imagePullPolicy Always), so that the registry,
	// not the node's copy, decides; with PullPolicy Never it is refused.
	// Empty keeps no list: such a lease runs what the node has, unless
	// the kubelet checks logins itself (KubeletEnsureSecretPulledImages).
	PrivateImages string
	// Logger gets what the cluster does; nil discards it.
	Logger *slog.Logger
}

// Cluster runs leases as pods on one Kubernetes cluster.
type Cluster struct {
	api *api
	rc  *rest.Config // for exec and attach
	cfg Config
	log *slog.Logger
	// private lists the repositories pulled with a login; nil when
	// Config.PrivateImages is empty.
	private *executor.PrivateImages
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
	if cfg.PrivateImages != "" {
		if err := os.MkdirAll(filepath.Dir(cfg.PrivateImages), 0o700); err != nil {
			return nil, fmt.Errorf("images pulled with a login: %w", err)
		}
		if c.private, err = executor.LoadPrivateImages(cfg.PrivateImages); err != nil {
			return nil, err
		}
	}
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
