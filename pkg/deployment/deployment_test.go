package deployment

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"
)

func TestLoad(t *testing.T) {
	dir := t.TempDir()
	good := Deployment{ChainID: 31337, RPCURL: "http://127.0.0.1:8545", Escrow: common.HexToAddress("0x01"), Token: common.HexToAddress("0x02")}
	goodPath := filepath.Join(dir, "good.json")
	if err := good.Save(goodPath); err != nil {
		t.Fatal(err)
	}
	write := func(name, data string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	tests := []struct {
		name, path string
		ok         bool
	}{
		{"saved", goodPath, true},
		{"missing", filepath.Join(dir, "nope.json"), false},
		{"not json", write("bad.json", "{"), false},
		{"no escrow", write("partial.json", `{"chainId":31337,"rpcUrl":"http://127.0.0.1:8545"}`), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := Load(tt.path)
			if (err == nil) != tt.ok {
				t.Fatalf("Load error = %v, want ok=%v", err, tt.ok)
			}
			if tt.ok && (d.Escrow != good.Escrow || d.RPCURL != good.RPCURL) {
				t.Errorf("Load = %+v, want %+v", d, good)
			}
		})
	}
}

// TestDevKeys pins the dev accounts other commands and docs rely on, and
// that a deployment's accounts are the dev keys.
func TestDevKeys(t *testing.T) {
	for n, want := range []string{"0xcE9990669d8909b6f3a07AD4448eaF097C4e1AA6", "0x723b4906eB6BE83F7f3aA97CF56773399e5527C7", "0xddED7Fa0fDF183513B156d355a4c3c120F12a109"} {
		if got := DevAddress(n); got != common.HexToAddress(want) {
			t.Errorf("DevAddress(%d) = %s, want %s", n, got.Hex(), want)
		}
	}
	d := Deployment{Accounts: []Account{{Address: DevAddress(0), PrivateKey: crypto.FromECDSA(DevKey(0))}}}
	k, err := d.Key(0)
	if err != nil || crypto.PubkeyToAddress(k.PublicKey) != DevAddress(0) {
		t.Errorf("Key(0) = %v, %v; want dev key 0", k, err)
	}
	if _, err := d.Key(1); err == nil {
		t.Error("Key(1) of a deployment with one account: no error")
	}
}
