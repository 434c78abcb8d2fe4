package indexer_test

import (
	"context"
	"errors"
	"math/big"
	"sync"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/libp2p/go-libp2p/core/peer"

	"github.com/tender-market/tender/pkg/auction"
	"github.com/tender-market/tender/pkg/indexer"
	"github.com/tender-market/tender/pkg/network"
	"github.com/tender-market/tender/pkg/store"
	"github.com/tender-market/tender/pkg/store/storetest"
)

// peers is a market as the backfill sees it: each peer holds some
// transcripts, or fails; it counts the leases asked for.
type peers struct {
	mu     sync.Mutex
	hold   map[peer.ID][]network.KeptAuction
	fail   map[peer.ID]bool
	asked  map[common.Hash]int
	online []peer.ID
}

func (p *peers) Peers() []peer.ID {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]peer.ID(nil), p.online...)
}

func (p *peers) FetchTranscripts(_ context.Context, id peer.ID, leases []common.Hash) ([]network.KeptAuction, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, l := range leases {
		p.asked[l]++
	}
	if p.fail[id] {
		return nil, errors.New("stream reset")
	}
	var out []network.KeptAuction
	for _, vt := range p.hold[id] {
		for _, l := range leases {
			if vt.Winner.Hash == l {
				out = append(out, vt)
			}
		}
	}
	return out, nil
}

// TestBackfill: leases indexed from the chain without their transcript
// get it from the first peer that has it; a lease no peer has is asked
// for again only after RetryAfter; nothing is asked while no peer is
// there, and nothing past the time peers keep transcripts.
func TestBackfill(t *testing.T) {
	ctx := testContext(t)
	s, _ := storetest.New(t)
	domain := auction.NewDomain(31337, common.HexToAddress("0x5FbDB2315678afecb367f032d93F642f64180aa3"))
	now := time.Now().UTC().Truncate(time.Second)
	clock := now
	mk := storetest.Market{Domain: domain, Now: now.Add(-time.Minute)}
	tenantKey, providerKey := storetest.Key(1), storetest.Key(2)

	// Three leases on chain: A's transcript is held by a peer, B's by
	// none; C opened longer ago than peers keep transcripts.
	var transcripts []network.KeptAuction
	var events []store.ChainEvent
	for i, opened := range []time.Time{now.Add(-time.Minute), now.Add(-time.Minute), now.Add(-network.KeepTranscriptsFor - time.Hour)} {
		o := mk.Order(t, tenantKey, uint64(i+1), 1, 4_000_000)
		b := mk.Bid(t, &o, providerKey, 3_600_000, h100)
		tr := mk.Transcript(t, &o, tenantKey, b)
		order, winner, err := domain.Verify(&tr)
		if err != nil {
			t.Fatal(err)
		}
		nb, err := domain.SignNoBid(auction.NoBid{OrderHash: o.Hash, Provider: storetest.Address(3), PeerID: storetest.PeerID,
			Reason: auction.ReasonBusy, Detail: "busy"}, auction.NewKeySigner(storetest.Key(3)))
		if err != nil {
			t.Fatal(err)
		}
		transcripts = append(transcripts, network.KeptAuction{
			VerifiedTranscript: network.VerifiedTranscript{Transcript: tr, Order: order, Winner: winner},
			NoBids:             []auction.SignedNoBid{nb},
		})
		events = append(events, store.ChainEvent{
			Kind: store.KindLeaseOpened, LeaseID: b.Hash, Block: uint64(10 + i), BlockHash: common.Hash{byte(i)}, BlockTime: opened,
			TxHash: common.Hash{byte(i), 1}, Tenant: o.Order.Tenant, Provider: b.Bid.Provider, OrderHash: o.Hash,
			PricePerHour: big.NewInt(3_600_000), MaxDuration: 3600, Deposit: big.NewInt(3_600_000),
		})
	}
	if _, err := s.ApplyChainEvents(ctx, "escrow", events, store.ChainPosition{Block: 13}); err != nil {
		t.Fatal(err)
	}
	a, b, c := transcripts[0].Winner.Hash, transcripts[1].Winner.Hash, transcripts[2].Winner.Hash

	src := &peers{
		hold:  map[peer.ID][]network.KeptAuction{"keeper": {transcripts[0], transcripts[2]}},
		fail:  map[peer.ID]bool{"broken": true},
		asked: map[common.Hash]int{},
	}
	m := indexer.NewMarket(domain, s, nil, nil)
	bf := indexer.NewBackfill(src, s, m, indexer.BackfillConfig{RetryAfter: 10 * time.Minute, Now: func() time.Time { return clock }})

	// No peers yet: nothing stored, and the leases are not set aside.
	if n, err := bf.RunOnce(ctx); err != nil || n != 0 {
		t.Fatalf("with no peers: stored %d, %v; want 0", n, err)
	}
	// A broken peer and the keeper: A comes from the keeper.
	src.online = []peer.ID{"broken", "keeper"}
	if n, err := bf.RunOnce(ctx); err != nil || n != 1 {
		t.Fatalf("stored %d, %v; want 1", n, err)
	}
	d, err := s.LeaseDetail(ctx, a)
	if err != nil {
		t.Fatal(err)
	}
	if d.Transcript == nil || d.Transcript.Winner != a || d.Order == nil || d.Order.Hash != transcripts[0].Order.Hash || d.Lease.GPUModel != h100.Model {
		t.Fatalf("lease A after the backfill: transcript %v, order %v, GPU model %q; want both, and %q", d.Transcript, d.Order, d.Lease.GPUModel, h100.Model)
	}
	if len(d.Transcript.NoBids) != 1 || d.Transcript.NoBids[0].Provider != storetest.Address(3) {
		t.Errorf("lease A's no-bids after the backfill: %+v, want the one the keeper had", d.Transcript.NoBids)
	}
	if src.asked[c] != 0 {
		t.Errorf("lease C, older than peers keep transcripts, was asked for %d times", src.asked[c])
	}
	// B: nobody has it. Not asked again until RetryAfter has passed.
	askedB := src.asked[b]
	clock = clock.Add(5 * time.Minute)
	if _, err := bf.RunOnce(ctx); err != nil || src.asked[b] != askedB {
		t.Errorf("5 minutes on: B asked %d times (was %d), %v; want no new ask", src.asked[b], askedB, err)
	}
	clock = clock.Add(6 * time.Minute)
	if _, err := bf.RunOnce(ctx); err != nil || src.asked[b] <= askedB {
		t.Errorf("11 minutes on: B asked %d times (was %d), %v; want asked again", src.asked[b], askedB, err)
	}
	if bf.Filled() != 1 {
		t.Errorf("Filled() = %d, want 1", bf.Filled())
	}
}
