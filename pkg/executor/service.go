package executor

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"slices"
	"strconv"
	"strings"

	"github.com/moby/moby/client"
)

// A job may run services: TCP ports of its container (Job.Expose) that the
// provider connects to, to carry a tenant's connections to it. The ports
// are reached on the lease's network, which the host can open connections
// to and nothing else can (see package firewall); no port is published on
// the host.

// ErrPortNotExposed: the job does not expose the port asked for.
var ErrPortNotExposed = errors.New("port is not exposed")

// maxExpose is the most ports a job may expose.
const maxExpose = 16

// CheckPorts checks a job's exposed ports: at most maxExpose, each
// 1-65535, no duplicates.
func CheckPorts(ports []uint16) error {
	var errs []error
	if len(ports) > maxExpose {
		errs = append(errs, fmt.Errorf("%d ports, want at most %d", len(ports), maxExpose))
	}
	seen := make(map[uint16]bool, len(ports))
	for _, p := range ports {
		switch {
		case p == 0:
			errs = append(errs, errors.New("port 0, want 1-65535"))
		case seen[p]:
			errs = append(errs, fmt.Errorf("port %d given twice", p))
		}
		seen[p] = true
	}
	return errors.Join(errs...)
}

// FormatPorts is the label (or annotation) value of exposed ports:
// "8000,8080".
func FormatPorts(ports []uint16) string {
	s := make([]string, len(ports))
	for i, p := range ports {
		s[i] = strconv.FormatUint(uint64(p), 10)
	}
	return strings.Join(s, ",")
}

// ParsePorts reads a value written by FormatPorts, strictly: decimal
// ports without signs or leading zeros, separated by single commas, that
// pass CheckPorts. An empty value (no label) is no ports.
func ParsePorts(label string) ([]uint16, error) {
	if label == "" {
		return nil, nil
	}
	fields := strings.Split(label, ",")
	if len(fields) > maxExpose {
		return nil, fmt.Errorf("%d ports, want at most %d", len(fields), maxExpose)
	}
	ports := make([]uint16, 0, len(fields))
	for _, f := range fields {
		n, err := strconv.ParseUint(f, 10, 16)
		if err != nil || strconv.FormatUint(n, 10) != f {
			return nil, fmt.Errorf("%q is not a port", f)
		}
		ports = append(ports, uint16(n))
	}
	if err := CheckPorts(ports); err != nil {
		return nil, err
	}
	return ports, nil
}

// ServiceAddr is the address, "ip:port", at which the host reaches port
// of run's container on the lease's network, for the provider to dial. It
// inspects the container rather than trust run: the container must be the
// lease's, running (else ErrNotRunning), expose port (by its label, else
// ErrPortNotExposed), and have an IPv4 address on the lease's network.
// It does not connect: the service may not listen yet.
func (e *Executor) ServiceAddr(ctx context.Context, run Run, port uint16) (string, error) {
	info, err := e.engine.ContainerInspect(ctx, run.ContainerID, client.ContainerInspectOptions{})
	if err != nil {
		return "", fmt.Errorf("service address of lease %s: inspect container: %w", run.LeaseID, err)
	}
	c := info.Container
	if c.Config == nil || c.Config.Labels[labelLease] != run.LeaseID {
		return "", fmt.Errorf("service address of lease %s: container %s is not labelled for this lease: %w", run.LeaseID, shortID(run.ContainerID), ErrNoContainer)
	}
	if c.State == nil || !c.State.Running {
		return "", fmt.Errorf("service address of lease %s: %w", run.LeaseID, ErrNotRunning)
	}
	label := c.Config.Labels[labelExpose]
	exposed, err := ParsePorts(label)
	if err != nil {
		return "", fmt.Errorf("service address of lease %s: container label %s=%q is malformed (%v); the job exposes nothing until its container is removed and created again", run.LeaseID, labelExpose, label, err)
	}
	if !slices.Contains(exposed, port) {
		return "", fmt.Errorf("service address of lease %s: port %d: %w (%s)", run.LeaseID, port, ErrPortNotExposed, ExposesWhat(exposed))
	}
	name := networkName(run.LeaseID)
	var addr netip.Addr
	if ns := c.NetworkSettings; ns != nil {
		if ep := ns.Networks[name]; ep != nil {
			addr = ep.IPAddress.Unmap()
		}
	}
	if !addr.Is4() || addr.IsUnspecified() {
		return "", fmt.Errorf("service address of lease %s: the container has no IPv4 address on its network %s", run.LeaseID, name)
	}
	return netip.AddrPortFrom(addr, port).String(), nil
}

// DialService connects to port of run's container, at ServiceAddr.
func (e *Executor) DialService(ctx context.Context, run Run, port uint16) (net.Conn, error) {
	addr, err := e.ServiceAddr(ctx, run, port)
	if err != nil {
		return nil, err
	}
	var d net.Dialer
	c, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("lease %s: connect to its job's port %d: %w", run.LeaseID, port, err)
	}
	return c, nil
}

// ExposesWhat says which ports a job exposes, for errors: "it exposes
// 8000, 8080".
func ExposesWhat(ports []uint16) string {
	if len(ports) == 0 {
		return "it exposes none"
	}
	return "it exposes " + strings.ReplaceAll(FormatPorts(ports), ",", ", ")
}
