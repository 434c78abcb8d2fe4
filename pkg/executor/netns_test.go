//go:build linux

package executor

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/moby/moby/client"
	"github.com/vishvananda/netlink"
	"github.com/vishvananda/netns"

	"github.com/tender-market/tender/internal/testenv"
)

// The networked-job tests never send a packet toward a real network, even
// when the firewall is broken. They start a Docker Engine of their own in a
// network namespace of their own ("docker"), whose only way out is a veth
// pair into a second namespace ("world"), which has no route anywhere else.
// Every address a job may try is one the test assigned in those two
// namespaces:
//
//	job --tnd-* bridge--> docker: 192.0.2.1/30 (docker0 172.17.0.1, each job network's gateway)
//	                        | default route
//	                      world:  192.0.2.2/30, and on its loopback the listener addresses
//	                              (a public one, private, shared and link-local ones)

const (
	// uplinkDocker and uplinkWorld are the two ends of the link between the
	// namespaces (TEST-NET-1, never routed on the Internet).
	uplinkDocker = "192.0.2.1"
	uplinkWorld  = "192.0.2.2"
	// publicAddr stands for the Internet (TEST-NET-3, documentation only).
	publicAddr = "203.0.113.10"
)

// forbiddenAddrs stand for the provider's LAN, a cloud's metadata service
// and the like: they are in world, reachable by route, and the firewall
// must keep jobs from them.
var forbiddenAddrs = []string{"10.99.0.10", "172.31.99.10", "192.168.99.10", "100.64.99.10", "169.254.169.254"}

// isolatedEngine is a Docker Engine in a network namespace of the test's
// own, with the probe image.
type isolatedEngine struct {
	cli *client.Client
	// dockerNS and worldNS are the namespaces' paths (/run/netns/NAME).
	dockerNS, worldNS string
	docker, world     netns.NsHandle
}

const isolatedHow = "run the tests as root on Linux with dockerd (scripts/setup.d/20-docker.sh) and nsenter (util-linux)"

// newIsolatedEngine sets up the namespaces and starts a private dockerd
// in the docker namespace, all removed when the test ends. Without root,
// dockerd or nsenter the test fails under CI and skips elsewhere.
func newIsolatedEngine(t *testing.T) *isolatedEngine {
	t.Helper()
	var missing error
	if os.Geteuid() != 0 {
		missing = errors.New("not root")
	}
	for _, bin := range []string{"dockerd", "nsenter"} {
		if _, err := exec.LookPath(bin); err != nil {
			missing = errors.Join(missing, err)
		}
	}
	testenv.Need(t, "root with dockerd and nsenter", isolatedHow, missing)

	e := &isolatedEngine{}
	prefix := fmt.Sprintf("tnd-test-%d-%d", os.Getpid(), time.Now().UnixNano()%1_000_000)
	e.docker, e.dockerNS = newNamedNetNS(t, prefix+"-docker")
	e.world, e.worldNS = newNamedNetNS(t, prefix+"-world")
	e.wire(t)
	e.startDockerd(t)
	ctx, cancel := context.WithTimeout(t.Context(), 3*time.Minute)
	defer cancel()
	if err := buildTestImage(ctx, e.cli, probeImage); err != nil {
		t.Fatalf("build the probe image in the test's engine: %v", err)
	}
	return e
}

// newNamedNetNS creates an empty network namespace mounted at
// /run/netns/name, removed when the test ends.
func newNamedNetNS(t *testing.T, name string) (netns.NsHandle, string) {
	t.Helper()
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	orig, err := netns.Get()
	if err != nil {
		t.Fatalf("this thread's network namespace: %v", err)
	}
	defer orig.Close()
	h, err := netns.NewNamed(name) // moves this thread into it
	if setErr := netns.Set(orig); setErr != nil {
		// The thread is lost to the test: let it end with the goroutine.
		runtime.LockOSThread()
		t.Fatalf("back to the test's network namespace: %v", setErr)
	}
	testenv.Need(t, "network namespaces", isolatedHow, err)
	t.Cleanup(func() {
		h.Close()
		if err := netns.DeleteNamed(name); err != nil {
			t.Errorf("remove network namespace %s: %v", name, err)
		}
	})
	return h, filepath.Join("/run/netns", name)
}

// wire links the namespaces and gives world its addresses.
func (e *isolatedEngine) wire(t *testing.T) {
	t.Helper()
	dh, err := netlink.NewHandleAt(e.docker)
	if err != nil {
		t.Fatal(err)
	}
	defer dh.Delete()
	wh, err := netlink.NewHandleAt(e.world)
	if err != nil {
		t.Fatal(err)
	}
	defer wh.Delete()

	veth := &netlink.Veth{
		LinkAttrs: netlink.LinkAttrs{Name: "uplink"},
		PeerName:  "uplink", PeerNamespace: netlink.NsFd(e.world),
	}
	must := func(what string, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
	must("add veth pair", dh.LinkAdd(veth))
	up := func(h *netlink.Handle, name string, addrs ...string) netlink.Link {
		t.Helper()
		l, err := h.LinkByName(name)
		must("find "+name, err)
		for _, a := range addrs {
			addr, err := netlink.ParseAddr(a)
			must("parse "+a, err)
			must("add address "+a+" to "+name, h.AddrAdd(l, addr))
		}
		must("set "+name+" up", h.LinkSetUp(l))
		return l
	}
	up(dh, "lo")
	up(dh, "uplink", uplinkDocker+"/30")
	up(wh, "uplink", uplinkWorld+"/30")
	// The listener addresses, on world's loopback (not every kernel has
	// dummy links).
	var addrs []string
	for _, a := range append([]string{publicAddr}, forbiddenAddrs...) {
		addrs = append(addrs, a+"/32")
	}
	up(wh, "lo", addrs...)
	// The docker namespace's only way out is world, which routes nowhere
	// else: it has only the routes of its own links.
	must("add default route", dh.RouteAdd(&netlink.Route{Gw: net.ParseIP(uplinkWorld)}))
}

// startDockerd runs a private dockerd in the docker namespace. It is
// started with nsenter, which enters the network namespace only: ip netns
// exec would also remount /sys, and dockerd then fails.
func (e *isolatedEngine) startDockerd(t *testing.T) {
	t.Helper()
	dir := t.TempDir()
	config := filepath.Join(dir, "daemon.json")
	if err := os.WriteFile(config, []byte("{}\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	sock := filepath.Join(dir, "docker.sock")
	logf, err := os.Create(filepath.Join(dir, "dockerd.log"))
	if err != nil {
		t.Fatal(err)
	}
	defer logf.Close()
	ns := filepath.Base(dir)
	cmd := exec.Command("nsenter", "--net="+e.dockerNS, "dockerd",
		"--host", "unix://"+sock,
		"--data-root", filepath.Join(dir, "data"),
		"--exec-root", filepath.Join(dir, "x"),
		"--pidfile", filepath.Join(dir, "dockerd.pid"),
		"--config-file", config,
		// Should it share a containerd with the host's engine, it keeps
		// to namespaces of its own there.
		"--containerd-namespace", "tender-test-"+ns,
		"--containerd-plugins-namespace", "tender-test-plugins-"+ns,
	)
	cmd.Stdout, cmd.Stderr = logf, logf
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		testenv.Need(t, "dockerd", isolatedHow, err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	logTail := func() string {
		b, _ := os.ReadFile(logf.Name())
		return string(b[max(0, len(b)-4000):])
	}
	t.Cleanup(func() {
		if e.cli != nil {
			e.cli.Close()
		}
		_ = cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-exited:
		case <-time.After(60 * time.Second):
			_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
			<-exited
			t.Errorf("the test's dockerd did not stop within 60 s of SIGTERM; killed it. Its log ends:\n%s", logTail())
		}
	})

	e.cli, err = client.New(client.WithHost("unix://"+sock), client.WithAPIVersionNegotiation())
	if err != nil {
		t.Fatal(err)
	}
	testenv.Eventually(t, 2*time.Minute, "the test's dockerd to answer", func() (bool, string, error) {
		select {
		case err := <-exited:
			exited <- err
			return false, "", fmt.Errorf("dockerd exited (%v); its log ends:\n%s", err, logTail())
		default:
		}
		ctx, cancel := context.WithTimeout(t.Context(), 2*time.Second)
		defer cancel()
		_, err := e.cli.Ping(ctx, client.PingOptions{NegotiateAPIVersion: true})
		if err != nil {
			return false, err.Error(), nil
		}
		return true, "", nil
	})
}

// inNamespace runs f on a thread inside the network namespace ns, then
// brings the thread back. f must not end the goroutine (no t.Fatal).
func inNamespace(t *testing.T, ns netns.NsHandle, f func()) {
	t.Helper()
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	orig, err := netns.Get()
	if err != nil {
		t.Fatal(err)
	}
	defer orig.Close()
	if err := netns.Set(ns); err != nil {
		t.Fatalf("enter a test namespace: %v", err)
	}
	f()
	if err := netns.Set(orig); err != nil {
		runtime.LockOSThread() // the thread is lost; let it end
		t.Fatalf("back to the test's network namespace: %v", err)
	}
}

// listen opens a TCP listener at addr inside the namespace ns, answering
// every connection with greeting; it is closed when the test ends. It
// returns the number of connections accepted so far.
func listen(t *testing.T, ns netns.NsHandle, addr, greeting string) *atomic.Int64 {
	t.Helper()
	var l net.Listener
	inNamespace(t, ns, func() {
		// The socket stays in the namespace it was made in.
		var err error
		if l, err = net.Listen("tcp", addr); err != nil {
			t.Errorf("listen on %s in a test namespace: %v", addr, err)
		}
	})
	if l == nil {
		t.FailNow()
	}
	var accepted atomic.Int64
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			accepted.Add(1)
			fmt.Fprintf(c, "%s\n", greeting)
			c.Close()
		}
	}()
	t.Cleanup(func() {
		l.Close()
		<-done
	})
	return &accepted
}

// linkAddr is the first IPv4 address of the link name in ns.
func linkAddr(t *testing.T, ns netns.NsHandle, name string) netip.Addr {
	t.Helper()
	h, err := netlink.NewHandleAt(ns)
	if err != nil {
		t.Fatal(err)
	}
	defer h.Delete()
	l, err := h.LinkByName(name)
	if err != nil {
		t.Fatalf("link %s: %v", name, err)
	}
	addrs, err := h.AddrList(l, netlink.FAMILY_V4)
	if err != nil || len(addrs) == 0 {
		t.Fatalf("addresses of %s: %v, %v", name, addrs, err)
	}
	a, _ := netip.AddrFromSlice(addrs[0].IP.To4())
	return a
}

// linkExists reports whether ns has a link called name.
func linkExists(t *testing.T, ns netns.NsHandle, name string) bool {
	t.Helper()
	h, err := netlink.NewHandleAt(ns)
	if err != nil {
		t.Fatal(err)
	}
	defer h.Delete()
	_, err = h.LinkByName(name)
	var notFound netlink.LinkNotFoundError
	if errors.As(err, &notFound) {
		return false
	}
	if err != nil && !strings.Contains(err.Error(), "not found") {
		t.Fatalf("link %s: %v", name, err)
	}
	return err == nil
}
