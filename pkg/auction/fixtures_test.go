package auction

import (
	"crypto/ecdsa"
	"fmt"
	"math/big"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/google/go-cmp/cmp"
)

// Fixed test keys: deterministic signatures, stable golden values.
func testKey(t testing.TB, n int) *ecdsa.PrivateKey {
	t.Helper()
	k, err := crypto.ToECDSA(crypto.Keccak256([]byte(fmt.Sprintf("tender test key %d", n))))
	if err != nil {
		t.Fatal(err)
	}
	return k
}

var (
	testDomain = NewDomain(31337, common.HexToAddress("0x5FbDB2315678afecb367f032d93F642f64180aa3"))
	t0         = time.Unix(1_800_000_000, 0).UTC() // "now" in tests
)

const testPeer = "12D3KooWDpJ7As7BWAwRMfu1VU2WCqNjvq387JEYKDBj4kx6nXTN"

func sampleOrder(tenant common.Address) Order {
	return Order{
		Tenant:          tenant,
		Auctioneer:      testPeer,
		MaxPricePerHour: big.NewInt(4_000_000),
		MaxDuration:     3600,
		BidDeadline:     uint64(t0.Unix()) + 30,
		Expiry:          uint64(t0.Unix()) + 300,
		Nonce:           7,
		Requirements: Requirements{
			GPUCount:             2,
			GPUModels:            []string{"H100", "A100 80GB"},
			MinVRAMMiB:           40_000,
			MinComputeCapability: 80,
			MinCUDAVersion:       12020,
			CPUMillis:            8000,
			MemoryMiB:            64_000,
			DiskMiB:              100_000,
			Placement:            []Attribute{{Key: "region", Value: "eu-west"}},
		},
		Job: Job{
			Image:   "tender/example-train:dev",
			Command: []string{"/train", "--epochs", "20"},
			Env:     []EnvVar{{Name: "SEED", Value: "42"}},
			Expose:  []uint16{8000},
		},
	}
}

// replicatedOrder is sampleOrder run by two replicas whose model.json and
// metrics/ must agree: the replicated order of docs/eip712.md's vectors.
func replicatedOrder(tenant common.Address) Order {
	o := sampleOrder(tenant)
	o.Nonce = 8
	o.Verify = Verify{Replicas: 2, Paths: []string{"model.json", "metrics"}}
	return o
}

func sampleBid(orderHash common.Hash, provider common.Address, price int64) Bid {
	return Bid{
		OrderHash:    orderHash,
		Provider:     provider,
		PeerID:       testPeer,
		PricePerHour: big.NewInt(price),
		Offer: Offer{
			GPUs:        []GPU{{Model: "NVIDIA H100 80GB HBM3", VRAMMiB: 81_559, ComputeCapability: 90, Count: 2}},
			CUDAVersion: 12040,
			CPUMillis:   8000,
			MemoryMiB:   64_000,
			DiskMiB:     100_000,
			Attributes:  []Attribute{{Key: "region", Value: "eu-west"}, {Key: "tier", Value: "3"}},
		},
		Expiry: uint64(t0.Unix()) + 600,
		Nonce:  1,
	}
}

func mustSignOrder(t testing.TB, o Order, k *ecdsa.PrivateKey) VerifiedOrder {
	t.Helper()
	so, err := testDomain.SignOrder(o, NewKeySigner(k))
	if err != nil {
		t.Fatalf("SignOrder: %v", err)
	}
	vo, err := testDomain.VerifyOrder(so)
	if err != nil {
		t.Fatalf("VerifyOrder: %v", err)
	}
	return vo
}

func mustSignBid(t testing.TB, b Bid, k *ecdsa.PrivateKey) VerifiedBid {
	t.Helper()
	sb, err := testDomain.SignBid(b, NewKeySigner(k))
	if err != nil {
		t.Fatalf("SignBid: %v", err)
	}
	vb, err := testDomain.VerifyBid(sb)
	if err != nil {
		t.Fatalf("VerifyBid: %v", err)
	}
	return vb
}

func addr(k *ecdsa.PrivateKey) common.Address { return crypto.PubkeyToAddress(k.PublicKey) }

// bigCmp compares *big.Int by value in cmp.Diff.
var bigCmp = cmp.Comparer(func(a, b *big.Int) bool {
	if a == nil || b == nil {
		return a == b
	}
	return a.Cmp(b) == 0
})
