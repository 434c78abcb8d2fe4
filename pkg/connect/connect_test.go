package connect

import (
	"fmt"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tender-market/tender/internal/chaintest"
	"github.com/tender-market/tender/pkg/devchain"
	"github.com/tender-market/tender/pkg/jobspec"
)

// TestTokenDecimalsFromChain: against a 6-decimal and an 18-decimal token,
// the same job.yaml price ("5 tokens/h") comes out as 5 whole tokens in
// base units, because the decimals come from the token; a deployment file
// or --token-decimals that says otherwise is refused, naming both.
func TestTokenDecimalsFromChain(t *testing.T) {
	for _, decimals := range []uint8{6, 18} {
		t.Run(fmt.Sprint(decimals), func(t *testing.T) {
			dep, file := chaintest.Serve(t, devchain.Config{TokenDecimals: decimals})
			ctx := t.Context()
			s := Settings{Deployment: file}
			got, err := s.Decimals(ctx)
			if err != nil || got != decimals {
				t.Fatalf("Decimals = %d, %v; want %d", got, err, decimals)
			}
			job, err := jobspec.ReadFile("../../examples/train/job.yaml", got)
			if err != nil {
				t.Fatal(err)
			}
			want := new(big.Int).Mul(big.NewInt(5), new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(decimals)), nil))
			if job.MaxPricePerHour.Cmp(want) != 0 {
				t.Errorf("5 tokens/h is %s base units, want %s", job.MaxPricePerHour, want)
			}

			// Without the file, from the chain alone, and with the symbol.
			bare := Settings{RPCURL: dep.RPCURL, Escrow: dep.Escrow.Hex(), TokenDecimals: 6}
			c, err := bare.OpenChain(ctx, func(string) string { return "" }, nil)
			if err != nil {
				t.Fatal(err)
			}
			if c.TokenDecimals != decimals || c.TokenSymbol != "tUSD" {
				t.Errorf("connection: %d decimals, symbol %q; want %d, tUSD", c.TokenDecimals, c.TokenSymbol, decimals)
			}
			c.Close()

			wrong := uint8(24 - decimals) // 18 for 6, 6 for 18
			given := Settings{RPCURL: dep.RPCURL, Escrow: dep.Escrow.Hex(), TokenDecimals: wrong, TokenDecimalsSet: true}
			if _, err := given.Decimals(ctx); err == nil || !strings.Contains(err.Error(), "off by a factor of 10^12") {
				t.Errorf("--token-decimals %d against a %d-decimal token: %v, want refused", wrong, decimals, err)
			}
			dep.TokenDecimals = wrong
			lying := filepath.Join(t.TempDir(), "deployment.json")
			if err := dep.Save(lying); err != nil {
				t.Fatal(err)
			}
			defer os.Remove(lying)
			if _, err := (&Settings{Deployment: lying}).Decimals(ctx); err == nil || !strings.Contains(err.Error(), fmt.Sprintf("says the token has %d decimals", wrong)) {
				t.Errorf("a deployment file claiming %d decimals: %v, want refused", wrong, err)
			}
		})
	}
}
