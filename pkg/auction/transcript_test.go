package auction

import (
	"bytes"
	"errors"
	"fmt"
	"math/big"
	"os"
	"strings"
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
	_, got, order, winner := wireRoundTrip(t, tr)
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
			wantVerify(t, &tr, c.want)
		})
	}
}

// wireRoundTrip encodes tr, decodes it back (unchanged, or the test
// fails) and verifies it: the wire bytes, the decoded transcript, its
// order and its winner.
func wireRoundTrip(t *testing.T, tr Transcript) ([]byte, Transcript, VerifiedOrder, *VerifiedBid) {
	t.Helper()
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
	return data, got, order, winner
}

// wantVerify checks that Verify passes tr (want nil) or fails it with an
// error matching want.
func wantVerify(t *testing.T, tr *Transcript, want error) {
	t.Helper()
	_, _, err := testDomain.Verify(tr)
	if want == nil {
		if err != nil {
			t.Fatalf("Verify: %v", err)
		}
		return
	}
	if !errors.Is(err, want) {
		t.Fatalf("Verify error = %v, want %v", err, want)
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

// floorAuction runs an auction with a reputation floor of 10: the cheapest
// bid comes from a provider of reputation 3, the next two qualify, the
// dearest misses a requirement as well as the floor.
func floorAuction(t *testing.T) (Transcript, []common.Address) {
	t.Helper()
	tenant := testKey(t, 1)
	order := mustSignOrder(t, sampleOrder(addr(tenant)), tenant)
	providers := []common.Address{addr(testKey(t, 10)), addr(testKey(t, 11)), addr(testKey(t, 12)), addr(testKey(t, 13))}
	reps := map[common.Address]uint64{providers[0]: 3, providers[1]: 20, providers[2]: 10, providers[3]: 0}
	a, err := NewAuction(testDomain, order, func(p common.Address) uint64 { return reps[p] }, WithMinReputation(10))
	if err != nil {
		t.Fatal(err)
	}
	for i, price := range []int64{1_000_000, 2_000_000, 2_500_000, 500_000} {
		k := testKey(t, 10+i)
		b := sampleBid(order.Hash, addr(k), price)
		if i == 3 {
			b.Offer.MemoryMiB = 1
		}
		sb, err := testDomain.SignBid(b, NewKeySigner(k))
		if err != nil {
			t.Fatal(err)
		}
		v, err := a.Add(sb, t0.Add(time.Duration(i)*time.Second))
		if err != nil {
			t.Fatal(err)
		}
		if i == 0 && v.Reason != ReasonEligible {
			t.Errorf("verdict on arrival %+v: the floor applies at close, with the reputations of then", v)
		}
	}
	tr, err := a.Close(t0.Add(31*time.Second), NewKeySigner(tenant))
	if err != nil {
		t.Fatal(err)
	}
	return tr, providers
}

func TestTranscriptMinReputation(t *testing.T) {
	tr, providers := floorAuction(t)
	if tr.Rule != RuleLowestPrice || tr.MinReputation != 10 {
		t.Errorf("rule %q with floor %d, want %q with 10", tr.Rule, tr.MinReputation, RuleLowestPrice)
	}
	wantReasons := []Reason{ReasonReputation, "", "", ReasonMemory}
	for i, e := range tr.Entries {
		if e.Bid.Bid.Provider != providers[i] || e.Reason != wantReasons[i] {
			t.Errorf("entry %d: %s %q, want %s %q", i, e.Bid.Bid.Provider.Hex(), e.Reason, providers[i].Hex(), wantReasons[i])
		}
	}
	data, back, _, winner := wireRoundTrip(t, tr)
	if !bytes.Contains(data, []byte(`{"v":3,`)) || !bytes.Contains(data, []byte(`"minReputation":10`)) {
		t.Errorf("wire encoding %.80s..., want version 3 with minReputation", data)
	}
	if winner == nil || winner.Bid.Provider != providers[1] {
		t.Fatalf("winner %v, want the cheapest bid at or above the floor, from %s", winner, providers[1].Hex())
	}
	// The fallback order: qualifying bids only, best first.
	ranked, err := testDomain.Ranked(&back)
	if err != nil {
		t.Fatal(err)
	}
	var got []common.Address
	for _, b := range ranked {
		got = append(got, b.Bid.Provider)
	}
	if d := cmp.Diff([]common.Address{providers[1], providers[2]}, got); d != "" {
		t.Errorf("ranked providers (-want +got):\n%s", d)
	}
	// A floor of 0 is the rule without one: the cheapest bid wins.
	tenant := testKey(t, 1)
	order := mustSignOrder(t, sampleOrder(addr(tenant)), tenant)
	cands := make([]Candidate, len(tr.Entries))
	for i, e := range tr.Entries {
		cands[i] = Candidate{Bid: mustSignBid(t, e.Bid.Bid, testKey(t, 10+i)), Arrival: e.Arrival, Reputation: e.Reputation}
	}
	open, err := testDomain.NewTranscript(&order, cands, tr.ClosedAt, NewKeySigner(tenant))
	if err != nil {
		t.Fatal(err)
	}
	if _, w, err := testDomain.Verify(&open); err != nil || w == nil || w.Bid.Provider != providers[0] || open.MinReputation != 0 {
		t.Errorf("without a floor: winner %v, floor %d, %v; want %s", w, open.MinReputation, err, providers[0].Hex())
	}
}

// resignTranscript signs tr again as its tenant (test key 1): a tenant
// forging its own transcript.
func resignTranscript(t *testing.T, tr *Transcript) {
	t.Helper()
	h, err := testDomain.TranscriptHash(tr)
	if err != nil {
		t.Fatal(err)
	}
	if tr.Signature, err = NewKeySigner(testKey(t, 1)).SignHash(h); err != nil {
		t.Fatal(err)
	}
}

func TestTranscriptMinReputationTampering(t *testing.T) {
	resign := func(tr *Transcript) { resignTranscript(t, tr) }
	cases := []struct {
		name string
		edit func(*Transcript)
		want error
	}{
		{"untouched", func(*Transcript) {}, nil},
		{"floor lowered, same outcome: the signature covers it", func(tr *Transcript) { tr.MinReputation = 4 }, ErrBadSignature},
		{"floor lowered past a bid", func(tr *Transcript) { tr.MinReputation = 3 }, ErrInvalid},
		{"floor removed", func(tr *Transcript) { tr.MinReputation = 0 }, ErrInvalid},
		{"floor raised", func(tr *Transcript) { tr.MinReputation = 21 }, ErrInvalid},
		{"floor lowered and re-signed: the reasons no longer follow", func(tr *Transcript) { tr.MinReputation = 3; resign(tr) }, ErrInvalid},
		{"floor lowered, reasons and winner rewritten, re-signed: it verifies as what it now says", func(tr *Transcript) {
			tr.MinReputation = 3
			tr.Entries[0].Reason = ReasonEligible
			tr.Winner = testDomain.BidHash(&tr.Entries[0].Bid.Bid)
			tr.Winners = []common.Hash{tr.Winner}
			resign(tr)
		}, nil},
		{"reputation below the floor raised, still below", func(tr *Transcript) { tr.Entries[0].Reputation = 9 }, ErrBadSignature},
		{"reputation raised to the floor", func(tr *Transcript) { tr.Entries[0].Reputation = 10 }, ErrInvalid},
		{"reason below the floor hidden and re-signed", func(tr *Transcript) { tr.Entries[0].Reason = ReasonEligible; resign(tr) }, ErrInvalid},
		{"floor under the old rule", func(tr *Transcript) { tr.Rule = RuleLowestPriceV1; resign(tr) }, ErrInvalid},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			tr, _ := floorAuction(t)
			c.edit(&tr)
			wantVerify(t, &tr, c.want)
		})
	}
}

// TestTranscriptV1 reads a transcript as this package wrote it before the
// reputation floor (wire version 1, rule tender/lowest-price/1, hashed
// without minReputation): it still decodes and verifies, and keeps its
// digest. (Its order and bids were re-signed when Job gained expose, and
// again when Order gained verify, each of which changed every order's
// digest.)
func TestTranscriptV1(t *testing.T) {
	data, err := os.ReadFile("testdata/transcript-v1.json")
	if err != nil {
		t.Fatal(err)
	}
	tr, err := DecodeTranscript(data)
	if err != nil {
		t.Fatal(err)
	}
	if tr.Rule != RuleLowestPriceV1 || tr.MinReputation != 0 || len(tr.Winners) != 1 || tr.Winners[0] != tr.Winner {
		t.Fatalf("rule %q, floor %d, winners %s; want %q with none, and the winner %s alone", tr.Rule, tr.MinReputation, hashesText(tr.Winners), RuleLowestPriceV1, tr.Winner.Hex())
	}
	_, winner, err := testDomain.Verify(&tr)
	if err != nil || winner == nil || winner.Bid.PricePerHour.Int64() != 2_000_000 {
		t.Fatalf("Verify = %v, %v; want the 2,000,000 bid", winner, err)
	}
	const golden = "0xa94983ed33b1aac6f88e637cde1ee2ad8d9a3964e50cbb7d905ff96d7aeb8aec"
	if h, err := testDomain.TranscriptHash(&tr); err != nil || h.Hex() != golden {
		t.Errorf("digest %s (%v), golden %s", h.Hex(), err, golden)
	}
	// Re-encoded, it travels as version 3 (with its winners) and still
	// verifies.
	again, err := EncodeTranscript(tr)
	if err != nil {
		t.Fatal(err)
	}
	back, err := DecodeTranscript(again)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(again, []byte(`{"v":3,`)) || !bytes.Contains(again, []byte(`"winners":["`+tr.Winner.Hex())) {
		t.Errorf("re-encoded as %.60s..., want version 3 with its winners", again)
	}
	if _, _, err := testDomain.Verify(&back); err != nil {
		t.Errorf("re-encoded: %v", err)
	}

	tests := []struct {
		name string
		data []byte
		want error
		says string
	}{
		{"version 1 with a floor", bytes.Replace(data, []byte(`"rule":`), []byte(`"minReputation":5,"rule":`), 1), ErrMalformed, "version 2 added it"},
		{"version 1 with winners", bytes.Replace(data, []byte(`"rule":`), []byte(`"winners":[],"rule":`), 1), ErrMalformed, "version 3 added them"},
		{"version 2 with winners", bytes.Replace(bytes.Replace(data, []byte(`{"v":1,`), []byte(`{"v":2,`), 1), []byte(`"rule":`), []byte(`"winners":[],"rule":`), 1), ErrMalformed, "transcript version 2 has no winners"},
		{"version 2 of the replicas rule", bytes.Replace(bytes.Replace(data, []byte(`{"v":1,`), []byte(`{"v":2,`), 1), []byte(RuleLowestPriceV1), []byte(RuleLowestPriceReplicas), 1), ErrMalformed, "which version 3 added"},
		{"version 4", bytes.Replace(data, []byte(`{"v":1,`), []byte(`{"v":4,`), 1), ErrUnknownVersion, "reads versions 1, 2 and 3"},
		{"version 0", bytes.Replace(data, []byte(`{"v":1,`), []byte(`{"v":0,`), 1), ErrUnknownVersion, "reads versions 1, 2 and 3"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := DecodeTranscript(tt.data)
			if !errors.Is(err, tt.want) || !strings.Contains(fmt.Sprint(err), tt.says) {
				t.Errorf("DecodeTranscript: %v, want %v saying %q", err, tt.want, tt.says)
			}
		})
	}
}
