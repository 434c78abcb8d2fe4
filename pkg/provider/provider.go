// Package provider is the GPU owner's daemon: it answers the market's
// orders with signed sealed bids (or signed no-bids that say why), holds
// the GPUs it bid until the auction is decided, runs the winning tenant's
// job when the lease opens in escrow, bills it by starting the lease on
// chain and withdrawing on a schedule, and closes the lease with the job's
// exit code and the SHA-256 of its /output archive. Tenants reach their
// lease's secrets, input, status, logs and output through the network's
// lease streams, which the daemon serves (network.LeaseHost).
//
// Every dependency is an interface declared here (Market, Escrow, Runner,
// Pricer), so the daemon composes pkg/network, pkg/lease, pkg/executor and
// pkg/pricing without knowing their insides.
package provider

import (
	"context"
	"crypto/rand"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"time"

	"github.com/ethereum/go-ethereum/accounts/abi/bind/v2"
	"github.com/ethereum/go-ethereum/common"
	"github.com/libp2p/go-libp2p/core/peer"

	"github.com/tender-market/tender/pkg/auction"
	"github.com/tender-market/tender/pkg/executor"
	"github.com/tender-market/tender/pkg/gpu"
	"github.com/tender-market/tender/pkg/lease"
	"github.com/tender-market/tender/pkg/network"
)

// Market is what the daemon needs from its market node (*network.Node).
type Market interface {
	ID() peer.ID
	Orders(ctx context.Context) <-chan auction.VerifiedOrder
	Transcripts(ctx context.Context) <-chan network.VerifiedTranscript
	SendBid(ctx context.Context, order *auction.VerifiedOrder, sb auction.SignedBid) (auction.Verdict, error)
	SendNoBid(ctx context.Context, order *auction.VerifiedOrder, nb auction.SignedNoBid) error
	ServeLeases(h network.LeaseHost)
}

// Escrow is what the daemon needs from the escrow (*lease.Client). Its
// leases send their transactions at once: it must be safe for concurrent
// use and keep the account's nonces in order (lease.Client does both).
type Escrow interface {
	Lease(ctx context.Context, id common.Hash) (lease.Lease, error)
	Start(ctx context.Context, auth *bind.TransactOpts, id common.Hash, t lease.Terms) (*lease.Receipt, error)
	CheckAward(ctx context.Context, provider common.Address, order *auction.Order, bid *auction.Bid, award *auction.SignedAward) error
	OpenAwarded(ctx context.Context, auth *bind.TransactOpts, order *auction.Order, bid *auction.Bid, award *auction.SignedAward) (common.Hash, *lease.Receipt, error)
	Withdraw(ctx context.Context, auth *bind.TransactOpts, id common.Hash, t lease.Terms) (*lease.Receipt, error)
	CloseEnded(ctx context.Context, auth *bind.TransactOpts, id common.Hash, t lease.Terms, exitCode lease.ExitCode, resultHash common.Hash, endedAt time.Time) (*lease.Receipt, error)
	Watch(ctx context.Context, opts lease.WatchOptions, handle func(lease.Event) error) error
	NextBlockTime(ctx context.Context) (uint64, error)
	// Group and Settle read and settle a verified order's replicas.
	Group(ctx context.Context, orderHash common.Hash) (lease.Group, error)
	Settle(ctx context.Context, auth *bind.TransactOpts, orderHash common.Hash, from uint64) (*lease.Receipt, error)
}

// Runner runs a lease's container (*executor.Executor).
type Runner interface {
	// Create makes the job's container without starting it (the image
	// pulled, the input in place): the provider's time, not billed.
	Create(ctx context.Context, job executor.Job) (executor.Run, error)
	// Launch starts a created container, once billing has started.
	Launch(ctx context.Context, run executor.Run) (executor.Run, error)
	// Remove removes a job's container, started or not, and its output.
	Remove(ctx context.Context, run executor.Run) error
	// Expire stops a job whose paid time is up: it ends out of time, with
	// why as its exit message.
	Expire(ctx context.Context, run executor.Run, why string) error
	Finish(ctx context.Context, run executor.Run, opts executor.FinishOptions) (executor.Result, error)
	Cancel(ctx context.Context, run executor.Run) error
	// Attach finds a lease's container after a restart.
	Attach(ctx context.Context, leaseID string) (executor.Run, error)
	// Cleanup removes the containers of the leases closed reports.
	Cleanup(ctx context.Context, closed func(leaseID string) bool) ([]string, error)
	// Exec runs cmd in a running job's container, confined as the job.
	Exec(ctx context.Context, run executor.Run, cmd []string, stdout, stderr io.Writer) (int, error)
	// Shell runs cmd on a terminal in a running job's container, confined
	// as the job.
	Shell(ctx context.Context, run executor.Run, cmd []string, size executor.TermSize, stdin io.Reader, out io.Writer, resize <-chan executor.TermSize) (int, error)
	// DialService connects to port of a running job that exposes it.
	DialService(ctx context.Context, run executor.Run, port uint16) (net.Conn, error)
}

// Pricer prices offers (*pricing.Prices).
type Pricer interface {
	// Priced reports whether the provider rents out GPUs of model.
	Priced(model string) bool
	Price(ctx context.Context, order *auction.Order, offer *auction.Offer) (*big.Int, error)
}

var (
	_ Market = (*network.Node)(nil)
	_ Escrow = (*lease.Client)(nil)
	_ Runner = (*executor.Executor)(nil)
)

// Config composes a daemon. Every field without a default is required.
type Config struct {
	Domain auction.Domain
	// Signer signs bids and no-bids; Auth sends the escrow transactions.
	// Both are the provider's account.
	Signer auction.Signer
	Auth   *bind.TransactOpts
	Market Market
	Escrow Escrow
	Runner Runner
	Pricer Pricer
	// GPUs tracks the inventory's GPUs; Inventory says what they are.
	GPUs      *gpu.Allocator
	Inventory gpu.DeviceSource
	// CPUMillis, MemoryMiB and DiskMiB are what the provider rents out in
	// all, shared by its leases.
	CPUMillis, MemoryMiB, DiskMiB uint64
	// Attributes are the provider's properties (region=eu-west).
	Attributes []auction.Attribute
	// AllowNetwork lets the provider bid on jobs that ask for network
	// access; each then gets a network of its own that reaches public
	// addresses only (see package executor). Off, such orders get a
	// no-bid with reason "network".
	AllowNetwork bool
	// AllowServices lets the provider bid on services: jobs that expose
	// ports, which their tenant reaches through the provider (tenant
	// forward). Each gets a network of its own that reaches nothing (see
	// package executor); off, such orders get a no-bid with reason
	// "services".
	AllowServices bool
	// ForwardLimit caps the forwarded connections a lease may have open
	// at once. Default DefaultForwardLimit.
	ForwardLimit int
	// WorkDir holds each lease's input, logs and output archive.
	WorkDir string
	// WatchFrom is where to start reading escrow events.
	WatchFrom lease.Cursor
	// PollInterval is how often to look for escrow events on an endpoint
	// without subscriptions. Default 2s.
	PollInterval time.Duration
	// WithdrawEvery is how often a running lease's accrued pay is
	// withdrawn. Default 10m.
	WithdrawEvery time.Duration
	// SettleEvery is how often the provider tries to settle the replicas
	// of a verified order it reported for, while the escrow says it is too
	// early (a replica still runs, the referee window is open). Default 1m.
	SettleEvery time.Duration
	// SecretsTimeout is how long to wait for the tenant's secrets after the
	// lease opens before giving the lease up. Default 2m.
	SecretsTimeout time.Duration
	// Retention is how long a settled lease's files (input, output
	// archive, log, record) are kept for its tenant to fetch; then they
	// are removed, and the lease is no longer served. Default
	// DefaultRetention.
	Retention time.Duration
	// NoExec refuses tenants' commands in their jobs' containers (tenant
	// exec); by default a tenant may run them, confined as its job is.
	NoExec bool
	// BidHold is how long after an order's bid deadline a bid stays valid
	// for its tenant to open the lease: the bid's expiry, which the escrow
	// enforces. The GPUs and the rest a bid holds are free again a minute
	// after it, whatever the tenant does. Default DefaultBidHold.
	BidHold time.Duration
	// MinAwardWindow is the least time a gasless tenant's award must
	// leave the provider to ready the job and open the lease; a shorter
	// one is refused before anything is done for it. Default
	// DefaultMinAwardWindow.
	MinAwardWindow time.Duration
	Logger         *slog.Logger
	// Now is the clock. Default time.Now.
	Now func() time.Time
}

// DefaultRetention is how long a settled lease's files are kept by
// default.
const DefaultRetention = 7 * 24 * time.Hour

// DefaultBidHold is how long after an order's bid deadline the provider's
// bid stays valid by default: ample for a tenant to open the lease.
const DefaultBidHold = 5 * time.Minute

// DefaultMinAwardWindow is the least time an award must leave the
// provider by default: a shorter one would have it pull the image for a
// lease it cannot open.
const DefaultMinAwardWindow = time.Minute

// holdGrace is how long past a bid's expiry the provider still keeps what
// the bid holds, for a lease opened at the last moment to be seen.
const holdGrace = time.Minute

// Daemon is a running provider. Run it with Run.
type Daemon struct {
	cfg Config
	log *slog.Logger

	// lead is the chain's clock's lead over ours as last read (chainLead),
	// at leadAt.
	leadMu      sync.Mutex
	lead        uint64
	leadAt      time.Time
	leadReading bool // a bid is reading it

	mu     sync.Mutex
	bids   map[common.Hash]*bidState // by bid hash, the lease ID to be
	leases map[common.Hash]*leaseRun // the leases still going
	// freed is closed, and replaced, when a bid lets go of what it held
	// or learns its outcome; waiting counts the orders that wait for it
	// (reserveOrWait).
	freed   chan struct{}
	waiting int
	// ended are the leases that ended, with when: their records and files
	// are on disk only, so that memory does not grow with them.
	ended map[common.Hash]time.Time
	// collecting are the verified orders whose replicas' pay is being
	// collected (collect).
	collecting map[common.Hash]bool
	wg         sync.WaitGroup
	// launch hands Run the leases to run: a lease may be found by a
	// callback (a tenant's stream) that has no life of its own.
	launch chan *leaseRun
	// stopped is closed when Run stops taking leases.
	stopped chan struct{}
	// resumed is closed once Run has taken up the leases it recorded
	// (resume): a lease stream opened before waits for it in TenantOf,
	// so that a tenant asking just after a restart is served.
	resumed chan struct{}
}

type bidState struct {
	order  auction.VerifiedOrder
	bid    auction.SignedBid
	id     common.Hash
	gpus   []string
	leased bool
	// lost: the transcript named another winner. The bid holds nothing
	// any more but stays valid until it expires: the tenant may still
	// open it when its winner never starts.
	lost bool
	// decided: the transcript came, naming the bid a winner or not.
	decided bool
	// lead is how far the chain's clock ran ahead of this machine's when
	// the bid was made: its expiry is in chain time, its hold in ours.
	lead uint64
}

// New checks cfg and returns a daemon.
func New(cfg Config) (*Daemon, error) {
	switch {
	case cfg.Signer == nil || cfg.Auth == nil:
		return nil, errors.New("provider: a key is needed (Signer and Auth)")
	case cfg.Auth.From != cfg.Signer.Address():
		return nil, fmt.Errorf("provider: transactions from %s but bids signed by %s", cfg.Auth.From.Hex(), cfg.Signer.Address().Hex())
	case cfg.Market == nil || cfg.Escrow == nil || cfg.Runner == nil || cfg.Pricer == nil:
		return nil, errors.New("provider: Market, Escrow, Runner and Pricer are required")
	case cfg.GPUs == nil || cfg.Inventory == nil:
		return nil, errors.New("provider: GPUs and Inventory are required")
	case cfg.WorkDir == "":
		return nil, errors.New("provider: WorkDir is required")
	case len(cfg.Attributes) >= auction.MaxListItems:
		return nil, fmt.Errorf("provider: %d attributes, at most %d (an offer has %d, one of them the market's %s)", len(cfg.Attributes), auction.MaxListItems-1, auction.MaxListItems, auction.AttributeNode)
	case slices.ContainsFunc(cfg.Attributes, func(a auction.Attribute) bool { return a.Key == auction.AttributeNode }):
		return nil, fmt.Errorf("provider: attribute %s is the market's own: it names the node of a cluster's offer", auction.AttributeNode)
	}
	if cfg.SettleEvery <= 0 {
		cfg.SettleEvery = time.Minute
	}
	if cfg.PollInterval <= 0 {
		cfg.PollInterval = 2 * time.Second
	}
	if cfg.WithdrawEvery <= 0 {
		cfg.WithdrawEvery = 10 * time.Minute
	}
	if cfg.SecretsTimeout <= 0 {
		cfg.SecretsTimeout = 2 * time.Minute
	}
	if cfg.BidHold <= 0 {
		cfg.BidHold = DefaultBidHold
	}
	if cfg.MinAwardWindow <= 0 {
		cfg.MinAwardWindow = DefaultMinAwardWindow
	}
	if cfg.Retention <= 0 {
		cfg.Retention = DefaultRetention
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if err := os.MkdirAll(cfg.WorkDir, 0o700); err != nil {
		return nil, fmt.Errorf("provider: work dir: %w", err)
	}
	return &Daemon{
		cfg: cfg, log: cfg.Logger,
		bids:       make(map[common.Hash]*bidState),
		freed:      make(chan struct{}),
		leases:     make(map[common.Hash]*leaseRun),
		ended:      make(map[common.Hash]time.Time),
		collecting: make(map[common.Hash]bool),
		launch:     make(chan *leaseRun),
		stopped:    make(chan struct{}),
		resumed:    make(chan struct{}),
	}, nil
}

// Run serves the market until ctx is done: it bids on orders, watches the
// escrow for its leases and runs them. It returns once every goroutine it
// started has ended. A job still running when ctx ends keeps running in
// its container. It serves lease streams from the start: those that come
// before it has taken up the leases recorded before a restart wait for
// them. A Daemon runs once.
func (d *Daemon) Run(ctx context.Context) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	defer close(d.stopped)
	d.cfg.Market.ServeLeases(d)
	defer d.cfg.Market.ServeLeases(nil)
	if err := d.resume(ctx); err != nil {
		return err
	}
	close(d.resumed)

	orders := d.cfg.Market.Orders(ctx)
	transcripts := d.cfg.Market.Transcripts(ctx)
	sweep := time.NewTicker(min(d.cfg.Retention/4, time.Hour))
	defer sweep.Stop()
	d.wg.Go(func() { d.watch(ctx) })
	d.log.Info("provider running", "address", d.cfg.Signer.Address(), "peer", d.cfg.Market.ID())
	for ctx.Err() == nil {
		select {
		case <-ctx.Done():
		case o, ok := <-orders:
			if !ok {
				cancel() // the node closed
				continue
			}
			d.wg.Go(func() { d.handleOrder(ctx, o) })
		case t, ok := <-transcripts:
			if !ok {
				transcripts = nil // the node closed; orders end too
				continue
			}
			d.onTranscript(t)
		case l := <-d.launch:
			d.wg.Go(func() { l.run(ctx) })
		case <-sweep.C:
			d.sweep()
		}
	}
	d.wg.Wait()
	return nil
}

// watch follows the escrow's events until ctx is done, starting again
// from where it stopped when the endpoint fails.
func (d *Daemon) watch(ctx context.Context) {
	from := d.cfg.WatchFrom
	delay := d.cfg.PollInterval
	for {
		err := d.cfg.Escrow.Watch(ctx, lease.WatchOptions{
			From: from, PollInterval: d.cfg.PollInterval,
			Scanned: func(s lease.Scan) { from = s.Next },
		}, func(ev lease.Event) error {
			from = ev.Next
			d.onEvent(ctx, ev)
			return nil
		})
		if ctx.Err() != nil {
			return
		}
		d.log.Warn("watching the escrow failed; retrying", "err", err, "in", delay)
		select {
		case <-ctx.Done():
			return
		case <-time.After(delay):
		}
		delay = min(2*delay, time.Minute)
	}
}

// handleOrder bids on o, or says why not.
func (d *Daemon) handleOrder(ctx context.Context, o auction.VerifiedOrder) {
	log := d.log.With("order", o.Hash)
	// A bid that arrives by the deadline counts; its verdict may come a
	// moment later.
	ctx, cancel := context.WithDeadline(ctx, time.Unix(int64(o.Order.BidDeadline), 0).Add(verdictGrace))
	defer cancel()
	// The escrow judges a bid's expiry by block time: on a chain whose
	// clock runs ahead, the bid's hold past the deadline is the same in
	// ours.
	b, err := d.reserveOrWait(ctx, &o, d.chainLead(ctx))
	if err != nil {
		var m *auction.Mismatch
		if errors.As(err, &m) {
			d.noBid(ctx, &o, m.Reason, m.Detail, log)
			return
		}
		log.Warn("cannot bid", "err", err)
		return
	}
	price, err := d.cfg.Pricer.Price(ctx, &o.Order, &b.bid.Bid.Offer)
	if err != nil {
		d.release(b.id)
		log.Warn("cannot price the order", "err", err)
		return
	}
	if price.Cmp(o.Order.MaxPricePerHour) > 0 {
		d.release(b.id)
		d.noBid(ctx, &o, auction.ReasonPriceBelowFloor, fmt.Sprintf("asks %s per hour, the order pays at most %s", price, o.Order.MaxPricePerHour), log)
		return
	}
	b.bid.Bid.PricePerHour = price
	sb, err := d.cfg.Domain.SignBid(b.bid.Bid, d.cfg.Signer)
	if err != nil {
		d.release(b.id)
		log.Error("sign bid", "err", err)
		return
	}
	id := d.cfg.Domain.BidHash(&sb.Bid)
	if !d.rekey(b, id, sb) {
		log.Error("hold GPUs under the bid's hash", "bid", id)
		return
	}
	verdict, err := d.cfg.Market.SendBid(ctx, &o, sb)
	var refused *network.RemoteError
	switch {
	case errors.As(err, &refused):
		d.release(id)
		log.Info("bid refused", "err", err)
		return
	case errors.Is(err, network.ErrNotSent):
		d.release(id)
		log.Warn("bid not sent", "err", err)
		return
	case err != nil:
		// The auctioneer may have taken the bid without the provider
		// hearing so: what it holds stays held until the outcome is known
		// or the bid's hold ends, so that a bid that wins is served.
		log.Warn("bid sent, no verdict heard; holding its capacity until the outcome", "err", err)
		return
	}
	log.Info("bid sent", "bid", id, "price", price, "gpus", len(b.gpus), "verdict", verdict.Reason, "detail", verdict.Detail)
}

// heldMargin is how long before an order's bid deadline a provider
// waiting for capacity held for its other bids gives up and says so.
// maxWaiting bounds the orders that wait so: each wakes at every release,
// and orders cost their senders nothing; the others are told held at once.
const (
	heldMargin = 300 * time.Millisecond
	maxWaiting = 64
)

// reserveOrWait reserves what o needs; when that is held only for the
// provider's bids on other orders whose auctions have not closed, it waits
// for them to let go of it, until heldMargin before o's bid deadline, and
// tries again. In a burst every provider bids on the first order it sees:
// those that lose it bid on the next ones while their windows are open.
func (d *Daemon) reserveOrWait(ctx context.Context, o *auction.VerifiedOrder, lead uint64) (*bidState, error) {
	last := time.Unix(int64(o.Order.BidDeadline), 0).Add(-heldMargin)
	waits := false
	defer func() {
		if waits {
			d.mu.Lock()
			d.waiting--
			d.mu.Unlock()
		}
	}()
	for {
		freed := d.capacityFreed()
		b, err := d.reserve(o, lead)
		var m *auction.Mismatch
		if err == nil || !errors.As(err, &m) || m.Reason != auction.ReasonHeld {
			return b, err
		}
		wait := time.Until(last)
		if wait <= 0 || !waits && !d.startWaiting() {
			return nil, err
		}
		waits = true
		t := time.NewTimer(wait)
		select {
		case <-freed:
			t.Stop()
		case <-t.C:
			return d.reserve(o, lead) // as things stand now, held or not
		case <-ctx.Done():
			t.Stop()
			return nil, err
		}
	}
}

// startWaiting counts one more order waiting for held capacity, unless
// maxWaiting do.
func (d *Daemon) startWaiting() bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.waiting >= maxWaiting {
		return false
	}
	d.waiting++
	return true
}

// capacityFreed is closed the next time a bid lets go of what it held, or
// learns its outcome.
func (d *Daemon) capacityFreed() <-chan struct{} {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.freed
}

// freedLocked tells those waiting for capacity that some was let go.
// Callers hold d.mu.
func (d *Daemon) freedLocked() {
	close(d.freed)
	d.freed = make(chan struct{})
}

// pricedFree are the free GPUs of models the provider rents out.
func (d *Daemon) pricedFree() []gpu.Device {
	return d.priced(d.cfg.GPUs.Free())
}

// priced are the devices of gpus of models the provider rents out.
func (d *Daemon) priced(gpus []gpu.Device) []gpu.Device {
	return slices.DeleteFunc(gpus, func(g gpu.Device) bool { return !d.cfg.Pricer.Priced(offeredModel(g)) })
}

// NodeResources is an Inventory whose GPUs are a cluster's
// (gpu.Device.Node): it also says what CPU and memory each node has free
// (*cluster.Inventory is one).
type NodeResources interface {
	NodeFree(node string) (cpuMillis, memoryMiB uint64, ok bool)
}

// matchPerNode matches req against c with free's GPUs, the GPUs of one
// node at a time when they are a cluster's (gpu.Device.Node): an order's
// GPUs, CPU and memory must share a machine. A node's CPU and memory are
// the lesser of c's and what resources says it has free, when set; its
// offer has the attribute auction.AttributeNode, label(node).
// Nodes are tried by name; when none can serve req, the error is the
// first node's, or the whole cluster's when no node has enough GPUs alone
// and together they would have.
func matchPerNode(req *auction.Requirements, c auction.Capacity, free []gpu.Device, resources NodeResources, label func(node string) string) (auction.Offer, []string, error) {
	byNode := map[string][]gpu.Device{}
	for _, g := range free {
		byNode[g.Node] = append(byNode[g.Node], g)
	}
	nodes := slices.Sorted(maps.Keys(byNode))
	if len(nodes) == 0 || (len(nodes) == 1 && nodes[0] == "") || req.GPUCount == 0 {
		c.GPUs = devices(free)
		return auction.Match(req, &c)
	}
	var first error
	for _, n := range nodes {
		nc := c
		nc.GPUs = devices(byNode[n])
		nc.Simulated = byNode[n][0].Simulated
		nc.Attributes = append(slices.Clip(c.Attributes), auction.Attribute{Key: auction.AttributeNode, Value: label(n)})
		if resources != nil {
			if cpu, mem, ok := resources.NodeFree(n); ok {
				nc.CPUMillis, nc.MemoryMiB = min(nc.CPUMillis, cpu), min(nc.MemoryMiB, mem)
			}
		}
		offer, uuids, err := auction.Match(req, &nc)
		if err == nil {
			return offer, uuids, nil
		}
		if first == nil {
			first = err
		}
	}
	if len(free) >= int(req.GPUCount) {
		var m *auction.Mismatch
		if errors.As(first, &m) && m.Reason == auction.ReasonGPUCount {
			return auction.Offer{}, nil, &auction.Mismatch{Reason: auction.ReasonGPUCount,
				Detail: fmt.Sprintf("has %d free GPUs across %d nodes, but no node has %d free", len(free), len(nodes), req.GPUCount)}
		}
	}
	return auction.Offer{}, nil, first
}

func devices(gpus []gpu.Device) []auction.Device {
	out := make([]auction.Device, 0, len(gpus))
	for _, g := range gpus {
		out = append(out, auction.Device{UUID: g.UUID, Model: offeredModel(g), VRAMMiB: g.MemoryTotalMiB, ComputeCapability: uint32(max(g.ComputeCapability, 0))})
	}
	return out
}

// offeredModel is the model g is offered and priced as: its own, or a MIG
// slice's (auction.MIGModel).
func offeredModel(g gpu.Device) string {
	if g.MIGProfile != "" {
		return auction.MIGModel(g.Model, g.MIGProfile)
	}
	return g.Model
}

// verdictGrace is how long past an order's bid deadline the provider
// waits for the verdict on a bid it sent in time.
const verdictGrace = 5 * time.Second

// reserve matches o against free capacity and holds what it needs under a
// provisional key; the error is a *auction.Mismatch when the provider
// cannot serve o.
func (d *Daemon) reserve(o *auction.VerifiedOrder, lead uint64) (*bidState, error) {
	if o.Order.Job.Network && !d.cfg.AllowNetwork {
		return nil, &auction.Mismatch{Reason: auction.ReasonNetwork,
			Detail: "the job asks for network access, which this provider does not offer (its owner may allow it with provider run --allow-network)"}
	}
	if len(o.Order.Job.Expose) > 0 && !d.cfg.AllowServices {
		return nil, &auction.Mismatch{Reason: auction.ReasonServices,
			Detail: "the job is a service (it exposes ports), which this provider does not run (its owner may allow it with provider run --allow-services)"}
	}
	d.sweep()
	snap := d.cfg.Inventory.Snapshot()
	d.mu.Lock()
	defer d.mu.Unlock()
	d.pruneLocked()
	c := auction.Capacity{
		CUDAVersion: uint32(max(snap.CUDADriverVersion, 0)),
		Attributes:  d.cfg.Attributes,
		Simulated:   snap.Simulated,
	}
	var cpu, mem, disk uint64
	for _, b := range d.bids {
		if b.lost {
			continue
		}
		r := &b.order.Order.Requirements
		cpu, mem, disk = cpu+r.CPUMillis, mem+r.MemoryMiB, disk+r.DiskMiB
	}
	c.CPUMillis = sub(d.cfg.CPUMillis, cpu)
	c.MemoryMiB = sub(d.cfg.MemoryMiB, mem)
	c.DiskMiB = sub(d.cfg.DiskMiB, disk)
	nodes, _ := d.cfg.Inventory.(NodeResources)
	free := d.pricedFree()
	offer, uuids, err := matchPerNode(&o.Order.Requirements, c, free, nodes, d.nodeLabel)
	if err != nil {
		// Too little free on a machine that has enough: busy, for now, or
		// only held for bids on orders whose auctions close within seconds.
		var m *auction.Mismatch
		if errors.As(err, &m) && d.couldServe(&o.Order.Requirements, c, snap) {
			d.busyOrHeld(m, &o.Order.Requirements, c, free, snap, nodes)
		}
		return nil, err
	}
	nonce := make([]byte, 8)
	rand.Read(nonce)
	b := &bidState{
		order: *o,
		bid: auction.SignedBid{Bid: auction.Bid{
			OrderHash: o.Hash, Provider: d.cfg.Signer.Address(), PeerID: d.cfg.Market.ID().String(),
			Offer: offer, Expiry: min(o.Order.Expiry, o.Order.BidDeadline+uint64(d.cfg.BidHold/time.Second)+lead), Nonce: binary.BigEndian.Uint64(nonce),
		}},
		gpus: uuids,
		lead: lead,
	}
	// Until the bid is signed its hash is unknown: hold under the nonce.
	b.id = common.BytesToHash(append([]byte("pending"), nonce...))
	if len(uuids) > 0 {
		if err := d.cfg.GPUs.Reserve(b.id.Hex(), uuids, b.holdUntil()); err != nil {
			return nil, fmt.Errorf("reserve GPUs: %w", err)
		}
	}
	d.bids[b.id] = b
	return b, nil
}

// rekey moves a reservation from its provisional key to the bid's hash.
func (d *Daemon) rekey(b *bidState, id common.Hash, sb auction.SignedBid) bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	delete(d.bids, b.id)
	old := b.id
	b.id, b.bid = id, sb
	if len(b.gpus) > 0 {
		d.cfg.GPUs.Release(old.Hex())
		if err := d.cfg.GPUs.Reserve(id.Hex(), b.gpus, b.holdUntil()); err != nil {
			return false
		}
	}
	d.bids[id] = b
	return true
}

// release drops a bid that will not become a lease.
func (d *Daemon) release(id common.Hash) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if b, ok := d.bids[id]; ok && !b.leased {
		delete(d.bids, id)
		if len(b.gpus) > 0 && !b.lost {
			d.cfg.GPUs.Release(id.Hex())
		}
		d.freedLocked()
	}
}

// sweep forgets the leases that ended longer than Retention ago and
// removes their files.
func (d *Daemon) sweep() {
	cutoff := d.cfg.Now().Add(-d.cfg.Retention)
	d.mu.Lock()
	var gone []common.Hash
	for id, at := range d.ended {
		if at.Before(cutoff) {
			delete(d.ended, id)
			gone = append(gone, id)
		}
	}
	d.mu.Unlock()
	for _, id := range gone {
		if err := os.RemoveAll(d.leaseDir(id)); err != nil {
			d.log.Warn("files of a settled lease not removed", "lease", id, "err", err)
			continue
		}
		d.log.Info("removed the files of a lease settled long ago", "lease", id, "retention", d.cfg.Retention)
	}
}

// closes is when the bid's window closes.
func (b *bidState) closes() time.Time {
	return time.Unix(int64(b.order.Order.BidDeadline), 0)
}

// pending reports whether b holds what it offers for an auction that has
// not closed: neither its lease nor its outcome has come, and its window
// and the wait for its verdict have not passed.
func (b *bidState) pending(now time.Time) bool {
	return !b.leased && !b.lost && !b.decided && now.Before(b.closes().Add(verdictGrace))
}

// heldHorizon: capacity held for bids whose auctions close later than
// this is busy, not held; a tenant would try again in vain meanwhile.
const heldHorizon = 30 * time.Second

// busyOrHeld says why req cannot be served for now (m, a mismatch of req
// against c and free, what is free now): held when what pending bids hold
// would serve it and their auctions close within heldHorizon, busy
// otherwise. Callers hold d.mu.
func (d *Daemon) busyOrHeld(m *auction.Mismatch, req *auction.Requirements, c auction.Capacity, free []gpu.Device, snap gpu.Snapshot, nodes NodeResources) {
	now := d.cfg.Now()
	var gpus []string
	var closes time.Time
	for _, b := range d.bids {
		if !b.pending(now) {
			continue
		}
		r := &b.order.Order.Requirements
		c.CPUMillis, c.MemoryMiB, c.DiskMiB = c.CPUMillis+r.CPUMillis, c.MemoryMiB+r.MemoryMiB, c.DiskMiB+r.DiskMiB
		gpus = append(gpus, b.gpus...)
		if b.closes().After(closes) {
			closes = b.closes()
		}
	}
	left := closes.Sub(now)
	held := !closes.IsZero() && left <= heldHorizon
	if held {
		for _, g := range d.priced(snap.Sellable()) {
			if slices.Contains(gpus, g.UUID) {
				free = append(slices.Clip(free), g)
			}
		}
		_, _, err := matchPerNode(req, c, free, nodes, d.nodeLabel)
		held = err == nil
	}
	if !held {
		m.Reason, m.Detail = auction.ReasonBusy, m.Detail+" (the rest is leased, held for other bids or not for rent)"
		return
	}
	when := "now"
	if left > 0 {
		when = fmt.Sprintf("within %s", (left + time.Second - 1).Truncate(time.Second))
	}
	m.Reason, m.Detail = auction.ReasonHeld, fmt.Sprintf("%s (the rest is held for bids on other orders, whose auctions close %s)", m.Detail, when)
}

// couldServe reports whether a mismatch is only for now: req would match
// c with everything the provider rents out free (all its priced GPUs and
// MIG slices, its whole CPU, memory and disk), but some is leased or held
// for other bids.
func (d *Daemon) couldServe(req *auction.Requirements, c auction.Capacity, snap gpu.Snapshot) bool {
	all := d.priced(snap.Sellable())
	c.CPUMillis, c.MemoryMiB, c.DiskMiB = d.cfg.CPUMillis, d.cfg.MemoryMiB, d.cfg.DiskMiB
	_, _, err := matchPerNode(req, c, all, nil, d.nodeLabel)
	return err == nil
}

// nodeLabel is how the provider's offers name its node (a cluster's).
func (d *Daemon) nodeLabel(node string) string {
	return auction.NodeLabel(d.cfg.Signer.Address(), node)
}

// holdUntil is when what the bid holds is free again, leased or not: a
// minute after the bid's expiry, past which no lease can open from it.
func (b *bidState) holdUntil() time.Time {
	return time.Unix(int64(b.bid.Bid.Expiry-b.lead), 0).Add(holdGrace)
}

// chainLeadEvery is how often the provider reads how far the chain's clock
// runs ahead of its own; chainLeadTimeout bounds one reading.
const (
	chainLeadEvery   = 30 * time.Second
	chainLeadTimeout = 2 * time.Second
)

// chainLead is how far the chain's clock runs ahead of this machine's, in
// seconds (lease.ChainLead: 0 within an allowance for skew). It is read at
// most every chainLeadEvery; when the chain cannot be asked, the last
// reading stands.
func (d *Daemon) chainLead(ctx context.Context) uint64 {
	now := d.cfg.Now()
	d.leadMu.Lock()
	if d.leadReading || !d.leadAt.IsZero() && now.Sub(d.leadAt) < chainLeadEvery {
		// Fresh, or being read by another bid: no bid waits on the chain
		// for it but the one that reads it, and that one not for long.
		lead := d.lead
		d.leadMu.Unlock()
		return lead
	}
	d.leadReading = true
	d.leadMu.Unlock()
	ctx, cancel := context.WithTimeout(ctx, chainLeadTimeout)
	next, err := d.cfg.Escrow.NextBlockTime(ctx)
	cancel()
	d.leadMu.Lock()
	defer d.leadMu.Unlock()
	d.leadReading = false
	if err != nil {
		d.log.Debug("chain time unknown; bids keep the last reading of the chain's lead", "lead", d.lead, "err", err)
		return d.lead
	}
	d.lead, d.leadAt = lease.ChainLead(next, now), now
	return d.lead
}

// pruneLocked forgets bids that lapsed without a lease.
func (d *Daemon) pruneLocked() {
	now := d.cfg.Now()
	for id, b := range d.bids {
		if !b.leased && now.After(b.holdUntil()) {
			delete(d.bids, id)
			if len(b.gpus) > 0 && !b.lost {
				d.cfg.GPUs.Release(id.Hex())
			}
		}
	}
}

func sub(a, b uint64) uint64 {
	if b > a {
		return 0
	}
	return a - b
}

func (d *Daemon) noBid(ctx context.Context, o *auction.VerifiedOrder, r auction.Reason, detail string, log *slog.Logger) {
	if len(detail) > 512 {
		detail = detail[:512]
	}
	nb, err := d.cfg.Domain.SignNoBid(auction.NoBid{
		OrderHash: o.Hash, Provider: d.cfg.Signer.Address(), PeerID: d.cfg.Market.ID().String(),
		Reason: r, Detail: detail,
	}, d.cfg.Signer)
	if err != nil {
		log.Error("sign no-bid", "err", err)
		return
	}
	if err := d.cfg.Market.SendNoBid(ctx, o, nb); err != nil {
		log.Warn("no-bid not taken", "reason", r, "err", err)
		return
	}
	log.Info("no bid", "reason", r, "detail", detail)
}

// onTranscript releases what the provider held for bids that lost; they
// stay valid, holding nothing, for the tenant to fall back on.
func (d *Daemon) onTranscript(t network.VerifiedTranscript) {
	d.mu.Lock()
	defer d.mu.Unlock()
	winners := t.Transcript.Winners // a replicated order has several
	decided := false
	defer func() {
		if decided {
			d.freedLocked() // what a winner holds is busy now, not held
		}
	}()
	for id, b := range d.bids {
		if b.order.Hash == t.Order.Hash && !b.decided {
			b.decided, decided = true, true
		}
		if b.order.Hash == t.Order.Hash && !b.leased && !b.lost && !slices.Contains(winners, id) {
			b.lost = true
			if len(b.gpus) > 0 {
				d.cfg.GPUs.Release(id.Hex())
			}
			d.log.Info("bid lost; released its GPUs", "bid", id, "order", t.Order.Hash, "winners", winners)
		}
	}
}

// onEvent follows the escrow: a LeaseOpened naming one of the provider's
// bids starts the lease; a lease closed by someone else stops its job.
func (d *Daemon) onEvent(ctx context.Context, ev lease.Event) {
	switch {
	case ev.Kind == lease.EventOpened:
		if terms, _ := ev.Terms(); terms.Provider == d.cfg.Signer.Address() {
			d.startLease(ctx, ev.LeaseID)
		}
	case ev.Kind == lease.EventToppedUp:
		d.mu.Lock()
		l := d.leases[ev.LeaseID]
		d.mu.Unlock()
		if p, ok := ev.Payload.(*lease.ToppedUp); ok && l != nil {
			l.toppedUp(p.Deposit)
		}
	case ev.Kind.Settles():
		d.mu.Lock()
		l := d.leases[ev.LeaseID]
		d.mu.Unlock()
		if l != nil {
			l.endOnChain(ev.Kind)
		}
	}
}

// startLease begins serving the lease of one of the provider's bids, once:
// Run starts its life. It reports whether the provider has (or now has)
// the lease; ctx bounds only the hand-over to Run.
func (d *Daemon) startLease(ctx context.Context, id common.Hash) bool {
	served, _ := d.takeLease(ctx, id, nil)
	return served
}

// takeLease begins serving the lease of one of the provider's bids, opened
// on chain (award nil) or awarded by its tenant for the provider to open.
// It reports whether the provider serves the lease now, and whether this
// call began it.
func (d *Daemon) takeLease(ctx context.Context, id common.Hash, award *auction.SignedAward) (served, began bool) {
	d.mu.Lock()
	if _, ok := d.leases[id]; ok {
		d.mu.Unlock()
		return true, false
	}
	b, ok := d.bids[id]
	if !ok {
		d.mu.Unlock()
		return false, false
	}
	if b.lost {
		// The tenant fell back on it: hold its GPUs again, if they are
		// free (if not, the lease fails and the tenant closes it).
		b.lost = false
		if len(b.gpus) > 0 {
			if err := d.cfg.GPUs.Reserve(id.Hex(), b.gpus, b.holdUntil()); err != nil {
				d.log.Warn("a lost bid's lease opened, but its GPUs are taken", "lease", id, "err", err)
			}
		}
	}
	b.leased = true
	l := newLeaseRun(d, b)
	l.award = award
	d.leases[id] = l
	d.mu.Unlock()
	select {
	case d.launch <- l:
		return true, true
	case <-ctx.Done():
	case <-d.stopped:
	}
	// Not run: forget it, so a later sighting starts it.
	d.mu.Lock()
	delete(d.leases, id)
	b.leased = false
	d.mu.Unlock()
	return false, false
}

func (d *Daemon) leaseDir(id common.Hash) string {
	return filepath.Join(d.cfg.WorkDir, "leases", id.Hex())
}
