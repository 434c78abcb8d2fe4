package provider

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"math/big"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/ethereum/go-ethereum/common"

	"github.com/tender-market/tender/internal/statefile"
	"github.com/tender-market/tender/pkg/auction"
	"github.com/tender-market/tender/pkg/executor"
	"github.com/tender-market/tender/pkg/lease"
	"github.com/tender-market/tender/pkg/network"
)

// Lease states as the provider reports them to the tenant.
const (
	StateAwaitingSecrets = "awaiting-secrets" // open on chain; waiting for the tenant's secrets
	StateStarting        = "starting"         // starting the container and the lease
	StateRunning         = "running"          // billing runs
	StateExited          = "exited"           // the job ended; closing the lease
	StateClosed          = "closed"           // settled on chain; output can be downloaded
	StateFailed          = "failed"           // the provider could not run the job
)

// leaseRun is one lease the provider serves.
type leaseRun struct {
	d   *Daemon
	bid *bidState
	id  common.Hash
	log *slog.Logger

	logs *logBook

	secretsOnce sync.Once
	secretsIn   chan struct{} // closed when the secrets arrived
	cancelOnce  sync.Once
	canceled    chan struct{} // closed when the lease ended on chain early

	saveMu sync.Mutex // one record write at a time, in order

	mu        sync.Mutex
	started   bool // started on chain
	state     string
	detail    string
	since     time.Time
	exitCode  *int
	secrets   map[string]string
	hasInput  bool
	output    string // archive path once collected
	outputSHA [32]byte
	outputLen int64
	container *executor.Run
}

func newLeaseRun(d *Daemon, b *bidState) *leaseRun {
	return &leaseRun{
		d: d, bid: b, id: b.id, log: d.log.With("lease", b.id),
		logs:      newLogBook(16 << 20),
		secretsIn: make(chan struct{}),
		canceled:  make(chan struct{}),
		state:     StateAwaitingSecrets, since: d.cfg.Now(),
	}
}

func (l *leaseRun) setState(state, detail string) {
	l.mu.Lock()
	l.state, l.detail, l.since = state, detail, l.d.cfg.Now()
	l.mu.Unlock()
	l.log.Info("lease "+state, "detail", detail)
	l.save()
}

// save writes the lease's record; a failure is logged, the lease goes on.
func (l *leaseRun) save() {
	l.saveMu.Lock()
	defer l.saveMu.Unlock()
	l.mu.Lock()
	r := LeaseRecord{
		LeaseID: l.id, OrderHash: l.bid.order.Hash, Order: l.bid.order.Order, Bid: l.bid.bid,
		GPUs: l.bid.gpus, State: l.state, Detail: l.detail, HasInput: l.hasInput, Started: l.started,
		ExitCode: l.exitCode, Updated: l.d.cfg.Now().UTC(),
	}
	if l.output != "" {
		h := common.Hash(l.outputSHA)
		r.OutputSHA256, r.OutputSize = &h, l.outputLen
	}
	l.mu.Unlock()
	if err := statefile.Write(recordPath(l.d.cfg.WorkDir, l.id), &r); err != nil {
		l.log.Error("lease record not saved", "err", err)
	}
}

func (l *leaseRun) endOnChain(kind lease.EventKind) {
	l.cancelOnce.Do(func() { close(l.canceled) })
	l.log.Info("lease ended on chain", "event", kind)
}

// run takes the lease from open to closed.
func (l *leaseRun) run(ctx context.Context) {
	d := l.d
	defer l.logs.end()
	defer d.endLease(l)
	l.save()
	order := &l.bid.order.Order
	terms := lease.NewTerms(order, &l.bid.bid.Bid)
	chain, err := d.cfg.Escrow.Lease(ctx, l.id)
	if err != nil {
		if ctx.Err() == nil {
			l.setState(StateFailed, err.Error())
		}
		return
	}
	if len(l.bid.gpus) > 0 {
		if _, err := d.cfg.GPUs.Lease(l.id.Hex(), l.id.Hex()); err != nil {
			l.setState(StateFailed, fmt.Sprintf("the GPUs bid are gone: %v", err))
			return
		}
	}

	wait := time.NewTimer(d.cfg.SecretsTimeout)
	defer wait.Stop()
	select {
	case <-ctx.Done():
		return
	case <-l.canceled:
		l.setState(StateFailed, "the lease ended before the job started")
		return
	case <-wait.C:
		l.setState(StateFailed, fmt.Sprintf("no secrets from the tenant within %s; the tenant may reclaim the deposit", d.cfg.SecretsTimeout))
		return
	case <-l.secretsIn:
	}
	l.setState(StateStarting, "")

	job := l.job(order, terms, chain.Deposit)
	run, err := d.cfg.Runner.Start(ctx, job)
	if err != nil {
		if ctx.Err() != nil {
			return
		}
		l.setState(StateFailed, err.Error())
		return
	}
	l.mu.Lock()
	l.container = &run
	l.mu.Unlock()
	if err := d.transact(func() error { _, err := d.cfg.Escrow.Start(ctx, d.cfg.Auth, l.id, terms); return err }); err != nil {
		if ctx.Err() != nil {
			// The daemon stops; the start may be mined. A restarted daemon
			// finds out on chain and attaches to the job, or removes it.
			return
		}
		l.setState(StateFailed, fmt.Sprintf("start on chain: %v", err))
		_ = d.cfg.Runner.Cancel(context.WithoutCancel(ctx), run)
		_, _ = d.cfg.Runner.Finish(context.WithoutCancel(ctx), run, executor.FinishOptions{})
		return
	}
	started := d.cfg.Now()
	l.mu.Lock()
	l.started = true
	l.mu.Unlock()
	l.setState(StateRunning, "")
	l.follow(ctx, run, terms, chain.Deposit, started)
}

// follow takes a running lease's job to its end and closes the lease. When
// ctx ends first (the daemon stops) the job keeps running and the record
// stays as it is, for a restarted daemon to take up.
func (l *leaseRun) follow(ctx context.Context, run executor.Run, terms lease.Terms, deposit *big.Int, started time.Time) {
	d := l.d
	payCtx, stopPay := context.WithCancel(ctx)
	var pay sync.WaitGroup
	pay.Go(func() { l.withdrawLoop(payCtx, terms, deposit, started) })
	stopCanceled := make(chan struct{})
	pay.Go(func() {
		select {
		case <-l.canceled:
			if err := d.cfg.Runner.Cancel(context.WithoutCancel(ctx), run); err != nil {
				l.log.Warn("stop the job of a lease closed on chain", "err", err)
			}
		case <-stopCanceled:
		}
	})

	res, err := l.finish(ctx, run)
	close(stopCanceled)
	stopPay()
	pay.Wait()
	if ctx.Err() != nil {
		return // the daemon stops; the job runs on
	}
	// A job over its output limit ended without a result: the lease closes
	// with its exit code and a zero result hash.
	if err != nil && !errors.Is(err, executor.ErrOutputLimit) {
		l.setState(StateFailed, err.Error())
		return
	}
	code := res.Exit.Code
	l.mu.Lock()
	l.exitCode = &code
	l.mu.Unlock()
	detail := fmt.Sprintf("exit code %d (%s)", code, res.Exit.Reason)
	if res.Exit.Message != "" {
		detail += ": " + res.Exit.Message
	}
	l.setState(StateExited, detail)
	l.closeOnChain(ctx, terms, code, common.HexToHash(res.Output.SHA256))
}

// closeOnChain closes the lease with the job's exit code and result hash,
// unless it is already settled.
func (l *leaseRun) closeOnChain(ctx context.Context, terms lease.Terms, code int, hash common.Hash) {
	d := l.d
	now, err := d.cfg.Escrow.Lease(ctx, l.id)
	if err == nil && now.State.Final() {
		l.setState(StateClosed, fmt.Sprintf("the lease was already %s on chain", now.State))
		return
	}
	err = d.transact(func() error {
		_, err := d.cfg.Escrow.Close(ctx, d.cfg.Auth, l.id, terms, int32(code), hash)
		return err
	})
	if ctx.Err() != nil {
		return
	}
	if err != nil {
		l.setState(StateFailed, fmt.Sprintf("close on chain: %v", err))
		return
	}
	l.setState(StateClosed, fmt.Sprintf("exit code %d, result %s", code, hash.Hex()))
}

// job is the executor's job for the lease: the order's job with its
// secrets, the GPUs bid, a limit of what the deposit pays for, and the
// order's disk as its output limit (none asked: the executor's default).
func (l *leaseRun) job(order *auction.Order, terms lease.Terms, deposit *big.Int) executor.Job {
	l.mu.Lock()
	defer l.mu.Unlock()
	env := make(map[string]string, len(order.Job.Env)+len(l.secrets))
	for _, e := range order.Job.Env {
		env[e.Name] = e.Value
	}
	for k, v := range l.secrets {
		env[k] = v
	}
	maxDur := time.Duration(order.MaxDuration) * time.Second
	if paid := paidSeconds(terms.PricePerHour, deposit); paid < order.MaxDuration {
		maxDur = time.Duration(paid) * time.Second
	}
	j := executor.Job{
		LeaseID:       l.id.Hex(),
		Image:         order.Job.Image,
		Command:       order.Job.Command,
		Env:           env,
		GPUUUIDs:      l.bid.gpus,
		SimulatedGPUs: l.bid.bid.Bid.Offer.Simulated,
		CPUMillicores: int64(order.Requirements.CPUMillis),
		MemoryBytes:   int64(order.Requirements.MemoryMiB) << 20,
		MaxDuration:   maxDur,
		OutputLimit:   int64(min(order.Requirements.DiskMiB, math.MaxInt64>>20)) << 20,
		AllowNetwork:  order.Job.Network,
	}
	if l.hasInput {
		j.InputDir = filepath.Join(l.d.leaseDir(l.id), "input")
	}
	return j
}

// paidSeconds is how many seconds deposit pays for at pricePerHour.
func paidSeconds(pricePerHour, deposit *big.Int) uint64 {
	if pricePerHour.Sign() == 0 {
		return 1 << 62
	}
	s := new(big.Int).Mul(deposit, big.NewInt(lease.SecondsPerHour))
	s.Quo(s, pricePerHour)
	if !s.IsUint64() {
		return 1 << 62
	}
	return s.Uint64()
}

// finish follows the job to its end and keeps its /output archive.
func (l *leaseRun) finish(ctx context.Context, run executor.Run) (executor.Result, error) {
	dir := l.d.leaseDir(l.id)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return executor.Result{}, fmt.Errorf("lease dir: %w", err)
	}
	path := filepath.Join(dir, "output.tar")
	f, err := os.Create(path)
	if err != nil {
		return executor.Result{}, fmt.Errorf("output archive: %w", err)
	}
	res, err := l.d.cfg.Runner.Finish(ctx, run, executor.FinishOptions{Stdout: l.logs, Stderr: l.logs, Output: f})
	if cerr := f.Close(); err == nil && cerr != nil {
		err = fmt.Errorf("output archive: %w", cerr)
	}
	if errors.Is(err, executor.ErrOutputLimit) {
		os.Remove(path) // incomplete
	}
	if err != nil {
		return res, err
	}
	sum, err := decodeSHA(res.Output.SHA256)
	if err != nil {
		return res, err
	}
	l.mu.Lock()
	l.output, l.outputSHA, l.outputLen = path, sum, res.Output.Size
	l.mu.Unlock()
	return res, nil
}

// withdrawLoop withdraws what accrued every WithdrawEvery, and once more
// shortly before the deposit runs out.
func (l *leaseRun) withdrawLoop(ctx context.Context, terms lease.Terms, deposit *big.Int, started time.Time) {
	d := l.d
	runsOut := started.Add(time.Duration(paidSeconds(terms.PricePerHour, deposit)) * time.Second)
	margin := min(d.cfg.WithdrawEvery/2, time.Minute)
	for {
		next := d.cfg.Now().Add(d.cfg.WithdrawEvery)
		if last := runsOut.Add(-margin); last.After(d.cfg.Now()) && last.Before(next) {
			next = last
		}
		t := time.NewTimer(time.Until(next))
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-t.C:
		}
		err := d.transact(func() error { _, err := d.cfg.Escrow.Withdraw(ctx, d.cfg.Auth, l.id, terms); return err })
		switch {
		case errors.Is(err, lease.ErrNothingToWithdraw), ctx.Err() != nil:
		case err != nil:
			l.log.Warn("withdraw", "err", err)
		default:
			l.log.Info("withdrew accrued pay")
		}
		if !d.cfg.Now().Before(runsOut) {
			return
		}
	}
}

// endLease frees what the lease held.
func (d *Daemon) endLease(l *leaseRun) {
	d.mu.Lock()
	defer d.mu.Unlock()
	delete(d.bids, l.id)
	if len(l.bid.gpus) > 0 {
		_ = d.cfg.GPUs.EndLease(l.id.Hex())
		_ = d.cfg.GPUs.Release(l.id.Hex())
	}
}

// status is what the tenant sees.
func (l *leaseRun) status() network.LeaseStatus {
	l.mu.Lock()
	defer l.mu.Unlock()
	return network.LeaseStatus{State: l.state, ExitCode: l.exitCode, Detail: l.detail, Since: l.since}
}
