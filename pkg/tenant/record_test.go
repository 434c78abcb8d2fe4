package tenant

import (
	"errors"
	"math/big"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"

	"github.com/tender-market/tender/pkg/auction"
)

func TestLeaseDir(t *testing.T) {
	d := NewLeaseDir(t.TempDir())
	tests := []struct {
		name string
		id   common.Hash
		at   int64
	}{
		{"second", common.Hash{2}, 200},
		{"first", common.Hash{1}, 100},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := &LeaseRecord{
				LeaseID: tt.id, Order: auction.Order{Tenant: common.Address{9}, MaxPricePerHour: big.NewInt(10), MaxDuration: 60},
				Bid:     auction.SignedBid{Bid: auction.Bid{Provider: common.Address{8}, PricePerHour: big.NewInt(7)}},
				Deposit: big.NewInt(1), Created: time.Unix(tt.at, 0).UTC(),
			}
			if err := d.Save(r); err != nil {
				t.Fatal(err)
			}
			got, err := d.Load(tt.id)
			if err != nil {
				t.Fatal(err)
			}
			if terms := got.Terms(); terms.Provider != (common.Address{8}) || terms.PricePerHour.Int64() != 7 || terms.MaxDuration != 60 {
				t.Errorf("terms = %+v, want provider 08, price 7, 60 s", terms)
			}
		})
	}
	all, err := d.List()
	if err != nil || len(all) != 2 || all[0].LeaseID != (common.Hash{1}) {
		t.Errorf("List = %v, %v; want two records, oldest first", all, err)
	}
	if _, err := d.Load(common.Hash{3}); !errors.Is(err, ErrNoRecord) {
		t.Errorf("Load of an unknown lease: %v, want ErrNoRecord", err)
	}
}
