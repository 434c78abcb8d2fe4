package lease_test

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum"
	"github.com/ethereum/go-ethereum/core/types"

	"github.com/ethereum/go-ethereum/common"

	"github.com/tender-market/tender/pkg/lease"
)

// watched runs Watch from opts in the background and returns the channel of
// delivered events and a stop function that waits for Watch to return.
func (h *harness) watched(opts lease.WatchOptions) (<-chan lease.Event, func() error) {
	ctx, cancel := context.WithCancel(h.ctx)
	events := make(chan lease.Event, 64)
	done := make(chan error, 1)
	go func() {
		done <- h.client.Watch(ctx, opts, func(ev lease.Event) error {
			select {
			case events <- ev:
				return nil
			case <-ctx.Done():
				return ctx.Err()
			}
		})
	}()
	return events, func() error {
		cancel()
		select {
		case err := <-done:
			return err
		case <-time.After(10 * time.Second):
			return errors.New("Watch did not return within 10 s of cancellation")
		}
	}
}

// next reads n events, each within a timeout.
func next(t *testing.T, events <-chan lease.Event, n int) []lease.Event {
	t.Helper()
	var out []lease.Event
	for len(out) < n {
		select {
		case ev := <-events:
			out = append(out, ev)
		case <-time.After(10 * time.Second):
			t.Fatalf("got %d events within 10 s, want %d", len(out), n)
		}
	}
	return out
}

func kinds(evs []lease.Event) []lease.EventKind {
	out := make([]lease.EventKind, len(evs))
	for i, ev := range evs {
		out[i] = ev.Kind
	}
	return out
}

func sameKinds(a, b []lease.EventKind) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// TestWatchResumes drives a lease through its life, watches it (woken by the
// simulated chain's log subscription, in one-block getLogs ranges), then
// restarts from a saved cursor and from the beginning.
func TestWatchResumes(t *testing.T) {
	h := newHarness(t, plainToken)
	events, stop := h.watched(lease.WatchOptions{PollInterval: time.Hour, BlockRange: 1})

	l := h.open(1, price, deposit)
	h.start(l)
	h.advance(5 * time.Minute)
	if _, err := h.client.Withdraw(h.ctx, h.provider.auth, l.id, l.terms); err != nil {
		t.Fatal(err)
	}
	if _, err := h.client.TopUp(h.ctx, h.tenant.auth, l.id, l.terms, deposit); err != nil {
		t.Fatal(err)
	}
	if _, err := h.client.Close(h.ctx, h.provider.auth, l.id, l.terms, 0, common.Hash{1}); err != nil {
		t.Fatal(err)
	}
	want := []lease.EventKind{lease.EventOpened, lease.EventStarted, lease.EventWithdrawn, lease.EventToppedUp, lease.EventClosed}
	got := next(t, events, len(want))
	if !sameKinds(kinds(got), want) {
		t.Fatalf("events %v, want %v", kinds(got), want)
	}
	state := lease.StateNone
	for i, ev := range got {
		if ev.LeaseID != l.id {
			t.Errorf("event %d is about lease %s, want %s", i, ev.LeaseID.Hex(), l.id.Hex())
		}
		s, err := lease.Next(state, ev.Kind.Action())
		if err != nil {
			t.Fatalf("event %d (%s): %v", i, ev.Kind, err)
		}
		state = s
	}
	if state != lease.StateClosed {
		t.Errorf("replayed state %s, want closed", state)
	}
	if err := stop(); !errors.Is(err, context.Canceled) {
		t.Fatalf("Watch returned %v, want context.Canceled", err)
	}
	select {
	case ev := <-events:
		t.Fatalf("unexpected extra event %s", ev.Kind)
	default:
	}

	// Scanned reports progress past the last block, events or not.
	var scanned lease.Cursor
	head, err := h.backend.BlockNumber(h.ctx)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(h.ctx, 10*time.Second)
	defer cancel()
	err = h.client.Watch(ctx, lease.WatchOptions{From: got[len(got)-1].Next, Scanned: func(s lease.Scan) {
		if scanned = s.Next; s.Next.Block > head {
			cancel()
		}
	}}, func(ev lease.Event) error { return errors.New("unexpected " + ev.Kind.String()) })
	if !errors.Is(err, context.Canceled) {
		t.Errorf("Watch returned %v, want context.Canceled once it scanned to the head", err)
	}
	if scanned.Block != head+1 {
		t.Errorf("Scanned reached %+v, want block %d", scanned, head+1)
	}

	// Resume after the second event: exactly the rest, no repeats.
	events, stop = h.watched(lease.WatchOptions{From: got[1].Next})
	if rest := next(t, events, 3); !sameKinds(kinds(rest), want[2:]) || rest[0].Log.TxHash != got[2].Log.TxHash {
		t.Errorf("resumed events %v, want %v", kinds(rest), want[2:])
	}
	if err := stop(); !errors.Is(err, context.Canceled) {
		t.Fatalf("Watch returned %v, want context.Canceled", err)
	}
	select {
	case ev := <-events:
		t.Fatalf("resumed watcher delivered an extra %s", ev.Kind)
	default:
	}
}

func TestWatchHandlerErrorStops(t *testing.T) {
	h := newHarness(t, plainToken)
	h.open(1, price, deposit)
	boom := errors.New("boom")
	err := h.client.Watch(h.ctx, lease.WatchOptions{}, func(lease.Event) error { return boom })
	if !errors.Is(err, boom) {
		t.Fatalf("Watch returned %v, want the handler's error", err)
	}
}

func TestWatchWaitsForConfirmations(t *testing.T) {
	h := newHarness(t, plainToken)
	l := h.open(1, price, deposit)
	events, stop := h.watched(lease.WatchOptions{Confirmations: 3, PollInterval: 20 * time.Millisecond})
	defer func() {
		if err := stop(); !errors.Is(err, context.Canceled) {
			t.Errorf("Watch returned %v, want context.Canceled", err)
		}
	}()
	h.advance(time.Second)
	h.advance(time.Second)
	select {
	case ev := <-events:
		t.Fatalf("%s delivered under 2 blocks, want it held until 3", ev.Kind)
	case <-time.After(200 * time.Millisecond):
	}
	h.advance(time.Second)
	if ev := next(t, events, 1)[0]; ev.Kind != lease.EventOpened || ev.LeaseID != l.id {
		t.Errorf("got %s of %s, want LeaseOpened of %s", ev.Kind, ev.LeaseID.Hex(), l.id.Hex())
	}
}

// TestHistory reads one lease's events by its indexed ID, among another
// lease's, with who closed it; and finds the opening of a lease, or says
// there is none.
func TestHistory(t *testing.T) {
	h := newHarness(t, plainToken)
	a, b := h.open(1, price, deposit), h.open(2, price, deposit)
	h.start(a)
	h.start(b)
	h.advance(time.Minute)
	if _, err := h.client.Close(h.ctx, h.tenant.auth, a.id, a.terms, lease.NoExitCode, common.Hash{}); err != nil {
		t.Fatal(err)
	}
	if _, err := h.client.Close(h.ctx, h.provider.auth, b.id, b.terms, lease.NewExitCode(0, lease.ExitedByItself), common.Hash{2}); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		l  opened
		by common.Address
	}{{a, h.tenant.addr}, {b, h.provider.addr}} {
		evs, err := h.client.History(h.ctx, tt.l.id, 0)
		if err != nil {
			t.Fatal(err)
		}
		if want := []lease.EventKind{lease.EventOpened, lease.EventStarted, lease.EventClosed}; !sameKinds(kinds(evs), want) {
			t.Fatalf("history of %s: %v, want %v", tt.l.id.Hex(), kinds(evs), want)
		}
		closed, ok := lease.Find[*lease.Closed](evs)
		if !ok || closed.By != tt.by {
			t.Errorf("closed by %v, want %s", closed, tt.by.Hex())
		}
		terms, block, err := h.client.Opening(h.ctx, tt.l.id, 0)
		if err != nil || terms.Hash() != tt.l.terms.Hash() || block != tt.l.receipt.BlockNumber.Uint64() {
			t.Errorf("Opening = %+v, %d, %v; want the terms opened in block %d", terms, block, err, tt.l.receipt.BlockNumber)
		}
	}
	if _, _, err := h.client.Opening(h.ctx, common.Hash{9}, 0); !errors.Is(err, lease.ErrUnknownLease) {
		t.Errorf("Opening of a lease never opened: %v, want ErrUnknownLease", err)
	}
}

// cappedBackend refuses eth_getLogs over more than maxBlocks blocks, as
// hosted endpoints do, and counts what it refused.
type cappedBackend struct {
	committer
	maxBlocks uint64
	refused   *atomic.Int32
}

func (b cappedBackend) FilterLogs(ctx context.Context, q ethereum.FilterQuery) ([]types.Log, error) {
	if n := q.ToBlock.Uint64() - q.FromBlock.Uint64() + 1; n > b.maxBlocks {
		b.refused.Add(1)
		return nil, fmt.Errorf("query exceeds max block range %d", b.maxBlocks)
	}
	return b.committer.FilterLogs(ctx, q)
}

// TestWatchHalvesRefusedRanges watches through an endpoint that refuses
// ranges of more than two blocks: Watch narrows its range until the
// endpoint answers and delivers every event, in order.
func TestWatchHalvesRefusedRanges(t *testing.T) {
	h := newHarness(t, plainToken)
	l := h.open(1, price, deposit)
	h.start(l)
	h.advance(5 * time.Minute)
	if _, err := h.client.Withdraw(h.ctx, h.provider.auth, l.id, l.terms); err != nil {
		t.Fatal(err)
	}
	if _, err := h.client.Close(h.ctx, h.provider.auth, l.id, l.terms, 0, common.Hash{1}); err != nil {
		t.Fatal(err)
	}
	head, err := h.backend.BlockNumber(h.ctx)
	if err != nil {
		t.Fatal(err)
	}
	var refusals atomic.Int32
	client, err := lease.New(h.ctx, cappedBackend{committer: h.backend, maxBlocks: 2, refused: &refusals}, h.escrowC.Address(), nil)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(h.ctx, 10*time.Second)
	defer cancel()
	var got []lease.EventKind
	err = client.Watch(ctx, lease.WatchOptions{BlockRange: 1000, Scanned: func(s lease.Scan) {
		if s.Next.Block > head {
			cancel()
		}
	}}, func(ev lease.Event) error {
		got = append(got, ev.Kind)
		return nil
	})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("Watch returned %v, want context.Canceled once it read to the head", err)
	}
	want := []lease.EventKind{lease.EventOpened, lease.EventStarted, lease.EventWithdrawn, lease.EventClosed}
	if !sameKinds(got, want) {
		t.Errorf("events %v, want %v", got, want)
	}
	refused := refusals.Load()
	// The first range, 100 blocks, halves to 1 in 6 refusals; ranges read
	// ahead may be refused too. A refused size is not tried again soon.
	if refused < 6 || refused > 6*3 {
		t.Errorf("the endpoint refused %d requests, want the 6 that bring 100 blocks down to 1, and those of ranges read ahead", refused)
	}
}
