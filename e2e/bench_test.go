package e2e

import (
	"bufio"
	"context"
	"fmt"
	"math/big"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/accounts/abi/bind/v2"
	"github.com/libp2p/go-libp2p/core/peer"
	"github.com/moby/moby/client"

	"github.com/tender-market/tender/internal/testenv"
	"github.com/tender-market/tender/pkg/auction"
	"github.com/tender-market/tender/pkg/deployment"
	"github.com/tender-market/tender/pkg/devchain"
	"github.com/tender-market/tender/pkg/executor"
	"github.com/tender-market/tender/pkg/lease"
	"github.com/tender-market/tender/pkg/tenant"
)

// BenchmarkProviderIdleMemory runs `provider run` with a simulated DGX H100
// on a dev chain, lets it settle idle (its resident memory steady over
// two seconds, its market node and escrow watcher up) and reports its
// resident memory (target: 80 MiB).
func BenchmarkProviderIdleMemory(b *testing.B) {
	needImage(b) // the daemon dials the Docker Engine at start
	dep := startChainWith(b, devchain.Config{})
	p := startProviderProcess(b, dep)
	rss := steadyRSS(b, p.pid)
	b.ReportMetric(float64(rss)/(1<<20), "MiB-rss")
	b.ReportMetric(0, "ns/op")
	b.Logf("provider run, idle with a simulated dgxh100 (8 GPUs): RSS %.1f MiB (target <= 80 MiB)", float64(rss)/(1<<20))
}

// BenchmarkProviderIdleMemoryKubernetes is BenchmarkProviderIdleMemory
// with --executor kubernetes: the provider sells the test node's GPUs and
// reads its nodes and pods every 10 s (target: 80 MiB).
func BenchmarkProviderIdleMemoryKubernetes(b *testing.B) {
	kubeconfig := testenv.Kubeconfig(b)
	dep := startChainWith(b, devchain.Config{})
	p := startProviderProcess(b, dep, "--executor", "kubernetes", "--kubeconfig", kubeconfig, "--namespace", "tender-bench")
	rss := steadyRSS(b, p.pid)
	b.ReportMetric(float64(rss)/(1<<20), "MiB-rss")
	b.ReportMetric(0, "ns/op")
	b.Logf("provider run --executor kubernetes, idle on the test node (4 GPUs): RSS %.1f MiB (target <= 80 MiB)", float64(rss)/(1<<20))
}

// BenchmarkProviderMemoryOverLeases runs `provider run` (a simulated DGX
// H100, Docker jobs) while eight tenants settle 1,000 leases of the
// example training job on it, eight at a time, and reports its resident
// memory after the first 100 leases and after all 1,000, and the growth
// per lease in between: a settled lease lives on disk, not in memory.
func BenchmarkProviderMemoryOverLeases(b *testing.B) {
	const leases, tenants, warm = 1000, 8, 100
	needImage(b)
	p, sides := providerAndTenants(b, tenants)
	job := trainJob(b, 1, "10m")
	job.BidWindow = time.Second
	var (
		mu      sync.Mutex
		settled int
		samples []int64 // RSS after every 100 leases
	)
	next := make(chan struct{}, leases)
	for range leases {
		next <- struct{}{}
	}
	close(next)
	start := time.Now()
	var wg sync.WaitGroup
	for _, ts := range sides {
		wg.Go(func() {
			for range next {
				ctx, cancel := context.WithTimeout(b.Context(), 5*time.Minute)
				res, err := ts.client.Submit(ctx, job, tenant.Options{QueueTimeout: 4 * time.Minute})
				cancel()
				if err != nil || !res.Settled || res.ExitCode != 0 {
					b.Errorf("lease %d: %+v, %v", settled, res, err)
					return
				}
				mu.Lock()
				settled++
				if settled%100 == 0 {
					samples = append(samples, vmRSS(b, p.pid))
					b.Logf("%d leases settled in %s: provider RSS %.1f MiB", settled, time.Since(start).Round(time.Second), float64(samples[len(samples)-1])/(1<<20))
				}
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if b.Failed() || len(samples) < leases/100 {
		b.FailNow()
	}
	first, last := samples[warm/100-1], samples[len(samples)-1]
	perLease := float64(last-first) / float64(leases-warm) / 1024
	b.ReportMetric(float64(first)/(1<<20), "MiB-rss-100")
	b.ReportMetric(float64(last)/(1<<20), "MiB-rss-1000")
	b.ReportMetric(perLease, "KiB/lease")
	b.ReportMetric(0, "ns/op")
	b.Logf("provider RSS after %d leases %.1f MiB, after %d %.1f MiB: %+.2f KiB per settled lease", warm, float64(first)/(1<<20), leases, float64(last)/(1<<20), perLease)
}

// providerProcess is `provider run` in a process of its own.
type providerProcess struct {
	pid  int
	addr peer.AddrInfo
}

// startProviderProcess builds the provider and runs it on dep, as dev
// account 2 with a simulated DGX H100 (unless args name an --executor),
// until b ends.
func startProviderProcess(b *testing.B, dep deployment.Deployment, args ...string) *providerProcess {
	dir := b.TempDir()
	bin := filepath.Join(dir, "provider")
	ctx, cancel := context.WithCancel(context.Background())
	buildCtx, stop := context.WithTimeout(b.Context(), 4*time.Minute)
	defer stop()
	if out, err := exec.CommandContext(buildCtx, "go", "build", "-o", bin, "../cmd/provider").CombinedOutput(); err != nil {
		cancel()
		b.Fatalf("build provider: %v\n%s", err, out)
	}
	depFile := filepath.Join(dir, "deployment.json")
	if err := dep.Save(depFile); err != nil {
		cancel()
		b.Fatal(err)
	}
	prices := filepath.Join(dir, "prices.yaml")
	if err := os.WriteFile(prices, []byte("gpus: [{model: H100, pricePerHour: \"2000000\"}]\n"), 0o600); err != nil {
		cancel()
		b.Fatal(err)
	}
	if !slices.Contains(args, "--executor") {
		args = append(args, "--gpu-sim", "dgxh100")
	}
	cmd := exec.CommandContext(ctx, bin, append([]string{"run", "--deployment", depFile, "--dev-account", "2",
		"--prices", prices, "--work-dir", filepath.Join(dir, "work"), "--listen", "/ip4/127.0.0.1/tcp/0", "--log-level", "warn"}, args...)...)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		cancel()
		b.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		cancel()
		b.Fatal(err)
	}
	b.Cleanup(func() {
		defer cancel()
		cmd.Process.Signal(os.Interrupt)
		if testenv.WaitOrKill(cmd, 30*time.Second) {
			b.Error("provider did not stop on SIGINT")
		}
	})
	// It prints "provider ADDRESS on chain N, peer ID", then its listen
	// addresses, once it serves the market.
	ready := make(chan peer.AddrInfo, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		var id string
		sent := false
		for sc.Scan() {
			line := sc.Text()
			if _, after, ok := strings.Cut(line, ", peer "); ok && strings.HasPrefix(line, "provider ") {
				id = after
			}
			if a, ok := strings.CutPrefix(strings.TrimSpace(line), "listening on "); ok && id != "" && !sent {
				if !strings.Contains(a, "/p2p/") {
					a += "/p2p/" + id
				}
				if ai, err := peer.AddrInfoFromString(a); err == nil {
					ready <- *ai
					sent = true
				}
			}
		}
	}()
	select {
	case ai := <-ready:
		return &providerProcess{pid: cmd.Process.Pid, addr: ai}
	case <-time.After(time.Minute):
		b.Fatal("provider run did not start within a minute")
	}
	return nil
}

// steadyRSS waits until pid's resident memory holds within 1% for two
// seconds and returns it.
func steadyRSS(b *testing.B, pid int) int64 {
	var rss, last int64
	var steadySince time.Time
	testenv.Eventually(b, time.Minute, "the provider's memory steady", func() (bool, string, error) {
		rss = vmRSS(b, pid)
		if last == 0 || rss > last+last/100 || rss < last-last/100 {
			last, steadySince = rss, time.Now()
		}
		return time.Since(steadySince) >= 2*time.Second, fmt.Sprintf("RSS %d", rss), nil
	})
	return rss
}

func vmRSS(t testing.TB, pid int) int64 {
	t.Helper()
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(data), "\n") {
		if f := strings.Fields(line); len(f) == 3 && f[0] == "VmRSS:" {
			kb, err := strconv.ParseInt(f[1], 10, 64)
			if err != nil {
				t.Fatal(err)
			}
			return kb << 10
		}
	}
	t.Fatal("no VmRSS in /proc/PID/status")
	return 0
}

// BenchmarkMarketPath times the whole path on a local market (dev chain
// sealing a block per transaction, one provider with a simulated DGX H100,
// loopback libp2p, a 1 s bid window, 200 ms polls): submit -> the job's
// container runs and the lease is started on chain, and submit -> the
// lease of a short job is settled. It reports the median of b.N runs.
func BenchmarkMarketPath(b *testing.B) {
	b.Run("submit-to-running", func(b *testing.B) { benchPath(b, false) })
	b.Run("submit-to-settled", func(b *testing.B) { benchPath(b, true) })
}

func benchPath(b *testing.B, settle bool) {
	ex := needImage(b)
	dep := startChain(b)
	p := newDaemon(b, dep, ex, h100)
	p.start()
	ts := newTenantSide(b, dep, p.node)
	job := trainJob(b, 5, "10m")
	job.BidWindow = time.Second
	var took []time.Duration
	b.ResetTimer()
	for range b.N {
		ctx, cancel := context.WithTimeout(b.Context(), 2*time.Minute)
		start := time.Now()
		res, err := ts.client.Submit(ctx, job, tenant.Options{Detach: !settle})
		if err != nil {
			cancel()
			b.Fatal(err)
		}
		if !settle {
			waitLease(b, ts.esc, res.LeaseID, lease.StateRunning, time.Minute)
		}
		took = append(took, time.Since(start))
		cancel()
		if !settle {
			b.StopTimer()
			settledEvent(b, ts.esc, res.LeaseID, 0, time.Minute)
			b.StartTimer()
		}
	}
	b.StopTimer()
	slices.Sort(took)
	p50 := took[len(took)/2]
	b.ReportMetric(float64(p50.Milliseconds()), "ms-p50")
	b.ReportMetric(0, "ns/op")
	b.Logf("%d runs, bid window %s: p50 %s, min %s, max %s", len(took), job.BidWindow, p50, took[0], took[len(took)-1])
}

// providerAndTenants starts a dev chain, `provider run` on it (a simulated
// DGX H100 renting out 8 CPUs) and n tenants joined to it, dev accounts 5
// and up.
func providerAndTenants(b *testing.B, n int) (*providerProcess, []*tenantSide) {
	dep := startChainWith(b, devchain.Config{Accounts: 5 + n})
	p := startProviderProcess(b, dep, "--cpu", "8")
	sides := make([]*tenantSide, 0, n)
	for i := range n {
		sides = append(sides, newTenantAs(b, dep, 5+i, p.addr))
	}
	return p, sides
}

// newTenantAs is a tenant acting as dev account n, joined to the provider
// at addr.
func newTenantAs(b *testing.B, dep deployment.Deployment, n int, addr peer.AddrInfo) *tenantSide {
	key := deployment.DevKey(n)
	name := fmt.Sprint("tenant-", n)
	esc := dialEscrow(b, dep, name)
	cfg := nodeConfig(b, esc.Domain(), name)
	cfg.Bootstrap = []peer.AddrInfo{addr}
	node := startNode(b, cfg)
	waitPeers(b, node, 1)
	ts := &tenantSide{esc: esc, node: node, key: auction.NewKeySigner(key), auth: bind.NewKeyedTransactor(key, esc.ChainID()), records: tenant.NewLeaseDir(b.TempDir())}
	// Orders live a minute past their bid window, not the default ten: the
	// nodes keep every live order, and the benchmark is after the memory of
	// settled leases, not of orders still alive.
	ts.client = newTenant(b, dep, esc, node, ts.key, ts.auth, ts.records, func(c *tenant.Config) { c.LeaseWindow = time.Minute })
	return ts
}

// BenchmarkBilledSeconds runs `provider run` (a simulated DGX H100, Docker
// jobs) while eight tenants each submit a 0.3-second training job at the
// same moment, and compares what each lease paid, in seconds of its price,
// with how long its container ran as the Docker Engine saw it (its start
// and die events). Target: billed <= container seconds + 1 for every
// lease, however the provider's transactions queue up.
func BenchmarkBilledSeconds(b *testing.B) {
	const tenants = 8
	needImage(b)
	cli, err := executor.Dial(b.Context())
	if err != nil {
		b.Fatal(err)
	}
	defer cli.Close()
	events := cli.Events(b.Context(), client.EventsListOptions{Filters: make(client.Filters).Add("type", "container")})
	var (
		evMu      sync.Mutex
		ran       = map[string]time.Duration{} // container name -> start to die
		startedAt = map[string]int64{}
	)
	go func() {
		for m := range events.Messages {
			name := m.Actor.Attributes["name"]
			evMu.Lock()
			switch m.Action {
			case "start":
				startedAt[name] = m.TimeNano
			case "die":
				if s, ok := startedAt[name]; ok {
					ran[name] = time.Duration(m.TimeNano - s)
				}
			}
			evMu.Unlock()
		}
	}()
	_, sides := providerAndTenants(b, tenants)
	job := trainJob(b, 3, "10m")
	job.BidWindow = time.Second
	results := make([]*tenant.Result, tenants)
	b.ResetTimer()
	var wg sync.WaitGroup
	for i, ts := range sides {
		wg.Go(func() {
			ctx, cancel := context.WithTimeout(b.Context(), 5*time.Minute)
			defer cancel()
			res, err := ts.client.Submit(ctx, job, tenant.Options{QueueTimeout: 4 * time.Minute})
			if err != nil || !res.Settled || res.ExitCode != 0 || res.Winner == nil || res.Paid == nil {
				b.Errorf("tenant %d: %+v, %v", i, res, err)
				return
			}
			results[i] = res
		})
	}
	wg.Wait()
	b.StopTimer()
	if b.Failed() {
		b.FailNow()
	}
	var worst, sum float64
	for _, res := range results {
		name := "tender-lease-" + res.LeaseID.Hex()
		var d time.Duration
		testenv.Eventually(b, 10*time.Second, "the die event of "+name, func() (bool, string, error) {
			evMu.Lock()
			defer evMu.Unlock()
			var ok bool
			d, ok = ran[name]
			return ok, "", nil
		})
		// billed = paid x 3600 / price; it must be <= ran + 1 s, checked
		// exactly in integers (nanoseconds).
		price := res.Winner.PricePerHour
		billedNs := new(big.Int).Mul(res.Paid, big.NewInt(3600*int64(time.Second)))
		limit := new(big.Int).Mul(price, big.NewInt(int64(d+time.Second)))
		over := float64(new(big.Int).Quo(billedNs, price).Int64()-int64(d)) / float64(time.Second)
		if billedNs.Cmp(limit) > 0 {
			b.Errorf("lease %s: paid %s at %s per hour, %.3f s more than its container's %s", res.LeaseID.Hex(), res.Paid, price, over, d)
		}
		worst = max(worst, over)
		sum += over
	}
	b.ReportMetric(worst, "s-billed-over-ran-max")
	b.ReportMetric(sum/tenants, "s-billed-over-ran-mean")
	b.ReportMetric(0, "ns/op")
	b.Logf("%d leases at once on one provider: billed minus container seconds, mean %+.3f s, max %+.3f s (target <= 1 s)", tenants, sum/tenants, worst)
}
