package main

import (
	"bytes"
	"encoding/json"
	"math/big"
	"strings"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"

	"github.com/tender-market/tender/internal/chaintest"
	"github.com/tender-market/tender/internal/cli"
	"github.com/tender-market/tender/pkg/auction"
	"github.com/tender-market/tender/pkg/devchain"
	"github.com/tender-market/tender/pkg/lease"
	"github.com/tender-market/tender/pkg/tenant"
)

const someLease = "0x3f6c0000000000000000000000000000000000000000000000000000000000e1"

// run runs the tenant command with args and returns its exit code and what
// it printed.
func run(args ...string) (int, string, string) {
	var stdout, stderr bytes.Buffer
	code := cli.Main(newRoot, args, &stdout, &stderr)
	return code, stdout.String(), stderr.String()
}

// wantFailure runs the command with args and wants it to exit with code
// saying says on standard error.
func wantFailure(t *testing.T, args []string, code int, says string) {
	t.Helper()
	got, _, stderr := run(args...)
	if got != code || !strings.Contains(stderr, says) {
		t.Errorf("exit %d, stderr %q; want exit %d saying %q", got, stderr, code, says)
	}
}

// TestLeaseCommands drives the lease commands against a dev chain over
// JSON-RPC, on a lease this machine keeps no record of (opened straight
// through the escrow): status reads it with no key, topup adds to it,
// another account cannot touch it, cancel settles it on chain when the
// provider cannot be asked, and the commands that need the provider say
// how to name it.
func TestLeaseCommands(t *testing.T) {
	dep, file := chaintest.Serve(t, devchain.Config{})
	ctx := t.Context()
	esc, err := lease.Dial(ctx, dep.RPCURL, dep.Escrow, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer esc.Disconnect()
	id, _ := chaintest.OpenLease(t, esc, big.NewInt(3_600_000), big.NewInt(1_000_000))
	lid, dir := id.Hex(), t.TempDir()
	chain := []string{"--deployment", file, "--lease-dir", dir}
	steps := []struct {
		name string
		args []string
		code int
		out  []string // in standard output (or error, for failures)
	}{
		{"status without a key", []string{"status", lid}, 0, []string{"state     open", "deposit   1 tokens", "start by", "not asked"}},
		{"status as json", []string{"status", lid, "-o", "json"}, 0, []string{`"state": "open"`, `"deposit": 1000000`}},
		{"topup", []string{"topup", lid, "0.5 tokens", "--dev-account", "1"}, 0, []string{"event    ToppedUp", "added    0.5 tokens; deposit now 1.5 tokens"}},
		{"topup by another account", []string{"topup", lid, "1", "--dev-account", "3"}, 1, []string{"belongs to another tenant"}},
		{"logs, provider unknown", []string{"logs", lid, "--dev-account", "1", "--listen", "/ip4/127.0.0.1/tcp/0"}, 1, []string{"name it with --provider-peer"}},
		{"results before the end", []string{"results", lid, "--dev-account", "1", "--listen", "/ip4/127.0.0.1/tcp/0"}, 1, []string{"name it with --provider-peer"}},
		{"cancel", []string{"cancel", lid, "--dev-account", "1", "--listen", "/ip4/127.0.0.1/tcp/0"}, 0, []string{"event    Closed", "exit     no exit status (closed by the tenant)", "refunded 1.5 tokens"}},
		{"status after", []string{"status", lid}, 0, []string{"state     closed", "exit      no exit status, closed by the tenant"}},
		{"cancel again", []string{"cancel", lid, "--dev-account", "1", "--listen", "/ip4/127.0.0.1/tcp/0"}, 1, []string{"settled"}},
		{"reclaim a closed lease", []string{"reclaim", lid, "--dev-account", "1"}, 1, []string{"cannot reclaim a lease that is closed"}},
		{"a lease never opened", []string{"status", someLease}, 1, []string{"no LeaseOpened event"}},
	}
	for _, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			code, stdout, stderr := run(append(st.args, chain...)...)
			text := stdout
			if st.code != 0 {
				text = stderr
			}
			if code != st.code {
				t.Fatalf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", code, st.code, stdout, stderr)
			}
			for _, want := range st.out {
				if !strings.Contains(text, want) {
					t.Errorf("output lacks %q:\n%s", want, text)
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
		{"bad provider peer", []string{"status", someLease, "--provider-peer", "/ip4/127.0.0.1/tcp/1", "--lease-dir", dir}, 1, "--provider-peer"},
		{"bad amount", []string{"topup", someLease, "lots", "--lease-dir", dir}, 1, "AMOUNT"},
		{"exec without a command", []string{"exec", someLease}, 2, "want the lease, then --"},
		{"exec without --", []string{"exec", someLease, "/bin/true"}, 2, "want the lease, then --"},
		{"shell with a command but no --", []string{"shell", someLease, "/bin/bash"}, 2, "tenant shell LEASE [-- COMMAND"},
		{"shell with -- but no command", []string{"shell", someLease, "--"}, 2, "tenant shell LEASE [-- COMMAND"},
		{"forward without a port", []string{"forward", someLease}, 2, "at least one port"},
		{"forward to port 0", []string{"forward", someLease, "0", "--lease-dir", dir}, 1, "[LOCAL:]PORT"},
		{"submit --forward of a port not exposed", []string{"submit", "../../examples/infer/service.yaml", "--forward", "9000", "--token-decimals", "6"}, 1, "does not expose port 9000"},
		{"submit --forward with --detach", []string{"submit", "../../examples/infer/service.yaml", "--forward", "8000", "--detach", "--token-decimals", "6"}, 1, "--forward and --detach"},
		{"no chain", []string{"reclaim", someLease, "--lease-dir", dir}, 1, "--rpc-url is not set"},
		{"bad deposit", []string{"submit", "../../examples/train/job.yaml", "--deposit", "x"}, 1, "--deposit"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { wantFailure(t, tt.args, tt.code, tt.says) })
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

// TestTopUpIn18DecimalTokens: on a market whose token has 18 decimals, "0.5
// tokens" is 5x10^17 base units on chain, to the unit, and amounts print
// in whole tokens; --token-decimals 6 against it is refused, since it would
// make every amount in tokens a trillion times too small.
func TestTopUpIn18DecimalTokens(t *testing.T) {
	dep, file := chaintest.Serve(t, devchain.Config{TokenDecimals: 18})
	ctx := t.Context()
	esc, err := lease.Dial(ctx, dep.RPCURL, dep.Escrow, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer esc.Disconnect()
	whole := new(big.Int).Exp(big.NewInt(10), big.NewInt(18), nil)
	id, _ := chaintest.OpenLease(t, esc, whole, whole)
	chain := []string{"--deployment", file, "--lease-dir", t.TempDir()}
	code, stdout, stderr := run(append([]string{"topup", id.Hex(), "0.5 tokens", "--dev-account", "1"}, chain...)...)
	if code != 0 || !strings.Contains(stdout, "added    0.5 tokens; deposit now 1.5 tokens") {
		t.Fatalf("topup: exit %d\n%s%s", code, stdout, stderr)
	}
	l, err := esc.Lease(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if want := new(big.Int).Mul(big.NewInt(15), new(big.Int).Exp(big.NewInt(10), big.NewInt(17), nil)); l.Deposit.Cmp(want) != 0 {
		t.Errorf("deposit on chain %s base units, want %s", l.Deposit, want)
	}
	code, _, stderr = run(append([]string{"topup", id.Hex(), "1 tokens", "--dev-account", "1", "--token-decimals", "6"}, chain...)...)
	if code != 1 || !strings.Contains(stderr, "has 18 decimals") {
		t.Errorf("topup with --token-decimals 6: exit %d, %s; want refused", code, stderr)
	}
}
