package network

import (
	"bufio"
	"context"
	"crypto/ecdsa"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"math/big"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/libp2p/go-libp2p/core/network"
	"github.com/libp2p/go-libp2p/core/peer"
	ma "github.com/multiformats/go-multiaddr"
	manet "github.com/multiformats/go-multiaddr/net"

	"github.com/tender-market/tender/internal/testenv"
	"github.com/tender-market/tender/pkg/auction"
)

// TestNATTraversal runs the market across real NATs, in network namespaces
// it creates (nothing leaves them): an "Internet" segment, 198.51.100.0/24
// (documentation addresses, taken for public ones by the nodes of this
// test), with a relay and three plain public nodes; a tenant and a
// provider each behind a NAT of their own (a namespace router doing
// iptables MASQUERADE), and a second provider behind a symmetric-style NAT
// (MASQUERADE --random-fully: a new port for every destination), through
// which hole punching cannot succeed. Every node is this test binary, run
// in its namespace (TestMain's natNodeMain). The NATed nodes learn they
// are private from the public nodes (AutoNAT), take a relay slot, and the
// whole path runs: the order by gossip, both providers' sealed bids to
// the NATed tenant, and a 64 MiB output download from each, directly where
// hole punching made a connection, through the relay where it could not.
func TestNATTraversal(t *testing.T) {
	nn := newNATNet(t)
	public := []string{"198.51.100.10", "198.51.100.11", "198.51.100.12", "198.51.100.13"}
	var boot []string
	for i, ip := range public {
		name := fmt.Sprintf("pub%d", i)
		nn.public(name, ip)
		role := "public"
		if i == 0 {
			role = "relay"
		}
		up := nn.start(name, role, map[string]string{"LISTEN": ip, "KEY": strconv.Itoa(200 + i)})
		boot = append(boot, fmt.Sprintf("/ip4/%s/udp/4001/quic-v1/p2p/%s", ip, up.Peer), fmt.Sprintf("/ip4/%s/tcp/4001/p2p/%s", ip, up.Peer))
	}
	bootEnv := strings.Join(boot, ",")
	nn.natted("nat-t", "tenant", "198.51.100.21", "10.1.0", false)
	nn.natted("nat-a", "prov-a", "198.51.100.22", "10.2.0", false)
	nn.natted("nat-b", "prov-b", "198.51.100.23", "10.3.0", true)
	const output = 64 << 20
	for i, p := range []string{"prov-a", "prov-b"} {
		nn.start(p, "provider", map[string]string{"BOOT": bootEnv, "KEY": strconv.Itoa(100 + i), "OUTPUT": strconv.Itoa(output)})
	}
	nn.start("tenant", "tenant", map[string]string{"BOOT": bootEnv, "KEY": "1", "PROVIDERS": "2"})
	tenant := nn.nodes["tenant"]

	var bids, downloads []natEvent
	for ev := range tenant.events {
		t.Logf("tenant: %+v", ev)
		switch ev.Event {
		case "bid":
			bids = append(bids, ev)
		case "download":
			downloads = append(downloads, ev)
		case "error":
			t.Fatalf("tenant: %s", ev.Msg)
		}
		if ev.Event == "done" {
			break
		}
	}
	if len(bids) != 2 || len(downloads) != 2 {
		t.Fatalf("the NATed tenant got %d bids and %d downloads, want 2 and 2", len(bids), len(downloads))
	}
	for _, d := range downloads {
		if d.Bytes != output {
			t.Errorf("download from %s: %d bytes, want %d", d.Provider, d.Bytes, output)
		}
	}
	// Hole punching made the connection through the plain NAT direct;
	// through the symmetric one the relay carried it.
	for _, d := range downloads {
		switch {
		case d.Provider == nn.peer("prov-a") && !d.Direct:
			t.Errorf("the provider behind the plain NAT was reached through the relay: hole punching did not get through")
		case d.Provider == nn.peer("prov-b") && d.Direct:
			t.Errorf("the provider behind the symmetric NAT was reached directly: hole punching cannot get through it")
		}
	}
	t.Logf("time to first bid %d ms; downloads: %+v", bids[0].Ms, downloads)
}

// natEvent is what a node run by TestNATTraversal reports, a JSON line.
type natEvent struct {
	Event    string  `json:"event"` // up, ready, bid, download, done, error
	Peer     string  `json:"peer,omitempty"`
	Provider string  `json:"provider,omitempty"`
	Ms       int64   `json:"ms,omitempty"`
	Bytes    int64   `json:"bytes,omitempty"`
	MiBps    float64 `json:"mibps,omitempty"`
	Direct   bool    `json:"direct,omitempty"`
	Msg      string  `json:"msg,omitempty"`
}

// natNet is the namespaces of TestNATTraversal, named with a prefix of
// this process's, removed at cleanup with every node it started.
type natNet struct {
	t      *testing.T
	prefix string
	nodes  map[string]*natNode
}

type natNode struct {
	peer   string
	events chan natEvent
}

const natHow = "run the tests as root on Linux with iproute2 and iptables (scripts/setup.sh installs them)"

func newNATNet(t *testing.T) *natNet {
	t.Helper()
	_, ipErr := exec.LookPath("ip")
	_, iptErr := exec.LookPath("iptables")
	_, nsErr := exec.LookPath("nsenter")
	err := ipErr
	if err == nil {
		err = iptErr
	}
	if err == nil {
		err = nsErr
	}
	if err == nil && os.Geteuid() != 0 {
		err = fmt.Errorf("not root")
	}
	testenv.Need(t, "network namespaces", natHow, err)
	removeStaleNATNets()
	nn := &natNet{t: t, prefix: fmt.Sprintf("tn%d", os.Getpid()), nodes: map[string]*natNode{}}
	t.Cleanup(nn.remove)
	nn.ip("netns", "add", nn.ns("inet"))
	nn.ip("-n", nn.ns("inet"), "link", "set", "lo", "up")
	nn.ip("-n", nn.ns("inet"), "link", "add", "br0", "type", "bridge")
	nn.ip("-n", nn.ns("inet"), "link", "set", "br0", "up")
	return nn
}

func (nn *natNet) ns(name string) string { return nn.prefix + "-" + name }

func (nn *natNet) ip(args ...string) {
	nn.t.Helper()
	if out, err := exec.Command("ip", args...).CombinedOutput(); err != nil {
		nn.t.Fatalf("ip %s: %v\n%s", strings.Join(args, " "), err, out)
	}
}

func (nn *natNet) in(ns string, args ...string) {
	nn.t.Helper()
	cmd := exec.Command("nsenter", append([]string{"--net=/run/netns/" + nn.ns(ns), "--"}, args...)...)
	if out, err := cmd.CombinedOutput(); err != nil {
		nn.t.Fatalf("in %s: %s: %v\n%s", ns, strings.Join(args, " "), err, out)
	}
}

// public makes namespace name on the Internet segment at addr.
func (nn *natNet) public(name, addr string) {
	nn.t.Helper()
	ns := nn.ns(name)
	nn.ip("netns", "add", ns)
	nn.ip("-n", ns, "link", "set", "lo", "up")
	veth := "v-" + name
	nn.ip("-n", nn.ns("inet"), "link", "add", veth, "type", "veth", "peer", "name", "eth0", "netns", ns)
	nn.ip("-n", nn.ns("inet"), "link", "set", veth, "master", "br0", "up")
	nn.ip("-n", ns, "addr", "add", addr+"/24", "dev", "eth0")
	nn.ip("-n", ns, "link", "set", "eth0", "up")
}

// natted makes router on the Internet at wan, NATing lan.0/24 for host
// (lan.2) behind it; symmetric picks a random port for every new flow.
func (nn *natNet) natted(router, host, wan, lan string, symmetric bool) {
	nn.t.Helper()
	nn.public(router, wan)
	hns := nn.ns(host)
	nn.ip("netns", "add", hns)
	nn.ip("-n", hns, "link", "set", "lo", "up")
	nn.ip("-n", nn.ns(router), "link", "add", "lan", "type", "veth", "peer", "name", "eth0", "netns", hns)
	nn.ip("-n", nn.ns(router), "addr", "add", lan+".1/24", "dev", "lan")
	nn.ip("-n", nn.ns(router), "link", "set", "lan", "up")
	nn.ip("-n", hns, "addr", "add", lan+".2/24", "dev", "eth0")
	nn.ip("-n", hns, "link", "set", "eth0", "up")
	nn.ip("-n", hns, "route", "add", "default", "via", lan+".1")
	nn.in(router, "sysctl", "-qw", "net.ipv4.ip_forward=1")
	masq := []string{"iptables", "-t", "nat", "-A", "POSTROUTING", "-o", "eth0", "-j", "MASQUERADE"}
	if symmetric {
		masq = append(masq, "--random-fully")
	}
	nn.in(router, masq...)
	// As home routers do: what comes in unasked is dropped, not refused,
	// so that two peers' simultaneous dials can cross (hole punching).
	for _, chain := range []string{"INPUT", "FORWARD"} {
		nn.in(router, "iptables", "-A", chain, "-i", "eth0", "-m", "conntrack", "--ctstate", "NEW,INVALID", "-j", "DROP")
	}
}

// start runs this test binary as a node of role in namespace ns, with env
// (prefixed TENDER_NAT_), and waits for it to say it is up.
func (nn *natNet) start(ns, role string, env map[string]string) natEvent {
	t := nn.t
	t.Helper()
	cmd := exec.Command("nsenter", "--net=/run/netns/"+nn.ns(ns), "--", os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), natRoleEnv+"="+role)
	for k, v := range env {
		cmd.Env = append(cmd.Env, "TENDER_NAT_"+k+"="+v)
	}
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	logs := &testenv.Buffer{}
	cmd.Stderr = logs
	t.Cleanup(func() {
		if t.Failed() || os.Getenv("TENDER_NAT_LOGS") != "" {
			t.Logf("%s (%s) said:\n%s", ns, role, logs.String())
		}
	})
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	node := &natNode{events: make(chan natEvent, 64)}
	nn.nodes[ns] = node
	t.Cleanup(func() {
		stdin.Close() // the node stops when its input ends
		testenv.WaitOrKill(cmd, 20*time.Second)
	})
	go func() {
		defer close(node.events)
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			var ev natEvent
			if json.Unmarshal(sc.Bytes(), &ev) == nil && ev.Event != "" {
				node.events <- ev
			}
		}
	}()
	select {
	case ev, ok := <-node.events:
		if !ok || ev.Event != "up" {
			t.Fatalf("%s (%s) did not come up: %+v", ns, role, ev)
		}
		node.peer = ev.Peer
		return ev
	case <-time.After(time.Minute):
		t.Fatalf("%s (%s) did not come up within a minute", ns, role)
		return natEvent{}
	}
}

func (nn *natNet) peer(ns string) string { return nn.nodes[ns].peer }

// remove deletes every namespace the test made.
func (nn *natNet) remove() { removeNATNets(func(prefix string) bool { return prefix == nn.prefix }) }

// removeStaleNATNets deletes the namespaces of test processes that ended
// without removing theirs (killed).
func removeStaleNATNets() {
	removeNATNets(func(prefix string) bool {
		pid, err := strconv.Atoi(strings.TrimPrefix(prefix, "tn"))
		if err != nil {
			return false
		}
		_, err = os.Stat(fmt.Sprintf("/proc/%d", pid))
		return os.IsNotExist(err)
	})
}

// removeNATNets deletes the namespaces named tnPID-... whose prefix
// (tnPID) match says to.
func removeNATNets(match func(prefix string) bool) {
	out, _ := exec.Command("ip", "netns", "list").Output()
	for _, line := range strings.Split(string(out), "\n") {
		name, _, _ := strings.Cut(strings.TrimSpace(line), " ")
		prefix, _, ok := strings.Cut(name, "-")
		if ok && strings.HasPrefix(prefix, "tn") && match(prefix) {
			exec.Command("ip", "netns", "del", name).Run()
		}
	}
}

// natRoleEnv names the role of a TestNATTraversal node; TestMain runs
// natNodeMain instead of the tests when it is set.
const natRoleEnv = "TENDER_NAT_ROLE"

// natNodeMain runs one node of TestNATTraversal in the namespace it was
// started in, reporting on standard output, until its input ends.
func natNodeMain(role string) int {
	// This test's Internet is a documentation range; its nodes take it for
	// public addresses, as AutoNAT, relays and hole punching need.
	manet.Unroutable4 = slices.DeleteFunc(manet.Unroutable4, func(n *net.IPNet) bool { return n.Contains(net.ParseIP("198.51.100.1")) })
	out := json.NewEncoder(os.Stdout)
	say := func(ev natEvent) { out.Encode(ev) }
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() { // the test ends the node by closing its input
		bufio.NewReader(os.Stdin).ReadString(0)
		cancel()
	}()
	if err := runNATNode(ctx, role, say); err != nil {
		say(natEvent{Event: "error", Msg: err.Error()})
		return 1
	}
	<-ctx.Done()
	return 0
}

func natEnv(k string) string { return os.Getenv("TENDER_NAT_" + k) }

// natKey is test key n (see testKey).
func natKey(n int) *ecdsa.PrivateKey {
	k, err := crypto.ToECDSA(crypto.Keccak256([]byte(fmt.Sprintf("tender test key %d", n))))
	if err != nil {
		panic(err)
	}
	return k
}

// natLeaseID is the lease each provider serves the tenant's output of.
var natLeaseID = common.HexToHash("0x4a7")

func runNATNode(ctx context.Context, role string, say func(natEvent)) error {
	keyN, _ := strconv.Atoi(natEnv("KEY"))
	cfg := Config{
		Domain:            testDomain,
		KeyFile:           filepath.Join(os.TempDir(), fmt.Sprintf("tender-nat-%d-%s-%d.key", os.Getppid(), role, keyN)),
		BootstrapInterval: time.Second,
		DiscoveryInterval: 2 * time.Second,
		StreamTimeout:     30 * time.Second,
	}
	defer os.Remove(cfg.KeyFile)
	defer os.Remove(cfg.KeyFile + ".lock")
	if ip := natEnv("LISTEN"); ip != "" {
		cfg.ListenAddrs = []string{fmt.Sprintf("/ip4/%s/tcp/4001", ip), fmt.Sprintf("/ip4/%s/udp/4001/quic-v1", ip)}
		cfg.Reachability = ReachabilityPublic
	} else {
		cfg.ListenAddrs = []string{"/ip4/0.0.0.0/tcp/4001", "/ip4/0.0.0.0/udp/4001/quic-v1"}
	}
	cfg.RelayService = role == "relay" || role == "public"
	var addrs []ma.Multiaddr
	for _, b := range strings.Split(natEnv("BOOT"), ",") {
		if b != "" {
			addrs = append(addrs, ma.StringCast(b))
		}
	}
	boot, err := peer.AddrInfosFromP2pAddrs(addrs...)
	if err != nil {
		return err
	}
	cfg.Bootstrap = boot
	n, err := New(ctx, cfg)
	if err != nil {
		return err
	}
	context.AfterFunc(ctx, func() { n.Close() })
	say(natEvent{Event: "up", Peer: n.ID().String()})
	switch role {
	case "provider":
		return natProvider(ctx, n, keyN)
	case "tenant":
		return natTenant(ctx, n, say)
	}
	return nil
}

// natReady waits until n is reachable through a relay and hears orders.
func natReady(ctx context.Context, n *Node) error {
	if err := pollUntil(ctx, func() bool { return relayed(n) && len(n.orders.ListPeers()) > 0 }); err != nil {
		return fmt.Errorf("no relayed address (addresses %v) or no orders peer: %w", n.host.Addrs(), err)
	}
	return nil
}

// pollUntil checks cond every 100 ms until it holds or ctx ends.
func pollUntil(ctx context.Context, cond func() bool) error {
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	for !cond() {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-tick.C:
		}
	}
	return nil
}

// waitDirect waits, until ctx ends, for n to hold a direct connection to
// p (hole punching upgrades a relayed one), and reports whether it does.
func waitDirect(ctx context.Context, n *Node, p peer.ID) bool {
	direct := make(chan struct{}, 1)
	notifee := &network.NotifyBundle{ConnectedF: func(_ network.Network, c network.Conn) {
		if c.RemotePeer() == p && !isRelayed(c) {
			select {
			case direct <- struct{}{}:
			default:
			}
		}
	}}
	n.host.Network().Notify(notifee)
	defer n.host.Network().StopNotify(notifee)
	if directTo(n, p) {
		return true
	}
	select {
	case <-direct:
		return true
	case <-ctx.Done():
		return directTo(n, p)
	}
}

// natProvider serves its output and bids on every order.
func natProvider(ctx context.Context, n *Node, keyN int) error {
	size, _ := strconv.Atoi(natEnv("OUTPUT"))
	output := make([]byte, size)
	rand.Read(output)
	host := newMemLeaseHost()
	host.add(natLeaseID, &memLease{tenant: crypto.PubkeyToAddress(natKey(1).PublicKey), status: LeaseStatus{State: JobClosed}, output: output})
	n.ServeLeases(host)
	key := natKey(keyN)
	for vo := range n.Orders(ctx) {
		b := auction.Bid{
			OrderHash: vo.Hash, Provider: crypto.PubkeyToAddress(key.PublicKey), PeerID: n.ID().String(),
			PricePerHour: big500k(), Expiry: vo.Order.Expiry, Nonce: 1,
		}
		sb, err := testDomain.SignBid(b, auction.NewKeySigner(key))
		if err != nil {
			return err
		}
		bctx, cancel := context.WithTimeout(ctx, time.Minute)
		_, err = n.SendBid(bctx, &vo, sb)
		cancel()
		if err != nil {
			return fmt.Errorf("bid: %w", err)
		}
	}
	return nil
}

// natTenant auctions an order, then downloads each bidder's output.
func natTenant(ctx context.Context, n *Node, say func(natEvent)) error {
	wctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	if err := natReady(wctx, n); err != nil {
		return err
	}
	want, _ := strconv.Atoi(natEnv("PROVIDERS"))
	// The providers' orders meshes: they have joined once the DHT lists
	// them as market peers.
	pollUntil(wctx, func() bool {
		peers, _ := n.MarketPeers(wctx, 16)
		return len(peers) >= 4+want
	})
	key := natKey(1)
	now := time.Now()
	o := auction.Order{
		Tenant: crypto.PubkeyToAddress(key.PublicKey), Auctioneer: n.ID().String(),
		MaxPricePerHour: bigMillion(), MaxDuration: 3600, BidDeadline: uint64(now.Add(time.Minute).Unix()),
		Expiry: uint64(now.Add(2 * time.Minute).Unix()), Nonce: 1,
		Requirements: auction.Requirements{CPUMillis: 1000, MemoryMiB: 1024},
		Job:          auction.Job{Image: "tender/example-train:dev"},
	}
	so, err := testDomain.SignOrder(o, auction.NewKeySigner(key))
	if err != nil {
		return err
	}
	vo, err := testDomain.VerifyOrder(so)
	if err != nil {
		return err
	}
	a, err := auction.NewAuction(testDomain, vo, nil)
	if err != nil {
		return err
	}
	bids := make(chan BidReceipt, want)
	srv, err := n.ServeAuction(a, func(r BidReceipt) { bids <- r })
	if err != nil {
		return err
	}
	defer srv.Stop()
	start := time.Now()
	if err := n.PublishOrder(wctx, so); err != nil {
		return err
	}
	var bidders []peer.ID
	for len(bidders) < want {
		select {
		case r := <-bids:
			p, err := peer.Decode(r.Bid.Bid.PeerID)
			if err != nil {
				return err
			}
			bidders = append(bidders, p)
			say(natEvent{Event: "bid", Provider: p.String(), Ms: time.Since(start).Milliseconds()})
		case <-wctx.Done():
			return fmt.Errorf("%d of %d bids within the wait", len(bidders), want)
		}
	}
	for _, p := range bidders {
		// Hole punching, where the NAT lets it, turns the relayed
		// connection direct within a few seconds.
		hctx, cancel := context.WithTimeout(ctx, 20*time.Second)
		waitDirect(hctx, n, p)
		cancel()
		lc := n.Lease(peer.AddrInfo{ID: p}, natLeaseID, auction.NewKeySigner(key))
		f, err := os.CreateTemp("", "tender-nat-output")
		if err != nil {
			return err
		}
		dctx, cancel := context.WithTimeout(ctx, 3*time.Minute)
		start := time.Now()
		info, err := lc.DownloadOutput(dctx, f)
		took := time.Since(start)
		cancel()
		f.Close()
		os.Remove(f.Name())
		if err != nil {
			return fmt.Errorf("download from %s: %w", p, err)
		}
		say(natEvent{Event: "download", Provider: p.String(), Bytes: info.Size, MiBps: float64(info.Size) / took.Seconds() / (1 << 20), Direct: directTo(n, p)})
	}
	say(natEvent{Event: "done"})
	return nil
}

func big500k() *big.Int    { return big.NewInt(500_000) }
func bigMillion() *big.Int { return big.NewInt(1_000_000) }

// directTo reports whether n holds a direct (not relayed) connection to p.
func directTo(n *Node, p peer.ID) bool {
	return slices.ContainsFunc(n.host.Network().ConnsToPeer(p), func(c network.Conn) bool { return !isRelayed(c) })
}
