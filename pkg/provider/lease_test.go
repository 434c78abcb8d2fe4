package provider

import (
	"math/big"
	"testing"

	"github.com/ethereum/go-ethereum/common"

	"github.com/tender-market/tender/pkg/auction"
	"github.com/tender-market/tender/pkg/lease"
)

func TestJobOutputLimit(t *testing.T) {
	tests := []struct {
		name    string
		diskMiB uint64
		want    int64
	}{
		{"the order's disk", 2048, 2 << 30},
		{"no disk asked: the executor's default", 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := &leaseRun{d: &Daemon{}, id: common.HexToHash("0x1"), bid: &bidState{}}
			order := &auction.Order{MaxDuration: 3600, Requirements: auction.Requirements{DiskMiB: tt.diskMiB, MemoryMiB: 64}}
			job := l.job(order, lease.Terms{PricePerHour: big.NewInt(1)})
			if job.OutputLimit != tt.want {
				t.Errorf("OutputLimit = %d, want %d", job.OutputLimit, tt.want)
			}
		})
	}
}
