package api_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"

	"github.com/tender-market/tender/pkg/auction"
	"github.com/tender-market/tender/pkg/store/storetest"
)

type leaseJSON struct {
	ID, State, GPUModel, Provider, Tenant, Deposit, Paid, Refunded, ClosedBy string
	UpdatedAt, ExitReason                                                    string
	ExitStatus                                                               *int
}

type leasePage struct {
	Items      []leaseJSON
	NextCursor string
}

func TestLeasesAPI(t *testing.T) {
	b := newBroker(t, testDomain)
	sd := b.seed(7)

	t.Run("paging", func(t *testing.T) {
		var got []string
		path := "/api/v1/leases?limit=3"
		for pages := 0; path != ""; pages++ {
			if pages > 5 {
				t.Fatal("paging does not end")
			}
			var p leasePage
			b.getJSON(path, &p)
			for _, l := range p.Items {
				got = append(got, l.ID)
			}
			path = ""
			if p.NextCursor != "" {
				path = "/api/v1/leases?limit=3&cursor=" + url.QueryEscape(p.NextCursor)
			}
		}
		if len(got) != len(sd.leases) {
			t.Fatalf("got %d leases over all pages, want %d", len(got), len(sd.leases))
		}
		for i, id := range sd.leases {
			if got[i] != id.Hex() {
				t.Errorf("lease %d: got %s, want %s (newest first)", i, got[i], id.Hex())
			}
		}
	})

	tests := []struct {
		query string
		want  int
	}{
		{"state=open", 3},
		{"state=running", 2},
		{"state=closed", 2},
		{"gpu=" + url.QueryEscape(h100.Model), 4},
		{"gpu=" + url.QueryEscape(a100.Model) + "&state=closed", 1},
		{"provider=" + storetest.Address(3).Hex(), 3},
		{"tenant=" + storetest.Address(9).Hex(), 0},
		{"from=2000-01-01&to=2000-01-02", 0},
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			var p leasePage
			b.getJSON("/api/v1/leases?"+tt.query, &p)
			if len(p.Items) != tt.want {
				t.Errorf("got %d leases, want %d", len(p.Items), tt.want)
			}
		})
	}

	t.Run("detail", func(t *testing.T) {
		id := sd.leases[len(sd.leases)-3] // the third: closed by its provider
		var d struct {
			Lease      leaseJSON
			Order      *struct{ Hash string }
			Transcript *struct {
				Winner    string
				WhyWinner string
				Entries   []struct {
					Provider, PricePerHour, Reason string
					Eligible, Won                  bool
				}
			}
			Events   []struct{ Kind string }
			Payments []struct{ Kind, Amount, Account string }
			Token    struct {
				Symbol   string
				Decimals int
			}
		}
		b.getJSON("/api/v1/leases/"+id.Hex(), &d)
		if d.Lease.State != "closed" || d.Lease.ClosedBy != "provider" || d.Lease.Paid != "1250000" || d.Lease.Refunded != "3750000" {
			t.Errorf("lease %+v; want closed by provider, paid 1250000, refunded 3750000", d.Lease)
		}
		if d.Lease.ExitStatus == nil || *d.Lease.ExitStatus != 137 || d.Lease.ExitReason != "killed, out of memory" {
			t.Errorf("lease exit %v, %q; want 137, killed, out of memory", d.Lease.ExitStatus, d.Lease.ExitReason)
		}
		if d.Order == nil || d.Order.Hash != sd.orders[2].Hash.Hex() {
			t.Errorf("order %+v, want %s", d.Order, sd.orders[2].Hash.Hex())
		}
		if d.Transcript == nil || d.Transcript.Winner != id.Hex() || len(d.Transcript.Entries) != 3 {
			t.Fatalf("transcript %+v; want 3 entries won by %s", d.Transcript, id.Hex())
		}
		if want := "Lowest price among 2 eligible bids: 3.2 tUSD per hour (the next lowest asked 4.5 tUSD)."; d.Transcript.WhyWinner != want {
			t.Errorf("whyWinner %q, want %q", d.Transcript.WhyWinner, want)
		}
		var reasons []string
		for _, e := range d.Transcript.Entries {
			reasons = append(reasons, e.Reason)
		}
		if strings.Join(reasons, ",") != ",,price_above_max" {
			t.Errorf("reasons %q, want two eligible and one price_above_max", reasons)
		}
		var kinds []string
		for _, e := range d.Events {
			kinds = append(kinds, e.Kind)
		}
		if strings.Join(kinds, ",") != "LeaseOpened,Started,Withdrawn,Closed" {
			t.Errorf("events %v", kinds)
		}
		var pays []string
		for _, p := range d.Payments {
			pays = append(pays, p.Kind+"="+p.Amount)
		}
		if want := "deposit=5000000,withdrawal=500000,settlement=750000,refund=3750000"; strings.Join(pays, ",") != want {
			t.Errorf("payments %s, want %s", strings.Join(pays, ","), want)
		}
		if d.Token.Symbol != "tUSD" || d.Token.Decimals != 6 {
			t.Errorf("token %+v, want tUSD with 6 decimals", d.Token)
		}
	})

	t.Run("providers", func(t *testing.T) {
		type reputation struct {
			Rule                                      string
			Score, Leases, Running, Completed, Credit uint64
			PayingTenants, Penalty, Reclaimed, Failed uint64
			Earned                                    string
			TopTenants                                *[]struct {
				Tenant, Paid   string
				Leases, Credit uint64
			}
		}
		var p struct {
			Items []struct {
				Address    string
				Simulated  *bool
				Reputation reputation
			}
		}
		b.getJSON("/api/v1/providers?simulated=true", &p)
		if len(p.Items) != 1 || p.Items[0].Address != storetest.Address(3).Hex() || p.Items[0].Simulated == nil || !*p.Items[0].Simulated {
			t.Fatalf("simulated providers %+v; want only %s", p.Items, storetest.Address(3).Hex())
		}
		// Its one closed lease paid 1.25 tUSD at 3.5 tUSD an hour: 3
		// points (floor(10 × 1.25 / 3.5)); the other two are open.
		r := p.Items[0].Reputation
		if r.Rule != "tender-reputation/3" || r.Score != 3 || r.Credit != 3 || r.PayingTenants != 1 || r.Penalty != 0 ||
			r.Leases != 3 || r.Running != 2 || r.Completed != 1 || r.Earned != "1750000" || r.TopTenants != nil {
			t.Errorf("reputation %+v; want rule tender-reputation/3, score 3 = credit 3 from 1 paying tenant, no penalty, "+
				"3 leases (2 running, 1 completed), earned 1750000, no top tenants in a list", r)
		}
		var one struct {
			Address    string
			Reputation reputation
			Nodes      []struct {
				Label, GPUModel string
				MaxGPUs, Bids   int
				Simulated       bool
				LastBid         time.Time
			}
		}
		b.getJSON("/api/v1/providers/"+storetest.Address(3).Hex(), &one)
		if one.Address != storetest.Address(3).Hex() || one.Reputation.Score != 3 {
			t.Errorf("provider %s scores %d, want %s scoring 3", one.Address, one.Reputation.Score, storetest.Address(3).Hex())
		}
		// Its bids came from one node of a cluster.
		if n := one.Nodes; len(n) != 1 || n[0].Label != a100.Node || n[0].GPUModel != a100.Model || n[0].MaxGPUs != 2 ||
			!n[0].Simulated || n[0].Bids != 3 || n[0].LastBid.IsZero() {
			t.Errorf("nodes %+v; want %s, 2 simulated %s, 3 bids", n, a100.Node, a100.Model)
		}
		top := one.Reputation.TopTenants
		if top == nil || len(*top) != 1 || (*top)[0].Tenant != storetest.Address(1).Hex() || (*top)[0].Leases != 1 ||
			(*top)[0].Paid != "1250000" || (*top)[0].Credit != 3 {
			t.Errorf("top tenants %+v; want %s: 1 lease paid 1250000 for 3 points", top, storetest.Address(1).Hex())
		}
		// As tenants who never leased from it see it: nothing counted.
		var seen struct {
			Reputation struct {
				Score, Leases uint64
				Trusted       []string
			}
		}
		others := storetest.Address(7).Hex() + "," + storetest.Address(8).Hex()
		b.getJSON("/api/v1/providers/"+storetest.Address(3).Hex()+"?trusted="+others, &seen)
		if r := seen.Reputation; r.Score != 0 || r.Leases != 0 || strings.Join(r.Trusted, ",") != others {
			t.Errorf("reputation as %s see it: %+v; want no lease counted, score 0, the trusted named", others, r)
		}
		var q struct {
			Min       uint64
			Providers []string
			More      bool
		}
		b.getJSON("/api/v1/providers/qualified?min=3", &q)
		if q.Min != 3 || !slices.Contains(q.Providers, storetest.Address(3).Hex()) || q.More {
			t.Errorf("qualified at 3: %+v; want %s among them", q, storetest.Address(3).Hex())
		}
		b.getJSON("/api/v1/providers/qualified?min=3&trusted="+others, &q)
		if len(q.Providers) != 0 {
			t.Errorf("qualified at 3 as %s see it: %+v; want none", others, q)
		}
		b.getJSON("/api/v1/providers/"+storetest.Address(3).Hex()+"?trusted="+storetest.Address(1).Hex(), &seen)
		if r := seen.Reputation; r.Score != 3 || r.Leases != 3 {
			t.Errorf("reputation as %s sees it: %+v; want its 3 leases, score 3", storetest.Address(1).Hex(), r)
		}
	})

	t.Run("market", func(t *testing.T) {
		var prices struct {
			Points []struct {
				GPUModel              string
				Auctions              int
				MedianPricePerGpuHour string
			}
		}
		b.getJSON("/api/v1/market/prices?gpu="+url.QueryEscape(h100.Model), &prices)
		// H100 auctions won at 3.0, 3.2, 3.4 and 3.6 for two GPUs: the
		// median (lower middle) is 3.2, 1.6 per GPU-hour.
		if len(prices.Points) != 1 || prices.Points[0].Auctions != 4 || prices.Points[0].MedianPricePerGpuHour != "1600000" {
			t.Errorf("prices %+v; want one point of 4 auctions at 1600000 per GPU-hour", prices.Points)
		}
		var sum struct {
			Orders, Transcripts int
			Leases              map[string]int
			InEscrow            string
		}
		b.getJSON("/api/v1/market/summary", &sum)
		if sum.Orders != 7 || sum.Transcripts != 7 || sum.Leases["open"] != 3 {
			t.Errorf("summary %+v; want 7 orders, 7 transcripts, 3 open leases", sum)
		}
	})

	t.Run("transcripts and orders", func(t *testing.T) {
		var ts struct {
			Items []struct{ Hash, OrderHash string }
		}
		b.getJSON("/api/v1/transcripts?order="+sd.orders[2].Hash.Hex(), &ts)
		if len(ts.Items) != 1 || ts.Items[0].OrderHash != sd.orders[2].Hash.Hex() {
			t.Fatalf("transcripts of order 2: %+v", ts.Items)
		}
		var tr struct{ Entries []struct{ BidHash string } }
		b.getJSON("/api/v1/transcripts/"+ts.Items[0].Hash, &tr)
		if len(tr.Entries) != 3 {
			t.Errorf("transcript has %d entries, want 3", len(tr.Entries))
		}
		var os struct{ Items []struct{ Hash string } }
		b.getJSON("/api/v1/orders?tenant="+storetest.Address(1).Hex()+"&limit=200", &os)
		if len(os.Items) != 7 {
			t.Errorf("orders of tenant 1: got %d, want 7", len(os.Items))
		}
		var o struct {
			Signed auction.SignedOrder
		}
		b.getJSON("/api/v1/orders/"+sd.orders[1].Hash.Hex(), &o)
		if vo, err := testDomain.VerifyOrder(o.Signed); err != nil || vo.Hash != sd.orders[1].Hash {
			t.Errorf("served order re-verifies to %s, %v; want %s", vo.Hash.Hex(), err, sd.orders[1].Hash.Hex())
		}
	})
}

func TestSubmitOrder(t *testing.T) {
	b := newBroker(t, testDomain)
	o := b.market.Order(t, storetest.Key(1), 1, 1, 2_000_000, "H100")
	wire, err := auction.EncodeOrder(o.SignedOrder)
	if err != nil {
		t.Fatal(err)
	}
	code, body := b.do(http.MethodPost, "/api/v1/orders", "application/json", wire)
	if code != http.StatusAccepted {
		t.Fatalf("status %d, want 202; body %s", code, body)
	}
	var acc struct {
		Hash              string
		Published, Stored bool
	}
	if err := json.Unmarshal(body, &acc); err != nil || acc.Hash != o.Hash.Hex() || !acc.Published || !acc.Stored {
		t.Errorf("answer %s (%v); want hash %s, published and stored", body, err, o.Hash.Hex())
	}
	pub := b.pub.published()
	if len(pub) != 1 {
		t.Fatalf("published %d orders, want 1", len(pub))
	}
	// Unchanged: it encodes to the very bytes the tenant sent.
	got, err := auction.EncodeOrder(pub[0])
	if err != nil || !bytes.Equal(got, wire) {
		t.Errorf("published order encodes to %s (%v), want the submitted %s", got, err, wire)
	}
	var stored struct{ Hash string }
	b.getJSON("/api/v1/orders/"+o.Hash.Hex(), &stored)

	// A network that refuses: 502, and not stored.
	b.pub.err = errors.New("no peers")
	o2 := b.market.Order(t, storetest.Key(1), 2, 1, 2_000_000)
	wire2, _ := auction.EncodeOrder(o2.SignedOrder)
	if code, body := b.do(http.MethodPost, "/api/v1/orders", "application/json", wire2); code != http.StatusBadGateway || !strings.Contains(string(body), "no peers") {
		t.Errorf("refused by the network: status %d body %s; want 502 naming the reason", code, body)
	}
	if n := count(t, b.dbURL, "orders"); n != 1 {
		t.Errorf("%d orders stored, want 1", n)
	}
}

func TestSubmitTranscript(t *testing.T) {
	b := newBroker(t, testDomain)
	o := b.market.Order(t, storetest.Key(1), 1, 2, 5_000_000)
	tr := b.market.Transcript(t, &o, storetest.Key(1), b.market.Bid(t, &o, storetest.Key(2), 3_000_000, h100))
	wire, err := auction.EncodeTranscript(tr)
	if err != nil {
		t.Fatal(err)
	}
	for i := range 2 {
		if code, body := b.do(http.MethodPost, "/api/v1/transcripts", "application/json", wire); code != http.StatusCreated {
			t.Fatalf("post %d: status %d, want 201; body %s", i, code, body)
		}
	}
	if n := count(t, b.dbURL, "transcripts"); n != 1 {
		t.Errorf("%d transcripts stored after posting one twice, want 1", n)
	}
}

// TestBadRequests sends what a careless or hostile client might: each gets
// a 4xx with a JSON error that says what was wrong, and nothing is stored
// or published.
func TestBadRequests(t *testing.T) {
	b := newBroker(t, testDomain)
	b.seed(2)
	ordersBefore, transcriptsBefore := count(t, b.dbURL, "orders"), count(t, b.dbURL, "transcripts")

	o := b.market.Order(t, storetest.Key(1), 50, 1, 2_000_000)
	good, _ := auction.EncodeOrder(o.SignedOrder)
	forged := o.SignedOrder
	forged.Order.MaxPricePerHour = forged.Order.MaxPricePerHour.Mul(forged.Order.MaxPricePerHour, forged.Order.MaxPricePerHour)
	forgedWire, _ := auction.EncodeOrder(forged)
	otherDomain := storetest.Market{Domain: auction.NewDomain(1, common.HexToAddress("0x01")), Now: b.market.Now}
	foreign, _ := auction.EncodeOrder(otherDomain.Order(t, storetest.Key(1), 51, 1, 2_000_000).SignedOrder)
	expired := storetest.Market{Domain: testDomain, Now: b.market.Now.Add(-2 * 3600e9)}
	expiredWire, _ := auction.EncodeOrder(expired.Order(t, storetest.Key(1), 52, 1, 2_000_000).SignedOrder)
	unknownField := bytes.Replace(good, []byte(`{"v":1,`), []byte(`{"v":1,"extra":true,`), 1)
	badVersion := bytes.Replace(good, []byte(`{"v":1,`), []byte(`{"v":9,`), 1)
	huge := bytes.Repeat([]byte("x"), 64<<10)
	tr := b.market.Transcript(t, &o, storetest.Key(1), b.market.Bid(t, &o, storetest.Key(2), 1_000_000, storetest.Offer{Model: "NVIDIA H100", Count: 1}))
	tr.Entries[0].Reputation = 99 // not what the tenant signed
	forgedTranscript, _ := auction.EncodeTranscript(tr)

	const json = "application/json"
	tests := []struct {
		name, method, path, ctype string
		body                      []byte
		code                      int
		says                      string
	}{
		{"malformed JSON", "POST", "/api/v1/orders", json, []byte(`{"v":1,`), 400, "malformed"},
		{"not JSON at all", "POST", "/api/v1/orders", json, []byte(`hello`), 400, "malformed"},
		{"empty body", "POST", "/api/v1/orders", json, nil, 400, "empty request body"},
		{"unknown field", "POST", "/api/v1/orders", json, unknownField, 400, "unknown field"},
		{"unknown version", "POST", "/api/v1/orders", json, badVersion, 400, "version 9"},
		{"forged signature", "POST", "/api/v1/orders", json, forgedWire, 422, "bad signature"},
		{"another market's order", "POST", "/api/v1/orders", json, foreign, 422, "bad signature"},
		{"expired order", "POST", "/api/v1/orders", json, expiredWire, 422, "expired"},
		{"huge body", "POST", "/api/v1/orders", json, huge, 413, "larger than"},
		{"wrong content type", "POST", "/api/v1/orders", "text/plain", good, 415, "application/json"},
		{"query on a POST", "POST", "/api/v1/orders?x=1", json, good, 400, "unknown query parameter"},
		{"forged transcript", "POST", "/api/v1/transcripts", json, forgedTranscript, 422, "bad signature"},
		{"transcript too large", "POST", "/api/v1/transcripts", json, bytes.Repeat([]byte(" "), 5<<20), 413, "larger than"},
		{"injection in gpu", "GET", "/api/v1/leases?gpu=" + url.QueryEscape("' OR 1=1 --"), "", nil, 400, "gpu"},
		{"injection in state", "GET", "/api/v1/leases?state=" + url.QueryEscape("open' OR '1'='1"), "", nil, 400, "state"},
		{"injection in tenant", "GET", "/api/v1/leases?tenant=" + url.QueryEscape("0x1; DROP TABLE leases"), "", nil, 400, "not an address"},
		{"injection in path", "GET", "/api/v1/leases/" + url.PathEscape("' OR 1=1 --"), "", nil, 400, "not a hash"},
		{"unknown parameter", "GET", "/api/v1/leases?sort=desc", "", nil, 400, "unknown query parameter"},
		{"repeated parameter", "GET", "/api/v1/leases?state=open&state=closed", "", nil, 400, "given 2 times"},
		{"limit zero", "GET", "/api/v1/leases?limit=0", "", nil, 400, "limit"},
		{"limit too large", "GET", "/api/v1/leases?limit=201", "", nil, 400, "limit"},
		{"limit negative", "GET", "/api/v1/leases?limit=-5", "", nil, 400, "limit"},
		{"limit not a number", "GET", "/api/v1/leases?limit=1e9", "", nil, 400, "limit"},
		{"forged cursor", "GET", "/api/v1/leases?cursor=AAAA", "", nil, 400, "cursor"},
		{"bad time", "GET", "/api/v1/leases?from=yesterday", "", nil, 400, "from"},
		{"inverted range", "GET", "/api/v1/leases?from=2026-02-01&to=2026-01-01", "", nil, 400, "not before"},
		{"bad boolean", "GET", "/api/v1/providers?simulated=maybe", "", nil, 400, "true or false"},
		{"bad address", "GET", "/api/v1/providers/0x12", "", nil, 400, "not an address"},
		{"qualified without a floor", "GET", "/api/v1/providers/qualified", "", nil, 400, "want the reputation floor"},
		{"qualified at zero", "GET", "/api/v1/providers/qualified?min=0", "", nil, 400, "at least 1"},
		{"qualified at a negative floor", "GET", "/api/v1/providers/qualified?min=-1", "", nil, 400, "at least 1"},
		{"bad trusted tenant", "GET", "/api/v1/providers/" + storetest.Address(3).Hex() + "?trusted=0x12", "", nil, 400, "not an address"},
		{"too many trusted tenants", "GET", "/api/v1/providers/" + storetest.Address(3).Hex() + "?trusted=" + strings.Repeat(storetest.Address(1).Hex()+",", 64) + storetest.Address(1).Hex(), "", nil, 400, "at most 64"},
		{"a trusted tenant twice", "GET", "/api/v1/providers/" + storetest.Address(3).Hex() + "?trusted=" + storetest.Address(1).Hex() + "," + storetest.Address(1).Hex(), "", nil, 400, "twice"},
		{"price window too long", "GET", "/api/v1/market/prices?from=2020-01-01&to=2026-01-01", "", nil, 400, "366 days"},
		{"unknown lease", "GET", "/api/v1/leases/0x" + strings.Repeat("ab", 32), "", nil, 404, "not found"},
		{"unknown endpoint", "GET", "/api/v1/nothing", "", nil, 404, "no such"},
		{"wrong method", "DELETE", "/api/v1/leases", "", nil, 405, "not allowed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, body := b.do(tt.method, tt.path, tt.ctype, tt.body)
			if code != tt.code {
				t.Errorf("status %d, want %d; body %s", code, tt.code, body)
			}
			var e struct{ Error string }
			if err := jsonDecodeStrict(body, &e); err != nil || e.Error == "" {
				t.Fatalf("body %q is not {\"error\": \"...\"}: %v", body, err)
			}
			if !strings.Contains(e.Error, tt.says) {
				t.Errorf("error %q, want it to say %q", e.Error, tt.says)
			}
		})
	}
	if n := len(b.pub.published()); n != 0 {
		t.Errorf("%d orders published, want 0", n)
	}
	if o, tr := count(t, b.dbURL, "orders"), count(t, b.dbURL, "transcripts"); o != ordersBefore || tr != transcriptsBefore {
		t.Errorf("stored %d orders and %d transcripts, want %d and %d (unchanged)", o, tr, ordersBefore, transcriptsBefore)
	}
	var n int
	if err := storetest.QueryRow(t, b.dbURL, "SELECT count(*) FROM leases", &n); err != nil || n != 2 {
		t.Errorf("leases after the injection attempts: %d (%v), want 2", n, err)
	}
}

func jsonDecodeStrict(data []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	return dec.Decode(v)
}

func TestHealthAndMetrics(t *testing.T) {
	b := newBroker(t, testDomain)
	if code, body := b.do("GET", "/healthz", "", nil); code != 200 || !strings.Contains(string(body), `"ok"`) {
		t.Errorf("healthz: %d %s; want 200 ok", code, body)
	}
	b.do("GET", "/api/v1/leases?limit=0", "", nil)
	code, body := b.do("GET", "/metrics", "", nil)
	if code != 200 {
		t.Fatalf("metrics: status %d", code)
	}
	want := `tender_broker_http_requests_total{code="400",method="GET",route="/api/v1/leases"} 1`
	if !strings.Contains(string(body), want) {
		t.Errorf("metrics lack %s", want)
	}
}

func TestDashboardPages(t *testing.T) {
	b := newBroker(t, testDomain)
	sd := b.seed(4)
	tests := []struct {
		path string
		code int
		says []string
	}{
		{"/leases", 200, []string{"Leases", "running", "NVIDIA H100 80GB HBM3", "3.1 tUSD", `data-live="/api/v1/leases"`}},
		{"/leases?state=closed", 200, []string{"closed"}},
		{"/leases?gpu=" + url.QueryEscape("' OR 1=1 --"), 400, []string{"a GPU model has at most 128 letters"}},
		{"/leases/" + sd.leases[1].Hex(), 200, []string{"Lowest price among 2 eligible bids", "price above max", "Settlement (escrow to provider)", "0.75 tUSD", "Refund (escrow to tenant)", "3.75 tUSD", "REAL", "exit 137: killed, out of memory (limit 1Gi)"}},
		{"/leases/" + sd.leases[0].Hex(), 200, []string{"SIMULATED", "data-live=\"/api/v1/leases/" + sd.leases[0].Hex()}},
		{"/leases/" + sd.leases[2].Hex(), 200, []string{`id="service">SERVICE`, "exposes ports 8000, which its tenant alone reaches", "Running for", "Accrued by now"}},
		{"/leases/0x" + strings.Repeat("00", 32), 404, []string{"not found"}},
		{"/providers", 200, []string{"SIMULATED", "REAL", "Reputation", "tender-reputation/3", `href="/providers/` + storetest.Address(3).Hex() + `"`}},
		// Provider 2's closed lease paid 1.25 tUSD at 3.2 tUSD an hour.
		{"/providers/" + storetest.Address(2).Hex(), 200, []string{"How the score was made", `<p class="big" id="score">3</p>`, "+3", "tender-reputation/3", storetest.Address(1).Hex()}},
		{"/providers/" + storetest.Address(9).Hex(), 404, []string{"not found"}},
		{"/providers/0x12", 400, []string{"not an address"}},
		{"/market", 200, []string{"<svg", "<circle", "NVIDIA H100 80GB HBM3", "per GPU-hour"}},
		{"/static/style.css", 200, []string{"font"}},
		{"/static/live.js", 200, []string{"fingerprint"}},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			code, body := b.do("GET", tt.path, "", nil)
			if code != tt.code {
				t.Errorf("status %d, want %d", code, tt.code)
			}
			for _, s := range tt.says {
				if !strings.Contains(string(body), s) {
					t.Errorf("page lacks %q", s)
				}
			}
		})
	}
	// The lease list renders the fingerprint its script compares.
	var p leasePage
	b.getJSON("/api/v1/leases", &p)
	_, page := b.do("GET", "/leases", "", nil)
	var fp []string
	for _, l := range p.Items {
		fp = append(fp, l.ID+"@"+l.UpdatedAt)
	}
	if !strings.Contains(string(page), `data-fingerprint="`+strings.Join(fp, ",")+`"`) {
		t.Errorf("the page's fingerprint differs from the one its script computes from the API: want %s", strings.Join(fp, ","))
	}
}
