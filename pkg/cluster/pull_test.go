package cluster

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/tender-market/tender/internal/registrytest"
	"github.com/tender-market/tender/internal/testenv"
	"github.com/tender-market/tender/pkg/executor"
)

// TestRunnerPrivateImage: the kubelet pulls a lease's image from a
// registry that wants a login, with the tenant's credentials and only
// with them: without them or with a wrong password Create fails with the
// registry's refusal and leaves nothing behind; with them the job runs,
// and its pull secret is gone as soon as the job does. Once the node has
// the image, a lease without the login, or with a wrong one, is refused
// all the same: the stage pulls with a login whatever the node has, and,
// the image's repository recorded as pulled with a login
// (Config.PrivateImages, kept across restarts), without one too, so the
// registry decides on any cluster; the test node's kubelet also checks a
// login for an image pulled with one (KubeletEnsureSecretPulledImages).
// The credentials are in no error, log, or pod. The provider runs as the account
// docs/kubernetes/provider-rbac.yaml gives it.
func TestRunnerPrivateImage(t *testing.T) {
	t.Parallel()
	base := testCluster(t)
	ctx := t.Context()
	cli, err := executor.Dial(ctx)
	testenv.Need(t, "Docker Engine", "scripts/setup.sh installs and starts it", err)
	defer cli.Close()
	reg := registrytest.Start(t)
	// A layer new to the node: the kubelet must pull it.
	img := reg.Push(t, cli, testImage, registrytest.RepoName(t), 1<<10)
	const user, password, wrongPassword = "tenant", "s3cret-Pa55word-4b1e", "wrong-Pa55word-90ad"
	var good atomic.Int32
	reg.Wrap(registrytest.BasicAuth(user, password, &good))

	var logs testenv.Buffer
	cfg := base.cfg
	cfg.PullPolicy = corev1.PullIfNotPresent
	cfg.PrivateImages = filepath.Join(t.TempDir(), "cluster", "private-images")
	cfg.Logger = slog.New(slog.NewTextHandler(io.MultiWriter(&logs, t.Output()), &slog.HandlerOptions{Level: slog.LevelDebug}))
	// As the provider's account: it may make, give away and delete a pull
	// secret, never read one.
	account := providerAccount(t, base)
	c, err := NewForConfig(account, cfg)
	if err != nil {
		t.Fatal(err)
	}
	r, err := NewRunner(c, RunnerConfig{StopGrace: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	noSecret := func(what, s string) {
		t.Helper()
		registrytest.NoSecret(t, what, s, user, password, wrongPassword)
	}
	noPullSecret := func(job executor.Job) {
		t.Helper()
		_, err := admin(t, base).CoreV1().Secrets(c.cfg.Namespace).Get(ctx, pullSecretName(podName(job.LeaseID)), metav1.GetOptions{})
		if !apierrors.IsNotFound(err) {
			t.Errorf("the lease's pull secret: %v, want it gone", err)
		}
	}

	refused := []struct {
		name string
		auth *executor.RegistryAuth
	}{
		{"without a login", nil},
		{"with a wrong password", &executor.RegistryAuth{Username: user, Password: wrongPassword}},
	}
	refuse := func(when string) {
		t.Helper()
		for _, tc := range refused {
			job := runnerJob(t, "say", "ran")
			job.Image, job.RegistryAuth = img.Ref, tc.auth
			cctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
			_, err := r.Create(cctx, job)
			cancel()
			t.Logf("%s, %s: %v", when, tc.name, err)
			if !errors.Is(err, ErrImage) || !strings.Contains(err.Error(), "401") && !strings.Contains(strings.ToLower(err.Error()), "unauthorized") {
				t.Errorf("%s, %s: Create: %v, want ErrImage with the registry's refusal", when, tc.name, err)
			} else {
				noSecret("the error", err.Error())
			}
			testenv.Eventually(t, time.Minute, "the pod gone", func() (bool, string, error) {
				_, err := c.Find(ctx, job.LeaseID)
				return errors.Is(err, ErrNoPod), fmt.Sprint(err), nil
			})
			noPullSecret(job)
		}
	}
	refuse("before the image is on the node")
	if n := good.Load(); n != 0 {
		t.Errorf("%d requests had the right credentials before they were given", n)
	}

	for i := range 2 {
		job := runnerJob(t, "say", "ran from a private registry")
		job.Image, job.RegistryAuth = img.Ref, &executor.RegistryAuth{Username: user, Password: password}
		run, err := r.Create(ctx, job)
		if err != nil {
			t.Fatalf("Create with the right login: %v", err)
		}
		if good.Load() == 0 {
			t.Error("no request had the right credentials")
		}
		pod, err := c.Find(ctx, job.LeaseID)
		if err != nil {
			t.Fatal(err)
		}
		spec, _ := json.Marshal(pod)
		noSecret("the pod", string(spec))
		if run, err = r.Launch(ctx, run); err != nil {
			t.Fatal(err)
		}
		noPullSecret(job)
		var out testenv.Buffer
		if f := <-finish(t, r, run, &out); f.err != nil || f.res.Code != 0 || f.res.Reason != executor.ReasonExited || !strings.Contains(out.String(), "ran from a private registry") {
			t.Errorf("the job: %+v, %v, log %q", f.res.Exit, f.err, out.String())
		}
		if i == 0 {
			// The node has the image now, and the provider knows it for
			// one pulled with a login, also once restarted.
			restarted, err := NewForConfig(account, cfg)
			if err != nil {
				t.Fatal(err)
			}
			bare := runnerJob(t, "say", "ran")
			anon := Job{LeaseID: bare.LeaseID, Image: img.Ref, CPUMillicores: 100, MemoryBytes: 64 << 20, OutputLimit: 1 << 20}
			if err := restarted.checkPrivate(&anon); err != nil || !anon.pullAnyway {
				t.Errorf("a lease without a login, after a restart: %v, pull anyway %v; want its image pulled anyway", err, anon.pullAnyway)
			}
			if pod, err := PodFor(restarted.cfg, anon); err != nil || pod.Spec.InitContainers[1].ImagePullPolicy != corev1.PullAlways {
				t.Errorf("its stage: %v; want it to pull Always", err)
			}
			refuse("with the image on the node")
		}
	}
	noSecret("the cluster's log", logs.String())
}

// TestCheckPrivate: a lease without a login whose image is of a
// repository pulled with one pulls it anyway, whatever tag or digest it
// names; with pulls off it is refused; other repositories and leases with
// a login are left alone.
func TestCheckPrivate(t *testing.T) {
	path := filepath.Join(t.TempDir(), "private-images")
	if err := os.WriteFile(path, []byte("registry.example:5000/team/model\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	private, err := executor.LoadPrivateImages(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		image  string
		auth   bool
		never  bool
		anyway bool
		err    error
	}{
		{"registry.example:5000/team/model:v2", false, false, true, nil},
		{"registry.example:5000/team/model@sha256:" + strings.Repeat("ab", 32), false, false, true, nil},
		{"registry.example:5000/team/model:v2", false, true, false, executor.ErrImageLogin},
		{"registry.example:5000/team/other:v2", false, false, false, nil},
		{"busybox:1.36", false, false, false, nil},
		{"registry.example:5000/team/model:v2", true, false, false, nil},
	} {
		c := withDefaults(Config{})
		c.private = private
		if tt.never {
			c.cfg.PullPolicy = corev1.PullNever
		}
		job := Job{LeaseID: "lease", Image: tt.image}
		if tt.auth {
			job.RegistryAuth = &executor.RegistryAuth{Username: "u", Password: "p"}
		}
		err := c.checkPrivate(&job)
		if !errors.Is(err, tt.err) || tt.err == nil && err != nil || job.pullAnyway != tt.anyway {
			t.Errorf("%s (login %v, pulls off %v): %v, pull anyway %v; want %v, %v", tt.image, tt.auth, tt.never, err, job.pullAnyway, tt.err, tt.anyway)
		}
	}
}
