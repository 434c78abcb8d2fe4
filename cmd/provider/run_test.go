package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tender-market/tender/internal/cli"
	"github.com/tender-market/tender/internal/testenv"
	"github.com/tender-market/tender/pkg/executor"
)

func TestRunRefuses(t *testing.T) {
	prices := filepath.Join(t.TempDir(), "prices.yaml")
	if err := os.WriteFile(prices, []byte("gpus: [{model: H100, pricePerHour: \"100\"}]\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		args []string
		says string
	}{
		{"no prices", []string{"run"}, "--prices is not set"},
		{"bad cpu", []string{"run", "--prices", prices, "--cpu", "lots"}, "--cpu"},
		{"bad memory", []string{"run", "--prices", prices, "--memory", "16GB"}, "--memory"},
		{"bad output limit", []string{"run", "--prices", prices, "--output-limit", "0"}, "--output-limit"},
		{"bad attribute", []string{"run", "--prices", prices, "--attribute", "eu"}, "want key=value"},
		{"the market's attribute", []string{"run", "--prices", prices, "--attribute", "tender.node=n1"}, "the market's own"},
		{"unknown executor", []string{"run", "--prices", prices, "--executor", "nomad"}, "want docker or kubernetes"},
		{"a simulated cluster", []string{"run", "--prices", prices, "--executor", "kubernetes", "--gpu-sim", "dgxh100"}, "tender.market/simulated-gpus"},
		{"network access on a cluster", []string{"run", "--prices", prices, "--executor", "kubernetes", "--allow-network"}, "not offered with --executor kubernetes"},
		{"no such kubeconfig", []string{"run", "--prices", prices, "--executor", "kubernetes", "--kubeconfig", "/nonexistent/kubeconfig"}, "/nonexistent/kubeconfig"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := cli.Main(newRoot, tt.args, &stdout, &stderr)
			if code != 1 || !strings.Contains(stderr.String(), tt.says) {
				t.Errorf("exit %d, stderr %q; want exit 1 saying %q", code, stderr.String(), tt.says)
			}
		})
	}
}

func TestOutputLimitFromEnvironment(t *testing.T) {
	prices := filepath.Join(t.TempDir(), "prices.yaml")
	if err := os.WriteFile(prices, []byte("gpus: [{model: H100, pricePerHour: \"100\"}]\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("TENDER_OUTPUT_LIMIT", "lots")
	var stdout, stderr bytes.Buffer
	if code := cli.Main(newRoot, []string{"run", "--prices", prices}, &stdout, &stderr); code != 1 || !strings.Contains(stderr.String(), "--output-limit") {
		t.Errorf("exit %d, stderr %q; want exit 1 saying --output-limit", code, stderr.String())
	}
}

func TestLeasesWithoutChain(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name string
		args []string
		says string
	}{
		{"leases", []string{"leases", "--work-dir", dir}, "LEASE"},
		{"leases json", []string{"leases", "--work-dir", dir, "-o", "json"}, "[]"},
		{"status", []string{"status", "--work-dir", dir}, "leases   0"},
		{"status json", []string{"status", "--work-dir", dir, "-o", "json"}, `"leases": 0`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			if code := cli.Main(newRoot, tt.args, &stdout, &stderr); code != 0 {
				t.Fatalf("exit %d: %s", code, stderr.String())
			}
			if !strings.Contains(stdout.String(), tt.says) {
				t.Errorf("stdout %q lacks %q", stdout.String(), tt.says)
			}
		})
	}
}

// TestAllowNetworkNeedsTheFirewall: a provider told to offer network
// access (here through the environment) refuses to start when it cannot
// fence networked jobs in, and says which setting to change.
func TestAllowNetworkNeedsTheFirewall(t *testing.T) {
	docker, err := executor.Dial(t.Context())
	testenv.Need(t, "Docker Engine", "run scripts/setup.d/20-docker.sh", err)
	docker.Close()
	prices := filepath.Join(t.TempDir(), "prices.yaml")
	if err := os.WriteFile(prices, []byte("gpus: [{model: H100, pricePerHour: \"100\"}]\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("TENDER_ALLOW_NETWORK", "true")
	var stdout, stderr bytes.Buffer
	code := cli.Main(newRoot, []string{"run", "--prices", prices, "--gpu-sim", "dgxh100", "--docker-netns", "/nonexistent/netns", "--work-dir", t.TempDir()}, &stdout, &stderr)
	if code != 1 || !strings.Contains(stderr.String(), "--allow-network") || !strings.Contains(stderr.String(), "/nonexistent/netns") {
		t.Errorf("exit %d, stderr %q; want exit 1 naming --allow-network and the namespace", code, stderr.String())
	}
}
