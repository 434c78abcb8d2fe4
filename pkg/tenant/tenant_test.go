package tenant

import (
	"math/big"
	"strings"
	"testing"

	"github.com/ethereum/go-ethereum/common"

	"github.com/tender-market/tender/pkg/auction"
)

func TestDeposit(t *testing.T) {
	tests := []struct {
		price, secs int64
		want        string
	}{
		{2_000_000, 600, "333334"}, // 333333.33 rounds up
		{3600, 3600, "3600"},
		{1, 1, "1"},
	}
	for _, tt := range tests {
		t.Run(tt.want, func(t *testing.T) {
			if got := Deposit(big.NewInt(tt.price), uint64(tt.secs)); got.String() != tt.want {
				t.Errorf("Deposit(%d, %d) = %s, want %s", tt.price, tt.secs, got, tt.want)
			}
		})
	}
}

func TestNoWinnerError(t *testing.T) {
	e := &NoWinnerError{NoBids: []auction.SignedNoBid{{NoBid: auction.NoBid{Provider: common.Address{1}, Reason: auction.ReasonGPUModel, Detail: "has 0 free GPUs of model H100"}}}}
	if s := e.Error(); !strings.Contains(s, "gpu_model: has 0 free GPUs of model H100") {
		t.Errorf("error %q lacks the provider's reason", s)
	}
	if s := (&NoWinnerError{}).Error(); !strings.Contains(s, "no provider answered") {
		t.Errorf("error %q does not say nobody answered", s)
	}
}
