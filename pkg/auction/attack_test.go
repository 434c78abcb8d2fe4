package auction

import (
	"errors"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"
)

// TestAttackJammedAuction: throwaway keys flood an auction with valid bids
// (more than a transcript can list) to make it fail to close. It closes
// anyway, on the rule's winner, with a transcript that lists the best bids,
// counts the rest and verifies.
func TestAttackJammedAuction(t *testing.T) {
	tenant := testKey(t, 1)
	order := mustSignOrder(t, sampleOrder(addr(tenant)), tenant)
	a, err := NewAuction(testDomain, order, nil)
	if err != nil {
		t.Fatal(err)
	}
	const n = MaxTranscriptBids + 44
	var cheapest Bid
	for i := range n {
		k, err := crypto.GenerateKey() // a throwaway key
		if err != nil {
			t.Fatal(err)
		}
		// The honest cheapest bid arrives last; a third of the flood cannot win.
		price := int64(3_000_000 - i)
		b := sampleBid(order.Hash, addr(k), price)
		if i%3 == 0 {
			b.Offer.GPUs[0].Count = 1
		}
		if i == n-1 {
			cheapest = b
		}
		sb, err := testDomain.SignBid(b, NewKeySigner(k))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := a.Add(sb, t0.Add(time.Duration(i)*time.Millisecond)); err != nil {
			t.Fatalf("bid %d: %v", i, err)
		}
	}
	tr, err := a.Close(t0.Add(30*time.Second), NewKeySigner(tenant))
	if err != nil {
		t.Fatalf("an auction of %d bids does not close: %v", n, err)
	}
	if tr.Winner != testDomain.BidHash(&cheapest) {
		t.Errorf("winner %s, want the cheapest bid %s", tr.Winner.Hex(), testDomain.BidHash(&cheapest).Hex())
	}
	if len(tr.Entries) != MaxTranscriptBids || int(tr.Omitted) != n-MaxTranscriptBids {
		t.Errorf("transcript lists %d bids and omits %d, want %d and %d", len(tr.Entries), tr.Omitted, MaxTranscriptBids, n-MaxTranscriptBids)
	}
	eligible := 0
	for _, e := range tr.Entries {
		if e.Reason == ReasonEligible {
			eligible++
		}
	}
	if want := n - (n+2)/3; eligible != want {
		t.Errorf("the transcript lists %d of the %d bids that can win, want all", eligible, want)
	}
	data, err := EncodeTranscript(tr)
	if err != nil {
		t.Fatal(err)
	}
	back, err := DecodeTranscript(data)
	if err != nil {
		t.Fatal(err)
	}
	if _, winner, err := testDomain.Verify(&back); err != nil || winner == nil || winner.Hash != tr.Winner {
		t.Errorf("the transcript does not verify on its winner: %v, %v", winner, err)
	}
	ranked, err := testDomain.Ranked(&tr)
	if err != nil || len(ranked) == 0 || testDomain.BidHash(&ranked[0].Bid) != tr.Winner {
		t.Fatalf("Ranked: %d bids, %v; want the winner first", len(ranked), err)
	}
	for i := 1; i < len(ranked); i++ {
		if ranked[i].Bid.PricePerHour.Cmp(ranked[i-1].Bid.PricePerHour) < 0 {
			t.Fatalf("Ranked: bid %d asks %s, less than the one before it", i, ranked[i].Bid.PricePerHour)
		}
	}
	back.Omitted++ // the count is signed
	if _, _, err := testDomain.Verify(&back); err == nil {
		t.Error("a transcript with its omitted count changed verifies")
	}
}

// TestAttackAuctionMemory: a flood beyond what an auction keeps is refused
// unless a bid undercuts the dearest kept, and the cheapest still wins.
func TestAttackAuctionMemory(t *testing.T) {
	tenant := testKey(t, 1)
	order := mustSignOrder(t, sampleOrder(addr(tenant)), tenant)
	a, err := NewAuction(testDomain, order, nil)
	if err != nil {
		t.Fatal(err)
	}
	var last SignedBid
	add := func(price int64) error {
		k, err := crypto.GenerateKey()
		if err != nil {
			t.Fatal(err)
		}
		if last, err = testDomain.SignBid(sampleBid(order.Hash, addr(k), price), NewKeySigner(k)); err != nil {
			t.Fatal(err)
		}
		_, err = a.Add(last, t0)
		return err
	}
	for i := range MaxAuctionBids {
		if err := add(2_000_000 + int64(i)); err != nil {
			t.Fatalf("bid %d: %v", i, err)
		}
	}
	if err := add(3_000_000); !errors.Is(err, ErrAuctionFull) {
		t.Errorf("a dearer bid to a full auction: %v, want ErrAuctionFull", err)
	}
	if err := add(1_000_000); err != nil {
		t.Errorf("a cheaper bid to a full auction: %v, want it kept", err)
	}
	cheapest := testDomain.BidHash(&last.Bid)
	if a.Len() != MaxAuctionBids {
		t.Errorf("the auction holds %d bids, want %d", a.Len(), MaxAuctionBids)
	}
	tr, err := a.Close(t0.Add(30*time.Second), NewKeySigner(tenant))
	if err != nil {
		t.Fatal(err)
	}
	if tr.Winner != cheapest || int(tr.Omitted) != MaxAuctionBids-MaxTranscriptBids {
		t.Errorf("winner %s, %d omitted; want the cheapest bid %s and %d omitted", tr.Winner.Hex(), tr.Omitted, cheapest.Hex(), MaxAuctionBids-MaxTranscriptBids)
	}
}

// TestAttackFloorCrowdOut: with a reputation floor, throwaway keys fill an
// auction with bids under every qualifying provider's price. Kept by price
// alone, they push the qualifying bid out (it is refused: the auction is
// full of cheaper bids) and the auction ends without a winner. An auction
// that admits the providers known to reach the floor drops a throwaway
// bid for the qualifying one, and refuses more throwaway bids once full.
func TestAttackFloorCrowdOut(t *testing.T) {
	tenant, good := testKey(t, 1), testKey(t, 2)
	order := mustSignOrder(t, sampleOrder(addr(tenant)), tenant)
	const floor = 20
	scores := map[common.Address]uint64{addr(good): 30}
	junk := func(t *testing.T, a *Auction, price int64) error {
		k, err := crypto.GenerateKey()
		if err != nil {
			t.Fatal(err)
		}
		sb, err := testDomain.SignBid(sampleBid(order.Hash, addr(k), price), NewKeySigner(k))
		if err != nil {
			t.Fatal(err)
		}
		_, err = a.Add(sb, t0)
		return err
	}
	run := func(t *testing.T, admitted bool) (Transcript, error) {
		a, err := NewAuction(testDomain, order, func(p common.Address) uint64 { return scores[p] }, WithMinReputation(floor))
		if err != nil {
			t.Fatal(err)
		}
		if admitted {
			a.AdmitOnly(func(p common.Address) bool { return scores[p] >= floor })
		}
		for i := range MaxAuctionBids {
			if err := junk(t, a, 1_000_000+int64(i)); err != nil {
				t.Fatalf("throwaway bid %d: %v", i, err)
			}
		}
		qualifying, err := testDomain.SignBid(sampleBid(order.Hash, addr(good), 3_000_000), NewKeySigner(good))
		if err != nil {
			t.Fatal(err)
		}
		_, addErr := a.Add(qualifying, t0)
		if admitted {
			if err := junk(t, a, 500_000); !errors.Is(err, ErrNotAdmitted) {
				t.Errorf("a throwaway bid to a full auction: %v, want ErrNotAdmitted", err)
			}
		}
		tr, err := a.Close(t0.Add(30*time.Second), NewKeySigner(tenant))
		if err != nil {
			t.Fatal(err)
		}
		return tr, addErr
	}
	want := sampleBid(order.Hash, addr(good), 3_000_000)
	if tr, err := run(t, true); err != nil || tr.Winner != testDomain.BidHash(&want) {
		t.Errorf("admitting the providers at the floor: the qualifying bid %v, winner %s; want it kept and winning", err, tr.Winner.Hex())
	}
	if tr, err := run(t, false); err == nil || tr.Winner != (common.Hash{}) {
		t.Errorf("admitting everyone: the qualifying bid %v, winner %s; the test no longer shows the crowd-out it guards against", err, tr.Winner.Hex())
	}
}
