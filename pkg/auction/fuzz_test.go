package auction

import (
	"bytes"
	"cmp"
	"math/big"
	"os"
	"slices"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"

	"github.com/tender-market/tender/pkg/result"
)

func FuzzReadOrder(f *testing.F) {
	so, err := testDomain.SignOrder(sampleOrder(addr(testKey(f, 1))), NewKeySigner(testKey(f, 1)))
	if err != nil {
		f.Fatal(err)
	}
	data, _ := EncodeOrder(so)
	f.Add(data)
	f.Add(bytes.Replace(data, []byte(`"v":1`), []byte(`"v":2`), 1))
	f.Add(bytes.Replace(data, []byte(`"4000000"`), []byte(`"4000001"`), 1))
	f.Add([]byte(`{"v":1}`))
	f.Add([]byte(`{"v":1,"order":{"requirements":{"gpuModels":[""]}}}`))
	replicated, err := testDomain.SignOrder(replicatedOrder(addr(testKey(f, 1))), NewKeySigner(testKey(f, 1)))
	if err != nil {
		f.Fatal(err)
	}
	data, _ = EncodeOrder(replicated)
	f.Add(data)
	f.Add(bytes.Replace(data, []byte(`"replicas":2`), []byte(`"replicas":1,"spotCheckBps":1`), 1))
	f.Add(bytes.Replace(data, []byte(`"metrics"`), []byte(`"model.json"`), 1))
	f.Add(bytes.Replace(data, []byte(`"paths":[`), []byte(`"paths":["../x",`), 1))
	f.Fuzz(func(t *testing.T, data []byte) {
		vo, err := testDomain.ReadOrder(data, t0)
		if err != nil {
			return
		}
		// Whatever is accepted re-encodes into something accepted, with the
		// same hash: no two readings of one signed order.
		again, err := EncodeOrder(vo.SignedOrder)
		if err != nil {
			t.Fatalf("re-encode accepted order: %v", err)
		}
		vo2, err := testDomain.ReadOrder(again, t0)
		if err != nil || vo2.Hash != vo.Hash {
			t.Fatalf("re-read: %v, hash %s vs %s", err, vo2.Hash.Hex(), vo.Hash.Hex())
		}
		// An accepted verify is a plain order, or a replicated or
		// spot-checked one with paths pkg/result can digest.
		v := vo.Order.Verify
		if !v.IsZero() && (len(v.Paths) == 0 || !v.Held() || result.CheckPaths(v.Paths) != nil) {
			t.Fatalf("accepted verify %+v", v)
		}
	})
}

func FuzzReadBid(f *testing.F) {
	tenant, provider := testKey(f, 1), testKey(f, 2)
	order := mustSignOrder(f, sampleOrder(addr(tenant)), tenant)
	sb, err := testDomain.SignBid(sampleBid(order.Hash, addr(provider), 100), NewKeySigner(provider))
	if err != nil {
		f.Fatal(err)
	}
	data, _ := EncodeBid(sb)
	f.Add(data)
	f.Add(bytes.Replace(data, []byte(`"count":2`), []byte(`"count":0`), 1))
	f.Add(bytes.Replace(data, []byte(`"100"`), []byte(`"99"`), 1))
	f.Add([]byte(`{"v":1,"bid":{"pricePerHour":"1"}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		vb, err := testDomain.ReadBid(data, &order, t0)
		if err != nil {
			return
		}
		if vb.Bid.OrderHash != order.Hash {
			t.Fatalf("accepted a bid for order %s", vb.Bid.OrderHash.Hex())
		}
		if got, err := Recover(vb.Hash, vb.Signature); err != nil || got != vb.Bid.Provider {
			t.Fatalf("accepted a bid not signed by its provider: %s, %v", got.Hex(), err)
		}
	})
}

func FuzzReadNoBid(f *testing.F) {
	tenant, provider := testKey(f, 1), testKey(f, 2)
	order := mustSignOrder(f, sampleOrder(addr(tenant)), tenant)
	nb, err := testDomain.SignNoBid(NoBid{OrderHash: order.Hash, Provider: addr(provider), PeerID: testPeer, Reason: ReasonBusy, Detail: "has 0 free GPUs"}, NewKeySigner(provider))
	if err != nil {
		f.Fatal(err)
	}
	data, _ := EncodeNoBid(nb)
	f.Add(data)
	f.Add(bytes.Replace(data, []byte(`"busy"`), []byte(`"BUSY"`), 1))
	f.Add([]byte(`{"v":1,"noBid":{}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		got, err := testDomain.ReadNoBid(data, &order, t0)
		if err != nil {
			return
		}
		if got.NoBid.OrderHash != order.Hash || len(got.NoBid.Detail) > 512 {
			t.Fatalf("accepted a no-bid for order %s with %d bytes of detail", got.NoBid.OrderHash.Hex(), len(got.NoBid.Detail))
		}
		if signer, err := Recover(testDomain.NoBidHash(&got.NoBid), got.Signature); err != nil || signer != got.NoBid.Provider {
			t.Fatalf("accepted a no-bid not signed by its provider: %s, %v", signer.Hex(), err)
		}
	})
}

func FuzzDecodeTranscript(f *testing.F) {
	tr := fuzzTranscript(f)
	data, err := EncodeTranscript(tr)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(data)
	f.Add(bytes.Replace(data, []byte(`"reputation":0`), []byte(`"reputation":1`), 1))
	f.Add([]byte(`{"v":1,"rule":"tender/lowest-price/1","entries":[{}]}`))
	floored, err := EncodeTranscript(fuzzTranscript(f, WithMinReputation(11)))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(floored)
	f.Add(bytes.Replace(floored, []byte(`"minReputation":11`), []byte(`"minReputation":10`), 1))
	if legacy, err := os.ReadFile("testdata/transcript-v1.json"); err == nil {
		f.Add(legacy)
	}
	replicated, err := EncodeTranscript(replicaAuctionF(f))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(replicated)
	f.Add(bytes.Replace(replicated, []byte(`"winners":["`), []byte(`"winners":["0x00`), 1))
	f.Fuzz(func(t *testing.T, data []byte) {
		tr, err := DecodeTranscript(data)
		if err != nil {
			return
		}
		_, winner, err := testDomain.Verify(&tr)
		if err != nil {
			return
		}
		if winner != nil && (winner.Hash != tr.Winner || !winner.Verified()) {
			t.Fatalf("verified transcript names %s, rule gives %s", tr.Winner.Hex(), winner.Hash.Hex())
		}
		checkDistinctWinners(t, &tr)
	})
}

// checkDistinctWinners fails t unless the winners of a verified
// transcript are as many as its rule allows, from distinct providers,
// and Winners agrees.
func checkDistinctWinners(t *testing.T, tr *Transcript) {
	t.Helper()
	order, winners, err := testDomain.VerifyWinners(tr)
	if err != nil {
		t.Fatalf("VerifyWinners of a verified transcript: %v", err)
	}
	limit := 1
	if tr.Rule == RuleLowestPriceReplicas {
		limit = int(order.Order.Verify.Replicas)
	}
	if len(winners) > limit {
		t.Fatalf("%d winners under %q, at most %d", len(winners), tr.Rule, limit)
	}
	addrs, peers := map[common.Address]bool{}, map[string]bool{}
	for _, w := range winners {
		if addrs[w.Bid.Provider] || peers[w.Bid.PeerID] {
			t.Fatalf("two winners from %s / %s", w.Bid.Provider.Hex(), w.Bid.PeerID)
		}
		addrs[w.Bid.Provider], peers[w.Bid.PeerID] = true, true
	}
	ws, spares, err := testDomain.Winners(tr)
	if err != nil || len(ws) != len(winners) {
		t.Fatalf("Winners: %d winners, %v; VerifyWinners gives %d", len(ws), err, len(winners))
	}
	if tr.Rule == RuleLowestPriceReplicas && len(winners) < int(order.Order.Verify.Replicas) && len(spares) > 0 {
		t.Fatalf("%d winners of %d replicas, with %d distinct spares", len(winners), order.Order.Verify.Replicas, len(spares))
	}
}

// replicaAuctionF is replicaAuction for a fuzz target's seeds.
func replicaAuctionF(f *testing.F) Transcript {
	order := replicatedOrderOf(f, 2)
	cands := replicaCandidates(f, &order, []replicaSpec{{bidSpec{key: 10, price: 100}, ""}, {bidSpec{key: 11, price: 150}, ""}, {bidSpec{key: 12, price: 200}, testPeer3}})
	tr, err := testDomain.NewTranscript(&order, cands, t0.Add(31*time.Second), NewKeySigner(testKey(f, 1)))
	if err != nil {
		f.Fatal(err)
	}
	return tr
}

// FuzzSelectReplicaWinners checks the replicas rule on bid sets built from
// the fuzzer's bytes, 4 bytes a bid (key, peer, price, kind), for k of 2
// or 3: the winners are eligible, from distinct addresses and peers, as
// many as k or the distinct qualifying providers allow, best first, no
// qualifying bid of a fresh provider ranks above the last winner, every
// other qualifying bid is a duplicate_provider or a spare, permuting the
// bids changes nothing, and the transcript verifies.
func FuzzSelectReplicaWinners(f *testing.F) {
	peers := []string{testPeer, testPeer3, testPeer4}
	f.Add([]byte{0, 0, 10, 0, 1, 1, 20, 0, 2, 2, 30, 0}, uint8(2))
	f.Add([]byte{0, 0, 10, 0, 1, 0, 5, 0, 2, 1, 30, 0, 3, 2, 40, 0}, uint8(3))
	f.Add([]byte{0, 0, 10, 0, 0, 1, 20, 1, 1, 1, 5, 0, 2, 2, 255, 0}, uint8(2))
	f.Add([]byte{0, 0, 1, 2, 1, 0, 1, 0, 2, 0, 1, 0}, uint8(3))
	f.Fuzz(func(t *testing.T, spec []byte, k uint8) {
		k = 2 + k%2
		order := replicatedOrderOf(t, k)
		if len(spec) > 4*8 {
			spec = spec[:4*8]
		}
		var cands []Candidate
		for i := 0; i+4 <= len(spec); i += 4 {
			key, peer, price, kind := int(spec[i])%5, peers[int(spec[i+1])%len(peers)], int64(spec[i+2])+1, spec[i+3]%4
			b := sampleBid(order.Hash, addr(testKey(t, 10+key)), price*100_000)
			b.PeerID, b.Nonce = peer, uint64(i)
			switch kind {
			case 1:
				b.Offer.GPUs[0].Count = 1
			case 2:
				b.Expiry = uint64(t0.Unix()) + 10
			}
			cands = append(cands, Candidate{Bid: mustSignBid(t, b, testKey(t, 10+key)), Arrival: t0.Add(time.Duration(i) * time.Millisecond)})
		}
		closed := t0.Add(31 * time.Second)
		out := SelectWinners(&order, cands, closed)
		addrs, ps := map[common.Address]bool{}, map[string]bool{}
		for n, w := range out.Winners {
			b := &cands[w].Bid.Bid
			if out.Reasons[w] != ReasonEligible || addrs[b.Provider] || ps[b.PeerID] {
				t.Fatalf("winner %d: reason %q, provider or peer already winning", w, out.Reasons[w])
			}
			addrs[b.Provider], ps[b.PeerID] = true, true
			if n > 0 && !better(&cands[out.Winners[n-1]], &cands[w]) {
				t.Fatalf("winners %v not best first", out.Winners)
			}
		}
		if len(out.Winners) > int(k) {
			t.Fatalf("%d winners of %d replicas", len(out.Winners), k)
		}
		for i, r := range out.Reasons {
			if r != ReasonEligible || slices.Contains(out.Winners, i) {
				continue
			}
			b := &cands[i].Bid.Bid
			if len(out.Winners) < int(k) {
				t.Fatalf("bid %d qualifies from a fresh provider, but only %d of %d replicas won", i, len(out.Winners), k)
			}
			if !addrs[b.Provider] && !ps[b.PeerID] && better(&cands[i], &cands[out.Winners[len(out.Winners)-1]]) {
				t.Fatalf("bid %d of a fresh provider beats the last winner", i)
			}
		}
		perm := slices.Clone(cands)
		slices.Reverse(perm)
		got := SelectWinners(&order, perm, closed)
		if len(got.Winners) != len(out.Winners) {
			t.Fatalf("permuted: %d winners, %d before", len(got.Winners), len(out.Winners))
		}
		for n := range got.Winners {
			if perm[got.Winners[n]].Bid.Hash != cands[out.Winners[n]].Bid.Hash {
				t.Fatalf("permuted: winner %d differs", n)
			}
		}
		tr, err := testDomain.NewTranscript(&order, cands, closed, NewKeySigner(testKey(t, 1)))
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := testDomain.Verify(&tr); err != nil {
			t.Fatalf("transcript does not verify: %v", err)
		}
		checkDistinctWinners(t, &tr)
	})
}

// fuzzTranscript is an auction of three bids, the cheapest from the
// provider of the lowest reputation (10, 11, 12, dearest first).
func fuzzTranscript(f *testing.F, opts ...RuleOption) Transcript {
	tenant := testKey(f, 1)
	order := mustSignOrder(f, sampleOrder(addr(tenant)), tenant)
	reps := map[common.Address]uint64{}
	for i := range 3 {
		reps[addr(testKey(f, 10+i))] = uint64(12 - i)
	}
	rep := func(p common.Address) uint64 { return reps[p] }
	if len(opts) == 0 {
		rep = nil
	}
	a, _ := NewAuction(testDomain, order, rep, opts...)
	for i := range 3 {
		k := testKey(f, 10+i)
		sb, err := testDomain.SignBid(sampleBid(order.Hash, addr(k), int64(100-i)), NewKeySigner(k))
		if err != nil {
			f.Fatal(err)
		}
		if _, err := a.Add(sb, t0); err != nil {
			f.Fatal(err)
		}
	}
	tr, err := a.Close(t0.Add(time.Minute), NewKeySigner(tenant))
	if err != nil {
		f.Fatal(err)
	}
	return tr
}

// FuzzSelectWinner checks the winner rule's properties on bid sets built from
// the fuzzer's bytes, 5 bytes a bid, with a reputation floor of rot>>6:
// permuting the bids never changes the winner, a forged bid never wins, the
// winner is eligible and no eligible bid beats it, a bid below the floor
// is never eligible, and the transcript of the auction verifies.
func FuzzSelectWinner(f *testing.F) {
	tenant := testKey(f, 1)
	order := mustSignOrder(f, sampleOrder(addr(tenant)), tenant)
	const pool = 6
	f.Add([]byte{0, 10, 0, 0, 0, 1, 10, 0, 0, 0}, uint8(1))
	f.Add([]byte{0, 10, 1, 5, 0, 1, 10, 1, 5, 0, 2, 10, 1, 5, 0}, uint8(2))
	f.Add([]byte{0, 1, 0, 0, 1, 1, 2, 0, 0, 2, 2, 3, 0, 0, 3, 3, 4, 0, 0, 4}, uint8(3))
	f.Add([]byte{5, 255, 3, 9, 5, 4, 7, 3, 1, 6, 3, 7, 2, 1, 7}, uint8(0))
	f.Add([]byte{0, 1, 0, 0, 0, 1, 2, 3, 0, 0, 2, 3, 2, 0, 1}, uint8(2<<6|1)) // floor 2: the cheapest (reputation 0) loses
	f.Add([]byte{0, 1, 1, 0, 0, 1, 1, 2, 0, 0}, uint8(3<<6))                  // floor 3: nobody qualifies
	f.Fuzz(func(t *testing.T, spec []byte, rot uint8) {
		floor := uint64(rot >> 6)
		if len(spec) > 5*pool {
			spec = spec[:5*pool]
		}
		var cands []Candidate
		var forged []int
		for i := 0; i+5 <= len(spec); i += 5 {
			key, price, rep, arrive, kind := int(spec[i])%pool, int64(spec[i+1]), uint64(spec[i+2]%4), time.Duration(spec[i+3]%8)*time.Second, spec[i+4]%8
			k := testKey(t, 10+key)
			b := sampleBid(order.Hash, addr(k), (price+1)*100_000) // up to 25,600,000: some above max
			switch kind {
			case 1:
				b.Offer.GPUs[0].Count = 1 // mismatch
			case 2:
				b.Expiry = uint64(t0.Unix()) + 10 // expires before close
			case 3:
				arrive = 40 * time.Second // late
			}
			b.Nonce = uint64(i)
			sb, err := testDomain.SignBid(b, NewKeySigner(k))
			if err != nil {
				t.Fatal(err)
			}
			if kind == 4 || kind == 5 {
				// Forged after signing: cheaper, or claiming a cheaper rival's key.
				if kind == 4 {
					sb.Bid.PricePerHour = big.NewInt(0).Add(big.NewInt(0), big.NewInt(1))
				} else {
					sb.Bid.Provider = addr(testKey(t, 10+(key+1)%pool))
				}
				if _, err := testDomain.VerifyBid(sb); err == nil {
					t.Fatal("a forged bid verified")
				}
				forged = append(forged, len(cands))
				cands = append(cands, Candidate{Bid: VerifiedBid{SignedBid: sb, Hash: testDomain.BidHash(&sb.Bid)}, Arrival: t0.Add(arrive), Reputation: rep})
				continue
			}
			vb, err := testDomain.VerifyBid(sb)
			if err != nil {
				t.Fatal(err)
			}
			cands = append(cands, Candidate{Bid: vb, Arrival: t0.Add(arrive), Reputation: rep})
		}
		closed := t0.Add(31 * time.Second)
		out := SelectWinner(&order, cands, closed, WithMinReputation(floor))

		if slices.Contains(forged, out.Winner) {
			t.Fatalf("forged bid %d won", out.Winner)
		}
		// Reference: the eligible bids, sorted by the rule's key.
		var eligible []int
		for i, r := range out.Reasons {
			if r == ReasonEligible {
				eligible = append(eligible, i)
			}
			if below := cands[i].Reputation < floor; below && r == ReasonEligible || !below && r == ReasonReputation {
				t.Fatalf("bid %d of reputation %d under floor %d: reason %q", i, cands[i].Reputation, floor, r)
			}
		}
		if len(eligible) == 0 {
			if out.Winner != -1 {
				t.Fatalf("winner %d although no bid is eligible", out.Winner)
			}
		} else {
			slices.SortFunc(eligible, func(a, b int) int {
				ca, cb := &cands[a], &cands[b]
				if c := ca.Bid.Bid.PricePerHour.Cmp(cb.Bid.Bid.PricePerHour); c != 0 {
					return c
				}
				if ca.Reputation != cb.Reputation {
					return -cmp.Compare(ca.Reputation, cb.Reputation)
				}
				if c := ca.Arrival.Compare(cb.Arrival); c != 0 {
					return c
				}
				if c := bytes.Compare(ca.Bid.Bid.Provider[:], cb.Bid.Bid.Provider[:]); c != 0 {
					return c
				}
				return bytes.Compare(ca.Bid.Hash[:], cb.Bid.Hash[:])
			})
			if out.Winner != eligible[0] {
				t.Fatalf("winner %d, the rule's order puts %d first", out.Winner, eligible[0])
			}
		}
		// Any permutation: rotate, then reverse.
		perm := slices.Clone(cands)
		if len(perm) > 0 {
			r := int(rot) % len(perm)
			perm = append(perm[r:], perm[:r]...)
		}
		slices.Reverse(perm)
		if got := SelectWinner(&order, perm, closed, WithMinReputation(floor)); !sameWinner(cands, out.Winner, perm, got.Winner) {
			t.Fatalf("permuted bids: winner %d, unpermuted %d", got.Winner, out.Winner)
		}
		// The transcript of the honest bids verifies and names the same winner.
		var honest []Candidate
		for i, c := range cands {
			if !slices.Contains(forged, i) {
				honest = append(honest, c)
			}
		}
		tr, err := testDomain.NewTranscript(&order, honest, closed, NewKeySigner(tenant), WithMinReputation(floor))
		if err != nil {
			t.Fatal(err)
		}
		_, w, err := testDomain.Verify(&tr)
		if err != nil {
			t.Fatalf("transcript does not verify: %v", err)
		}
		if (w == nil) != (out.Winner < 0) || (w != nil && w.Hash != cands[out.Winner].Bid.Hash) {
			t.Fatalf("transcript winner %v, rule winner %d", w, out.Winner)
		}
	})
}
