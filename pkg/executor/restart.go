package executor

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strconv"
	"strings"
	"time"

	cerrdefs "github.com/containerd/errdefs"
	"github.com/moby/moby/client"
)

// List returns the containers of every lease on this engine, running or not,
// sorted by lease ID. StartedAt is not filled in; Attach gives it.
func (e *Executor) List(ctx context.Context) ([]Run, error) {
	res, err := e.engine.ContainerList(ctx, client.ContainerListOptions{
		All:     true,
		Filters: make(client.Filters).Add("label", labelLease),
	})
	if err != nil {
		return nil, fmt.Errorf("list lease containers: %w", err)
	}
	runs := make([]Run, 0, len(res.Items))
	for _, c := range res.Items {
		run := runFromLabels(c.Labels)
		run.ContainerID = c.ID
		run.Image = c.Image
		run.State = string(c.State)
		runs = append(runs, run)
	}
	slices.SortFunc(runs, func(a, b Run) int { return strings.Compare(a.LeaseID, b.LeaseID) })
	return runs, nil
}

// Attach finds the container of leaseID, for a provider that restarted while
// the job ran, with the ports it exposes (Run.Expose). Follow it with
// Finish (or Wait, Logs, Collect and Remove).
func (e *Executor) Attach(ctx context.Context, leaseID string) (Run, error) {
	info, err := e.engine.ContainerInspect(ctx, containerName(leaseID), client.ContainerInspectOptions{})
	if cerrdefs.IsNotFound(err) {
		return Run{}, fmt.Errorf("attach to lease %s: %w", leaseID, ErrNoContainer)
	}
	if err != nil {
		return Run{}, fmt.Errorf("attach to lease %s: %w", leaseID, err)
	}
	c := info.Container
	if c.Config == nil || c.Config.Labels[labelLease] != leaseID {
		return Run{}, fmt.Errorf("attach to lease %s: container %s is not labelled for this lease: %w", leaseID, containerName(leaseID), ErrNoContainer)
	}
	run := runFromLabels(c.Config.Labels)
	run.ContainerID = c.ID
	run.Image = c.Config.Image
	if c.State != nil {
		run.State = string(c.State.Status)
		run.StartedAt = parseTime(c.State.StartedAt)
	}
	if _, err := ParsePorts(c.Config.Labels[labelExpose]); err != nil {
		e.cfg.Logger.LogAttrs(ctx, slog.LevelWarn, "container label of exposed ports is malformed; the job exposes none",
			slog.String("lease", leaseID), slog.String("label", labelExpose+"="+c.Config.Labels[labelExpose]), slog.Any("err", err))
	}
	if run.Network != "" {
		// The firewall goes with the job; it may have gone since.
		if err := e.PrepareNetwork(ctx); err != nil {
			return Run{}, fmt.Errorf("attach to lease %s: %w", leaseID, err)
		}
	}
	e.cfg.Logger.LogAttrs(ctx, slog.LevelInfo, "attached to job", slog.String("lease", leaseID),
		slog.String("container", shortID(run.ContainerID)), slog.String("state", run.State))
	return run, nil
}

func runFromLabels(labels map[string]string) Run {
	run := Run{
		LeaseID:       labels[labelLease],
		SimulatedGPUs: labels[labelSimulated] == "true",
		OutputDir:     labels[labelOutputDir],
	}
	if g := labels[labelGPUs]; g != "" {
		run.GPUUUIDs = strings.Split(g, ",")
	}
	if d, err := time.ParseDuration(labels[labelMaxDuration]); err == nil {
		run.MaxDuration = d
	}
	if n, err := strconv.ParseInt(labels[labelOutputLimit], 10, 64); err == nil && n > 0 {
		run.OutputLimit = n
	}
	// Only the lease's own network: a label must not steer a removal.
	if n := labels[labelNetwork]; n != "" && n == networkName(run.LeaseID) {
		run.Network = n
	}
	// A malformed label exposes nothing (Attach warns of it, and
	// ServiceAddr, which reads the label itself, refuses it).
	if ports, err := ParsePorts(labels[labelExpose]); err == nil {
		run.Expose = ports
	}
	return run
}

// Cleanup removes the containers, and their networks and output
// directories, of every lease closed reports as closed, stopping those
// still running. It also removes lease networks left without a container
// (by a Create that stopped half-way; a Create running at the same time
// may fail), and forgets the images recorded as pulled with a login that
// the machine no longer has. It returns the lease IDs whose container it
// removed; failures are joined into the error and the rest carry on.
func (e *Executor) Cleanup(ctx context.Context, closed func(leaseID string) bool) ([]string, error) {
	runs, err := e.List(ctx)
	if err != nil {
		return nil, err
	}
	var removed []string
	var errs []error
	kept := make(map[string]bool)
	for _, run := range runs {
		if !closed(run.LeaseID) {
			kept[run.LeaseID] = true
			continue
		}
		if err := e.Remove(ctx, run); err != nil {
			errs = append(errs, err)
			continue
		}
		e.cfg.Logger.LogAttrs(ctx, slog.LevelInfo, "removed container of closed lease",
			slog.String("lease", run.LeaseID), slog.String("state", run.State))
		removed = append(removed, run.LeaseID)
	}
	if err := e.cleanupNetworks(ctx, closed, func(id string) bool { return kept[id] }); err != nil {
		errs = append(errs, err)
	}
	if err := e.prunePrivate(ctx); err != nil {
		errs = append(errs, err)
	}
	return removed, errors.Join(errs...)
}
