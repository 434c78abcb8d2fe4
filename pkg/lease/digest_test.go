package lease_test

// The contract must compute exactly the EIP-712 digests package auction
// signs: a bid's digest is the lease ID, and a bid names its order by the
// order's digest.

import (
	"math"
	"math/big"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/ethereum/go-ethereum/accounts/abi/bind/v2"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/tender-market/tender/pkg/auction"
	"github.com/tender-market/tender/pkg/deployment"
	"github.com/tender-market/tender/pkg/devchain"
	"github.com/tender-market/tender/pkg/lease"
	"github.com/tender-market/tender/pkg/lease/escrow"
)

func (h *harness) contractOrderHash(o *auction.Order) common.Hash {
	h.t.Helper()
	v, err := bind.Call(h.escrowC, &bind.CallOpts{Context: h.ctx}, h.escrow.PackHashOrder(lease.OrderArgs(o)), h.escrow.UnpackHashOrder)
	if err != nil {
		h.t.Fatal(err)
	}
	return v
}

func (h *harness) contractBidHash(b *auction.Bid) common.Hash {
	h.t.Helper()
	v, err := bind.Call(h.escrowC, &bind.CallOpts{Context: h.ctx}, h.escrow.PackHashBid(lease.BidArgs(b)), h.escrow.UnpackHashBid)
	if err != nil {
		h.t.Fatal(err)
	}
	return v
}

func TestTypeHashesAndDomain(t *testing.T) {
	h := newHarness(t, plainToken)
	opts := &bind.CallOpts{Context: h.ctx}
	wantOrder, wantBid := auction.TypeHashes()
	gotOrder, err := bind.Call(h.escrowC, opts, h.escrow.PackORDERTYPEHASH(), h.escrow.UnpackORDERTYPEHASH)
	if err != nil {
		t.Fatal(err)
	}
	gotBid, err := bind.Call(h.escrowC, opts, h.escrow.PackBIDTYPEHASH(), h.escrow.UnpackBIDTYPEHASH)
	if err != nil {
		t.Fatal(err)
	}
	if common.Hash(gotOrder) != wantOrder || common.Hash(gotBid) != wantBid {
		t.Errorf("type hashes: contract %x, %x; package auction %s, %s", gotOrder, gotBid, wantOrder.Hex(), wantBid.Hex())
	}
	sep, err := bind.Call(h.escrowC, opts, h.escrow.PackDomainSeparator(), h.escrow.UnpackDomainSeparator)
	if err != nil {
		t.Fatal(err)
	}
	want := auction.NewDomain(devchain.ChainID, h.escrowC.Address()).Separator()
	if common.Hash(sep) != want {
		t.Errorf("domain separator: contract %x, package auction %s", sep, want.Hex())
	}
}

// TestDigestsMatchAuction hashes orders and bids of every shape in the
// contract and in package auction.
func TestDigestsMatchAuction(t *testing.T) {
	h := newHarness(t, plainToken)
	maxU256 := new(big.Int).Sub(new(big.Int).Lsh(big.NewInt(1), 256), big.NewInt(1))
	long := strings.Repeat("é", 2048) // 4096 bytes of UTF-8
	orders := []struct {
		name   string
		change func(o *auction.Order)
	}{
		{"sample", func(*auction.Order) {}},
		{"nil arrays", func(o *auction.Order) {
			o.Requirements.GPUModels, o.Requirements.Placement, o.Job.Command, o.Job.Env, o.Job.Expose = nil, nil, nil, nil, nil
		}},
		{"empty arrays", func(o *auction.Order) {
			o.Requirements.GPUModels, o.Requirements.Placement = []string{}, []auction.Attribute{}
			o.Job.Command, o.Job.Env, o.Job.Expose = []string{}, []auction.EnvVar{}, []uint16{}
		}},
		{"one empty string", func(o *auction.Order) { o.Job.Command = []string{""} }},
		{"many entries", func(o *auction.Order) {
			o.Requirements.GPUModels = []string{"H100", "A100 80GB", "L40S", "RTX 4090"}
			o.Requirements.Placement = []auction.Attribute{{Key: "region", Value: "eu-west"}, {Key: "tier", Value: "3"}, {Key: "cc", Value: "yes"}}
			o.Job.Command = []string{"python", "-m", "train", "--lr", "0.001", "--seed=1"}
			o.Job.Env = []auction.EnvVar{{Name: "A", Value: "1"}, {Name: "B", Value: ""}, {Name: "HF_HOME", Value: "/cache"}}
		}},
		{"service", func(o *auction.Order) { o.Job.Network, o.Job.Expose = true, []uint16{1, 22, 8000, 65535} }},
		{"simulated allowed, network on", func(o *auction.Order) { o.Requirements.AllowSimulated, o.Job.Network = true, true }},
		{"CPU only", func(o *auction.Order) {
			o.Requirements = auction.Requirements{CPUMillis: 500, MemoryMiB: 256, DiskMiB: 1}
		}},
		{"unicode and long text", func(o *auction.Order) {
			o.Auctioneer = "12D3KooW" + strings.Repeat("z", 100)
			o.Job.Image = "registry.example/日本語/image:tag"
			o.Job.Command = []string{long, "ünïcödé ✓"}
			o.Job.Env = []auction.EnvVar{{Name: "MSG", Value: long}}
		}},
		{"extremes", func(o *auction.Order) {
			o.MaxPricePerHour = maxU256
			o.MaxDuration, o.BidDeadline, o.Expiry, o.Nonce = math.MaxUint64, math.MaxUint64-1, math.MaxUint64, math.MaxUint64
			r := &o.Requirements
			r.GPUCount, r.MinVRAMMiB, r.MinComputeCapability, r.MinCUDAVersion = math.MaxUint32, math.MaxUint64, math.MaxUint32, math.MaxUint32
			r.CPUMillis, r.MemoryMiB, r.DiskMiB = math.MaxUint64, math.MaxUint64, math.MaxUint64
		}},
		{"zeros", func(o *auction.Order) {
			*o = auction.Order{Tenant: o.Tenant, MaxPricePerHour: new(big.Int)}
		}},
	}
	for i, tt := range orders {
		t.Run("order/"+tt.name, func(t *testing.T) {
			h := h.on(t)
			o := h.order(uint64(i))
			tt.change(&o)
			if got, want := h.contractOrderHash(&o), h.domain.OrderHash(&o); got != want {
				t.Errorf("order digest: contract %s, package auction %s", got.Hex(), want.Hex())
			}
		})
	}

	o := h.order(1)
	bids := []struct {
		name   string
		change func(b *auction.Bid)
	}{
		{"sample", func(*auction.Bid) {}},
		{"not simulated", func(b *auction.Bid) { b.Offer.Simulated = false }},
		{"nil arrays", func(b *auction.Bid) { b.Offer.GPUs, b.Offer.Attributes = nil, nil }},
		{"empty arrays", func(b *auction.Bid) { b.Offer.GPUs, b.Offer.Attributes = []auction.GPU{}, []auction.Attribute{} }},
		{"several GPU groups", func(b *auction.Bid) {
			b.Offer.GPUs = []auction.GPU{
				{Model: "NVIDIA H100 80GB HBM3", VRAMMiB: 81_559, ComputeCapability: 90, Count: 4},
				{Model: "NVIDIA A100-SXM4-80GB", VRAMMiB: 81_920, ComputeCapability: 80, Count: 2},
				{Model: "", VRAMMiB: 0, ComputeCapability: 0, Count: 0},
			}
			b.Offer.Attributes = []auction.Attribute{{Key: "region", Value: "eu-west"}, {Key: "tier", Value: "3"}}
		}},
		{"unicode peer and model", func(b *auction.Bid) {
			b.PeerID = "12D3KooWßß"
			b.Offer.GPUs[0].Model = "GPU ✓ 日本"
		}},
		{"extremes", func(b *auction.Bid) {
			b.PricePerHour = maxU256
			b.Expiry, b.Nonce = math.MaxUint64, math.MaxUint64
			b.Offer.CUDAVersion, b.Offer.CPUMillis, b.Offer.MemoryMiB, b.Offer.DiskMiB = math.MaxUint32, math.MaxUint64, math.MaxUint64, math.MaxUint64
			b.Offer.GPUs[0].VRAMMiB, b.Offer.GPUs[0].ComputeCapability, b.Offer.GPUs[0].Count = math.MaxUint64, math.MaxUint32, math.MaxUint32
		}},
		{"zero order hash and provider", func(b *auction.Bid) { b.OrderHash, b.Provider = common.Hash{}, common.Address{} }},
	}
	for _, tt := range bids {
		t.Run("bid/"+tt.name, func(t *testing.T) {
			h := h.on(t)
			b := h.bid(&o, price, h.provider.signer).Bid
			tt.change(&b)
			if got, want := h.contractBidHash(&b), h.domain.BidHash(&b); got != want {
				t.Errorf("bid digest: contract %s, package auction %s", got.Hex(), want.Hex())
			}
		})
	}
}

// hardhatKey is the first account of the well-known local-development
// mnemonic: its first contract lands at the address docs/eip712.md's test
// vectors use for the escrow.
const hardhatKey = "ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80"

// TestPublishedVectors deploys the escrow where docs/eip712.md says (chain
// 31337, 0x5FbDB2315678afecb367f032d93F642f64180aa3) and checks the contract
// reproduces the published separator and digests.
func TestPublishedVectors(t *testing.T) {
	doc, err := os.ReadFile(filepath.Join("..", "..", "docs", "eip712.md"))
	if err != nil {
		t.Fatalf("read the published schema: %v", err)
	}
	find := func(re string) string {
		t.Helper()
		m := regexp.MustCompile(re).FindSubmatch(doc)
		if m == nil {
			t.Fatalf("docs/eip712.md: no match for %s", re)
		}
		return string(m[1])
	}
	escrowAddr := common.HexToAddress(find("escrow `(0x[0-9a-fA-F]{40})`"))
	separator := common.HexToHash(find("separator\\s+`(0x[0-9a-f]{64})`"))
	orderDigest := common.HexToHash(find("Order \\(digest `(0x[0-9a-f]{64})`\\)"))
	bidDigest := common.HexToHash(find("Bid \\(digest `(0x[0-9a-f]{64})`\\)"))
	orderJSON := find("(?s)Order \\(digest[^\\n]*\\n\\n```json\\n(.*?)```")
	bidJSON := find("(?s)Bid \\(digest[^\\n]*\\n\\n```json\\n(.*?)```")
	so, err := auction.DecodeOrder([]byte(orderJSON))
	if err != nil {
		t.Fatal(err)
	}
	sb, err := auction.DecodeBid([]byte(bidJSON))
	if err != nil {
		t.Fatal(err)
	}

	key, err := crypto.HexToECDSA(hardhatKey)
	if err != nil {
		t.Fatal(err)
	}
	deployer := crypto.PubkeyToAddress(key.PublicKey)
	if got := crypto.CreateAddress(deployer, 0); got != escrowAddr {
		t.Fatalf("the vectors' escrow %s is not the first contract of %s (%s)", escrowAddr.Hex(), deployer.Hex(), got.Hex())
	}
	sim := devchain.NewBackend(devchain.ChainID, []common.Address{deployer, deployment.DevAddress(0)})
	defer sim.Close()
	ctx := t.Context()
	c, err := devchain.Deploy(ctx, sim, deployment.DevKey(0), startWindow, devchain.TokenDecimals, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	opts := bind.NewKeyedTransactor(key, big.NewInt(devchain.ChainID))
	opts.Context = ctx
	e := escrow.NewEscrow()
	addr, _, err := bind.DeployContract(opts, common.FromHex(escrow.EscrowMetaData.Bin), sim.Client(), e.PackConstructor(c.Token, 600))
	if err != nil {
		t.Fatal(err)
	}
	sim.Commit()
	if addr != escrowAddr {
		t.Fatalf("escrow deployed at %s, want %s", addr.Hex(), escrowAddr.Hex())
	}

	client, err := lease.New(ctx, sim.Client(), addr, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := client.Domain().Separator(); got != separator {
		t.Errorf("separator %s, published %s", got.Hex(), separator.Hex())
	}
	h := &harness{t: t, ctx: ctx, escrow: e, escrowC: e.Instance(sim.Client(), addr)}
	if got := h.contractOrderHash(&so.Order); got != orderDigest {
		t.Errorf("order digest %s, published %s", got.Hex(), orderDigest.Hex())
	}
	if got := h.contractBidHash(&sb.Bid); got != bidDigest {
		t.Errorf("bid digest %s, published %s", got.Hex(), bidDigest.Hex())
	}
	if sb.Bid.OrderHash != orderDigest {
		t.Errorf("the published bid names order %s, the order's digest is %s", sb.Bid.OrderHash.Hex(), orderDigest.Hex())
	}
	// The published signature recovers to the bid's provider, as openLease
	// would check.
	if signer, err := auction.Recover(bidDigest, sb.Signature); err != nil || signer != sb.Bid.Provider {
		t.Errorf("published bid signature recovers to %s (%v), want %s", signer.Hex(), err, sb.Bid.Provider.Hex())
	}
}
