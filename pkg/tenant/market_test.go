package tenant_test

import (
	"context"
	"crypto/sha256"
	"errors"
	"io"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/libp2p/go-libp2p/core/peer"
	"go.uber.org/goleak"

	"github.com/tender-market/tender/internal/chaintest"
	"github.com/tender-market/tender/internal/markettest"
	"github.com/tender-market/tender/internal/testenv"
	"github.com/tender-market/tender/pkg/auction"
	"github.com/tender-market/tender/pkg/lease"
	"github.com/tender-market/tender/pkg/network"
	"github.com/tender-market/tender/pkg/tenant"
)

// Tests run the market in one process (package markettest): a simulated
// chain with the escrow, libp2p nodes on loopback, provider daemons with
// simulated GPUs whose jobs run in an in-memory runner. Set
// TENDER_TEST_LOG=debug to see what each part does.

func TestMain(m *testing.M) { goleak.VerifyTestMain(m, chaintest.IgnoreLeaks()...) }

var h100 = markettest.ProviderSpec{Name: "h100", Party: 0, Machine: "dgxh100", Model: "H100", PricePerHour: "2000000"}

// setUp is a market with one running provider and a tenant joined to it.
func setUp(t *testing.T, opts ...markettest.TenantOptions) (*markettest.Market, *markettest.Provider, *markettest.Tenant) {
	t.Helper()
	m := markettest.New(t)
	p := m.NewProvider(h100)
	p.Start()
	return m, p, m.NewTenant("tenant", nil, []*network.Node{p.Node}, opts...)
}

// tokenOnly is what setUpTokenOnly's tenant holds: 1,000 tokens.
var tokenOnly = big.NewInt(1_000_000_000)

// setUpTokenOnly is setUp with a tenant whose account holds tokenOnly
// base units and no ETH.
func setUpTokenOnly(t *testing.T) (*markettest.Market, *markettest.Provider, chaintest.Party, *markettest.Tenant) {
	t.Helper()
	m := markettest.New(t)
	p := m.NewProvider(h100)
	p.Start()
	payer := m.Chain.TokenOnly(t, tokenOnly)
	return m, p, payer, m.NewTenant("token-only", nil, []*network.Node{p.Node}, markettest.As(payer))
}

func timeout(t *testing.T, d time.Duration) context.Context {
	ctx, cancel := context.WithTimeout(t.Context(), d)
	t.Cleanup(cancel)
	return ctx
}

// outputFiles reads the /output archive at path.
func outputFiles(t *testing.T, path string) map[string]string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	files, err := markettest.Files(data)
	if err != nil {
		t.Fatal(err)
	}
	return files
}

func TestSubmitRunsAJob(t *testing.T) {
	m, p, ten := setUp(t)
	ctx := timeout(t, time.Minute)
	tenantBefore, providerBefore := m.Balance(m.Chain.Tenant.Addr), m.Balance(p.Party.Addr)
	var logs testenv.Buffer
	var steps []tenant.Step
	out := filepath.Join(t.TempDir(), "output.tar")
	job := markettest.Job(t, "10m", "run=300ms", "log=hello from the job", "out=model.json:weights")
	job.Secrets = map[string]string{"API_TOKEN": "s3cret"}
	res, err := ten.Submit(ctx, job, tenant.Options{Logs: &logs, OutputFile: out, Progress: func(pr tenant.Progress) { steps = append(steps, pr.Step) }})
	if err != nil {
		t.Fatal(err)
	}
	if !res.Settled || res.Ending != "Closed" || res.ExitCode != 0 || res.Cancelled || res.OutputFile != out {
		t.Errorf("result %+v, want closed with exit 0 and the output downloaded", res)
	}
	if !strings.Contains(logs.String(), "hello from the job") {
		t.Errorf("logs %q lack the job's line", logs.String())
	}
	if files := outputFiles(t, out); files["model.json"] != "weights" {
		t.Errorf("output %v, want model.json", files)
	}
	// The secret reached the job, and only the job.
	started := p.Runner.Started()
	if len(started) != 1 || started[0].Env["API_TOKEN"] != "s3cret" {
		t.Errorf("jobs started %+v, want one with the secret", started)
	}
	// Money: the deposit paid for the whole max duration; paid + refunded
	// is the deposit; balances moved by exactly what was paid.
	terms := lease.NewTerms(&res.Transcript.Order.Order, res.Winner)
	if res.Deposit.Cmp(terms.MaxCost()) != 0 || new(big.Int).Add(res.Paid, res.Refunded).Cmp(res.Deposit) != 0 {
		t.Errorf("deposit %s, paid %s, refunded %s; want the max cost %s, all of it accounted for", res.Deposit, res.Paid, res.Refunded, terms.MaxCost())
	}
	if got := new(big.Int).Sub(tenantBefore, m.Balance(m.Chain.Tenant.Addr)); got.Cmp(res.Paid) != 0 {
		t.Errorf("the tenant's balance fell by %s, want %s", got, res.Paid)
	}
	if got := new(big.Int).Sub(m.Balance(p.Party.Addr), providerBefore); got.Cmp(res.Paid) != 0 {
		t.Errorf("the provider's balance rose by %s, want %s", got, res.Paid)
	}
	want := []tenant.Step{tenant.StepPublished, tenant.StepBid, tenant.StepClosed, tenant.StepLeaseOpened, tenant.StepHandedOver, tenant.StepStatus, tenant.StepSettled, tenant.StepDownloaded}
	for _, s := range want {
		if !containsStep(steps, s) {
			t.Errorf("progress %v lacks %s", steps, s)
		}
	}
	// The lease as a later command finds it: from the record, then read-only
	// from the chain with no key.
	l, err := ten.Find(ctx, res.LeaseID, nil)
	if err != nil || l.Record == nil || l.Provider.ID != p.Node.ID() || l.OpenedBlock == 0 {
		t.Fatalf("Find = %+v, %v; want the record with the provider's peer and the opened block", l, err)
	}
	reader, err := tenant.New(tenant.Config{Domain: m.Domain(), Escrow: m.Chain.Client, DeployedAt: m.Chain.Contracts.Block})
	if err != nil {
		t.Fatal(err)
	}
	onChain, err := reader.Find(ctx, res.LeaseID, nil)
	if err != nil || onChain.Record != nil || onChain.Terms.Hash() != terms.Hash() || onChain.OpenedBlock != l.OpenedBlock {
		t.Fatalf("Find from the chain = %+v, %v; want the terms and block", onChain, err)
	}
	st, err := reader.Status(ctx, onChain, time.Second)
	if err != nil {
		t.Fatal(err)
	}
	if st.StateName != "closed" || st.ExitCode == nil || *st.ExitCode != 0 || st.ClosedBy != "provider" || st.Job != nil || st.JobError != "" {
		t.Errorf("keyless status %+v, want closed by the provider with exit 0 and the job not asked", st)
	}
	if _, err := reader.TopUp(ctx, onChain, big.NewInt(1)); !errors.Is(err, tenant.ErrNoKey) {
		t.Errorf("TopUp without a key: %v, want ErrNoKey", err)
	}
}

// TestSubmitGasless: a tenant whose account holds tokens and no ETH runs
// a job from order to results: it awards the lease with a permit, the
// winner opens and starts it (and pays the gas), and the tenant pays
// exactly the seconds run.
func TestSubmitGasless(t *testing.T) {
	m, p, payer, ten := setUpTokenOnly(t)
	ctx := timeout(t, time.Minute)
	providerBefore := m.Balance(p.Party.Addr)
	var steps []tenant.Step
	out := filepath.Join(t.TempDir(), "output.tar")
	job := markettest.Job(t, "10m", "run=300ms", "out=model.json:weights")
	res, err := ten.Submit(ctx, job, tenant.Options{Gasless: true, OutputFile: out, Progress: func(pr tenant.Progress) { steps = append(steps, pr.Step) }})
	if err != nil {
		t.Fatal(err)
	}
	if !res.Settled || res.Ending != "Closed" || res.ExitCode != 0 || res.OutputFile != out {
		t.Fatalf("result %+v, want closed with exit 0 and the output downloaded", res)
	}
	if files := outputFiles(t, out); files["model.json"] != "weights" {
		t.Errorf("output %v, want model.json", files)
	}
	if got := new(big.Int).Sub(tokenOnly, m.Balance(payer.Addr)); got.Cmp(res.Paid) != 0 {
		t.Errorf("the tenant's tokens fell by %s, want what it was paid %s", got, res.Paid)
	}
	if got := new(big.Int).Sub(m.Balance(p.Party.Addr), providerBefore); got.Cmp(res.Paid) != 0 {
		t.Errorf("the provider's tokens rose by %s, want %s", got, res.Paid)
	}
	eth, err := m.Chain.Backend.BalanceAt(ctx, payer.Addr, nil)
	if err != nil || eth.Sign() != 0 {
		t.Errorf("the tenant holds %v wei (%v), want none", eth, err)
	}
	evs, err := m.Chain.Client.History(ctx, res.LeaseID, 0)
	if err != nil || len(evs) < 3 || evs[0].Kind != lease.EventOpened || evs[1].Kind != lease.EventStarted || evs[0].Log.TxHash != evs[1].Log.TxHash {
		t.Errorf("the lease's events %v (%v), want it opened and started in one transaction, then settled", evs, err)
	}
	for _, s := range []tenant.Step{tenant.StepAwarded, tenant.StepHandedOver, tenant.StepLeaseOpened, tenant.StepSettled, tenant.StepDownloaded} {
		if !containsStep(steps, s) {
			t.Errorf("progress %v lacks %s", steps, s)
		}
	}
}

// TestSubmitWithoutETH: a tenant with tokens and no ETH that does not ask
// for a gasless lease is told its account cannot pay for gas before it
// publishes the order, and nothing moved.
func TestSubmitWithoutETH(t *testing.T) {
	m, _, payer, ten := setUpTokenOnly(t)
	var steps []tenant.Step
	_, err := ten.Submit(timeout(t, time.Minute), markettest.Job(t, "10m", "run=100ms"), tenant.Options{Progress: func(pr tenant.Progress) { steps = append(steps, pr.Step) }})
	if !errors.Is(err, lease.ErrNoGasFunds) || len(steps) != 0 {
		t.Fatalf("Submit without ETH: %v after %v, want %v before anything is published", err, steps, lease.ErrNoGasFunds)
	}
	if got := m.Balance(payer.Addr); got.Cmp(tokenOnly) != 0 {
		t.Errorf("the tenant holds %s tokens, want all it had", got)
	}
}

func containsStep(steps []tenant.Step, s tenant.Step) bool {
	for _, x := range steps {
		if x == s {
			return true
		}
	}
	return false
}

// TestTwoJobsOneDirectory: a second job writing to the same results file
// as the first succeeds and replaces it; a stale FILE.partial that belongs
// to another archive is started over, not trusted.
func TestTwoJobsOneDirectory(t *testing.T) {
	_, _, ten := setUp(t)
	ctx := timeout(t, time.Minute)
	out := filepath.Join(t.TempDir(), "output.tar")
	for i, model := range []string{"first", "second"} {
		if i == 1 {
			// An interrupted download of something else left this.
			if err := os.WriteFile(out+".partial", []byte("not this archive"), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		res, err := ten.Submit(ctx, markettest.Job(t, "10m", "run=100ms", "out=model.json:"+model), tenant.Options{OutputFile: out})
		if err != nil {
			t.Fatalf("job %d: %v", i+1, err)
		}
		data, err := os.ReadFile(out)
		if err != nil {
			t.Fatal(err)
		}
		if sum := common.Hash(sha256.Sum256(data)); sum != res.ResultHash {
			t.Errorf("job %d: %s has SHA-256 %s, the chain %s", i+1, out, sum.Hex(), res.ResultHash.Hex())
		}
		if files := outputFiles(t, out); files["model.json"] != model {
			t.Errorf("job %d: output %v, want model.json %q", i+1, files, model)
		}
		if _, err := os.Stat(out + ".partial"); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("job %d: the partial file is left: %v", i+1, err)
		}
	}
}

// forging is a market whose provider hands out an /output that is not the
// one it committed on chain.
type forging struct{ tenant.Market }

func (f forging) Lease(p peer.AddrInfo, id common.Hash, s auction.Signer) tenant.LeaseConn {
	return forgedConn{f.Market.Lease(p, id, s)}
}

type forgedConn struct{ tenant.LeaseConn }

func (forgedConn) DownloadOutput(_ context.Context, dst io.ReadWriteSeeker) (network.OutputInfo, error) {
	forged := []byte("a forged archive")
	if _, err := dst.Write(forged); err != nil {
		return network.OutputInfo{}, err
	}
	return network.OutputInfo{Size: int64(len(forged)), SHA256: sha256.Sum256(forged)}, nil
}

// TestResults downloads a closed lease's output again, refuses one that
// does not match the chain (keeping it aside), and refuses a second
// download into the same file at once.
func TestResults(t *testing.T) {
	m, p, ten := setUp(t)
	ctx := timeout(t, time.Minute)
	res, err := ten.Submit(ctx, markettest.Job(t, "10m", "run=100ms", "out=model.json:weights"), tenant.Options{})
	if err != nil {
		t.Fatal(err)
	}
	l, err := ten.Find(ctx, res.LeaseID, nil)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	out := filepath.Join(dir, "model.tar")
	r, err := ten.Results(ctx, l, out, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !r.ChainMatch || r.SHA256 != res.ResultHash.Hex() || outputFiles(t, out)["model.json"] != "weights" {
		t.Errorf("results %+v, want the archive matching %s", r, res.ResultHash.Hex())
	}

	// A provider that hands out another archive than the one on chain.
	liar := m.NewTenant("liar", ten.Records, []*network.Node{p.Node}, func(c *tenant.Config) { c.Market = forging{c.Market} })
	forged := filepath.Join(dir, "forged.tar")
	if _, err := liar.Results(ctx, l, forged, nil); !errors.Is(err, network.ErrCorrupt) {
		t.Errorf("forged output: %v, want ErrCorrupt", err)
	}
	if _, err := os.Stat(forged); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a forged output was kept as the result: %v", err)
	}
	if _, err := os.Stat(forged + ".partial"); err != nil {
		t.Errorf("the forged output is not kept aside: %v", err)
	}

	// Two downloads into one file at once.
	busy := filepath.Join(dir, "busy.tar")
	f, err := os.Create(busy + ".partial")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX); err != nil {
		t.Fatal(err)
	}
	if _, err := ten.Results(ctx, l, busy, nil); err == nil || !strings.Contains(err.Error(), "another download") {
		t.Errorf("a second download into one file: %v, want it refused", err)
	}
}

// TestCancel: while submit follows a job, the tenant cancels it from
// another client; the provider stops the job gracefully and closes the
// lease with the job's checkpoint; submit reports it cancelled and
// downloads the checkpoint, checked against the chain.
func TestCancel(t *testing.T) {
	m, p, ten := setUp(t)
	ctx := timeout(t, time.Minute)
	out := filepath.Join(t.TempDir(), "output.tar")
	ids := make(chan common.Hash, 1)
	type submitted struct {
		res *tenant.Result
		err error
	}
	done := make(chan submitted, 1)
	go func() {
		res, err := ten.Submit(ctx, markettest.Job(t, "10m", "log=training", "ckpt=model.json:epoch 3"), tenant.Options{OutputFile: out, Progress: func(pr tenant.Progress) {
			if pr.Step == tenant.StepLeaseOpened {
				ids <- pr.LeaseID
			}
		}})
		done <- submitted{res, err}
	}()
	var id common.Hash
	select {
	case id = <-ids:
	case s := <-done:
		t.Fatalf("submit ended before a lease opened: %v", s.err)
	}
	running := m.Lease(id, lease.StateRunning, 30*time.Second)

	other := m.NewTenant("tenant-2", ten.Records, []*network.Node{p.Node})
	l, err := other.Find(ctx, id, nil)
	if err != nil {
		t.Fatal(err)
	}
	var said []string
	st, err := other.Cancel(ctx, l, func(s string) { said = append(said, s) })
	if err != nil {
		t.Fatalf("cancel: %v (%q)", err, said)
	}
	if st.Event != "Closed" || st.ClosedBy != "provider" || st.ExitCode == nil || st.ExitCode.Reason() != lease.ExitCancelled || st.ResultHash == nil {
		t.Fatalf("cancel settled %+v (%q), want closed by the provider, cancelled, with a result", st, said)
	}
	if new(big.Int).Add(st.Paid, st.Refunded).Cmp(running.Deposit) != 0 {
		t.Errorf("paid %s + refunded %s, want the deposit %s", st.Paid, st.Refunded, running.Deposit)
	}
	s := <-done
	if s.err != nil {
		t.Fatalf("submit: %v", s.err)
	}
	if !s.res.Cancelled || s.res.ResultHash != *st.ResultHash || s.res.OutputFile != out {
		t.Errorf("submit's result %+v, want cancelled with the checkpoint downloaded", s.res)
	}
	if files := outputFiles(t, out); files["model.json"] != "epoch 3" {
		t.Errorf("output %v, want the checkpoint", files)
	}
	if _, err := other.Cancel(ctx, l, nil); !errors.Is(err, tenant.ErrSettled) {
		t.Errorf("a second cancel: %v, want ErrSettled", err)
	}
}

// TestCancelWithoutProvider: with the provider down, cancel closes the
// lease on chain itself, with no result, once it gives up reaching it.
func TestCancelWithoutProvider(t *testing.T) {
	m, p, ten := setUp(t, func(c *tenant.Config) { c.PeerTimeout = time.Second })
	ctx := timeout(t, time.Minute)
	res, err := ten.Submit(ctx, markettest.Job(t, "10m"), tenant.Options{Detach: true})
	if err != nil {
		t.Fatal(err)
	}
	running := m.Lease(res.LeaseID, lease.StateRunning, 30*time.Second)
	p.Stop()
	l, err := ten.Find(ctx, res.LeaseID, nil)
	if err != nil {
		t.Fatal(err)
	}
	var said []string
	st, err := ten.Cancel(ctx, l, func(s string) { said = append(said, s) })
	if err != nil {
		t.Fatal(err)
	}
	if st.Event != "Closed" || st.ClosedBy != "tenant" || *st.ExitCode != lease.NoExitCode || st.ResultHash != nil {
		t.Errorf("cancel settled %+v, want closed by the tenant with no result", st)
	}
	if len(said) == 0 || !strings.Contains(said[0], "closing the lease on chain") {
		t.Errorf("cancel said %q, want it to say it closes on chain", said)
	}
	if new(big.Int).Add(st.Paid, st.Refunded).Cmp(running.Deposit) != 0 {
		t.Errorf("paid %s + refunded %s, want the deposit %s", st.Paid, st.Refunded, running.Deposit)
	}
	if _, err := ten.Results(ctx, l, filepath.Join(t.TempDir(), "out.tar"), nil); !errors.Is(err, tenant.ErrNoResult) {
		t.Errorf("results of a lease closed without one: %v, want ErrNoResult", err)
	}
}

// TestLogsAndStatus: logs -f prints the job's lines and ends with how the
// job ended; status asks the provider; an interrupted follow ends quietly.
func TestLogsAndStatus(t *testing.T) {
	m, _, ten := setUp(t)
	ctx := timeout(t, time.Minute)
	res, err := ten.Submit(ctx, markettest.Job(t, "10m", "log=step 1", "log=step 2", "ckpt=model.json:x"), tenant.Options{Detach: true})
	if err != nil {
		t.Fatal(err)
	}
	m.Lease(res.LeaseID, lease.StateRunning, 30*time.Second)
	l, err := ten.Find(ctx, res.LeaseID, nil)
	if err != nil {
		t.Fatal(err)
	}
	st, err := ten.Status(ctx, l, 10*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	if st.StateName != "running" || st.Accrued == nil || st.Job == nil || st.Job.State != network.JobRunning {
		t.Errorf("status %+v, want running on chain and at the provider", st)
	}

	// Interrupted: quiet.
	short, stop := context.WithCancel(ctx)
	var seen testenv.Buffer
	interrupted := make(chan error, 1)
	go func() {
		end, err := ten.Logs(short, l, true, &seen)
		if end != nil {
			err = errors.New("a status after an interrupted follow")
		}
		interrupted <- err
	}()
	testenv.Eventually(t, 10*time.Second, "the log's lines", func() (bool, string, error) {
		return strings.Contains(seen.String(), "step 2"), seen.String(), nil
	})
	stop()
	if err := <-interrupted; err != nil {
		t.Errorf("interrupted follow: %v, want nil", err)
	}

	// Followed to the end: the job is cancelled meanwhile.
	var logs testenv.Buffer
	followed := make(chan *network.LeaseStatus, 1)
	go func() {
		end, err := ten.Logs(ctx, l, true, &logs)
		if err != nil {
			t.Errorf("logs -f: %v", err)
		}
		followed <- end
	}()
	testenv.Eventually(t, 10*time.Second, "the log's lines", func() (bool, string, error) {
		return strings.Contains(logs.String(), "step 2"), logs.String(), nil
	})
	if _, err := ten.Cancel(ctx, l, nil); err != nil {
		t.Fatal(err)
	}
	end := <-followed
	if end == nil || !end.State.Ended() || !strings.Contains(end.Detail, "cancelled by the tenant") {
		t.Errorf("logs -f ended with %+v, want the job ended, cancelled", end)
	}
}

// TestOutOfMemory: a job killed for its memory says so, with its limit.
func TestOutOfMemory(t *testing.T) {
	_, _, ten := setUp(t)
	ctx := timeout(t, time.Minute)
	var statuses []string
	res, err := ten.Submit(ctx, markettest.Job(t, "10m", "oom"), tenant.Options{Progress: func(pr tenant.Progress) {
		if pr.Status != nil {
			statuses = append(statuses, pr.Status.Detail)
		}
	}})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := res.ExitCode.Describe("256Mi"), "137: killed, out of memory (limit 256Mi)"; got != want {
		t.Errorf("exit %q, want %q", got, want)
	}
	l, err := ten.Find(ctx, res.LeaseID, nil)
	if err != nil {
		t.Fatal(err)
	}
	st, err := ten.Status(ctx, l, 10*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	if st.Job == nil || !strings.Contains(st.Job.Detail, "exit 137: killed, out of memory (limit 256Mi)") {
		t.Errorf("the provider's status %+v, want it to say the job ran out of its 256Mi", st.Job)
	}
}

// TestSubmitFailsPromptly drives each way a submission fails and checks
// that it returns its error well within its time, having stopped every
// goroutine it started (goleak checks at the end).
func TestSubmitFailsPromptly(t *testing.T) {
	tests := []struct {
		name string
		// run submits and returns the error; within is how long it may take.
		run    func(t *testing.T) error
		within time.Duration
		want   string
	}{
		{"no market peer", func(t *testing.T) error {
			m := markettest.New(t)
			ten := m.NewTenant("alone", nil, nil, func(c *tenant.Config) { c.PeerTimeout = time.Second })
			_, err := ten.Submit(t.Context(), markettest.Job(t, "10m"), tenant.Options{})
			return err
		}, 10 * time.Second, "no market peer"},
		{"no provider has the GPU", func(t *testing.T) error {
			m := markettest.New(t)
			a100 := markettest.ProviderSpec{Name: "a100", Machine: "dgxa100", Model: "A100", PricePerHour: "100"}
			p := m.NewProvider(a100)
			p.Start()
			ten := m.NewTenant("tenant", nil, []*network.Node{p.Node})
			_, err := ten.Submit(t.Context(), markettest.Job(t, "10m"), tenant.Options{})
			var nw *tenant.NoWinnerError
			if !errors.As(err, &nw) || len(nw.NoBids) != 1 {
				t.Errorf("error %v, want a NoWinnerError with the provider's no-bid", err)
			}
			return err
		}, 20 * time.Second, "gpu_model"},
		{"deposit beyond the balance", func(t *testing.T) error {
			_, _, ten := setUp(t)
			_, err := ten.Submit(t.Context(), markettest.Job(t, "10m"), tenant.Options{Deposit: new(big.Int).Lsh(big.NewInt(1), 90)})
			return err
		}, 20 * time.Second, "holds"},
		{"the provider cannot run the job", func(t *testing.T) error {
			_, _, ten := setUp(t)
			_, err := ten.Submit(t.Context(), markettest.Job(t, "10m", "no-such-word"), tenant.Options{})
			return err
		}, 20 * time.Second, "could not run the job"},
		{"the winner goes away", func(t *testing.T) error {
			_, p, ten := setUp(t, func(c *tenant.Config) { c.PeerTimeout = time.Second })
			_, err := ten.Submit(t.Context(), markettest.Job(t, "10m"), tenant.Options{Progress: func(pr tenant.Progress) {
				if pr.Step == tenant.StepClosed {
					p.Stop()
				}
			}})
			return err
		}, 20 * time.Second, "send secrets"},
		{"interrupted while following", func(t *testing.T) error {
			m, _, ten := setUp(t)
			ctx, cancel := context.WithCancel(t.Context())
			defer cancel()
			_, err := ten.Submit(ctx, markettest.Job(t, "10m"), tenant.Options{Logs: io.Discard, Progress: func(pr tenant.Progress) {
				if pr.Step == tenant.StepStatus && pr.Status.State == network.JobRunning {
					cancel()
				}
			}})
			_ = m
			return err
		}, 20 * time.Second, "context canceled"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			start := time.Now()
			err := tt.run(t)
			took := time.Since(start)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %v, want one saying %q", err, tt.want)
			}
			if took > tt.within {
				t.Errorf("took %s to fail, want within %s", took, tt.within)
			}
		})
	}
}
