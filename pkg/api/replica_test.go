package api_test

import (
	"context"
	"math/big"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/google/go-cmp/cmp"

	"github.com/tender-market/tender/pkg/apiclient"
	"github.com/tender-market/tender/pkg/auction"
	"github.com/tender-market/tender/pkg/indexer"
	"github.com/tender-market/tender/pkg/store"
	"github.com/tender-market/tender/pkg/store/storetest"
)

// Result digests the replicas report.
var (
	majorityDigest = common.HexToHash("0xa9a9")
	minorityDigest = common.HexToHash("0xd1d1")
)

// replicated is a verified order of three replicas in the index.
type replicated struct {
	order  auction.VerifiedOrder
	leases []common.Hash // in the order they opened
	block  uint64        // the next free block
}

// replicaHeld is what replica i earned by its report.
func replicaHeld(i int) int64 { return int64(6+i) * 100_000 }

// seedReplicas auctions a verified order of three replicas among
// providers 2, 3 and 4 and indexes their leases from block first:
// opened, started and reported (providers 2 and 4 give one digest,
// provider 3 another).
func (b *broker) seedReplicas(nonce, first uint64) *replicated {
	t := b.t
	t.Helper()
	ctx := testContext(t)
	m := indexer.NewMarket(b.market.Domain, b.store, func() time.Time { return b.market.Now }, nil)
	o := b.market.Order(t, storetest.Key(1), nonce, 2, 5_000_000)
	o.Order.Verify = auction.Verify{Replicas: 3, Paths: []string{"model.json"}}
	o = b.market.Sign(t, storetest.Key(1), o.Order)
	var bids []auction.VerifiedBid
	for i := range 3 {
		bids = append(bids, b.market.Bid(t, &o, storetest.Key(2+i), 3_000_000+int64(i)*100_000, h100))
	}
	if err := m.IngestTranscript(ctx, b.market.Transcript(t, &o, storetest.Key(1), bids...)); err != nil {
		t.Fatal(err)
	}
	r := &replicated{order: o, block: first}
	var evs []store.ChainEvent
	for i, bid := range bids {
		r.leases = append(r.leases, bid.Hash)
		e := r.event(store.KindLeaseOpened, bid.Hash)
		e.Tenant, e.Provider, e.OrderHash = o.Order.Tenant, bid.Bid.Provider, o.Hash
		e.PricePerHour, e.MaxDuration, e.Deposit = bid.Bid.PricePerHour, o.Order.MaxDuration, big.NewInt(5_000_000)
		s := r.event(store.KindStarted, bid.Hash)
		s.StartedAt = s.BlockTime
		rep := r.event(store.KindReported, bid.Hash)
		rep.ResultHash, rep.Held, rep.Refunded = majorityDigest, big.NewInt(replicaHeld(i)), big.NewInt(5_000_000-replicaHeld(i))
		if i == 1 {
			rep.ResultHash = minorityDigest
		}
		evs = append(evs, *e, *s, *rep)
	}
	b.apply(evs)
	return r
}

// event is an escrow event of lease id in the next block.
func (r *replicated) event(kind string, id common.Hash) *store.ChainEvent {
	r.block++
	return &store.ChainEvent{
		Kind: kind, LeaseID: id, Block: r.block, BlockHash: common.BigToHash(new(big.Int).SetUint64(r.block)),
		BlockTime: time.Now().UTC().Truncate(time.Second), TxHash: crypto.Keccak256Hash(id[:], []byte(kind)),
	}
}

// settle indexes the group's settlement: replicas 0 and 2 paid, 1
// refunded.
func (b *broker) settle(r *replicated) {
	b.t.Helper()
	r.block++
	var evs []store.ChainEvent
	for i, id := range r.leases {
		e := store.ChainEvent{
			Kind: store.KindReplicaSettled, LeaseID: id, Block: r.block, BlockHash: common.BigToHash(new(big.Int).SetUint64(r.block)),
			BlockTime: time.Now().UTC().Truncate(time.Second), TxHash: common.BigToHash(new(big.Int).SetUint64(r.block)), LogIndex: uint(i),
			Agreed: i != 1, Paid: big.NewInt(0), Refunded: big.NewInt(0),
		}
		if e.Agreed {
			e.Paid.SetInt64(replicaHeld(i))
		} else {
			e.Refunded.SetInt64(replicaHeld(i))
		}
		evs = append(evs, e)
	}
	g := evs[0]
	g.Kind, g.LeaseID, g.LogIndex, g.Agreed = store.KindGroupSettled, common.Hash{}, 3, false
	g.OrderHash, g.ResultHash = r.order.Hash, majorityDigest
	g.Paid, g.Refunded = big.NewInt(replicaHeld(0)+replicaHeld(2)), big.NewInt(replicaHeld(1))
	b.apply(append(evs, g))
}

func (b *broker) apply(evs []store.ChainEvent) {
	b.t.Helper()
	last := evs[len(evs)-1].Block
	if _, err := b.store.ApplyChainEvents(testContext(b.t), "escrow", evs, store.ChainPosition{Block: last + 1}); err != nil {
		b.t.Fatal(err)
	}
}

type replicaGroupJSON struct {
	OrderHash string
	Verify    *struct {
		Replicas int
		Paths    []string
	}
	Replicas []struct {
		Lease, Provider, State, ResultDigest, Held, Paid, Refunded string
		Agreed                                                     *bool
	}
	Settlement *struct {
		Majority       *string
		Paid, Refunded string
		Block          uint64
	}
	PaidProviders []string
	Token         struct{ Symbol string }
}

// TestReplicaAPI reads a replicated order through the JSON API, the
// generated client and the dashboard: each lease says it is a replica,
// reported and then how it was settled; the order's replicas list the
// three with their digests, money and agreement, the majority and who
// was paid.
func TestReplicaAPI(t *testing.T) {
	b := newBroker(t, testDomain)
	b.seed(2)
	r := b.seedReplicas(500, 1000)
	replicasPath := "/api/v1/orders/" + r.order.Hash.Hex() + "/replicas"

	// Reported, not settled.
	var reported leasePage
	b.getJSON("/api/v1/leases?state=reported", &reported)
	if len(reported.Items) != 3 {
		t.Fatalf("%d reported leases listed, want the 3 replicas", len(reported.Items))
	}
	var d struct {
		Lease struct {
			leaseJSON
			Replica    bool
			Held       string
			Agreed     *bool
			ResultHash string
		}
		Events       []struct{ Kind, Held, ResultHash string }
		Payments     []struct{ Kind, Amount string }
		ReplicaGroup *replicaGroupJSON
		Transcript   *struct {
			Winner, WhyWinner string
			Winners           []string
			Entries           []struct{ Won bool }
		}
	}
	b.getJSON("/api/v1/leases/"+r.leases[1].Hex(), &d)
	if l := d.Lease; !l.Replica || l.State != "reported" || l.Held != "700000" || l.Agreed != nil || l.ResultHash != minorityDigest.Hex() ||
		l.Paid != "0" || l.Refunded != "4300000" {
		t.Errorf("reported replica: %+v; want a replica, reported, holding 700000, not settled, digest %s, nothing paid, 4300000 refunded", l, minorityDigest.Hex())
	}
	if n := len(d.Events); n != 3 || d.Events[2].Kind != "Reported" || d.Events[2].Held != "700000" || d.Events[2].ResultHash != minorityDigest.Hex() {
		t.Errorf("events %+v; want opened, started, reported holding 700000 with its digest", d.Events)
	}
	if g := d.ReplicaGroup; g == nil || len(g.Replicas) != 3 || g.Settlement != nil || len(g.PaidProviders) != 0 || g.Verify == nil || g.Verify.Replicas != 3 {
		t.Errorf("group of a reported replica: %+v; want 3 replicas, verify of 3, not settled", g)
	}
	// Each replica won the one auction: three winners, best first.
	want3 := "3 winners, one replica each: the lowest-priced eligible bids from distinct providers, at 3 tUSD, 3.1 tUSD and 3.2 tUSD per hour."
	if tr := d.Transcript; tr == nil || tr.Winner != r.leases[0].Hex() || strings.Join(tr.Winners, ",") != r.leases[0].Hex()+","+r.leases[1].Hex()+","+r.leases[2].Hex() ||
		tr.WhyWinner != want3 || len(tr.Entries) != 3 || !tr.Entries[0].Won || !tr.Entries[1].Won || !tr.Entries[2].Won {
		t.Errorf("the second replica's transcript: %+v; want the auction all three won, saying %q", tr, want3)
	}

	b.settle(r)
	var g replicaGroupJSON
	b.getJSON(replicasPath, &g)
	type row struct{ Lease, Provider, State, Digest, Held, Paid, Refunded, Agreed string }
	var got []row
	for _, x := range g.Replicas {
		agreed := "-"
		if x.Agreed != nil {
			agreed = map[bool]string{true: "yes", false: "no"}[*x.Agreed]
		}
		got = append(got, row{x.Lease, x.Provider, x.State, x.ResultDigest, x.Held, x.Paid, x.Refunded, agreed})
	}
	want := []row{
		{r.leases[0].Hex(), storetest.Address(2).Hex(), "closed", majorityDigest.Hex(), "600000", "600000", "4400000", "yes"},
		{r.leases[1].Hex(), storetest.Address(3).Hex(), "closed", minorityDigest.Hex(), "700000", "0", "5000000", "no"},
		{r.leases[2].Hex(), storetest.Address(4).Hex(), "closed", majorityDigest.Hex(), "800000", "800000", "4200000", "yes"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("replicas (-want +got):\n%s", diff)
	}
	if st := g.Settlement; g.OrderHash != r.order.Hash.Hex() || st == nil || st.Majority == nil || *st.Majority != majorityDigest.Hex() ||
		st.Paid != "1400000" || st.Refunded != "700000" || st.Block != r.block || g.Token.Symbol != "tUSD" ||
		strings.Join(g.PaidProviders, ",") != storetest.Address(2).Hex()+","+storetest.Address(4).Hex() {
		t.Errorf("group %+v, settlement %+v; want majority %s, 1400000 paid to providers 2 and 4, 700000 refunded, at block %d",
			g, st, majorityDigest.Hex(), r.block)
	}
	b.getJSON("/api/v1/leases/"+r.leases[1].Hex(), &d)
	if l := d.Lease; l.State != "closed" || l.ClosedBy != "settlement" || l.Agreed == nil || *l.Agreed || l.Refunded != "5000000" {
		t.Errorf("refunded replica: %+v; want closed by the settlement, not agreed, the whole deposit back", l)
	}
	var pays []string
	for _, p := range d.Payments {
		pays = append(pays, p.Kind+"="+p.Amount)
	}
	if strings.Join(pays, ",") != "deposit=5000000,refund=4300000,refund=700000" {
		t.Errorf("refunded replica's payments: %v", pays)
	}

	// The generated client reads the same.
	c, err := apiclient.NewClientWithResponses(b.srv.URL, apiclient.WithHTTPClient(b.srv.Client()))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	gc, err := c.GetReplicasWithResponse(ctx, r.order.Hash.Hex())
	if err != nil || gc.JSON200 == nil || len(gc.JSON200.Replicas) != 3 || gc.JSON200.Settlement == nil || len(gc.JSON200.PaidProviders) != 2 {
		t.Fatalf("generated client: %v, %s; want 3 replicas, settled, 2 paid", err, body(gc.Body))
	}
	if x := gc.JSON200.Replicas[1]; x.Agreed == nil || *x.Agreed || x.State == nil || *x.State != apiclient.LeaseState("closed") {
		t.Errorf("generated client's second replica: %+v; want closed, not agreed", x)
	}

	// Replicas of what has none: a plain order, an unknown one.
	for _, tt := range []struct {
		path string
		code int
		says string
	}{
		{"/api/v1/orders/" + common.Hash{1}.Hex() + "/replicas", http.StatusNotFound, "not found"},
		{"/api/v1/orders/0x1234/replicas", http.StatusBadRequest, "not a hash"},
		{replicasPath + "?limit=1", http.StatusBadRequest, "unknown query parameter"},
	} {
		code, body := b.do(http.MethodGet, tt.path, "", nil)
		if code != tt.code || !strings.Contains(string(body), tt.says) {
			t.Errorf("GET %s: %d %s; want %d saying %q", tt.path, code, body, tt.code, tt.says)
		}
	}
	var plain leasePage
	b.getJSON("/api/v1/leases?limit=200", &plain)
	for _, l := range plain.Items {
		if l.State == "reported" {
			t.Errorf("lease %s still reported after the settlement", l.ID)
		}
	}

	// The replica the majority contradicted counts against its provider.
	var prov struct {
		Reputation struct {
			Rule                                      string
			Disagreed, Unresolved, Penalty, Completed uint64
		}
	}
	b.getJSON("/api/v1/providers/"+storetest.Address(3).Hex(), &prov)
	if r := prov.Reputation; r.Rule != "tender-reputation/3" || r.Disagreed != 1 || r.Unresolved != 0 || r.Penalty != 20 {
		t.Errorf("reputation of the provider that disagreed: %+v; want tender-reputation/3, 1 disagreed, penalty 20", r)
	}
	if _, page := b.do(http.MethodGet, "/providers/"+storetest.Address(3).Hex(), "", nil); !strings.Contains(string(page), "Disagreed: 1 replica whose") {
		t.Error("provider page does not count the replica that disagreed")
	}

	// The dashboard's lease page.
	code, page := b.do(http.MethodGet, "/leases/"+r.leases[2].Hex(), "", nil)
	if code != http.StatusOK {
		t.Fatalf("lease page: %d", code)
	}
	for _, s := range []string{`id="replica">REPLICA`, "Result digest", want3, "Replicas of this order", `id="replicas"`, "yes, paid", "no, refunded",
		"the majority&#39;s result digest is 0x000000…a9a9", "its result digest was its group&#39;s majority", "Settled by its group"} {
		if !strings.Contains(string(page), s) {
			t.Errorf("replica's page lacks %q", s)
		}
	}
	_, list := b.do(http.MethodGet, "/leases?state=closed", "", nil)
	if !strings.Contains(string(list), "REPLICA") {
		t.Error("lease list does not mark replicas")
	}
}

// TestReplicaDashboardInBrowser opens a reported replica's page in
// headless Chromium: it shows its group unsettled, and when the
// settlement is indexed the page follows by itself to show who agreed,
// who was paid and the majority.
func TestReplicaDashboardInBrowser(t *testing.T) {
	b := newBroker(t, testDomain)
	r := b.seedReplicas(600, 100)
	ctx := browser(t)

	var heading, status, outcome, table string
	run(t, ctx, "open a reported replica",
		chromedp.Navigate(b.srv.URL+"/leases/"+r.leases[1].Hex()),
		chromedp.WaitVisible("#replicas", chromedp.ByID),
		chromedp.Text("h1", &heading, chromedp.ByQuery),
		chromedp.Text("#replica-status", &status, chromedp.ByID),
		chromedp.Text("#replica-outcome", &outcome, chromedp.ByID),
	)
	if !strings.Contains(heading, "reported") || !strings.Contains(heading, "REPLICA") {
		t.Errorf("heading %q, want it reported and a replica", heading)
	}
	if !strings.Contains(status, "holds the 0.7 tUSD it earned") || !strings.Contains(outcome, "has not settled yet") {
		t.Errorf("status %q, outcome %q; want 0.7 tUSD held, not settled", status, outcome)
	}

	b.settle(r)
	var png []byte
	run(t, ctx, "wait for the page to show the settlement",
		chromedp.WaitVisible(`//p[@id="replica-outcome"][contains(., "Settled")]`, chromedp.BySearch),
		chromedp.Text("#replicas", &table, chromedp.ByID),
		chromedp.Text("#replica-outcome", &outcome, chromedp.ByID),
		chromedp.Text("#replica-status", &status, chromedp.ByID),
		chromedp.FullScreenshot(&png, 100),
	)
	saveScreenshot(t, "dashboard-replica.png", png)
	for _, want := range []string{"yes, paid", "no, refunded", "0.6 tUSD", "0.8 tUSD", "5 tUSD"} {
		if !strings.Contains(table, want) {
			t.Errorf("replicas table lacks %q:\n%s", want, table)
		}
	}
	if strings.Count(table, "yes, paid") != 2 || strings.Count(table, "closed") != 3 {
		t.Errorf("replicas table: want 3 closed, 2 paid:\n%s", table)
	}
	short := func(a common.Address) string { h := a.Hex(); return h[:8] + "…" + h[len(h)-4:] }
	if want := "…a9a9; the settlement paid " + short(storetest.Address(2)) + " and " + short(storetest.Address(4)) + "."; !strings.Contains(outcome, want) {
		t.Errorf("outcome %q, want it to end %q", outcome, want)
	}
	if !strings.Contains(status, "not its group's majority") {
		t.Errorf("status %q, want it refunded for not being the majority", status)
	}
}
