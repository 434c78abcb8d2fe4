package tenant

import (
	"strings"
	"testing"

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
}
