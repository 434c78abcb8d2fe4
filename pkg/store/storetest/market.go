package storetest

import (
	"crypto/ecdsa"
	"fmt"
	"math/big"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"
	lcrypto "github.com/libp2p/go-libp2p/core/crypto"
	"github.com/libp2p/go-libp2p/core/peer"

	"github.com/tender-market/tender/pkg/auction"
	"github.com/tender-market/tender/pkg/store"
)

// Domain is the EIP-712 domain test markets sign in: a dev chain's ID and
// a fixed escrow address.
var Domain = auction.NewDomain(31337, common.HexToAddress("0xD1573096b4cBb1c8226C362070e847F7096aD9a9"))

// PeerID is a valid libp2p peer ID for test messages: the auctioneer's.
const PeerID = "12D3KooWDpJ7As7BWAwRMfu1VU2WCqNjvq387JEYKDBj4kx6nXTN"

// PeerIDOf is the libp2p peer ID of the secp256k1 key k, as a node that
// used its Ethereum key for libp2p too would have: distinct keys are
// distinct peers (a replicated order's winners must be).
func PeerIDOf(k *ecdsa.PrivateKey) string {
	pk, err := lcrypto.UnmarshalSecp256k1PrivateKey(crypto.FromECDSA(k))
	if err != nil {
		panic(fmt.Sprintf("peer ID of a test key: %v", err))
	}
	id, err := peer.IDFromPrivateKey(pk)
	if err != nil {
		panic(fmt.Sprintf("peer ID of a test key: %v", err))
	}
	return id.String()
}

// Key returns test key n: keccak256("tender test key n"). Public: never
// hold anything of value with it.
func Key(n int) *ecdsa.PrivateKey {
	k, err := crypto.ToECDSA(crypto.Keccak256([]byte(fmt.Sprintf("tender test key %d", n))))
	if err != nil {
		panic(fmt.Sprintf("test key %d: %v", n, err))
	}
	return k
}

// Address is the address of Key(n).
func Address(n int) common.Address { return crypto.PubkeyToAddress(Key(n).PublicKey) }

// Market signs orders, bids and transcripts in one domain, with times
// relative to Now.
type Market struct {
	Domain auction.Domain
	Now    time.Time
}

// Offer describes a bid's offer: GPUs of one model (Count 0: CPU only).
type Offer struct {
	Model     string
	Count     uint32
	Simulated bool
	// Node, when set, names the machine of a provider that sells several
	// (auction.AttributeNode).
	Node string
}

// Order returns an order of tenant, signed and verified, asking for gpus
// GPUs of models (any model when empty) at up to maxPrice per hour.
func (m Market) Order(t testing.TB, tenant *ecdsa.PrivateKey, nonce uint64, gpus uint32, maxPrice int64, models ...string) auction.VerifiedOrder {
	t.Helper()
	now := uint64(m.Now.Unix())
	o := auction.Order{
		Tenant: crypto.PubkeyToAddress(tenant.PublicKey), Auctioneer: PeerID,
		MaxPricePerHour: big.NewInt(maxPrice), MaxDuration: 3600,
		BidDeadline: now + 30, Expiry: now + 3600, Nonce: nonce,
		Requirements: auction.Requirements{
			GPUCount: gpus, GPUModels: models, CPUMillis: 1000, MemoryMiB: 1024, AllowSimulated: true,
		},
		Job: auction.Job{Image: "tender/example-train:dev", Command: []string{"/train", "--epochs", "3"}},
	}
	if gpus > 0 {
		o.Requirements.MinVRAMMiB = 1024
	}
	return m.Sign(t, tenant, o)
}

// Sign signs o as tenant and verifies it.
func (m Market) Sign(t testing.TB, tenant *ecdsa.PrivateKey, o auction.Order) auction.VerifiedOrder {
	t.Helper()
	so, err := m.Domain.SignOrder(o, auction.NewKeySigner(tenant))
	if err != nil {
		t.Fatalf("sign order: %v", err)
	}
	vo, err := m.Domain.VerifyOrder(so)
	if err != nil {
		t.Fatalf("verify order: %v", err)
	}
	return vo
}

// Bid returns provider's signed bid on order at price per hour, from the
// provider's own peer (PeerIDOf).
func (m Market) Bid(t testing.TB, order *auction.VerifiedOrder, provider *ecdsa.PrivateKey, price int64, offer Offer) auction.VerifiedBid {
	t.Helper()
	b := auction.Bid{
		OrderHash: order.Hash, Provider: crypto.PubkeyToAddress(provider.PublicKey), PeerID: PeerIDOf(provider),
		PricePerHour: big.NewInt(price),
		Offer: auction.Offer{
			CUDAVersion: 12040, CPUMillis: 1000, MemoryMiB: 1024, Simulated: offer.Simulated,
		},
		Expiry: uint64(m.Now.Unix()) + 600, Nonce: 1,
	}
	if offer.Count > 0 {
		b.Offer.GPUs = []auction.GPU{{Model: offer.Model, VRAMMiB: 81_559, ComputeCapability: 90, Count: offer.Count}}
	}
	if offer.Node != "" {
		b.Offer.Attributes = []auction.Attribute{{Key: auction.AttributeNode, Value: offer.Node}}
	}
	sb, err := m.Domain.SignBid(b, auction.NewKeySigner(provider))
	if err != nil {
		t.Fatalf("sign bid: %v", err)
	}
	vb, err := m.Domain.VerifyBid(sb)
	if err != nil {
		t.Fatalf("verify bid: %v", err)
	}
	return vb
}

// Transcript runs the auction over bids (arriving a second apart from Now)
// and returns the transcript signed by the order's tenant.
func (m Market) Transcript(t testing.TB, order *auction.VerifiedOrder, tenant *ecdsa.PrivateKey, bids ...auction.VerifiedBid) auction.Transcript {
	t.Helper()
	cands := make([]auction.Candidate, len(bids))
	for i, b := range bids {
		cands[i] = auction.Candidate{Bid: b, Arrival: m.Now.Add(time.Duration(i+1) * time.Second)}
	}
	tr, err := m.Domain.NewTranscript(order, cands, m.Now.Add(31*time.Second), auction.NewKeySigner(tenant))
	if err != nil {
		t.Fatalf("transcript: %v", err)
	}
	return tr
}

// Record verifies tr and returns it ready for store.SaveTranscript, seen at
// Now.
func (m Market) Record(t testing.TB, tr auction.Transcript) store.TranscriptRecord {
	t.Helper()
	order, _, err := m.Domain.Verify(&tr)
	if err != nil {
		t.Fatalf("verify transcript: %v", err)
	}
	h, err := m.Domain.TranscriptHash(&tr)
	if err != nil {
		t.Fatalf("transcript hash: %v", err)
	}
	hashes := make([]common.Hash, len(tr.Entries))
	for i := range tr.Entries {
		hashes[i] = m.Domain.BidHash(&tr.Entries[i].Bid.Bid)
	}
	return store.TranscriptRecord{Hash: h, Order: order, Transcript: tr, BidHashes: hashes, SeenAt: m.Now}
}
