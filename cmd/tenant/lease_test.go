package main

import (
	"bytes"
	"encoding/json"
	"math/big"
	"strings"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"

	"github.com/tender-market/tender/internal/cli"
	"github.com/tender-market/tender/pkg/auction"
	"github.com/tender-market/tender/pkg/tenant"
)

const someLease = "0x3f6c0000000000000000000000000000000000000000000000000000000000e1"

func TestLeaseCommandsHelp(t *testing.T) {
	tests := []struct {
		cmd  string
		says []string
	}{
		{"status", []string{"deadline", "--lease-dir", "--output", "--provider-peer"}},
		{"logs", []string{"-f, --follow", "--provider-peer"}},
		{"results", []string{"--out", "SHA-256", "on chain"}},
		{"cancel", []string{"price x seconds", "refunds", "--output"}},
		{"topup", []string{"AMOUNT", "0.5 tokens", "--output"}},
		{"reclaim", []string{"start deadline", "--output"}},
		{"leases", []string{"--lease-dir", "--output"}},
		{"submit", []string{"--deposit", "--lease-dir"}},
	}
	for _, tt := range tests {
		t.Run(tt.cmd, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			if code := cli.Main(newRoot, []string{tt.cmd, "--help"}, &stdout, &stderr); code != 0 {
				t.Fatalf("exit %d: %s", code, stderr.String())
			}
			for _, want := range tt.says {
				if !strings.Contains(stdout.String(), want) {
					t.Errorf("%s --help lacks %q", tt.cmd, want)
				}
			}
		})
	}
}

func TestLeaseCommandsRefuse(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name string
		args []string
		code int
		says string
	}{
		{"status without lease", []string{"status"}, 2, "accepts 1 arg"},
		{"topup without amount", []string{"topup", someLease}, 2, "accepts 2 arg"},
		{"bad lease", []string{"cancel", "0x12", "--lease-dir", dir}, 1, "want 0x and 64 hex digits"},
		{"bad output", []string{"status", someLease, "-o", "yaml", "--lease-dir", dir}, 2, "want text or json"},
		{"bad amount", []string{"topup", someLease, "lots", "--lease-dir", dir}, 1, "AMOUNT"},
		{"no chain", []string{"reclaim", someLease, "--lease-dir", dir}, 1, "--rpc-url is not set"},
		{"bad deposit", []string{"submit", "../../examples/train/job.yaml", "--deposit", "x"}, 1, "--deposit"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := cli.Main(newRoot, tt.args, &stdout, &stderr)
			if code != tt.code || !strings.Contains(stderr.String(), tt.says) {
				t.Errorf("exit %d, stderr %q; want exit %d saying %q", code, stderr.String(), tt.code, tt.says)
			}
		})
	}
}

func TestLeasesLists(t *testing.T) {
	dir := t.TempDir()
	id := common.HexToHash(someLease)
	rec := &tenant.LeaseRecord{
		LeaseID: id,
		Order:   auction.Order{Tenant: common.Address{1}, MaxPricePerHour: big.NewInt(5), MaxDuration: 600},
		Bid:     auction.SignedBid{Bid: auction.Bid{Provider: common.Address{2}, PricePerHour: big.NewInt(3)}},
		Deposit: big.NewInt(1), OpenedBlock: 7, Created: time.Unix(1700000000, 0).UTC(),
	}
	if err := tenant.NewLeaseDir(dir).Save(rec); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name  string
		args  []string
		check func(t *testing.T, out string)
	}{
		{"text", nil, func(t *testing.T, out string) {
			if !strings.Contains(out, id.Hex()) || !strings.Contains(out, common.Address{2}.Hex()) {
				t.Errorf("leases printed %q, want the lease and its provider", out)
			}
		}},
		{"json", []string{"-o", "json"}, func(t *testing.T, out string) {
			var got []tenant.LeaseRecord
			if err := json.Unmarshal([]byte(out), &got); err != nil {
				t.Fatal(err)
			}
			if len(got) != 1 || got[0].LeaseID != id || got[0].Bid.Bid.PricePerHour.Cmp(big.NewInt(3)) != 0 {
				t.Errorf("leases -o json = %+v, want the one record", got)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			if code := cli.Main(newRoot, append([]string{"leases", "--lease-dir", dir}, tt.args...), &stdout, &stderr); code != 0 {
				t.Fatalf("exit %d: %s", code, stderr.String())
			}
			tt.check(t, stdout.String())
		})
	}
}
