package cluster

import (
	"bufio"
	"bytes"
	"context"
	"os"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/kubernetes/scheme"
	"k8s.io/client-go/rest"

	"github.com/tender-market/tender/internal/testenv"
	"github.com/tender-market/tender/pkg/executor"
)

// TestProviderRBAC: the account docs/kubernetes/provider-rbac.yaml gives a
// provider is enough to run a lease (staged input, launch, log, exec, a
// service's port, stop, output, delete) and read the inventory, and no more than it says:
// it may not read the namespace's secrets.
func TestProviderRBAC(t *testing.T) {
	owner := testCluster(t)
	rc := providerAccount(t, owner)
	c, err := NewForConfig(rc, owner.cfg)
	if err != nil {
		t.Fatal(err)
	}
	if snap, err := c.Inventory(nil).Refresh(t.Context()); err != nil || len(snap.Devices) == 0 {
		t.Fatalf("inventory as the provider: %d GPUs, %v", len(snap.Devices), err)
	}
	r, err := NewRunner(c, RunnerConfig{StopGrace: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	in := t.TempDir()
	if err := os.WriteFile(in+"/x", []byte("input"), 0o644); err != nil {
		t.Fatal(err)
	}
	job := runnerJob(t, "cat", "/input/x", "write", "/output/y", "z", "serve", "8080")
	job.InputDir = in
	job.GPUUUIDs = []string{Slot("vm", 0)}
	job.SimulatedGPUs = true
	job.Expose = []uint16{8080}
	run, done, logs := launchReady(t, r, job)
	if code := execCode(t, r, run, "/job", "exit", "7"); code != 7 {
		t.Errorf("exec exited %d, want 7", code)
	}
	conn, err := r.DialService(t.Context(), run, 8080)
	if err != nil {
		t.Fatal(err)
	}
	greeting, err := bufio.NewReader(conn).ReadString('\n')
	conn.Close()
	if err != nil || greeting != "hello from the job\n" {
		t.Errorf("the service as the provider: %q, %v", greeting, err)
	}
	if err := r.Cancel(t.Context(), run); err != nil {
		t.Fatal(err)
	}
	f := <-done
	if f.err != nil || f.res.Reason != executor.ReasonCanceled || !strings.Contains(logs.String(), "input") {
		t.Fatalf("finish as the provider: %+v, %v; log %q", f.res.Exit, f.err, logs.String())
	}
	if files := testenv.Untar(t, bytes.NewReader(f.out)); files["output/y"] != "z" {
		t.Errorf("output %v, want output/y", files)
	}
}

// providerAccount is owner's cluster as the account
// docs/kubernetes/provider-rbac.yaml gives a provider in owner's namespace,
// which may not read secrets.
func providerAccount(t *testing.T, owner *Cluster) *rest.Config {
	t.Helper()
	ns := owner.cfg.Namespace
	if err := owner.ensureNamespace(t.Context()); err != nil {
		t.Fatal(err)
	}
	applyRBAC(t, admin(t, owner), ns)
	rc := rest.CopyConfig(owner.rc)
	rc.Impersonate = rest.ImpersonationConfig{UserName: "system:serviceaccount:" + ns + ":tender-provider"}
	cs, err := kubernetes.NewForConfig(rc)
	if err != nil {
		t.Fatal(err)
	}
	for what, read := range map[string]func() error{
		"lists": func() error { _, err := cs.CoreV1().Secrets(ns).List(t.Context(), metav1.ListOptions{}); return err },
		"gets": func() error {
			_, err := cs.CoreV1().Secrets(ns).Get(t.Context(), "any", metav1.GetOptions{})
			return err
		},
	} {
		if err := read(); !apierrors.IsForbidden(err) {
			t.Fatalf("the provider's account %s secrets: %v; want forbidden (does the test node authorize by RBAC? scripts/k8s-node.sh up restarts one that does not)", what, err)
		}
	}
	return rc
}

// applyRBAC creates what docs/kubernetes/provider-rbac.yaml holds for
// namespace ns, its cluster-wide names made the test's own, and deletes
// them after the test.
func applyRBAC(t *testing.T, cs kubernetes.Interface, ns string) {
	t.Helper()
	b, err := os.ReadFile("../../docs/kubernetes/provider-rbac.yaml")
	if err != nil {
		t.Fatal(err)
	}
	ctx := t.Context()
	for _, doc := range strings.Split(string(b), "\n---\n") {
		obj, _, err := scheme.Codecs.UniversalDeserializer().Decode([]byte(doc), nil, nil)
		if err != nil {
			t.Fatalf("provider-rbac.yaml: %v", err)
		}
		switch o := obj.(type) {
		case *corev1.ServiceAccount:
			o.Namespace = ns
			_, err = cs.CoreV1().ServiceAccounts(ns).Create(ctx, o, metav1.CreateOptions{})
		case *rbacv1.Role:
			o.Namespace = ns
			_, err = cs.RbacV1().Roles(ns).Create(ctx, o, metav1.CreateOptions{})
		case *rbacv1.RoleBinding:
			o.Namespace, o.Subjects[0].Namespace = ns, ns
			_, err = cs.RbacV1().RoleBindings(ns).Create(ctx, o, metav1.CreateOptions{})
		case *rbacv1.ClusterRole:
			o.Name += "-" + ns
			_, err = cs.RbacV1().ClusterRoles().Create(ctx, o, metav1.CreateOptions{})
			name := o.Name
			t.Cleanup(func() { cs.RbacV1().ClusterRoles().Delete(context.Background(), name, metav1.DeleteOptions{}) })
		case *rbacv1.ClusterRoleBinding:
			o.Name += "-" + ns
			o.RoleRef.Name += "-" + ns
			o.Subjects[0].Namespace = ns
			_, err = cs.RbacV1().ClusterRoleBindings().Create(ctx, o, metav1.CreateOptions{})
			name := o.Name
			t.Cleanup(func() { cs.RbacV1().ClusterRoleBindings().Delete(context.Background(), name, metav1.DeleteOptions{}) })
		default:
			t.Fatalf("provider-rbac.yaml holds a %T", obj)
		}
		if err != nil {
			t.Fatalf("apply provider-rbac.yaml: %v", err)
		}
	}
}
