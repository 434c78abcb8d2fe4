package e2e

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/tender-market/tender/internal/testenv"
	"github.com/tender-market/tender/pkg/devchain"
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
	dir := b.TempDir()
	bin := filepath.Join(dir, "provider")
	ctx, cancel := context.WithTimeout(b.Context(), 4*time.Minute)
	defer cancel()
	if out, err := exec.CommandContext(ctx, "go", "build", "-o", bin, "../cmd/provider").CombinedOutput(); err != nil {
		b.Fatalf("build provider: %v\n%s", err, out)
	}
	depFile := filepath.Join(dir, "deployment.json")
	if err := dep.Save(depFile); err != nil {
		b.Fatal(err)
	}
	prices := filepath.Join(dir, "prices.yaml")
	if err := os.WriteFile(prices, []byte("gpus: [{model: H100, pricePerHour: \"2000000\"}]\n"), 0o600); err != nil {
		b.Fatal(err)
	}
	cmd := exec.CommandContext(ctx, bin, "run", "--deployment", depFile, "--dev-account", "2", "--gpu-sim", "dgxh100",
		"--prices", prices, "--work-dir", filepath.Join(dir, "work"), "--listen", "/ip4/127.0.0.1/tcp/0", "--log-level", "warn")
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		b.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	defer func() {
		cmd.Process.Signal(os.Interrupt)
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		select {
		case <-done:
		case <-time.After(30 * time.Second):
			cmd.Process.Kill()
			<-done
			b.Error("provider did not stop on SIGINT")
		}
	}()
	ready := make(chan struct{})
	go func() {
		sc := bufio.NewScanner(stdout)
		once := false
		for sc.Scan() {
			if !once && strings.HasPrefix(sc.Text(), "provider ") {
				close(ready)
				once = true
			}
		}
	}()
	select {
	case <-ready:
	case <-time.After(time.Minute):
		b.Fatal("provider run did not start within a minute")
	}
	var rss, last int64
	var steadySince time.Time
	testenv.Eventually(b, time.Minute, "the provider's memory steady", func() (bool, string, error) {
		rss = vmRSS(b, cmd.Process.Pid)
		if last == 0 || rss > last+last/100 || rss < last-last/100 {
			last, steadySince = rss, time.Now()
		}
		return time.Since(steadySince) >= 2*time.Second, fmt.Sprintf("RSS %d", rss), nil
	})
	b.ReportMetric(float64(rss)/(1<<20), "MiB-rss")
	b.ReportMetric(0, "ns/op")
	b.Logf("provider run, idle with a simulated dgxh100 (8 GPUs): RSS %.1f MiB (target <= 80 MiB)", float64(rss)/(1<<20))
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
