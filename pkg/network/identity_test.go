package network

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/libp2p/go-libp2p/core/crypto"

	"github.com/tender-market/tender/internal/testenv"
)

func TestLoadIdentity(t *testing.T) {
	tests := []struct {
		name    string
		path    string // under a fresh directory
		content []byte // written first when set
		wantErr bool
	}{
		{name: "created", path: "node.key"},
		{name: "created with its directory", path: "a/b/node.key"},
		{name: "garbage refused", path: "node.key", content: []byte("not a key"), wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), tt.path)
			if tt.content != nil {
				if err := os.WriteFile(path, tt.content, 0o600); err != nil {
					t.Fatal(err)
				}
			}
			key, err := LoadIdentity(path, testenv.Logger(t, "identity"))
			if (err != nil) != tt.wantErr {
				t.Fatalf("LoadIdentity: got error %v, want error: %v", err, tt.wantErr)
			}
			if tt.wantErr {
				return
			}
			fi, err := os.Stat(path)
			if err != nil {
				t.Fatal(err)
			}
			if got := fi.Mode().Perm(); got != 0o600 {
				t.Errorf("key file mode %v, want 0600", got)
			}
			again, err := LoadIdentity(path, nil)
			if err != nil {
				t.Fatalf("LoadIdentity again: %v", err)
			}
			if !crypto.KeyEqual(key, again) {
				t.Error("second load gave another key, want the same")
			}
		})
	}
}
