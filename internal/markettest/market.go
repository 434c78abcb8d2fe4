package markettest

import (
	"cmp"
	"context"
	"crypto/sha256"
	"fmt"
	"math/big"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"

	"github.com/tender-market/tender/internal/chaintest"
	"github.com/tender-market/tender/internal/testenv"
	"github.com/tender-market/tender/pkg/auction"
	"github.com/tender-market/tender/pkg/gpu"
	"github.com/tender-market/tender/pkg/jobspec"
	"github.com/tender-market/tender/pkg/lease"
	"github.com/tender-market/tender/pkg/network"
	"github.com/tender-market/tender/pkg/pricing"
	"github.com/tender-market/tender/pkg/provider"
	"github.com/tender-market/tender/pkg/tenant"
)

// Market is a chain with the escrow, for providers and tenants to meet on.
type Market struct {
	t     testing.TB
	Chain *chaintest.Chain
}

// New starts a market for t; everything it starts stops when t ends.
func New(t testing.TB) *Market {
	t.Helper()
	return &Market{t: t, Chain: chaintest.New(t)}
}

// NewSized starts a market whose chain has the parties size asks for.
func NewSized(t testing.TB, size chaintest.Size) *Market {
	t.Helper()
	return &Market{t: t, Chain: chaintest.NewSized(t, size)}
}

// Domain is the market's EIP-712 domain.
func (m *Market) Domain() auction.Domain { return m.Chain.Client.Domain() }

// Node starts a libp2p node on loopback, with the identity kept in
// keyFile (empty: a new one), joined through boot; it closes when the test
// ends.
func (m *Market) Node(name, keyFile string, boot ...*network.Node) *network.Node {
	t := m.t
	t.Helper()
	cfg := network.Config{
		Domain: m.Domain(), KeyFile: keyFile, ListenAddrs: []string{"/ip4/127.0.0.1/tcp/0"},
		BootstrapInterval: 200 * time.Millisecond, DiscoveryInterval: time.Second,
		StreamTimeout: 10 * time.Second, Logger: testenv.Logger(t, name+"/p2p"),
	}
	for _, b := range boot {
		cfg.Bootstrap = append(cfg.Bootstrap, b.AddrInfo())
	}
	n, err := network.New(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { n.Close() })
	return n
}

// ProviderSpec says what a provider rents out and for how much.
type ProviderSpec struct {
	// Name names it in logs.
	Name string
	// Party is which of the chain's providers it is (0 to 2, more on a
	// chain made with NewSized).
	Party int
	// Machine is a simulated machine of package gpu ("dgxh100").
	Machine string
	// Model is priced at PricePerHour base units per GPU hour.
	Model, PricePerHour string
	// SecretsTimeout is how long it waits for a tenant's secrets (0: the
	// daemon's default).
	SecretsTimeout time.Duration
	// BidHold is how long its bids stay valid after an order's bid
	// deadline (0: the daemon's default).
	BidHold time.Duration
	// CPUMillis is the CPU it rents out in all (0: 4000).
	CPUMillis uint64
	// MinAwardWindow is the least time a gasless tenant's award must leave
	// it (0: the daemon's default).
	MinAwardWindow time.Duration
	// Stall: it takes jobs and never starts them (Runner.Stall).
	Stall bool
	// Tamper changes its jobs' /output before it hands it back
	// (Runner.Tamper): a cheat.
	Tamper func(outputs map[string]string)
	// AllowNetwork: it bids on jobs that ask for network access.
	AllowNetwork bool
	// NoExec: it runs no tenant's commands in the jobs.
	NoExec bool
	// AllowServices: it bids on services (jobs that expose ports).
	AllowServices bool
	// ForwardLimit caps each lease's forwarded connections (0: the
	// daemon's default).
	ForwardLimit int
	// Retention is how long it keeps settled leases' files (0: the
	// daemon's default).
	Retention time.Duration
	// Escrow, when set, stands between the daemon and the chain: it gets
	// the chain's client and returns what the daemon uses.
	Escrow func(provider.Escrow) provider.Escrow
	// Market, when set, stands between the daemon and its market node.
	Market func(provider.Market) provider.Market
}

// Clock is a daemon's clock: the wall clock, moved on by what a test
// adds.
type Clock struct {
	mu    sync.Mutex
	ahead time.Duration
}

// Now is the wall clock's time, plus what was added.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return time.Now().Add(c.ahead)
}

// Advance moves the clock on by d.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.ahead += d
}

// Provider is a provider daemon that a test may stop and start again on
// the same work directory and identity, as a machine that restarts. Its
// jobs run in Runner, which outlives the daemon as containers do.
type Provider struct {
	m       *Market
	Spec    ProviderSpec
	Party   chaintest.Party
	Runner  *Runner
	WorkDir string
	Inv     *gpu.Inventory
	// Clock is the daemon's.
	Clock *Clock
	// GPUs and Node are the current run's: each run has an allocator of
	// its own, as a new process has.
	GPUs *gpu.Allocator
	Node *network.Node
	run  *testenv.Task
}

// NewProvider returns a provider that is not running yet.
func (m *Market) NewProvider(spec ProviderSpec) *Provider {
	t := m.t
	t.Helper()
	inv, err := gpu.Open(t.Context(), gpu.Options{Simulate: spec.Machine})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { inv.Close() })
	p := &Provider{m: m, Spec: spec, Party: m.Chain.Providers[spec.Party], Runner: NewRunner(), WorkDir: t.TempDir(), Inv: inv, Clock: &Clock{}}
	p.Runner.Stall, p.Runner.Tamper = spec.Stall, spec.Tamper
	t.Cleanup(p.Runner.Close)
	t.Cleanup(p.Stop)
	return p
}

// Start runs the daemon, joined through boot; it takes up what a previous
// run left.
func (p *Provider) Start(boot ...*network.Node) {
	t := p.m.t
	t.Helper()
	prices, err := pricing.New(pricing.Config{GPUs: []pricing.GPUPrice{{Model: p.Spec.Model, PricePerHour: p.Spec.PricePerHour}}})
	if err != nil {
		t.Fatal(err)
	}
	node := p.m.Node(p.Spec.Name, filepath.Join(p.WorkDir, "node.key"), boot...)
	alloc := gpu.NewAllocator(p.Inv, nil)
	var escrow provider.Escrow = p.m.Chain.Client
	if p.Spec.Escrow != nil {
		escrow = p.Spec.Escrow(escrow)
	}
	var market provider.Market = node
	if p.Spec.Market != nil {
		market = p.Spec.Market(market)
	}
	d, err := provider.New(provider.Config{
		Domain: p.m.Domain(), Signer: auction.NewKeySigner(p.Party.Key), Auth: p.Party.Auth,
		Market: market, Escrow: escrow, Runner: p.Runner, Pricer: prices,
		GPUs: alloc, Inventory: p.Inv,
		CPUMillis: cmp.Or(p.Spec.CPUMillis, 4000), MemoryMiB: 8192, DiskMiB: 10240, AllowNetwork: p.Spec.AllowNetwork, NoExec: p.Spec.NoExec,
		AllowServices: p.Spec.AllowServices, ForwardLimit: p.Spec.ForwardLimit,
		WorkDir: p.WorkDir, PollInterval: 50 * time.Millisecond, WithdrawEvery: time.Second, SettleEvery: 200 * time.Millisecond,
		SecretsTimeout: p.Spec.SecretsTimeout, BidHold: p.Spec.BidHold, MinAwardWindow: p.Spec.MinAwardWindow, Retention: p.Spec.Retention, Logger: testenv.Logger(t, p.Spec.Name), Now: p.Clock.Now,
	})
	if err != nil {
		t.Fatal(err)
	}
	p.GPUs, p.Node = alloc, node
	p.run = testenv.Background(t, "provider "+p.Spec.Name, d.Run)
}

// Stop ends the daemon and closes its node, leaving its jobs running.
func (p *Provider) Stop() {
	if p.run == nil {
		return
	}
	p.run.Stop()
	p.Node.Close()
	p.run = nil
}

// Records are the daemon's lease records.
func (p *Provider) Records() []provider.LeaseRecord {
	recs, err := provider.ReadLeases(p.WorkDir)
	if err != nil {
		p.m.t.Fatal(err)
	}
	return recs
}

// Record is the daemon's record of lease id, if it has one.
func (p *Provider) Record(id common.Hash) (provider.LeaseRecord, bool) {
	recs := p.Records()
	i := slices.IndexFunc(recs, func(r provider.LeaseRecord) bool { return r.LeaseID == id })
	if i < 0 {
		return provider.LeaseRecord{}, false
	}
	return recs[i], true
}

// WaitState waits until the daemon's record of lease id is in state
// want, and returns it.
func (p *Provider) WaitState(id common.Hash, want network.JobState) provider.LeaseRecord {
	t := p.m.t
	t.Helper()
	var r provider.LeaseRecord
	testenv.Eventually(t, 20*time.Second, fmt.Sprintf("the record of lease %s %s", id.Hex(), want), func() (bool, string, error) {
		var ok bool
		if r, ok = p.Record(id); !ok {
			return false, "no record", nil
		}
		return r.State == want, fmt.Sprintf("it is %s: %s", r.State, r.Detail), nil
	})
	return r
}

// Free is how many of the current run's GPUs nobody holds.
func (p *Provider) Free() int { return len(p.GPUs.Free()) }

// WaitFree waits until want GPUs are free.
func (p *Provider) WaitFree(want int) {
	t := p.m.t
	t.Helper()
	testenv.Eventually(t, 20*time.Second, fmt.Sprintf("%d free GPUs", want), func() (bool, string, error) {
		n := p.Free()
		return n == want, fmt.Sprintf("%d free, claims %+v", n, p.GPUs.Claims()), nil
	})
}

// Output is the SHA-256 of the /output archive the daemon kept for lease
// id, and the files in it.
func (p *Provider) Output(id common.Hash) (common.Hash, map[string]string) {
	t := p.m.t
	t.Helper()
	data, err := os.ReadFile(filepath.Join(p.WorkDir, "leases", id.Hex(), "output.tar"))
	if err != nil {
		t.Fatal(err)
	}
	files, err := Files(data)
	if err != nil {
		t.Fatal(err)
	}
	return sha256.Sum256(data), files
}

// Tenant is dev account 1 as a tenant, with its own node joined to the
// given peers and lease records in a directory of its own.
type Tenant struct {
	*tenant.Client
	Node    *network.Node
	Records *tenant.LeaseDir
}

// TenantOptions change a tenant's Config.
type TenantOptions func(*tenant.Config)

// As makes the tenant party p instead of dev account 1.
func As(p chaintest.Party) TenantOptions {
	return func(c *tenant.Config) { c.Signer, c.Auth = auction.NewKeySigner(p.Key), p.Auth }
}

// NewTenant starts a tenant whose node joins through boot, and waits
// until it is connected to each of them.
func (m *Market) NewTenant(name string, records *tenant.LeaseDir, boot []*network.Node, opts ...TenantOptions) *Tenant {
	t := m.t
	t.Helper()
	node := m.Node(name, "", boot...)
	// Its orders reach them: each has been seen to take orders.
	testenv.Eventually(t, 30*time.Second, name+" reaches its peers", func() (bool, string, error) {
		taking := node.OrderPeers()
		n := 0
		for _, b := range boot {
			if slices.Contains(taking, b.ID()) {
				n++
			}
		}
		return n == len(boot), fmt.Sprintf("%d of %d take its orders", n, len(boot)), nil
	})
	if records == nil {
		records = tenant.NewLeaseDir(t.TempDir())
	}
	party := m.Chain.Tenant
	cfg := tenant.Config{
		Domain: m.Domain(), Escrow: m.Chain.Client, Market: tenant.OnNode(node),
		Signer: auction.NewKeySigner(party.Key), Auth: party.Auth, Records: records,
		DeployedAt: m.Chain.Contracts.Block, PollInterval: 50 * time.Millisecond,
		PeerTimeout: 5 * time.Second, CancelGrace: 10 * time.Second, Logger: testenv.Logger(t, name),
	}
	for _, o := range opts {
		o(&cfg)
	}
	c, err := tenant.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return &Tenant{Client: c, Node: node, Records: records}
}

// Job is a job spec for the Runner: one H100 (simulated GPUs allowed) for
// at most maxDuration at up to 5 tokens per hour, a one-second bid window,
// and command's words (see Runner).
func Job(t testing.TB, maxDuration string, command ...string) *jobspec.Job {
	t.Helper()
	spec := jobspec.Spec{
		Image: "tender/fake:dev", Command: command,
		Resources:   jobspec.Resources{GPUs: 1, GPUModels: []string{"H100"}, CPU: "500m", Memory: "256Mi", AllowSimulated: true},
		MaxDuration: maxDuration, MaxPricePerHour: "5 tokens/h", BidWindow: "1s",
	}
	job, err := spec.Check(6)
	if err != nil {
		t.Fatal(err)
	}
	return job
}

// SealBlocks seals a block every 300 ms until the test ends or stop is
// called, as a chain does: a running lease accrues pay, and its provider
// withdraws, only as blocks pass. Chain time then runs ahead of the wall
// clock, a second a block.
func (m *Market) SealBlocks() (stop func()) { return m.Chain.SealEvery(m.t, 300*time.Millisecond) }

// Lease waits until lease id is in state want on chain, and returns it.
func (m *Market) Lease(id [32]byte, want lease.State, within time.Duration) lease.Lease {
	t := m.t
	t.Helper()
	var l lease.Lease
	testenv.Eventually(t, within, fmt.Sprintf("lease %x %s", id, want), func() (bool, string, error) {
		var err error
		l, err = m.Chain.Client.Lease(t.Context(), id)
		return l.State == want, "it is " + l.State.String(), err
	})
	return l
}

// Balance is a's token balance.
func (m *Market) Balance(a [20]byte) *big.Int {
	b, err := m.Chain.Client.Balance(m.t.Context(), a)
	if err != nil {
		m.t.Fatal(err)
	}
	return b
}
