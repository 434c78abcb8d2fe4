package e2e

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tender-market/tender/pkg/devchain"
	"github.com/tender-market/tender/pkg/store/storetest"
	"github.com/tender-market/tender/pkg/tenant"
)

// TestBrokerBackfillsAfterDowntime is the operator's case: the broker is
// down while an auction runs and its lease settles. Restarted, it indexes
// the lease from the chain, and gets the auction's transcript (which
// carries the order) from a market peer that kept it: the lease page shows
// the order and the auction, not just the money.
func TestBrokerBackfillsAfterDowntime(t *testing.T) {
	sc := newScene(t, devchain.Config{}, h100)
	dbURL := storetest.NewDatabase(t)
	_, stop := runBroker(t, sc.dep, sc.p.node, dbURL)
	stop()

	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	res, err := sc.ts.client.Submit(ctx, trainJob(t, 3, "10m"), tenant.Options{OutputFile: filepath.Join(t.TempDir(), "output.tar")})
	if err != nil {
		t.Fatal(err)
	}
	orderHash := sc.ts.esc.Domain().OrderHash(&res.Transcript.Order.Order)

	dashboard, _ := runBroker(t, sc.dep, sc.p.node, dbURL)
	type detail struct {
		Lease struct{ State string }
		Order *struct {
			Hash string
		}
		Transcript *struct {
			Winner   *string
			BidCount int
		}
		TranscriptUnavailable string
	}
	got := waitLeaseShown(t, dashboard, res.LeaseID, "the lease closed with its order and transcript", func(got *detail) bool {
		return got.Lease.State == "closed" && got.Transcript != nil && got.Order != nil
	})
	if got.Order.Hash != orderHash.Hex() || got.Transcript.Winner == nil || *got.Transcript.Winner != res.LeaseID.Hex() || got.Transcript.BidCount != 1 {
		t.Errorf("order %s, transcript won by %v with %d bids; want order %s won by %s with 1 bid",
			got.Order.Hash, got.Transcript.Winner, got.Transcript.BidCount, orderHash.Hex(), res.LeaseID.Hex())
	}
	if got.TranscriptUnavailable != "" {
		t.Errorf("transcriptUnavailable %q beside a transcript", got.TranscriptUnavailable)
	}
	page := leasePage(t, dashboard, res.LeaseID)
	for _, want := range []string{orderHash.Hex(), "won", `id="bids"`} {
		if !strings.Contains(page, want) {
			t.Errorf("lease page lacks %q", want)
		}
	}
}
