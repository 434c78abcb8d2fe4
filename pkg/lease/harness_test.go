package lease_test

import (
	"context"
	"crypto/ecdsa"
	"errors"
	"math"
	"math/big"
	"strings"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/accounts/abi/bind/v2"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/ethclient/simulated"

	"github.com/tender-market/tender/internal/testenv"
	"github.com/tender-market/tender/pkg/auction"
	"github.com/tender-market/tender/pkg/deployment"
	"github.com/tender-market/tender/pkg/devchain"
	"github.com/tender-market/tender/pkg/lease"
	"github.com/tender-market/tender/pkg/lease/escrow"
	"github.com/tender-market/tender/pkg/lease/internal/testtokens"
	"github.com/tender-market/tender/pkg/lease/token"
)

// Test amounts. The price is 1000 base units a second, so amounts are easy to
// check by hand.
var (
	price     = big.NewInt(3_600_000)
	maxPrice  = big.NewInt(4_000_000)
	deposit   = big.NewInt(3_600_000) // one hour
	mintEach  = big.NewInt(1_000_000_000_000)
	oneSecond = big.NewInt(1000)
)

const (
	// untilNow is close's endedAt that bills up to the closing block.
	untilNow    = uint64(math.MaxUint64)
	startWindow = 10 * time.Minute
	testPeer    = "12D3KooWDpJ7As7BWAwRMfu1VU2WCqNjvq387JEYKDBj4kx6nXTN"
)

// committer sends like the simulated client and seals a block holding each
// transaction right after it, so bind.WaitMined finds the receipt at once.
type committer struct {
	simulated.Client
	sim *simulated.Backend
}

func (c committer) SendTransaction(ctx context.Context, tx *types.Transaction) error {
	if err := c.Client.SendTransaction(ctx, tx); err != nil {
		return err
	}
	return devchain.Mine(ctx, c.sim, tx.Hash())
}

// party is a dev account with its transactor and EIP-712 signer.
type party struct {
	key    *ecdsa.PrivateKey
	addr   common.Address
	auth   *bind.TransactOpts
	signer *auction.KeySigner
}

// tokenKind picks the payment token a harness deploys.
type tokenKind int

const (
	plainToken     tokenKind = iota // TestToken
	reentrantToken                  // ReentrantToken: calls back into the escrow
	falseToken                      // FalseToken: returns false for refused accounts
)

// harness is a simulated chain with a token, an escrow and four parties:
// deployer, tenant, provider and a stranger, each holding mintEach tokens.
type harness struct {
	t        *testing.T
	ctx      context.Context
	sim      *simulated.Backend
	backend  committer
	client   *lease.Client
	escrow   *escrow.Escrow
	escrowC  *bind.BoundContract
	tokenAdr common.Address
	token    *token.TestToken // the ERC-20 part of any token kind
	tokenC   *bind.BoundContract
	domain   auction.Domain

	deployer, tenant, provider, stranger party
	// others are three more providers, for replicas of one order.
	others []party
}

func newParty(t testing.TB, key *ecdsa.PrivateKey, chainID *big.Int) party {
	t.Helper()
	return party{
		key:    key,
		addr:   crypto.PubkeyToAddress(key.PublicKey),
		auth:   bind.NewKeyedTransactor(key, chainID),
		signer: auction.NewKeySigner(key),
	}
}

func newHarness(t *testing.T, kind tokenKind) *harness {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	t.Cleanup(cancel)
	chainID := big.NewInt(devchain.ChainID)
	h := &harness{t: t, ctx: ctx}
	h.deployer = newParty(t, deployment.DevKey(0), chainID)
	h.tenant = newParty(t, deployment.DevKey(1), chainID)
	h.provider = newParty(t, deployment.DevKey(2), chainID)
	h.stranger = newParty(t, deployment.DevKey(3), chainID)
	holders := []common.Address{h.deployer.addr, h.tenant.addr, h.provider.addr, h.stranger.addr}
	for i := 4; i < 7; i++ {
		h.others = append(h.others, newParty(t, deployment.DevKey(i), chainID))
		holders = append(holders, h.others[len(h.others)-1].addr)
	}

	h.sim = devchain.NewBackend(devchain.ChainID, holders)
	t.Cleanup(func() { h.sim.Close() })
	h.backend = committer{Client: h.sim.Client(), sim: h.sim}
	h.escrow = escrow.NewEscrow()
	h.token = token.NewTestToken()

	if kind == plainToken {
		c, err := devchain.Deploy(ctx, h.sim, h.deployer.key, startWindow, devchain.TokenDecimals, holders, mintEach)
		if err != nil {
			t.Fatal(err)
		}
		h.tokenAdr = c.Token
		h.escrowC = h.escrow.Instance(h.backend, c.Escrow)
	} else {
		bin := testtokens.ReentrantTokenMetaData.Bin
		if kind == falseToken {
			bin = testtokens.FalseTokenMetaData.Bin
		}
		h.tokenAdr = h.deploy(common.FromHex(bin), nil)
		h.tokenC = h.token.Instance(h.backend, h.tokenAdr)
		for _, a := range holders {
			h.mustSend(h.deployer, h.tokenC, h.token.PackMint(a, mintEach))
		}
		addr := h.deploy(common.FromHex(escrow.EscrowMetaData.Bin), h.escrow.PackConstructor(h.tokenAdr, uint64(startWindow/time.Second)))
		h.escrowC = h.escrow.Instance(h.backend, addr)
	}
	h.tokenC = h.token.Instance(h.backend, h.tokenAdr)
	client, err := lease.New(ctx, h.backend, h.escrowC.Address(), nil)
	if err != nil {
		t.Fatal(err)
	}
	h.client = client
	h.domain = client.Domain()
	return h
}

// on returns the harness for use in subtest t (failures then end t, not the
// parent test); the chain and contracts are shared.
func (h *harness) on(t *testing.T) *harness {
	c := *h
	c.t = t
	return &c
}

func (h *harness) deploy(code, args []byte) common.Address {
	h.t.Helper()
	opts := *h.deployer.auth
	opts.Context = h.ctx
	addr, tx, err := bind.DeployContract(&opts, code, h.backend, args)
	if err != nil {
		h.t.Fatalf("deploy: %v", err)
	}
	if _, err := bind.WaitDeployed(h.ctx, h.backend, tx.Hash()); err != nil {
		h.t.Fatalf("deploy: %v", err)
	}
	return addr
}

// send sends data to contract from p without the client's checks: what the
// escrow itself accepts or refuses. A refusal comes back explained.
func (h *harness) send(p party, contract *bind.BoundContract, data []byte) (*types.Receipt, error) {
	h.t.Helper()
	opts := *p.auth
	opts.Context = h.ctx
	tx, err := bind.Transact(contract, &opts, data)
	if err != nil {
		return nil, h.client.Explain(err)
	}
	r, err := bind.WaitMined(h.ctx, h.backend, tx.Hash())
	if err != nil {
		h.t.Fatalf("wait mined: %v", err)
	}
	if r.Status != types.ReceiptStatusSuccessful {
		return r, errors.New("transaction reverted on chain")
	}
	return r, nil
}

func (h *harness) mustSend(p party, contract *bind.BoundContract, data []byte) *types.Receipt {
	h.t.Helper()
	r, err := h.send(p, contract, data)
	if err != nil {
		h.t.Fatal(err)
	}
	return r
}

// now is the chain's latest block time.
func (h *harness) now() uint64 {
	h.t.Helper()
	hd, err := h.backend.HeaderByNumber(h.ctx, nil)
	if err != nil {
		h.t.Fatal(err)
	}
	return hd.Time
}

// blockTime is the timestamp of the block that holds r.
func (h *harness) blockTime(r *types.Receipt) uint64 {
	h.t.Helper()
	hd, err := h.backend.HeaderByNumber(h.ctx, r.BlockNumber)
	if err != nil {
		h.t.Fatal(err)
	}
	return hd.Time
}

// advance moves chain time forward by d (in a new empty block).
func (h *harness) advance(d time.Duration) {
	h.t.Helper()
	// The pool drops mined transactions in the background; until it has,
	// AdjustTime sees them as pending and refuses.
	testenv.Eventually(h.t, 2*time.Second, "the transaction pool empty, to move chain time", func() (bool, string, error) {
		err := h.sim.AdjustTime(d)
		if err != nil && strings.Contains(err.Error(), "non-empty block") {
			return false, err.Error(), nil
		}
		return err == nil, "", err
	})
}

func (h *harness) balance(a common.Address) *big.Int {
	h.t.Helper()
	v, err := bind.Call(h.tokenC, &bind.CallOpts{Context: h.ctx}, h.token.PackBalanceOf(a), h.token.UnpackBalanceOf)
	if err != nil {
		h.t.Fatal(err)
	}
	return v
}

func (h *harness) lease(id common.Hash) lease.Lease {
	h.t.Helper()
	l, err := h.client.Lease(h.ctx, id)
	if err != nil {
		h.t.Fatal(err)
	}
	return l
}

func (h *harness) approve(p party, amount *big.Int) {
	h.t.Helper()
	h.mustSend(p, h.tokenC, h.token.PackApprove(h.escrowC.Address(), amount))
}

// order returns a valid order from the tenant, live for an hour.
func (h *harness) order(nonce uint64) auction.Order {
	now := h.now()
	return auction.Order{
		Tenant:          h.tenant.addr,
		Auctioneer:      testPeer,
		MaxPricePerHour: new(big.Int).Set(maxPrice),
		MaxDuration:     3600,
		BidDeadline:     now + 30,
		Expiry:          now + 3600,
		Nonce:           nonce,
		Requirements: auction.Requirements{
			GPUCount:  1,
			GPUModels: []string{"H100"},
			CPUMillis: 4000,
			MemoryMiB: 16_000,
			Placement: []auction.Attribute{{Key: "region", Value: "eu-west"}},
		},
		Job: auction.Job{
			Image:   "tender/example-train:dev",
			Command: []string{"/train", "--epochs", "2"},
			Env:     []auction.EnvVar{{Name: "SEED", Value: "42"}},
		},
	}
}

// bid returns the provider's bid on o at p per hour, signed by signer (the
// provider unless a test forges it).
func (h *harness) bid(o *auction.Order, p *big.Int, signer *auction.KeySigner) auction.SignedBid {
	h.t.Helper()
	b := auction.Bid{
		OrderHash:    h.domain.OrderHash(o),
		Provider:     h.provider.addr,
		PeerID:       testPeer,
		PricePerHour: new(big.Int).Set(p),
		Offer: auction.Offer{
			GPUs:        []auction.GPU{{Model: "NVIDIA H100 80GB HBM3", VRAMMiB: 81_559, ComputeCapability: 90, Count: 1}},
			CUDAVersion: 12040,
			CPUMillis:   4000,
			MemoryMiB:   16_000,
			Attributes:  []auction.Attribute{{Key: "region", Value: "eu-west"}},
			Simulated:   true,
		},
		Expiry: h.now() + 600,
		Nonce:  o.Nonce,
	}
	return h.sign(b, signer)
}

// sign signs b's digest with signer, whoever the bid names.
func (h *harness) sign(b auction.Bid, signer *auction.KeySigner) auction.SignedBid {
	h.t.Helper()
	sig, err := signer.SignHash(h.domain.BidHash(&b))
	if err != nil {
		h.t.Fatal(err)
	}
	return auction.SignedBid{Bid: b, Signature: sig}
}

// openData packs openLease.
func (h *harness) openData(o *auction.Order, sb *auction.SignedBid, dep *big.Int) []byte {
	return h.escrow.PackOpenLease(lease.OrderArgs(o), lease.BidArgs(&sb.Bid), sb.Signature[:], dep)
}

// opened is a lease a test opened, with what later calls need.
type opened struct {
	id      common.Hash
	terms   lease.Terms
	order   auction.Order
	bid     auction.SignedBid
	receipt *lease.Receipt
}

// open opens a lease at p per hour with dep through the client.
func (h *harness) open(nonce uint64, p, dep *big.Int) opened {
	h.t.Helper()
	o := h.order(nonce)
	sb := h.bid(&o, p, h.provider.signer)
	id, r, err := h.client.Open(h.ctx, h.tenant.auth, &o, &sb, dep)
	if err != nil {
		h.t.Fatal(err)
	}
	return opened{id: id, terms: lease.NewTerms(&o, &sb.Bid), order: o, bid: sb, receipt: r}
}

// start starts l through the client and returns the start time.
func (h *harness) start(l opened) uint64 {
	h.t.Helper()
	r, err := h.client.Start(h.ctx, h.provider.auth, l.id, l.terms)
	if err != nil {
		h.t.Fatal(err)
	}
	return h.blockTime(r.Receipt)
}

// diff is b - a.
func diff(a, b *big.Int) *big.Int { return new(big.Int).Sub(b, a) }

// earned is what price p earns over secs seconds.
func earned(p *big.Int, secs uint64) *big.Int {
	v := new(big.Int).Mul(p, new(big.Int).SetUint64(secs))
	return v.Quo(v, big.NewInt(3600))
}

func wantAmount(t *testing.T, what string, got, want *big.Int) {
	t.Helper()
	if got.Cmp(want) != 0 {
		t.Errorf("%s = %s, want %s", what, got, want)
	}
}

func wantErr(t *testing.T, err, want error) {
	t.Helper()
	if !errors.Is(err, want) {
		t.Fatalf("error = %v, want %v", err, want)
	}
}
