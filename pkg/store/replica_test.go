package store_test

import (
	"bytes"
	"errors"
	"fmt"
	"math/big"
	"slices"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/google/go-cmp/cmp"

	"github.com/tender-market/tender/pkg/auction"
	"github.com/tender-market/tender/pkg/lease"
	"github.com/tender-market/tender/pkg/store"
	"github.com/tender-market/tender/pkg/store/storetest"
)

// Result digests replicas report: majority is the one most give.
var (
	majority = common.HexToHash("0xa9a9")
	minority = common.HexToHash("0xd1d1")
)

// replicaDeposit is each replica's deposit: an hour at price.
const replicaDeposit = price

// replicaChain lays out a verified order's escrow events on a chain: one
// transaction a block, the settlement's events in one.
type replicaChain struct {
	order  common.Hash
	tenant common.Address
	salt   string
	block  uint64
	events []store.ChainEvent
}

func newReplicaChain(salt string, first uint64) *replicaChain {
	return &replicaChain{order: crypto.Keccak256Hash([]byte("replicated order " + salt)), tenant: storetest.Address(1), salt: salt, block: first - 1}
}

// lease is the ID of the order's nth lease.
func (c *replicaChain) lease(n int) common.Hash {
	return crypto.Keccak256Hash([]byte("replica "+c.salt), big.NewInt(int64(n)).Bytes())
}

// ev appends an event of kind in the next block (log 0), or in the same
// block as the previous one (the next log) when same is set.
func (c *replicaChain) ev(kind string, id common.Hash, same bool) *store.ChainEvent {
	log := uint(0)
	if same && len(c.events) > 0 {
		log = c.events[len(c.events)-1].LogIndex + 1
	} else {
		c.block++
	}
	c.events = append(c.events, store.ChainEvent{
		Kind: kind, LeaseID: id, Block: c.block, BlockHash: common.BigToHash(new(big.Int).SetUint64(c.block)),
		BlockTime: t0.Add(time.Duration(c.block) * time.Second), TxHash: crypto.Keccak256Hash([]byte(c.salt), big.NewInt(int64(c.block)).Bytes()),
		LogIndex: log,
	})
	return &c.events[len(c.events)-1]
}

func (c *replicaChain) open(n int, provider common.Address) {
	e := c.ev(store.KindLeaseOpened, c.lease(n), false)
	e.Tenant, e.Provider, e.OrderHash = c.tenant, provider, c.order
	e.PricePerHour, e.MaxDuration, e.Deposit = big.NewInt(price), 3600, big.NewInt(replicaDeposit)
}

func (c *replicaChain) start(n int) {
	e := c.ev(store.KindStarted, c.lease(n), false)
	e.StartedAt = e.BlockTime
}

// report is lease n's report of digest, having earned held.
func (c *replicaChain) report(n int, digest common.Hash, held int64, exit lease.ExitCode) {
	e := c.ev(store.KindReported, c.lease(n), false)
	e.ExitCode, e.ResultHash, e.Held, e.Refunded = int32(exit), digest, big.NewInt(held), big.NewInt(replicaDeposit-held)
}

func (c *replicaChain) reclaim(n int, same bool) {
	e := c.ev(store.KindReclaimed, c.lease(n), same)
	e.TxFrom, e.Refunded = c.tenant, big.NewInt(replicaDeposit)
}

// settled is lease n's ReplicaSettled in the settlement's transaction
// (first: it opens the transaction's block).
func (c *replicaChain) settled(n int, agreed bool, amount int64, first bool) {
	e := c.ev(store.KindReplicaSettled, c.lease(n), !first)
	e.Agreed, e.Paid, e.Refunded = agreed, big.NewInt(0), big.NewInt(0)
	if agreed {
		e.Paid.SetInt64(amount)
	} else {
		e.Refunded.SetInt64(amount)
	}
}

func (c *replicaChain) groupSettled(digest common.Hash, paid, refunded int64) {
	e := c.ev(store.KindGroupSettled, common.Hash{}, true)
	e.OrderHash, e.ResultHash, e.Paid, e.Refunded = c.order, digest, big.NewInt(paid), big.NewInt(refunded)
}

// next is the position just past the chain's events.
func (c *replicaChain) next() store.ChainPosition { return store.ChainPosition{Block: c.block + 1} }

// held is what replica i of threeReplicas earned.
func held(i int) int64 { return int64(6+i) * 100_000 }

// threeReplicas is a whole replicated order of three on the chain from
// block first: opened by providers 2, 3 and 4, started, reported in the
// order given (replicas 0 and 1 give the majority's digest, 2 another),
// and settled: 0 and 1 paid what they held, 2 refunded.
func threeReplicas(salt string, first uint64, reportOrder [3]int) *replicaChain {
	c := newReplicaChain(salt, first)
	for i := range 3 {
		c.open(i, storetest.Address(2+i))
	}
	for i := range 3 {
		c.start(i)
	}
	for _, i := range reportOrder {
		digest := majority
		if i == 2 {
			digest = minority
		}
		c.report(i, digest, held(i), 0)
	}
	c.settled(0, true, held(0), true)
	c.settled(1, true, held(1), false)
	c.settled(2, false, held(2), false)
	c.groupSettled(majority, held(0)+held(1), held(2))
	return c
}

// leaseLine is what a replica test checks of a lease.
type leaseLine struct {
	State, ClosedBy       string
	Replica               bool
	Paid, Refunded, Held  string
	Agreed                string
	Digest                common.Hash
	Escrowed, OrderOfThem string
}

func lineOf(l store.Lease) leaseLine {
	line := leaseLine{State: l.State, ClosedBy: l.ClosedBy, Replica: l.Replica, Paid: l.Paid.String(), Refunded: l.Refunded.String(), Held: "-", Agreed: "-"}
	if l.Held != nil {
		line.Held = l.Held.String()
	}
	if l.Agreed != nil {
		line.Agreed = fmt.Sprint(*l.Agreed)
	}
	if l.ResultHash != nil {
		line.Digest = *l.ResultHash
	}
	line.Escrowed = new(big.Int).Sub(new(big.Int).Sub(l.Deposit, l.Paid), l.Refunded).String()
	return line
}

// paymentLine is one payment as a replica test checks it.
type paymentLine struct {
	Kind    string
	Account common.Address
	Amount  string
}

func paymentsOf(t *testing.T, s *store.Store, id common.Hash) []paymentLine {
	t.Helper()
	ps, err := s.Payments(testContext(t), id)
	if err != nil {
		t.Fatal(err)
	}
	var out []paymentLine
	for _, p := range ps {
		out = append(out, paymentLine{p.Kind, p.Account, p.Amount.String()})
	}
	return out
}

// checkThreeReplicas checks the index after all of c (threeReplicas):
// leases, payments, the group, to the base unit.
func checkThreeReplicas(t *testing.T, s *store.Store, dbURL string, c *replicaChain) {
	t.Helper()
	ctx := testContext(t)
	storetest.CheckLeaseStates(t, dbURL)
	tenant := c.tenant
	for i := range 3 {
		l, err := s.Lease(ctx, c.lease(i))
		if err != nil {
			t.Fatal(err)
		}
		want := leaseLine{State: "closed", ClosedBy: "settlement", Replica: true, Held: fmt.Sprint(held(i)), Digest: majority, Escrowed: "0"}
		deposit := paymentLine{"deposit", tenant, fmt.Sprint(replicaDeposit)}
		reportRefund := paymentLine{"refund", tenant, fmt.Sprint(replicaDeposit - held(i))}
		var pays []paymentLine
		if i < 2 {
			want.Agreed, want.Paid, want.Refunded = "true", fmt.Sprint(held(i)), fmt.Sprint(replicaDeposit-held(i))
			pays = []paymentLine{deposit, reportRefund, {"settlement", storetest.Address(2 + i), fmt.Sprint(held(i))}}
		} else {
			want.Agreed, want.Paid, want.Refunded, want.Digest = "false", "0", fmt.Sprint(replicaDeposit), minority
			pays = []paymentLine{deposit, reportRefund, {"refund", tenant, fmt.Sprint(held(i))}}
		}
		if d := cmp.Diff(want, lineOf(l)); d != "" {
			t.Errorf("replica %d (-want +got):\n%s", i, d)
		}
		if l.ExitCode == nil || *l.ExitCode != 0 || l.EndedAt == nil || l.StartedAt == nil {
			t.Errorf("replica %d: exit %v, started %v, ended %v; want exit 0, a start and an end", i, l.ExitCode, l.StartedAt, l.EndedAt)
		}
		if d := cmp.Diff(pays, paymentsOf(t, s, c.lease(i))); d != "" {
			t.Errorf("replica %d's payments (-want +got):\n%s", i, d)
		}
	}
	g, err := s.ReplicaGroup(ctx, c.order)
	if err != nil {
		t.Fatal(err)
	}
	if len(g.Replicas) != 3 || g.Replicas[0].ID != c.lease(0) || g.Replicas[1].ID != c.lease(1) || g.Replicas[2].ID != c.lease(2) {
		t.Errorf("group's replicas %v, want the three in the order they opened", g.Replicas)
	}
	st := g.Settlement
	if st == nil || st.Majority == nil || *st.Majority != majority || st.Paid.Int64() != held(0)+held(1) || st.Refunded.Int64() != held(2) ||
		st.Block != c.block || st.LogIndex != 3 || st.At.IsZero() {
		t.Errorf("settlement %+v; want majority %s, paid %d, refunded %d, at block %d log 3", st, majority.Hex(), held(0)+held(1), held(2), c.block)
	}
	if paid := g.Paid(); len(paid) != 2 || paid[0].Provider != storetest.Address(2) || paid[1].Provider != storetest.Address(3) {
		t.Errorf("paid replicas %v, want those of providers 2 and 3", paid)
	}
}

// TestReplicaIngest stores a whole replicated order of three (two agree
// and are paid, one disagrees and is refunded) in one batch, twice: the
// second adds nothing. Leases, payments and the group are exact, and
// nothing stays in escrow.
func TestReplicaIngest(t *testing.T) {
	ctx := testContext(t)
	s, dbURL := storetest.New(t)
	c := threeReplicas("whole", 100, [3]int{0, 1, 2})
	for i, want := range []int{len(c.events), 0} {
		n, err := s.ApplyChainEvents(ctx, "escrow", c.events, c.next())
		if err != nil {
			t.Fatal(err)
		}
		if n != want {
			t.Errorf("apply %d: %d new events, want %d", i, n, want)
		}
	}
	checkThreeReplicas(t, s, dbURL, c)

	sum, err := s.Summary(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if sum.Deposited.Int64() != 3*replicaDeposit || sum.Paid.Int64() != held(0)+held(1) ||
		sum.Refunded.Int64() != 3*replicaDeposit-held(0)-held(1) || sum.Leases["closed"] != 3 {
		t.Errorf("summary: deposited %s, paid %s, refunded %s, leases %v; want %d, %d, the rest, 3 closed",
			sum.Deposited, sum.Paid, sum.Refunded, sum.Leases, 3*replicaDeposit, held(0)+held(1))
	}
	// The group's event is an order's: stored, with no lease.
	var kind string
	var order, lease []byte
	if err := storetest.QueryRow(t, dbURL, `SELECT kind, order_hash, lease_id FROM lease_events WHERE kind = 'GroupSettled'`, &kind, &order, &lease); err != nil ||
		common.BytesToHash(order) != c.order || lease != nil {
		t.Errorf("GroupSettled stored as %s of order %x, lease %x (%v); want the order's, no lease", kind, order, lease, err)
	}
	// A lease's detail carries its group; the timeline its own events.
	d, err := s.LeaseDetail(ctx, c.lease(2))
	if err != nil {
		t.Fatal(err)
	}
	if d.Group == nil || len(d.Group.Replicas) != 3 || d.Group.Settlement == nil || len(d.Events) != 4 ||
		d.Events[2].Kind != store.KindReported || d.Events[2].Held.Int64() != held(2) || d.Events[3].Agreed || d.Events[3].Refunded.Int64() != held(2) {
		t.Errorf("detail of the refunded replica: group %+v, events %+v; want its group of 3, settled; its 4 events", d.Group, d.Events)
	}
	if _, err := s.ReplicaGroup(ctx, common.Hash{1}); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("replicas of an unknown order: %v, want ErrNotFound", err)
	}
}

// TestReplicaIngestSplit stores replicated orders whose replicas report
// in every order, cut into two batches at every event, and one event a
// batch with every batch stored twice: each ends as one batch does, and
// after each batch no lease holds more or less than the escrow does.
func TestReplicaIngestSplit(t *testing.T) {
	ctx := testContext(t)
	s, dbURL := storetest.New(t)
	orders := [][3]int{{0, 1, 2}, {0, 2, 1}, {1, 0, 2}, {1, 2, 0}, {2, 0, 1}, {2, 1, 0}}
	apply := func(c *replicaChain, evs []store.ChainEvent) {
		t.Helper()
		if _, err := s.ApplyChainEvents(ctx, "escrow", evs, store.ChainPosition{Block: evs[len(evs)-1].Block + 1}); err != nil {
			t.Fatal(err)
		}
		storetest.CheckLeaseStates(t, dbURL)
		for i := range 3 {
			l, err := s.Lease(ctx, c.lease(i))
			if errors.Is(err, store.ErrNotFound) {
				continue
			}
			if err != nil {
				t.Fatal(err)
			}
			// What the escrow holds of the lease: all of an open or running
			// one, what a reported one earned, nothing once it closed.
			escrowed := map[string]string{"open": fmt.Sprint(replicaDeposit), "running": fmt.Sprint(replicaDeposit), "reported": fmt.Sprint(held(i)), "closed": "0"}[l.State]
			if got := lineOf(l).Escrowed; got != escrowed {
				t.Fatalf("replica %d, %s after events up to block %d: %s in escrow, want %s", i, l.State, evs[len(evs)-1].Block, got, escrowed)
			}
		}
	}
	n := 0
	for _, order := range orders {
		for cut := 1; cut < 13; cut++ {
			n++
			c := threeReplicas(fmt.Sprintf("split %v at %d", order, cut), uint64(1000*n), order)
			if len(c.events) != 13 {
				t.Fatalf("%d events in a replicated order of three, want 13", len(c.events))
			}
			apply(c, c.events[:cut])
			apply(c, c.events[cut:])
			checkThreeReplicas(t, s, dbURL, c)
		}
		n++
		c := threeReplicas(fmt.Sprintf("one by one %v", order), uint64(1000*n), order)
		for i := range c.events {
			apply(c, c.events[i:i+1])
			apply(c, c.events[:i+1])
		}
		checkThreeReplicas(t, s, dbURL, c)
	}
}

// TestReplicaRewind rolls a settled group back past its settlement, and
// then past two reports: the leases stand as the events left say, the
// group goes, and storing the events again ends where it was.
func TestReplicaRewind(t *testing.T) {
	ctx := testContext(t)
	s, dbURL := storetest.New(t)
	c := threeReplicas("rewind", 100, [3]int{0, 1, 2})
	if _, err := s.ApplyChainEvents(ctx, "escrow", c.events, c.next()); err != nil {
		t.Fatal(err)
	}
	settledAt := c.block
	removed, err := s.RewindChain(ctx, "escrow", store.ChainPosition{Block: settledAt})
	if err != nil || removed != 4 {
		t.Fatalf("rewind past the settlement: %d events removed (%v), want 4", removed, err)
	}
	storetest.CheckLeaseStates(t, dbURL)
	for i := range 3 {
		l, err := s.Lease(ctx, c.lease(i))
		if err != nil {
			t.Fatal(err)
		}
		digest := majority
		if i == 2 {
			digest = minority
		}
		want := leaseLine{State: "reported", Replica: true, Paid: "0", Refunded: fmt.Sprint(replicaDeposit - held(i)), Held: fmt.Sprint(held(i)),
			Agreed: "-", Digest: digest, Escrowed: fmt.Sprint(held(i))}
		if d := cmp.Diff(want, lineOf(l)); d != "" {
			t.Errorf("replica %d after the rewind (-want +got):\n%s", i, d)
		}
		if got := paymentsOf(t, s, c.lease(i)); len(got) != 2 {
			t.Errorf("replica %d's payments after the rewind: %v, want the deposit and the report's refund", i, got)
		}
	}
	g, err := s.ReplicaGroup(ctx, c.order)
	if err != nil || g.Settlement != nil || len(g.Replicas) != 3 {
		t.Errorf("group after the rewind: %+v, %v; want its 3 replicas, unsettled", g, err)
	}
	var groups int
	if err := storetest.QueryRow(t, dbURL, `SELECT count(*) FROM replica_groups`, &groups); err != nil || groups != 0 {
		t.Errorf("%d replica groups after the rewind (%v), want none", groups, err)
	}
	// Back past the second report: replicas 1 and 2 run again.
	if _, err := s.RewindChain(ctx, "escrow", store.ChainPosition{Block: c.events[7].Block}); err != nil {
		t.Fatal(err)
	}
	storetest.CheckLeaseStates(t, dbURL)
	for i, state := range []string{"reported", "running", "running"} {
		l, err := s.Lease(ctx, c.lease(i))
		if err != nil {
			t.Fatal(err)
		}
		if l.State != state || (state == "running") != (l.Held == nil) || (state == "running") != (l.ResultHash == nil) ||
			(state == "running") != (l.Refunded.Sign() == 0) || !l.Replica {
			t.Errorf("replica %d after the second rewind: %+v; want %s, a replica", i, lineOf(l), state)
		}
	}
	if _, err := s.ApplyChainEvents(ctx, "escrow", c.events, c.next()); err != nil {
		t.Fatal(err)
	}
	checkThreeReplicas(t, s, dbURL, c)
}

// TestReplicaReferee: a verified order of two whose second replica never
// starts and is reclaimed by the tenant; a third takes its place and
// disagrees with the first; a referee joins and agrees with the first.
// Four leases: the reclaimed one left the group and is neither paid nor
// settled by it, the settlement pays the first and the referee, and
// refunds the one that disagreed.
func TestReplicaReferee(t *testing.T) {
	ctx := testContext(t)
	s, dbURL := storetest.New(t)
	c := newReplicaChain("referee", 10)
	c.open(0, storetest.Address(2))
	c.open(1, storetest.Address(3))
	c.start(0)
	c.reclaim(1, false)
	c.open(2, storetest.Address(4))
	c.start(2)
	c.report(0, majority, 900_000, 0)
	c.report(2, minority, 800_000, 0)
	c.open(3, storetest.Address(5))
	c.start(3)
	c.report(3, majority, 700_000, 0)
	c.settled(0, true, 900_000, true)
	c.settled(2, false, 800_000, false)
	c.settled(3, true, 700_000, false)
	c.groupSettled(majority, 1_600_000, 800_000)
	if _, err := s.ApplyChainEvents(ctx, "escrow", c.events, c.next()); err != nil {
		t.Fatal(err)
	}
	storetest.CheckLeaseStates(t, dbURL)
	g, err := s.ReplicaGroup(ctx, c.order)
	if err != nil {
		t.Fatal(err)
	}
	var got []leaseLine
	for _, l := range g.Replicas {
		got = append(got, lineOf(l))
	}
	want := []leaseLine{
		{State: "closed", ClosedBy: "settlement", Replica: true, Paid: "900000", Refunded: "2700000", Held: "900000", Agreed: "true", Digest: majority, Escrowed: "0"},
		{State: "reclaimed", ClosedBy: "tenant", Replica: true, Paid: "0", Refunded: "3600000", Held: "-", Agreed: "-", Escrowed: "0"},
		{State: "closed", ClosedBy: "settlement", Replica: true, Paid: "0", Refunded: "3600000", Held: "800000", Agreed: "false", Digest: minority, Escrowed: "0"},
		{State: "closed", ClosedBy: "settlement", Replica: true, Paid: "700000", Refunded: "2900000", Held: "700000", Agreed: "true", Digest: majority, Escrowed: "0"},
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("the four leases, in the order they opened (-want +got):\n%s", d)
	}
	if st := g.Settlement; st == nil || *st.Majority != majority || st.Paid.Int64() != 1_600_000 || st.Refunded.Int64() != 800_000 {
		t.Errorf("settlement %+v, want majority %s, 1600000 paid, 800000 refunded", st, majority.Hex())
	}
	// The money: every deposit back out of escrow, to the right parties.
	var in, out string
	if err := storetest.QueryRow(t, dbURL, `
SELECT coalesce(sum(amount) FILTER (WHERE kind = 'deposit'), 0)::text,
       coalesce(sum(amount) FILTER (WHERE kind IN ('settlement', 'refund')), 0)::text FROM payments`, &in, &out); err != nil || in != "14400000" || in != out {
		t.Errorf("payments: %s in, %s out (%v); want 14400000 both ways", in, out, err)
	}
	reps, err := s.Reputations(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		who  common.Address
		want string
	}{
		{storetest.Address(2), "completed 1, credit 2"},
		{storetest.Address(3), "reclaimed 1, credit 0"},
		{storetest.Address(4), "disagreed 1, credit 0"},
		{storetest.Address(5), "completed 1, credit 1"},
	} {
		r := reps[tt.who]
		got := fmt.Sprintf("completed %d, credit %d", r.Completed, r.Credit)
		switch {
		case r.Reclaimed > 0:
			got = fmt.Sprintf("reclaimed %d, credit %d", r.Reclaimed, r.Credit)
		case r.Disagreed > 0:
			got = fmt.Sprintf("disagreed %d, credit %d", r.Disagreed, r.Credit)
		}
		if got != tt.want || r.Leases != 1 {
			t.Errorf("provider %s: %s of %d leases; want %s of 1", tt.who.Hex(), got, r.Leases, tt.want)
		}
	}
}

// TestReplicaMarked: the index learns that leases are replicas from the
// order when it sees it, before or after them, and from the chain once
// one of them reports; a plain order's two leases (the second after the
// first was reclaimed) are not replicas.
func TestReplicaMarked(t *testing.T) {
	ctx := testContext(t)
	s, _ := storetest.New(t)
	isReplica := func(id common.Hash) bool {
		t.Helper()
		l, err := s.Lease(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		return l.Replica
	}
	apply := func(c *replicaChain) {
		t.Helper()
		if _, err := s.ApplyChainEvents(ctx, "escrow", c.events, c.next()); err != nil {
			t.Fatal(err)
		}
	}

	// Unseen order: replicas once one reports, all of them.
	c := newReplicaChain("unseen", 10)
	c.open(0, storetest.Address(2))
	c.open(1, storetest.Address(3))
	c.start(0)
	apply(c)
	if isReplica(c.lease(0)) || isReplica(c.lease(1)) {
		t.Fatal("leases of an order the index never saw marked replicas before any reported")
	}
	c.report(0, majority, 100, 0)
	apply(c)
	if !isReplica(c.lease(0)) || !isReplica(c.lease(1)) {
		t.Error("a report did not mark its order's leases replicas")
	}
	// A lease opened after: known by its sibling.
	c.open(2, storetest.Address(4))
	apply(c)
	if !isReplica(c.lease(2)) {
		t.Error("a lease of an order with a known replica is not one")
	}

	// The order seen after its lease opened, and before another.
	tenant := storetest.Key(1)
	o := market.Order(t, tenant, 40, 1, 4_000_000)
	o.Order.Verify = auction.Verify{Replicas: 2, Paths: []string{"model.json"}}
	vo := market.Sign(t, tenant, o.Order)
	seen := newReplicaChain("seen", 100)
	seen.order = vo.Hash
	seen.open(0, storetest.Address(2))
	apply(seen)
	if isReplica(seen.lease(0)) {
		t.Fatal("a lease marked a replica before its order was seen or reported")
	}
	for range 2 {
		if _, err := s.SaveOrder(ctx, vo, t0); err != nil {
			t.Fatal(err)
		}
	}
	seen.open(1, storetest.Address(3))
	apply(seen)
	if !isReplica(seen.lease(0)) || !isReplica(seen.lease(1)) {
		t.Error("the leases of a verified order are not replicas once the order is seen")
	}

	// A plain order, seen, re-awarded after a reclaim.
	plain := market.Order(t, tenant, 41, 1, 4_000_000)
	if _, err := s.SaveOrder(ctx, plain, t0); err != nil {
		t.Fatal(err)
	}
	p := newReplicaChain("plain", 200)
	p.order = plain.Hash
	p.open(0, storetest.Address(2))
	p.reclaim(0, false)
	p.open(1, storetest.Address(3))
	apply(p)
	if isReplica(p.lease(0)) || isReplica(p.lease(1)) {
		t.Error("a plain order's leases marked replicas")
	}
}

// TestReplicaReputation: replicas count by how their group settled them.
// One that agreed earns as a completed lease; one the majority
// contradicted costs DisagreedPenalty; one that never reported, or said
// it failed, is a failure; one in a group with no majority, and a
// reported one waiting for its group, count for nothing either way.
func TestReplicaReputation(t *testing.T) {
	ctx := testContext(t)
	s, dbURL := storetest.New(t)
	good, liar, silent, honest := storetest.Address(2), storetest.Address(3), storetest.Address(4), storetest.Address(5)
	var all []store.ChainEvent
	block := uint64(10)
	add := func(c *replicaChain) {
		all = append(all, c.events...)
		block = c.block + 10
	}
	// Three groups with a majority: good agrees, liar disagrees; silent
	// never reports; honest reports that it failed.
	for i, other := range []common.Address{liar, silent, honest} {
		c := newReplicaChain(fmt.Sprint("group ", i), block)
		c.tenant = common.BigToAddress(big.NewInt(int64(100 + i)))
		c.open(0, good)
		c.open(1, storetest.Address(9))
		c.open(2, other)
		for j := range 3 {
			c.start(j)
		}
		c.report(0, majority, price, 0)
		c.report(1, majority, price, 0)
		switch other {
		case liar:
			c.report(2, minority, price, 0)
		case honest:
			c.report(2, common.Hash{}, price/2, lease.NewExitCode(-1, lease.ExitProviderFailure))
		}
		c.settled(0, true, price, true)
		c.settled(1, true, price, false)
		refund := int64(replicaDeposit)
		switch other {
		case liar:
			refund = price
		case honest:
			refund = price / 2
		}
		c.settled(2, false, refund, false)
		c.groupSettled(majority, 2*price, refund)
		add(c)
	}
	// No majority: the two disagree, nobody is paid, neither is blamed.
	c := newReplicaChain("no majority", block)
	c.tenant = common.BigToAddress(big.NewInt(200))
	c.open(0, liar)
	c.open(1, honest)
	c.start(0)
	c.start(1)
	c.report(0, minority, price, 0)
	c.report(1, majority, price, 0)
	c.settled(0, false, price, true)
	c.settled(1, false, price, false)
	c.groupSettled(common.Hash{}, 0, 2*price)
	add(c)
	// Reported, not settled yet.
	c = newReplicaChain("waiting", block)
	c.tenant = common.BigToAddress(big.NewInt(300))
	c.open(0, good)
	c.start(0)
	c.report(0, majority, price, 0)
	add(c)
	if _, err := s.ApplyChainEvents(ctx, "escrow", all, store.ChainPosition{Block: block}); err != nil {
		t.Fatal(err)
	}
	storetest.CheckLeaseStates(t, dbURL)
	reps, err := s.Reputations(ctx)
	if err != nil {
		t.Fatal(err)
	}
	big0 := cmp.Comparer(func(a, b *big.Int) bool { return a.Cmp(b) == 0 })
	for _, tt := range []struct {
		who   common.Address
		want  store.Reputation
		score uint64
	}{
		// Three tenants an hour each, and one lease waiting.
		{good, store.Reputation{Leases: 4, Running: 1, Completed: 3, Credit: 30, PayingTenants: 3, Earned: big.NewInt(3 * price)}, 30},
		{liar, store.Reputation{Leases: 2, Disagreed: 1, Unresolved: 1, Earned: new(big.Int)}, 0},
		{silent, store.Reputation{Leases: 1, Failed: 1, Earned: new(big.Int)}, 0},
		{honest, store.Reputation{Leases: 2, Failed: 1, Unresolved: 1, Earned: new(big.Int)}, 0},
	} {
		if d := cmp.Diff(tt.want, reps[tt.who], big0); d != "" {
			t.Errorf("reputation of %s (-want +got):\n%s", tt.who.Hex(), d)
		}
		if got := reps[tt.who].Score(); got != tt.score {
			t.Errorf("score of %s: %d, want %d", tt.who.Hex(), got, tt.score)
		}
	}
	if p := reps[liar].Penalty(); p != store.DisagreedPenalty || store.DisagreedPenalty != 20 {
		t.Errorf("penalty of a replica the majority contradicted: %d, want DisagreedPenalty, 20 (%d)", p, store.DisagreedPenalty)
	}
	// The floor query subtracts the same penalty: good qualifies at 30,
	// liar with 20 of credit from elsewhere would not at 1.
	liarCredit := &ledger{block: block}
	for i := range 2 {
		liarCredit.add(life{tenant: freshKey("liar's tenants", i), provider: liar, price: price, ran: time.Hour, end: store.KindClosed, closer: liar})
	}
	liarCredit.apply(t, s)
	// Provider 9, the other agreeing replica of each group, scores 30 too.
	tied := []common.Address{good, storetest.Address(9)}
	slices.SortFunc(tied, func(a, b common.Address) int { return bytes.Compare(a[:], b[:]) })
	for _, tt := range []struct {
		min  uint64
		want []common.Address
	}{{30, tied}, {1, tied}} {
		got, _, err := s.Qualified(ctx, tt.min, nil, 10)
		if err != nil {
			t.Fatal(err)
		}
		if d := cmp.Diff(tt.want, got); d != "" {
			t.Errorf("qualified at %d (-want +got):\n%s", tt.min, d)
		}
	}
	if got := scoreOf(t, s, liar); got != 0 {
		t.Errorf("liar's score with 20 of credit and 20 of penalty: %d, want 0", got)
	}
}

// TestReplicaMigration: migrating to the schema with replicas finds the
// verified orders stored before from their signed wire form, and marks
// their leases replicas.
func TestReplicaMigration(t *testing.T) {
	ctx := testContext(t)
	s, dbURL := storetest.New(t)
	tenant := storetest.Key(1)
	o := market.Order(t, tenant, 50, 1, 4_000_000)
	o.Order.Verify = auction.Verify{Replicas: 3, Paths: []string{"out/result.json"}}
	verified := market.Sign(t, tenant, o.Order)
	o.Order.Verify = auction.Verify{Replicas: 1, Paths: []string{"out/result.json"}, SpotCheckBps: 500}
	spot := market.Sign(t, tenant, o.Order)
	plain := market.Order(t, tenant, 51, 1, 4_000_000)
	var all []store.ChainEvent
	for i, order := range []auction.VerifiedOrder{verified, spot, plain} {
		if _, err := s.SaveOrder(ctx, order, t0); err != nil {
			t.Fatal(err)
		}
		c := newReplicaChain(fmt.Sprint("migrated ", i), uint64(10*(i+1)))
		c.order = order.Hash
		c.open(0, storetest.Address(2))
		all = append(all, c.events...)
	}
	if _, err := s.ApplyChainEvents(ctx, "escrow", all, store.ChainPosition{Block: 100}); err != nil {
		t.Fatal(err)
	}

	p := migrator(t, dbURL)
	if _, err := p.DownTo(ctx, 6); err != nil {
		t.Fatalf("migrate down: %v", err)
	}
	if _, err := p.Up(ctx); err != nil {
		t.Fatalf("migrate up: %v", err)
	}
	var got []string
	err := storetest.Query(t, dbURL, `
SELECT concat_ws(' ', o.nonce, o.held, bool_and(l.replica), count(*)) FROM orders o JOIN leases l USING (order_hash)
GROUP BY o.nonce, o.held ORDER BY o.nonce`, func(scan func(...any) error) error {
		var line string
		if err := scan(&line); err != nil {
			return err
		}
		got = append(got, line)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	// The replicated and the spot-checked order share nonce 50.
	if d := cmp.Diff([]string{"50 t t 2", "51 f f 1"}, got); d != "" {
		t.Errorf("orders (nonce, held, their leases replicas, how many) after the migration (-want +got):\n%s", d)
	}
}

// TestReplicaTranscript: a replicated order's auction has a winner for
// each replica; each replica's lease, opened before or after the
// transcript arrived, finds the auction it won, with its bid marked won,
// learns its GPU model, and is not listed as missing its transcript.
func TestReplicaTranscript(t *testing.T) {
	ctx := testContext(t)
	s, _ := storetest.New(t)
	tenant := storetest.Key(1)
	o := market.Order(t, tenant, 60, 1, 4_000_000)
	o.Order.Verify = auction.Verify{Replicas: 3, Paths: []string{"model.json"}}
	order := market.Sign(t, tenant, o.Order)
	var bids []auction.VerifiedBid
	for i := range 4 {
		bids = append(bids, market.Bid(t, &order, storetest.Key(2+i), int64(3_000_000+100_000*i), storetest.Offer{Model: fmt.Sprint("GPU ", i), Count: 1}))
	}
	rec := market.Record(t, market.Transcript(t, &order, tenant, bids...))
	if len(rec.Transcript.Winners) != 3 {
		t.Fatalf("%d winners, want 3", len(rec.Transcript.Winners))
	}
	c := newReplicaChain("auctioned", 10)
	c.order = order.Hash
	open := func(i int) {
		e := c.ev(store.KindLeaseOpened, bids[i].Hash, false)
		e.Tenant, e.Provider, e.OrderHash = c.tenant, bids[i].Bid.Provider, c.order
		e.PricePerHour, e.MaxDuration, e.Deposit = bids[i].Bid.PricePerHour, 3600, big.NewInt(replicaDeposit)
	}
	open(0) // before the transcript
	if _, err := s.ApplyChainEvents(ctx, "escrow", c.events, c.next()); err != nil {
		t.Fatal(err)
	}
	if _, err := s.SaveTranscript(ctx, rec); err != nil {
		t.Fatal(err)
	}
	open(1)
	open(2)
	if _, err := s.ApplyChainEvents(ctx, "escrow", c.events, c.next()); err != nil {
		t.Fatal(err)
	}
	for i := range 3 {
		d, err := s.LeaseDetail(ctx, bids[i].Hash)
		if err != nil {
			t.Fatal(err)
		}
		if d.Transcript == nil || d.Transcript.Hash != rec.Hash || d.Lease.GPUModel != fmt.Sprint("GPU ", i) || !d.Lease.Replica {
			t.Fatalf("replica %d: transcript %v, model %q, replica %v; want the auction it won, GPU %d, a replica", i, d.Transcript, d.Lease.GPUModel, d.Lease.Replica, i)
		}
		var won []common.Hash
		for _, e := range d.Transcript.Entries {
			if e.Won {
				won = append(won, e.BidHash)
			}
		}
		if len(won) != 3 || !slices.Contains(won, bids[i].Hash) || slices.Contains(won, bids[3].Hash) {
			t.Errorf("replica %d: entries won %v, want the three cheapest bids", i, won)
		}
		if diff := cmp.Diff(rec.Transcript.Winners, d.Transcript.Winners); diff != "" || d.Transcript.Winner != bids[0].Hash {
			t.Errorf("replica %d: first winner %s, winners (-want +got):\n%s", i, d.Transcript.Winner.Hex(), diff)
		}
	}
	missing, err := s.LeasesWithoutTranscript(ctx, t0.Add(-time.Hour), 10)
	if err != nil || len(missing) != 0 {
		t.Errorf("leases without a transcript: %v (%v), want none", missing, err)
	}
}
