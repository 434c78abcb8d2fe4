package tenant

import (
	"errors"
	"math/big"
	"strings"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"

	"github.com/tender-market/tender/pkg/auction"
)

func TestNoWinnerError(t *testing.T) {
	e := &NoWinnerError{NoBids: []auction.SignedNoBid{{NoBid: auction.NoBid{Provider: common.Address{1}, Reason: auction.ReasonGPUModel, Detail: "has 0 free GPUs of model H100"}}}}
	if s := e.Error(); !strings.Contains(s, "gpu_model: has 0 free GPUs of model H100") {
		t.Errorf("error %q lacks the provider's reason", s)
	}
	if s := (&NoWinnerError{}).Error(); !strings.Contains(s, "no provider answered") {
		t.Errorf("error %q does not say nobody answered", s)
	}
	below := &NoWinnerError{
		Entries: []auction.Entry{
			{Bid: auction.SignedBid{Bid: auction.Bid{Provider: common.Address{2}, PricePerHour: big.NewInt(100)}}, Reason: auction.ReasonReputation},
			{Bid: auction.SignedBid{Bid: auction.Bid{Provider: common.Address{3}, PricePerHour: big.NewInt(200)}}, Reason: auction.ReasonGPUModel},
		},
		MinReputation: 10,
		Unrated:       errors.New("GET http://broker/api/v1/providers/0x02: connection refused"),
	}
	for _, want := range []string{
		"per hour: reputation (score 0, the job's minReputation is 10)", "per hour: gpu_model",
		"1 of 2 bids are from providers below minReputation 10: lower it in the job spec",
		"reputations were unavailable, so every bidder counted 0: GET http://broker/api/v1/providers/0x02: connection refused",
	} {
		if s := below.Error(); !strings.Contains(s, want) {
			t.Errorf("error %q does not say %q", s, want)
		}
	}
	if below.ForNow() {
		t.Error("bids below the floor count as a failure for now, want for good")
	}
	for _, tt := range []struct {
		reasons      []auction.Reason
		forNow, soon bool
	}{
		{[]auction.Reason{auction.ReasonGPUModel}, false, false},
		{[]auction.Reason{auction.ReasonGPUModel, auction.ReasonBusy}, true, false},
		{[]auction.Reason{auction.ReasonBusy, auction.ReasonHeld}, true, true},
		{[]auction.Reason{auction.ReasonHeld}, true, true},
	} {
		e := &NoWinnerError{}
		for _, r := range tt.reasons {
			e.NoBids = append(e.NoBids, auction.SignedNoBid{NoBid: auction.NoBid{Reason: r}})
		}
		if e.ForNow() != tt.forNow || e.Soon() != tt.soon {
			t.Errorf("no-bids %v: for now %v, soon %v; want %v, %v", tt.reasons, e.ForNow(), e.Soon(), tt.forNow, tt.soon)
		}
	}
	for range 100 {
		if d := soonRetry(); d < 500*time.Millisecond || d >= 1500*time.Millisecond {
			t.Fatalf("the wait after a round lost to held capacity is %s, want 0.5-1.5 s", d)
		}
	}
}
