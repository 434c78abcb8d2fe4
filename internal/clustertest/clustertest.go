// Package clustertest gives tests the test Kubernetes node that
// scripts/k8s-node.sh runs, with a namespace of their own.
package clustertest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"

	"github.com/tender-market/tender/internal/testenv"
)

// Namespace connects to the test node (testenv.Kubeconfig; a node that
// does not answer skips the test, or fails it under CI) and names a fresh
// namespace, prefix and 8 hex digits, whose pods and self are deleted
// after the test. The namespace is not made: whoever runs pods there does.
func Namespace(t testing.TB, prefix string) (*rest.Config, string) {
	t.Helper()
	rc, err := clientcmd.BuildConfigFromFlags("", testenv.Kubeconfig(t))
	if err != nil {
		testenv.Need(t, "the test Kubernetes node", testenv.HowKubernetes, err)
	}
	cs, err := kubernetes.NewForConfig(rc)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := cs.CoreV1().Nodes().List(t.Context(), metav1.ListOptions{}); err != nil {
		testenv.Need(t, "the test Kubernetes node", testenv.HowKubernetes, err)
	}
	b := make([]byte, 4)
	rand.Read(b)
	ns := prefix + hex.EncodeToString(b)
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		zero := int64(0)
		cs.CoreV1().Pods(ns).DeleteCollection(ctx, metav1.DeleteOptions{GracePeriodSeconds: &zero}, metav1.ListOptions{})
		cs.CoreV1().Namespaces().Delete(ctx, ns, metav1.DeleteOptions{})
	})
	return rc, ns
}
