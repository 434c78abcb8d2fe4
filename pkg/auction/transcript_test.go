package auction

import (
	"errors"
	"math/big"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/google/go-cmp/cmp"
)

// closedAuction runs an auction with a few bids and returns its transcript.
func closedAuction(t *testing.T) Transcript {
	t.Helper()
	tenant := testKey(t, 1)
	order := mustSignOrder(t, sampleOrder(addr(tenant)), tenant)
	a, err := NewAuction(testDomain, order, func(p common.Address) uint64 { return uint64(p[19]) })
	if err != nil {
		t.Fatal(err)
	}
	for i, price := range []int64{3_000_000, 2_000_000, 5_000_000, 2_500_000} {
		k := testKey(t, 10+i)
		b := sampleBid(order.Hash, addr(k), price)
		if i == 3 {
			b.Offer.MemoryMiB = 1 // cannot win
		}
		sb, err := testDomain.SignBid(b, NewKeySigner(k))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := a.Add(sb, t0.Add(time.Duration(i)*time.Second+time.Duration(i))); err != nil {
			t.Fatal(err)
		}
	}
	tr, err := a.Close(t0.Add(31*time.Second), NewKeySigner(tenant))
	if err != nil {
		t.Fatal(err)
	}
	return tr
}

func TestTranscriptRoundTrip(t *testing.T) {
	tr := closedAuction(t)
	data, err := EncodeTranscript(tr)
	if err != nil {
		t.Fatal(err)
	}
	got, err := DecodeTranscript(data)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(tr, got, bigCmp); diff != "" {
		t.Errorf("round trip (-want +got):\n%s", diff)
	}
	order, winner, err := testDomain.Verify(&got)
	if err != nil {
		t.Fatalf("Verify: %v", err)
	}
	if winner == nil || winner.Bid.PricePerHour.Int64() != 2_000_000 || winner.Hash != got.Winner {
		t.Fatalf("winner %+v, want the 2,000,000 bid", winner)
	}
	if order.Hash != testDomain.OrderHash(&tr.Order.Order) {
		t.Errorf("verified order hash %s", order.Hash.Hex())
	}
	wantReasons := []Reason{"", "", ReasonPriceAboveMax, ReasonMemory}
	for i, e := range got.Entries {
		if e.Reason != wantReasons[i] {
			t.Errorf("entry %d reason %q, want %q", i, e.Reason, wantReasons[i])
		}
	}
}

func TestTranscriptTampering(t *testing.T) {
	resign := func(tr *Transcript, k int) {
		h, err := testDomain.TranscriptHash(tr)
		if err != nil {
			t.Fatal(err)
		}
		if tr.Signature, err = NewKeySigner(testKey(t, k)).SignHash(h); err != nil {
			t.Fatal(err)
		}
	}
	cases := []struct {
		name string
		edit func(*Transcript)
		want error
	}{
		{"untouched", func(*Transcript) {}, nil},
		{"winner swapped", func(tr *Transcript) { tr.Winner = tr.Entries[0].Bid.Bid.OrderHash }, ErrInvalid},
		{"winner swapped and re-signed by the tenant", func(tr *Transcript) {
			tr.Winner = testDomain.BidHash(&tr.Entries[0].Bid.Bid)
			resign(tr, 1)
		}, ErrInvalid},
		{"arrival moved", func(tr *Transcript) { tr.Entries[1].Arrival = tr.Entries[1].Arrival.Add(-time.Hour) }, ErrBadSignature},
		{"reputation of a dearer bid raised and re-signed: price still decides", func(tr *Transcript) {
			tr.Entries[0].Reputation = 1 << 40
			resign(tr, 1)
		}, nil},
		{"reason hidden", func(tr *Transcript) { tr.Entries[3].Reason = ""; resign(tr, 1) }, ErrInvalid},
		{"bid dropped", func(tr *Transcript) { tr.Entries = tr.Entries[1:] }, ErrBadSignature},
		{"bid duplicated and re-signed", func(tr *Transcript) { tr.Entries = append(tr.Entries, tr.Entries[0]); resign(tr, 1) }, ErrInvalid},
		{"bid price forged", func(tr *Transcript) { tr.Entries[1].Bid.Bid.PricePerHour = big.NewInt(1); resign(tr, 1) }, ErrBadSignature},
		{"signed by a stranger", func(tr *Transcript) { resign(tr, 66) }, ErrBadSignature},
		{"order forged", func(tr *Transcript) { tr.Order.Order.MaxPricePerHour = big.NewInt(9) }, ErrBadSignature},
		{"unknown rule", func(tr *Transcript) { tr.Rule = "highest-bribe/1" }, ErrInvalid},
		{"close time before 1970", func(tr *Transcript) { tr.ClosedAt = time.Unix(-1, 0) }, ErrInvalid},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			tr := closedAuction(t)
			tr.Entries = append([]Entry(nil), tr.Entries...)
			c.edit(&tr)
			_, _, err := testDomain.Verify(&tr)
			if c.want == nil {
				if err != nil {
					t.Fatalf("Verify: %v", err)
				}
				return
			}
			if !errors.Is(err, c.want) {
				t.Fatalf("Verify error = %v, want %v", err, c.want)
			}
		})
	}
}

func TestTranscriptNoWinner(t *testing.T) {
	tenant := testKey(t, 1)
	order := mustSignOrder(t, sampleOrder(addr(tenant)), tenant)
	a, _ := NewAuction(testDomain, order, nil)
	tr, err := a.Close(t0.Add(time.Minute), NewKeySigner(tenant))
	if err != nil {
		t.Fatal(err)
	}
	_, winner, err := testDomain.Verify(&tr)
	if err != nil || winner != nil || tr.Winner != (common.Hash{}) {
		t.Errorf("Verify = %v, %v (winner field %s); want no winner, no error", winner, err, tr.Winner.Hex())
	}
	if _, err := a.Close(t0, NewKeySigner(testKey(t, 2))); !errors.Is(err, ErrClosed) {
		t.Errorf("Close twice: %v", err)
	}
	b, _ := NewAuction(testDomain, order, nil)
	if _, err := b.Close(t0, NewKeySigner(testKey(t, 2))); err == nil {
		t.Error("Close signed by a key other than the tenant's succeeded")
	}
}
