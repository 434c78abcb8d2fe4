package store_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/tender-market/tender/pkg/store"
	"github.com/tender-market/tender/pkg/store/storetest"
)

// TestProviderNodes: a provider that sells a cluster's nodes is shown with
// the nodes its bids named in the day before its latest bid, the latest
// first, each with what it offered from there; a provider without nodes
// has none; one that names more than MaxNodesShown is cut short.
func TestProviderNodes(t *testing.T) {
	ctx := testContext(t)
	s, _ := storetest.New(t)
	tenant := storetest.Key(1)
	nonce := uint64(0)
	bid := func(at time.Time, provider int, offer storetest.Offer) {
		t.Helper()
		m := storetest.Market{Domain: testDomain, Now: at}
		nonce++
		order := m.Order(t, tenant, nonce, offer.Count, 4_000_000, "H100")
		tr := m.Transcript(t, &order, tenant, m.Bid(t, &order, storetest.Key(provider), 3_000_000, offer))
		if _, err := s.SaveTranscript(ctx, m.Record(t, tr)); err != nil {
			t.Fatal(err)
		}
	}
	h100 := "NVIDIA H100 80GB HBM3"
	bid(t0.Add(-48*time.Hour), 2, storetest.Offer{Model: h100, Count: 8, Node: "n-gone"}) // too long before the latest
	bid(t0, 2, storetest.Offer{Model: h100, Count: 1, Node: "n-a", Simulated: true})
	bid(t0.Add(time.Minute), 2, storetest.Offer{Model: h100, Count: 2, Node: "n-a", Simulated: true})
	bid(t0.Add(2*time.Minute), 2, storetest.Offer{Model: "NVIDIA A100-SXM4-80GB", Count: 4, Node: "n-b"})
	bid(t0.Add(3*time.Minute), 3, storetest.Offer{Model: h100, Count: 1})

	p, err := s.Provider(ctx, storetest.Address(2))
	if err != nil {
		t.Fatal(err)
	}
	want := []store.Node{
		{Label: "n-b", GPUModel: "NVIDIA A100-SXM4-80GB", MaxGPUs: 4, Bids: 1, LastBid: t0.Add(2 * time.Minute)},
		{Label: "n-a", GPUModel: h100, MaxGPUs: 2, Simulated: true, Bids: 2, LastBid: t0.Add(time.Minute)},
	}
	if d := cmp.Diff(want, p.Nodes, cmp.Comparer(func(a, b time.Time) bool { return a.Equal(b) })); d != "" {
		t.Errorf("nodes (-want +got):\n%s", d)
	}
	if p, err := s.Provider(ctx, storetest.Address(3)); err != nil || len(p.Nodes) != 0 {
		t.Errorf("a provider of one machine: nodes %v, %v; want none", p.Nodes, err)
	}

	// A provider that names a node in every bid is shown MaxNodesShown.
	for i := range store.MaxNodesShown + 6 {
		bid(t0.Add(time.Duration(i)*time.Second), 4, storetest.Offer{Model: h100, Count: 1, Node: fmt.Sprintf("n-%03d", i)})
	}
	p, err = s.Provider(ctx, storetest.Address(4))
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Nodes) != store.MaxNodesShown || p.Nodes[0].Label != fmt.Sprintf("n-%03d", store.MaxNodesShown+5) {
		t.Errorf("%d nodes, the first %+v; want %d, the latest first", len(p.Nodes), p.Nodes[0], store.MaxNodesShown)
	}
}
