package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"
	"time"

	corev1 "k8s.io/api/core/v1"

	"github.com/tender-market/tender/pkg/cluster"
	"github.com/tender-market/tender/pkg/gpu"
	"github.com/tender-market/tender/pkg/provider"
)

// kubeSettings are provider run's flags for --executor kubernetes.
type kubeSettings struct {
	kubeconfig string
	namespace  string
	agentImage string
}

// defaultAgentImage is what make lease-agent-image builds.
const defaultAgentImage = "tender/lease-agent:dev"

var (
	_ provider.Runner        = (*cluster.Runner)(nil)
	_ provider.NodeResources = (*cluster.Inventory)(nil)
)

// inventoryRefresh is how often a cluster's nodes and pods are read again.
const inventoryRefresh = 10 * time.Second

// kubeExecutor is a cluster as the daemon's Runner and its GPUs (one per
// nvidia.com/gpu of a node, refreshed in the background until ctx ends).
type kubeExecutor struct {
	runner    provider.Runner
	gpus      *gpu.Allocator
	inventory *cluster.Inventory
}

func openKubernetes(ctx context.Context, s *runSettings, outputLimitMiB uint64, log *slog.Logger) (*kubeExecutor, error) {
	switch {
	case s.sim != "":
		return nil, errors.New("--gpu-sim simulates this machine's GPUs; a cluster's come from its nodes (label a node tender.market/simulated-gpus=true for simulated ones)")
	case s.allowNetwork:
		return nil, errors.New("--allow-network is not offered with --executor kubernetes yet: a lease's pod is denied all traffic")
	case s.dockerNetNS != "":
		return nil, errors.New("--docker-netns is for --executor docker")
	}
	pull := corev1.PullNever
	if s.pullImages {
		pull = corev1.PullIfNotPresent
	}
	c, err := cluster.New(cluster.Config{
		Kubeconfig: s.kube.kubeconfig, Namespace: s.kube.namespace, PullPolicy: pull, AgentImage: s.kube.agentImage, Logger: log,
		PrivateImages: filepath.Join(s.workDir, "cluster", "private-images"),
	})
	if err != nil {
		return nil, err
	}
	runner, err := cluster.NewRunner(c, cluster.RunnerConfig{OutputLimit: int64(outputLimitMiB) << 20})
	if err != nil {
		return nil, err
	}
	k := &kubeExecutor{runner: runner}
	k.inventory = c.Inventory(func(slot string) bool { return k.gpus.Claim(slot).State != gpu.StateFree })
	k.gpus = gpu.NewAllocator(k.inventory, nil)
	if _, err := k.inventory.Refresh(ctx); err != nil {
		return nil, fmt.Errorf("--executor kubernetes: %w", err)
	}
	go k.inventory.Run(ctx, inventoryRefresh)
	return k, nil
}
