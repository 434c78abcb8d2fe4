package e2e

import (
	"context"
	"crypto/ecdsa"
	"crypto/sha256"
	"errors"
	"fmt"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/accounts/abi/bind/v2"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/ethclient"
	"github.com/libp2p/go-libp2p/core/peer"

	"github.com/tender-market/tender/internal/chaintest"
	"github.com/tender-market/tender/internal/testenv"
	"github.com/tender-market/tender/pkg/auction"
	"github.com/tender-market/tender/pkg/cluster"
	"github.com/tender-market/tender/pkg/deployment"
	"github.com/tender-market/tender/pkg/devchain"
	"github.com/tender-market/tender/pkg/executor"
	"github.com/tender-market/tender/pkg/gpu"
	"github.com/tender-market/tender/pkg/jobspec"
	"github.com/tender-market/tender/pkg/lease"
	"github.com/tender-market/tender/pkg/network"
	"github.com/tender-market/tender/pkg/pricing"
	"github.com/tender-market/tender/pkg/provider"
	"github.com/tender-market/tender/pkg/tenant"
)

// daemon is a provider that a test may stop and start again on the same
// work directory and libp2p identity, as a machine that restarts.
type daemon struct {
	t       testing.TB
	dep     deployment.Deployment
	ex      *executor.Executor
	spec    providerSpec
	workDir string
	addr    common.Address
	peer    peer.ID

	node    *network.Node
	run     *testenv.Task
	refresh *testenv.Task // a cluster's inventory
}

func newDaemon(t testing.TB, dep deployment.Deployment, ex *executor.Executor, spec providerSpec) *daemon {
	p := &daemon{t: t, dep: dep, ex: ex, spec: spec, workDir: t.TempDir(), addr: auction.NewKeySigner(deployment.DevKey(spec.account)).Address()}
	t.Cleanup(p.stop)
	return p
}

// start runs the daemon; it takes up what a previous run left.
func (p *daemon) start(bootstrap ...*network.Node) {
	t := p.t
	t.Helper()
	key := deployment.DevKey(p.spec.account)
	esc := dialEscrow(t, p.dep, p.spec.name)
	cfg := nodeConfig(t, esc.Domain(), p.spec.name, bootstrap...)
	cfg.KeyFile = filepath.Join(p.workDir, "node.key")
	node, err := network.New(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	runner, alloc, inv := p.executor()
	prices, err := pricing.New(pricing.Config{GPUs: []pricing.GPUPrice{{Model: p.spec.model, PricePerHour: p.spec.price}}})
	if err != nil {
		t.Fatal(err)
	}
	d, err := provider.New(provider.Config{
		Domain: esc.Domain(), Signer: auction.NewKeySigner(key), Auth: bind.NewKeyedTransactor(key, esc.ChainID()),
		Market: node, Escrow: esc, Runner: runner, Pricer: prices,
		GPUs: alloc, Inventory: inv,
		CPUMillis: 4000, MemoryMiB: 8192, DiskMiB: 10240, AllowServices: true,
		WorkDir:       p.workDir,
		PollInterval:  200 * time.Millisecond,
		WithdrawEvery: 2 * time.Second,
		SettleEvery:   500 * time.Millisecond,
		Logger:        testenv.Logger(t, p.spec.name),
	})
	if err != nil {
		node.Close()
		t.Fatal(err)
	}
	p.node, p.peer = node, node.ID()
	p.run = testenv.Background(t, "provider "+p.spec.name, d.Run)
}

// executor is where the daemon's jobs run and the GPUs it sells: the
// Docker Engine and a simulated machine, or a cluster and its nodes
// (refreshed until the daemon stops).
func (p *daemon) executor() (provider.Runner, *gpu.Allocator, gpu.DeviceSource) {
	t := p.t
	t.Helper()
	if c := p.spec.kube; c != nil {
		runner, err := cluster.NewRunner(c, cluster.RunnerConfig{StopGrace: 5 * time.Second})
		if err != nil {
			t.Fatal(err)
		}
		var alloc *gpu.Allocator
		inv := c.Inventory(func(slot string) bool { return alloc.Claim(slot).State != gpu.StateFree })
		alloc = gpu.NewAllocator(inv, nil)
		if _, err := inv.Refresh(t.Context()); err != nil {
			t.Fatal(err)
		}
		p.refresh = testenv.Background(t, "inventory "+p.spec.name, func(ctx context.Context) error { return inv.Run(ctx, 500*time.Millisecond) })
		return runner, alloc, inv
	}
	inv, err := gpu.Open(t.Context(), gpu.Options{Simulate: p.spec.machine})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { inv.Close() })
	return runnerOf(p.ex, p.spec.tamper), gpu.NewAllocator(inv, nil), inv
}

// stop ends the daemon and closes its node, leaving its jobs running.
func (p *daemon) stop() {
	if p.run == nil {
		return
	}
	p.run.Stop()
	p.node.Close()
	if p.refresh != nil {
		p.refresh.Stop()
	}
	p.run, p.refresh = nil, nil
}

// tenantSide is a tenant with its node joined to the providers.
type tenantSide struct {
	esc     *lease.Client
	node    *network.Node
	key     *auction.KeySigner
	auth    *bind.TransactOpts
	records *tenant.LeaseDir
	client  *tenant.Client
}

func newTenantSide(t testing.TB, dep deployment.Deployment, providers ...*network.Node) *tenantSide {
	t.Helper()
	return newTenantSideAs(t, dep, deployment.DevKey(1), providers...)
}

// newTenantSideAs is newTenantSide with key's account as the tenant.
func newTenantSideAs(t testing.TB, dep deployment.Deployment, key *ecdsa.PrivateKey, providers ...*network.Node) *tenantSide {
	t.Helper()
	esc := dialEscrow(t, dep, "tenant")
	node := startNode(t, nodeConfig(t, esc.Domain(), "tenant", providers...))
	waitPeers(t, node, len(providers))
	ts := &tenantSide{esc: esc, node: node, key: auction.NewKeySigner(key), auth: bind.NewKeyedTransactor(key, esc.ChainID()), records: tenant.NewLeaseDir(t.TempDir())}
	ts.client = newTenant(t, dep, esc, node, ts.key, ts.auth, ts.records)
	return ts
}

// newTenant is a tenant client over esc and node; opts change its
// configuration.
func newTenant(t testing.TB, dep deployment.Deployment, esc *lease.Client, node *network.Node, key *auction.KeySigner, auth *bind.TransactOpts, records *tenant.LeaseDir, opts ...func(*tenant.Config)) *tenant.Client {
	t.Helper()
	cfg := tenant.Config{
		Domain: esc.Domain(), Signer: key, Auth: auth, Market: tenant.OnNode(node), Escrow: esc,
		Records: records, DeployedAt: dep.DeployedAt, CancelGrace: 45 * time.Second,
		PollInterval: 200 * time.Millisecond, Logger: testenv.Logger(t, "tenant"),
	}
	for _, o := range opts {
		o(&cfg)
	}
	c, err := tenant.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// waitPeers waits until node is connected to n peers.
func waitPeers(t testing.TB, node *network.Node, n int) {
	t.Helper()
	testenv.Eventually(t, 30*time.Second, "the tenant reaches the providers", func() (bool, string, error) {
		return len(node.Peers()) >= n, fmt.Sprintf("%d of %d", len(node.Peers()), n), nil
	})
}

// trainJob is the example training job running epochs epochs of 100 ms,
// for at most maxDuration.
func trainJob(t testing.TB, epochs int, maxDuration string) *jobspec.Job {
	t.Helper()
	spec := fmt.Sprintf(`image: %s
command: ["-epochs", "%d", "-epoch-delay", "100ms", "-samples", "200", "-out", "/output"]
env: {GOMAXPROCS: "1"}
resources: {gpus: 1, gpuModels: [H100], cpu: 500m, memory: 128Mi, disk: 1Gi, allowSimulated: true}
maxDuration: %s
maxPricePerHour: "5 tokens/h"
bidWindow: 2s
`, trainImage, epochs, maxDuration)
	job, err := jobspec.Parse([]byte(spec), 6)
	if err != nil {
		t.Fatal(err)
	}
	return job
}

var h100 = providerSpec{name: "h100", machine: "dgxh100", model: "H100", price: "2000000", account: 2}

// waitLease polls the lease until it is in state want.
func waitLease(t testing.TB, esc *lease.Client, id common.Hash, want lease.State, within time.Duration) lease.Lease {
	t.Helper()
	var l lease.Lease
	testenv.Eventually(t, within, fmt.Sprintf("lease %s %s", id.Hex(), want), func() (bool, string, error) {
		var err error
		l, err = esc.Lease(t.Context(), id)
		return l.State == want, "it is " + l.State.String(), err
	})
	return l
}

// waitChainTime waits until the chain's latest block is at least at unix
// second at: a sign that so much time has passed for the escrow.
func waitChainTime(t testing.TB, dep deployment.Deployment, at uint64) {
	t.Helper()
	ec, err := ethclient.DialContext(t.Context(), dep.RPCURL)
	if err != nil {
		t.Fatal(err)
	}
	defer ec.Close()
	testenv.Eventually(t, time.Minute, fmt.Sprintf("chain time %d", at), func() (bool, string, error) {
		h, err := ec.HeaderByNumber(t.Context(), nil)
		if err != nil {
			return false, "", err
		}
		return h.Time >= at, fmt.Sprintf("chain time %d", h.Time), nil
	})
}

// settledEvent waits for the event that settles lease id.
func settledEvent(t testing.TB, esc *lease.Client, id common.Hash, from uint64, within time.Duration) lease.Event {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), within)
	defer cancel()
	var got lease.Event
	found := errors.New("found")
	err := esc.Watch(ctx, lease.WatchOptions{From: lease.Cursor{Block: from}, PollInterval: 200 * time.Millisecond}, func(ev lease.Event) error {
		if ev.LeaseID == id && ev.Kind.Settles() {
			got = ev
			return found
		}
		return nil
	})
	if !errors.Is(err, found) {
		t.Fatalf("lease %s not settled within %s: %v", id.Hex(), within, err)
	}
	return got
}

// blockTime is the timestamp of block n.
func blockTime(t testing.TB, dep deployment.Deployment, n uint64) uint64 {
	t.Helper()
	ec, err := ethclient.DialContext(t.Context(), dep.RPCURL)
	if err != nil {
		t.Fatal(err)
	}
	defer ec.Close()
	h, err := ec.HeaderByNumber(t.Context(), new(big.Int).SetUint64(n))
	if err != nil {
		t.Fatal(err)
	}
	return h.Time
}

// billedSecs is how many seconds lease id, started at since and closed in
// a block of time closedAt, was billed: up to the job's end as provider p
// recorded it, or to the closing block when that is sooner or the end is
// unknown; but at least up to its last withdrawal's block (what was paid
// stays paid). It checks that the recorded end is within the lease.
func billedSecs(t testing.TB, dep deployment.Deployment, esc *lease.Client, p *daemon, id common.Hash, since, closedAt uint64) uint64 {
	t.Helper()
	recs, err := provider.ReadLeases(p.workDir)
	if err != nil {
		t.Fatal(err)
	}
	until := closedAt
	for _, r := range recs {
		if r.LeaseID == id && r.EndedAt > 0 {
			if r.EndedAt < since || r.EndedAt > closedAt+1 {
				t.Errorf("the job's recorded end %d is outside the lease (started %d, closed %d)", r.EndedAt, since, closedAt)
			}
			until = min(until, r.EndedAt)
		}
	}
	evs, err := esc.History(t.Context(), id, 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, ev := range evs {
		if ev.Kind == lease.EventWithdrawn {
			until = max(until, blockTime(t, dep, ev.Log.BlockNumber))
		}
	}
	return until - since
}

func earned(terms lease.Terms, deposit *big.Int, secs uint64) *big.Int {
	e, _ := terms.Earned(deposit, 0, secs)
	return e
}

// scene is a dev chain, one provider daemon running in Docker and a
// tenant joined to it, with the token balances of the tenant, the provider
// and the escrow before anything happened.
type scene struct {
	ex       *executor.Executor
	dep      deployment.Deployment
	p        *daemon
	ts       *tenantSide
	accounts []common.Address
	before   []*big.Int
}

func newScene(t testing.TB, chain devchain.Config, spec providerSpec) *scene {
	t.Helper()
	ex := needImage(t)
	return newSceneOn(t, ex, startChainWith(t, chain), spec)
}

// newSceneOn is newScene on the market dep describes, with ex.
func newSceneOn(t testing.TB, ex *executor.Executor, dep deployment.Deployment, spec providerSpec) *scene {
	t.Helper()
	sc := &scene{ex: ex, dep: dep}
	sc.p = newDaemon(t, sc.dep, sc.ex, spec)
	sc.p.start()
	sc.ts = newTenantSide(t, sc.dep, sc.p.node)
	sc.accounts = []common.Address{sc.ts.key.Address(), sc.p.addr, sc.dep.Escrow}
	sc.before = balances(t, sc.ts.esc, sc.accounts)
	return sc
}

// checkMoved checks that the tenant's, the provider's and the escrow's
// token balances moved by exactly want.
func (sc *scene) checkMoved(t testing.TB, want ...*big.Int) {
	t.Helper()
	after := balances(t, sc.ts.esc, sc.accounts)
	for i, name := range []string{"tenant", "provider", "escrow"} {
		if got := new(big.Int).Sub(after[i], sc.before[i]); got.Cmp(want[i]) != 0 {
			t.Errorf("%s's balance moved by %s, want %s", name, got, want[i])
		}
	}
}

// waitNoContainer waits until lease id has no container left.
func waitNoContainer(t testing.TB, ex *executor.Executor, id common.Hash, within time.Duration) {
	t.Helper()
	testenv.Eventually(t, within, "the container of lease "+id.Hex()+" removed", func() (bool, string, error) {
		runs, err := ex.List(t.Context())
		for _, r := range runs {
			if r.LeaseID == id.Hex() {
				return false, "it is " + r.State, err
			}
		}
		return true, "", err
	})
}

// TestReclaimAfterTheTenantStopped: the tenant stops right after opening
// its lease, before handing over the job, so the provider never starts it;
// after the start deadline the tenant takes the whole deposit back, and no
// token moved anywhere else.
func TestReclaimAfterTheTenantStopped(t *testing.T) {
	sc := newScene(t, devchain.Config{StartWindow: 3 * time.Second}, h100)
	dep, ts := sc.dep, sc.ts

	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	stopped, stop := context.WithCancel(ctx)
	res, err := ts.client.Submit(stopped, trainJob(t, 20, "10m"), tenant.Options{Detach: true, Progress: func(pr tenant.Progress) {
		if pr.Step == tenant.StepLeaseOpened {
			stop() // the tenant's process ends
		}
	}})
	if err == nil || res == nil || res.LeaseID == (common.Hash{}) {
		t.Fatalf("Submit = %+v, %v; want the lease opened and the submission stopped", res, err)
	}
	opened := waitLease(t, ts.esc, res.LeaseID, lease.StateOpen, 10*time.Second)
	l, err := ts.client.Find(ctx, res.LeaseID, nil)
	if err != nil {
		t.Fatal(err)
	}
	waitChainTime(t, dep, ts.esc.StartDeadline(opened)+1)
	r, err := ts.client.Reclaim(ctx, l)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("deposit %s, opened at %d, start deadline %d, reclaimed in block %d at %d: refunded %s",
		res.Deposit, opened.Since, ts.esc.StartDeadline(opened), r.Block, blockTime(t, dep, r.Block), r.Refunded)
	if r.Event != "Reclaimed" || r.Refunded.Cmp(res.Deposit) != 0 {
		t.Errorf("reclaim: %s, refunded %s; want Reclaimed, the whole deposit %s", r.Event, r.Refunded, res.Deposit)
	}
	sc.checkMoved(t, new(big.Int), new(big.Int), new(big.Int))
}

// TestTenantCancelsMidJob: while tenant submit follows a training job, the
// tenant cancels it from another client. The provider stops the job
// gracefully (it catches SIGTERM and writes its partial model) and closes
// the lease with the output's hash; the tenant pays exactly price x seconds
// since the start / 3600 and gets the rest back; submit reports the lease
// cancelled and downloads the partial output, checked against the chain.
func TestTenantCancelsMidJob(t *testing.T) {
	sc := newScene(t, devchain.Config{}, h100)
	ex, dep, p, ts := sc.ex, sc.dep, sc.p, sc.ts

	ctx, cancel := context.WithTimeout(t.Context(), 3*time.Minute)
	defer cancel()
	out := filepath.Join(t.TempDir(), "output.tar")
	var logs testenv.Buffer
	opened := make(chan common.Hash, 1)
	type submitted struct {
		res *tenant.Result
		err error
	}
	done := make(chan submitted, 1)
	go func() {
		res, err := ts.client.Submit(ctx, trainJob(t, 600, "10m"), tenant.Options{Logs: &logs, OutputFile: out, Progress: func(pr tenant.Progress) {
			if pr.Step == tenant.StepLeaseOpened {
				opened <- pr.LeaseID
			}
		}})
		done <- submitted{res, err}
	}()
	var id common.Hash
	select {
	case id = <-opened:
	case s := <-done:
		t.Fatalf("Submit ended before the lease opened: %v", s.err)
	case <-ctx.Done():
		t.Fatal("no lease opened")
	}
	// The job has trained a few epochs once its logs say so.
	testenv.Eventually(t, time.Minute, "the job trains", func() (bool, string, error) {
		return strings.Contains(logs.String(), "epoch 5/"), "", nil
	})
	running := waitLease(t, ts.esc, id, lease.StateRunning, 30*time.Second)

	// Another tenant process: its own node, the same records.
	other := newTenant(t, dep, ts.esc, startNode(t, nodeConfig(t, ts.esc.Domain(), "tenant-2", p.node)), ts.key, ts.auth, ts.records)
	l, err := other.Find(ctx, id, nil)
	if err != nil {
		t.Fatal(err)
	}
	var said []string
	st, err := other.Cancel(ctx, l, func(m string) { said = append(said, m) })
	if err != nil {
		t.Fatalf("cancel: %v (said %q)", err, said)
	}
	t.Logf("cancel said %q; settled by %s in block %d: exit %s, paid %s, refunded %s", said, st.ClosedBy, st.Block, st.ExitCode, st.Paid, st.Refunded)
	if st.Event != "Closed" || st.ClosedBy != "provider" || st.ExitCode == nil || st.ExitCode.Reason() != lease.ExitCancelled || st.ResultHash == nil {
		t.Fatalf("cancel settled %+v, want Closed by the provider, cancelled, with a result", st)
	}
	at := blockTime(t, dep, st.Block)
	secs := billedSecs(t, dep, ts.esc, p, id, running.Since, at)
	want := earned(l.Terms, running.Deposit, secs)
	if st.Paid.Cmp(want) != 0 {
		t.Errorf("paid %s, want %s for %d s", st.Paid, want, secs)
	}
	if got := new(big.Int).Add(st.Paid, st.Refunded); got.Cmp(running.Deposit) != 0 {
		t.Errorf("paid + refunded = %s, want the deposit %s", got, running.Deposit)
	}
	sc.checkMoved(t, new(big.Int).Neg(st.Paid), st.Paid, new(big.Int))

	var s submitted
	select {
	case s = <-done:
	case <-ctx.Done():
		t.Fatal("submit did not end after the cancel")
	}
	if s.err != nil {
		t.Fatalf("submit: %v", s.err)
	}
	if !s.res.Cancelled || s.res.OutputFile != out || s.res.ResultHash != *st.ResultHash {
		t.Errorf("submit's result %+v, want cancelled with the output downloaded", s.res)
	}
	if files := tarNames(t, out); !files["output/model.json"] {
		t.Errorf("the partial output holds %v, want output/model.json (the job's checkpoint)", files)
	}
	waitNoContainer(t, ex, id, 30*time.Second)
}

// TestProviderRestartsMidJob: the provider stops while the job runs and
// comes back; it re-attaches, the job finishes, the lease closes with the
// job's result, and the provider is paid exactly once for every second.
func TestProviderRestartsMidJob(t *testing.T) {
	restartMidJob(t, newScene(t, devchain.Config{}, h100))
}

// TestProviderOnKubernetesRestartsMidJob: a provider whose leases run as
// pods restarts mid-job; it finds the pod again, follows the job to its
// end and is paid exactly, as on Docker.
func TestProviderOnKubernetesRestartsMidJob(t *testing.T) {
	ex := needImage(t)
	spec := providerSpec{name: "kubernetes", model: "H100", price: "2000000", account: 2, kube: needCluster(t)}
	restartMidJob(t, newSceneOn(t, ex, startChain(t), spec))
}

// restartMidJob stops the scene's provider while its job runs and starts
// it again: the job runs on, the lease closes with exit 0 and the seconds
// billed, and the output committed to is served.
func restartMidJob(t *testing.T, sc *scene) {
	dep, p, ts := sc.dep, sc.p, sc.ts

	ctx, cancel := context.WithTimeout(t.Context(), 3*time.Minute)
	defer cancel()
	res, err := ts.client.Submit(ctx, trainJob(t, 120, "10m"), tenant.Options{Detach: true})
	if err != nil {
		t.Fatal(err)
	}
	running := waitLease(t, ts.esc, res.LeaseID, lease.StateRunning, 30*time.Second)
	waitChainTime(t, dep, running.Since+3) // billed a while
	p.stop()
	head, err := ts.esc.Lease(ctx, res.LeaseID)
	if err != nil || head.State != lease.StateRunning {
		t.Fatalf("lease %v, %v after the provider stopped; want it still running", head.State, err)
	}
	waitChainTime(t, dep, running.Since+5) // down a while
	p.start(ts.node)

	ev := settledEvent(t, ts.esc, res.LeaseID, 0, 2*time.Minute)
	closed, ok := ev.Payload.(*lease.Closed)
	if !ok {
		t.Fatalf("lease settled by %s, want Closed", ev.Kind)
	}
	at := blockTime(t, dep, ev.Log.BlockNumber)
	secs := billedSecs(t, dep, ts.esc, p, res.LeaseID, running.Since, at)
	terms := lease.NewTerms(&res.Transcript.Order.Order, res.Winner)
	want := earned(terms, running.Deposit, secs)
	l, err := ts.esc.Lease(ctx, res.LeaseID)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("restarted mid-job: started %d, closed %d (%d s), exit %s, paid %s (on chain %s), refunded %s", running.Since, at, secs, closed.ExitCode, closed.Paid, l.Paid, closed.Refunded)
	if closed.ExitCode != 0 || closed.By != p.addr {
		t.Errorf("exit %s by %s, want 0 by the provider", closed.ExitCode, closed.By.Hex())
	}
	if closed.Paid.Cmp(want) != 0 || l.Paid.Cmp(want) != 0 {
		t.Errorf("paid %s (lease says %s), want %s for %d s", closed.Paid, l.Paid, want, secs)
	}
	sc.checkMoved(t, new(big.Int).Neg(closed.Paid), closed.Paid, new(big.Int))

	// The restarted provider still serves the output it committed to.
	found, err := ts.client.Find(ctx, res.LeaseID, nil)
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "output.tar")
	r, err := ts.client.Results(ctx, found, out, nil)
	if err != nil {
		t.Fatal(err)
	}
	if r.SHA256 != closed.ResultHash.Hex() || !r.ChainMatch {
		t.Errorf("output SHA-256 %s, chain has %s", r.SHA256, closed.ResultHash.Hex())
	}
	if files := tarNames(t, out); !files["output/model.json"] {
		t.Errorf("output archive holds %v, want output/model.json", files)
	}
}

// TestDepositRunsOut: the job runs longer than its deposit pays for and
// its provider is gone; anyone closes the overdrawn lease, the provider
// gets the whole deposit, and the provider, back, removes the container.
func TestDepositRunsOut(t *testing.T) {
	spec := h100
	spec.price = "3600000" // 1000 base units a second
	sc := newScene(t, devchain.Config{}, spec)
	ex, dep, p, ts := sc.ex, sc.dep, sc.p, sc.ts
	anyone := deployment.DevKey(5)

	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	// 30 s of training; the deposit pays for 15 s.
	res, err := ts.client.Submit(ctx, trainJob(t, 300, "15s"), tenant.Options{Detach: true})
	if err != nil {
		t.Fatal(err)
	}
	running := waitLease(t, ts.esc, res.LeaseID, lease.StateRunning, 30*time.Second)
	p.stop()
	terms := lease.NewTerms(&res.Transcript.Order.Order, res.Winner)
	testenv.Eventually(t, 45*time.Second, "the deposit runs out", func() (bool, string, error) {
		acc, over, err := ts.esc.Accrued(ctx, res.LeaseID, terms)
		return over, "accrued " + acc.String(), err
	})
	rec, err := ts.esc.CloseOverdrawn(ctx, bind.NewKeyedTransactor(anyone, ts.esc.ChainID()), res.LeaseID, terms)
	if err != nil {
		t.Fatal(err)
	}
	over, ok := lease.Find[*lease.Overdrawn](rec.Events)
	if !ok || over.By != crypto.PubkeyToAddress(anyone.PublicKey) {
		t.Errorf("receipt events %+v, want Overdrawn by the closer", rec.Events)
	}
	at := blockTime(t, dep, rec.BlockNumber.Uint64())
	l, err := ts.esc.Lease(ctx, res.LeaseID)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("deposit %s for %d s at %s/h; started %d, closed overdrawn at %d; paid %s", res.Deposit, terms.MaxDuration, terms.PricePerHour, running.Since, at, l.Paid)
	if l.State != lease.StateOverdrawn || l.Paid.Cmp(res.Deposit) != 0 {
		t.Errorf("lease %s, paid %s; want overdrawn, paid the deposit %s", l.State, l.Paid, res.Deposit)
	}
	sc.checkMoved(t, new(big.Int).Neg(res.Deposit), res.Deposit, new(big.Int))

	p.start(ts.node)
	waitNoContainer(t, ex, res.LeaseID, 30*time.Second)
	testenv.Eventually(t, 30*time.Second, "the provider's record closed", func() (bool, string, error) {
		recs, err := provider.ReadLeases(p.workDir)
		if len(recs) != 1 {
			return false, fmt.Sprintf("%d records", len(recs)), err
		}
		return recs[0].State == network.JobClosed, string(recs[0].State) + ": " + recs[0].Detail, err
	})
}

// TestTopUpExtendsTheJob: a job needs longer than its first deposit pays
// for (80 s of training, 60 s paid); its tenant tops the deposit up while
// it runs, and the provider, following the top-up, lets it run to its
// end. The lease settles to the base unit: price x seconds from the start
// block to the closing block, the rest of both deposits back.
func TestTopUpExtendsTheJob(t *testing.T) {
	spec := h100
	spec.price = "3600000" // 1000 base units a second
	sc := newScene(t, devchain.Config{}, spec)
	ts := sc.ts
	ctx, cancel := context.WithTimeout(t.Context(), 4*time.Minute)
	defer cancel()
	first := big.NewInt(60_000) // the least a lease takes: 60 s
	res, err := ts.client.Submit(ctx, trainJob(t, 800, "5m"), tenant.Options{Detach: true, Deposit: first})
	if err != nil {
		t.Fatal(err)
	}
	running := waitLease(t, ts.esc, res.LeaseID, lease.StateRunning, 30*time.Second)
	ai := sc.p.node.AddrInfo()
	l, err := ts.client.Find(ctx, res.LeaseID, &ai)
	if err != nil {
		t.Fatal(err)
	}
	more := big.NewInt(60_000)
	if _, err := ts.client.TopUp(ctx, l, more); err != nil {
		t.Fatal(err)
	}
	ev := settledEvent(t, ts.esc, res.LeaseID, 0, 3*time.Minute)
	closed, ok := ev.Payload.(*lease.Closed)
	if !ok {
		t.Fatalf("the lease ended with %s, want closed", ev.Kind)
	}
	at := blockTime(t, sc.dep, ev.Log.BlockNumber)
	ran := billedSecs(t, sc.dep, ts.esc, sc.p, res.LeaseID, running.Since, at)
	t.Logf("deposit %s + top-up %s at 1000/s; started %d, closed at %d (%d s) with exit %s, paid %s", first, more, running.Since, at, ran, closed.ExitCode, closed.Paid)
	if closed.ExitCode != 0 {
		t.Errorf("closed with exit %s, want 0: the job ran to its end", closed.ExitCode)
	}
	if ran <= 60 {
		t.Errorf("the lease ran %d s, want past the 60 s its first deposit paid for", ran)
	}
	paid := new(big.Int).Mul(big.NewInt(1000), new(big.Int).SetUint64(ran))
	total := new(big.Int).Add(first, more)
	if closed.Paid.Cmp(paid) != 0 || new(big.Int).Add(closed.Paid, closed.Refunded).Cmp(total) != 0 {
		t.Errorf("paid %s, refunded %s; want %s for %d s, the rest of %s back", closed.Paid, closed.Refunded, paid, ran, total)
	}
	sc.checkMoved(t, new(big.Int).Neg(paid), paid, new(big.Int))
}

// TestTwoJobsOneDirectory: two jobs in a row write their results to the
// same file, as two tenant submits in one directory do; both download and
// check, the second replacing the first.
func TestTwoJobsOneDirectory(t *testing.T) {
	ts := newScene(t, devchain.Config{}, h100).ts
	out := filepath.Join(t.TempDir(), "output.tar")
	var hashes []common.Hash
	for i, epochs := range []int{3, 5} {
		ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
		res, err := ts.client.Submit(ctx, trainJob(t, epochs, "10m"), tenant.Options{OutputFile: out})
		cancel()
		if err != nil {
			t.Fatalf("job %d: %v", i+1, err)
		}
		data, err := os.ReadFile(out)
		if err != nil {
			t.Fatal(err)
		}
		if got := common.Hash(sha256.Sum256(data)); got != res.ResultHash || res.OutputFile != out {
			t.Errorf("job %d: %s holds SHA-256 %s, the chain has %s", i+1, out, got.Hex(), res.ResultHash.Hex())
		}
		if _, err := os.Stat(out + ".partial"); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("job %d: %s.partial left behind: %v", i+1, out, err)
		}
		hashes = append(hashes, res.ResultHash)
	}
	if hashes[0] == hashes[1] {
		t.Errorf("both jobs committed %s: want two different results", hashes[0].Hex())
	}
}

// TestBadJobSpec: a spec with a mistake is refused before anything is
// signed or published, naming the field.
func TestBadJobSpec(t *testing.T) {
	good := "image: tender/example-train:dev\nresources: {gpus: 1}\nmaxDuration: 10m\nmaxPricePerHour: \"5 tokens/h\"\nbidWindow: 2s\n"
	tests := []struct {
		name, from, to, field string
	}{
		{"no image", "image: tender/example-train:dev\n", "", "image"},
		{"bad price", `"5 tokens/h"`, `"five"`, "maxPricePerHour"},
		{"bad window", "bidWindow: 2s", "bidWindow: 1h", "bidWindow"},
		{"unknown field", "resources: {gpus: 1}", "resources: {gpu: 1}", "resources.gpu"},
		{"bad duration", "maxDuration: 10m", "maxDuration: soon", "maxDuration"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			spec := strings.Replace(good, tt.from, tt.to, 1)
			job, err := jobspec.Parse([]byte(spec), 6)
			if err == nil {
				t.Fatalf("spec accepted: %+v\n%s", job, spec)
			}
			if !strings.Contains(err.Error(), tt.field) {
				t.Errorf("error %q does not name %s", err, tt.field)
			}
		})
	}
	if _, err := jobspec.Parse([]byte(good), 6); err != nil {
		t.Fatalf("the good spec is refused: %v", err)
	}
}

// TestMarketJobIndependentNode: the whole market, an auction, a Docker job
// run to its end and its settlement, on Hardhat's EDR node (a block every
// 2 s besides automine) instead of go-ethereum's: the job's output comes
// back and every token base unit is accounted for.
func TestMarketJobIndependentNode(t *testing.T) {
	ex := needImage(t)
	spec := h100
	spec.price = "3600000" // 1000 base units a second
	sc := newSceneOn(t, ex, chaintest.HardhatMarket(t, 10*time.Minute), spec)
	ctx, cancel := context.WithTimeout(t.Context(), 3*time.Minute)
	defer cancel()
	out := filepath.Join(t.TempDir(), "output.tar")
	res, err := sc.ts.client.Submit(ctx, trainJob(t, 10, "10m"), tenant.Options{OutputFile: out})
	if err != nil {
		t.Fatalf("submit on Hardhat's node: %v", err)
	}
	if st, err := os.Stat(out); err != nil || st.Size() == 0 {
		t.Errorf("output archive: %v, want the job's /output", err)
	}
	l := waitLease(t, sc.ts.esc, res.LeaseID, lease.StateClosed, time.Minute)
	if l.Paid.Sign() <= 0 {
		t.Errorf("the provider was paid %s for the job", l.Paid)
	}
	sc.checkMoved(t, new(big.Int).Neg(l.Paid), l.Paid, new(big.Int))
}

// TestExecInARunningJob: through the market, the lease's tenant runs a
// program of the job's image in its running container and gets its output
// and status back; a stranger gets nothing; the job trains on, and cancel
// settles it.
func TestExecInARunningJob(t *testing.T) {
	sc := newScene(t, devchain.Config{}, h100)
	p, ts := sc.p, sc.ts
	ctx, cancel := context.WithTimeout(t.Context(), 3*time.Minute)
	defer cancel()
	res, err := ts.client.Submit(ctx, trainJob(t, 600, "10m"), tenant.Options{Detach: true})
	if err != nil {
		t.Fatal(err)
	}
	waitLease(t, ts.esc, res.LeaseID, lease.StateRunning, 30*time.Second)
	l, err := ts.client.Find(ctx, res.LeaseID, nil)
	if err != nil {
		t.Fatal(err)
	}
	testenv.Eventually(t, 30*time.Second, "the provider running the job", func() (bool, string, error) {
		st, err := ts.client.Status(ctx, l, 5*time.Second)
		if err != nil || st.Job == nil {
			return false, fmt.Sprint(err), nil
		}
		return st.Job.State == network.JobRunning, string(st.Job.State), nil
	})
	var out testenv.Buffer
	code, err := ts.client.Exec(ctx, l, []string{"/train", "-h"}, &out)
	if err != nil || code != 0 || !strings.Contains(out.String(), "-epochs") {
		t.Fatalf("exec /train -h: status %d, %v, output %q; want 0 and the usage", code, err, out.String())
	}
	if code, err := ts.client.Exec(ctx, l, []string{"/train", "-no-such-flag"}, &out); err != nil || code == 0 {
		t.Errorf("exec with a bad flag: status %d, %v; want a failure status", code, err)
	}
	key, _ := crypto.GenerateKey()
	stranger := ts.node.Lease(p.node.AddrInfo(), res.LeaseID, auction.NewKeySigner(key))
	if _, err := stranger.Exec(ctx, []string{"/train", "-h"}, &out); !errors.Is(err, network.ErrLeaseDenied) {
		t.Errorf("a stranger's exec: %v, want ErrLeaseDenied", err)
	}
	if st, err := ts.client.Cancel(ctx, l, nil); err != nil || st.ClosedBy != "provider" {
		t.Errorf("cancel after the commands: %+v, %v", st, err)
	}
}
