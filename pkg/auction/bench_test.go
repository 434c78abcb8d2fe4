package auction

import (
	"math/rand/v2"
	"testing"
	"time"
)

// benchCandidates returns n verified candidates with varied prices,
// reputations and arrivals; about one in eight cannot win (price above max,
// too little memory, wrong region).
func benchCandidates(b *testing.B, order *VerifiedOrder, n int) []Candidate {
	b.Helper()
	rng := rand.New(rand.NewPCG(1, 2))
	keys := 64
	cands := make([]Candidate, n)
	for i := range cands {
		k := testKey(b, 1000+i%keys)
		bid := sampleBid(order.Hash, addr(k), 1_000_000+rng.Int64N(3_500_000))
		bid.Nonce = uint64(i)
		switch rng.IntN(24) {
		case 0:
			bid.Offer.MemoryMiB = 1
		case 1:
			bid.Offer.Attributes = bid.Offer.Attributes[1:]
		}
		cands[i] = Candidate{Bid: mustSignBid(b, bid, k), Arrival: t0.Add(time.Duration(rng.IntN(30_000)) * time.Millisecond), Reputation: uint64(rng.IntN(5))}
	}
	return cands
}

// BenchmarkSelectWinner measures the winner rule alone (eligibility and
// comparison of already-verified bids): target >= 1,000,000 bids/s on one
// core.
func BenchmarkSelectWinner(b *testing.B) {
	tenant := testKey(b, 1)
	order := mustSignOrder(b, sampleOrder(addr(tenant)), tenant)
	const n = 1000
	cands := benchCandidates(b, &order, n)
	closed := t0.Add(31 * time.Second)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if out := SelectWinner(&order, cands, closed); out.Winner < 0 {
			b.Fatal("no winner")
		}
	}
	b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "bids/s")
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(n*b.N), "ns/bid")
}

// BenchmarkVerifyBid measures the signature check every received bid costs
// (EIP-712 hashing plus secp256k1 recovery), apart from the winner rule.
func BenchmarkVerifyBid(b *testing.B) {
	tenant, provider := testKey(b, 1), testKey(b, 2)
	order := mustSignOrder(b, sampleOrder(addr(tenant)), tenant)
	sb, err := testDomain.SignBid(sampleBid(order.Hash, addr(provider), 100), NewKeySigner(provider))
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := testDomain.VerifyBid(sb); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "bids/s")
}

// BenchmarkReadBid measures a bid off the wire: size cap, strict JSON
// decoding, validation and signature check.
func BenchmarkReadBid(b *testing.B) {
	tenant, provider := testKey(b, 1), testKey(b, 2)
	order := mustSignOrder(b, sampleOrder(addr(tenant)), tenant)
	sb, err := testDomain.SignBid(sampleBid(order.Hash, addr(provider), 100), NewKeySigner(provider))
	if err != nil {
		b.Fatal(err)
	}
	data, err := EncodeBid(sb)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := testDomain.ReadBid(data, &order, t0); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "bids/s")
}

// BenchmarkVerifyTranscript measures re-checking a 50-bid transcript.
func BenchmarkVerifyTranscript(b *testing.B) {
	tenant := testKey(b, 1)
	order := mustSignOrder(b, sampleOrder(addr(tenant)), tenant)
	cands := benchCandidates(b, &order, 50)
	tr, err := testDomain.NewTranscript(&order, cands, t0.Add(31*time.Second), NewKeySigner(tenant))
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := testDomain.Verify(&tr); err != nil {
			b.Fatal(err)
		}
	}
}
