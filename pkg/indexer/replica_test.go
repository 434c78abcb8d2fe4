package indexer_test

import (
	"fmt"
	"math/big"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"

	"github.com/tender-market/tender/internal/chaintest"
	"github.com/tender-market/tender/pkg/auction"
	"github.com/tender-market/tender/pkg/indexer"
	"github.com/tender-market/tender/pkg/lease"
	"github.com/tender-market/tender/pkg/store"
	"github.com/tender-market/tender/pkg/store/storetest"
)

// TestReplicaChainIngest runs a replicated order of three on a simulated
// chain through package lease, with the chain indexer following: three
// providers open, start and report (two agree), and anyone settles. The
// index shows the replicas reported and held before the settlement, and
// after it matches the escrow to the base unit: two paid, one refunded,
// the group with its majority, and payments that empty the escrow.
func TestReplicaChainIngest(t *testing.T) {
	ctx := testContext(t)
	c := chaintest.New(t)
	s, dbURL := storetest.New(t)
	m := indexer.NewMarket(c.Client.Domain(), s, nil, nil)
	ix, _ := runChain(t, c, s, indexer.ChainConfig{BatchSize: 3})

	mk := storetest.Market{Domain: c.Client.Domain(), Now: c.Now(t)}
	o := mk.Order(t, c.Tenant.Key, 1, 1, 4_000_000)
	o.Order.Verify = auction.Verify{Replicas: 3, Paths: []string{"model.json"}}
	order := mk.Sign(t, c.Tenant.Key, o.Order)
	var bids []auction.VerifiedBid
	for i, p := range c.Providers {
		bids = append(bids, mk.Bid(t, &order, p.Key, int64(3_000_000+100_000*i), h100))
	}
	if err := m.IngestTranscript(ctx, mk.Transcript(t, &order, c.Tenant.Key, bids...)); err != nil {
		t.Fatal(err)
	}
	deposit := big.NewInt(3_600_000)
	ids := make([]common.Hash, len(bids))
	terms := make([]lease.Terms, len(bids))
	for i, b := range bids {
		var err error
		if ids[i], _, err = c.Client.Open(ctx, c.Tenant.Auth, &order.Order, &b.SignedBid, deposit); err != nil {
			t.Fatal(err)
		}
		terms[i] = lease.NewTerms(&order.Order, &b.Bid)
	}
	for i, p := range c.Providers {
		if _, err := c.Client.Start(ctx, p.Auth, ids[i], terms[i]); err != nil {
			t.Fatal(err)
		}
	}
	c.Advance(t, 10*time.Minute)
	agree, disagree := common.HexToHash("0xa9"), common.HexToHash("0xd1")
	digests := []common.Hash{agree, disagree, agree}
	for i, p := range c.Providers {
		if _, err := c.Client.Close(ctx, p.Auth, ids[i], terms[i], 0, digests[i]); err != nil {
			t.Fatal(err)
		}
	}

	// Reported: held on chain, held in the index.
	waitIndexed(t, ix, c.Head(t))
	held := make([]*big.Int, len(ids))
	for i, id := range ids {
		onChain, err := c.Client.Lease(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		held[i] = onChain.Paid
		l, err := s.Lease(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		refund := new(big.Int).Sub(deposit, held[i])
		if onChain.State != lease.StateReported || l.State != "reported" || !l.Replica || l.Held == nil || l.Held.Cmp(held[i]) != 0 ||
			l.Paid.Sign() != 0 || l.Refunded.Cmp(refund) != 0 || l.ResultHash == nil || *l.ResultHash != digests[i] || l.Agreed != nil {
			t.Errorf("replica %d reported: %s on chain; index %s, replica %v, held %v, paid %s, refunded %s, digest %v, agreed %v; "+
				"want reported, a replica holding %s, nothing paid, %s refunded, digest %s, not settled",
				i, onChain.State, l.State, l.Replica, l.Held, l.Paid, l.Refunded, l.ResultHash, l.Agreed, held[i], refund, digests[i].Hex())
		}
	}

	if _, err := c.Client.Settle(ctx, c.Tenants[1].Auth, order.Hash, c.Contracts.Block); err != nil {
		t.Fatal(err)
	}
	waitIndexed(t, ix, c.Head(t))
	storetest.CheckLeaseStates(t, dbURL)
	g, err := s.ReplicaGroup(ctx, order.Hash)
	if err != nil {
		t.Fatal(err)
	}
	if g.Order == nil || g.Order.Hash != order.Hash || len(g.Replicas) != 3 {
		t.Fatalf("group: order %v, %d replicas; want the order and its 3 replicas", g.Order, len(g.Replicas))
	}
	paidSum, refundSum := new(big.Int), new(big.Int)
	for i, l := range g.Replicas {
		onChain, err := c.Client.Lease(ctx, ids[i])
		if err != nil {
			t.Fatal(err)
		}
		agreed := digests[i] == agree
		wantPaid, wantRefunded := new(big.Int), new(big.Int).Set(deposit)
		if agreed {
			wantPaid.Set(held[i])
			wantRefunded.Sub(deposit, held[i])
			paidSum.Add(paidSum, held[i])
		} else {
			refundSum.Add(refundSum, held[i])
		}
		if l.ID != ids[i] || onChain.State != lease.StateClosed || onChain.Paid.Cmp(wantPaid) != 0 || l.State != "closed" ||
			l.ClosedBy != "settlement" || l.Paid.Cmp(wantPaid) != 0 || l.Refunded.Cmp(wantRefunded) != 0 || l.Agreed == nil ||
			*l.Agreed != agreed || l.Held.Cmp(held[i]) != 0 || l.GPUModel != h100.Model {
			t.Errorf("replica %d settled: %+v (on chain %s, paid %s); want closed by the settlement, paid %s, refunded %s, agreed %v, model %q",
				i, l, onChain.State, onChain.Paid, wantPaid, wantRefunded, agreed, h100.Model)
		}
		d, err := s.LeaseDetail(ctx, ids[i])
		if err != nil {
			t.Fatal(err)
		}
		var kinds []string
		total := new(big.Int)
		for _, p := range d.Payments {
			kinds = append(kinds, p.Kind)
			if p.Kind != "deposit" {
				total.Add(total, p.Amount)
			}
		}
		want := "[deposit refund refund]"
		if agreed {
			want = "[deposit refund settlement]"
		}
		if fmt.Sprint(kinds) != want || total.Cmp(deposit) != 0 {
			t.Errorf("replica %d's payments: %v, %s out; want %s, the whole deposit out", i, kinds, total, want)
		}
		if d.Group == nil || d.Group.Settlement == nil {
			t.Errorf("replica %d's detail has no settled group", i)
		}
		if d.Transcript == nil || len(d.Transcript.Winners) != 3 || d.Transcript.Winners[i] != ids[i] {
			t.Errorf("replica %d's auction: %+v; want the one its three winners won", i, d.Transcript)
		}
	}
	st := g.Settlement
	if st == nil || st.Majority == nil || *st.Majority != agree || st.Paid.Cmp(paidSum) != 0 || st.Refunded.Cmp(refundSum) != 0 {
		t.Errorf("settlement %+v; want majority %s, paid %s, refunded %s", st, agree.Hex(), paidSum, refundSum)
	}
	if paid := g.Paid(); len(paid) != 2 || paid[0].Provider != c.Providers[0].Addr || paid[1].Provider != c.Providers[2].Addr {
		t.Errorf("paid: %v, want providers 0 and 2", paid)
	}
	// The escrow holds nothing more of the order, and the index agrees.
	var escrowed string
	if err := storetest.QueryRow(t, dbURL, `SELECT (sum(deposit) - sum(paid) - sum(refunded))::text FROM leases`, &escrowed); err != nil || escrowed != "0" {
		t.Errorf("left in escrow by the index: %s (%v), want 0", escrowed, err)
	}
	reps, err := s.Reputations(ctx)
	if err != nil {
		t.Fatal(err)
	}
	// Ten minutes at 3 and 3.2 tUSD an hour: 1 point each (1.66 rounded
	// down).
	if r0, r1, r2 := reps[c.Providers[0].Addr], reps[c.Providers[1].Addr], reps[c.Providers[2].Addr]; r0.Completed != 1 || r2.Completed != 1 ||
		r1.Disagreed != 1 || r1.Penalty() != store.DisagreedPenalty || r0.Credit != 1 || r2.Credit != 1 {
		t.Errorf("reputations: %+v, %+v, %+v; want completed with 1 credit, disagreed, completed with 1 credit", r0, r1, r2)
	}
}
