package executor

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"

	cerrdefs "github.com/containerd/errdefs"
	"github.com/moby/moby/client"

	"github.com/tender-market/tender/pkg/executor/firewall"
)

// A networked job (one that allows network or exposes ports) gets a
// Docker bridge network of its own, created with its container and removed
// with it. Its bridge is named firewall.BridgePrefix plus a hash of the
// lease ID, so the firewall's rules (package firewall) fence it in:
// outbound traffic to public addresses only, and none at all from a job
// that only exposes ports, whose network is internal: Docker forwards
// nothing from it, and the firewall keeps it off the host, which Docker's
// Internal does not (the host's addresses are not forwarded to, and Docker
// 20.10 still gives such a job a default route through the host).

// networkName is the network of a lease's job.
func networkName(leaseID string) string { return containerPrefix + leaseID }

// bridgeName is the Linux bridge of a lease's network: 15 bytes at most.
func bridgeName(leaseID string) string {
	sum := sha256.Sum256([]byte(leaseID))
	return firewall.BridgePrefix + hex.EncodeToString(sum[:])[:15-len(firewall.BridgePrefix)]
}

// PrepareNetwork installs the firewall that fences networked jobs in (see
// package firewall) in the Docker Engine's network namespace
// (Config.EngineNetNS). Create and Attach do it themselves before a
// networked job (one that allows network or exposes ports) is created or
// followed; a provider that offers network access or services calls it at
// start, to learn at once that it cannot.
func (e *Executor) PrepareNetwork(context.Context) error {
	e.netMu.Lock()
	defer e.netMu.Unlock()
	// Replaced every time: a table someone removed comes back.
	if err := firewall.Install(e.cfg.EngineNetNS); err != nil {
		return fmt.Errorf("fence in networked jobs: %w (networked jobs need root on Linux with nftables; set the Docker Engine's network namespace if it is not the provider's)", err)
	}
	return nil
}

// createNetwork makes the lease's network, internal (nothing forwarded
// from it) or not, or takes the one a Create that did not finish left, if
// it is alike. (Engines before API 1.44 allow two networks of one name;
// the bridge name, one per lease, keeps a lease to one network.)
func (e *Executor) createNetwork(ctx context.Context, leaseID string, internal bool) (string, error) {
	name := networkName(leaseID)
	res, err := e.engine.NetworkList(ctx, client.NetworkListOptions{
		Filters: make(client.Filters).Add("label", labelLease+"="+leaseID),
	})
	if err != nil {
		return "", fmt.Errorf("start lease %s: look for its network: %w", leaseID, err)
	}
	for _, n := range res.Items {
		if n.Name != name {
			continue
		}
		info, err := e.engine.NetworkInspect(ctx, n.ID, client.NetworkInspectOptions{})
		switch {
		case err != nil:
			return "", fmt.Errorf("start lease %s: inspect its network: %w", leaseID, err)
		case info.Network.Options[optBridgeName] != bridgeName(leaseID):
			return "", fmt.Errorf("start lease %s: network %s exists with bridge %q, not %s: remove it", leaseID, name, info.Network.Options[optBridgeName], bridgeName(leaseID))
		case info.Network.Internal != internal:
			return "", fmt.Errorf("start lease %s: network %s exists with internal %t, want %t: remove it", leaseID, name, info.Network.Internal, internal)
		case len(info.Network.Containers) > 0:
			return "", fmt.Errorf("start lease %s: %w (on network %s): attach to it or remove it", leaseID, ErrLeaseHasContainer, name)
		}
		return name, nil
	}
	_, err = e.engine.NetworkCreate(ctx, name, client.NetworkCreateOptions{
		Driver:   "bridge",
		Internal: internal,
		Options: map[string]string{
			optBridgeName: bridgeName(leaseID),
			optICC:        "false",
		},
		Labels: map[string]string{labelLease: leaseID},
	})
	if err != nil {
		return "", fmt.Errorf("start lease %s: create its network: %w", leaseID, err)
	}
	return name, nil
}

// Options of Docker's bridge driver.
const (
	optBridgeName = "com.docker.network.bridge.name"
	optICC        = "com.docker.network.bridge.enable_icc"
)

// removeNetwork removes a lease's network; one that is gone is not an error.
func (e *Executor) removeNetwork(ctx context.Context, leaseID, name string) error {
	if _, err := e.engine.NetworkRemove(ctx, name, client.NetworkRemoveOptions{}); err != nil && !cerrdefs.IsNotFound(err) {
		return fmt.Errorf("remove network of lease %s: %w", leaseID, err)
	}
	return nil
}

// cleanupNetworks removes the lease networks whose lease closed, and those
// of leases that have no container (hasContainer reports which do): a
// Create that stopped half-way left them.
func (e *Executor) cleanupNetworks(ctx context.Context, closed, hasContainer func(leaseID string) bool) error {
	res, err := e.engine.NetworkList(ctx, client.NetworkListOptions{
		Filters: make(client.Filters).Add("label", labelLease),
	})
	if err != nil {
		return fmt.Errorf("list lease networks: %w", err)
	}
	var errs []error
	for _, n := range res.Items {
		lease := n.Labels[labelLease]
		if n.Name != networkName(lease) || (!closed(lease) && hasContainer(lease)) {
			continue
		}
		if err := e.removeNetwork(ctx, lease, n.Name); err != nil {
			errs = append(errs, err)
			continue
		}
		e.cfg.Logger.LogAttrs(ctx, slog.LevelInfo, "removed network of a lease", slog.String("lease", lease), slog.String("network", n.Name))
	}
	return errors.Join(errs...)
}
