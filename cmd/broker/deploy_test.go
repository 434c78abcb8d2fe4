package main

import (
	"bytes"
	"encoding/hex"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ethereum/go-ethereum/crypto"

	"github.com/tender-market/tender/internal/chaintest"
	"github.com/tender-market/tender/internal/cli"
	"github.com/tender-market/tender/pkg/deployment"
	"github.com/tender-market/tender/pkg/devchain"
	"github.com/tender-market/tender/pkg/lease"
)

// TestDeploy deploys an escrow with broker deploy on a chain served over
// JSON-RPC, for the token already there: the deployment file it writes
// names the escrow, the token with its decimals and symbol, the start
// window and block, and a lease opens on the new escrow through it. It
// refuses a token anyone may mint unless told the network is a dev one, an
// address that holds no contract, and a contract that is not a token.
func TestDeploy(t *testing.T) {
	dep, _ := chaintest.Serve(t, devchain.Config{})
	out := filepath.Join(t.TempDir(), "deployment.json")
	keyFile := filepath.Join(t.TempDir(), "key")
	if err := os.WriteFile(keyFile, []byte(hex.EncodeToString(crypto.FromECDSA(deployment.DevKey(4)))), 0o600); err != nil {
		t.Fatal(err)
	}
	base := []string{"deploy", "--rpc-url", dep.RPCURL, "--confirmations", "1", "--out", out}
	run := func(args ...string) (int, string) {
		var stdout, stderr bytes.Buffer
		code := cli.Main(newRoot, append(append([]string{}, base...), args...), &stdout, &stderr)
		return code, stdout.String() + stderr.String()
	}
	for _, c := range []struct {
		name string
		args []string
		says string
	}{
		{"a token anyone may mint", []string{"--token", dep.Token.Hex(), "--key-file", keyFile}, "anyone may mint it"},
		{"test token without --dev-network", []string{"--token", dep.Token.Hex(), "--dev-account", "0"}, "only with --dev-network"},
		{"an account, not a contract", []string{"--token", deployment.DevAddress(3).Hex(), "--dev-account", "0", "--dev-network"}, "is not a contract"},
		{"a contract that is not a token", []string{"--token", dep.Escrow.Hex(), "--dev-account", "0", "--dev-network"}, "does not say its decimals"},
	} {
		t.Run(c.name, func(t *testing.T) {
			if code, text := run(c.args...); code != 1 || !strings.Contains(text, c.says) {
				t.Fatalf("exit %d, output:\n%s\nwant exit 1 saying %q", code, text, c.says)
			}
		})
	}

	code, text := run("--token", dep.Token.Hex(), "--dev-account", "0", "--dev-network", "--start-window", "90s")
	if code != 0 {
		t.Fatalf("deploy: exit %d\n%s", code, text)
	}
	d, err := deployment.Load(out)
	if err != nil {
		t.Fatal(err)
	}
	if d.Escrow == dep.Escrow || d.Token != dep.Token || d.TokenDecimals != devchain.TokenDecimals || d.TokenSymbol != "tUSD" ||
		d.StartWindowSeconds != 90 || d.DeployedAt == 0 || d.ChainID != dep.ChainID || d.RPCURL != dep.RPCURL {
		t.Fatalf("deployment file %+v, want a new escrow for token %s (6 decimals, tUSD), start window 90 s, on chain %d", d, dep.Token.Hex(), dep.ChainID)
	}
	ctx := t.Context()
	esc, err := lease.Dial(ctx, d.RPCURL, d.Escrow, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer esc.Disconnect()
	id, _ := chaintest.OpenLease(t, esc, big.NewInt(3_600_000), big.NewInt(1_000_000))
	if l, err := esc.Lease(ctx, id); err != nil || l.State != lease.StateOpen || esc.StartDeadline(l)-l.Since != 90 {
		t.Errorf("lease %+v, %v; want open, to start within 90 s", l, err)
	}
}
