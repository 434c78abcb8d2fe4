package account

import (
	"crypto/ecdsa"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ethereum/go-ethereum/accounts/keystore"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/google/uuid"
)

func TestLoad(t *testing.T) {
	key, err := crypto.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	hexKey := "0x" + hexOf(key)
	dir := t.TempDir()
	hexFile := filepath.Join(dir, "key.hex")
	os.WriteFile(hexFile, []byte(hexKey+"\n"), 0o600)
	ks, err := keystore.EncryptKey(&keystore.Key{Id: uuid.New(), Address: crypto.PubkeyToAddress(key.PublicKey), PrivateKey: key}, "pw", keystore.LightScryptN, keystore.LightScryptP)
	if err != nil {
		t.Fatal(err)
	}
	ksFile := filepath.Join(dir, "key.json")
	os.WriteFile(ksFile, ks, 0o600)
	bad := filepath.Join(dir, "bad")
	os.WriteFile(bad, []byte("not a key"), 0o600)

	tests := []struct {
		name string
		src  Source
		err  string
	}{
		{"hex", Source{Hex: hexKey}, ""},
		{"hex file", Source{File: hexFile}, ""},
		{"keystore", Source{File: ksFile, Password: "pw"}, ""},
		{"wrong password", Source{File: ksFile, Password: "no"}, "could not decrypt"},
		{"bad file", Source{File: bad}, "64 hex digits"},
		{"both", Source{Hex: hexKey, File: hexFile}, "not both"},
		{"none", Source{}, "none given"},
		{"bad hex", Source{Hex: "0x1234"}, "64 hex digits"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Load(tt.src)
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("Load error = %v, want one saying %q", err, tt.err)
				}
				if strings.Contains(err.Error(), hexOf(key)) {
					t.Fatal("the error shows the key")
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !got.Equal(key) {
				t.Error("Load returned another key")
			}
		})
	}
}

func hexOf(k *ecdsa.PrivateKey) string { return hex.EncodeToString(crypto.FromECDSA(k)) }
