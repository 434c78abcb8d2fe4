//go:build linux

package executor

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"math/rand/v2"
	"net"
	"slices"
	"strings"
	"testing"
	"time"

	cerrdefs "github.com/containerd/errdefs"
	"github.com/google/go-cmp/cmp"
	"github.com/moby/moby/client"
	"github.com/vishvananda/netns"

	"github.com/tender-market/tender/pkg/executor/firewall"
)

// TestServiceJob: a job that exposes a port and does not allow network
// gets an internal lease network, fenced as any other. The host reaches
// the port at ServiceAddr (half-closes included), before and after a
// provider restart; the job reaches nothing, neither the host nor
// anything else (a control run without the firewall reaches the host, so
// that it is the firewall's doing). Only exposed ports have an address,
// only while the job runs, and the network goes with the job.
func TestServiceJob(t *testing.T) {
	e := newIsolatedEngine(t)
	workDir := t.TempDir()
	ex := newExecutor(t, e.cli, Config{EngineNetNS: e.dockerNS, StopGrace: time.Second, WorkDir: workDir})
	ctx, cancel := context.WithTimeout(t.Context(), 4*time.Minute)
	defer cancel()

	lease := leaseID(t, e.cli)
	run := startListening(ctx, t, ex, Job{LeaseID: lease, Image: probeImage, Command: []string{"echo", "8000"}, Expose: []uint16{8000}})

	info, err := e.cli.NetworkInspect(ctx, networkName(lease), client.NetworkInspectOptions{})
	if err != nil {
		t.Fatalf("the service job's network: %v", err)
	}
	checks := []struct {
		what      string
		got, want any
	}{
		{"run's network", run.Network, networkName(lease)},
		{"run's exposed ports", run.Expose, []uint16{8000}},
		{"internal", info.Network.Internal, true},
		{"bridge", info.Network.Options[optBridgeName], bridgeName(lease)},
		{"ICC", info.Network.Options[optICC], "false"},
		{"bridge link in the engine's namespace", linkExists(t, e.docker, bridgeName(lease)), true},
	}
	for _, c := range checks {
		if diff := cmp.Diff(c.want, c.got); diff != "" {
			t.Errorf("%s mismatch (-want +got):\n%s", c.what, diff)
		}
	}

	addr, err := ex.ServiceAddr(ctx, run, 8000)
	if err != nil {
		t.Fatalf("ServiceAddr(8000) error = %v", err)
	}
	echoThrough(t, e.docker, addr)

	_, err = ex.ServiceAddr(ctx, run, 9000)
	if !errors.Is(err, ErrPortNotExposed) || !strings.Contains(err.Error(), "9000") || !strings.Contains(err.Error(), "exposes 8000") {
		t.Errorf("ServiceAddr(9000) error = %v, want ErrPortNotExposed naming 9000 and the port exposed", err)
	}

	t.Run("the job reaches nothing", func(t *testing.T) {
		const port = "8080"
		at := func(host string) string { return net.JoinHostPort(host, port) }
		// The host, at every address it has in the engine's namespace.
		host := listen(t, e.docker, at(""), "host")
		listen(t, e.world, at(publicAddr), "world "+publicAddr)
		for _, a := range forbiddenAddrs {
			listen(t, e.world, at(a), "world "+a)
		}
		gateway := at(linkAddr(t, e.docker, bridgeName(lease)).String())
		targets := []string{
			gateway,
			at(linkAddr(t, e.docker, "docker0").String()),
			at(uplinkDocker),
			at(serveJob(ctx, t, ex, e, port, "other job")),
			at(publicAddr),
		}
		for _, a := range forbiddenAddrs {
			targets = append(targets, at(a))
		}
		connect := func(fenced bool) map[string]verdict {
			t.Helper()
			var stdout, stderr bytes.Buffer
			code, err := ex.Exec(ctx, run, append([]string{"/probe", "connect", "2s"}, targets...), &stdout, &stderr)
			if err != nil || code != 0 {
				t.Fatalf("probe connect in the service job: exit %d, %v; stderr: %s", code, err, stderr.String())
			}
			got := map[string]verdict{}
			dec := json.NewDecoder(&stdout)
			for dec.More() {
				var v verdict
				if err := dec.Decode(&v); err != nil {
					t.Fatalf("probe output: %v", err)
				}
				got[v.Addr] = v
				t.Logf("fenced=%v %s: reached=%v greeting=%q error=%q", fenced, v.Addr, v.Reached, v.Greeting, v.Error)
			}
			return got
		}

		// The control: unfenced, the job reaches the host at its gateway.
		// Docker's Internal drops only what would be forwarded: the host's
		// other addresses are reached too where the engine gives the job a
		// default route (20.10 does), so it is the firewall's input chain
		// that keeps a service job off the host.
		if err := firewall.Uninstall(e.dockerNS); err != nil {
			t.Fatal(err)
		}
		if v := connect(false)[gateway]; !v.Reached || v.Greeting != "host" {
			t.Fatalf("control run: an unfenced service job did not reach the host at %s: %+v; the test's topology is broken", gateway, v)
		}
		if err := ex.PrepareNetwork(ctx); err != nil {
			t.Fatal(err)
		}

		before := host.Load()
		got := connect(true)
		for _, a := range targets {
			if v, ok := got[a]; !ok || v.Reached {
				t.Errorf("the service job reached %s: %+v; want it unreachable", a, v)
			}
		}
		if n := host.Load() - before; n != 0 {
			t.Errorf("the host's listener accepted %d connections from the fenced service job, want none", n)
		}
	})

	t.Run("allowed network and exposed ports", func(t *testing.T) {
		lease := leaseID(t, e.cli)
		run, err := ex.Create(ctx, Job{LeaseID: lease, Image: probeImage, Command: []string{"check"}, AllowNetwork: true, Expose: []uint16{8000}})
		if err != nil {
			t.Fatalf("Create() error = %v", err)
		}
		t.Cleanup(func() { _ = ex.Remove(context.Background(), run) })
		info, err := e.cli.NetworkInspect(ctx, networkName(lease), client.NetworkInspectOptions{})
		if err != nil {
			t.Fatalf("the job's network: %v", err)
		}
		if info.Network.Internal || info.Network.Options[optBridgeName] != bridgeName(lease) {
			t.Errorf("network of a job that allows network and exposes ports: internal %t, bridge %q; want not internal, bridge %s",
				info.Network.Internal, info.Network.Options[optBridgeName], bridgeName(lease))
		}
	})

	t.Run("a left network of the other kind", func(t *testing.T) {
		lease := leaseID(t, e.cli)
		// A Create of a job that allowed network stopped after making it.
		if _, err := ex.createNetwork(ctx, lease, false); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = ex.removeNetwork(context.Background(), lease, networkName(lease)) })
		_, err := ex.Create(ctx, Job{LeaseID: lease, Image: probeImage, Command: []string{"check"}, Expose: []uint16{8000}})
		if err == nil || !strings.Contains(err.Error(), "internal false, want true: remove it") {
			t.Errorf("Create(service job) on a lease whose network is not internal = %v, want it refused, saying to remove the network", err)
		}
	})

	// A provider restart: the new executor finds the ports again.
	restarted := newExecutor(t, e.cli, Config{EngineNetNS: e.dockerNS, StopGrace: time.Second, WorkDir: workDir})
	again, err := restarted.Attach(ctx, lease)
	if err != nil {
		t.Fatalf("Attach() error = %v", err)
	}
	if !slices.Equal(again.Expose, []uint16{8000}) || again.Network != networkName(lease) {
		t.Errorf("re-attached run exposes %v on %q, want [8000] on %q", again.Expose, again.Network, networkName(lease))
	}
	if got, err := restarted.ServiceAddr(ctx, again, 8000); err != nil || got != addr {
		t.Fatalf("ServiceAddr(8000) after a restart = %q, %v; want %q", got, err, addr)
	}
	echoThrough(t, e.docker, addr)
	// The ports are the container's, not the caller's.
	forged := again
	forged.Expose = []uint16{8000, 9000}
	if _, err := restarted.ServiceAddr(ctx, forged, 9000); !errors.Is(err, ErrPortNotExposed) {
		t.Errorf("ServiceAddr(9000) of a run that claims it = %v, want ErrPortNotExposed", err)
	}

	if err := restarted.Cancel(ctx, again); err != nil {
		t.Fatal(err)
	}
	if _, err := restarted.Wait(ctx, again); err != nil {
		t.Fatal(err)
	}
	if _, err := restarted.ServiceAddr(ctx, again, 8000); !errors.Is(err, ErrNotRunning) {
		t.Errorf("ServiceAddr(8000) of a job that exited = %v, want ErrNotRunning", err)
	}

	if err := restarted.Remove(ctx, again); err != nil {
		t.Fatalf("Remove() error = %v", err)
	}
	if _, err := e.cli.NetworkInspect(ctx, networkName(lease), client.NetworkInspectOptions{}); !cerrdefs.IsNotFound(err) {
		t.Errorf("network of lease %s after Remove: %v, want not found", lease, err)
	}
	if linkExists(t, e.docker, bridgeName(lease)) {
		t.Errorf("bridge %s of lease %s is still there after Remove", bridgeName(lease), lease)
	}
}

// echoThrough connects to the probe's echo at addr from inside ns, sends
// it data, closes its write side, and checks that all of it comes back,
// then the echo's own close.
func echoThrough(t *testing.T, ns netns.NsHandle, addr string) {
	t.Helper()
	c := connectIn(t, ns, addr)
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(30 * time.Second))

	// More than the sockets buffer, so it must flow both ways at once.
	data := make([]byte, 4<<20)
	for i := range data {
		data[i] = byte(rand.Uint32())
	}
	sent := make(chan error, 1)
	go func() {
		_, err := c.Write(data)
		if err == nil {
			err = c.(*net.TCPConn).CloseWrite()
		}
		sent <- err
	}()
	got, err := io.ReadAll(c)
	if sendErr := <-sent; sendErr != nil {
		t.Fatalf("send to the echo at %s: %v", addr, sendErr)
	}
	if err != nil {
		t.Fatalf("read back from the echo at %s: %v (got %d of %d bytes)", addr, err, len(got), len(data))
	}
	if !bytes.Equal(got, data) {
		t.Fatalf("the echo at %s sent back %d bytes that differ from the %d sent", addr, len(got), len(data))
	}
}
