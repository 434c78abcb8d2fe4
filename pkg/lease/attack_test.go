package lease_test

import (
	"testing"

	"github.com/ethereum/go-ethereum/common"

	"github.com/tender-market/tender/pkg/lease"
)

// TestAttackCloseOutOfGas: a provider whose token balance is empty closes
// a lease in the block after its start. Its gas is estimated on the start's
// block, where nothing has accrued yet, so the estimate leaves out the
// first payment to an empty balance; the close must still go through.
// Before, it reverted out of gas and the lease kept billing.
func TestAttackCloseOutOfGas(t *testing.T) {
	h := newHarness(t, plainToken)
	// The provider's balance is empty.
	h.mustSend(h.provider, h.tokenC, h.token.PackTransfer(h.stranger.addr, h.balance(h.provider.addr)))
	l := h.open(1, price, deposit)
	h.start(l)
	r, err := h.client.Close(h.ctx, h.provider.auth, l.id, l.terms, lease.NewExitCode(0, lease.ExitedByItself), common.Hash{1})
	if err != nil {
		t.Fatalf("close right after the start: %v", err)
	}
	closed, ok := lease.Find[*lease.Closed](r.Events)
	if !ok || closed.Paid.Sign() == 0 {
		t.Fatalf("closed %+v: want the provider paid for the seconds since the start", closed)
	}
	if got := h.balance(h.provider.addr); got.Cmp(closed.Paid) != 0 {
		t.Errorf("the provider holds %s, want what it was paid, %s", got, closed.Paid)
	}
}
