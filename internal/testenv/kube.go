package testenv

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
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

var (
	kubeImagesMu sync.Mutex
	kubeImages   = map[string]error{} // by tag: loaded once per test binary
)

// KubeImage builds the Go command pkg (a directory, as go build takes
// it) as a static binary in an image FROM scratch, at /NAME with NAME its
// base name as the entrypoint, tagged tag, and loads it into the test
// node's runtime: the node has no registry to pull from. Once per test
// binary and tag.
func KubeImage(t testing.TB, tag, pkg string) {
	t.Helper()
	kubeOnce(t, tag, func() error {
		dir := t.TempDir()
		bin := filepath.Base(pkg)
		if err := run([]string{"CGO_ENABLED=0"}, "go", "build", "-trimpath", "-o", filepath.Join(dir, bin), pkg); err != nil {
			return err
		}
		dockerfile := fmt.Sprintf("FROM scratch\nCOPY %s /%s\nENTRYPOINT [\"/%s\"]\n", bin, bin, bin)
		if err := os.WriteFile(filepath.Join(dir, "Dockerfile"), []byte(dockerfile), 0o644); err != nil {
			return err
		}
		if err := run(nil, "docker", "build", "-q", "-t", tag, dir); err != nil {
			return err
		}
		return load(dir, tag)
	})
}

// KubeLoad loads the Docker Engine's image tag into the test node's
// runtime, once per test binary.
func KubeLoad(t testing.TB, tag string) {
	t.Helper()
	kubeOnce(t, tag, func() error { return load(t.TempDir(), tag) })
}

func kubeOnce(t testing.TB, tag string, do func() error) {
	t.Helper()
	kubeImagesMu.Lock()
	defer kubeImagesMu.Unlock()
	err, done := kubeImages[tag]
	if !done {
		err = do()
		kubeImages[tag] = err
	}
	if err != nil {
		t.Fatalf("image %s for the test Kubernetes node: %v", tag, err)
	}
}

func load(dir, tag string) error {
	script, err := repoFile("scripts/k8s-node.sh")
	if err != nil {
		return err
	}
	tar := filepath.Join(dir, "image.tar")
	if err := run(nil, "docker", "save", "-o", tar, tag); err != nil {
		return err
	}
	return run(nil, script, "import", tar)
}

// repoFile is the path of rel in the repository the test runs in.
func repoFile(rel string) (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return filepath.Join(dir, rel), nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("no go.mod above the test's directory")
		}
		dir = parent
	}
}

func run(env []string, name string, args ...string) error {
	cmd := exec.Command(name, args...)
	cmd.Env = append(os.Environ(), env...)
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
	}
	return nil
}
