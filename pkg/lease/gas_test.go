package lease_test

import (
	"bufio"
	"fmt"
	"math/big"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"

	"github.com/tender-market/tender/pkg/auction"
	"github.com/tender-market/tender/pkg/lease"
)

// gasSnapshot is the committed record of what each escrow call costs.
var gasSnapshot = filepath.Join("..", "..", "contracts", "gas-snapshot.txt")

// gasTargets are the most a whole transaction may cost (the design's
// performance targets).
var gasTargets = map[string]uint64{
	"openLease":   110_000,
	"start":       35_000,
	"withdraw":    50_000,
	"close":       60_000,
	"lifeAwarded": 180_000,
}

// gasOps lists the measured operations in snapshot order. approve is the
// token's (the exact deposit, from no allowance); openAwarded is the
// winner's relayed open and start with the tenant's permit; the two life
// lines add up what every party pays over a whole lease: the tenant's
// approve, openLease, start and close (lifeByTenant), or openAwarded and
// close (lifeAwarded). A replicated order's replicas: openReplica opens
// the first (making the group), openReplica2 a later one, report is a
// replica's close by its provider, settle2 and settle3 settle a group of 2
// and 3 that agreed; lifeReplicated2 and lifeReplicated3 add up a whole
// replicated order (the tenant's approve and open for each replica, each
// start and report, the settlement), beside 2 or 3 times lifeByTenant.
var gasOps = []string{"approve", "openLease", "start", "withdraw", "topUp", "close", "closeByTenant", "closeOverdrawn", "reclaim", "openAwarded", "lifeByTenant", "lifeAwarded",
	"openReplica", "openReplica2", "report", "settle2", "settle3", "lifeReplicated2", "lifeReplicated3"}

// TestGasSnapshot measures gasUsed of every escrow call in one fixed
// scenario and compares it with contracts/gas-snapshot.txt. Parties already
// hold tokens and the escrow already holds a deposit, as in steady use;
// approvals are for the exact amount. UPDATE_GAS=1 rewrites the file.
func TestGasSnapshot(t *testing.T) {
	h := newHarness(t, plainToken)
	got := measureGas(t, h)

	for op, limit := range gasTargets {
		if got[op] > limit {
			t.Errorf("%s uses %d gas, the target is at most %d", op, got[op], limit)
		}
	}
	if os.Getenv("UPDATE_GAS") == "1" {
		var b strings.Builder
		b.WriteString("# gasUsed of whole escrow transactions (Osaka rules, TestToken), measured by\n")
		b.WriteString("# TestGasSnapshot in pkg/lease. Regenerate: UPDATE_GAS=1 go test ./pkg/lease -run TestGasSnapshot\n")
		for _, op := range gasOps {
			fmt.Fprintf(&b, "%s %d\n", op, got[op])
		}
		if err := os.WriteFile(gasSnapshot, []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := readGasSnapshot(gasSnapshot)
	if err != nil {
		t.Fatalf("%v (create it: UPDATE_GAS=1 go test ./pkg/lease -run TestGasSnapshot)", err)
	}
	for _, op := range gasOps {
		if got[op] != want[op] {
			t.Errorf("%s: gasUsed %d, snapshot says %d", op, got[op], want[op])
		}
	}
	if len(want) != len(gasOps) {
		t.Errorf("snapshot lists %d operations, the test measures %d", len(want), len(gasOps))
	}
	if t.Failed() {
		t.Log("gas changed: if that is intended, regenerate with UPDATE_GAS=1 go test ./pkg/lease -run TestGasSnapshot")
	}
}

func readGasSnapshot(path string) (map[string]uint64, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	out := make(map[string]uint64)
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		op, n, ok := strings.Cut(line, " ")
		if !ok {
			return nil, fmt.Errorf("%s: bad line %q", path, line)
		}
		v, err := strconv.ParseUint(strings.TrimSpace(n), 10, 64)
		if err != nil {
			return nil, fmt.Errorf("%s: bad line %q: %w", path, line, err)
		}
		out[op] = v
	}
	return out, sc.Err()
}

// fixedOrder is an order whose every field is fixed (far-future times), so
// calldata, lease IDs and gas are the same in every run.
func fixedOrder(h *harness, nonce uint64) auction.Order {
	o := h.order(nonce)
	o.BidDeadline = 0xF0F0F000
	o.Expiry = 0xF0F0F0F0
	return o
}

func fixedBid(h *harness, o *auction.Order, p *big.Int) auction.SignedBid {
	sb := h.bid(o, p, h.provider.signer)
	sb.Bid.Expiry = 0xF0F0F0F1
	return h.sign(sb.Bid, h.provider.signer)
}

func measureGas(t *testing.T, h *harness) map[string]uint64 {
	got := make(map[string]uint64)
	open := func(nonce uint64, p, dep *big.Int) opened {
		t.Helper()
		o := fixedOrder(h, nonce)
		sb := fixedBid(h, &o, p)
		id, r, err := h.client.Open(h.ctx, h.tenant.auth, &o, &sb, dep)
		if err != nil {
			t.Fatal(err)
		}
		return opened{id: id, terms: lease.NewTerms(&o, &sb.Bid), order: o, bid: sb, receipt: r}
	}
	must := func(r *lease.Receipt, err error) *lease.Receipt {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return r
	}

	open(1, price, deposit) // the escrow holds tokens from here on
	got["approve"] = h.mustSend(h.tenant, h.tokenC, h.token.PackApprove(h.escrowC.Address(), deposit)).GasUsed
	l := open(2, price, deposit)
	got["openLease"] = l.receipt.GasUsed
	got["start"] = must(h.client.Start(h.ctx, h.provider.auth, l.id, l.terms)).GasUsed
	h.advance(10 * time.Minute)
	got["withdraw"] = must(h.client.Withdraw(h.ctx, h.provider.auth, l.id, l.terms)).GasUsed
	got["topUp"] = must(h.client.TopUp(h.ctx, h.tenant.auth, l.id, l.terms, deposit)).GasUsed
	h.advance(10 * time.Minute)
	got["close"] = must(h.client.Close(h.ctx, h.provider.auth, l.id, l.terms, 0, common.HexToHash("0x5e5"))).GasUsed

	c := open(3, price, deposit)
	must(h.client.Start(h.ctx, h.provider.auth, c.id, c.terms))
	h.advance(10 * time.Minute)
	got["closeByTenant"] = must(h.client.Close(h.ctx, h.tenant.auth, c.id, c.terms, -1, common.Hash{})).GasUsed

	o := open(4, price, lease.Terms{PricePerHour: price, MaxDuration: 3600}.MinimumDeposit(h.client.MinDuration()))
	must(h.client.Start(h.ctx, h.provider.auth, o.id, o.terms))
	h.advance(2 * time.Minute)
	got["closeOverdrawn"] = must(h.client.CloseOverdrawn(h.ctx, h.stranger.auth, o.id, o.terms)).GasUsed

	r := open(5, price, deposit)
	h.advance(startWindow + time.Second)
	got["reclaim"] = must(h.client.Reclaim(h.ctx, h.tenant.auth, r.id, r.terms)).GasUsed

	awarded := func(nonce uint64) opened {
		t.Helper()
		o := fixedOrder(h, nonce)
		sb := fixedBid(h, &o, price)
		sa, err := h.client.Award(h.ctx, h.tenant.signer, &o, &sb, deposit, 0xF0F0F0F0)
		if err != nil {
			t.Fatal(err)
		}
		id, r, err := h.client.OpenAwarded(h.ctx, h.provider.auth, &o, &sb.Bid, &sa)
		if err != nil {
			t.Fatal(err)
		}
		return opened{id: id, terms: lease.NewTerms(&o, &sb.Bid), order: o, bid: sb, receipt: r}
	}
	first := awarded(6) // the tenant's permit nonce is not zero from here on
	t.Logf("openAwarded with the tenant's first permit: %d", first.receipt.GasUsed)
	a := awarded(7)
	got["openAwarded"] = a.receipt.GasUsed
	h.advance(10 * time.Minute)
	closeAwarded := must(h.client.Close(h.ctx, h.provider.auth, a.id, a.terms, 0, common.HexToHash("0x5e5"))).GasUsed
	got["lifeByTenant"] = got["approve"] + got["openLease"] + got["start"] + got["close"]
	got["lifeAwarded"] = got["openAwarded"] + closeAwarded

	// Replicated orders of 2 and 3, every replica agreeing: what each
	// replica's open, start and report cost, and the settlement.
	replicatedLife := func(nonce uint64, n int) (opens, lives []uint64, report, settle uint64) {
		t.Helper()
		o := fixedOrder(h, nonce)
		o.Verify = replicated(uint8(n))
		ps := append([]party{h.provider}, h.others...)[:n]
		var ls []opened
		for _, p := range ps {
			sb := fixedBid(h, &o, price)
			sb.Bid.Provider = p.addr
			sb = h.sign(sb.Bid, p.signer)
			id, r, err := h.client.Open(h.ctx, h.tenant.auth, &o, &sb, deposit)
			if err != nil {
				t.Fatal(err)
			}
			opens = append(opens, r.GasUsed)
			ls = append(ls, opened{id: id, terms: lease.NewTerms(&o, &sb.Bid)})
		}
		lives = make([]uint64, n)
		for i, l := range ls {
			lives[i] = got["approve"] + opens[i] + must(h.client.Start(h.ctx, ps[i].auth, l.id, l.terms)).GasUsed
		}
		h.advance(10 * time.Minute)
		for i, l := range ls {
			report = must(h.client.Close(h.ctx, ps[i].auth, l.id, l.terms, 0, agree)).GasUsed
			lives[i] += report
		}
		settle = must(h.client.Settle(h.ctx, h.stranger.auth, h.domain.OrderHash(&o), 0)).GasUsed
		return opens, lives, report, settle
	}
	opens2, lives2, report, settle2 := replicatedLife(8, 2)
	_, lives3, _, settle3 := replicatedLife(9, 3)
	got["openReplica"], got["openReplica2"] = opens2[0], opens2[1]
	got["report"], got["settle2"], got["settle3"] = report, settle2, settle3
	got["lifeReplicated2"], got["lifeReplicated3"] = settle2, settle3
	for _, g := range lives2 {
		got["lifeReplicated2"] += g
	}
	for _, g := range lives3 {
		got["lifeReplicated3"] += g
	}

	for _, op := range gasOps {
		t.Logf("%-15s %d", op, got[op])
	}
	return got
}

// TestRealNetworkDocGas keeps the gas table of docs/real-network.md equal
// to contracts/gas-snapshot.txt.
func TestRealNetworkDocGas(t *testing.T) {
	snap, err := os.ReadFile("../../contracts/gas-snapshot.txt")
	if err != nil {
		t.Fatal(err)
	}
	doc, err := os.ReadFile("../../docs/real-network.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(snap), "\n") {
		name, gas, ok := strings.Cut(strings.TrimSpace(line), " ")
		if !ok || strings.HasPrefix(name, "#") {
			continue
		}
		if row := "| " + name + " | " + gas + " |"; !strings.Contains(string(doc), row) {
			t.Errorf("docs/real-network.md lacks %q", row)
		}
	}
}
