package escrow_test

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"testing"

	"github.com/ethereum/go-ethereum/accounts/abi/abigen"

	"github.com/tender-market/tender/internal/testenv"
)

// contracts is the directory of the Solidity sources and their build.
var contracts = filepath.Join("..", "..", "..", "contracts")

// bindings lists every generated binding: the contract and the file that
// holds its Go binding (from the repository root), as contracts/build.sh
// writes them.
var bindings = []struct{ contract, file string }{
	{"Escrow", "pkg/lease/escrow/escrow.go"},
	{"TestToken", "pkg/lease/token/testtoken.go"},
	{"ReentrantToken", "pkg/lease/internal/testtokens/reentranttoken.go"},
	{"FalseToken", "pkg/lease/internal/testtokens/falsetoken.go"},
}

const regenerate = "regenerate with `go generate ./pkg/lease/escrow` (it runs contracts/build.sh; needs node and `npm ci` in contracts/)"

// TestBindingsMatchArtifacts regenerates each Go binding from the committed
// ABI and bytecode, as abigen --v2 --abi --bin --type does, and compares it
// with the committed binding.
func TestBindingsMatchArtifacts(t *testing.T) {
	for _, b := range bindings {
		t.Run(b.contract, func(t *testing.T) {
			abiJSON, err := os.ReadFile(filepath.Join(contracts, "build", b.contract+".abi"))
			if err != nil {
				t.Fatal(err)
			}
			bin, err := os.ReadFile(filepath.Join(contracts, "build", b.contract+".bin"))
			if err != nil {
				t.Fatal(err)
			}
			pkg := filepath.Base(filepath.Dir(b.file))
			want, err := abigen.BindV2([]string{b.contract}, []string{string(abiJSON)}, []string{string(bin)}, pkg, map[string]string{}, map[string]string{})
			if err != nil {
				t.Fatal(err)
			}
			got, err := os.ReadFile(filepath.Join(contracts, "..", b.file))
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != want {
				t.Errorf("%s does not match contracts/build/%s.{abi,bin}: %s", b.file, b.contract, regenerate)
			}
		})
	}
}

// TestArtifactsMatchSources compiles the contracts with the pinned compiler
// and compares the output with the committed contracts/build.
func TestArtifactsMatchSources(t *testing.T) {
	node, err := exec.LookPath("node")
	if err == nil {
		_, err = os.Stat(filepath.Join(contracts, "node_modules", "solc", "package.json"))
	}
	testenv.Need(t, "node with contracts/node_modules", "install Node.js 20 and run scripts/setup.d/30-contracts.sh (npm ci in contracts/)", err)

	out := t.TempDir()
	cmd := exec.Command(node, "compile.js", out)
	cmd.Dir = contracts
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("node compile.js: %v\n%s", err, stderr.String())
	}

	committed := listFiles(t, filepath.Join(contracts, "build"))
	fresh := listFiles(t, out)
	if !slices.Equal(committed, fresh) {
		t.Fatalf("contracts/build holds %v, a fresh build makes %v: %s", committed, fresh, regenerate)
	}
	for _, name := range committed {
		got, err := os.ReadFile(filepath.Join(contracts, "build", name))
		if err != nil {
			t.Fatal(err)
		}
		want, err := os.ReadFile(filepath.Join(out, name))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("contracts/build/%s differs from what the sources compile to: %s", name, regenerate)
		}
	}
}

func listFiles(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		if !e.IsDir() {
			names = append(names, e.Name())
		}
	}
	return names
}
