package lease_test

import (
	"errors"
	"fmt"
	"math/big"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"

	"github.com/tender-market/tender/pkg/auction"
	"github.com/tender-market/tender/pkg/lease"
)

// TestReplicaInvariants runs seeded random sequences on verified orders:
// replicas opened by the tenant from any of four providers, started or
// not, reporting one of three digests or never, cancelled or reclaimed by
// the tenant, settled by a stranger at any time, with time jumps. Whatever
// the escrow accepts, after every step: tokens only moved (none made or
// lost); the escrow holds exactly what its live leases still hold; each
// lease paid its provider at most once; after a settlement, every paid
// replica reported the majority's digest (given by more than half of the
// reporters) and was paid exactly what it held, and every other reporter
// was paid nothing by it; once every group is settled and every lease has
// ended, the escrow holds nothing.
func TestReplicaInvariants(t *testing.T) {
	for seed := range uint64(6) {
		t.Run(fmt.Sprint("seed", seed), func(t *testing.T) { runReplicaInvariants(t, seed, 120) })
	}
}

// replicaModel is what the test saw of one lease, from its events.
type replicaModel struct {
	l        opened
	provider party
	group    int
	state    lease.State
	reported bool
	digest   common.Hash
	held     *big.Int // what its report held
	in       *big.Int // deposited
	out      *big.Int // paid out (to either party)
	payments int      // payments to its provider
}

func runReplicaInvariants(t *testing.T, seed uint64, steps int) {
	h := newHarness(t, plainToken)
	r := rand.New(rand.NewPCG(seed, 0x9e91))
	providers := append([]party{h.provider}, h.others...)
	digests := []common.Hash{agree, agree, disagree, other}
	var orders []auction.Order
	var leases []*replicaModel
	settled := map[int]bool{}
	done := map[string]int{} // accepted calls, by kind
	start := h.balances()
	total := func(b balances) *big.Int {
		s := new(big.Int)
		for _, v := range b {
			s.Add(s, v)
		}
		return s
	}

	apply := func(evs []lease.Event) {
		for _, ev := range evs {
			for _, m := range leases {
				if m.l.id != ev.LeaseID {
					continue
				}
				switch p := ev.Payload.(type) {
				case *lease.Started:
					m.state = lease.StateRunning
				case *lease.Reported:
					m.state, m.reported, m.digest, m.held = lease.StateReported, true, p.ResultDigest, p.Held
					m.out.Add(m.out, p.Refunded)
				case *lease.Closed:
					m.state = lease.StateClosed
					m.out.Add(m.out, sum(p.Paid, p.Refunded))
					if p.Paid.Sign() > 0 {
						m.payments++
					}
				case *lease.Reclaimed:
					m.state = lease.StateReclaimed
					m.out.Add(m.out, p.Refunded)
				case *lease.ReplicaSettled:
					m.state = lease.StateClosed
					m.out.Add(m.out, sum(p.Paid, p.Refunded))
					if p.Paid.Sign() > 0 {
						m.payments++
						if p.Paid.Cmp(m.held) != 0 {
							t.Errorf("lease %s paid %s, it held %s", m.l.id.Hex()[:10], p.Paid, m.held)
						}
					}
				}
			}
		}
	}
	checkSettlement := func(g int, evs []lease.Event) {
		gs, ok := lease.Find[*lease.GroupSettled](evs)
		if !ok {
			t.Fatalf("group %d settled without GroupSettled", g)
		}
		votes := map[common.Hash]int{}
		reporters := 0
		for _, m := range leases {
			if m.group == g && m.reported {
				votes[m.digest]++
				reporters++
			}
		}
		if gs.Majority != (common.Hash{}) && votes[gs.Majority]*2 <= reporters {
			t.Errorf("group %d: majority %s has %d of %d reports", g, gs.Majority.Hex()[:10], votes[gs.Majority], reporters)
		}
		for _, ev := range evs {
			p, ok := ev.Payload.(*lease.ReplicaSettled)
			if !ok {
				continue
			}
			for _, m := range leases {
				if m.l.id == ev.LeaseID && p.Agreed != (m.reported && m.digest == gs.Majority && gs.Majority != (common.Hash{})) {
					t.Errorf("group %d: lease %s with digest %s agreed=%v, majority %s", g, m.l.id.Hex()[:10], m.digest.Hex()[:10], p.Agreed, gs.Majority.Hex()[:10])
				}
			}
		}
	}

	for step := range steps {
		var what string
		var rec *lease.Receipt
		var err error
		switch k := r.IntN(100); {
		case k < 8 || len(orders) == 0:
			v := replicated(uint8(2 + r.IntN(2)))
			if r.IntN(3) == 0 {
				v = auction.Verify{Replicas: 1, Paths: []string{"out"}, SpotCheckBps: 500}
			}
			o := h.verifiedOrder(uint64(len(orders)+1), v)
			o.MaxDuration = uint64(600 + r.IntN(1800))
			orders = append(orders, o)
			what = fmt.Sprintf("new order %d, %d replicas", len(orders)-1, v.MaxReplicas())
		case k < 35:
			g := r.IntN(len(orders))
			p := providers[r.IntN(len(providers))]
			var l opened
			l, err = h.openReplica(&orders[g], p)
			what = fmt.Sprintf("open in group %d by %s", g, p.addr.Hex()[:8])
			if err == nil {
				rec = l.receipt
				leases = append(leases, &replicaModel{l: l, provider: p, group: g, state: lease.StateOpen, in: new(big.Int).Set(replicaDeposit), out: new(big.Int)})
			}
		case k < 45:
			d := time.Duration(r.IntN(600)) * time.Second
			h.advance(d)
			what = fmt.Sprintf("advance %v", d)
		case k < 52:
			g := r.IntN(len(orders))
			rec, err = h.settle(&orders[g])
			what = fmt.Sprintf("settle group %d", g)
			if err == nil {
				settled[g] = true
				apply(h.client.Events(rec.Receipt))
				checkSettlement(g, h.client.Events(rec.Receipt))
				rec = nil
			}
		default:
			if len(leases) == 0 {
				continue
			}
			// Mostly a lease that can still move, with a call its state
			// allows; sometimes anything.
			m := leases[r.IntN(len(leases))]
			for range 4 {
				if m.state == lease.StateOpen || m.state == lease.StateRunning {
					break
				}
				m = leases[r.IntN(len(leases))]
			}
			a := r.IntN(4)
			if r.IntN(4) > 0 {
				switch m.state {
				case lease.StateOpen:
					a = []int{0, 0, 0, 2, 3}[r.IntN(5)]
				case lease.StateRunning:
					a = []int{1, 1, 1, 2}[r.IntN(4)]
				}
			}
			switch a {
			case 0:
				rec, err = h.client.Start(h.ctx, m.provider.auth, m.l.id, m.l.terms)
				what = "start"
			case 1:
				d := digests[r.IntN(len(digests))]
				rec, err = h.client.Close(h.ctx, m.provider.auth, m.l.id, m.l.terms, 0, d)
				what = "provider close, digest " + d.Hex()[:6]
			case 2:
				rec, err = h.client.Close(h.ctx, h.tenant.auth, m.l.id, m.l.terms, lease.NoExitCode, common.Hash{})
				what = "tenant close"
			case 3:
				rec, err = h.client.Reclaim(h.ctx, h.tenant.auth, m.l.id, m.l.terms)
				what = "reclaim"
			}
			what += " of " + m.l.id.Hex()[:10]
		}
		if rec != nil {
			apply(h.client.Events(rec.Receipt))
		}
		if err != nil {
			what += " (refused: " + err.Error() + ")"
		} else {
			done[strings.Fields(what)[0]]++
		}

		// After every step.
		now := h.balances()
		if total(now).Cmp(total(start)) != 0 {
			t.Fatalf("step %d (%s): tokens made or lost: %s before, %s now", step, what, total(start), total(now))
		}
		held := new(big.Int)
		for _, m := range leases {
			held.Add(held, diff(m.out, m.in))
			if m.payments > 1 {
				t.Fatalf("step %d (%s): lease %s paid its provider %d times", step, what, m.l.id.Hex()[:10], m.payments)
			}
		}
		if got := diff(start[h.escrowC.Address()], now[h.escrowC.Address()]); got.Cmp(held) != 0 {
			t.Fatalf("step %d (%s): the escrow holds %s more than before, its leases %s", step, what, got, held)
		}
		if t.Failed() {
			t.Fatalf("after step %d: %s", step, what)
		}
	}

	// End every lease and settle every group.
	h.advance(2*time.Hour + startWindow)
	for g := range orders {
		if settled[g] {
			continue
		}
		rec, err := h.settle(&orders[g])
		if err == nil {
			apply(h.client.Events(rec.Receipt))
			checkSettlement(g, h.client.Events(rec.Receipt))
		} else if !errors.Is(err, lease.ErrUnknownGroup) {
			t.Fatalf("settle group %d at the end: %v", g, err)
		}
	}
	if got := h.balance(h.escrowC.Address()); got.Cmp(start[h.escrowC.Address()]) != 0 {
		t.Errorf("every group settled, the escrow still holds %s", diff(start[h.escrowC.Address()], got))
	}
	var states = map[lease.State]int{}
	for _, m := range leases {
		states[m.state]++
	}
	t.Logf("%d orders, %d leases, end states %v; accepted: %v", len(orders), len(leases), states, done)
}
