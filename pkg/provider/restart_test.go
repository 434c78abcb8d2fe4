package provider_test

import (
	"context"
	"fmt"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/accounts/abi/bind/v2"
	"github.com/ethereum/go-ethereum/common"

	"github.com/tender-market/tender/internal/markettest"
	"github.com/tender-market/tender/internal/testenv"
	"github.com/tender-market/tender/pkg/auction"
	"github.com/tender-market/tender/pkg/gpu"
	"github.com/tender-market/tender/pkg/lease"
	"github.com/tender-market/tender/pkg/network"
	"github.com/tender-market/tender/pkg/provider"
	"github.com/tender-market/tender/pkg/tenant"
)

// restart stops the daemon, checks that its lease id was left running on
// chain, runs between (the time the daemon is down) and starts it again.
func restart(t *testing.T, m *markettest.Market, p *markettest.Provider, id common.Hash, between func()) {
	t.Helper()
	p.Stop()
	l, err := m.Chain.Client.Lease(t.Context(), id)
	if err != nil {
		t.Fatal(err)
	}
	if l.State != lease.StateRunning {
		t.Fatalf("the lease is %s once the daemon stopped, want running", l.State)
	}
	between()
	p.Start()
}

// TestRestartReattaches: a daemon that restarts while a job runs takes
// the job up again: it claims its GPU again, bills it and, when the job
// exits, closes the lease with its result. The provider is paid for each
// second of the lease once, however many daemons withdrew.
func TestRestartReattaches(t *testing.T) {
	m, p, ten := setUp(t, 0)
	providerBefore := m.Balance(p.Party.Addr)
	res := submitRunning(t, m, p, ten, "run=5s", "out=model.json:weights")
	id := res.LeaseID
	defer m.SealBlocks()()
	// The first daemon withdraws once before it stops.
	testenv.Eventually(t, 20*time.Second, "a withdrawal", func() (bool, string, error) {
		l, err := m.Chain.Client.Lease(t.Context(), id)
		return l.Paid.Sign() > 0, "nothing paid yet", err
	})
	restart(t, m, p, id, func() {})
	testenv.Eventually(t, 20*time.Second, "the job's GPU claimed again", func() (bool, string, error) {
		c := p.GPUs.Claims()
		return len(c) == 1 && c[0].State == gpu.StateLeased && c[0].LeaseID == id.Hex(), "", nil
	})
	testenv.Eventually(t, 20*time.Second, "the lease re-attached", func() (bool, string, error) {
		r, _ := p.Record(id)
		return r.State == network.JobRunning && r.Detail == "re-attached after a restart", fmt.Sprintf("%s: %q", r.State, r.Detail), nil
	})
	s := settled(t, m, id)
	if s.Closed.ExitCode != 0 || s.Closed.By != p.Party.Addr {
		t.Errorf("closed with exit %s by %s, want 0 by the provider", s.Closed.ExitCode, s.Closed.By.Hex())
	}
	sum, files := p.Output(id)
	if s.Closed.ResultHash != sum || files["model.json"] != "weights" {
		t.Errorf("result %s, output %v; want the job's archive %s", s.Closed.ResultHash.Hex(), files, sum.Hex())
	}
	if len(s.Withdrawn) < 2 {
		t.Errorf("withdrawals %v, want one before the restart and one after at least", s.Withdrawn)
	}
	checkPaid(t, p, s, res.Deposit)
	if got := new(big.Int).Sub(m.Balance(p.Party.Addr), providerBefore); got.Cmp(s.Closed.Paid) != 0 {
		t.Errorf("the provider's balance rose by %s, want what the lease paid, %s", got, s.Closed.Paid)
	}
	if n := len(p.Runner.Started()); n != 1 {
		t.Errorf("the job was started %d times, want once", n)
	}
	p.WaitState(id, network.JobClosed)
	p.WaitFree(gpus)
}

// TestRestartAfterTheJob: a daemon that restarts to find its running
// lease's job ended while it was down closes the lease: with the job's
// exit code and result when the job is there to collect, with no exit
// status and no result when its container is gone.
func TestRestartAfterTheJob(t *testing.T) {
	tests := []struct {
		name  string
		words []string
		// down is what happens while the daemon is down.
		down       func(t *testing.T, p *markettest.Provider, id common.Hash)
		want       lease.ExitCode
		wantResult bool
		wantDetail string
	}{
		{"the job exited", []string{"run=3s", "exit=7", "out=a.txt:b"}, func(t *testing.T, p *markettest.Provider, id common.Hash) {
			testenv.Eventually(t, 20*time.Second, "the job exited", func() (bool, string, error) {
				return !p.Runner.Running(id.Hex()), "", nil
			})
		}, lease.NewExitCode(7, lease.ExitedByItself), true, "exit 7"},
		{"the container is gone", nil, func(t *testing.T, p *markettest.Provider, id common.Hash) {
			removed, err := p.Runner.Cleanup(context.Background(), func(string) bool { return true })
			if err != nil || len(removed) != 1 || removed[0] != id.Hex() {
				t.Fatalf("removed %v, %v; want the lease's container", removed, err)
			}
		}, lease.NewExitCode(-1, lease.ExitProviderFailure), false, "exit the provider failed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, p, ten := setUp(t, 0)
			res := submitRunning(t, m, p, ten, tt.words...)
			id := res.LeaseID
			restart(t, m, p, id, func() { tt.down(t, p, id) })
			s := settled(t, m, id)
			if s.Closed.ExitCode != tt.want || s.Closed.By != p.Party.Addr {
				t.Errorf("closed with exit %s by %s, want %s by the provider", s.Closed.ExitCode, s.Closed.By.Hex(), tt.want)
			}
			want := common.Hash{}
			if tt.wantResult {
				want, _ = p.Output(id)
			}
			if s.Closed.ResultHash != want {
				t.Errorf("result %s, want %s", s.Closed.ResultHash.Hex(), want.Hex())
			}
			checkPaid(t, p, s, res.Deposit)
			if r := p.WaitState(id, network.JobClosed); !strings.HasPrefix(r.Detail, tt.wantDetail) {
				t.Errorf("closed: %q, want it to begin %q", r.Detail, tt.wantDetail)
			}
			if n := len(p.Runner.Started()); n != 1 {
				t.Errorf("the job was started %d times, want once", n)
			}
			p.WaitFree(gpus)
		})
	}
}

// TestRestartBeforeTheJobStarts: the secrets are never written down, so a
// daemon that restarts before the job started cannot start it: the lease
// fails, and what it held is free for the next order.
func TestRestartBeforeTheJobStarts(t *testing.T) {
	m, p, ten := setUp(t, 0)
	ctx := timeout(t, time.Minute)
	o := publish(t, m, ten.Node, testJob(t), 10*time.Minute)
	id, _ := o.Open(o.Bid().Bid, nil)
	p.WaitState(id, network.JobAwaitingSecrets)
	// The restarted daemon would get the order again while its window is
	// open, and bid again, holding a GPU until the auctioneer refuses.
	o.WaitClosed()
	p.Stop()
	p.Start()
	rec := p.WaitState(id, network.JobClosed)
	if rec.ExitCode == nil || rec.ExitCode.Reason() != lease.ExitProviderFailure {
		t.Errorf("record %+v, want the lease declined as the provider's failure", rec)
	}
	lc := ten.Node.Lease(p.Node.AddrInfo(), id, auction.NewKeySigner(m.Chain.Tenant.Key))
	if err := lc.PutSecrets(ctx, map[string]string{"X": "y"}); err == nil {
		t.Error("the secrets were taken for a lease the provider gave up")
	}
	if n := len(p.Runner.Started()); n != 0 {
		t.Errorf("%d jobs started, want none", n)
	}
	if s := settled(t, m, id); s.Started != nil || s.Closed.Paid.Sign() != 0 || s.Closed.By != p.Party.Addr {
		t.Errorf("settled %+v, want closed by the provider before any start, nothing paid", s.Closed)
	}
	p.WaitFree(gpus)
	bidOnEverything(t, m, p, ten)
}

// stopsAfterStart is a chain on which the provider's start is mined and
// the daemon stops before it hears so.
type stopsAfterStart struct {
	provider.Escrow
	mined chan<- struct{}
}

func (s stopsAfterStart) Start(ctx context.Context, auth *bind.TransactOpts, id common.Hash, t lease.Terms) (*lease.Receipt, error) {
	if _, err := s.Escrow.Start(ctx, auth, id, t); err != nil {
		return nil, err
	}
	close(s.mined)
	<-ctx.Done()
	return nil, ctx.Err()
}

// TestRestartBetweenStartAndLaunch: the daemon stops after its start was
// mined and before it launched the job's container. The restarted daemon
// finds the lease running on chain and the container created: it launches
// the job, follows it to its end and closes the lease with its result.
func TestRestartBetweenStartAndLaunch(t *testing.T) {
	m := markettest.New(t)
	mined := make(chan struct{})
	p := m.NewProvider(markettest.ProviderSpec{
		Name: "provider", Machine: "dgxh100", Model: "H100", PricePerHour: fmt.Sprint(price),
		Escrow: func(e provider.Escrow) provider.Escrow { return stopsAfterStart{Escrow: e, mined: mined} },
	})
	p.Start()
	ten := m.NewTenant("tenant", nil, []*network.Node{p.Node})
	o := publish(t, m, ten.Node, testJob(t, "run=1s", "out=a.txt:b"), 10*time.Minute)
	id, terms := o.Open(o.Bid().Bid, nil)
	p.WaitState(id, network.JobAwaitingSecrets)
	lc := ten.Node.Lease(p.Node.AddrInfo(), id, auction.NewKeySigner(m.Chain.Tenant.Key))
	if err := lc.PutSecrets(timeout(t, time.Minute), map[string]string{"X": "y"}); err != nil {
		t.Fatal(err)
	}
	select {
	case <-mined:
	case <-timeout(t, time.Minute).Done():
		t.Fatal("the provider's start was not mined")
	}
	if n := len(p.Runner.Started()); n != 0 {
		t.Fatalf("%d jobs launched before the daemon heard its start was mined, want none", n)
	}
	restart(t, m, p, id, func() { p.Spec.Escrow = nil })
	s := settled(t, m, id)
	if s.Closed.ExitCode != 0 || s.Closed.By != p.Party.Addr {
		t.Errorf("closed with exit %s by %s, want 0 by the provider", s.Closed.ExitCode, s.Closed.By.Hex())
	}
	if sum, files := p.Output(id); s.Closed.ResultHash != sum || files["a.txt"] != "b" {
		t.Errorf("result %s, output %v; want the job's archive %s", s.Closed.ResultHash.Hex(), files, sum.Hex())
	}
	checkPaid(t, p, s, terms.MaxCost())
	if n := len(p.Runner.Started()); n != 1 {
		t.Errorf("the job was launched %d times, want once", n)
	}
	p.WaitFree(gpus)
}

// TestRestartServesWhileResuming: a tenant who asks while the restarted
// daemon is still taking up its recorded leases gets the challenge and
// waits for the lease, rather than being told the node serves no leases.
func TestRestartServesWhileResuming(t *testing.T) {
	m, p, ten := setUp(t, 0)
	id := submitRunning(t, m, p, ten, "run=5m").LeaseID
	resuming, resume := make(chan struct{}), make(chan struct{})
	restart(t, m, p, id, func() {
		p.Spec.Escrow = func(e provider.Escrow) provider.Escrow {
			return slowResume{Escrow: e, entered: sync.OnceFunc(func() { close(resuming) }), release: resume}
		}
	})
	ctx := timeout(t, time.Minute)
	select {
	case <-resuming:
	case <-ctx.Done():
		t.Fatal("the restarted daemon did not ask the chain for its lease")
	}
	signed := make(chan struct{})
	signer := signsThen{Signer: auction.NewKeySigner(m.Chain.Tenant.Key), signed: sync.OnceFunc(func() { close(signed) })}
	type answer struct {
		st  network.LeaseStatus
		err error
	}
	done := make(chan answer, 1)
	go func() {
		st, err := ten.Node.Lease(p.Node.AddrInfo(), id, signer).Status(ctx)
		done <- answer{st, err}
	}()
	select {
	case <-signed:
	case a := <-done:
		t.Fatalf("answered while the daemon resumed, before any challenge: %+v, %v", a.st, a.err)
	case <-ctx.Done():
		t.Fatal("no challenge while the daemon resumed")
	}
	close(resume)
	a := <-done
	if a.err != nil || a.st.State != network.JobRunning {
		t.Fatalf("status asked while the daemon resumed: %+v, %v; want running", a.st, a.err)
	}
}

// slowResume is a chain whose first lease read waits for release.
type slowResume struct {
	provider.Escrow
	entered func()
	release <-chan struct{}
}

func (s slowResume) Lease(ctx context.Context, id common.Hash) (lease.Lease, error) {
	s.entered()
	select {
	case <-s.release:
	case <-ctx.Done():
		return lease.Lease{}, ctx.Err()
	}
	return s.Escrow.Lease(ctx, id)
}

// signsThen is a tenant's signer that tells when it signed a challenge.
type signsThen struct {
	auction.Signer
	signed func()
}

func (s signsThen) SignHash(digest common.Hash) (auction.Signature, error) {
	s.signed()
	return s.Signer.SignHash(digest)
}

// TestRestartServesClosedLeases: a lease that closed before the daemon
// restarted is still served: the tenant can read its status and download
// its /output.
func TestRestartServesClosedLeases(t *testing.T) {
	_, p, ten := setUp(t, 0)
	ctx := timeout(t, time.Minute)
	res, err := ten.Submit(ctx, testJob(t, "out=model.json:weights", "run=100ms"), tenant.Options{})
	if err != nil {
		t.Fatal(err)
	}
	before := p.WaitState(res.LeaseID, network.JobClosed)
	p.Stop()
	p.Start()
	ai := p.Node.AddrInfo()
	l, err := ten.Find(ctx, res.LeaseID, &ai)
	if err != nil {
		t.Fatal(err)
	}
	st, err := ten.Status(ctx, l, 10*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	if st.Job == nil || st.Job.State != network.JobClosed || st.Job.Detail != before.Detail {
		t.Errorf("the provider's status %+v (%s), want closed: %q", st.Job, st.JobError, before.Detail)
	}
	out := filepath.Join(t.TempDir(), "output.tar")
	if _, err := ten.Results(ctx, l, out, nil); err != nil {
		t.Fatalf("results after the provider restarted: %v", err)
	}
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if files, err := markettest.Files(data); err != nil || files["model.json"] != "weights" {
		t.Errorf("output %v, %v; want model.json", files, err)
	}
}
