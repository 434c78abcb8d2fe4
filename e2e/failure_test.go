package e2e

import (
	"context"
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
	"github.com/ethereum/go-ethereum/ethclient"
	"github.com/libp2p/go-libp2p/core/peer"

	"github.com/tender-market/tender/pkg/auction"
	"github.com/tender-market/tender/pkg/devchain"
	"github.com/tender-market/tender/pkg/executor"
	"github.com/tender-market/tender/pkg/gpu"
	"github.com/tender-market/tender/pkg/jobspec"
	"github.com/tender-market/tender/pkg/lease"
	"github.com/tender-market/tender/pkg/lease/escrow"
	"github.com/tender-market/tender/pkg/network"
	"github.com/tender-market/tender/pkg/pricing"
	"github.com/tender-market/tender/pkg/provider"
	"github.com/tender-market/tender/pkg/tenant"
)

// daemon is a provider that a test may stop and start again on the same
// work directory and libp2p identity, as a machine that restarts.
type daemon struct {
	t       testing.TB
	dep     devchain.Deployment
	ex      *executor.Executor
	spec    providerSpec
	workDir string
	addr    common.Address
	peer    peer.ID

	node   *network.Node
	cancel context.CancelFunc
	done   chan error
}

func newDaemon(t testing.TB, dep devchain.Deployment, ex *executor.Executor, spec providerSpec) *daemon {
	p := &daemon{t: t, dep: dep, ex: ex, spec: spec, workDir: t.TempDir(), addr: auction.NewKeySigner(devchain.Key(spec.account)).Address()}
	t.Cleanup(p.stop)
	return p
}

// start runs the daemon; it takes up what a previous run left.
func (p *daemon) start(bootstrap ...*network.Node) {
	t := p.t
	t.Helper()
	key := devchain.Key(p.spec.account)
	esc := dialEscrow(t, p.dep, p.spec.name)
	cfg := nodeConfig(t, esc.Domain(), p.spec.name, bootstrap...)
	cfg.KeyFile = filepath.Join(p.workDir, "node.key")
	node, err := network.New(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	inv, err := gpu.Open(t.Context(), gpu.Options{Simulate: p.spec.machine})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { inv.Close() })
	prices, err := pricing.New(pricing.Config{GPUs: []pricing.GPUPrice{{Model: p.spec.model, PricePerHour: p.spec.price}}})
	if err != nil {
		t.Fatal(err)
	}
	d, err := provider.New(provider.Config{
		Domain: esc.Domain(), Signer: auction.NewKeySigner(key), Auth: bind.NewKeyedTransactor(key, esc.ChainID()),
		Market: node, Escrow: esc, Runner: p.ex, Pricer: prices,
		GPUs: gpu.NewAllocator(inv, nil), Inventory: inv,
		CPUMillis: 4000, MemoryMiB: 8192, DiskMiB: 10240,
		WorkDir:       p.workDir,
		PollInterval:  200 * time.Millisecond,
		WithdrawEvery: 2 * time.Second,
		Logger:        logger(t, p.spec.name),
	})
	if err != nil {
		node.Close()
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	p.node, p.peer, p.cancel, p.done = node, node.ID(), cancel, make(chan error, 1)
	go func() { p.done <- d.Run(ctx) }()
}

// stop ends the daemon and closes its node, leaving its jobs running.
func (p *daemon) stop() {
	if p.cancel == nil {
		return
	}
	p.cancel()
	select {
	case err := <-p.done:
		if err != nil {
			p.t.Errorf("provider %s: %v", p.spec.name, err)
		}
	case <-time.After(30 * time.Second):
		p.t.Errorf("provider %s did not stop", p.spec.name)
	}
	p.node.Close()
	p.cancel = nil
}

// tenantSide is a tenant with its node joined to the providers.
type tenantSide struct {
	esc  *lease.Client
	node *network.Node
	key  *auction.KeySigner
	auth *bind.TransactOpts
	sub  *tenant.Submitter
}

func newTenantSide(t testing.TB, dep devchain.Deployment, providers ...*network.Node) *tenantSide {
	t.Helper()
	key := devchain.Key(1)
	esc := dialEscrow(t, dep, "tenant")
	node := startNode(t, nodeConfig(t, esc.Domain(), "tenant", providers...))
	deadline := time.Now().Add(30 * time.Second)
	for len(node.Peers()) < len(providers) {
		if time.Now().After(deadline) {
			t.Fatalf("tenant reached %d of %d providers", len(node.Peers()), len(providers))
		}
		time.Sleep(50 * time.Millisecond)
	}
	ts := &tenantSide{esc: esc, node: node, key: auction.NewKeySigner(key), auth: bind.NewKeyedTransactor(key, esc.ChainID())}
	sub, err := tenant.New(tenant.Config{
		Domain: esc.Domain(), Signer: ts.key, Auth: ts.auth, Market: node, Escrow: esc,
		Records:      tenant.NewLeaseDir(t.TempDir()),
		PollInterval: 200 * time.Millisecond, Logger: logger(t, "tenant"),
	})
	if err != nil {
		t.Fatal(err)
	}
	ts.sub = sub
	return ts
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
	deadline := time.Now().Add(within)
	for {
		l, err := esc.Lease(t.Context(), id)
		if err != nil {
			t.Fatal(err)
		}
		if l.State == want {
			return l
		}
		if time.Now().After(deadline) {
			t.Fatalf("lease %s is %s after %s, want %s", id.Hex(), l.State, within, want)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// settledEvent waits for the event that settles lease id.
func settledEvent(t testing.TB, esc *lease.Client, id common.Hash, from uint64, within time.Duration) lease.Event {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), within)
	defer cancel()
	var got lease.Event
	found := errors.New("found")
	err := esc.Watch(ctx, lease.WatchOptions{From: lease.Cursor{Block: from}, PollInterval: 200 * time.Millisecond}, func(ev lease.Event) error {
		if ev.LeaseID == id && (ev.Kind == lease.EventClosed || ev.Kind == lease.EventOverdrawn || ev.Kind == lease.EventReclaimed) {
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
func blockTime(t testing.TB, dep devchain.Deployment, n uint64) uint64 {
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

// earned is price x seconds / 3600, rounded down, as the escrow computes it.
func earned(price *big.Int, secs uint64) *big.Int {
	v := new(big.Int).Mul(price, new(big.Int).SetUint64(secs))
	return v.Quo(v, big.NewInt(lease.SecondsPerHour))
}

// checkMoved checks that each account's token balance moved by want.
func checkMoved(t testing.TB, names []string, before, after []*big.Int, want ...*big.Int) {
	t.Helper()
	for i := range names {
		if got := new(big.Int).Sub(after[i], before[i]); got.Cmp(want[i]) != 0 {
			t.Errorf("%s's balance moved by %s, want %s", names[i], got, want[i])
		}
	}
}

// waitNoContainer waits until lease id has no container left.
func waitNoContainer(t testing.TB, ex *executor.Executor, id common.Hash, within time.Duration) {
	t.Helper()
	deadline := time.Now().Add(within)
	for {
		runs, err := ex.List(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		left := false
		for _, r := range runs {
			left = left || r.LeaseID == id.Hex()
		}
		if !left {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("the container of lease %s is still there after %s", id.Hex(), within)
		}
		time.Sleep(250 * time.Millisecond)
	}
}

// TestReclaimWhenProviderNeverStarts: the winner goes away before it
// starts the lease; after the start deadline the tenant takes the whole
// deposit back, and no token moved anywhere else.
func TestReclaimWhenProviderNeverStarts(t *testing.T) {
	ex := needImage(t)
	dep := startChainWith(t, devchain.Config{StartWindow: 3 * time.Second})
	p := newDaemon(t, dep, ex, h100)
	p.start()
	ts := newTenantSide(t, dep, p.node)
	names := []string{"tenant", "provider", "escrow"}
	accounts := []common.Address{ts.key.Address(), p.addr, dep.Escrow}
	before := balances(t, ts.esc, accounts)

	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	res, err := ts.sub.Submit(ctx, trainJob(t, 20, "10m"), tenant.Options{Detach: true, Progress: func(pr tenant.Progress) {
		if pr.Step == tenant.StepClosed {
			p.stop() // won, and gone before the lease opens
		}
	}})
	if err == nil || res == nil || res.LeaseID == (common.Hash{}) {
		t.Fatalf("Submit = %+v, %v; want the lease opened and the hand-over failed", res, err)
	}
	t.Logf("hand-over failed as it should: %v", err)
	terms := lease.NewTerms(&res.Transcript.Order.Order, res.Winner)
	opened := waitLease(t, ts.esc, res.LeaseID, lease.StateOpen, 10*time.Second)

	var r *bindReceipt
	deadline := time.Now().Add(30 * time.Second)
	for r == nil {
		rec, err := ts.esc.Reclaim(ctx, ts.auth, res.LeaseID, terms)
		switch {
		case err == nil:
			r = &bindReceipt{rec.BlockNumber.Uint64(), ts.esc.Events(rec)}
		case errors.Is(err, lease.ErrStartDeadlineNotPassed) && time.Now().Before(deadline):
			time.Sleep(300 * time.Millisecond)
		default:
			t.Fatalf("reclaim: %v", err)
		}
	}
	refunded := new(big.Int)
	for _, ev := range r.events {
		if p, ok := ev.Payload.(*escrow.EscrowReclaimed); ok {
			refunded = p.Refunded
		}
	}
	t.Logf("deposit %s, opened at %d, start deadline %d, reclaimed in block %d at %d: refunded %s",
		res.Deposit, opened.Since, ts.esc.StartDeadline(opened), r.block, blockTime(t, dep, r.block), refunded)
	if refunded.Cmp(res.Deposit) != 0 {
		t.Errorf("refunded %s, want the whole deposit %s", refunded, res.Deposit)
	}
	checkMoved(t, names, before, balances(t, ts.esc, accounts), new(big.Int), new(big.Int), new(big.Int))
}

type bindReceipt struct {
	block  uint64
	events []lease.Event
}

// TestTenantCancelsMidJob: the tenant closes a running lease; it pays
// exactly price x seconds since the start / 3600 and gets the rest back,
// and the provider stops the job.
func TestTenantCancelsMidJob(t *testing.T) {
	ex := needImage(t)
	dep := startChain(t)
	p := newDaemon(t, dep, ex, h100)
	p.start()
	ts := newTenantSide(t, dep, p.node)
	names := []string{"tenant", "provider", "escrow"}
	accounts := []common.Address{ts.key.Address(), p.addr, dep.Escrow}
	before := balances(t, ts.esc, accounts)

	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	res, err := ts.sub.Submit(ctx, trainJob(t, 600, "10m"), tenant.Options{Detach: true})
	if err != nil {
		t.Fatal(err)
	}
	running := waitLease(t, ts.esc, res.LeaseID, lease.StateRunning, 30*time.Second)
	time.Sleep(3 * time.Second)
	terms := lease.NewTerms(&res.Transcript.Order.Order, res.Winner)
	rec, err := ts.esc.Close(ctx, ts.auth, res.LeaseID, terms, -1, common.Hash{})
	if err != nil {
		t.Fatal(err)
	}
	var closed *escrow.EscrowClosed
	for _, ev := range ts.esc.Events(rec) {
		if c, ok := ev.Payload.(*escrow.EscrowClosed); ok {
			closed = c
		}
	}
	if closed == nil {
		t.Fatal("no Closed event in the cancel's receipt")
	}
	at := blockTime(t, dep, rec.BlockNumber.Uint64())
	secs := at - running.Since
	want := earned(res.Winner.PricePerHour, secs)
	t.Logf("price %s/h, started %d, canceled %d: %d s, paid %s, refunded %s of %s", res.Winner.PricePerHour, running.Since, at, secs, closed.Paid, closed.Refunded, res.Deposit)
	if closed.Paid.Cmp(want) != 0 {
		t.Errorf("paid %s, want %s x %d / 3600 = %s", closed.Paid, res.Winner.PricePerHour, secs, want)
	}
	if got := new(big.Int).Add(closed.Paid, closed.Refunded); got.Cmp(res.Deposit) != 0 {
		t.Errorf("paid + refunded = %s, want the deposit %s", got, res.Deposit)
	}
	checkMoved(t, names, before, balances(t, ts.esc, accounts), new(big.Int).Neg(closed.Paid), closed.Paid, new(big.Int))
	waitNoContainer(t, ex, res.LeaseID, 30*time.Second)
}

// TestProviderRestartsMidJob: the provider stops while the job runs and
// comes back; it re-attaches, the job finishes, the lease closes with the
// job's result, and the provider is paid exactly once for every second.
func TestProviderRestartsMidJob(t *testing.T) {
	ex := needImage(t)
	dep := startChain(t)
	p := newDaemon(t, dep, ex, h100)
	p.start()
	ts := newTenantSide(t, dep, p.node)
	names := []string{"tenant", "provider", "escrow"}
	accounts := []common.Address{ts.key.Address(), p.addr, dep.Escrow}
	before := balances(t, ts.esc, accounts)

	ctx, cancel := context.WithTimeout(t.Context(), 3*time.Minute)
	defer cancel()
	res, err := ts.sub.Submit(ctx, trainJob(t, 120, "10m"), tenant.Options{Detach: true})
	if err != nil {
		t.Fatal(err)
	}
	running := waitLease(t, ts.esc, res.LeaseID, lease.StateRunning, 30*time.Second)
	time.Sleep(3 * time.Second)
	p.stop()
	time.Sleep(2 * time.Second)
	p.start(ts.node)

	ev := settledEvent(t, ts.esc, res.LeaseID, 0, 2*time.Minute)
	closed, ok := ev.Payload.(*escrow.EscrowClosed)
	if !ok {
		t.Fatalf("lease settled by %s, want Closed", ev.Kind)
	}
	at := blockTime(t, dep, ev.Log.BlockNumber)
	secs := at - running.Since
	want := earned(res.Winner.PricePerHour, secs)
	l, err := ts.esc.Lease(ctx, res.LeaseID)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("restarted mid-job: started %d, closed %d (%d s), exit %d, paid %s (on chain %s), refunded %s", running.Since, at, secs, closed.ExitCode, closed.Paid, l.Paid, closed.Refunded)
	if closed.ExitCode != 0 {
		t.Errorf("exit code %d, want 0", closed.ExitCode)
	}
	if closed.Paid.Cmp(want) != 0 || l.Paid.Cmp(want) != 0 {
		t.Errorf("paid %s (lease says %s), want %s x %d / 3600 = %s", closed.Paid, l.Paid, res.Winner.PricePerHour, secs, want)
	}
	checkMoved(t, names, before, balances(t, ts.esc, accounts), new(big.Int).Neg(closed.Paid), closed.Paid, new(big.Int))

	// The restarted provider still serves the output it committed to.
	out, err := os.Create(filepath.Join(t.TempDir(), "output.tar"))
	if err != nil {
		t.Fatal(err)
	}
	defer out.Close()
	info, err := ts.node.Lease(p.peer, res.LeaseID, ts.key).DownloadOutput(ctx, out)
	if err != nil {
		t.Fatal(err)
	}
	if common.Hash(info.SHA256) != common.Hash(closed.ResultHash) {
		t.Errorf("output SHA-256 %x, chain has %x", info.SHA256, closed.ResultHash)
	}
	if files := tarNames(t, out.Name()); !files["output/model.json"] {
		t.Errorf("output archive holds %v, want output/model.json", files)
	}
}

// TestDepositRunsOut: the job runs longer than its deposit pays for and
// its provider is gone; anyone closes the overdrawn lease, the provider
// gets the whole deposit, and the provider, back, removes the container.
func TestDepositRunsOut(t *testing.T) {
	ex := needImage(t)
	dep := startChain(t)
	spec := h100
	spec.price = "3600000" // 1000 base units a second
	p := newDaemon(t, dep, ex, spec)
	p.start()
	ts := newTenantSide(t, dep, p.node)
	anyone := devchain.Key(5)
	names := []string{"tenant", "provider", "escrow"}
	accounts := []common.Address{ts.key.Address(), p.addr, dep.Escrow}
	before := balances(t, ts.esc, accounts)

	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	// 30 s of training; the deposit pays for 15 s.
	res, err := ts.sub.Submit(ctx, trainJob(t, 300, "15s"), tenant.Options{Detach: true})
	if err != nil {
		t.Fatal(err)
	}
	running := waitLease(t, ts.esc, res.LeaseID, lease.StateRunning, 30*time.Second)
	p.stop()
	terms := lease.NewTerms(&res.Transcript.Order.Order, res.Winner)
	deadline := time.Now().Add(45 * time.Second)
	for {
		_, over, err := ts.esc.Accrued(ctx, res.LeaseID, terms)
		if err != nil {
			t.Fatal(err)
		}
		if over {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the deposit did not run out")
		}
		time.Sleep(500 * time.Millisecond)
	}
	rec, err := ts.esc.CloseOverdrawn(ctx, bind.NewKeyedTransactor(anyone, ts.esc.ChainID()), res.LeaseID, terms)
	if err != nil {
		t.Fatal(err)
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
	checkMoved(t, names, before, balances(t, ts.esc, accounts), new(big.Int).Neg(res.Deposit), res.Deposit, new(big.Int))

	p.start(ts.node)
	waitNoContainer(t, ex, res.LeaseID, 30*time.Second)
	deadline = time.Now().Add(30 * time.Second)
	for {
		recs, err := provider.ReadLeases(p.workDir)
		if err != nil {
			t.Fatal(err)
		}
		if len(recs) == 1 && recs[0].State == provider.StateClosed {
			t.Logf("provider's record: %s (%s)", recs[0].State, recs[0].Detail)
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("provider's records = %+v, want the lease closed", recs)
		}
		time.Sleep(200 * time.Millisecond)
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
