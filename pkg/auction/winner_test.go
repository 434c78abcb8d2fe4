package auction

import (
	"errors"
	"math/big"
	"slices"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
)

// bidSpec describes one candidate for a winner-rule table test.
type bidSpec struct {
	key      int   // provider key number
	price    int64 // per hour
	rep      uint64
	arrive   time.Duration // after t0
	edit     func(*Bid)
	unsigned bool // candidate never went through VerifyBid
}

func candidates(t testing.TB, order *VerifiedOrder, specs []bidSpec) []Candidate {
	t.Helper()
	out := make([]Candidate, len(specs))
	for i, s := range specs {
		b := sampleBid(order.Hash, addr(testKey(t, s.key)), s.price)
		if s.edit != nil {
			s.edit(&b)
		}
		var vb VerifiedBid
		if s.unsigned {
			vb = VerifiedBid{SignedBid: SignedBid{Bid: b}, Hash: testDomain.BidHash(&b)}
		} else {
			vb = mustSignBid(t, b, testKey(t, s.key))
		}
		out[i] = Candidate{Bid: vb, Arrival: t0.Add(s.arrive), Reputation: s.rep}
	}
	return out
}

func TestSelectWinner(t *testing.T) {
	order := mustSignOrder(t, sampleOrder(addr(testKey(t, 1))), testKey(t, 1))
	max := order.Order.MaxPricePerHour.Int64()
	closed := t0.Add(30 * time.Second)
	otherOrder := func(b *Bid) { b.OrderHash = common.HexToHash("0x01") }
	cases := []struct {
		name    string
		bids    []bidSpec
		winner  int // index, -1 for none
		reasons map[int]Reason
		floor   uint64 // WithMinReputation
	}{
		{name: "lowest price wins", bids: []bidSpec{{key: 10, price: 3_000_000}, {key: 11, price: 2_000_000}, {key: 12, price: 2_500_000}}, winner: 1},
		{name: "price equal to max qualifies", bids: []bidSpec{{key: 10, price: max}}, winner: 0},
		{name: "price one above max loses", bids: []bidSpec{{key: 10, price: max + 1}, {key: 11, price: max}}, winner: 1,
			reasons: map[int]Reason{0: ReasonPriceAboveMax}},
		{name: "all above max: no winner", bids: []bidSpec{{key: 10, price: max + 1}}, winner: -1, reasons: map[int]Reason{0: ReasonPriceAboveMax}},
		{name: "no bids: no winner", bids: nil, winner: -1},
		{name: "tie goes to higher reputation", bids: []bidSpec{{key: 10, price: 100, rep: 5}, {key: 11, price: 100, rep: 9}}, winner: 1},
		{name: "then to earlier arrival", bids: []bidSpec{{key: 10, price: 100, rep: 5, arrive: 2 * time.Second}, {key: 11, price: 100, rep: 5, arrive: time.Second}}, winner: 1},
		{name: "arrival is compared to the nanosecond", bids: []bidSpec{{key: 10, price: 100, arrive: 2}, {key: 11, price: 100, arrive: 1}}, winner: 1},
		{name: "then to lower provider address", bids: []bidSpec{{key: 10, price: 100}, {key: 11, price: 100}, {key: 12, price: 100}}, winner: lowestAddress(t, 10, 11, 12)},
		{name: "reputation does not beat a lower price", bids: []bidSpec{{key: 10, price: 99, rep: 0}, {key: 11, price: 100, rep: 1 << 60}}, winner: 0},
		{name: "late bid loses", bids: []bidSpec{{key: 10, price: 1, arrive: 30 * time.Second}, {key: 11, price: 2, arrive: 29*time.Second + 999*time.Millisecond}}, winner: 1,
			reasons: map[int]Reason{0: ReasonLate}},
		{name: "bid expired at close loses", bids: []bidSpec{{key: 10, price: 1, edit: func(b *Bid) { b.Expiry = uint64(closed.Unix()) }}, {key: 11, price: 2}}, winner: 1,
			reasons: map[int]Reason{0: ReasonBidExpired}},
		{name: "bid for another order loses", bids: []bidSpec{{key: 10, price: 1, edit: otherOrder}, {key: 11, price: 2}}, winner: 1,
			reasons: map[int]Reason{0: ReasonWrongOrder}},
		{name: "forged (unverified) bid never wins", bids: []bidSpec{{key: 10, price: 1, unsigned: true}, {key: 11, price: 2}}, winner: 1,
			reasons: map[int]Reason{0: ReasonUnverified}},
		{name: "requirement mismatch loses", bids: []bidSpec{{key: 10, price: 1, edit: func(b *Bid) { b.Offer.GPUs[0].Model = "Tesla T4" }}, {key: 11, price: 2}}, winner: 1,
			reasons: map[int]Reason{0: ReasonGPUModel}},
		{name: "simulated offer on a real order loses", bids: []bidSpec{{key: 10, price: 1, edit: func(b *Bid) { b.Offer.Simulated = true }}}, winner: -1,
			reasons: map[int]Reason{0: ReasonSimulated}},
		{name: "below the floor loses even when cheapest", bids: []bidSpec{{key: 10, price: 1, rep: 9}, {key: 11, price: 3, rep: 50}, {key: 12, price: 2, rep: 10}}, floor: 10, winner: 2,
			reasons: map[int]Reason{0: ReasonReputation}},
		{name: "at the floor qualifies", bids: []bidSpec{{key: 10, price: 1, rep: 10}}, floor: 10, winner: 0},
		{name: "everyone below the floor: no winner", bids: []bidSpec{{key: 10, price: 1}, {key: 11, price: 2, rep: 1}}, floor: 2, winner: -1,
			reasons: map[int]Reason{0: ReasonReputation, 1: ReasonReputation}},
		{name: "a missed requirement is told before the floor", bids: []bidSpec{{key: 10, price: 1, edit: func(b *Bid) { b.Offer.DiskMiB = 1 }}, {key: 11, price: max + 1}}, floor: 1, winner: -1,
			reasons: map[int]Reason{0: ReasonDisk, 1: ReasonPriceAboveMax}},
		{name: "the floor is the largest uint64", bids: []bidSpec{{key: 10, price: 2, rep: 1<<64 - 2}, {key: 11, price: 3, rep: 1<<64 - 1}}, floor: 1<<64 - 1, winner: 1,
			reasons: map[int]Reason{0: ReasonReputation}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cands := candidates(t, &order, c.bids)
			out := SelectWinner(&order, cands, closed, WithMinReputation(c.floor))
			if out.Winner != c.winner {
				t.Fatalf("winner %d, want %d (reasons %q)", out.Winner, c.winner, out.Reasons)
			}
			for i, r := range out.Reasons {
				want := c.reasons[i]
				if r != want {
					t.Errorf("reason of bid %d = %q, want %q", i, r, want)
				}
			}
			// Same bids in reverse order: same winning bid.
			rev := slices.Clone(cands)
			slices.Reverse(rev)
			if got := SelectWinner(&order, rev, closed, WithMinReputation(c.floor)); !sameWinner(cands, out.Winner, rev, got.Winner) {
				t.Errorf("reversed input changed the winner: %d vs %d", out.Winner, got.Winner)
			}
		})
	}
	t.Run("unverified order: nothing wins", func(t *testing.T) {
		cands := candidates(t, &order, []bidSpec{{key: 10, price: 1}})
		bad := order
		bad.ok = false
		if out := SelectWinner(&bad, cands, closed); out.Winner != -1 || out.Reasons[0] != ReasonUnverified {
			t.Errorf("got %+v, want no winner and %q", out, ReasonUnverified)
		}
	})
}

func sameWinner(a []Candidate, i int, b []Candidate, j int) bool {
	if i < 0 || j < 0 {
		return i == j
	}
	return a[i].Bid.Hash == b[j].Bid.Hash
}

func lowestAddress(t *testing.T, keys ...int) int {
	best := 0
	for i, k := range keys {
		if addr(testKey(t, k)).Cmp(addr(testKey(t, keys[best]))) < 0 {
			best = i
		}
	}
	return best
}

func TestAuctionAdd(t *testing.T) {
	tenant := testKey(t, 1)
	order := mustSignOrder(t, sampleOrder(addr(tenant)), tenant)
	other := sampleOrder(addr(tenant))
	other.Nonce++
	otherOrder := mustSignOrder(t, other, tenant)
	sign := func(key int, price int64, edit func(*Bid)) SignedBid {
		b := sampleBid(order.Hash, addr(testKey(t, key)), price)
		if edit != nil {
			edit(&b)
		}
		sb, err := testDomain.SignBid(b, NewKeySigner(testKey(t, key)))
		if err != nil {
			t.Fatal(err)
		}
		return sb
	}
	first := sign(10, 100, nil)
	forged := sign(11, 100, nil)
	forged.Bid.PricePerHour = big.NewInt(1) // changed after signing
	impostor := sign(12, 100, nil)
	impostor.Bid.Provider = addr(testKey(t, 13)) // claims someone else's address
	highS := sign(14, 100, nil)
	flipS(&highS.Signature)

	cases := []struct {
		name    string
		bid     SignedBid
		arrival time.Time
		wantErr error
		verdict Reason
	}{
		{"first bid recorded", first, t0, nil, ReasonEligible},
		{"replay refused", first, t0.Add(time.Second), ErrReplayed, ""},
		{"second bid of a provider refused", sign(10, 90, func(b *Bid) { b.Nonce = 2 }), t0, ErrDuplicate, ""},
		{"forged price refused", forged, t0, ErrBadSignature, ""},
		{"bid claiming another provider refused", impostor, t0, ErrBadSignature, ""},
		{"high-s signature refused", highS, t0, ErrBadSignature, ""},
		{"bid for another order refused", sign(15, 100, func(b *Bid) { b.OrderHash = otherOrder.Hash }), t0, ErrWrongOrder, ""},
		{"late bid refused", sign(16, 100, nil), time.Unix(int64(order.Order.BidDeadline), 0), ErrLate, ""},
		// Whole seconds, rounded down, as docs/eip712.md says.
		{"bid half a second before the deadline recorded", sign(21, 100, nil), time.Unix(int64(order.Order.BidDeadline), 0).Add(-500 * time.Millisecond), nil, ReasonEligible},
		{"bid a nanosecond past the deadline refused", sign(22, 100, nil), time.Unix(int64(order.Order.BidDeadline), 1), ErrLate, ""},
		{"expired bid refused", sign(17, 100, func(b *Bid) { b.Expiry = uint64(t0.Unix()) }), t0, ErrExpired, ""},
		{"malformed bid refused", sign(18, 100, nil), t0, nil, ""}, // edited below
		{"price above max recorded, cannot win", sign(19, 4_000_001, nil), t0, nil, ReasonPriceAboveMax},
		{"mismatch recorded, cannot win", sign(20, 100, func(b *Bid) { b.Offer.CUDAVersion = 11000 }), t0, nil, ReasonCUDAVersion},
	}
	for i := range cases {
		if cases[i].name == "malformed bid refused" {
			cases[i].bid.Bid.PeerID = "not a peer id!"
			cases[i].wantErr = ErrInvalid
		}
	}

	a, err := NewAuction(testDomain, order, nil)
	if err != nil {
		t.Fatal(err)
	}
	recorded := 0
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			v, err := a.Add(c.bid, c.arrival)
			if c.wantErr != nil {
				if !errors.Is(err, c.wantErr) {
					t.Fatalf("Add error = %v, want %v", err, c.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("Add: %v", err)
			}
			recorded++
			if v.Reason != c.verdict || (v.Reason != "" && v.Detail == "") {
				t.Errorf("verdict %+v, want reason %q with detail", v, c.verdict)
			}
		})
	}
	if a.Len() != recorded {
		t.Errorf("auction holds %d bids, want %d", a.Len(), recorded)
	}
	tr, err := a.Close(t0.Add(30*time.Second), NewKeySigner(tenant))
	if err != nil {
		t.Fatal(err)
	}
	if tr.Winner != testDomain.BidHash(&first.Bid) {
		t.Errorf("winner %s, want the first bid", tr.Winner.Hex())
	}
	if _, err := a.Add(sign(21, 1, nil), t0); !errors.Is(err, ErrClosed) {
		t.Errorf("Add after Close: %v, want ErrClosed", err)
	}
	if _, err := a.Close(t0, NewKeySigner(tenant)); !errors.Is(err, ErrClosed) {
		t.Errorf("second Close: %v, want ErrClosed", err)
	}
}

// flipS turns a valid signature into its malleable twin (n - s, other v).
func flipS(sig *Signature) {
	n, _ := new(big.Int).SetString("fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141", 16)
	s := new(big.Int).Sub(n, new(big.Int).SetBytes(sig[32:64]))
	s.FillBytes(sig[32:64])
	sig[64] ^= 1 // 27 <-> 28
}

func TestAuctionConcurrentAdd(t *testing.T) {
	tenant := testKey(t, 1)
	order := mustSignOrder(t, sampleOrder(addr(tenant)), tenant)
	a, _ := NewAuction(testDomain, order, func(p common.Address) uint64 { return uint64(p[0]) })
	const n = 16
	bids := make([]SignedBid, n)
	for i := range bids {
		b := sampleBid(order.Hash, addr(testKey(t, 100+i)), int64(1000+i))
		sb, err := testDomain.SignBid(b, NewKeySigner(testKey(t, 100+i)))
		if err != nil {
			t.Fatal(err)
		}
		bids[i] = sb
	}
	errs := make(chan error, 2*n)
	for _, sb := range bids {
		for range 2 { // every bid twice: exactly one copy is recorded
			go func() { _, err := a.Add(sb, t0); errs <- err }()
		}
	}
	var refused int
	for range 2 * n {
		select {
		case err := <-errs:
			if errors.Is(err, ErrReplayed) {
				refused++
			} else if err != nil {
				t.Errorf("Add: %v", err)
			}
		case <-time.After(10 * time.Second):
			t.Fatal("Add did not return")
		}
	}
	if refused != n || a.Len() != n {
		t.Errorf("refused %d replays and recorded %d bids, want %d and %d", refused, a.Len(), n, n)
	}
	tr, err := a.Close(t0.Add(30*time.Second), NewKeySigner(tenant))
	if err != nil {
		t.Fatal(err)
	}
	if tr.Winner != testDomain.BidHash(&bids[0].Bid) {
		t.Errorf("winner %s, want the cheapest bid", tr.Winner.Hex())
	}
}
