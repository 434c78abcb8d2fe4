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
	"strings"
	"sync"
	"time"

	"github.com/ethereum/go-ethereum/common"

	"github.com/tender-market/tender/internal/statefile"
	"github.com/tender-market/tender/pkg/auction"
	"github.com/tender-market/tender/pkg/executor"
	"github.com/tender-market/tender/pkg/jobspec"
	"github.com/tender-market/tender/pkg/lease"
	"github.com/tender-market/tender/pkg/network"
	"github.com/tender-market/tender/pkg/result"
)

// leaseRun is one lease the provider serves.
type leaseRun struct {
	d   *Daemon
	bid *bidState
	id  common.Hash
	log *slog.Logger
	// award is the tenant's award when the provider opens the lease
	// itself (nil: the tenant opened it on chain).
	award *auction.SignedAward

	logs *logBook

	secretsOnce sync.Once
	secretsIn   chan struct{} // closed when the secrets arrived
	endOnce     sync.Once
	ended       chan struct{} // closed when the lease ended on chain early
	cancelOnce  sync.Once
	cancelled   chan struct{} // closed when the tenant asked to cancel
	topUps      chan *big.Int // the deposit after the latest top-up

	saveMu sync.Mutex // one record write at a time, in order

	mu      sync.Mutex
	started bool // started on chain
	// opened: an awarded lease was opened on chain (an unawarded one
	// always is).
	opened   bool
	state    network.JobState
	detail   string
	since    time.Time
	exitCode *lease.ExitCode
	// endedAt is when the job ended, in chain time (0: not known): the
	// close bills up to it.
	endedAt  uint64
	secrets  map[string]string
	hasInput bool
	// inputBytes is what the input's files hold: /output may use the rest
	// of the order's disk.
	inputBytes int64
	output     string // archive path once collected
	outputSHA  [32]byte
	outputLen  int64
	container  *executor.Run

	// forwards are the tenant's connections to the job's service.
	forwards forwards
}

func newLeaseRun(d *Daemon, b *bidState) *leaseRun {
	return &leaseRun{
		d: d, bid: b, id: b.id, log: d.log.With("lease", b.id),
		logs:      newLogBook(16<<20, filepath.Join(d.leaseDir(b.id), "logs.txt")),
		secretsIn: make(chan struct{}),
		ended:     make(chan struct{}),
		cancelled: make(chan struct{}),
		topUps:    make(chan *big.Int, 1),
		state:     network.JobAwaitingSecrets, since: d.cfg.Now(),
	}
}

func (l *leaseRun) setState(state network.JobState, detail string) {
	l.mu.Lock()
	l.state, l.detail, l.since = state, detail, l.d.cfg.Now()
	l.mu.Unlock()
	if state.Ended() {
		l.forwards.end()
	}
	l.log.Info("lease "+string(state), "detail", detail)
	l.save()
}

// save writes the lease's record; a failure is logged, the lease goes on.
func (l *leaseRun) save() {
	l.saveMu.Lock()
	defer l.saveMu.Unlock()
	l.mu.Lock()
	r := LeaseRecord{
		LeaseID: l.id, OrderHash: l.bid.order.Hash, Order: l.bid.order.Order, Bid: l.bid.bid,
		GPUs: l.bid.gpus, State: l.state, Detail: l.detail, HasInput: l.hasInput, Award: l.award, Started: l.started,
		ExitCode: l.exitCode, EndedAt: l.endedAt, Updated: l.d.cfg.Now().UTC(),
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
	l.endOnce.Do(func() { close(l.ended) })
	l.log.Info("lease ended on chain", "event", kind)
}

// cancel asks the lease's job to stop gracefully; the lease then closes
// with what the job left in /output (or with nothing, before it started).
func (l *leaseRun) cancel() error {
	l.mu.Lock()
	state, detail := l.state, l.detail
	l.mu.Unlock()
	if state == network.JobFailed {
		return fmt.Errorf("lease %s: the provider could not run the job (%s): close it on chain", l.id.Hex(), detail)
	}
	l.cancelOnce.Do(func() {
		close(l.cancelled)
		l.log.Info("the tenant cancels the lease", "state", state)
	})
	return nil
}

// run takes the lease from open to closed.
func (l *leaseRun) run(ctx context.Context) {
	d := l.d
	defer d.endLease(l)
	defer l.logs.end()
	l.save()
	order := &l.bid.order.Order
	terms := lease.NewTerms(order, &l.bid.bid.Bid)
	// An awarded lease is not on chain yet: its provider opens it.
	chain, err := d.cfg.Escrow.Lease(ctx, l.id)
	if err != nil {
		if ctx.Err() == nil {
			l.setState(network.JobFailed, err.Error())
		}
		return
	}
	if len(l.bid.gpus) > 0 {
		if _, err := d.cfg.GPUs.Lease(l.id.Hex(), l.id.Hex()); err != nil {
			l.setState(network.JobExited, fmt.Sprintf("the GPUs bid are gone: %v", err))
			l.closeUnstarted(ctx, terms, lease.ExitProviderFailure)
			return
		}
	}

	wait := time.NewTimer(d.cfg.SecretsTimeout)
	defer wait.Stop()
	select {
	case <-ctx.Done():
		return
	case <-l.ended:
		l.setState(network.JobClosed, "the lease was settled on chain before the job started")
		return
	case <-l.cancelled:
		l.setState(network.JobExited, "cancelled by the tenant before the job started")
		l.closeOnChain(ctx, terms, lease.NoExitCode, common.Hash{})
		return
	case <-wait.C:
		// Declined on chain, not left for a reclaim: the chain then shows
		// that the provider never got the job, so a tenant that opens a
		// lease and withholds the job cannot make the provider look like
		// one that never starts.
		l.setState(network.JobExited, fmt.Sprintf("no secrets from the tenant within %s: the lease is declined, the deposit goes back", d.cfg.SecretsTimeout))
		l.closeUnstarted(ctx, terms, lease.ExitNoJob)
		return
	case <-l.secretsIn:
	}
	l.setState(network.JobStarting, "")

	// The container is made first (the image pulled: the provider's time),
	// and started only once start is mined: a tenant that closes the lease
	// before then gets no second of the job.
	job := l.job(order, terms)
	run, err := d.cfg.Runner.Create(ctx, job)
	if err != nil {
		if ctx.Err() != nil {
			return
		}
		// The order's image, say, does not exist: the job cannot be run
		// here, and nothing ran.
		l.setState(network.JobExited, "the job cannot be created: "+err.Error())
		l.closeUnstarted(ctx, terms, lease.ExitNoJob)
		return
	}
	l.mu.Lock()
	l.container = &run
	l.mu.Unlock()
	receipt, err := l.start(ctx, order, terms)
	if err != nil {
		if ctx.Err() != nil {
			// The daemon stops; the start may be mined. A restarted daemon
			// finds out on chain and launches the job, or removes it.
			return
		}
		l.setState(network.JobExited, err.Error())
		l.remove(ctx, run)
		l.closeUnstarted(ctx, terms, lease.ExitProviderFailure)
		return
	}
	if run, err = d.cfg.Runner.Launch(ctx, run); err != nil {
		if ctx.Err() != nil {
			return
		}
		// Billing started and the job did not: close at once, for nothing.
		l.setState(network.JobExited, "the job's container did not start: "+err.Error())
		l.closeUnstarted(ctx, terms, lease.ExitProviderFailure)
		return
	}
	l.mu.Lock()
	l.container = &run
	l.mu.Unlock()
	deposit := chain.Deposit
	if l.award != nil {
		// Opened just now: what it holds, the award's deposit unless its
		// tenant opened it itself with another.
		deposit = l.award.Award.Deposit
		if on, err := d.cfg.Escrow.Lease(ctx, l.id); err == nil && on.State == lease.StateRunning {
			deposit = on.Deposit
		}
	}
	started := d.cfg.Now()
	since := uint64(started.Unix())
	if st, ok := lease.Find[*lease.Started](receipt.Events); ok {
		since = st.StartedAt
	}
	l.mu.Lock()
	l.started = true
	l.mu.Unlock()
	l.setState(network.JobRunning, "")
	l.follow(ctx, run, terms, deposit, started, since)
}

// start starts the lease on chain: billing runs from its block. An
// awarded lease is opened and started in one transaction, the provider's.
func (l *leaseRun) start(ctx context.Context, order *auction.Order, terms lease.Terms) (*lease.Receipt, error) {
	d := l.d
	if l.award == nil {
		r, err := d.cfg.Escrow.Start(ctx, d.cfg.Auth, l.id, terms)
		if err != nil {
			return nil, fmt.Errorf("start on chain: %w", err)
		}
		return r, nil
	}
	_, r, err := d.cfg.Escrow.OpenAwarded(ctx, d.cfg.Auth, order, &l.bid.bid.Bid, l.award)
	if errors.Is(err, lease.ErrLeaseExists) {
		// Its tenant opened it itself meanwhile: start it as any other.
		l.mu.Lock()
		l.opened = true
		l.mu.Unlock()
		if r, err = d.cfg.Escrow.Start(ctx, d.cfg.Auth, l.id, terms); err != nil {
			return nil, fmt.Errorf("start on chain the lease its tenant opened after awarding it: %w", err)
		}
		return r, nil
	}
	if err != nil {
		return nil, fmt.Errorf("open the awarded lease on chain: %w", err)
	}
	l.mu.Lock()
	l.opened = true
	l.mu.Unlock()
	return r, nil
}

// remove removes a job that will not run, whatever ctx does.
func (l *leaseRun) remove(ctx context.Context, run executor.Run) {
	if err := l.d.cfg.Runner.Remove(context.WithoutCancel(ctx), run); err != nil {
		l.log.Warn("remove the job's container", "err", err)
	}
}

// follow takes a running lease's job to its end and closes the lease,
// billing up to the job's end: the start block's time (since) plus the
// seconds the job ran. When ctx ends first (the daemon stops) the job keeps
// running and the record stays as it is, for a restarted daemon to take up.
func (l *leaseRun) follow(ctx context.Context, run executor.Run, terms lease.Terms, deposit *big.Int, started time.Time, since uint64) {
	d := l.d
	payCtx, stopPay := context.WithCancel(ctx)
	var pay sync.WaitGroup
	pay.Go(func() { l.meter(payCtx, run, terms, deposit, started) })
	finished := make(chan struct{})
	pay.Go(func() {
		why := "the lease closed on chain"
		select {
		case <-l.ended:
		case <-l.cancelled:
			why = "the tenant cancelled"
		case <-finished:
			return
		}
		if err := d.cfg.Runner.Cancel(context.WithoutCancel(ctx), run); err != nil {
			l.log.Warn("stop the job: "+why, "err", err)
		}
	})

	res, err := l.finish(ctx, run)
	close(finished)
	stopPay()
	pay.Wait()
	if ctx.Err() != nil {
		return // the daemon stops; the job runs on
	}
	// The job's log is whole: on disk before the lease settles.
	l.logs.end()
	l.mu.Lock()
	l.endedAt = endedAt(since, res.Exit)
	l.mu.Unlock()
	// A job over its output limit ended without a result: the lease closes
	// with its exit code and a zero result hash.
	if err != nil && !errors.Is(err, executor.ErrOutputLimit) {
		// The job's end or its output is lost: stop billing for it.
		l.setState(network.JobExited, "the job's result could not be collected: "+err.Error())
		l.closeOnChain(ctx, terms, lease.NewExitCode(-1, lease.ExitProviderFailure), common.Hash{})
		return
	}
	order := &l.bid.order.Order
	code := exitCode(res.Exit)
	l.mu.Lock()
	l.exitCode = &code
	l.mu.Unlock()
	detail := "exit " + code.Describe(jobspec.FormatSize(order.Requirements.MemoryMiB))
	if res.Exit.Message != "" {
		detail += ": " + res.Exit.Message
	}
	l.setState(network.JobExited, detail)
	l.closeOnChain(ctx, terms, code, l.resultHash(common.HexToHash(res.Output.SHA256)))
}

// resultHash is what the lease's close commits to: the hash of the output
// archive (archive), or for a replica of a verified order its result
// digest over the paths the order names (package result), which replicas
// that ran the same job agree on. A replica whose output is gone, or
// lacks a path its order names, reports the zero digest: no result.
func (l *leaseRun) resultHash(archive common.Hash) common.Hash {
	v := l.bid.order.Order.Verify
	if !v.Held() {
		return archive
	}
	l.mu.Lock()
	path := l.output
	l.mu.Unlock()
	if path == "" {
		return common.Hash{}
	}
	f, err := os.Open(path)
	if err != nil {
		l.log.Warn("the replica's output is gone: it reports no result", "err", err)
		return common.Hash{}
	}
	defer f.Close()
	d, err := result.Digest(f, v.Paths)
	if err != nil {
		l.log.Warn("the replica's output has no result digest: it reports none", "err", err)
		return common.Hash{}
	}
	return d
}

// endedAt is when a job that started on chain at since and ran as x says
// ended, in chain time: since plus the seconds it ran, rounded up. Zero
// when x does not say (the close then bills up to its own block).
func endedAt(since uint64, x executor.Exit) uint64 {
	if x.StartedAt.IsZero() || x.FinishedAt.Before(x.StartedAt) {
		return 0
	}
	ran := x.FinishedAt.Sub(x.StartedAt)
	return since + uint64((ran+time.Second-1)/time.Second)
}

// exitReasons are the market's words for why the executor's jobs end.
var exitReasons = map[executor.ExitReason]lease.ExitReason{
	executor.ReasonExited:      lease.ExitedByItself,
	executor.ReasonCanceled:    lease.ExitCancelled,
	executor.ReasonDeadline:    lease.ExitOutOfTime,
	executor.ReasonOOM:         lease.ExitOutOfMemory,
	executor.ReasonOutputLimit: lease.ExitOutputLimit,
}

// exitCode is the exit code committed on chain for a job that ended so.
func exitCode(x executor.Exit) lease.ExitCode {
	return lease.NewExitCode(x.Code, exitReasons[x.Reason])
}

// closeOnChain closes the lease with the job's exit code and result hash,
// unless it is already settled. A failed close is tried again, after 1 s,
// then twice as long each time, for as long as closeTries allows: until
// the lease is closed the tenant pays for a job that has ended.
// closeUnstarted closes a lease whose job never ran, for reason, billing
// nothing: the end it names is before any start, which the escrow raises
// to the start.
func (l *leaseRun) closeUnstarted(ctx context.Context, terms lease.Terms, reason lease.ExitReason) {
	code := lease.NewExitCode(-1, reason)
	l.mu.Lock()
	l.endedAt, l.exitCode = neverRan, &code
	l.mu.Unlock()
	l.save() // a restart closes it the same way
	l.closeOnChain(ctx, terms, code, common.Hash{})
}

// neverRan is the end time of a job that never ran: the escrow's first
// second, which it raises to the lease's start.
const neverRan = 1

func (l *leaseRun) closeOnChain(ctx context.Context, terms lease.Terms, code lease.ExitCode, hash common.Hash) {
	d := l.d
	l.mu.Lock()
	unopened, detail := l.award != nil && !l.opened, l.detail
	l.mu.Unlock()
	if unopened {
		// Awarded, and never opened: there is nothing on chain to settle.
		l.setState(network.JobClosed, detail+"; the awarded lease was never opened: nothing was paid")
		return
	}
	delay := time.Second
	for try := 1; ; try++ {
		now, err := d.cfg.Escrow.Lease(ctx, l.id)
		if err == nil && (now.State.Final() || now.State == lease.StateReported) {
			l.setState(network.JobClosed, fmt.Sprintf("the lease was already %s on chain", now.State))
			if now.State == lease.StateReported {
				d.collect(ctx, l.bid.order.Hash)
			}
			return
		}
		l.mu.Lock()
		var ended time.Time
		if l.endedAt > 0 {
			ended = time.Unix(int64(l.endedAt), 0)
		}
		l.mu.Unlock()
		_, err = d.cfg.Escrow.CloseEnded(ctx, d.cfg.Auth, l.id, terms, code, hash, ended)
		if ctx.Err() != nil {
			return
		}
		if err == nil {
			detail := "exit " + code.Describe(jobspec.FormatSize(l.bid.order.Order.Requirements.MemoryMiB))
			l.mu.Lock()
			switch {
			case l.state == network.JobExited && strings.HasPrefix(l.detail, "exit "):
				detail = l.detail // with the job's exit message
			case l.state == network.JobExited && l.detail != "" && l.endedAt == neverRan:
				// Why the job never ran (its image could not be pulled,
				// say) stays the first thing its tenant reads.
				detail = l.detail + "; " + detail
			}
			l.mu.Unlock()
			if on, err := d.cfg.Escrow.Lease(ctx, l.id); err == nil && on.State == lease.StateReported {
				l.setState(network.JobClosed, fmt.Sprintf("%s, result digest %s reported: its pay of %s is held until the order's replicas settle", detail, hash.Hex(), on.Paid))
				d.collect(ctx, l.bid.order.Hash)
				return
			}
			l.setState(network.JobClosed, detail+", result "+hash.Hex())
			return
		}
		if try == closeTries {
			l.setState(network.JobFailed, fmt.Sprintf("close on chain: %v", err))
			return
		}
		l.log.Warn("close on chain failed; trying again", "in", delay, "err", err)
		t := time.NewTimer(delay)
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-t.C:
		}
		delay = min(2*delay, time.Minute)
	}
}

// closeTries is how many times closeOnChain tries (over about 4 minutes).
const closeTries = 8

// job is the executor's job for the lease: the order's job with its
// secrets, the GPUs bid, the order's longest run (the meter stops it
// earlier when the deposit runs out), and the order's disk as its output
// limit (none asked: the executor's default).
func (l *leaseRun) job(order *auction.Order, terms lease.Terms) executor.Job {
	l.mu.Lock()
	defer l.mu.Unlock()
	env := make(map[string]string, len(order.Job.Env)+len(l.secrets))
	for _, e := range order.Job.Env {
		env[e.Name] = e.Value
	}
	secrets, login := jobspec.SplitSecrets(l.secrets)
	for k, v := range secrets {
		env[k] = v
	}
	// The order's own limit: the meter stops the job earlier when the
	// deposit runs out, and follows top-ups (it may run longer than its
	// deposit paid for at the start).
	maxDur := time.Duration(terms.MaxDuration) * time.Second
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
		OutputLimit:   outputLimit(order.Requirements.DiskMiB, l.inputBytes),
		AllowNetwork:  order.Job.Network,
		Expose:        order.Job.Expose,
		OnPull:        l.pulling,
	}
	if login != nil {
		j.RegistryAuth = &executor.RegistryAuth{Username: login.Username, Password: login.Password}
	}
	if l.hasInput {
		j.InputDir = filepath.Join(l.d.leaseDir(l.id), "input")
	}
	return j
}

// pulling shows the pull of the job's image in the lease's status, for
// its tenant to follow.
func (l *leaseRun) pulling(p executor.PullProgress) {
	detail := fmt.Sprintf("pulling image %s: %s of %s, %d of %d layers", p.Image, mib(p.Current), mib(p.Total), p.Done, p.Layers)
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.state == network.JobStarting {
		l.detail = detail
	}
}

// mib writes n bytes in MiB, one decimal.
func mib(n int64) string { return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20)) }

// outputLimit is what a job may write to /output: the order's disk less
// its input; 0 (the executor's default) when the order asks for no disk.
func outputLimit(diskMiB uint64, input int64) int64 {
	if diskMiB == 0 {
		return 0
	}
	return max(int64(min(diskMiB, math.MaxInt64>>20))<<20-input, 1)
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

// toppedUp hands the lease's meter the deposit after a top-up.
func (l *leaseRun) toppedUp(deposit *big.Int) {
	for {
		select {
		case l.topUps <- deposit:
			return
		default:
			select { // replace an older one not taken yet
			case <-l.topUps:
			default:
			}
		}
	}
}

// meter bills the running job until ctx ends: it withdraws what accrued
// every WithdrawEvery, and once more shortly before the deposit runs out;
// when the deposit has run out it stops the job (out of time). A top-up
// moves that moment on; one that comes after the job was stopped is
// refunded when the lease closes. It looks at the clock at least every
// PollInterval.
func (l *leaseRun) meter(ctx context.Context, run executor.Run, terms lease.Terms, deposit *big.Int, started time.Time) {
	d := l.d
	margin := min(d.cfg.WithdrawEvery/2, time.Minute)
	nextWithdraw := d.cfg.Now().Add(d.cfg.WithdrawEvery)
	paidUntil := func() time.Time { return started.Add(time.Duration(terms.PaidSeconds(deposit)) * time.Second) }
	// lastDone: the withdrawal shortly before the deposit runs out (none
	// when the lease is that short).
	lastDone := !paidUntil().Add(-margin).After(d.cfg.Now())
	held := l.bid.order.Order.Verify.Held()
	for {
		now := d.cfg.Now()
		runsOut := paidUntil()
		last := runsOut.Add(-margin)
		if !now.Before(runsOut) {
			why := fmt.Sprintf("its deposit of %s ran out at %s", deposit, runsOut.UTC().Format(time.RFC3339))
			l.log.Info("stopping the job: " + why)
			if err := d.cfg.Runner.Expire(context.WithoutCancel(ctx), run, why); err != nil {
				l.log.Warn("stop the job whose deposit ran out", "err", err)
			}
			return
		}
		if held {
			// A replica's pay waits for its group: nothing to withdraw.
			nextWithdraw, lastDone = runsOut, true
		}
		if !held && (!now.Before(nextWithdraw) || !lastDone && !now.Before(last)) {
			lastDone = lastDone || !now.Before(last)
			nextWithdraw = now.Add(d.cfg.WithdrawEvery)
			_, err := d.cfg.Escrow.Withdraw(ctx, d.cfg.Auth, l.id, terms)
			switch {
			case errors.Is(err, lease.ErrNothingToWithdraw), ctx.Err() != nil:
			case err != nil:
				l.log.Warn("withdraw", "err", err)
			default:
				l.log.Info("withdrew accrued pay")
			}
			continue
		}
		next := nextWithdraw
		if !lastDone && last.Before(next) {
			next = last
		}
		if runsOut.Before(next) {
			next = runsOut
		}
		t := time.NewTimer(min(next.Sub(now), d.cfg.PollInterval))
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case dep := <-l.topUps:
			t.Stop()
			if dep.Cmp(deposit) > 0 {
				deposit = dep
				lastDone = !paidUntil().Add(-margin).After(d.cfg.Now())
				l.setState(network.JobRunning, fmt.Sprintf("topped up to %s: paid until %s", dep, paidUntil().UTC().Format(time.RFC3339)))
			}
		case <-t.C:
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
	l.mu.Lock()
	state, since := l.state, l.since
	l.mu.Unlock()
	if state == network.JobClosed || state == network.JobFailed {
		// Nothing more happens to it: from now on it is served from disk.
		delete(d.leases, l.id)
		d.ended[l.id] = since
	}
}

// status is what the tenant sees.
func (l *leaseRun) status() network.LeaseStatus {
	l.mu.Lock()
	defer l.mu.Unlock()
	st := network.LeaseStatus{State: l.state, Detail: l.detail, Since: l.since}
	if l.exitCode != nil {
		code := int32(*l.exitCode)
		st.ExitCode = &code
	}
	return st
}
