package auction

import (
	"bytes"
	"crypto/ecdsa"
	"encoding/json"
	"math/big"
	"os"
	"strings"
	"testing"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"
)

// docVector is a test vector as docs/eip712.md publishes it: the digest,
// the signature and, for messages that travel as JSON, the wire form
// indented by two spaces.
type docVector struct {
	name, digest, signature string
	wire                    []byte
}

// docVectors computes the vectors of docs/eip712.md from their inputs.
func docVectors(t *testing.T) []docVector {
	t.Helper()
	tenant, provider := testKey(t, 1), testKey(t, 2)
	order := mustSignOrder(t, sampleOrder(addr(tenant)), tenant)
	replicated := mustSignOrder(t, replicatedOrder(addr(tenant)), tenant)
	b := sampleBid(order.Hash, addr(provider), 3_500_000)
	b.Offer.Simulated = true
	bid := mustSignBid(t, b, provider)
	tr := vectorTranscript(t)
	trHash, err := testDomain.TranscriptHash(&tr)
	if err != nil {
		t.Fatal(err)
	}
	trWire, err := EncodeTranscript(tr)
	if err != nil {
		t.Fatal(err)
	}
	rt := vectorReplicatedTranscript(t)
	rtHash, err := testDomain.TranscriptHash(&rt)
	if err != nil {
		t.Fatal(err)
	}
	rtWire, err := EncodeTranscript(rt)
	if err != nil {
		t.Fatal(err)
	}
	nb, err := testDomain.SignNoBid(vectorNoBid(order.Hash, provider), NewKeySigner(provider))
	if err != nil {
		t.Fatal(err)
	}
	nbWire, err := EncodeNoBid(nb)
	if err != nil {
		t.Fatal(err)
	}
	la := vectorLeaseAccess(t)
	laHash := testDomain.LeaseAccessHash(&la)
	laSig, err := NewKeySigner(tenant).SignHash(laHash)
	if err != nil {
		t.Fatal(err)
	}
	aw := Award{Bid: la.LeaseID, Deposit: big.NewInt(3_500_000), Deadline: 1_800_000_120}
	awSigned, err := testDomain.SignAward(aw, addr(tenant), NewKeySigner(tenant))
	if err != nil {
		t.Fatal(err)
	}
	if err := testDomain.VerifyAward(&awSigned, addr(tenant)); err != nil {
		t.Fatal(err)
	}
	return []docVector{
		{"order", order.Hash.Hex(), order.Signature.String(), indent(t, mustEncodeOrder(t, order.SignedOrder))},
		{"replicated order", replicated.Hash.Hex(), replicated.Signature.String(), indent(t, mustEncodeOrder(t, replicated.SignedOrder))},
		{"bid", bid.Hash.Hex(), bid.Signature.String(), indent(t, mustEncodeBid(t, bid.SignedBid))},
		{"transcript", trHash.Hex(), tr.Signature.String(), indent(t, trWire)},
		{"replicated transcript", rtHash.Hex(), rt.Signature.String(), indent(t, rtWire)},
		{"award", testDomain.AwardHash(&aw).Hex(), awSigned.Signature.String(), nil},
		{"no-bid", testDomain.NoBidHash(&nb.NoBid).Hex(), nb.Signature.String(), indent(t, nbWire)},
		{"lease access", laHash.Hex(), laSig.String(), nil},
	}
}

// vectorNoBid is the no-bid vector: provider account 2 declines the order
// vector, busy.
func vectorNoBid(orderHash common.Hash, provider *ecdsa.PrivateKey) NoBid {
	return NoBid{OrderHash: orderHash, Provider: addr(provider), PeerID: testPeer, Reason: ReasonBusy, Detail: "all 8 GPUs are leased"}
}

// vectorLeaseAccess is the lease-access vector: the tenant of the lease
// the bid vector opens asks testPeer for its output, answering the
// challenge keccak256("tender test challenge").
func vectorLeaseAccess(t *testing.T) LeaseAccess {
	t.Helper()
	tenant, provider := testKey(t, 1), testKey(t, 2)
	order := mustSignOrder(t, sampleOrder(addr(tenant)), tenant)
	b := sampleBid(order.Hash, addr(provider), 3_500_000)
	b.Offer.Simulated = true
	return LeaseAccess{LeaseID: testDomain.BidHash(&b), Provider: testPeer, Op: "output", Challenge: crypto.Keccak256Hash([]byte("tender test challenge"))}
}

func mustEncodeBid(t *testing.T, sb SignedBid) []byte {
	t.Helper()
	data, err := EncodeBid(sb)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func indent(t *testing.T, data []byte) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := json.Indent(&b, data, "", "  "); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// TestDocsVectors keeps the order, bid, transcript, no-bid, award and
// lease-access vectors of docs/eip712.md true: digests, signatures and wire forms. Run with
// -v to see them.
func TestDocsVectors(t *testing.T) {
	doc, err := os.ReadFile("../../docs/eip712.md")
	if err != nil {
		t.Fatal(err)
	}
	if c := crypto.Keccak256Hash([]byte("tender test challenge")).Hex(); !strings.Contains(string(doc), c) {
		t.Errorf("docs/eip712.md lacks the lease access vector's challenge %s", c)
	}
	v := replicatedOrder(common.Address{}).Verify
	for what, h := range map[string]common.Hash{"pathsHash": v.PathsHash(), "hashStruct(verify)": v.StructHash(), "zero Verify's hashStruct": (Verify{}).StructHash()} {
		t.Logf("replicated order: %s %s", what, h.Hex())
		if !strings.Contains(string(doc), "`"+h.Hex()+"`") {
			t.Errorf("docs/eip712.md lacks the replicated order's %s %s", what, h.Hex())
		}
	}
	for _, v := range docVectors(t) {
		t.Logf("%s: digest %s signature %s\n%s", v.name, v.digest, v.signature, v.wire)
		for what, s := range map[string]string{"digest": v.digest, "signature": v.signature, "wire form": string(v.wire)} {
			if !strings.Contains(string(doc), s) {
				t.Errorf("docs/eip712.md lacks the %s vector's %s", v.name, what)
			}
		}
	}
}
