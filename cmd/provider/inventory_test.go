package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/tender-market/tender/internal/cli"
	"github.com/tender-market/tender/internal/testenv"
	"github.com/tender-market/tender/pkg/cluster"
)

func TestInventoryRefuses(t *testing.T) {
	for _, tt := range []struct {
		name string
		args []string
		says string
	}{
		{"unknown executor", []string{"inventory", "--executor", "k8s"}, "want docker or kubernetes"},
		{"simulated cluster", []string{"inventory", "--executor", "kubernetes", "--gpu-sim", "dgxh100"}, "label a node"},
		{"no cluster", []string{"inventory", "--executor", "kubernetes", "--kubeconfig", "/nonexistent/kubeconfig"}, "kubernetes config"},
		{"bad output", []string{"inventory", "-o", "yaml"}, "want table or json"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			if code := cli.Main(newRoot, tt.args, &stdout, &stderr); code != 1 || !strings.Contains(stderr.String(), tt.says) {
				t.Errorf("exit %d, stderr %q; want exit 1 saying %q", code, stderr.String(), tt.says)
			}
		})
	}
}

// TestInventoryOfACluster reads the test Kubernetes node (scripts/k8s-node.sh)
// as a GPU owner would: its 4 simulated H100s, as a table and as JSON.
func TestInventoryOfACluster(t *testing.T) {
	kubeconfig := testenv.Kubeconfig(t)
	var stdout, stderr bytes.Buffer
	if code := cli.Main(newRoot, []string{"inventory", "--executor", "kubernetes", "--kubeconfig", kubeconfig}, &stdout, &stderr); code != 0 {
		testenv.Need(t, "the test Kubernetes node", testenv.HowKubernetes, errors.New(stderr.String()))
	}
	if out := stdout.String(); !strings.Contains(out, "4 GPU(s)") || !strings.Contains(out, "NVIDIA H100 80GB HBM3 (SIMULATED)") {
		t.Errorf("table:\n%s\nwant the node's 4 simulated H100s", out)
	}
	stdout.Reset()
	if code := cli.Main(newRoot, []string{"inventory", "--executor", "kubernetes", "--kubeconfig", kubeconfig, "-o", "json"}, &stdout, &stderr); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	var nodes []cluster.Node
	if err := json.Unmarshal(stdout.Bytes(), &nodes); err != nil {
		t.Fatal(err)
	}
	if len(nodes) != 1 || nodes[0].GPUs != 4 || !nodes[0].Simulated {
		t.Errorf("nodes %+v, want one with 4 simulated GPUs", nodes)
	}
}
