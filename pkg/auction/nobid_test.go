package auction

import (
	"errors"
	"testing"
	"time"
)

func TestNoBid(t *testing.T) {
	tenant, provider := testKey(t, 1), testKey(t, 2)
	order := mustSignOrder(t, sampleOrder(addr(tenant)), tenant)
	other := sampleOrder(addr(tenant))
	other.Nonce = 1234
	otherOrder := mustSignOrder(t, other, tenant)
	n := NoBid{OrderHash: order.Hash, Provider: addr(provider), PeerID: testPeer, Reason: ReasonGPUModel, Detail: "has 0 free GPUs of model H100"}
	sn, err := testDomain.SignNoBid(n, NewKeySigner(provider))
	if err != nil {
		t.Fatal(err)
	}
	data, err := EncodeNoBid(sn)
	if err != nil {
		t.Fatal(err)
	}
	forged := sn
	forged.NoBid.Reason = ReasonBusy
	forgedData, _ := EncodeNoBid(forged)
	cases := []struct {
		name  string
		data  []byte
		order *VerifiedOrder
		now   time.Time
		want  error
	}{
		{"valid", data, &order, t0, nil},
		{"other order", data, &otherOrder, t0, ErrWrongOrder},
		{"after the window", data, &order, time.Unix(int64(order.Order.BidDeadline), 0), ErrLate},
		{"reason changed after signing", forgedData, &order, t0, ErrBadSignature},
		{"oversize", make([]byte, MaxNoBidBytes+1), &order, t0, ErrTooLarge},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := testDomain.ReadNoBid(c.data, c.order, c.now)
			if c.want == nil {
				if err != nil || got.NoBid != n {
					t.Fatalf("ReadNoBid = %+v, %v; want %+v", got.NoBid, err, n)
				}
				return
			}
			if !errors.Is(err, c.want) {
				t.Fatalf("ReadNoBid error = %v, want %v", err, c.want)
			}
		})
	}
	if _, err := testDomain.SignNoBid(NoBid{OrderHash: order.Hash, Provider: addr(provider), PeerID: testPeer, Reason: "no reason!"}, NewKeySigner(provider)); !errors.Is(err, ErrInvalid) {
		t.Errorf("SignNoBid with a bad reason code: %v, want ErrInvalid", err)
	}
}
