package auction

import (
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/common/math"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/signer/core/apitypes"
)

// The schema as docs/eip712.md publishes it, written out field by field for
// go-ethereum's independent EIP-712 implementation.
var publishedTypes = apitypes.Types{
	"EIP712Domain": {{Name: "name", Type: "string"}, {Name: "version", Type: "string"}, {Name: "chainId", Type: "uint256"}, {Name: "verifyingContract", Type: "address"}},
	"Order": {{Name: "tenant", Type: "address"}, {Name: "auctioneer", Type: "string"}, {Name: "maxPricePerHour", Type: "uint256"}, {Name: "maxDuration", Type: "uint64"},
		{Name: "bidDeadline", Type: "uint64"}, {Name: "expiry", Type: "uint64"}, {Name: "nonce", Type: "uint64"}, {Name: "requirements", Type: "Requirements"}, {Name: "job", Type: "Job"},
		{Name: "verify", Type: "Verify"}},
	"Requirements": {{Name: "gpuCount", Type: "uint32"}, {Name: "gpuModels", Type: "string[]"}, {Name: "minVramMiB", Type: "uint64"}, {Name: "minComputeCapability", Type: "uint32"},
		{Name: "minCudaVersion", Type: "uint32"}, {Name: "cpuMillis", Type: "uint64"}, {Name: "memoryMiB", Type: "uint64"}, {Name: "diskMiB", Type: "uint64"},
		{Name: "placement", Type: "Attribute[]"}, {Name: "allowSimulated", Type: "bool"}},
	"Attribute": {{Name: "key", Type: "string"}, {Name: "value", Type: "string"}},
	"Job":       {{Name: "image", Type: "string"}, {Name: "command", Type: "string[]"}, {Name: "env", Type: "EnvVar[]"}, {Name: "network", Type: "bool"}, {Name: "expose", Type: "uint16[]"}},
	"EnvVar":    {{Name: "name", Type: "string"}, {Name: "value", Type: "string"}},
	"Verify":    {{Name: "replicas", Type: "uint8"}, {Name: "paths", Type: "string[]"}, {Name: "spotCheckBps", Type: "uint16"}},
	"Bid": {{Name: "orderHash", Type: "bytes32"}, {Name: "provider", Type: "address"}, {Name: "peerId", Type: "string"}, {Name: "pricePerHour", Type: "uint256"},
		{Name: "offer", Type: "Offer"}, {Name: "expiry", Type: "uint64"}, {Name: "nonce", Type: "uint64"}},
	"Offer": {{Name: "gpus", Type: "GPU[]"}, {Name: "cudaVersion", Type: "uint32"}, {Name: "cpuMillis", Type: "uint64"}, {Name: "memoryMiB", Type: "uint64"},
		{Name: "diskMiB", Type: "uint64"}, {Name: "attributes", Type: "Attribute[]"}, {Name: "simulated", Type: "bool"}},
	"GPU": {{Name: "model", Type: "string"}, {Name: "vramMiB", Type: "uint64"}, {Name: "computeCapability", Type: "uint32"}, {Name: "count", Type: "uint32"}},
	"Transcript": {{Name: "orderHash", Type: "bytes32"}, {Name: "rule", Type: "string"}, {Name: "minReputation", Type: "uint64"}, {Name: "closedAt", Type: "uint64"},
		{Name: "entries", Type: "TranscriptEntry[]"}, {Name: "winner", Type: "bytes32"}, {Name: "omitted", Type: "uint32"}},
	"TranscriptEntry": {{Name: "bidHash", Type: "bytes32"}, {Name: "arrival", Type: "uint64"}, {Name: "reputation", Type: "uint64"}},
	"LeaseAccess":     {{Name: "leaseId", Type: "bytes32"}, {Name: "provider", Type: "string"}, {Name: "op", Type: "string"}, {Name: "challenge", Type: "bytes32"}},
}

var publishedDomain = apitypes.TypedDataDomain{
	Name: "Tender", Version: "1", ChainId: (*math.HexOrDecimal256)(testDomain.ChainID256()), VerifyingContract: testDomain.Escrow.Hex(),
}

func attrsMsg(as []Attribute) []any {
	out := []any{}
	for _, a := range as {
		out = append(out, map[string]any{"key": a.Key, "value": a.Value})
	}
	return out
}

func strsMsg(ss []string) []any {
	out := []any{}
	for _, s := range ss {
		out = append(out, s)
	}
	return out
}

func orderMsg(o *Order) apitypes.TypedDataMessage {
	r := &o.Requirements
	env := []any{}
	for _, e := range o.Job.Env {
		env = append(env, map[string]any{"name": e.Name, "value": e.Value})
	}
	expose := []any{}
	for _, p := range o.Job.Expose {
		expose = append(expose, u(uint64(p)))
	}
	return apitypes.TypedDataMessage{
		"tenant": o.Tenant.Hex(), "auctioneer": o.Auctioneer, "maxPricePerHour": o.MaxPricePerHour.String(),
		"maxDuration": u(o.MaxDuration), "bidDeadline": u(o.BidDeadline), "expiry": u(o.Expiry), "nonce": u(o.Nonce),
		"requirements": map[string]any{
			"gpuCount": u(uint64(r.GPUCount)), "gpuModels": strsMsg(r.GPUModels), "minVramMiB": u(r.MinVRAMMiB),
			"minComputeCapability": u(uint64(r.MinComputeCapability)), "minCudaVersion": u(uint64(r.MinCUDAVersion)),
			"cpuMillis": u(r.CPUMillis), "memoryMiB": u(r.MemoryMiB), "diskMiB": u(r.DiskMiB),
			"placement": attrsMsg(r.Placement), "allowSimulated": r.AllowSimulated,
		},
		"job":    map[string]any{"image": o.Job.Image, "command": strsMsg(o.Job.Command), "env": env, "network": o.Job.Network, "expose": expose},
		"verify": map[string]any{"replicas": u(uint64(o.Verify.Replicas)), "paths": strsMsg(o.Verify.Paths), "spotCheckBps": u(uint64(o.Verify.SpotCheckBps))},
	}
}

func bidMsg(b *Bid) apitypes.TypedDataMessage {
	gpus := []any{}
	for _, g := range b.Offer.GPUs {
		gpus = append(gpus, map[string]any{"model": g.Model, "vramMiB": u(g.VRAMMiB), "computeCapability": u(uint64(g.ComputeCapability)), "count": u(uint64(g.Count))})
	}
	return apitypes.TypedDataMessage{
		"orderHash": b.OrderHash.Hex(), "provider": b.Provider.Hex(), "peerId": b.PeerID, "pricePerHour": b.PricePerHour.String(),
		"offer": map[string]any{
			"gpus": gpus, "cudaVersion": u(uint64(b.Offer.CUDAVersion)), "cpuMillis": u(b.Offer.CPUMillis), "memoryMiB": u(b.Offer.MemoryMiB),
			"diskMiB": u(b.Offer.DiskMiB), "attributes": attrsMsg(b.Offer.Attributes), "simulated": b.Offer.Simulated,
		},
		"expiry": u(b.Expiry), "nonce": u(b.Nonce),
	}
}

func transcriptMsg(tr *Transcript) apitypes.TypedDataMessage {
	entries := []any{}
	for _, e := range tr.Entries {
		entries = append(entries, map[string]any{"bidHash": testDomain.BidHash(&e.Bid.Bid).Hex(), "arrival": u(uint64(e.Arrival.UnixNano())), "reputation": u(e.Reputation)})
	}
	msg := apitypes.TypedDataMessage{
		"orderHash": testDomain.OrderHash(&tr.Order.Order).Hex(), "rule": tr.Rule, "closedAt": u(uint64(tr.ClosedAt.UnixNano())),
		"entries": entries, "winner": tr.Winner.Hex(), "omitted": u(uint64(tr.Omitted)),
	}
	if tr.Rule != RuleLowestPriceV1 {
		msg["minReputation"] = u(tr.MinReputation)
	}
	if tr.Rule == RuleLowestPriceReplicas {
		delete(msg, "winner")
		winners := []any{}
		for _, w := range tr.Winners {
			winners = append(winners, w.Hex())
		}
		msg["winners"] = winners
	}
	return msg
}

// replicasTypes is the schema of RuleLowestPriceReplicas transcripts:
// Transcript with every winner in place of the one.
func replicasTypes() apitypes.Types {
	types := apitypes.Types{}
	for k, v := range publishedTypes {
		types[k] = v
	}
	types["Transcript"] = []apitypes.Type{{Name: "orderHash", Type: "bytes32"}, {Name: "rule", Type: "string"}, {Name: "minReputation", Type: "uint64"},
		{Name: "closedAt", Type: "uint64"}, {Name: "entries", Type: "TranscriptEntry[]"}, {Name: "winners", Type: "bytes32[]"}, {Name: "omitted", Type: "uint32"}}
	return types
}

// v1Types is the schema of RuleLowestPriceV1 transcripts: Transcript
// without minReputation.
func v1Types() apitypes.Types {
	types := apitypes.Types{}
	for k, v := range publishedTypes {
		types[k] = v
	}
	types["Transcript"] = []apitypes.Type{{Name: "orderHash", Type: "bytes32"}, {Name: "rule", Type: "string"}, {Name: "closedAt", Type: "uint64"},
		{Name: "entries", Type: "TranscriptEntry[]"}, {Name: "winner", Type: "bytes32"}, {Name: "omitted", Type: "uint32"}}
	return types
}

func u(v uint64) string { return hexutil.EncodeUint64(v) }

func referenceDigest(t *testing.T, primary string, msg apitypes.TypedDataMessage) common.Hash {
	t.Helper()
	return referenceDigestOf(t, publishedTypes, primary, msg)
}

func referenceDigestOf(t *testing.T, types apitypes.Types, primary string, msg apitypes.TypedDataMessage) common.Hash {
	t.Helper()
	h, _, err := apitypes.TypedDataAndHash(apitypes.TypedData{Types: types, PrimaryType: primary, Domain: publishedDomain, Message: msg})
	if err != nil {
		t.Fatalf("apitypes %s: %v", primary, err)
	}
	return common.BytesToHash(h)
}

// TestKnownAnswer checks our digests and signatures against go-ethereum's
// independent EIP-712 implementation and against pinned golden values, so
// any change to the signed format is caught.
func TestKnownAnswer(t *testing.T) {
	tenant, provider := testKey(t, 1), testKey(t, 2)
	o := sampleOrder(addr(tenant))
	cpuOnly := sampleOrder(addr(tenant))
	cpuOnly.Requirements = Requirements{CPUMillis: 500, AllowSimulated: true}
	cpuOnly.Job = Job{Image: "busybox", Network: true}
	replicated := replicatedOrder(addr(tenant))
	spotChecked := sampleOrder(addr(tenant))
	spotChecked.Verify = Verify{Replicas: 1, Paths: []string{"model.json"}, SpotCheckBps: 1000}

	orderHash := testDomain.OrderHash(&o)
	b := sampleBid(orderHash, addr(provider), 3_500_000)
	b.Offer.Simulated = true
	access := LeaseAccess{LeaseID: testDomain.BidHash(&b), Provider: b.PeerID, Op: "status", Challenge: [32]byte{1, 2, 3}}
	tr := vectorTranscript(t)
	trV1 := tr
	trV1.Rule, trV1.MinReputation = RuleLowestPriceV1, 0
	trHash, _ := testDomain.TranscriptHash(&tr)
	trV1Hash, _ := testDomain.TranscriptHash(&trV1)
	trReplicas := vectorReplicatedTranscript(t)
	trReplicasHash, _ := testDomain.TranscriptHash(&trReplicas)

	cases := []struct {
		name   string
		ours   common.Hash
		theirs common.Hash
		golden string
	}{
		{"order", orderHash, referenceDigest(t, "Order", orderMsg(&o)), goldenOrder},
		{"cpu-only order", testDomain.OrderHash(&cpuOnly), referenceDigest(t, "Order", orderMsg(&cpuOnly)), ""},
		{"replicated order", testDomain.OrderHash(&replicated), referenceDigest(t, "Order", orderMsg(&replicated)), goldenReplicatedOrder},
		{"spot-checked order", testDomain.OrderHash(&spotChecked), referenceDigest(t, "Order", orderMsg(&spotChecked)), ""},
		{"bid", testDomain.BidHash(&b), referenceDigest(t, "Bid", bidMsg(&b)), goldenBid},
		{"lease access", testDomain.LeaseAccessHash(&access), referenceDigest(t, "LeaseAccess", apitypes.TypedDataMessage{
			"leaseId": access.LeaseID.Hex(), "provider": access.Provider, "op": access.Op, "challenge": hexutil.Encode(access.Challenge[:]),
		}), ""},
		{"transcript", trHash, referenceDigest(t, "Transcript", transcriptMsg(&tr)), goldenTranscript},
		{"transcript of rule 1", trV1Hash, referenceDigestOf(t, v1Types(), "Transcript", transcriptMsg(&trV1)), ""},
		{"transcript of a replicated order", trReplicasHash, referenceDigestOf(t, replicasTypes(), "Transcript", transcriptMsg(&trReplicas)), goldenReplicatedTranscript},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if c.ours != c.theirs {
				t.Errorf("digest: ours %s, go-ethereum apitypes %s", c.ours.Hex(), c.theirs.Hex())
			}
			if c.golden != "" && c.ours.Hex() != c.golden {
				t.Errorf("digest %s, golden %s", c.ours.Hex(), c.golden)
			}
		})
	}

	t.Run("domain separator", func(t *testing.T) {
		sep, err := (&apitypes.TypedData{Types: publishedTypes, Domain: publishedDomain}).HashStruct("EIP712Domain", publishedDomain.Map())
		if err != nil {
			t.Fatal(err)
		}
		if got := testDomain.Separator(); got != common.BytesToHash(sep) {
			t.Errorf("separator %s, apitypes %s", got.Hex(), common.BytesToHash(sep).Hex())
		}
	})

	t.Run("signature", func(t *testing.T) {
		so, err := testDomain.SignOrder(o, NewKeySigner(tenant))
		if err != nil {
			t.Fatal(err)
		}
		pub, err := crypto.SigToPub(orderHash[:], append(so.Signature[:64:64], so.Signature[64]-27))
		if err != nil || crypto.PubkeyToAddress(*pub) != o.Tenant {
			t.Fatalf("go-ethereum recovers %v (err %v), want tenant %s", pub, err, o.Tenant.Hex())
		}
		if so.Signature.String() != goldenOrderSig {
			t.Errorf("order signature %s, golden %s", so.Signature, goldenOrderSig)
		}
		sb, err := testDomain.SignBid(b, NewKeySigner(provider))
		if err != nil {
			t.Fatal(err)
		}
		if sb.Signature.String() != goldenBidSig {
			t.Errorf("bid signature %s, golden %s", sb.Signature, goldenBidSig)
		}
		if tr.Signature.String() != goldenTranscriptSig {
			t.Errorf("transcript signature %s, golden %s", tr.Signature, goldenTranscriptSig)
		}
		if _, w, err := testDomain.Verify(&tr); err != nil || w != nil {
			t.Errorf("the transcript vector: Verify = %v, %v; want no winner, no error", w, err)
		}
		if trReplicas.Signature.String() != goldenReplicatedTranscriptSig {
			t.Errorf("replicated transcript signature %s, golden %s", trReplicas.Signature, goldenReplicatedTranscriptSig)
		}
		if _, ws, err := testDomain.VerifyWinners(&trReplicas); err != nil || len(ws) != 2 {
			t.Errorf("the replicated transcript vector: VerifyWinners = %v, %v; want two winners, no error", ws, err)
		}
	})
}

// The order, bid and transcript vectors of docs/eip712.md: digests and
// signatures.
const (
	goldenOrder                   = "0xf06001ecc0db864faa95c6d617ecf89efda384e8988d6d3383f0156cd2438dd4"
	goldenOrderSig                = "0x8927011680b5f90d9cb9631ea5bafe672ee2b6d363209daad7e801114dc6e01f1599ebabdcda7ca69424b69c18555a9cabff21471f30ed7578f6b585166c299f1b"
	goldenReplicatedOrder         = "0x657c17a7188dbc498826f35186c8faa402ec580d3341e9f4aba2491cae108e77"
	goldenBid                     = "0x9087e1236cb49f6aab85f5c0a88d8638f3b52848d02d69244e4d2213d26f3a69"
	goldenBidSig                  = "0x4786b652b9a654ab3f4a55c6eb201bbb4f789af9a9166c4ae826bcf90ab7a89d468c534618d5754ad4815f89eabf53630ce9dcb1cff55585e4de474dfbaec5391b"
	goldenTranscript              = "0xbd1f1ba8d82d96f7645104d8598be54e5921c30f4cbcd99bef6b4576820eba24"
	goldenReplicatedTranscript    = "0x8ff3f838f8d9501c4da29b018cdb3d24c8d7015452ca69a3d868e326754abf39"
	goldenReplicatedTranscriptSig = "0x7aa24231ed118321e46d9fda161e8d2b74410a15754a0196c53dfca07795181762b576363cfccbd8c6fbb09ba3d8373adef4b95e714abca82c073e7b65afab0d1c"
	goldenTranscriptSig           = "0xdd028e3e061f945c0bfbe3114d8c1e444a34040a3902594f0742bd1976da40252fa53b98b70cfa4918d21f36837b177d4769b76ebfb4d38f83e5dc731566a5791b"
)

// Peer IDs of other providers than testPeer (Ed25519 keys from the seeds
// keccak256("tender test peer n")).
const (
	testPeer3 = "12D3KooWSjnmPmsSzrdmDqrtTheBdMBLsGX47i88SkgRtJgL9MAz"
	testPeer4 = "12D3KooWBCaWfr8qJ97kvVTEqLZJhgkuB3jJtMnN7ASpzb442oHD"
)

// vectorReplicatedTranscript is the replicated transcript docs/eip712.md
// publishes: the replicated order vector (two replicas) and three bids
// that arrive 1.5, 2 and 2.5 s after t0 with no floor: account 2 at
// 3,500,000 (peer testPeer), account 3 at 3,000,000 (testPeer3), account
// 4 at 3,200,000 from account 2's peer. Accounts 3 and 4 win; account 2's
// bid is a second one from testPeer.
func vectorReplicatedTranscript(t *testing.T) Transcript {
	t.Helper()
	tenant := testKey(t, 1)
	order := mustSignOrder(t, replicatedOrder(addr(tenant)), tenant)
	var cands []Candidate
	for i, spec := range []struct {
		price int64
		peer  string
	}{{3_500_000, testPeer}, {3_000_000, testPeer3}, {3_200_000, testPeer}} {
		k := testKey(t, 2+i)
		b := sampleBid(order.Hash, addr(k), spec.price)
		b.PeerID = spec.peer
		cands = append(cands, Candidate{Bid: mustSignBid(t, b, k), Arrival: t0.Add(time.Duration(3+i) * 500 * time.Millisecond)})
	}
	tr, err := testDomain.NewTranscript(&order, cands, t0.Add(31*time.Second), NewKeySigner(tenant))
	if err != nil {
		t.Fatal(err)
	}
	return tr
}

// vectorTranscript is the transcript docs/eip712.md publishes: the order
// and bid vectors, the bid (simulated GPUs for an order of real ones)
// arriving at bidDeadline-30s+1.5s from a provider of reputation 20, a
// floor of 10, closed at bidDeadline+1s with no winner.
func vectorTranscript(t *testing.T) Transcript {
	t.Helper()
	tenant, provider := testKey(t, 1), testKey(t, 2)
	order := mustSignOrder(t, sampleOrder(addr(tenant)), tenant)
	b := sampleBid(order.Hash, addr(provider), 3_500_000)
	b.Offer.Simulated = true
	cands := []Candidate{{Bid: mustSignBid(t, b, provider), Arrival: t0.Add(1500 * time.Millisecond), Reputation: 20}}
	tr, err := testDomain.NewTranscript(&order, cands, t0.Add(31*time.Second), NewKeySigner(tenant), WithMinReputation(10))
	if err != nil {
		t.Fatal(err)
	}
	return tr
}
