package api_test

import (
	"bytes"
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/tender-market/tender/pkg/apiclient"
	"github.com/tender-market/tender/pkg/auction"
	"github.com/tender-market/tender/pkg/store/storetest"
)

// TestGeneratedClient reads and submits through the client generated from
// docs/openapi.yaml (package apiclient) against a live broker: the
// description is usable, not only valid. The main reads, an order
// submitted, and a refusal in the documented error shape.
func TestGeneratedClient(t *testing.T) {
	b := newBroker(t, testDomain)
	sd := b.seed(7)
	c, err := apiclient.NewClientWithResponses(b.srv.URL, apiclient.WithHTTPClient(b.srv.Client()))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()

	limit := 3
	leases, err := c.ListLeasesWithResponse(ctx, &apiclient.ListLeasesParams{Limit: &limit})
	if err != nil || leases.JSON200 == nil || len(leases.JSON200.Items) != 3 || leases.JSON200.NextCursor == nil {
		t.Fatalf("list leases: %v, %s; want 3 leases and a next page", err, body(leases.Body))
	}
	first := leases.JSON200.Items[0]
	if first.Id == nil || *first.Id != sd.leases[0].Hex() {
		t.Errorf("newest lease %v, want %s", first.Id, sd.leases[0].Hex())
	}
	one, err := c.GetLeaseWithResponse(ctx, sd.leases[0].Hex())
	if err != nil || one.JSON200 == nil || one.JSON200.Lease.Id == nil || *one.JSON200.Lease.Id != sd.leases[0].Hex() || len(one.JSON200.Events) == 0 {
		t.Errorf("get lease: %v, %s; want the lease with its events", err, body(one.Body))
	}
	providers, err := c.ListProvidersWithResponse(ctx, nil)
	if err != nil || providers.JSON200 == nil || len(providers.JSON200.Items) == 0 {
		t.Fatalf("list providers: %v, %s", err, body(providers.Body))
	}
	p, err := c.GetProviderWithResponse(ctx, *providers.JSON200.Items[0].Address, nil)
	if err != nil || p.JSON200 == nil || p.JSON200.Reputation == nil {
		t.Errorf("get provider: %v, %s; want it with its reputation", err, body(p.Body))
	}
	sum, err := c.MarketSummaryWithResponse(ctx)
	if err != nil || sum.JSON200 == nil {
		t.Errorf("market summary: %v, %s", err, body(sum.Body))
	}

	o := b.market.Order(t, storetest.Key(1), 1, 1, 2_000_000, "H100")
	wire, err := auction.EncodeOrder(o.SignedOrder)
	if err != nil {
		t.Fatal(err)
	}
	acc, err := c.SubmitOrderWithBodyWithResponse(ctx, "application/json", bytes.NewReader(wire))
	if err != nil || acc.JSON202 == nil || acc.JSON202.Hash == nil || *acc.JSON202.Hash != o.Hash.Hex() {
		t.Fatalf("submit order: %v, %s; want it accepted", err, body(acc.Body))
	}
	got, err := c.GetOrderWithResponse(ctx, o.Hash.Hex())
	if err != nil || got.StatusCode() != http.StatusOK {
		t.Errorf("get the submitted order: %v, %s", err, body(got.Body))
	}
	bad, err := c.SubmitOrderWithBodyWithResponse(ctx, "application/json", bytes.NewReader([]byte(`{"v": 1}`)))
	if err != nil || bad.JSON400 == nil && bad.JSON422 == nil {
		t.Errorf("submit garbage: %v, %d %s; want a documented refusal", err, bad.StatusCode(), body(bad.Body))
	}
}

// body is an answer's body for an error message.
func body(b []byte) string {
	if len(b) > 300 {
		return string(b[:300]) + "..."
	}
	return string(b)
}
