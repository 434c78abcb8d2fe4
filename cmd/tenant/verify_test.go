package main

import (
	"bytes"
	"encoding/json"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/tender-market/tender/internal/cli"
	"github.com/tender-market/tender/pkg/auction"
)

const escrow = "0x5FbDB2315678afecb367f032d93F642f64180aa3"

// newSigner is a signer of a fresh key.
func newSigner(t *testing.T) *auction.KeySigner {
	t.Helper()
	k, err := crypto.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	return auction.NewKeySigner(k)
}

// transcriptFile runs a three-bid auction under reputation floor
// minReputation and writes its transcript. The bids ask 900, 700 (the
// cheapest, from a provider of reputation 5) and 1200 (above the max).
func transcriptFile(t *testing.T, minReputation uint64, tamper func(*auction.Transcript)) string {
	t.Helper()
	d := auction.NewDomain(31337, common.HexToAddress(escrow))
	key := func() *auction.KeySigner { return newSigner(t) }
	tenant := key()
	now := time.Now()
	o := auction.Order{
		Tenant: tenant.Address(), Auctioneer: "12D3KooWDpJ7As7BWAwRMfu1VU2WCqNjvq387JEYKDBj4kx6nXTN",
		MaxPricePerHour: big.NewInt(1000), MaxDuration: 600,
		BidDeadline: uint64(now.Unix()) + 10, Expiry: uint64(now.Unix()) + 100, Nonce: 1,
		Requirements: auction.Requirements{CPUMillis: 500, MemoryMiB: 256},
		Job:          auction.Job{Image: "tender/example-train:dev"},
	}
	so, err := d.SignOrder(o, tenant)
	if err != nil {
		t.Fatal(err)
	}
	vo, err := d.VerifyOrder(so)
	if err != nil {
		t.Fatal(err)
	}
	reps := map[common.Address]uint64{}
	a, _ := auction.NewAuction(d, vo, func(p common.Address) uint64 { return reps[p] }, auction.WithMinReputation(minReputation))
	for i, price := range []int64{900, 700, 1200} {
		p := key()
		reps[p.Address()] = []uint64{20, 5, 30}[i]
		b := auction.Bid{OrderHash: vo.Hash, Provider: p.Address(), PeerID: "12D3KooWDpJ7As7BWAwRMfu1VU2WCqNjvq387JEYKDBj4kx6nXTN",
			PricePerHour: big.NewInt(price), Offer: auction.Offer{CPUMillis: 500, MemoryMiB: 256}, Expiry: o.Expiry, Nonce: 1}
		sb, err := d.SignBid(b, p)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := a.Add(sb, now); err != nil {
			t.Fatal(err)
		}
	}
	tr, err := a.Close(now.Add(time.Second), tenant)
	if err != nil {
		t.Fatal(err)
	}
	if tamper != nil {
		tamper(&tr)
	}
	data, err := auction.EncodeTranscript(tr)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "transcript.json")
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// Peer IDs of the providers in replicatedTranscriptFile.
const (
	peerA = "12D3KooWDpJ7As7BWAwRMfu1VU2WCqNjvq387JEYKDBj4kx6nXTN"
	peerB = "12D3KooWSjnmPmsSzrdmDqrtTheBdMBLsGX47i88SkgRtJgL9MAz"
	peerC = "12D3KooWBCaWfr8qJ97kvVTEqLZJhgkuB3jJtMnN7ASpzb442oHD"
)

// replicatedTranscriptFile runs an auction of an order verified as v
// (replicas on model.json when v has no paths) and writes its transcript, after tamper (then re-signed by the
// tenant: a tenant forging its own transcript). The bids ask 900 (peer
// A), 700 (peer B), 800 (peer B again, another address) and 1200 (peer
// C, above the max): 700 and 900 win, in that order.
func replicatedTranscriptFile(t *testing.T, v auction.Verify, tamper func(tr *auction.Transcript, hashOf func(i int) common.Hash)) string {
	t.Helper()
	d := auction.NewDomain(31337, common.HexToAddress(escrow))
	key := func() *auction.KeySigner { return newSigner(t) }
	tenant := key()
	now := time.Now()
	if v.Paths == nil {
		v.Paths = []string{"model.json"}
	}
	o := auction.Order{
		Tenant: tenant.Address(), Auctioneer: peerA,
		MaxPricePerHour: big.NewInt(1000), MaxDuration: 600,
		BidDeadline: uint64(now.Unix()) + 10, Expiry: uint64(now.Unix()) + 100, Nonce: 1,
		Requirements: auction.Requirements{CPUMillis: 500, MemoryMiB: 256},
		Job:          auction.Job{Image: "tender/example-train:dev"},
		Verify:       v,
	}
	so, err := d.SignOrder(o, tenant)
	if err != nil {
		t.Fatal(err)
	}
	vo, err := d.VerifyOrder(so)
	if err != nil {
		t.Fatal(err)
	}
	a, _ := auction.NewAuction(d, vo, nil)
	for i, price := range []int64{900, 700, 800, 1200} {
		p := key()
		b := auction.Bid{OrderHash: vo.Hash, Provider: p.Address(), PeerID: []string{peerA, peerB, peerB, peerC}[i],
			PricePerHour: big.NewInt(price), Offer: auction.Offer{CPUMillis: 500, MemoryMiB: 256}, Expiry: o.Expiry, Nonce: 1}
		sb, err := d.SignBid(b, p)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := a.Add(sb, now.Add(time.Duration(i)*time.Millisecond)); err != nil {
			t.Fatal(err)
		}
	}
	tr, err := a.Close(now.Add(time.Second), tenant)
	if err != nil {
		t.Fatal(err)
	}
	if tamper != nil {
		tamper(&tr, func(i int) common.Hash { return d.BidHash(&tr.Entries[i].Bid.Bid) })
		h, err := d.TranscriptHash(&tr)
		if err != nil {
			t.Fatal(err)
		}
		if tr.Signature, err = tenant.SignHash(h); err != nil {
			t.Fatal(err)
		}
	}
	data, err := auction.EncodeTranscript(tr)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "transcript.json")
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestVerifyReplicated: verify checks a replicated order's transcript
// under its rule, shows every winner, and refuses one whose winners are
// not the rule's.
func TestVerifyReplicated(t *testing.T) {
	market := []string{"--chain-id", "31337", "--escrow", escrow}
	two := replicatedTranscriptFile(t, auction.Verify{Replicas: 2}, nil)
	three := replicatedTranscriptFile(t, auction.Verify{Replicas: 3}, nil)
	cases := []struct {
		name string
		file string
		args []string
		code int
		want []string
	}{
		{"two replicas", two, nil, 0, []string{"transcript verifies (rule tender/lowest-price-replicas/1)",
			"verify  2 replicas on distinct providers, results compared over model.json", "winners 2 of 2 replicas\n  1     0x", " at 700 per hour", "  2     0x", " at 900 per hour",
			"WON 1", "WON 2", "duplicate_provider", "price_above_max"}},
		{"two replicas, json", two, []string{"-o", "json"}, 0, []string{`"rule": "tender/lowest-price-replicas/1"`, `"replicas": 2`, `"winners": [`, `"pricePerHour": "700"`, `"reason": "duplicate_provider"`}},
		{"three replicas, two distinct providers", three, nil, 0, []string{"winners 2 of 3 replicas: fewer providers qualified"}},
		{"a spot check: the single-winner rule", replicatedTranscriptFile(t, auction.Verify{Replicas: 1, SpotCheckBps: 1250}, nil), nil, 0, []string{
			"transcript verifies (rule tender/lowest-price/2)", "verify  spot check of 12.5% of orders over model.json", "winner  0x", " at 700 per hour", "WON\n"}},
		{"a duplicate named a winner", replicatedTranscriptFile(t, auction.Verify{Replicas: 2}, func(tr *auction.Transcript, hashOf func(int) common.Hash) {
			tr.Winners[1] = hashOf(2)
		}), nil, 1, []string{"transcript does not verify", "the rule picks"}},
		{"the duplicate's reason hidden", replicatedTranscriptFile(t, auction.Verify{Replicas: 2}, func(tr *auction.Transcript, _ func(int) common.Hash) {
			tr.Entries[2].Reason = auction.ReasonEligible
		}), nil, 1, []string{"transcript does not verify", `the rule says "duplicate_provider"`}},
		{"a winner dropped", replicatedTranscriptFile(t, auction.Verify{Replicas: 2}, func(tr *auction.Transcript, _ func(int) common.Hash) {
			tr.Winners = tr.Winners[:1]
		}), nil, 1, []string{"transcript does not verify", "names 1 winner"}},
		{"a worse bid named a winner", replicatedTranscriptFile(t, auction.Verify{Replicas: 2}, func(tr *auction.Transcript, hashOf func(int) common.Hash) {
			tr.Winners[1] = hashOf(3)
		}), nil, 1, []string{"transcript does not verify"}},
		{"under the single-winner rule", replicatedTranscriptFile(t, auction.Verify{Replicas: 2}, func(tr *auction.Transcript, _ func(int) common.Hash) {
			tr.Rule, tr.Winners = auction.RuleLowestPrice, tr.Winners[:1]
		}), nil, 1, []string{"transcript does not verify", "is auctioned under"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, stdout, stderr := run(append(append([]string{"verify", c.file}, c.args...), market...)...)
			out := stdout + stderr
			if got != c.code {
				t.Fatalf("exit %d, want %d; output:\n%s", got, c.code, out)
			}
			for _, w := range c.want {
				if !strings.Contains(out, w) {
					t.Errorf("output lacks %q:\n%s", w, out)
				}
			}
		})
	}
}

func TestVerify(t *testing.T) {
	good := transcriptFile(t, 0, nil)
	forged := transcriptFile(t, 0, func(tr *auction.Transcript) { tr.Entries[2].Bid.Bid.PricePerHour = big.NewInt(1) })
	floor := transcriptFile(t, 10, nil)
	floorLowered := transcriptFile(t, 10, func(tr *auction.Transcript) { tr.MinReputation = 6 })
	huge := filepath.Join(t.TempDir(), "huge.json")
	os.WriteFile(huge, bytes.Repeat([]byte(" "), auction.MaxTranscriptBytes+1), 0o600)
	market := []string{"--chain-id", "31337", "--escrow", escrow}
	cases := []struct {
		name string
		args []string
		code int
		want string
	}{
		{"valid", append([]string{"verify", good}, market...), 0, "winner  0x"},
		{"valid, json winners", append([]string{"verify", good, "-o", "json"}, market...), 0, `"winners": [`},
		{"valid, json", append([]string{"verify", good, "-o", "json"}, market...), 0, `"pricePerHour": "700"`},
		{"no floor", append([]string{"verify", good}, market...), 0, "floor   none (minReputation 0)"},
		{"floor", append([]string{"verify", floor}, market...), 0, "floor   reputation 10 or more (minReputation)"},
		{"floor, json", append([]string{"verify", floor, "-o", "json"}, market...), 0, `"minReputation": 10`},
		{"floor lowered", append([]string{"verify", floorLowered}, market...), 1, "transcript does not verify: transcript: bad signature"},
		{"forged bid", append([]string{"verify", forged}, market...), 1, "bad signature"},
		{"other deployment", []string{"verify", good, "--chain-id", "1", "--escrow", escrow}, 1, "bad signature"},
		{"oversize", append([]string{"verify", huge}, market...), 1, "message too large"},
		{"no chain", []string{"verify", good}, 1, "--chain-id is not set"},
		{"no file", []string{"verify"}, 2, "accepts 1 arg"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) { wantExit(t, c.args, c.code, c.want) })
	}
	t.Run("settings from the environment", func(t *testing.T) {
		t.Setenv("TENDER_CHAIN_ID", "31337")
		t.Setenv("TENDER_ESCROW", escrow)
		var stdout, stderr bytes.Buffer
		if code := cli.Main(newRoot, []string{"verify", good, "-o", "json"}, &stdout, &stderr); code != 0 {
			t.Fatalf("exit %d: %s", code, stderr.String())
		}
		var v struct {
			Verified bool
			Bids     []struct{ Reason string }
		}
		if err := json.Unmarshal(stdout.Bytes(), &v); err != nil || !v.Verified || len(v.Bids) != 3 {
			t.Fatalf("json %s (err %v), want verified with 3 bids", stdout.String(), err)
		}
		var above int
		for _, b := range v.Bids {
			if b.Reason == "price_above_max" {
				above++
			}
		}
		if above != 1 {
			t.Errorf("%d bids above the max price, want 1: %s", above, stdout.String())
		}
	})
}

// TestVerifyMessages: verify checks a single order, bid or no-bid, and
// refuses one changed after signing, one of another deployment, and one
// whose author's address is mistyped (a wrong EIP-55 checksum).
func TestVerifyMessages(t *testing.T) {
	d := auction.NewDomain(31337, common.HexToAddress(escrow))
	tenantKey, _ := crypto.GenerateKey()
	providerKey, _ := crypto.GenerateKey()
	tenant, provider := auction.NewKeySigner(tenantKey), auction.NewKeySigner(providerKey)
	now := uint64(time.Now().Unix())
	so, err := d.SignOrder(auction.Order{
		Tenant: tenant.Address(), Auctioneer: "12D3KooWDpJ7As7BWAwRMfu1VU2WCqNjvq387JEYKDBj4kx6nXTN",
		MaxPricePerHour: big.NewInt(1000), MaxDuration: 600, BidDeadline: now + 10, Expiry: now + 100, Nonce: 1,
		Requirements: auction.Requirements{CPUMillis: 500, MemoryMiB: 256}, Job: auction.Job{Image: "tender/example-train:dev"},
	}, tenant)
	if err != nil {
		t.Fatal(err)
	}
	orderHash := d.OrderHash(&so.Order)
	sb, err := d.SignBid(auction.Bid{OrderHash: orderHash, Provider: provider.Address(), PeerID: "12D3KooWDpJ7As7BWAwRMfu1VU2WCqNjvq387JEYKDBj4kx6nXTN",
		PricePerHour: big.NewInt(700), Offer: auction.Offer{CPUMillis: 500, MemoryMiB: 256}, Expiry: now + 100, Nonce: 1}, provider)
	if err != nil {
		t.Fatal(err)
	}
	nb, err := d.SignNoBid(auction.NoBid{OrderHash: orderHash, Provider: provider.Address(), PeerID: "12D3KooWDpJ7As7BWAwRMfu1VU2WCqNjvq387JEYKDBj4kx6nXTN",
		Reason: auction.ReasonBusy, Detail: "no free GPU"}, provider)
	if err != nil {
		t.Fatal(err)
	}
	orderData, _ := auction.EncodeOrder(so)
	bidData, _ := auction.EncodeBid(sb)
	noBidData, _ := auction.EncodeNoBid(nb)
	write := func(name string, data []byte) string {
		path := filepath.Join(t.TempDir(), name)
		if err := os.WriteFile(path, data, 0o600); err != nil {
			t.Fatal(err)
		}
		return path
	}
	// The provider's address with the case of its first letter turned.
	lower := strings.ToLower(provider.Address().Hex())
	mistyped := []byte(provider.Address().Hex())
	for i := 2; i < len(mistyped); i++ {
		if c := mistyped[i]; 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F' {
			mistyped[i] ^= 0x20
			break
		}
	}
	market := []string{"--chain-id", "31337", "--escrow", escrow}
	cases := []struct {
		name string
		args []string
		code int
		want string
	}{
		{"order", append([]string{"verify", write("order.json", orderData)}, market...), 0, "order verifies: signed by its tenant " + tenant.Address().Hex()},
		{"bid", append([]string{"verify", write("bid.json", bidData)}, market...), 0, "lease    " + d.BidHash(&sb.Bid).Hex()},
		{"bid, json", append([]string{"verify", write("bid.json", bidData), "-o", "json"}, market...), 0, `"kind": "bid"`},
		{"no-bid", append([]string{"verify", write("nobid.json", noBidData)}, market...), 0, "reason   busy"},
		{"order changed after signing", append([]string{"verify", write("order.json", bytes.Replace(orderData, []byte(`"1000"`), []byte(`"1"`), 1))}, market...), 1, "order does not verify"},
		{"bid changed after signing", append([]string{"verify", write("bid.json", bytes.Replace(bidData, []byte(`"700"`), []byte(`"7"`), 1))}, market...), 1, "bad signature"},
		{"no-bid of another deployment", []string{"verify", write("nobid.json", noBidData), "--chain-id", "1", "--escrow", escrow}, 1, "no-bid does not verify"},
		{"bid with a mistyped provider", append([]string{"verify", write("bid.json", bytes.Replace(bidData, []byte(lower), mistyped, 1))}, market...), 1, "provider: "},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) { wantExit(t, c.args, c.code, c.want) })
	}
}

// wantExit runs tenant with args and wants exit status code with want in
// its output.
func wantExit(t *testing.T, args []string, code int, want string) {
	t.Helper()
	got, stdout, stderr := run(args...)
	out := stdout + stderr
	if got != code || !strings.Contains(out, want) {
		t.Fatalf("exit %d, output:\n%s\nwant exit %d and %q", got, out, code, want)
	}
}
