package pricing

import (
	"context"
	"errors"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tender-market/tender/pkg/auction"
)

func writeFile(t *testing.T, name, data string, mode os.FileMode) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(data), mode); err != nil {
		t.Fatal(err)
	}
	return p
}

const table = `
gpus:
  - model: H100
    pricePerHour: "2000000"
  - model: A100
    pricePerHour: "1000001"
cpuPerCoreHour: "10001"
memoryPerGiBHour: "333"
floor: "50000"
`

func TestTable(t *testing.T) {
	p, err := Load(writeFile(t, "prices.yaml", table, 0o600))
	if err != nil {
		t.Fatal(err)
	}
	h100 := auction.GPU{Model: "NVIDIA H100 80GB HBM3", Count: 2}
	a100 := auction.GPU{Model: "NVIDIA A100-SXM4-40GB", Count: 1}
	tests := []struct {
		name  string
		offer auction.Offer
		want  string
		err   error
	}{
		{"gpus cpu memory", auction.Offer{GPUs: []auction.GPU{h100, a100}, CPUMillis: 1500, MemoryMiB: 1536},
			// 2x2000000 + 1000001 + ceil(10001*1.5)=15002 + ceil(333*1.5)=500
			"5015503", nil},
		{"floor", auction.Offer{CPUMillis: 100}, "50000", nil},
		{"unpriced", auction.Offer{GPUs: []auction.GPU{{Model: "NVIDIA B200", Count: 1}}}, "", ErrUnpriced},
		// A slice is priced only by a pattern that says MIG: not as a
		// whole A100.
		{"a MIG slice without its price", auction.Offer{GPUs: []auction.GPU{{Model: auction.MIGModel(a100.Model, "3g.20gb"), Count: 1}}}, "", ErrUnpriced},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := p.Price(t.Context(), &auction.Order{}, &tt.offer)
			if !errors.Is(err, tt.err) {
				t.Fatalf("Price error = %v, want %v", err, tt.err)
			}
			if err == nil && got.String() != tt.want {
				t.Errorf("Price = %s, want %s", got, tt.want)
			}
		})
	}
	if !p.Priced("NVIDIA H100 80GB HBM3") || p.Priced("NVIDIA H200") {
		t.Error("Priced: want H100 priced, H200 not")
	}
}

func TestLoadBad(t *testing.T) {
	tests := []struct{ name, file, says string }{
		{"unknown field", "gpu: []\n", "not found"},
		{"bad amount", "floor: 1.5\n", "floor"},
		{"negative", "gpus: [{model: H100, pricePerHour: \"-1\"}]\n", "gpus[0].pricePerHour"},
		{"no model", "gpus: [{pricePerHour: \"1\"}]\n", "gpus[0].model"},
		{"nothing", "{}\n", "prices nothing"},
		{"timeout", "floor: \"1\"\ncommandTimeout: soon\n", "commandTimeout"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Load(writeFile(t, "p.yaml", tt.file, 0o600))
			if err == nil || !strings.Contains(err.Error(), tt.says) {
				t.Errorf("Load error = %v, want one saying %q", err, tt.says)
			}
		})
	}
}

func TestCommand(t *testing.T) {
	order := &auction.Order{MaxPricePerHour: big.NewInt(9), Job: auction.Job{Image: "x"}}
	offer := &auction.Offer{GPUs: []auction.GPU{{Model: "NVIDIA H100", Count: 1}}}
	tests := []struct {
		name, script, timeout string
		want, says            string
	}{
		// The script sees the order and the table's price on stdin.
		{"answers", `input=$(cat); case "$input" in *'"image":"x"'*'"maxPricePerHour":"9"'*'"tablePrice":"700"'*) echo 123456789012345678901234567890;; *) echo "unexpected input: $input" >&2; exit 1;; esac`, "", "123456789012345678901234567890", ""},
		{"below floor", `echo 5`, "", "100", ""},
		{"fails", `echo broken >&2; exit 3`, "", "", "broken"},
		{"garbage", `echo 1.5`, "", "", "want a positive whole number"},
		{"slow", `sleep 5`, "200ms", "", "no answer within 200ms"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			script := writeFile(t, "price.sh", "#!/bin/sh\n"+tt.script+"\n", 0o700)
			p, err := New(Config{GPUs: []GPUPrice{{Model: "H100", PricePerHour: "700"}}, Floor: "100", Command: []string{script}, CommandTimeout: tt.timeout})
			if err != nil {
				t.Fatal(err)
			}
			got, err := p.Price(context.Background(), order, offer)
			if tt.says != "" {
				if err == nil || !strings.Contains(err.Error(), tt.says) {
					t.Fatalf("Price error = %v, want one saying %q", err, tt.says)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got.String() != tt.want {
				t.Errorf("Price = %s, want %s", got, tt.want)
			}
		})
	}
}

// FuzzCommandPrice feeds a pricing command's output to its parser: what
// it accepts is a positive amount that fits a uint256, printed back the same.
func FuzzCommandPrice(f *testing.F) {
	for _, s := range []string{"2000000\n", " 1 ", "0", "-5", "1e6", "0x10", "99999999999999999999999999999999999999999999999999999999999999999999999999999999"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, printed string) {
		v, err := parseCommandPrice(printed)
		if err != nil {
			return
		}
		if v.Sign() <= 0 || v.BitLen() > 256 {
			t.Fatalf("accepted %q as %s", printed, v)
		}
	})
}

// A MIG slice is priced by the first pattern that says MIG and matches it;
// "*" and whole GPUs' patterns price whole GPUs only.
func TestTableMIG(t *testing.T) {
	p, err := Load(writeFile(t, "prices.yaml", `
gpus:
  - model: A100
    pricePerHour: "1000000"
  - model: A100 MIG 1g.5gb
    pricePerHour: "150000"
  - model: MIG
    pricePerHour: "400000"
  - model: "*"
    pricePerHour: "9000000"
`, 0o600))
	if err != nil {
		t.Fatal(err)
	}
	for model, want := range map[string]string{
		"NVIDIA A100-SXM4-40GB":                              "1000000",
		auction.MIGModel("NVIDIA A100-SXM4-40GB", "1g.5gb"):  "150000",
		auction.MIGModel("NVIDIA A100-SXM4-40GB", "3g.20gb"): "400000",
		auction.MIGModel("NVIDIA H100 80GB HBM3", "1g.10gb"): "400000",
		"NVIDIA H100 80GB HBM3":                              "9000000",
	} {
		got, err := p.Table(&auction.Offer{GPUs: []auction.GPU{{Model: model, Count: 1}}})
		if err != nil || got.String() != want {
			t.Errorf("%s: %v, %v; want %s", model, got, err, want)
		}
	}
	if !p.Priced(auction.MIGModel("NVIDIA H100 80GB HBM3", "1g.10gb")) {
		t.Error("a MIG slice unpriced with a MIG price")
	}
}
