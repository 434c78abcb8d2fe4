package provider_test

import (
	"errors"
	"fmt"
	"math/big"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/libp2p/go-libp2p/core/peer"

	"github.com/tender-market/tender/internal/markettest"
	"github.com/tender-market/tender/internal/testenv"
	"github.com/tender-market/tender/pkg/auction"
	"github.com/tender-market/tender/pkg/lease"
	"github.com/tender-market/tender/pkg/network"
	"github.com/tender-market/tender/pkg/tenant"
)

// TestLeaseRunsToItsEnd: once the lease opens and the secrets arrive, the
// provider starts the job with them, on the GPU it bid, for no longer than
// the order allows; starts the lease on chain; withdraws while the job
// runs; and closes the lease with the job's exit code and the SHA-256 of
// its /output archive, paid to the base unit for the seconds it ran.
func TestLeaseRunsToItsEnd(t *testing.T) {
	m, p, ten := setUp(t, 0)
	ctx := timeout(t, time.Minute)
	providerBefore := m.Balance(p.Party.Addr)
	job := testJob(t, "run=2500ms", "exit=3", "log=step 1", "out=result.txt:done")
	job.Secrets = map[string]string{"API_TOKEN": "s3cret"}
	deposit := big.NewInt(166_667) // 300 s at 2000000 per hour, and a bit
	var logs testenv.Buffer
	var seal sync.Once
	stopSealing := func() {}
	res, err := ten.Submit(ctx, job, tenant.Options{Deposit: deposit, Logs: &logs, Progress: func(pr tenant.Progress) {
		if pr.Step == tenant.StepLeaseOpened {
			seal.Do(func() { stopSealing = m.SealBlocks() })
		}
	}})
	if err != nil {
		t.Fatal(err)
	}
	stopSealing()
	id := res.LeaseID
	s := settled(t, m, id)
	rec := p.WaitState(id, network.JobClosed)

	started := p.Runner.Started()
	if len(started) != 1 {
		t.Fatalf("%d jobs started, want 1: %+v", len(started), started)
	}
	j := started[0]
	if j.LeaseID != id.Hex() || j.Env["API_TOKEN"] != "s3cret" || j.Image != job.Job.Image {
		t.Errorf("job started for lease %s, image %s, env %v; want lease %s, image %s, with the secret", j.LeaseID, j.Image, j.Env, id.Hex(), job.Job.Image)
	}
	if j.MaxDuration != 10*time.Minute {
		t.Errorf("the job may run %s, want the order's 10m (the deposit's end is the provider's to enforce: top-ups move it)", j.MaxDuration)
	}
	if len(j.GPUUUIDs) != 1 || !j.SimulatedGPUs || len(rec.GPUs) != 1 || j.GPUUUIDs[0] != rec.GPUs[0] {
		t.Errorf("the job has GPUs %v (simulated %t), the lease record %v; want the one GPU bid, simulated", j.GPUUUIDs, j.SimulatedGPUs, rec.GPUs)
	}
	if j.CPUMillicores != 500 || j.MemoryBytes != 256<<20 {
		t.Errorf("the job has %d millicores, %d bytes of memory; want the order's 500 and 256Mi", j.CPUMillicores, j.MemoryBytes)
	}
	if !strings.Contains(logs.String(), "step 1") {
		t.Errorf("the tenant read logs %q, want the job's line", logs.String())
	}

	want := lease.NewExitCode(3, lease.ExitedByItself)
	if s.Closed.ExitCode != want || s.Closed.ExitCode.Reason() != lease.ExitedByItself || s.Closed.By != p.Party.Addr {
		t.Errorf("closed with exit %s by %s, want %s by the provider %s", s.Closed.ExitCode, s.Closed.By.Hex(), want, p.Party.Addr.Hex())
	}
	sum, files := p.Output(id)
	if s.Closed.ResultHash != sum || files["result.txt"] != "done" {
		t.Errorf("result hash %s, output %v; want the archive's SHA-256 %s, holding result.txt", s.Closed.ResultHash.Hex(), files, sum.Hex())
	}
	if s.Started == nil {
		t.Fatal("the lease closed without starting")
	}
	if len(s.Withdrawn) == 0 {
		t.Error("the provider withdrew nothing while the job ran 2.5 s, withdrawing every second")
	}
	checkPaid(t, p, s, deposit)
	if got := new(big.Int).Sub(m.Balance(p.Party.Addr), providerBefore); got.Cmp(s.Closed.Paid) != 0 {
		t.Errorf("the provider's balance rose by %s, want what it was paid, %s", got, s.Closed.Paid)
	}
	if !rec.Started || rec.ExitCode == nil || *rec.ExitCode != want || rec.OutputSHA256 == nil || *rec.OutputSHA256 != sum {
		t.Errorf("record %+v, want started, exit %s, output %s", rec, want, sum.Hex())
	}
	p.WaitFree(gpus)
}

// TestTopUpMovesTheEnd: the provider stops a job when its deposit runs
// out, on its own clock, and follows a top-up that lands while the job
// runs: the job outlives its first deposit and is stopped, out of time,
// when the topped-up deposit runs out.
func TestTopUpMovesTheEnd(t *testing.T) {
	_, p, ten := setUp(t, 0)
	ctx := timeout(t, time.Minute)
	first := big.NewInt(33_334) // 60 s at 2000000 per hour
	res, err := ten.Submit(ctx, testJob(t), tenant.Options{Deposit: first, Detach: true})
	if err != nil {
		t.Fatal(err)
	}
	id := res.LeaseID
	p.WaitState(id, network.JobRunning)
	l, err := ten.Find(ctx, id, &peer.AddrInfo{ID: p.Node.ID(), Addrs: p.Node.AddrInfo().Addrs})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ten.TopUp(ctx, l, first); err != nil {
		t.Fatal(err)
	}
	testenv.Eventually(t, 10*time.Second, "the provider follows the top-up", func() (bool, string, error) {
		r, _ := p.Record(id)
		return strings.Contains(r.Detail, "topped up to 66668"), r.Detail, nil
	})
	// Past both deposits on the provider's clock: the meter stops the job
	// for the deposit it knows, the topped-up one.
	p.Clock.Advance(121 * time.Second)
	rec := p.WaitState(id, network.JobClosed)
	if !rec.Started || rec.ExitCode == nil || rec.ExitCode.Reason() != lease.ExitOutOfTime || !strings.Contains(rec.Detail, "its deposit of 66668 ran out") {
		t.Errorf("record %+v, want the job stopped out of time when the topped-up deposit ran out", rec)
	}
	if n := len(p.Runner.Started()); n != 1 {
		t.Errorf("%d jobs started, want 1", n)
	}
}

// TestSecretsNeverCome: a lease whose secrets do not come in time is
// declined by the provider: closed on chain at once for nothing, with the
// exit reason that says the tenant sent no job (a reclaim would count
// against the provider), and what it held is free for the next order.
func TestSecretsNeverCome(t *testing.T) {
	m, p, ten := setUp(t, 300*time.Millisecond)
	ctx := timeout(t, time.Minute)
	o := publish(t, m, ten.Node, testJob(t), 10*time.Minute)
	id, terms := o.Open(o.Bid().Bid, nil)
	rec := p.WaitState(id, network.JobClosed)
	if rec.ExitCode == nil || rec.ExitCode.Reason() != lease.ExitNoJob {
		t.Errorf("record %+v, want the lease declined: no job from the tenant", rec)
	}
	// Once closed, the tenant still reads why first.
	if !strings.HasPrefix(rec.Detail, "no secrets from the tenant within") || !strings.Contains(rec.Detail, "exit never started") {
		t.Errorf("closed: %q, want why it was declined, then its exit", rec.Detail)
	}
	p.WaitFree(gpus)
	if n := len(p.Runner.Started()); n != 0 {
		t.Errorf("%d jobs started, want none", n)
	}
	s := settled(t, m, id)
	deposit := terms.MaxCost()
	if s.Started != nil || s.Closed.By != p.Party.Addr || s.Closed.ExitCode.Reason() != lease.ExitNoJob || s.Closed.Paid.Sign() != 0 || s.Closed.Refunded.Cmp(deposit) != 0 {
		t.Errorf("settled %+v, want closed by the provider before any start, no job, the whole deposit %s refunded", s.Closed, deposit)
	}
	lc := ten.Node.Lease(p.Node.AddrInfo(), id, auction.NewKeySigner(m.Chain.Tenant.Key))
	if err := lc.PutSecrets(ctx, map[string]string{"X": "y"}); err == nil {
		t.Error("secrets taken for a declined lease")
	}
	bidOnEverything(t, m, p, ten)
}

// bidOnEverything checks that the provider bids on an order for all its
// GPUs and all its CPU.
func bidOnEverything(t *testing.T, m *markettest.Market, p *markettest.Provider, ten *markettest.Tenant) {
	t.Helper()
	job := testJob(t)
	job.Requirements.GPUCount, job.Requirements.CPUMillis = gpus, 4000
	job.MaxPricePerHour = big.NewInt(gpus * price)
	o := publish(t, m, ten.Node, job, 10*time.Minute)
	if b := o.Bid(); b.Bid.Bid.Offer.GPUCount() != gpus {
		t.Errorf("offer %+v, want all %d GPUs", b.Bid.Bid.Offer, gpus)
	}
}

// TestCancelBeforeTheJobStarts: the tenant cancels a lease whose secrets
// it has not sent; the provider closes it with no exit status and no
// result, and nothing is paid.
func TestCancelBeforeTheJobStarts(t *testing.T) {
	m, p, ten := setUp(t, 0)
	ctx := timeout(t, time.Minute)
	o := publish(t, m, ten.Node, testJob(t), 10*time.Minute)
	id, terms := o.Open(o.Bid().Bid, nil)
	p.WaitState(id, network.JobAwaitingSecrets)
	l, err := ten.Find(ctx, id, &peer.AddrInfo{ID: p.Node.ID()})
	if err != nil {
		t.Fatal(err)
	}
	st, err := ten.Cancel(ctx, l, nil)
	if err != nil {
		t.Fatal(err)
	}
	if st.ClosedBy != "provider" || st.ExitCode == nil || *st.ExitCode != lease.NoExitCode || st.ResultHash != nil {
		t.Errorf("cancel settled %+v, want closed by the provider with no exit status and no result", st)
	}
	s := settled(t, m, id)
	if s.Started != nil || s.Closed.ResultHash != (common.Hash{}) {
		t.Errorf("the lease started %v, closed with result %s; want never started, no result", s.Started, s.Closed.ResultHash.Hex())
	}
	checkPaid(t, p, s, terms.MaxCost())
	rec := p.WaitState(id, network.JobClosed)
	if rec.Started || rec.ExitCode != nil {
		t.Errorf("record %+v, want never started, no exit code", rec)
	}
	if n := len(p.Runner.Started()); n != 0 {
		t.Errorf("%d jobs started, want none", n)
	}
	p.WaitFree(gpus)
}

// submitRunning submits job detached and waits until it runs, on chain and
// at the provider.
func submitRunning(t *testing.T, m *markettest.Market, p *markettest.Provider, ten *markettest.Tenant, words ...string) *tenant.Result {
	t.Helper()
	res, err := ten.Submit(timeout(t, time.Minute), testJob(t, words...), tenant.Options{Detach: true})
	if err != nil {
		t.Fatal(err)
	}
	m.Lease(res.LeaseID, lease.StateRunning, 30*time.Second)
	p.WaitState(res.LeaseID, network.JobRunning)
	if !p.Runner.Running(res.LeaseID.Hex()) {
		t.Fatal("the lease runs but its job does not")
	}
	return res
}

// TestCancelWhileTheJobRuns: the tenant cancels a running lease; the
// provider stops the job, which leaves its checkpoint in /output, and
// closes the lease with that as its result and the exit code saying the
// tenant cancelled.
func TestCancelWhileTheJobRuns(t *testing.T) {
	m, p, ten := setUp(t, 0)
	ctx := timeout(t, time.Minute)
	res := submitRunning(t, m, p, ten, "ckpt=state.bin:step 42")
	id := res.LeaseID
	l, err := ten.Find(ctx, id, nil)
	if err != nil {
		t.Fatal(err)
	}
	st, err := ten.Cancel(ctx, l, nil)
	if err != nil {
		t.Fatal(err)
	}
	if st.ClosedBy != "provider" || st.ExitCode == nil || st.ExitCode.Reason() != lease.ExitCancelled || st.ExitCode.Status() != 143 {
		t.Errorf("cancel settled %+v, want closed by the provider, status 143, cancelled", st)
	}
	s := settled(t, m, id)
	sum, files := p.Output(id)
	if s.Closed.ResultHash != sum || len(files) != 1 || files["state.bin"] != "step 42" {
		t.Errorf("result %s, output %v; want the checkpoint's archive %s", s.Closed.ResultHash.Hex(), files, sum.Hex())
	}
	checkPaid(t, p, s, res.Deposit)
	if p.Runner.Running(id.Hex()) {
		t.Error("the job still runs")
	}
	rec := p.WaitState(id, network.JobClosed)
	if rec.ExitCode == nil || *rec.ExitCode != s.Closed.ExitCode {
		t.Errorf("record's exit code %v, want %s", rec.ExitCode, s.Closed.ExitCode)
	}
	p.WaitFree(gpus)
}

// TestTenantClosesOnChain: when the tenant closes its lease on chain
// itself, the provider stops the job, or does not start it, lets its GPU
// go, and sends nothing more to the chain.
func TestTenantClosesOnChain(t *testing.T) {
	tests := []struct {
		name string
		// open opens the lease and returns it with the deposit.
		open       func(t *testing.T, m *markettest.Market, p *markettest.Provider, ten *markettest.Tenant) (common.Hash, lease.Terms, *big.Int)
		wantState  network.JobState
		wantDetail string
		wantJobs   int
	}{
		{"while the job runs", func(t *testing.T, m *markettest.Market, p *markettest.Provider, ten *markettest.Tenant) (common.Hash, lease.Terms, *big.Int) {
			res := submitRunning(t, m, p, ten, "ckpt=state.bin:x")
			return res.LeaseID, lease.NewTerms(&res.Transcript.Order.Order, res.Winner), res.Deposit
		}, network.JobClosed, "the lease was already closed on chain", 1},
		{"before the job starts", func(t *testing.T, m *markettest.Market, p *markettest.Provider, ten *markettest.Tenant) (common.Hash, lease.Terms, *big.Int) {
			o := publish(t, m, ten.Node, testJob(t), 10*time.Minute)
			id, terms := o.Open(o.Bid().Bid, nil)
			p.WaitState(id, network.JobAwaitingSecrets)
			return id, terms, terms.MaxCost()
		}, network.JobClosed, "the lease was settled on chain before the job started", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, p, ten := setUp(t, 0)
			id, terms, deposit := tt.open(t, m, p, ten)
			if _, err := m.Chain.Client.Close(timeout(t, time.Minute), m.Chain.Tenant.Auth, id, terms, lease.NoExitCode, common.Hash{}); err != nil {
				t.Fatal(err)
			}
			rec := p.WaitState(id, tt.wantState)
			if rec.Detail != tt.wantDetail {
				t.Errorf("%s: %q, want %q", rec.State, rec.Detail, tt.wantDetail)
			}
			if p.Runner.Running(id.Hex()) {
				t.Error("the job still runs")
			}
			if n := len(p.Runner.Started()); n != tt.wantJobs {
				t.Errorf("%d jobs started, want %d", n, tt.wantJobs)
			}
			s := settled(t, m, id) // fails when closed twice
			if s.Closed.By != m.Chain.Tenant.Addr || s.Closed.ExitCode != lease.NoExitCode {
				t.Errorf("closed by %s with exit %s, want the tenant %s with no exit status", s.Closed.By.Hex(), s.Closed.ExitCode, m.Chain.Tenant.Addr.Hex())
			}
			checkPaid(t, p, s, deposit)
			p.WaitFree(gpus)
		})
	}
}

// TestOutOfMemory: a job killed for its memory closes the lease with 137
// and the reason on chain, and the provider's status names the limit.
func TestOutOfMemory(t *testing.T) {
	m, p, ten := setUp(t, 0)
	ctx := timeout(t, time.Minute)
	res, err := ten.Submit(ctx, testJob(t, "oom"), tenant.Options{})
	if err != nil {
		t.Fatal(err)
	}
	want := lease.NewExitCode(137, lease.ExitOutOfMemory)
	s := settled(t, m, res.LeaseID)
	if s.Closed.ExitCode != want || s.Closed.ExitCode.Reason() != lease.ExitOutOfMemory || res.ExitCode != want {
		t.Errorf("closed with exit %s (the tenant read %s), want %s", s.Closed.ExitCode, res.ExitCode, want)
	}
	if sum, files := p.Output(res.LeaseID); s.Closed.ResultHash != sum || len(files) != 0 {
		t.Errorf("result %s, output %v; want the empty archive's %s", s.Closed.ResultHash.Hex(), files, sum.Hex())
	}
	checkPaid(t, p, s, res.Deposit)
	l, err := ten.Find(ctx, res.LeaseID, nil)
	if err != nil {
		t.Fatal(err)
	}
	// The provider marks the lease closed once it has the close's receipt,
	// maybe after the tenant saw the event.
	var st *tenant.Status
	testenv.Eventually(t, 10*time.Second, "the provider's status closed", func() (bool, string, error) {
		st, err = ten.Status(ctx, l, 10*time.Second)
		return err == nil && st.Job != nil && st.Job.State == network.JobClosed, fmt.Sprintf("%+v", st), err
	})
	if st.Job == nil || st.Job.State != network.JobClosed || !strings.Contains(st.Job.Detail, "killed, out of memory (limit 256Mi)") {
		t.Errorf("the provider's status %+v, want closed, saying the job ran out of its 256Mi", st.Job)
	}
	if st.Job != nil && (st.Job.ExitCode == nil || lease.ExitCode(*st.Job.ExitCode) != want) {
		t.Errorf("the provider's status has exit code %v, want %d", st.Job.ExitCode, int32(want))
	}
}

// TestStrangerIsDenied: only the lease's tenant may act on it at the
// provider.
func TestStrangerIsDenied(t *testing.T) {
	m, p, ten := setUp(t, 0)
	ctx := timeout(t, time.Minute)
	res := submitRunning(t, m, p, ten)
	key, err := crypto.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	lc := ten.Node.Lease(p.Node.AddrInfo(), res.LeaseID, auction.NewKeySigner(key))
	ops := []struct {
		name string
		do   func() error
	}{
		{"secrets", func() error { return lc.PutSecrets(ctx, map[string]string{"X": "y"}) }},
		{"cancel", func() error { return lc.Cancel(ctx) }},
		{"logs", func() error { return lc.Logs(ctx, false, &testenv.Buffer{}) }},
	}
	for _, op := range ops {
		if err := op.do(); !errors.Is(err, network.ErrLeaseDenied) {
			t.Errorf("a stranger's %s: %v, want ErrLeaseDenied", op.name, err)
		}
	}
	if !p.Runner.Running(res.LeaseID.Hex()) {
		t.Error("the job stopped")
	}
	if r, _ := p.Record(res.LeaseID); r.State != network.JobRunning {
		t.Errorf("the lease is %s: %s; want running", r.State, r.Detail)
	}
}

// TestOtherProvidersLease: a lease opened from a bid for another provider
// is not the provider's, even when the bid names the provider's peer.
func TestOtherProvidersLease(t *testing.T) {
	m, p, ten := setUp(t, 0)
	ctx := timeout(t, time.Minute)
	o := publish(t, m, ten.Node, testJob(t), 10*time.Minute)
	mine := o.Bid().Bid
	other := mine.Bid
	other.Provider = m.Chain.Providers[1].Addr
	sb, err := m.Domain().SignBid(other, auction.NewKeySigner(m.Chain.Providers[1].Key))
	if err != nil {
		t.Fatal(err)
	}
	otherID, _ := o.Open(sb, nil)
	// The provider's own lease, opened after, is served: it has seen the
	// other one go by.
	id, _ := o.Open(mine, nil)
	p.WaitState(id, network.JobAwaitingSecrets)
	if r, ok := p.Record(otherID); ok {
		t.Errorf("the provider keeps a record of another's lease: %+v", r)
	}
	lc := ten.Node.Lease(p.Node.AddrInfo(), otherID, auction.NewKeySigner(m.Chain.Tenant.Key))
	if err := lc.PutSecrets(ctx, map[string]string{"X": "y"}); !errors.Is(err, network.ErrLeaseNotServed) {
		t.Errorf("secrets for another's lease: %v, want ErrLeaseNotServed", err)
	}
	if l := m.Lease(otherID, lease.StateOpen, time.Second); l.Paid.Sign() != 0 {
		t.Errorf("the other lease %+v, want it open, untouched", l)
	}
	if n := len(p.Runner.Started()); n != 0 {
		t.Errorf("%d jobs started, want none", n)
	}
}

// TestOutputLost: when a job's end or output cannot be collected, the
// provider still closes the lease (saying the provider failed, with no
// result), so the tenant stops paying for a job that has ended.
func TestOutputLost(t *testing.T) {
	m, p, ten := setUp(t, 0)
	res := submitRunning(t, m, p, ten, "run=1s", "lost")
	s := settled(t, m, res.LeaseID)
	if s.Closed.By != p.Party.Addr || s.Closed.ExitCode.Reason() != lease.ExitProviderFailure || s.Closed.ResultHash != (common.Hash{}) {
		t.Errorf("closed by %s with exit %s, result %s; want the provider, a provider failure, no result", s.Closed.By.Hex(), s.Closed.ExitCode, s.Closed.ResultHash.Hex())
	}
	checkPaid(t, p, s, res.Deposit)
	p.WaitState(res.LeaseID, network.JobClosed)
	p.WaitFree(gpus)
}

// TestLeaseOnAChainAhead: on a chain whose clock jumped 20 minutes ahead
// of the wall clock, past the provider's 5-minute bid hold, the tenant's
// order and the provider's bid both expire by the chain's clock, so the
// lease opens and the job runs to its end.
func TestLeaseOnAChainAhead(t *testing.T) {
	m, p, ten := setUp(t, 0)
	m.Chain.Advance(t, 20*time.Minute)
	ctx := timeout(t, time.Minute)
	var seal sync.Once
	stopSealing := func() {}
	res, err := ten.Submit(ctx, testJob(t, "run=200ms"), tenant.Options{Deposit: big.NewInt(166_667), Progress: func(pr tenant.Progress) {
		if pr.Step == tenant.StepLeaseOpened {
			seal.Do(func() { stopSealing = m.SealBlocks() })
		}
	}})
	if err != nil {
		t.Fatalf("submit on a chain 20 minutes ahead: %v", err)
	}
	stopSealing()
	s := settled(t, m, res.LeaseID)
	if s.Started == nil || s.Closed.By != p.Party.Addr {
		t.Errorf("lease %s: started %v, closed by %s; want started and closed by the provider", res.LeaseID.Hex(), s.Started, s.Closed.By.Hex())
	}
}

// TestExecInTheJob: the lease's tenant runs a command in its running job
// and gets its output and status back; a stranger is refused before
// anything runs, as is a command once the job has ended; a provider that
// runs no commands says so.
func TestExecInTheJob(t *testing.T) {
	m, p, ten := setUp(t, 0)
	ctx := timeout(t, time.Minute)
	res := submitRunning(t, m, p, ten)
	l, err := ten.Find(ctx, res.LeaseID, nil)
	if err != nil {
		t.Fatal(err)
	}
	var out testenv.Buffer
	code, err := ten.Exec(ctx, l, []string{"echo", "hello", "from", "the", "job"}, &out)
	if err != nil || code != 0 || out.String() != "hello from the job\n" {
		t.Fatalf("exec: status %d, %v, output %q; want 0 and the words back", code, err, out.String())
	}
	key, err := crypto.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	stranger := ten.Node.Lease(p.Node.AddrInfo(), res.LeaseID, auction.NewKeySigner(key))
	if _, err := stranger.Exec(ctx, []string{"echo", "x"}, &out); !errors.Is(err, network.ErrLeaseDenied) {
		t.Errorf("a stranger's exec: %v, want ErrLeaseDenied", err)
	}
	if _, err := ten.Exec(ctx, l, []string{"echo", "a\x00b"}, &out); err == nil {
		t.Error("a command with a NUL ran")
	}
	if _, err := ten.Exec(ctx, l, slices.Repeat([]string{"x"}, 65), &out); err == nil {
		t.Error("a command of 65 arguments ran")
	}

	if _, err := ten.Cancel(ctx, l, nil); err != nil {
		t.Fatal(err)
	}
	p.WaitState(res.LeaseID, network.JobClosed)
	if _, err := ten.Exec(ctx, l, []string{"echo", "late"}, &out); err == nil || !strings.Contains(err.Error(), "only while its job runs") {
		t.Errorf("exec after the job ended: %v, want refused", err)
	}
}

// TestNoExec: a provider that runs no commands refuses a tenant's, with
// the reason, and the job runs on.
func TestNoExec(t *testing.T) {
	m := markettest.New(t)
	p := m.NewProvider(markettest.ProviderSpec{Name: "provider", Machine: "dgxh100", Model: "H100", PricePerHour: fmt.Sprint(price), NoExec: true})
	p.Start()
	ten := m.NewTenant("tenant", nil, []*network.Node{p.Node})
	ctx := timeout(t, time.Minute)
	res := submitRunning(t, m, p, ten)
	l, err := ten.Find(ctx, res.LeaseID, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ten.Exec(ctx, l, []string{"echo", "x"}, &testenv.Buffer{}); !errors.Is(err, network.ErrExecOff) {
		t.Errorf("exec at a provider that runs none: %v, want ErrExecOff", err)
	}
	if _, err := ten.Shell(ctx, l, []string{"/bin/sh"}, network.TermSize{Cols: 80, Rows: 24}, strings.NewReader(""), &testenv.Buffer{}, nil); !errors.Is(err, network.ErrExecOff) {
		t.Errorf("shell at a provider that runs none: %v, want ErrExecOff", err)
	}
	if !p.Runner.Running(res.LeaseID.Hex()) {
		t.Error("the job stopped")
	}
}

// TestShellInTheJob: a terminal in the running job takes the tenant's
// typing and resizes and gives its exit status; a stranger is refused, a
// provider that runs no commands refuses it, and so does a job that ended.
func TestShellInTheJob(t *testing.T) {
	m, p, ten := setUp(t, 0)
	ctx := timeout(t, time.Minute)
	res := submitRunning(t, m, p, ten)
	l, err := ten.Find(ctx, res.LeaseID, nil)
	if err != nil {
		t.Fatal(err)
	}
	var out testenv.Buffer
	resize := make(chan network.TermSize, 1)
	resize <- network.TermSize{Cols: 120, Rows: 40}
	code, err := ten.Shell(ctx, l, []string{"/bin/sh"}, network.TermSize{Cols: 100, Rows: 30}, strings.NewReader("hello\nexit 5\n"), &out, resize)
	if err != nil || code != 5 || !strings.Contains(out.String(), "/bin/sh on a 100x30 terminal") || !strings.Contains(out.String(), "echo: hello") {
		t.Fatalf("shell: status %d, %v, output %q; want 5, the terminal's size and the line back", code, err, out.String())
	}
	key, err := crypto.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	stranger := ten.Node.Lease(p.Node.AddrInfo(), res.LeaseID, auction.NewKeySigner(key))
	if _, err := stranger.Shell(ctx, []string{"/bin/sh"}, network.TermSize{Cols: 80, Rows: 24}, strings.NewReader(""), &out, nil); !errors.Is(err, network.ErrLeaseDenied) {
		t.Errorf("a stranger's shell: %v, want ErrLeaseDenied", err)
	}
	if _, err := ten.Cancel(ctx, l, nil); err != nil {
		t.Fatal(err)
	}
	p.WaitState(res.LeaseID, network.JobClosed)
	if _, err := ten.Shell(ctx, l, []string{"/bin/sh"}, network.TermSize{Cols: 80, Rows: 24}, strings.NewReader(""), &out, nil); err == nil || !strings.Contains(err.Error(), "only while its job runs") {
		t.Errorf("shell after the job ended: %v, want refused", err)
	}
}
