//go:build linux

package executor

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
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

// verdict is what the probe's connect mode prints for one address.
type verdict struct {
	Addr     string `json:"addr"`
	Reached  bool   `json:"reached"`
	Greeting string `json:"greeting"`
	Error    string `json:"error"`
}

// TestAttackNetworkedJobReachesHost: a tenant's job that asks for network
// tries what a tenant would want from a provider's machine: the host at
// the job network's gateway, at docker0 and at its uplink address, a job
// of another tenant, the provider's LAN (private and shared ranges) and
// the cloud's metadata service (169.254.169.254). Without the firewall it
// reaches each of them (a control run shows it, so that what the fenced
// job cannot reach is the firewall's doing); with it, only the public
// address. Every address lives in the test's own namespaces.
func TestAttackNetworkedJobReachesHost(t *testing.T) {
	e := newIsolatedEngine(t)
	ex := newExecutor(t, e.cli, Config{EngineNetNS: e.dockerNS, StopGrace: time.Second})
	ctx, cancel := context.WithTimeout(t.Context(), 4*time.Minute)
	defer cancel()

	const port = "8080"
	at := func(host string) string { return net.JoinHostPort(host, port) }
	listen(t, e.world, at(publicAddr), "world "+publicAddr)
	for _, a := range forbiddenAddrs {
		listen(t, e.world, at(a), "world "+a)
	}
	// The host, at every address it has in the engine's namespace.
	listen(t, e.docker, at(""), "host")

	// Another tenant's networked job, listening, and reachable from the
	// host (so the listener is really there).
	otherIP := serveJob(ctx, t, ex, e, port, "other job")
	if got := dialIn(t, e.docker, at(otherIP)); got != "other job" {
		t.Fatalf("the other job's listener at %s answers the host with %q, want %q", at(otherIP), got, "other job")
	}

	type target struct {
		addr, who string
		// byDocker: Docker's own rules keep jobs on different networks
		// apart, so the control run need not reach it.
		byDocker bool
	}
	targets := []target{
		{"gateway:" + port, "host", false},
		{at(linkAddr(t, e.docker, "docker0").String()), "host", false},
		{at(uplinkDocker), "host", false},
		{at(otherIP), "other job", true},
	}
	for _, a := range forbiddenAddrs {
		targets = append(targets, target{at(a), "world " + a, false})
	}
	public := target{at(publicAddr), "world " + publicAddr, false}
	addrs := []string{public.addr}
	for _, tg := range targets {
		addrs = append(addrs, tg.addr)
	}

	attack := func(fenced bool) map[string]verdict {
		t.Helper()
		job := Job{
			LeaseID: leaseID(t, e.cli), Image: probeImage, AllowNetwork: true,
			Command: append([]string{"connect", "3s"}, addrs...),
		}
		run, err := ex.Create(ctx, job)
		if err != nil {
			t.Fatalf("Create(networked job) error = %v", err)
		}
		if !fenced {
			if err := firewall.Uninstall(e.dockerNS); err != nil {
				t.Fatal(err)
			}
		}
		if run, err = ex.Launch(ctx, run); err != nil {
			t.Fatalf("Launch() error = %v", err)
		}
		var stdout, stderr bytes.Buffer
		res, err := ex.Finish(ctx, run, FinishOptions{Stdout: &stdout, Stderr: &stderr})
		if err != nil || res.Code != 0 {
			t.Fatalf("Finish() = exit %d, error %v; stderr: %s", res.Code, err, stderr.String())
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

	// The control: unfenced, the job reaches every listener but those
	// Docker itself keeps apart.
	got := attack(false)
	for _, tg := range append([]target{public}, targets...) {
		if v := got[tg.addr]; !tg.byDocker && (!v.Reached || v.Greeting != tg.who) {
			t.Fatalf("control run: an unfenced job did not reach %s (%s): %+v; the test's topology is broken", tg.addr, tg.who, v)
		}
	}

	// The attack, fenced: the public address only.
	got = attack(true)
	if v := got[public.addr]; !v.Reached || v.Greeting != public.who {
		t.Errorf("a networked job cannot reach the public address %s: %+v; want it reached, greeted by %q", public.addr, v, public.who)
	}
	for _, tg := range targets {
		if v, ok := got[tg.addr]; !ok || v.Reached {
			t.Errorf("a networked job reached %s (%s): %+v; want it unreachable", tg.addr, tg.who, v)
		}
	}
}

// serveJob starts a networked job that answers on port with greeting, and
// returns its address; it is canceled and removed when the test ends.
func serveJob(ctx context.Context, t *testing.T, ex *Executor, e *isolatedEngine, port, greeting string) string {
	t.Helper()
	run := startListening(ctx, t, ex, Job{
		LeaseID: leaseID(t, e.cli), Image: probeImage, AllowNetwork: true,
		Command: []string{"serve", port, greeting},
	})
	info, err := e.cli.ContainerInspect(ctx, run.ContainerID, client.ContainerInspectOptions{})
	if err != nil {
		t.Fatal(err)
	}
	ep := info.Container.NetworkSettings.Networks[run.Network]
	if ep == nil || !ep.IPAddress.IsValid() {
		t.Fatalf("the serving job has no address on %s: %+v", run.Network, info.Container.NetworkSettings.Networks)
	}
	return ep.IPAddress.String()
}

// startListening starts a job that prints "listening" once it serves (the
// probe's serve and echo), and returns once it has; the job is removed
// when the test ends.
func startListening(ctx context.Context, t *testing.T, ex *Executor, job Job) Run {
	t.Helper()
	run, err := ex.Start(ctx, job)
	if err != nil {
		t.Fatalf("Start(serving job) error = %v", err)
	}
	out := newLines()
	logsDone := make(chan error, 1)
	logCtx, stopLogs := context.WithCancel(context.Background())
	go func() { logsDone <- ex.Logs(logCtx, run, LogOptions{Follow: true}, out, out) }()
	t.Cleanup(func() {
		stopLogs()
		<-logsDone
		if err := ex.Remove(context.Background(), run); err != nil {
			t.Errorf("remove the serving job: %v", err)
		}
	})
	out.waitLine(t, "listening", time.Minute)
	return run
}

// connectIn opens a TCP connection to addr from inside ns, or fails the
// test.
func connectIn(t *testing.T, ns netns.NsHandle, addr string) net.Conn {
	t.Helper()
	var c net.Conn
	inNamespace(t, ns, func() {
		var err error
		if c, err = net.DialTimeout("tcp", addr, 5*time.Second); err != nil {
			t.Errorf("dial %s: %v", addr, err)
		}
	})
	if c == nil {
		t.FailNow()
	}
	return c
}

// dialIn connects to addr from inside ns and returns the first line it
// hears.
func dialIn(t *testing.T, ns netns.NsHandle, addr string) string {
	t.Helper()
	c := connectIn(t, ns, addr)
	defer c.Close()
	_ = c.SetReadDeadline(time.Now().Add(5 * time.Second))
	b := make([]byte, 256)
	n, _ := c.Read(b)
	return strings.TrimSpace(string(b[:n]))
}

// TestNetworkedJobLifecycle: a networked job's network comes with its
// container and goes with it; the firewall is installed before such a job
// is created and again when one is re-attached; Cleanup removes the
// networks of closed leases and those a half-done Create left.
func TestNetworkedJobLifecycle(t *testing.T) {
	e := newIsolatedEngine(t)
	ex := newExecutor(t, e.cli, Config{EngineNetNS: e.dockerNS, StopGrace: time.Second})
	ctx, cancel := context.WithTimeout(t.Context(), 4*time.Minute)
	defer cancel()
	installed := func() bool {
		t.Helper()
		ok, err := firewall.Installed(e.dockerNS)
		if err != nil {
			t.Fatal(err)
		}
		return ok
	}
	networkExists := func(lease string) bool {
		t.Helper()
		_, err := e.cli.NetworkInspect(ctx, networkName(lease), client.NetworkInspectOptions{})
		if err != nil && !cerrdefs.IsNotFound(err) {
			t.Fatal(err)
		}
		return err == nil
	}
	if installed() {
		t.Fatal("the firewall is in the test's fresh namespace before any networked job")
	}

	t.Run("network comes and goes with the job", func(t *testing.T) {
		lease := leaseID(t, e.cli)
		run, err := ex.Create(ctx, Job{LeaseID: lease, Image: probeImage, Command: []string{"check"}, AllowNetwork: true})
		if err != nil {
			t.Fatalf("Create() error = %v", err)
		}
		if !installed() {
			t.Error("no firewall after a networked job was created")
		}
		info, err := e.cli.NetworkInspect(ctx, networkName(lease), client.NetworkInspectOptions{})
		if err != nil {
			t.Fatalf("the job's network: %v", err)
		}
		n := info.Network
		checks := []struct {
			what      string
			got, want any
		}{
			{"run's network", run.Network, networkName(lease)},
			{"driver", n.Driver, "bridge"},
			{"lease label", n.Labels[labelLease], lease},
			{"bridge", n.Options["com.docker.network.bridge.name"], bridgeName(lease)},
			{"ICC", n.Options["com.docker.network.bridge.enable_icc"], "false"},
			{"IPv6", n.EnableIPv6, false},
			{"bridge link in the engine's namespace", linkExists(t, e.docker, bridgeName(lease)), true},
		}
		for _, c := range checks {
			if diff := cmp.Diff(c.want, c.got); diff != "" {
				t.Errorf("%s mismatch (-want +got):\n%s", c.what, diff)
			}
		}
		if run, err = ex.Launch(ctx, run); err != nil {
			t.Fatalf("Launch() error = %v", err)
		}
		var stdout bytes.Buffer
		if _, err := ex.Finish(ctx, run, FinishOptions{Stdout: &stdout}); err != nil {
			t.Fatalf("Finish() error = %v", err)
		}
		var r report
		if err := json.Unmarshal(stdout.Bytes(), &r); err != nil {
			t.Fatalf("probe report %q: %v", stdout.String(), err)
		}
		if diff := cmp.Diff([]string{"eth0", "lo"}, r.Interfaces); diff != "" {
			t.Errorf("interfaces of a networked job mismatch (-want +got):\n%s", diff)
		}
		if networkExists(lease) || linkExists(t, e.docker, bridgeName(lease)) {
			t.Errorf("the network of lease %s (bridge %s) is still there after Finish", lease, bridgeName(lease))
		}
	})

	t.Run("restart and cleanup", func(t *testing.T) {
		workDir := t.TempDir()
		first := newExecutor(t, e.cli, Config{EngineNetNS: e.dockerNS, StopGrace: time.Second, WorkDir: workDir})
		closedLease, openLease, leftLease := leaseID(t, e.cli)+"-closed", leaseID(t, e.cli)+"-open", leaseID(t, e.cli)+"-left"
		for _, lease := range []string{closedLease, openLease} {
			t.Cleanup(func() {
				_, _ = e.cli.ContainerRemove(context.Background(), containerName(lease), client.ContainerRemoveOptions{Force: true})
			})
			if _, err := first.Start(ctx, Job{LeaseID: lease, Image: probeImage, Command: []string{"ticker", "1s", "0"}, AllowNetwork: true}); err != nil {
				t.Fatalf("Start(%s) error = %v", lease, err)
			}
		}
		// A Create that stopped after making the network.
		if _, err := first.createNetwork(ctx, leftLease, false); err != nil {
			t.Fatal(err)
		}
		// Someone removed the firewall while the provider was down.
		if err := firewall.Uninstall(e.dockerNS); err != nil {
			t.Fatal(err)
		}

		restarted := newExecutor(t, e.cli, Config{EngineNetNS: e.dockerNS, StopGrace: time.Second, WorkDir: workDir})
		open, err := restarted.Attach(ctx, openLease)
		if err != nil {
			t.Fatalf("Attach() error = %v", err)
		}
		if open.Network != networkName(openLease) {
			t.Errorf("re-attached run's network = %q, want %q", open.Network, networkName(openLease))
		}
		if !installed() {
			t.Error("no firewall after a networked job was re-attached")
		}
		removed, err := restarted.Cleanup(ctx, func(lease string) bool { return lease == closedLease })
		if err != nil {
			t.Fatalf("Cleanup() error = %v", err)
		}
		if !slices.Contains(removed, closedLease) || slices.Contains(removed, openLease) {
			t.Errorf("Cleanup() removed %v, want %s and not %s", removed, closedLease, openLease)
		}
		for lease, want := range map[string]bool{closedLease: false, leftLease: false, openLease: true} {
			if got := networkExists(lease); got != want {
				t.Errorf("after Cleanup, network of lease %s exists = %v, want %v", lease, got, want)
			}
		}
		if err := restarted.Remove(ctx, open); err != nil {
			t.Fatalf("Remove() error = %v", err)
		}
		if networkExists(openLease) {
			t.Errorf("network of lease %s is still there after Remove", openLease)
		}
	})

	t.Run("one network per lease", func(t *testing.T) {
		lease := leaseID(t, e.cli)
		run, err := ex.Create(ctx, Job{LeaseID: lease, Image: probeImage, Command: []string{"check"}, AllowNetwork: true})
		if err != nil {
			t.Fatalf("Create() error = %v", err)
		}
		t.Cleanup(func() { _ = ex.Remove(context.Background(), run) })
		_, err = ex.Create(ctx, Job{LeaseID: lease, Image: probeImage, Command: []string{"check"}, AllowNetwork: true})
		if !errors.Is(err, ErrLeaseHasContainer) {
			t.Errorf("second Create() error = %v, want ErrLeaseHasContainer", err)
		}
		if !networkExists(lease) {
			t.Error("a refused second Create removed the first one's network")
		}
	})
}

// TestNetworkedJobWithoutFirewall: where the firewall cannot be installed,
// a networked job is refused, and says why.
func TestNetworkedJobWithoutFirewall(t *testing.T) {
	// No engine: the job is refused before any container is made.
	ex := newExecutor(t, nil, Config{EngineNetNS: "/nonexistent/netns"})
	_, err := ex.Create(t.Context(), Job{LeaseID: "0xnetworked", Image: probeImage, AllowNetwork: true})
	if err == nil || !strings.Contains(err.Error(), "fence in networked jobs") || !strings.Contains(err.Error(), "/nonexistent/netns") {
		t.Fatalf("Create(networked job) with no firewall = %v, want it refused, naming the namespace", err)
	}
}
