package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestSubmitRefuses(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "job.yaml")
	if err := os.WriteFile(bad, []byte("image: x\nmaxDuration: 1h\nmaxPricePerHour: \"1\"\nresources:\n  gpu: 1\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	floor, badFloor := filepath.Join(dir, "floor.yaml"), filepath.Join(dir, "bad-floor.yaml")
	if err := os.WriteFile(floor, []byte("image: x\nmaxDuration: 1h\nmaxPricePerHour: \"1\"\nminReputation: 20\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(badFloor, []byte("image: x\nmaxDuration: 1h\nmaxPricePerHour: \"1\"\nminReputation: high\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		args []string
		code int
		says string
	}{
		{"no spec", []string{"submit"}, 2, "accepts 1 arg"},
		{"unknown field", []string{"submit", bad}, 1, "resources.gpu: line 5: unknown field"},
		{"missing file", []string{"submit", filepath.Join(dir, "none.yaml")}, 1, "no such file"},
		{"bad output", []string{"submit", bad, "-o", "yaml"}, 2, "want text or json"},
		{"no key", []string{"submit", "../../examples/train/job.yaml"}, 1, "no key: give --key-file"},
		{"no chain", []string{"submit", "../../examples/train/job.yaml", "--dev-account", "1"}, 1, "--rpc-url is not set"},
		{"broker without scheme", []string{"submit", bad, "--broker", "127.0.0.1:8080"}, 2, `invalid argument "127.0.0.1:8080" for "--broker" flag: want the broker's http or https URL`},
		{"broker without host", []string{"submit", bad, "--broker", "http:///api"}, 2, "want the broker's http or https URL"},
		{"floor without broker", []string{"submit", floor}, 1, "the job sets minReputation, but no broker is set"},
		{"floor not a number", []string{"submit", badFloor}, 1, `minReputation: is "high": want a whole number`},
		{"trusted tenants without broker", []string{"submit", "../../examples/train/job.yaml", "--trusted-tenants", "0x" + strings.Repeat("ab", 20)}, 1, "give --broker too"},
		{"trusted tenant not an address", []string{"submit", "../../examples/train/job.yaml", "--broker", "http://127.0.0.1:8080", "--trusted-tenants", "0x12"}, 1, `--trusted-tenants: "0x12" is not an address`},
		{"too many trusted tenants", []string{"submit", "../../examples/train/job.yaml", "--broker", "http://127.0.0.1:8080", "--trusted-tenants", strings.Repeat("0x"+strings.Repeat("ab", 20)+",", 63) + "0x" + strings.Repeat("cd", 20)}, 1, "at most 63"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { wantFailure(t, tt.args, tt.code, tt.says) })
	}
}

func TestSubmitBrokerFromEnvironment(t *testing.T) {
	t.Setenv("TENDER_BROKER", "ftp://127.0.0.1:8080")
	wantFailure(t, []string{"submit", "../../examples/train/job.yaml"}, 1, `TENDER_BROKER="ftp://127.0.0.1:8080": want the broker's http or https URL`)
}
