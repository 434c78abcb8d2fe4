package provider_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/accounts/abi/bind/v2"
	"github.com/ethereum/go-ethereum/common"
	"github.com/libp2p/go-libp2p/core/peer"

	"github.com/tender-market/tender/internal/markettest"
	"github.com/tender-market/tender/internal/testenv"
	"github.com/tender-market/tender/pkg/auction"
	"github.com/tender-market/tender/pkg/executor"
	"github.com/tender-market/tender/pkg/lease"
	"github.com/tender-market/tender/pkg/network"
	"github.com/tender-market/tender/pkg/provider"
	"github.com/tender-market/tender/pkg/tenant"
)

// TestAttackGPUFreeze: a throwaway tenant posts an order that may wait as
// long as the market allows for its lease, collects the bids and never
// opens a lease, to keep the providers' GPUs held. The provider's bid is
// valid only BidHold past the bid deadline, the escrow refuses to open a
// lease from it later, and a minute after, the GPUs are free again for the
// next order.
func TestAttackGPUFreeze(t *testing.T) {
	m, p, ten := setUp(t, 0)
	frozen := publish(t, m, ten.Node, testJob(t), auction.MaxLeaseWindow*time.Second)
	bid := frozen.Bid().Bid
	deadline := frozen.Order.Order.BidDeadline
	if hold := uint64(provider.DefaultBidHold / time.Second); bid.Bid.Expiry != deadline+hold {
		t.Errorf("the bid expires %d s after the bid deadline, want %d", bid.Bid.Expiry-deadline, hold)
	}
	if got := p.Free(); got != gpus-1 {
		t.Fatalf("%d GPUs free after the bid, want %d", got, gpus-1)
	}

	// The tenant never opens its lease. Past the bid's expiry the escrow
	// refuses it anyway.
	frozen.WaitClosed()
	m.Chain.Advance(t, provider.DefaultBidHold+time.Minute)
	if _, _, err := m.Chain.Client.Open(timeout(t, time.Minute), m.Chain.Tenant.Auth, &frozen.Order.Order, &bid, lease.NewTerms(&frozen.Order.Order, &bid.Bid).MaxCost()); !errors.Is(err, lease.ErrBidExpired) {
		t.Errorf("opening a lease from the expired bid: %v, want ErrBidExpired", err)
	}

	// A minute past the bid's expiry, on the provider's clock, the next
	// order finds every GPU but the one its own bid holds free.
	p.Clock.Advance(time.Until(time.Unix(int64(bid.Bid.Expiry), 0)) + 2*time.Minute)
	next := publish(t, m, ten.Node, testJob(t), 10*time.Minute)
	b := next.Bid()
	claims := p.GPUs.Claims()
	if len(claims) != 1 || claims[0].BidID != m.Domain().BidHash(&b.Bid.Bid).Hex() {
		t.Errorf("GPUs held %+v, want one, for the next order's bid only", claims)
	}
}

// TestAttackHeldOrderFlood: while the provider's GPUs are held for its
// bid on an order whose auction is open, a stranger floods it with orders
// for the same GPUs, with 20-second bid windows, to keep it busy re-checking
// them each time something is let go. At most 64 wait for the GPUs; the
// others are told held at once, long before their windows close (of the
// 16 told at once, the auctioneer takes as many as its stream limits for
// one peer let in).
func TestAttackHeldOrderFlood(t *testing.T) {
	m, _, ten := setUp(t, 0)
	publish(t, m, ten.Node, fiveGPUJob(t, 20*time.Second), 10*time.Minute).Bid()
	const waiting, flood = 64, 80 // waiting: the provider's maxWaiting
	runs := make([]*auctionRun, flood)
	for i := range runs {
		runs[i] = publish(t, m, ten.Node, fiveGPUJob(t, 20*time.Second), 10*time.Minute)
	}
	testenv.Eventually(t, 15*time.Second, "the flood past those waiting told held", func() (bool, string, error) {
		told := 0
		for _, r := range runs {
			for _, nb := range r.Srv.NoBids() {
				if nb.NoBid.Reason != auction.ReasonHeld {
					return false, "", fmt.Errorf("no-bid %s: %q; want held", nb.NoBid.Reason, nb.NoBid.Detail)
				}
				told++
			}
		}
		if told > flood-waiting {
			return false, "", fmt.Errorf("%d told held before their windows closed, want at most %d: fewer wait than the provider lets", told, flood-waiting)
		}
		return told > 0, fmt.Sprintf("%d told", told), nil
	})
}

// TestAttackInputBeyondDisk: a tenant whose order asks for 1 MiB of disk
// uploads more input than that, before billing starts, to fill the
// provider's disk for free. The provider refuses it and keeps none of it.
func TestAttackInputBeyondDisk(t *testing.T) {
	_, p, ten := setUp(t, 0)
	in := t.TempDir()
	if err := os.WriteFile(filepath.Join(in, "data.bin"), make([]byte, 2<<20), 0o644); err != nil {
		t.Fatal(err)
	}
	job := testJob(t, "run=100ms")
	job.Requirements.DiskMiB = 1
	res, err := ten.Submit(timeout(t, time.Minute), job, tenant.Options{InputDir: in, Detach: true})
	if err == nil || !strings.Contains(err.Error(), "the order's disk") {
		t.Fatalf("Submit with 2 MiB of input for 1 MiB of disk: %v, want it refused", err)
	}
	if n := len(p.Runner.Started()); n != 0 {
		t.Errorf("%d jobs started, want none", n)
	}
	left, err := os.ReadDir(filepath.Join(p.WorkDir, "leases", res.LeaseID.Hex()))
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		t.Fatal(err)
	}
	for _, e := range left {
		if strings.HasPrefix(e.Name(), "input") {
			t.Errorf("the refused input left %s behind", e.Name())
		}
	}
}

// TestAttackDiskKeptForever: leases settle and their files (input, output
// archive, log) would stay on the provider's disk for good. They stay
// Retention for the tenant to fetch, survive a restart (log included),
// and are then removed.
func TestAttackDiskKeptForever(t *testing.T) {
	m := markettest.New(t)
	p := m.NewProvider(markettest.ProviderSpec{Name: "provider", Machine: "dgxh100", Model: "H100", PricePerHour: "2000000", Retention: time.Hour})
	p.Start()
	ten := m.NewTenant("tenant", nil, []*network.Node{p.Node})
	res, err := ten.Submit(timeout(t, time.Minute), testJob(t, "run=100ms", "log=step 1", "out=model.json:w"), tenant.Options{})
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(p.WorkDir, "leases", res.LeaseID.Hex())
	p.WaitState(res.LeaseID, network.JobClosed)
	if _, err := os.Stat(filepath.Join(dir, "logs.txt")); err != nil {
		t.Fatalf("the settled lease's log is not kept: %v", err)
	}
	// A restart serves the log from its file.
	p.Stop()
	p.Start()
	l, err := ten.Find(timeout(t, time.Minute), res.LeaseID, &peer.AddrInfo{ID: p.Node.ID(), Addrs: p.Node.AddrInfo().Addrs})
	if err != nil {
		t.Fatal(err)
	}
	var logs bytes.Buffer
	if _, err := ten.Logs(timeout(t, time.Minute), l, false, &logs); err != nil || !strings.Contains(logs.String(), "step 1") {
		t.Fatalf("logs after a restart: %q, %v; want the job's line", logs.String(), err)
	}
	// Past the retention, the next order sweeps it away.
	p.Clock.Advance(2 * time.Hour)
	publish(t, m, ten.Node, testJob(t), 10*time.Minute).Bid()
	testenv.Eventually(t, 10*time.Second, "the settled lease's files removed", func() (bool, string, error) {
		_, err := os.Stat(dir)
		return errors.Is(err, os.ErrNotExist), fmt.Sprint(err), nil
	})
	if _, err := ten.Logs(timeout(t, time.Minute), l, false, &logs); !errors.Is(err, network.ErrLeaseNotServed) {
		t.Errorf("logs of a swept lease: %v, want ErrLeaseNotServed", err)
	}
}

// frontRun is the chain as a tenant that front-runs its provider sees it:
// the tenant's close of the lease lands just before the provider's start.
type frontRun struct {
	provider.Escrow
	tenant *bind.TransactOpts
}

func (f frontRun) Start(ctx context.Context, auth *bind.TransactOpts, id common.Hash, t lease.Terms) (*lease.Receipt, error) {
	if _, err := f.Escrow.CloseEnded(ctx, f.tenant, id, t, lease.NoExitCode, common.Hash{}, time.Time{}); err != nil {
		return nil, fmt.Errorf("the tenant's close: %w", err)
	}
	return f.Escrow.Start(ctx, auth, id, t)
}

// TestAttackFrontRunStart: a tenant sends its secrets and closes its lease
// in the same breath, so that its close is mined before the provider's
// start: a lease never started costs nothing, so every second the job ran
// was free. The provider launches the job only once its start is mined;
// here it never does, and the created container is removed.
func TestAttackFrontRunStart(t *testing.T) {
	m := markettest.New(t)
	p := m.NewProvider(markettest.ProviderSpec{
		Name: "provider", Machine: "dgxh100", Model: "H100", PricePerHour: fmt.Sprint(price),
		Escrow: func(e provider.Escrow) provider.Escrow { return frontRun{Escrow: e, tenant: m.Chain.Tenant.Auth} },
	})
	p.Start()
	ten := m.NewTenant("tenant", nil, []*network.Node{p.Node})
	res, err := ten.Submit(timeout(t, time.Minute), testJob(t, "run=1h"), tenant.Options{})
	if res == nil {
		t.Fatalf("Submit: %v, want the lease it opened", err)
	}
	p.WaitState(res.LeaseID, network.JobClosed)
	if n := len(p.Runner.Started()); n != 0 {
		t.Errorf("the job ran %d times though its lease closed before it started", n)
	}
	if _, err := p.Runner.Attach(timeout(t, time.Minute), res.LeaseID.Hex()); !errors.Is(err, executor.ErrNoContainer) {
		t.Errorf("the job's container after its start failed: %v, want it removed", err)
	}
	if s := settled(t, m, res.LeaseID); s.Started != nil || s.Closed.Paid.Sign() != 0 {
		t.Errorf("the front-run lease started %v and paid %s, want neither", s.Started != nil, s.Closed.Paid)
	}
}
