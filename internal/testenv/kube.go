package testenv

import (
	"os"
	"testing"
)

// HowKubernetes says how to start the test Kubernetes node.
const HowKubernetes = "start it with scripts/k8s-node.sh up (scripts/setup.sh does)"

// Kubeconfig is the kubeconfig of the test Kubernetes node that
// scripts/k8s-node.sh runs: TENDER_TEST_KUBECONFIG, default
// /var/lib/tender-k8s/kubeconfig. A missing file skips the test, or fails
// it under CI.
func Kubeconfig(t testing.TB) string {
	t.Helper()
	path := os.Getenv("TENDER_TEST_KUBECONFIG")
	if path == "" {
		path = "/var/lib/tender-k8s/kubeconfig"
	}
	if _, err := os.Stat(path); err != nil {
		Need(t, "the test Kubernetes node", HowKubernetes, err)
	}
	return path
}
